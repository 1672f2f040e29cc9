"""Spreadsheet workbooks read as rows of cell texts: Excel (`.xlsx`, and the older `.xls`)
and OpenDocument (`.ods`, LibreOffice's own).

`.xlsx` is read by openpyxl in read-only mode (streamed a row at a time); `.xls` and
`.ods` by python-calamine (Rust's calamine: one library for both, which reads a sheet into
compact native memory, not Python objects; a sheet holds at most about a million rows).
Formulas are never evaluated by either: a cell reads the value the file stored for it.
Row numbers are the sheet's own, as the spreadsheet shows them, so an error names the row
a researcher sees.

An `.ods` file says how often a row or cell repeats (`number-rows-repeated`), and calamine
builds every repeated filled cell: a file of a few hundred bytes can ask for a billion
cells and exhaust the machine's memory. Its `content.xml` is therefore counted first,
streamed through expat (which fetches no external entity and refuses nested entity
expansion), and a workbook with more filled cells than `MAX_ODS_CELLS` is refused before
calamine reads it. (Empty repeated cells, the block of a million rows LibreOffice writes
after the data, cost nothing and are not counted. An `.xls` repeats nothing and holds at
most 65,536 x 256 cells.) An `.xlsx` or `.ods` is a zip archive whose parts the readers
inflate (openpyxl holds an `.xlsx`'s shared strings whole): one whose parts declare more
than `MAX_WORKBOOK_BYTES` is refused too, as a zip bomb would be.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.parsers import expat

from pipeline.core.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
EMPTY_ROWS_ABOVE_HEADER = 10
# About 125 bytes a cell in calamine: 30 million filled cells take some 4 GB, more than a
# sheet of a million posts in twenty columns needs.
MAX_ODS_CELLS = 30_000_000
# What an .xlsx or .ods may inflate to: a sheet of a million posts takes under 1 GB.
MAX_WORKBOOK_BYTES = 2_000_000_000
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_VALUE_TYPE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 value-type"


def _repeat(attrs: dict[str, str], name: str) -> int:
    try:
        return max(1, int(attrs.get(_TABLE + name, "1")))
    except ValueError:
        return 1


def ods_filled_cells(path: Path, limit: int = MAX_ODS_CELLS) -> int:
    """How many filled cells an `.ods` file's sheets hold, repeats counted, read from its
    `content.xml` a chunk at a time; refused (`InputError`) as soon as they pass `limit`."""
    parser = expat.ParserCreate(namespace_separator=" ")
    total = 0
    row_repeat = row_cells = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row_repeat, row_cells
        if name == _TABLE + "table-row":
            row_repeat, row_cells = _repeat(attrs, "number-rows-repeated"), 0
        elif name in (_TABLE + "table-cell", _TABLE + "covered-table-cell") and _VALUE_TYPE in attrs:
            row_cells += _repeat(attrs, "number-columns-repeated")

    def end(name: str) -> None:
        nonlocal total
        if name == _TABLE + "table-row":
            total += row_repeat * row_cells
            if total > limit:
                raise InputError(
                    path,
                    0,
                    f"its sheets ask for more than {limit:,} filled cells (rows and cells repeated in content.xml): "
                    "refused before reading; save the sheet as CSV",
                )

    parser.StartElementHandler, parser.EndElementHandler = start, end
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        while chunk := fh.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return total


def cell_text(value: object) -> str:
    """A cell's value as the text it shows: dates as ISO 8601 (a date alone when the time is
    midnight), whole numbers without ".0" (an id typed as 12345), booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _kind(path: Path) -> str:
    return Path(path).suffix.lower()


def _check_inflated_size(path: Path) -> None:
    """Refuse an .xlsx or .ods whose parts declare more than `MAX_WORKBOOK_BYTES` (zipfile
    reads no member past its declared size, so the declaration bounds what is read)."""
    with zipfile.ZipFile(path) as zf:
        size = sum(info.file_size for info in zf.infolist())
    if size > MAX_WORKBOOK_BYTES:
        raise InputError(
            path,
            0,
            f"its parts inflate to {size / 1e9:.1f} GB, more than the {MAX_WORKBOOK_BYTES / 1e9:.0f} GB a workbook "
            "may: refused before reading; save the sheet as CSV",
        )


