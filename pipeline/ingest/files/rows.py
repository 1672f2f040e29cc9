"""A thread file's raw rows: CSV (its delimiter sniffed), Excel and JSONL, with the header
checked, columns renamed by `--columns` and, with `--ignore-columns`, the others left out.
What the rows mean (dates, labels, parents) is checked after, in `pipeline.ingest.files.threads`.

Unknown columns are errors rather than ignored, because a typo such as "parrent_id" would
otherwise silently turn every reply into a root; the error suggests the mapping common
names mean (`pipeline.ingest.files.columns`).
"""

from __future__ import annotations

import csv
import itertools
import shlex
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.artifacts import code_page_text, encoding_of, is_text_table, json_object, open_text
from pipeline.core.compressed import compression_of, inner_suffix
from pipeline.core.errors import InputError, PipelineError
from pipeline.core.jsondoc import json_layout, json_records
from pipeline.core.schema import Note, ThreadRow
from pipeline.core.workbooks import WORKBOOK_SUFFIXES, workbook_rows, workbook_sheets
from pipeline.formats.facepager import is_facepager_header, rows_from_facepager
from pipeline.formats.fourcat import is_4cat_header, rows_from_4cat
from pipeline.formats.twitter import is_twarc_csv_header, rows_from_twarc_csv
from pipeline.ingest.files.columns import suggested_options
from pipeline.ingest.options import ReadOptions
from pipeline.ingest.pages.manifest import PAGE_SUFFIXES

FIELDS = tuple(ThreadRow.model_fields)
REQUIRED = ("id", "thread_id")


def format_of(path: Path) -> str:
    """ "jsonl", "csv" or "xlsx" (any workbook: .xlsx, .xls, .ods), from the suffix under any
    compression (`posts.csv.gz`); "csv" too for Excel's "Unicode Text" (`.txt`)."""
    suffix = inner_suffix(path)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv") or is_text_table(path):
        return "csv"
    if suffix in WORKBOOK_SUFFIXES:
        if compression_of(path):
            raise InputError(path, 0, f"a {suffix} workbook is compressed already: give it uncompressed")
        return "xlsx"
    shown = "".join(Path(path).suffixes[-2:]).lower() if compression_of(path) else suffix
    raise InputError(path, 0, f"unknown thread file type {shown!r}: {what_to_do(path)}")


# Raw pages and manifests are read through --manifest, not --threads: what a file given to
# the wrong option probably is, and how to read it (`PAGE_SUFFIXES`: what a folder of pages
# lists).
THREAD_FILE_HINT = (
    "use .jsonl, .csv, a workbook (.xlsx, .xls, .ods), a Reddit dump (.zst), a Disqus or WordPress export (.xml), "
    "a Kialo discussion export (.txt), a mailing list's mbox archive (.mbox, .txt) "
    "or saved e-mails (.eml, Outlook's .msg), "
    "a tab-separated .txt table with its header on the first line "
    "or a ConvoKit corpus folder (any but a workbook may be compressed: .gz, .bz2, .xz, .zst), "
    "or a zip or tar archive of these"
)


def what_to_do(path: Path) -> str:
    """How to read a file that is no thread file (a saved page, a manifest), or which files are."""
    suffix = inner_suffix(path)
    if suffix == ".toml":
        return "a manifest of raw pages is read with --manifest (make run MANIFEST=...), not --threads"
    if suffix in (".mbox", ".mbx", ".eml", ".emlx"):
        return (
            "read as e-mail, it must open with mbox's separator line (From <sender> <asctime date>) or, "
            "a saved message, with its headers (From:, Date:, Subject:)"
        )
    if suffix == ".msg":
        return "an Outlook message (.msg) is read as Outlook saves it (a compound file); this file is not one"
    if suffix in PAGE_SUFFIXES:
        return (
            "a saved page is read through a manifest that lists it ([[document]] file = ..., kind, lang; "
            "docs/input-formats.md, section 1), given as --manifest (make run MANIFEST=...)"
        )
    return THREAD_FILE_HINT


