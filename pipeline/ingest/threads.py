"""Researchers' own threads: the generic JSONL/CSV thread format, read and written.

One post per JSONL line or CSV row with the fields of `schema.ThreadRow` (documented in
docs/input-formats.md and pipeline/schemas/thread_post.schema.json). Reading validates
the whole input before anything is returned: unknown or duplicate columns, duplicate ids,
parents that do not exist, parents in another thread and reply cycles are errors that
name the file and line. Unknown fields are errors rather than ignored, because a typo
such as "parrent_id" would otherwise silently turn every reply into a root.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from pipeline.core.artifacts import atomic_path, dumps, open_text, read_json_lines
from pipeline.core.config import Config
from pipeline.core.errors import InputError, validation_message
from pipeline.core.schema import Note, ThreadRow
from pipeline.formats.convokit import is_convokit_corpus, read_convokit
from pipeline.formats.fourcat import is_4cat_header, rows_from_4cat
from pipeline.formats.reddit import is_reddit_dump, read_reddit
from pipeline.ingest.dates import normalize_iso

FIELDS = tuple(ThreadRow.model_fields)
REQUIRED = ("id", "thread_id")
GOLD_FIELDS = ("target_stance", "reply_stance", "role")


@dataclass(frozen=True)
class LocatedRow:
    row: ThreadRow
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    raise InputError(
        path,
        0,
        f"unknown thread file type {suffix!r}: use .jsonl, .csv, a Reddit dump (.zst) or a ConvoKit corpus folder",
    )


DELIMITERS = ",;\t"


def sniff_delimiter(text: str, path: Path) -> str:
    """The delimiter of a CSV text: ",", ";" (Danish and Swedish Excel) or tab, read from
    its first lines; "," when the sample is ambiguous."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.split("\n", 1)[0]
        return max(DELIMITERS, key=lambda d: (first.count(d), d == ","))


