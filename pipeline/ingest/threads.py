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
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from pipeline.core.artifacts import atomic_path, dumps, first_json_record, json_object, open_text
from pipeline.core.cells import xlsx_rows
from pipeline.core.config import Config
from pipeline.core.errors import InputError, PipelineError, validation_message
from pipeline.core.schema import PENDING_THREAD, Note, ThreadRow
from pipeline.formats.bluesky import is_bluesky_record, read_bluesky
from pipeline.formats.convokit import is_convokit_corpus, read_convokit
from pipeline.formats.dast import looks_like_dast
from pipeline.formats.dast import thread_fields as dast_fields
from pipeline.formats.dast import unread_columns as dast_unread
from pipeline.formats.fourcat import is_4cat_header, rows_from_4cat
from pipeline.formats.reddit import is_reddit_dump, read_reddit
from pipeline.formats.telegram import looks_like_telegram, read_telegram
from pipeline.formats.twitter import is_twitter_record, read_twitter
from pipeline.formats.youtube import is_comment as is_youtube_comment
from pipeline.formats.youtube import read_youtube
from pipeline.ingest.columns import suggested_columns
from pipeline.ingest.dates import DATE_FORMS, SLASH_RE, read_date
from pipeline.ingest.markup import html_text, looks_like_html
from pipeline.ingest.spill import RowStore

