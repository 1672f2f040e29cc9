"""The stage folders read back a thread at a time: a corpus's posts with their units and
every label classify gave them. What the graph stage, the report and the ConvoKit export
stream over, so that none of them holds a corpus."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.core.artifacts import open_text
from pipeline.core.errors import InputError
from pipeline.core.schema import KeyPoint, Post, PostLabels, Relation, Unit, UnitLabels
from pipeline.core.stream import ThreadCursor, by_thread, handed_over, parse_line, shards
from pipeline.core.tables import iter_records, stage_file
from pipeline.segment.ids import parse_unit_id

BLOCK = 1 << 20  # characters of a JSONL table read at once to cut it into threads
ThreadRecord = tuple[list[Post], list[Unit], list[PostLabels], list[UnitLabels], list[Relation], list[KeyPoint]]
_POST_KEY = attrgetter("thread_id", "id")

# The tables after the posts, with the field that tells a record's thread: its own
# thread id, or the post it names (units' labels and relations name no thread).
_TABLES: tuple[tuple[str, str, type[BaseModel], str], ...] = (
    ("segments", "units", Unit, "thread_id"),
    ("predictions", "posts", PostLabels, "thread_id"),
    ("predictions", "units", UnitLabels, "post_id"),
    ("predictions", "relations", Relation, "source_id"),
    ("predictions", "key_points", KeyPoint, "thread_id"),
)


def _post_of(field: str, value: str) -> str:
    return parse_unit_id(value)[0] if field == "source_id" else value


def _grouped(
    posts: Iterable[Any],
    posts_file: Path,
    post_key: Callable[[Any], tuple[str, str]],
    tables: list[tuple[Iterator[Any], Callable[[Any], str], str, Path]],
) -> Iterator[tuple[list, ...]]:
    """Each thread's posts with its records of every table. `post_key` gives a post's
    (thread id, post id); a table's key function gives the field `_TABLES` names."""
    # Unit labels and relations name a post, not a thread: the current thread's posts are
    # all that is needed to tell where its records end (a later thread's posts are unknown).
    thread_of: dict[str, str] = {}

    def thread(key: Callable[[Any], str], field: str, path: Path) -> Callable[[Any], str | None]:
        if field == "thread_id":
            return key

        def of(record: Any) -> str | None:
            try:
                return thread_of.get(_post_of(field, key(record)))
            except ValueError:
                # A stage file changed by hand or cut: it had stopped the stage with a raw ValueError.
                raise InputError(
                    path, 0, f"{field} {key(record)!r} is no unit id (<post>#u.<field>.<start>-<end>); rerun classify"
                ) from None

        return of

    cursors = [ThreadCursor(records, thread(key, field, path), path) for records, key, field, path in tables]
    for tposts in by_thread(posts, posts_file, lambda p: post_key(p)[0]):
        tid = post_key(tposts[0])[0]
        thread_of.clear()
        thread_of.update((post_key(p)[1], tid) for p in tposts)
        taken = [c.take(tid) for c in cursors]
        for records, (_, _, field, path) in zip(taken, tables, strict=True):
            if field == "thread_id":
                check_thread_posts(records, thread_of, tid, path)
        yield (handed_over(tposts), *handed_over(taken))
    for c in cursors:
        c.check_done()


def check_thread_posts(records: list[Any], thread_posts: Container[str], thread: str, path: Path) -> None:
    """Refuse a record filed under `thread` that names a post the thread does not hold: a
    stage file of another corpus or an earlier ingest (rerun by hand, not by make) had
    stopped classify, graph and report with a raw KeyError."""
    for record in records:
        post = getattr(record, "post_id", None)  # parsed records; the reading process's runs have none
        if post is not None and post not in thread_posts:
            raise InputError(
                path,
                0,
                f"a record of post {post!r} in thread {thread!r}, which the corpus does not hold there: "
                "the file is of another corpus or an earlier run; rerun the stages after ingest",
            )


def _files(corpus_dir: Path, segments_dir: Path, pred_dir: Path) -> tuple[Path, ...]:
    folders = {"segments": Path(segments_dir), "predictions": Path(pred_dir)}
    return (stage_file(corpus_dir, "posts"), *(stage_file(folders[f], name) for f, name, _, _ in _TABLES))


def thread_records(corpus_dir: Path, segments_dir: Path, pred_dir: Path) -> Iterator[ThreadRecord]:
    """(posts, units, post labels, unit labels, relations, key points) of every thread."""
    files = _files(corpus_dir, segments_dir, pred_dir)
    tables = [
        (iter_records(path, model), attrgetter(field), field, path)
        for path, (_, _, model, field) in zip(files[1:], _TABLES, strict=True)
    ]
    posts = iter_records(files[0], Post)
    yield from _grouped(posts, files[0], _POST_KEY, tables)


# Consecutive lines of a JSONL table that give one key: (the key, the first line's
# number, the lines).
Run = tuple[str, int, list[str]]