DELIMITERS = ",;\t"


def sniff_delimiter(text: str, path: Path) -> str:
    """The delimiter of a CSV text: ",", ";" (Danish and Swedish Excel) or tab, read from
    its first lines; "," when the sample is ambiguous."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The first line with a delimiter in it: a title above the header has none.
        lines = text.splitlines()[:20]
        first = next((line for line in lines if any(d in line for d in DELIMITERS)), lines[0] if lines else "")
        return max(DELIMITERS, key=lambda d: (first.count(d), d == ","))


def delimiter_of(path: Path, sample: str, given: str | None) -> str:
    """The delimiter given, else a .tsv file's tab, else the one sniffed from `sample`."""
    if given is not None:
        return given
    return "\t" if inner_suffix(path) == ".tsv" or is_text_table(path) else sniff_delimiter(sample, path)


# Python's csv module refuses a field over 128 KiB, and a long op-ed or a comment thread
# pasted into one cell is longer: a field may be as long as a CSV row can be.
CSV_FIELD_LIMIT = 1 << 30


def table_encoding(path: Path, opt: ReadOptions, notes: list[Note] | None = None) -> str | None:
    """The encoding to read a CSV or tab-separated table in: the one given, UTF-16 by its
    byte-order mark, Windows-1252 where the file holds no UTF-8 and reads so (with a note;
    it had been refused until --encoding cp1252), else None (UTF-8)."""
    encoding = encoding_of(path, opt.encoding)
    if encoding is None and Path(path).is_file() and code_page_text(path):
        if notes is not None:
            notes.append(
                Note(
                    where=str(path),
                    kind="repaired",
                    message="not UTF-8: read as Windows-1252, as a Danish or Swedish Excel saves CSV "
                    "(--encoding says otherwise)",
                )
            )
        return "cp1252"
    return encoding


def _csv_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[int, dict, str | None]]:
    # Streamed: the file's text is never held whole, only the row being read.
    csv.field_size_limit(CSV_FIELD_LIMIT)
    with open_text(path, table_encoding(path, opt, notes)) as fh:
        head = list(itertools.islice(fh, 20))
        sample = "".join(head)
        if not sample.strip():
            raise InputError(path, 0, "empty file: expected a header line and at least one row")
        # The sample is read again from memory, not by seeking back: a compressed stream
        # cannot seek.
        lines = itertools.chain(head, fh)
        reader = csv.reader(lines, delimiter=delimiter_of(path, sample, opt.delimiter), strict=True)
        try:
            first = next(reader)
            found = _header_below(path, ((reader.line_num, row) for row in reader), first, opt, notes)
        except csv.Error as exc:
            raise InputError(path, reader.line_num, f"header does not parse as CSV: {exc}") from None
        raw_header = found or first
        header = header_names(raw_header, opt.columns)
        export = _check_header(path, header, opt, raw_header)
        body = _csv_body(path, reader, header, start=reader.line_num + 1 if found else 2)
        yield from _tagged(path, header, body, export, notes)


# Exports made for people (a comment tool's spreadsheet, a saved report) put a title, the
# post's address or the date of export above the header row.
HEADER_SEARCH_ROWS = 10


def _required(opt: ReadOptions) -> tuple[str, ...]:
    """The columns a header must have: the id and the thread id, unless the options derive
    them."""
    derived = opt.thread_per_file or opt.threads_from_parents
    return tuple(f for f in REQUIRED if not (f == "thread_id" and derived) and not (f == "id" and opt.row_ids))


def _names_a_thread(row: list[str], opt: ReadOptions) -> bool:
    names = header_names([c.strip() for c in row], opt.columns)
    return export_of(names) is not None or all(f in names for f in _required(opt))