FIELDS = tuple(ThreadRow.model_fields)
REQUIRED = ("id", "thread_id")
GOLD_FIELDS = ("target_stance", "reply_stance", "role")
HTML_FIELDS = ("title", "text", "author_description")


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
    if suffix == ".xlsx":
        return "xlsx"
    raise InputError(
        path,
        0,
        f"unknown thread file type {suffix!r}: use .jsonl, .csv, .xlsx, a Reddit dump (.zst) or a ConvoKit "
        "corpus folder",
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


def _delimiter(path: Path, sample: str, given: str | None) -> str:
    """The delimiter given, else a .tsv file's tab, else the one sniffed from `sample`."""
    if given is not None:
        return given
    return "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(sample, path)


# Python's csv module refuses a field over 128 KiB, and a long op-ed or a comment thread
# pasted into one cell is longer: a field may be as long as a CSV row can be.
CSV_FIELD_LIMIT = 1 << 30


def _csv_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[int, dict, str | None]]:
    # Streamed: the file's text is never held whole, only the row being read.
    csv.field_size_limit(CSV_FIELD_LIMIT)
    with open_text(path, opt.encoding) as fh:
        sample = "".join(line for _, line in zip(range(20), fh, strict=False))
        if not sample.strip():
            raise InputError(path, 0, "empty file: expected a header line and at least one row")
        fh.seek(0)
        reader = csv.reader(fh, delimiter=_delimiter(path, sample, opt.delimiter), strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise InputError(path, 1, f"header does not parse as CSV: {exc}") from None
        raw_header = header
        header = _header_names(header, opt.columns)
        fourcat = _check_header(path, header, opt, raw_header)
        yield from _tagged(path, header, _csv_body(path, reader, header), fourcat, notes)


def _tagged(
    path: Path, header: list[str], rows: Iterator[tuple[int, dict[str, str]]], fourcat: bool, notes: list[Note]
) -> Iterator[tuple[int, dict, str | None]]:
    """A sheet's rows, a 4CAT export's converted and marked as read from an export (its
    orphans are repaired); columns that are no field left out (only `--ignore-columns`
    lets a header have them). A sheet with a header and no rows (a video without
    comments) is noted: a run that read nothing from it would otherwise look complete."""
    n = 0
    if fourcat:
        for line, raw in rows_from_4cat(path, header, rows):
            n += 1
            yield line, raw, "export"
    else:
        unknown = [h for h in header if h not in FIELDS]
        if unknown:
            notes.append(_ignored_note(path, unknown))
            rows = ((line, {k: v for k, v in raw.items() if k in FIELDS}) for line, raw in rows)
        for line, raw in rows:
            n += 1
            yield line, raw, None
    if not n:
        notes.append(
            Note(where=f"{path}:1", kind="note", message="a header line and no rows: no post read from this file")
        )


def parse_columns(specs: list[str] | None) -> tuple[tuple[str, str], ...]:
    """`--columns` as (field, the file's column) pairs: "text=body" reads the column `body`
    as the field `text`. An unknown field, a field or column named twice, or a spec without
    "=" is an error."""
    pairs: list[tuple[str, str]] = []
    for spec in specs or []:
        field, sep, column = spec.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise PipelineError(f"--columns {spec!r}: write FIELD=COLUMN, e.g. text=body")
        if field not in FIELDS:
            raise PipelineError(f"--columns {spec!r}: unknown field {field!r} (fields: {', '.join(FIELDS)})")
        pairs.append((field, column))
    for k, what in ((0, "field"), (1, "column")):
        names = [p[k].lower() for p in pairs]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise PipelineError(f"--columns: the {what} {twice[0]!r} is named twice")
    return tuple(pairs)


def _renames(columns: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """`--columns` as {the file's column, lower case: field}."""
    return {column.lower(): field for field, column in columns}


def _header_names(header: list[str], columns: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Column names as the format spells them: a spreadsheet's "ID" or " Text " is `id` or
    `text` (two columns that differ only in case are then duplicates, an error); a column
    that `columns` maps takes its field's name."""
    mapped = _renames(columns)
    out = []
    for h in header:
        name = h.strip()
        out.append(mapped.get(name.lower()) or (name.lower() if name.lower() in FIELDS else name))
    return out


def _check_header(path: Path, header: list[str], opt: ReadOptions, raw: list[str]) -> bool:
    """Whether the header (`raw`, as read; `header`, renamed) is a 4CAT export's; an error
    unless it is that or the generic format's (unknown columns allowed with
    `ignore_columns`)."""
    fourcat = is_4cat_header(header)
    problems = []
    present = {h.strip().lower() for h in raw}
    absent = [column for _, column in opt.columns if column.lower() not in present]
    if absent:
        problems.append(f"no column {absent[0]!r} as --columns names")
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(f"duplicate columns {dup}")
    unknown = [h for h in header if h not in FIELDS]
    if unknown and not fourcat and not opt.ignore_columns:
        problems.append(
            f"unknown columns {unknown} (allowed: {', '.join(FIELDS)}; map yours with --columns FIELD=COLUMN, "
            "or leave the others out with --ignore-columns)"
        )
    derived = opt.thread_per_file or opt.threads_from_parents
    missing = [f for f in REQUIRED if f not in header and not (f == "thread_id" and derived)]
    if missing and not fourcat:
        problems.append(f"missing required columns {missing}")
    if problems:
        specs, rest = suggested_columns(header, FIELDS)
        if specs and not fourcat:
            tail = " --ignore-columns" if rest and not opt.ignore_columns else ""
            problems.append(f"your columns look like: --columns {' '.join(specs)}{tail}")
        raise InputError(path, 1, "header does not parse: " + "; ".join(problems))
    return fourcat


def _ignored_note(path: Path, unknown: list[str] | set[str]) -> Note:
    shown = sorted(unknown)
    more = f" and {len(shown) - 20} more" if len(shown) > 20 else ""
    return Note(where=f"{path}:1", kind="note", message=f"columns left out (--ignore-columns): {shown[:20]}{more}")


def _csv_body(path: Path, reader, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    start = 2
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                start = reader.line_num + 1
                continue
            if len(values) != len(header):
                raise InputError(path, start, f"{len(values)} fields where the header has {len(header)}")
            yield start, dict(zip(header, values, strict=True))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, reader.line_num, f"row does not parse as CSV: {exc}") from None


def _xlsx_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[int, dict, str | None]]:
    """The first sheet of an Excel workbook, read like a CSV file (row numbers as lines)."""
    raw_header, rows = xlsx_rows(path)
    header = _header_names(raw_header, opt.columns)
    fourcat = _check_header(path, header, opt, raw_header)

    def body() -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in rows:
            extra = [v for v in values[len(header) :] if v.strip()]
            if extra:
                raise InputError(path, line, f"a value beyond the header's {len(header)} columns: {extra[0][:40]!r}")
            yield line, dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))

    yield from _tagged(path, header, body(), fourcat, notes)


