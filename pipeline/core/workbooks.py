"""Spreadsheet workbooks read as rows of cell texts: Excel (`.xlsx`, and the older `.xls`)
and OpenDocument (`.ods`, LibreOffice's own).

`.xlsx` is read by openpyxl in read-only mode (streamed a row at a time); `.xls` and
`.ods` by python-calamine (Rust's calamine: one library for both, which reads a sheet into
compact native memory, not Python objects; a sheet holds at most about a million rows).
Formulas are never evaluated by either: a cell reads the value the file stored for it.
Row numbers are the sheet's own, as the spreadsheet shows them, so an error names the row
a researcher sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.core.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
EMPTY_ROWS_ABOVE_HEADER = 10


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


class _Book:
    """One open workbook, whichever library reads it: its sheets' names, and each sheet's
    rows of values from the sheet's first row (A1) on."""

    def __init__(self, path: Path) -> None:
        # openpyxl streams an .xlsx; calamine reads the others.
        self._xlsx = _kind(path) == ".xlsx"
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