# Workbooks whose guards passed, by file, size, modification time and the limit: ingest
# opens a workbook twice (to find the sheet with the posts, then to read it), and an .ods's
# guard is a pass over its content.xml.
_GUARDED: set[tuple[str, int, int, int]] = set()


def _guard(path: Path, kind: str) -> None:
    """Refuse a workbook that would inflate past what may be read (`_check_inflated_size`;
    an .ods's filled cells, `ods_filled_cells`), once per version of the file."""
    st = Path(path).stat()
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns, MAX_WORKBOOK_BYTES)
    if key in _GUARDED:
        return
    if kind != ".xls":
        _check_inflated_size(path)
    if kind == ".ods":
        ods_filled_cells(path)
    _GUARDED.add(key)


class _Book:
    """One open workbook, whichever library reads it: its sheets' names, and each sheet's
    rows of values from the sheet's first row (A1) on."""

    def __init__(self, path: Path) -> None:
        kind = _kind(path)
        # openpyxl streams an .xlsx; calamine reads the others.
        self._xlsx = kind == ".xlsx"
        _guard(path, kind)
        if self._xlsx:
            from openpyxl import load_workbook

            self._wb = load_workbook(path, read_only=True, data_only=True)
            self.names = [ws.title for ws in self._wb.worksheets]
        else:
            from python_calamine import CalamineWorkbook

            self._wb = CalamineWorkbook.from_path(str(path))
            self.names = list(self._wb.sheet_names)

    def rows(self, sheet: int, max_row: int | None = None) -> Iterator[Iterable[object]]:
        if self._xlsx:
            return self._wb.worksheets[sheet].iter_rows(max_row=max_row, values_only=True)
        rows = self._wb.get_sheet_by_index(sheet).iter_rows()
        return rows if max_row is None else (row for _, row in zip(range(max_row), rows, strict=False))

    def close(self) -> None:
        self._wb.close()


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(path, 0, f"not a readable {_kind(path)} file: {exc}")


def workbook_sheets(path: Path, peek: int = EMPTY_ROWS_ABOVE_HEADER) -> list[tuple[str, list[list[str]]]]:
    """Each sheet of a workbook by name, with the cell texts of its first `peek` rows: to
    tell which sheet holds the data."""
    try:
        book = _Book(path)
        try:
            return [
                (name, [[cell_text(v) for v in row] for row in book.rows(i, peek)]) for i, name in enumerate(book.names)
            ]
        finally:
            book.close()
    except InputError:
        raise
    except Exception as exc:  # the libraries raise many types for a damaged file
        raise _unreadable(path, exc) from None


def workbook_rows(path: Path, sheet: int = 0) -> tuple[list[str], Iterable[tuple[int, list[str]]], int]:
    """A sheet of a workbook (the first unless `sheet` says): its header row (the first
    with a value), then (row number, cell texts) for every row with a value, streamed, and
    the header's row number."""
    try:
        book = _Book(path)
        rows = book.rows(sheet)
        # Sheets made by hand often start below an empty row or two: the header is the
        # first row with a value, and rows keep the sheet's numbers.
        start, first = 1, next(rows, None)
        while first is not None and start < EMPTY_ROWS_ABOVE_HEADER and all(cell_text(v).strip() == "" for v in first):
            start, first = start + 1, next(rows, None)
    except InputError:
        raise
    except Exception as exc:  # the libraries raise many types for a damaged file
        raise _unreadable(path, exc) from None
    if first is None or all(cell_text(v).strip() == "" for v in first):
        book.close()
        raise InputError(path, 1, "empty workbook: expected a header row")
    header = [cell_text(v).strip() for v in first]
    while header and not header[-1]:
        header.pop()

    def body() -> Iterable[tuple[int, list[str]]]:
        try:
            for n, values in enumerate(rows, start=start + 1):
                texts = [cell_text(v) for v in values]
                if any(t.strip() for t in texts):
                    yield n, texts
        except Exception as exc:
            raise _unreadable(path, exc) from None
        finally:
            book.close()

    return header, body(), start