def _jsonl_rows(
    path: Path, encoding: str | None = None, notes: list[Note] | None = None
) -> Iterator[tuple[int, dict, None]]:
    n = 0
    repaired: list[int] = []
    with open_text(path, encoding) as fh:
        # Split on "\n" only: U+2028 and friends may stand unescaped inside a JSON string.
        for lineno, line in enumerate(_lines(fh), start=1):
            if line.strip():
                n += 1
                yield lineno, json_object(path, lineno, line, repaired), None
    if not n:
        raise InputError(path, 0, "empty file: expected one JSON object per line")
    if repaired and notes is not None:
        notes.append(
            Note(
                where=f"{path}:{repaired[0]}",
                kind="repaired",
                message=f"{len(repaired)} line(s) escape half of a UTF-16 surrogate pair (an emoji cut in two), "
                "read as U+FFFD",
            )
        )


def _lines(fh) -> Iterator[str]:
    """Lines ended by "\n" alone (a text file opened with newline="" also ends lines at a
    lone "\r", which a JSON string may hold escaped but a stray one should not split)."""
    rest = ""
    while chunk := fh.read(1 << 16):
        parts = (rest + chunk).split("\n")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _dotted(record: dict, path: list[str]) -> object:
    """The value at a dotted path of nested JSON objects ("snippet.authorDisplayName"), or
    None where a step is missing or not an object."""
    value: object = record
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def _jsonl_records(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[int, dict, None]]:
    """A generic JSONL file's records, keys renamed by `--columns` and, with
    `--ignore-columns`, keys that are no field left out (one note for the file). A column
    with dots that is no key of a record is a path into its nested objects: API exports
    (YouTube's `snippet.textDisplay`, Facebook's `from.name`) nest what a post says."""
    if not opt.columns and not opt.ignore_columns:
        yield from _jsonl_rows(path, opt.encoding, notes)
        return
    mapped = _renames(opt.columns)
    nested = [(field, column.split(".")) for field, column in opt.columns if "." in column]
    left_out: set[str] = set()
    for line, raw, extract in _jsonl_rows(path, opt.encoding, notes):
        keys = {k.strip().lower() for k in raw}
        record = {mapped.get(k.strip().lower(), k): v for k, v in raw.items()}
        for field, steps in nested:
            if ".".join(steps).lower() not in keys:
                record[field] = _dotted(raw, steps)
        if opt.ignore_columns:
            left_out.update(k for k in record if k not in FIELDS)
            record = {k: v for k, v in record.items() if k in FIELDS}
        yield line, record, extract
    if left_out:
        notes.append(_ignored_note(path, left_out))


def _raw_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[int, dict, str | None]]:
    fmt = _format_of(path)
    if fmt == "csv":
        return _csv_rows(path, opt, notes)
    if fmt == "xlsx":
        return _xlsx_rows(path, opt, notes)
    return _jsonl_records(path, opt, notes)


# JSON exports from APIs often give ids and timestamps as numbers.
NUMBER_AS_TEXT = ("id", "thread_id", "parent_id", "created")


def _clean(raw: dict) -> dict:
    """Empty strings in optional fields mean 'absent' (CSV cannot write null); a whole
    number as an id, or a number as a date (epoch seconds), is read as its digits."""
    out = {}
    for key, value in raw.items():
        if key in NUMBER_AS_TEXT and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value) if isinstance(value, float) and value.is_integer() else value)
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
    # (field, the file's column): `--columns text=body`; see `parse_columns`.
    columns: tuple[tuple[str, str], ...] = ()
    ignore_columns: bool = False
    # Titles, texts and self-descriptions are HTML (`pipeline.ingest.markup`).
    html: bool = False
    # Posts without a parent, but a thread's first, answer a post that is inferred
    # (`pipeline.ingest.build.build_thread`).
    infer_replies: bool = False
    # A file without thread ids holds one thread, named after the file (a video's or a
    # post's comments exported one file each).
    thread_per_file: bool = False
    # Files without thread ids whose posts name their parents (Mastodon statuses, a scraper's
    # id and reply-to columns): a post's thread is its reply chain's first post
    # (`RowStore.derive_threads`).
    threads_from_parents: bool = False
    # The files hold comments without the post they comment on: each thread gets an empty
    # root, which the comments without a parent answer (give its statement in `target`).
    comments_only: bool = False
    # How dates with slashes are read: "day-first" (02/01/2024 is 2 January, as British and
    # most European exports write it) or "month-first" (American); None refuses them.
    slash_dates: str | None = None