@dataclass
class ShardLines:
    """A thread shard's records as the JSONL lines they were read from: per thread, the
    runs of lines of each table in `thread_records`' order. `records` parses them where
    they are used."""

    files: tuple[Path, ...]
    threads: list[tuple[list[Run], ...]]

    def records(self) -> list[ThreadRecord]:
        """The shard's threads, parsed (errors name file and line, as `iter_records`'),
        and grouped again from the parsed records: lines a reader put in the wrong thread
        are an error here, not a wrong graph. The lines are let go once parsed: a huge
        thread's (about 5 KB a post) need not sit beside its records."""
        models = (Post, *(model for _, _, model, _ in _TABLES))
        parsed = [
            [
                parse_line(model, path, first + i, line)
                for thread in self.threads
                for _, first, lines in thread[k]
                for i, line in enumerate(lines)
            ]
            for k, (model, path) in enumerate(zip(models, self.files, strict=True))
        ]
        self.threads = []
        tables = [
            (iter(records), attrgetter(field), field, path)
            for records, path, (_, _, _, field) in zip(parsed[1:], self.files[1:], _TABLES, strict=True)
        ]
        return list(_grouped(iter(parsed[0]), self.files[0], _POST_KEY, tables))


Shard = ShardLines | list[ThreadRecord]


def shard_records(shard: Shard) -> list[ThreadRecord]:
    """A shard from `thread_shards`, as records."""
    return shard.records() if isinstance(shard, ShardLines) else shard


def thread_shards(
    corpus_dir: Path, segments_dir: Path, pred_dir: Path, shard_posts: int, as_lines: bool = True
) -> Iterator[tuple[list[Post], Shard]]:
    """Whole threads in shards of about `shard_posts` posts: each shard's posts, for the
    reading process, and its records, for a worker to take with `shard_records`. Read from
    JSONL with `as_lines`, the records go as their lines, which the worker parses: parsing
    and pickling them was most of what the reading process did for the graph stage (35 of
    41 CPU seconds at 100,000 posts), while the workers waited for it. Without workers
    that gains nothing, and the lines, freed once parsed, stay in the process's heap: one
    thread of 20,000 posts took 990 MB against 902 MB read as records."""
    files = _files(corpus_dir, segments_dir, pred_dir)
    if not as_lines or any(path.suffix == ".parquet" for path in files):
        for shard in shards(thread_records(corpus_dir, segments_dir, pred_dir), shard_posts, lambda t: len(t[0])):
            yield [p for t in shard for p in t[0]], shard
        return
    tables = [
        (_runs(path, field, model), itemgetter(0), field, path)
        for path, (_, _, model, field) in zip(files[1:], _TABLES, strict=True)
    ]
    threads = _grouped(_posts_with_lines(files[0]), files[0], lambda p: _POST_KEY(p[0]), tables)
    for shard in shards(threads, shard_posts, lambda t: len(t[0])):
        posts = [post for t in shard for post, _, _ in t[0]]
        lines = ShardLines(files, [([(post.id, n, [line]) for post, n, line in t[0]], *t[1:]) for t in shard])
        # Nothing of the shard stays in this frame while the caller works on it (a huge
        # thread's posts and lines would): the lines go once parsed, the posts with the caller.
        shard.clear()
        yield handed_over(posts), lines


def _posts_with_lines(path: Path) -> Iterator[tuple[Post, int, str]]:
    with open_text(path) as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                yield parse_line(Post, path, n, line), n, line


def _runs(path: Path, field: str, model: type[BaseModel]) -> Iterator[Run]:
    """The runs of lines of a JSONL table with one `field` (a string), found without
    parsing the lines: the reading process only cuts the tables into threads, and a
    Python step per line was most of its time (the workers parse). In a JSON line an
    unescaped quote only delimits a string, so `"field": "` cannot be inside a text. A
    block of lines where the field is not found once a line (a blank line, other
    spacing) is read a line at a time, and a line without it is parsed, with the error a
    bad line gets anywhere."""
    pattern = re.compile(rf'"{field}":\s*"((?:[^"\\]|\\.)*)"')

    def unescaped(value: str) -> str:
        return json.loads(f'"{value}"') if "\\" in value else value

    first = 1
    with open_text(path) as fh:
        while block := fh.readlines(BLOCK):
            keys = pattern.findall("".join(block))
            if len(keys) == len(block):
                keys = [unescaped(k) for k in keys]
                cuts = [0, *(i for i in range(1, len(keys)) if keys[i] != keys[i - 1]), len(keys)]
                for start, end in itertools.pairwise(cuts):
                    yield keys[start], first + start, block[start:end]
            else:
                for i, line in enumerate(block):
                    if line.strip():
                        found = pattern.search(line)
                        key = (
                            unescaped(found.group(1))
                            if found
                            else getattr(parse_line(model, path, first + i, line), field)
                        )
                        yield key, first + i, [line]
            first += len(block)
