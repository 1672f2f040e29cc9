"""The stage folders read back a thread at a time: a corpus's posts with their units and
every label classify gave them. What the graph stage, the report and the ConvoKit export
stream over, so that none of them holds a corpus.

Validating a record (pydantic) is most of the cost of reading it. `raw_thread_records`
therefore validates only the posts and groups the other files' lines by thread after a
plain JSON parse; `parse_thread` validates them, in whichever process gets the thread
(the graph stage's and the report's workers), with the same errors naming file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ValidationError

from pipeline.classify.labels import Predictions
from pipeline.core.artifacts import json_object, open_text
from pipeline.core.corpus import Corpus
from pipeline.core.errors import InputError, validation_message
from pipeline.core.schema import (
    KeyPoint,
    Participant,
    ParticipantLabels,
    Post,
    PostLabels,
    Relation,
    Thread,
    Unit,
    UnitLabels,
)
from pipeline.core.stream import ThreadCursor, by_thread, iter_jsonl
from pipeline.segment.units import parse_unit_id

ThreadRecord = tuple[list[Post], list[Unit], list[PostLabels], list[UnitLabels], list[Relation], list[KeyPoint]]

# The files after posts.jsonl, in ThreadRecord's order: (folder key, file, model).
_FILES: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("segments", "units.jsonl", Unit),
    ("predictions", "posts.jsonl", PostLabels),
    ("predictions", "units.jsonl", UnitLabels),
    ("predictions", "relations.jsonl", Relation),
    ("predictions", "key_points.jsonl", KeyPoint),
)


class RawLine(NamedTuple):
    """One record of a stage file, parsed as JSON but not yet validated (a tuple: there are
    a dozen per post)."""

    path: Path
    line: int
    text: str
    obj: dict

    def validated(self, model: type[BaseModel]) -> BaseModel:
        try:
            return model.model_validate(self.obj)
        except ValidationError as exc:
            raise InputError(self.path, self.line, validation_message(exc)) from None


@dataclass(frozen=True)
class RawThread:
    """A thread's posts (validated) and its other records as `RawLine`s, a list per file
    in ThreadRecord's order. Sent to a worker process without the parsed objects (`obj` is
    rebuilt there from the line's text: text pickles far faster than nested dicts)."""

    posts: list[Post]
    lines: tuple[list[RawLine], ...]

    def __reduce__(self):
        return (_raw_thread, (self.posts, tuple([(r.path, r.line, r.text) for r in rs] for rs in self.lines)))


def _raw_thread(posts: list[Post], lines: tuple[list[tuple[Path, int, str]], ...]) -> RawThread:
    return RawThread(posts, tuple([RawLine(p, n, t, json_object(p, n, t)) for p, n, t in rs] for rs in lines))


def _raw_lines(path: Path) -> Iterator[RawLine]:
    with open_text(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                yield RawLine(path, lineno, line, json_object(path, lineno, line))


def _key(field: str, model: type[BaseModel]) -> Callable[[RawLine], str]:
    """A raw record's `field` (a string); a record without one is validated here, so that
    its error is the validation error of that line, not a record out of place."""

    def key(raw: RawLine) -> str:
        value = raw.obj.get(field)
        if not isinstance(value, str):
            raw.validated(model)
            raise InputError(raw.path, raw.line, f"{field}: not a string")
        return value

    return key


def raw_thread_records(corpus_dir: Path, segments_dir: Path, pred_dir: Path) -> Iterator[RawThread]:
    """Every thread's posts and the raw lines of its units, labels, relations and key points."""
    folders = {"segments": Path(segments_dir), "predictions": Path(pred_dir)}
    posts_file = Path(corpus_dir) / "posts.jsonl"
    # Unit labels and relations name a post, not a thread: the current thread's posts are
    # all that is needed to tell where its records end (a later thread's posts are unknown).
    thread_of: dict[str, str] = {}
    unit_post, source = _key("post_id", UnitLabels), _key("source_id", Relation)
    thread_keys = (
        _key("thread_id", Unit),
        _key("thread_id", PostLabels),
        lambda r: thread_of.get(unit_post(r)),
        lambda r: thread_of.get(parse_unit_id(source(r))[0]),
        _key("thread_id", KeyPoint),
    )
    cursors = [
        ThreadCursor(_raw_lines(folders[folder] / name), key, folders[folder] / name)
        for (folder, name, _), key in zip(_FILES, thread_keys, strict=True)
    ]
    for tposts in by_thread(iter_jsonl(posts_file, Post), posts_file):
        tid = tposts[0].thread_id
        thread_of.clear()
        thread_of.update((p.id, tid) for p in tposts)
        yield RawThread(tposts, tuple(c.take(tid) for c in cursors))
    for c in cursors:
        c.check_done()


def parse_thread(raw: RawThread) -> ThreadRecord:
    """A thread's records validated (errors name the file and line)."""
    return (
        raw.posts,
        *([r.validated(model) for r in rs] for rs, (_, _, model) in zip(raw.lines, _FILES, strict=True)),
    )


def shard_data(
    raws: list[RawThread],
    threads: dict[str, Thread],
    participants: list[Participant],
    roles: list[ParticipantLabels],
    provenance: dict,
) -> tuple[Corpus, list[Unit], Predictions]:
    """A shard of threads validated and put together as the data model every stage shares:
    the corpus of its threads (with `participants`), their units, and their labels (with
    the participants' `roles`)."""
    records = [parse_thread(raw) for raw in raws]
    posts = [p for t in records for p in t[0]]
    corpus = Corpus([threads[t[0][0].thread_id] for t in records], posts, participants)
    units = [u for t in records for u in t[1]]
    labels, unit_labels, rels, points = ([x for t in records for x in t[k]] for k in range(2, 6))
    return corpus, units, Predictions(labels, unit_labels, roles, rels, provenance, points)


def thread_records(corpus_dir: Path, segments_dir: Path, pred_dir: Path) -> Iterator[ThreadRecord]:
    """(posts, units, post labels, unit labels, relations, key points) of every thread."""
    for raw in raw_thread_records(corpus_dir, segments_dir, pred_dir):
        yield parse_thread(raw)