def _sources(paths: list[Path], opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[Path, int, dict, str | None]]:
    """(file, line, raw row, extract kind) of every input, file by file; notes on what
    readers repaired. The extract kind ("dump") marks rows whose missing parents and roots
    the row store repairs (`RowStore.attach_orphans`)."""
    dumps = [Path(p) for p in paths if is_reddit_dump(Path(p))]
    if dumps:
        # Reddit dumps are read together: comments and submissions come in separate files.
        rows = read_reddit(dumps, notes, opt.subreddits, opt.since, opt.until)
        yield from ((path, line, raw, "dump") for path, line, raw in rows)
    for path in paths:
        path = Path(path)
        if is_convokit_corpus(path):
            yield from ((p, line, raw, "corpus") for p, line, raw in read_convokit(path))
        elif looks_like_dast(path):
            yield from _dast_rows(path, opt, notes)
        elif looks_like_telegram(path):
            yield from ((path, line, raw, "export") for line, raw in read_telegram(path, opt.encoding, notes))
        elif (found := _json_export(path)) is not None:
            export, document = found
            if document is None:
                records = ((line, raw) for line, raw, _ in _jsonl_rows(path, opt.encoding, notes))
            else:
                records = iter([(1, document)])
            yield from ((path, line, raw, "export") for line, raw in export[1](path, records, notes))
        elif path not in dumps:
            yield from ((path, line, raw, extract) for line, raw, extract in _raw_rows(path, opt, notes))


# JSON-lines files that other tools write, told apart by their first record: (test of a
# record, reader of (line, record) pairs, what `ingest --check` calls it).
JSON_EXPORTS = (
    (is_twitter_record, read_twitter, "tweets (Twitter/X API v2 as twarc2 writes them, or API v1.1)"),
    (is_bluesky_record, read_bluesky, "Bluesky posts (AT Protocol)"),
    (is_youtube_comment, read_youtube, "YouTube comments (youtube-comment-downloader), one video"),
)


def _json_export(path: Path) -> tuple[tuple, dict | None] | None:
    """Which of `JSON_EXPORTS` wrote `path`, and the file's one JSON document where it is not
    JSON lines (an API response saved indented, as a browser or `jq .` saves it)."""
    record, document = first_json_record(path), None  # read once for every test
    if record is None and Path(path).suffix.lower() == ".json":
        record = document = _json_document(path)
    export = next((e for e in JSON_EXPORTS if e[0](record)), None) if record is not None else None
    return (export, document) if export is not None else None


def _json_document(path: Path) -> dict | None:
    """A `.json` file as one JSON object; None when it is not one (the thread-file reader
    then says what is wrong, naming the line)."""
    try:
        with open_text(path, None) as fh:
            document = json.load(fh)
    except (InputError, ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _dast_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[Path, int, dict, str]]:
    unread: set[str] = set()
    for line, raw, _ in _jsonl_rows(path, opt.encoding, notes):
        unread |= dast_unread(raw)
        yield path, line, dast_fields(path, line, raw), "DAST file"
    if unread:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"read in DAST's layout; columns not read: {', '.join(sorted(unread))}",
            )
        )


def describe_input(path: Path, opt: ReadOptions) -> str:
    """How ingest reads `path` (which reader, and for CSV the delimiter), as `_sources`
    chooses; for `ingest --check`. A file that cannot be read says so when it is read."""
    path = Path(path)
    if is_convokit_corpus(path):
        return "a ConvoKit corpus"
    if is_reddit_dump(path):
        return "a Reddit dump"
    if looks_like_dast(path):
        return "a DAST file"
    if looks_like_telegram(path):
        return "a Telegram chat export (Telegram Desktop, JSON)"
    if (found := _json_export(path)) is not None:
        return found[0][2]
    fmt = _format_of(path)
    if fmt == "jsonl":
        return "a thread file (JSONL)"
    try:
        if fmt == "xlsx":
            header, _ = xlsx_rows(path)
            kind = "Excel"
        else:
            with open_text(path, opt.encoding) as fh:
                sample = "".join(line for _, line in zip(range(20), fh, strict=False))
            delimiter = _delimiter(path, sample, opt.delimiter)
            header = next(csv.reader([sample.split("\n", 1)[0]], delimiter=delimiter), [])
            kind = f"CSV, delimiter {delimiter!r}"
    except (InputError, OSError, csv.Error, StopIteration):
        return "a thread file"
    if is_4cat_header(_header_names(header, opt.columns)):
        return f"a 4CAT export ({kind})"
    return f"a thread file ({kind})"