def _csv_rows(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> tuple[list[tuple[int, dict]], list[Note]]:
    # Streamed: the file's text is never held whole, only the rows read from it.
    with open_text(path, encoding) as fh:
        sample = "".join(line for _, line in zip(range(20), fh, strict=False))
        if not sample.strip():
            raise InputError(path, 0, "empty file: expected a header line and at least one row")
        fh.seek(0)
        if delimiter is None:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(sample, path)
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise InputError(path, 1, f"header does not parse as CSV: {exc}") from None
        return _csv_body(path, reader, header)


def _csv_body(path: Path, reader, header: list[str]) -> tuple[list[tuple[int, dict]], list[Note]]:
    header = [h.strip() for h in header]
    fourcat = is_4cat_header(header)
    problems = []
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(f"duplicate columns {dup}")
    unknown = [h for h in header if h not in FIELDS]
    if unknown and not fourcat:
        problems.append(f"unknown columns {unknown} (allowed: {', '.join(FIELDS)})")
    missing = [f for f in REQUIRED if f not in header]
    if missing and not fourcat:
        problems.append(f"missing required columns {missing}")
    if problems:
        raise InputError(path, 1, "header does not parse: " + "; ".join(problems))
    rows: list[tuple[int, dict[str, str]]] = []
    start = 2
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                start = reader.line_num + 1
                continue
            if len(values) != len(header):
                raise InputError(path, start, f"{len(values)} fields where the header has {len(header)}")
            rows.append((start, dict(zip(header, values, strict=True))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, reader.line_num, f"row does not parse as CSV: {exc}") from None
    if fourcat:
        # A 4CAT export: its own columns, mapped by pipeline.formats.fourcat.
        return rows_from_4cat(path, rows)
    return rows, []


def _raw_rows(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> tuple[list[tuple[int, dict]], list[Note]]:
    if _format_of(path) == "csv":
        return _csv_rows(path, encoding, delimiter)
    rows = read_json_lines(path, encoding)
    if not rows:
        raise InputError(path, 0, "empty file: expected one JSON object per line")
    return rows, []


def _clean(raw: dict) -> dict:
    """Empty strings in optional fields mean 'absent' (CSV cannot write null)."""
    out = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in ("title", "text"):
            value = value.strip()
            if value == "" and key not in REQUIRED:
                value = None
        out[key] = value
    return out


@dataclass(frozen=True)
class ReadOptions:
    """How to read researchers' files: repair missing parents, the text encoding and CSV
    delimiter (detected when None), and the filters applied to Reddit dumps."""

    repair_missing_parents: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    subreddits: frozenset[str] | None = None
    since: datetime | None = None
    until: datetime | None = None


def read_thread_files(
    paths: list[Path], cfg: Config, options: ReadOptions | None = None
) -> tuple[list[LocatedRow], list[Note]]:
    """Read and validate generic thread files and Reddit dumps; all or nothing.

    Reddit dumps (`.zst`, or JSON lines with Reddit's fields) are converted by
    `pipeline.formats.reddit` (with the filters in `options`) and then validated like any thread
    file; 4CAT exports and ConvoKit folders likewise (pipeline.formats.fourcat, pipeline.formats.convokit).

    With `repair_missing_parents`, a reply whose parent is absent from the input becomes a
    reply to its thread's root (as DAST's README prescribes) and a note says so; without
    it, that is an error.
    """
    opt = options or ReadOptions()
    encoding, delimiter = opt.encoding, opt.delimiter
    located: list[LocatedRow] = []
    notes: list[Note] = []
    sources: list[tuple[Path, int, dict]] = []
    dumps = [Path(p) for p in paths if is_reddit_dump(Path(p))]
    if dumps:
        # Reddit dumps are read together: comments and submissions come in separate files.
        rows, dump_notes = read_reddit(dumps, opt.subreddits, opt.since, opt.until)
        sources.extend(rows)
        notes.extend(dump_notes)
    for path in paths:
        path = Path(path)
        if is_convokit_corpus(path):
            corpus_rows, corpus_notes = read_convokit(path)
            sources.extend(corpus_rows)
            notes.extend(corpus_notes)
        elif path not in dumps:
            rows, file_notes = _raw_rows(path, encoding, delimiter)
            sources.extend((path, line, raw) for line, raw in rows)
            notes.extend(file_notes)
    for path, line, raw in sources:
        data = _clean(raw)
        try:
            row = ThreadRow.model_validate(data)
        except ValidationError as exc:
            raise InputError(path, line, validation_message(exc)) from None
        if row.created is not None:
            iso = normalize_iso(row.created)
            if iso is None:
                raise InputError(path, line, f"created: {row.created!r} is not an ISO 8601 date or date-time")
            row = row.model_copy(update={"created": iso})
        if row.lang is not None and (len(row.lang) not in (2, 3) or not row.lang.isalpha()):
            raise InputError(path, line, f"lang: {row.lang!r} is not an ISO 639 code")
        for task in GOLD_FIELDS:
            value = getattr(row, task)
            if value is not None and value not in cfg.labels_for(task):
                raise InputError(
                    path, line, f"{task}: unknown label {value!r} (known: {', '.join(cfg.labels_for(task))})"
                )
        if row.parent_id == row.id:
            raise InputError(path, line, f"post {row.id!r} replies to itself")
        located.append(LocatedRow(row, path, line))

    by_id: dict[str, LocatedRow] = {}
    for lr in located:
        if lr.row.id in by_id:
            first = by_id[lr.row.id]
            raise InputError(lr.path, lr.line, f"duplicate id {lr.row.id!r} (first at {first.where})")
        by_id[lr.row.id] = lr

    roots: dict[str, str] = {}
    for lr in located:
        if lr.row.parent_id is None:
            roots.setdefault(lr.row.thread_id, lr.row.id)
    repaired: list[LocatedRow] = []
    for lr in located:
        pid = lr.row.parent_id
        if pid is not None and pid not in by_id:
            root = roots.get(lr.row.thread_id)
            if not opt.repair_missing_parents or root is None:
                hint = (
                    ""
                    if opt.repair_missing_parents
                    else " (pass --repair-missing-parents to attach it to the thread root)"
                )
                raise InputError(lr.path, lr.line, f"parent_id {pid!r} of post {lr.row.id!r} does not exist{hint}")
            notes.append(
                Note(
                    where=lr.where,
                    kind="repaired",
                    message=f"parent {pid!r} of {lr.row.id!r} is missing; attached to root {root!r}",
                )
            )
            lr = LocatedRow(lr.row.model_copy(update={"parent_id": root}), lr.path, lr.line)
        elif pid is not None and by_id[pid].row.thread_id != lr.row.thread_id:
            raise InputError(
                lr.path, lr.line, f"parent {pid!r} is in thread {by_id[pid].row.thread_id!r}, not {lr.row.thread_id!r}"
            )
        repaired.append(lr)
    located = repaired
    by_id = {lr.row.id: lr for lr in located}
    _check_cycles(by_id)
    for thread_id in sorted({lr.row.thread_id for lr in located}):
        if thread_id not in roots:
            first = next(lr for lr in located if lr.row.thread_id == thread_id)
            raise InputError(first.path, first.line, f"thread {thread_id!r} has no root (a post with empty parent_id)")
    return located, notes


def _check_cycles(by_id: dict[str, LocatedRow]) -> None:
    state: dict[str, int] = {}
    for start in sorted(by_id):
        path: list[str] = []
        node: str | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = by_id[node].row.parent_id
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            lr = by_id[node]
            lines = ", ".join(f"{by_id[n].row.id} (line {by_id[n].line})" for n in cycle)
            raise InputError(lr.path, lr.line, f"reply cycle: {lines}")
        for n in path:
            state[n] = 2


def write_thread_file(path: Path, rows: list[ThreadRow]) -> None:
    """Write rows in the generic format (by extension), atomically."""
    path = Path(path)
    fmt = _format_of(path)
    with atomic_path(path) as tmp:
        if fmt == "jsonl":
            tmp.write_text("".join(dumps(r.model_dump(mode="json")) + "\n" for r in rows), encoding="utf-8")
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(FIELDS), lineterminator="\n")
                writer.writeheader()
                for r in rows:
                    writer.writerow({k: ("" if v is None else v) for k, v in r.model_dump().items()})