def export_of(header: list[str]) -> str | None:
    """The tool whose table `header` is (its names as `header_names` gives them), where the
    table is read by that tool's mapping and not as the generic format: "4CAT", "twarc-csv",
    "Facepager"."""
    if is_4cat_header(header):
        return "4CAT"
    if is_twarc_csv_header(header):
        return "twarc-csv"
    if is_facepager_header(header):
        return "Facepager"
    return None


def _header_below(
    path: Path, rows: Iterator[tuple[int, list[str]]], first: list[str], opt: ReadOptions, notes: list[Note]
) -> list[str] | None:
    """Where the first row is no header (it lacks the id or the thread column), the first of
    the next rows, up to `HEADER_SEARCH_ROWS` in all, that is one; the rows above it are
    left out, with a note. None when the first row is the header or none is found (then the
    first row's header error stands). Reads only the rows it looks at from `rows`."""
    if _names_a_thread(first, opt):
        return None
    above = [first]
    for line, row in itertools.islice(rows, HEADER_SEARCH_ROWS - 1):
        if _names_a_thread(row, opt):
            shown = " | ".join(" ".join(c.split()) for r in above for c in r if c.strip())[:80]
            notes.append(
                Note(
                    where=f"{path}:{line}",
                    kind="note",
                    message=f"header found on line {line}; the {len(above)} line(s) above it left out: {shown!r}",
                )
            )
            while row and not row[-1].strip():
                row = row[:-1]
            return [c.strip() for c in row]
        above.append(row)
    return None


def _tagged(
    path: Path, header: list[str], rows: Iterator[tuple[int, dict[str, str]]], export: str | None, notes: list[Note]
) -> Iterator[tuple[int, dict, str | None]]:
    """A sheet's rows, a tool's export (`export_of`) converted and marked as read from an
    export (its orphans are repaired); columns that are no field left out (only
    `--ignore-columns` lets a header have them). A sheet with a header and no rows (a video
    without comments) is noted: a run that read nothing from it would otherwise look
    complete."""
    n = 0
    if export is not None:
        converted = (
            rows_from_4cat(path, header, rows)
            if export == "4CAT"
            else rows_from_facepager(path, header, rows, notes)
            if export == "Facepager"
            else rows_from_twarc_csv(path, header, rows, notes)
        )
        for line, raw in converted:
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