def validate_row(
    path: Path,
    line: int,
    raw: dict,
    cfg: Config,
    date_forms: Counter | None = None,
    slash_dates: str | None = None,
    relabelled: dict[str, list] | None = None,
) -> ThreadRow:
    """One raw row as a `ThreadRow` (dates normalised), or an error naming its file and line.
    `date_forms` counts, per (file, form), the dates read from a form other than ISO 8601;
    `slash_dates` is the order of dates with slashes (`ReadOptions.slash_dates`);
    `relabelled` keeps, per file, [how many, the first] gold labels written in another case
    or with spaces around them ("FAVOR", " deny"), read as the label they spell."""
    try:
        row = ThreadRow.model_validate(_clean(raw))
    except ValidationError as exc:
        message = validation_message(exc)
        if any(err["type"] == "extra_forbidden" for err in exc.errors()):
            specs, rest = suggested_columns(list(raw), FIELDS)
            if specs:
                tail = " --ignore-columns" if rest else ""
                message += f"; your fields look like: --columns {' '.join(specs)}{tail}"
        raise InputError(path, line, message) from None
    if row.created is not None:
        read = read_date(row.created, slash_dates)
        if read is None:
            raise InputError(path, line, _date_message(row.created, slash_dates))
        iso, form = read
        if form is not None and date_forms is not None:
            date_forms[str(path), form] += 1
        row = row.model_copy(update={"created": iso})
    if row.lang is not None and (len(row.lang) not in (2, 3) or not row.lang.isalpha()):
        raise InputError(path, line, f"lang: {row.lang!r} is not an ISO 639 code")
    for task in GOLD_FIELDS:
        value = getattr(row, task)
        labels = cfg.labels_for(task)
        if value is None or value in labels:
            continue
        spelt = {label.lower(): label for label in labels}.get(value.strip().lower())
        if spelt is None:
            raise InputError(path, line, f"{task}: unknown label {value!r} (known: {', '.join(labels)})")
        row = row.model_copy(update={task: spelt})
        if relabelled is not None:
            seen = relabelled.setdefault(str(path), [0, f"{value!r} as {spelt}"])
            seen[0] += 1
    if row.parent_id == row.id:
        raise InputError(path, line, f"post {row.id!r} replies to itself")
    return row


def _date_message(value: str, slash_dates: str | None) -> str:
    if SLASH_RE.fullmatch(value.strip()):
        if slash_dates is None:
            return (
                f"created: {value!r} has slashes, which American exports write month first and British and "
                "European ones day first: say which with --slash-dates day-first or --slash-dates month-first"
            )
        return f"created: {value!r} is not a date read {slash_dates} (--slash-dates)"
    return (
        f"created: {value!r} is not a date this pipeline reads (ISO 8601 such as 2024-12-04T10:15, Unix epoch "
        "seconds or milliseconds, day-first 04-12-2024 or 04.12.2024, 4. december 2024, or with slashes given "
        "--slash-dates)"
    )


THREAD_FILE_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".xlsx", ".zst")


def expand_folders(paths: list[Path], notes: list[Note]) -> list[Path]:
    """`paths` with each folder that is no ConvoKit corpus replaced by the thread files in
    it (by name; not its subfolders): a folder of exports, one file per video or thread."""
    out: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir() or is_convokit_corpus(path):
            out.append(path)
            continue
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in THREAD_FILE_SUFFIXES)
        if not files:
            raise InputError(
                path, 0, f"a folder with no thread files ({', '.join(THREAD_FILE_SUFFIXES)}) and no ConvoKit corpus"
            )
        others = sorted(p.name for p in path.iterdir() if not p.name.startswith(".") and p not in files)
        left = f"; left out: {', '.join(others[:5])}{' ...' if len(others) > 5 else ''}" if others else ""
        notes.append(
            Note(where=str(path), kind="note", message=f"folder read as its {len(files)} thread file(s){left}")
        )
        out.extend(files)
    return out


