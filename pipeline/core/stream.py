"""Stage files read and written as streams of thread shards, so a stage's memory depends on
the shard size, not on the corpus.

Every JSONL artifact the stages write lists records thread by thread (a thread's records
are consecutive), in the order of `posts.jsonl`. A stage reads its inputs a thread at a
time, cuts them into shards of about `[scale] shard_posts` posts, hands the shards to
worker processes, and writes each shard's results as they come back, in shard order, so
the files are the same whatever the number of workers (`pipeline.executors.local`).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.core.artifacts import dumps, json_object, open_text
from pipeline.core.errors import InputError, validation_message

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
R = TypeVar("R")


def iter_jsonl(path: Path, model: type[M]) -> Iterator[M]:
    """The records of a JSONL artifact, validated one line at a time (errors name the line)."""
    with open_text(Path(path)) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            yield parse_line(model, path, lineno, line)


def parse_line(model: type[M], path: Path, lineno: int, line: str) -> M:
    """Line `lineno` of JSONL artifact `path` as a record of `model` (errors name the line)."""
    return slim(_record(model, path, lineno, line))


def _record(model: type[M], path: Path, lineno: int, line: str) -> M:
    # Parsed and validated in one pass by pydantic's own JSON reader: the stages read every
    # record of the corpus this way (1.3 million lines in the graph stage at 100,000 posts),
    # and a stage file reads about twice as fast as by json.loads then validation (the
    # 667,434 posts, units and unit labels of a 100k-post run: 6.5 s against 13.8 s), with
    # the same records.
    # A line it refuses (a lone surrogate escape, which `json_object` reads as U+FFFD; a
    # record that does not validate) is read the slower way, whose errors say what is wrong.
    try:
        return model.model_validate_json(line)
    except ValidationError:
        pass
    try:
        return model.model_validate(json_object(path, lineno, line))
    except ValidationError as exc:
        raise InputError(path, lineno, validation_message(exc)) from None


_SHAPES: dict[type, tuple[set[str], tuple[str, ...]]] = {}


def slim(record: M) -> M:
    """`record`, and the records nested in it (a unit's `unit_type` prediction, a post's
    authors and evidence), sharing one set of their model's field names with every other
    record that gives them all. Pydantic keeps, per instance, the set of fields its input
    gave: 728 bytes for a unit's eleven, a fifth of its memory, as much again for its
    prediction; stage files give every field. A huge thread is held whole in classify and
    graph, so this is that much less there. (Stage records are frozen; where a model is
    not, setting a field adds its name to the set: to one that holds it already.)"""
    fields = record.__pydantic_fields_set__
    known = _SHAPES.get(type(record))
    if known is None:
        known = _SHAPES[type(record)] = _shape(type(record))
    full, nested = known
    if fields is not full and fields == full:
        object.__setattr__(record, "__pydantic_fields_set__", full)
    for name in nested:
        value = record.__dict__.get(name)
        if isinstance(value, BaseModel):
            slim(value)
        elif isinstance(value, tuple | list):
            for item in value:
                if isinstance(item, BaseModel):
                    slim(item)
    return record


def _shape(model: type[BaseModel]) -> tuple[set[str], tuple[str, ...]]:
    """A model's field names, and those whose type names a model (looked up once a model,
    so that a record's other fields are not visited)."""

    def names_a_model(annotation: object) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return True
        return any(names_a_model(arg) for arg in typing.get_args(annotation))

    nested = tuple(name for name, f in model.model_fields.items() if names_a_model(f.annotation))
    return set(model.model_fields), nested


def count_lines(path: Path) -> int:
    """Lines of a file (records of a JSONL artifact), counted without parsing them."""
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def handed_over(items: list[T]) -> list[T]:
    """`items` as a new list, the old one emptied: a generator that yields this keeps no
    reference to what it handed over while it waits, so a consumer that is done with a
    huge thread's records can free them (`yield current` would keep them alive in the
    generator's frame until it resumes)."""
    out = items.copy()
    items.clear()
    return out


def by_thread(records: Iterable[T], path: Path, key: Callable[[T], str] = lambda r: r.thread_id) -> Iterator[list[T]]:
    """Consecutive records of one thread, thread by thread; a thread met again after another
    one means the file was not written by this pipeline (or was edited) and is refused."""
    seen: set[str] = set()
    current: list[T] = []
    current_key: str | None = None
    for record in records:
        k = key(record)
        if k != current_key:
            if current:
                yield handed_over(current)
            if k in seen:
                raise InputError(path, 0, f"the records of thread {k!r} are not consecutive; rerun the stage before")
            seen.add(k)
            current, current_key = [], k
        current.append(record)
    if current:
        yield handed_over(current)


def shards(threads: Iterable[T], size: int, size_of: Callable[[T], int] = len) -> Iterator[list[T]]:
    """Whole threads gathered into shards of about `size` records (`size_of` a thread)."""
    shard: list[T] = []
    n = 0
    for thread in threads:
        k = size_of(thread)
        if shard and n + k > size:
            yield handed_over(shard)
            shard, n = [], 0
        shard.append(thread)
        n += k
    thread = None  # nor may the loop variable keep the last thread alive
    if shard:
        yield handed_over(shard)


@dataclass
class ThreadCursor:
    """The records of a stage file listed thread by thread, taken a thread at a time in the
    corpus' thread order (a thread with no records gets none). `thread` gives a record's
    thread id; it may depend on posts read so far (units name their post, not their thread)."""

    records: Iterator[Any]
    thread: Callable[[Any], str | None]
    path: Path
    pending: Any = None

    def take(self, thread_id: str) -> list[Any]:
        out = []
        while True:
            if self.pending is None:
                self.pending = next(self.records, None)
                if self.pending is None:
                    return out
            if self.thread(self.pending) != thread_id:
                return out
            out.append(self.pending)
            self.pending = None

    def check_done(self) -> None:
        """Records left over belong to no thread met, or came out of the corpus' order."""
        left = self.pending if self.pending is not None else next(self.records, None)
        if left is not None:
            raise InputError(
                self.path,
                0,
                f"records of thread {self.thread(left)!r} do not follow the corpus' thread order; "
                "rerun the stages before",
            )


@dataclass(frozen=True)
class Dumped:
    """Records already written as `dumps` lines (without their line ends), for a
    `JsonlSink`: a worker that writes its results so does the encoding in parallel, and
    sends strings, which pickle for a twentieth of the records' cost. (Not a list: a
    slice of it would be a list of strings, which a sink writes as JSON strings.)"""

    lines: list[str]

    @classmethod
    def of(cls, records: Iterable[Any]) -> Dumped:
        return cls([dumps(r) for r in records])

    @classmethod
    def taken(cls, records: list[Any]) -> Dumped:
        """`of` records handed over: the list is emptied as they are dumped, so each record
        is freed once it is a line (one thread of 50,000 posts has 130,000 unit labels,
        1.1 KB each as records and a third of that as lines)."""
        records.reverse()
        lines = []
        while records:
            lines.append(dumps(records.pop()))
        return cls(lines)

    def __len__(self) -> int:
        return len(self.lines)


class JsonlSink:
    """Records appended to a JSONL file as they come (one `dumps` line each)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fh: IO[str] = open(self.path, "w", encoding="utf-8", newline="\n")
        self.count = 0

    def write(self, records: Iterable[Any] | Dumped) -> None:
        if isinstance(records, Dumped):
            self._fh.writelines(line + "\n" for line in records.lines)
            self.count += len(records)
            return
        for r in records:
            self._fh.write(dumps(r) + "\n")
            self.count += 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> JsonlSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