def header_names(header: list[str], columns: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Column names as the format spells them: a spreadsheet's "ID" or " Text " is `id` or
    `text` (two columns that differ only in case are then duplicates, an error); a column
    that `columns` maps takes its field's name."""
    mapped = _renames(columns)
    out = []
    for h in header:
        name = h.strip()
        out.append(mapped.get(name.lower()) or (name.lower() if name.lower() in FIELDS else name))
    return out


def _check_header(path: Path, header: list[str], opt: ReadOptions, raw: list[str], line: int = 1) -> str | None:
    """The tool whose export the header (`raw`, as read; `header`, renamed) is (`export_of`);
    an error unless it is one or the generic format's (unknown columns allowed with
    `ignore_columns`)."""
    export = export_of(header)
    exported = export is not None
    problems = []
    present = {h.strip().lower() for h in raw}
    absent = [column for _, column in opt.columns if column.lower() not in present]
    if absent:
        problems.append(f"no column {absent[0]!r} as --columns names")
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(f"duplicate columns {dup}")
    unknown = [h for h in header if h not in FIELDS]
    if unknown and not exported and not opt.ignore_columns:
        problems.append(
            f"unknown columns {unknown} (allowed: {', '.join(FIELDS)}; map yours with --columns FIELD=COLUMN, "
            "or leave the others out with --ignore-columns)"
        )
    missing = [f for f in _required(opt) if f not in header]
    if missing and not exported:
        problems.append(f"missing required columns {missing}")
    if problems:
        suggested = None if exported else suggested_options(header, FIELDS, opt.ignore_columns)
        if suggested:
            problems.append(f"your columns look like: {suggested}")
        # A table with no column for them at all: the options that derive them.
        derive = {"id": "--row-ids (each row named by its file and line)", "thread_id": "--thread-per-file"}
        mapped = {token.split("=", 1)[0] for token in shlex.split(suggested or "")}
        if mapped & {"--threads-from-parents", "--thread-per-file"}:
            mapped.add("thread_id")
        unmapped = [derive[f] for f in missing if f in derive and f not in mapped]
        if unmapped and not exported:
            problems.append(f"a table with no such column reads with {' and '.join(unmapped)}")
        raise InputError(path, line, "header does not parse: " + "; ".join(problems))
    return export


def _ignored_note(path: Path, unknown: list[str] | set[str]) -> Note:
    shown = sorted(unknown)
    more = f" and {len(shown) - 20} more" if len(shown) > 20 else ""
    return Note(where=f"{path}:1", kind="note", message=f"columns left out (--ignore-columns): {shown[:20]}{more}")


def _csv_body(path: Path, reader, header: list[str], start: int = 2) -> Iterator[tuple[int, dict[str, str]]]:
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


def data_sheet(path: Path, opt: ReadOptions, notes: list[Note]) -> int:
    """The sheet that holds the posts: the first whose first rows name an id and a thread
    column (a workbook made by hand may open with a sheet of explanations); the first
    sheet when none does (its header error then says what is missing)."""
    sheets = workbook_sheets(path, HEADER_SEARCH_ROWS)
    for index, (name, rows) in enumerate(sheets):
        if any(_names_a_thread(row, opt) for row in rows):
            if index:
                skipped = ", ".join(repr(n) for n, _ in sheets[:index])
                notes.append(
                    Note(
                        where=str(path),
                        kind="note",
                        message=f"read sheet {name!r}: sheet(s) {skipped} before it name no id and thread columns; "
                        "row numbers are that sheet's",
                    )
                )
            return index
    return 0


def _xlsx_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[int, dict, str | None]]:
    """The sheet of a workbook (Excel, LibreOffice) that holds the posts (`data_sheet`),
    read like a CSV file (row numbers as lines)."""
    raw_header, rows, line = workbook_rows(path, data_sheet(path, opt, notes))
    raw_header = _header_below(path, iter(rows), raw_header, opt, notes) or raw_header
    header = header_names(raw_header, opt.columns)
    export = _check_header(path, header, opt, raw_header, line)

    def body() -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in rows:
            extra = [v for v in values[len(header) :] if v.strip()]
            if extra:
                raise InputError(path, line, f"a value beyond the header's {len(header)} columns: {extra[0][:40]!r}")
            yield line, dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))

    yield from _tagged(path, header, body(), export, notes)


def jsonl_rows(
    path: Path, encoding: str | None = None, notes: list[Note] | None = None
) -> Iterator[tuple[int, dict, None]]:
    """A JSON-lines file's records with their lines; a `.json` file may instead hold one
    JSON array of them, or one object whose only member is that array (`{"data": [...]}`),
    as scrapers and `pandas.to_json(orient="records")` save them, read a record at a time
    (`core.jsondoc`), never whole."""
    if inner_suffix(path) == ".json" and json_layout(path, encoding) in ("array", "wrapped"):
        for line, record in json_records(path, encoding):
            if not isinstance(record, dict):
                raise InputError(path, line, f"expected a JSON object in the array, found {type(record).__name__}")
            yield line, record, None
        return
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
    # (UTF-16 by its byte-order mark: `open_text` and the layout tests read it so.)
    if not opt.columns and not opt.ignore_columns:
        yield from jsonl_rows(path, opt.encoding, notes)
        return
    mapped = _renames(opt.columns)
    nested = [(field, column.split(".")) for field, column in opt.columns if "." in column]
    left_out: set[str] = set()
    for line, raw, extract in jsonl_rows(path, opt.encoding, notes):
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


def raw_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[int, dict, str | None]]:
    fmt = format_of(path)
    if fmt == "csv":
        return _csv_rows(path, opt, notes)
    if fmt == "xlsx":
        return _xlsx_rows(path, opt, notes)
    return _jsonl_records(path, opt, notes)