def spill_thread_files(
    paths: list[Path], cfg: Config, store: RowStore, options: ReadOptions | None = None
) -> list[Note]:
    """Read, validate and store every row of the inputs, then check them across files (see
    `read_thread_files`); the notes on what was repaired. Memory stays flat: rows go to
    `store` as they are read."""
    opt = options or ReadOptions()
    notes: list[Note] = []
    paths = expand_folders(paths, notes)
    forms: Counter = Counter()
    markup: Counter = Counter()
    relabelled: dict[str, list] = {}

    def rows() -> Iterator[tuple[ThreadRow, Path, int, str | None]]:
        for path, line, raw, extract in _sources(paths, opt, notes):
            if not str(raw.get("thread_id") or "").strip():
                if opt.thread_per_file:
                    raw = {**raw, "thread_id": path.stem}
                elif opt.threads_from_parents and str(raw.get("id") or "").strip():
                    raw = {**raw, "thread_id": PENDING_THREAD + str(raw["id"]).strip()}
            row = validate_row(path, line, raw, cfg, forms, opt.slash_dates, relabelled)
            if opt.comments_only and row.parent_id is None and row.id != row.thread_id:
                # A comment on the post the export left out: that post is the thread's
                # (empty) root, made by `RowStore.check`.
                row = row.model_copy(update={"parent_id": row.thread_id})
            fields = {k: v for k in HTML_FIELDS if (v := getattr(row, k))}
            if any(looks_like_html(v) for v in fields.values()):
                markup[str(path)] += 1
                if opt.html:
                    row = row.model_copy(update={k: html_text(v) for k, v in fields.items()})
            yield row, path, line, extract

    store.add(rows())
    notes.extend(
        Note(where=where, kind="repaired", message=f"{n} post(s) read from HTML as text (--html)")
        if opt.html
        else Note(
            where=where,
            kind="note",
            message=f"{n} post(s) look like HTML (tags such as <p> or <br>, entities such as &amp;); "
            "pass --html to read them as the text a reader saw",
        )
        for where, n in sorted(markup.items())
    )
    # Not an error: researchers' exports write dates as their tools do. Saying how each was
    # read lets a researcher check that a day-first reading was the right one.
    notes.extend(
        Note(where=where, kind="repaired", message=f"{n} date(s) read from {DATE_FORMS[form]}")
        for (where, form), n in sorted(forms.items())
    )
    notes.extend(
        Note(where=where, kind="repaired", message=f"{n} gold label(s) in another case or with spaces, e.g. {example}")
        for where, (n, example) in sorted(relabelled.items())
    )
    notes.extend(store.repeat_notes())
    if store.pending:  # `--threads-from-parents`, or a reader of a format without thread ids
        notes.extend(store.derive_threads())
    notes.extend(store.check(opt.repair_missing_parents, empty_roots=opt.repair_missing_parents or opt.comments_only))
    return notes


def read_thread_files(
    paths: list[Path], cfg: Config, options: ReadOptions | None = None
) -> tuple[list[LocatedRow], list[Note]]:
    """Read and validate generic thread files and Reddit dumps; all or nothing. Rows come
    thread by thread (threads in id order, a thread's rows in input order).

    Reddit dumps (`.zst`, or JSON lines with Reddit's fields) are converted by
    `pipeline.formats.reddit` (with the filters in `options`) and then validated like any thread
    file; 4CAT exports and ConvoKit folders likewise (pipeline.formats.fourcat, pipeline.formats.convokit).

    With `repair_missing_parents`, a reply whose parent is absent from the input becomes a
    reply to its thread's root (as DAST's README prescribes) and a note says so; without
    it, that is an error. Duplicate ids, parents in another thread, reply cycles and
    threads without a root are errors naming the file and line.
    """
    with RowStore() as store:
        notes = spill_thread_files(paths, cfg, store, options)
        rows = [LocatedRow(row, path, line) for thread in store.threads() for row, path, line in thread]
    return rows, notes


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
