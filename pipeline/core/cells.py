"""Spreadsheet cells that stay text: no formula from input ever runs in an annotator's Excel.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `=cmd|...`). Every
CSV cell the pipeline writes goes through `protect`, which puts an apostrophe in front of
such text (the spreadsheet convention for "this is text"); a cell that already begins
with an apostrophe gets one more, so `unprotect` (applied on every import) gives back
exactly the original text: the two are inverse for every string. XLSX cells are written
as typed strings instead (see review.write_xlsx), which no spreadsheet evaluates, so
their text needs no change at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.core.errors import InputError

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_PROTECTED_STARTS = (*TRIGGERS, QUOTE)  # built once: protect runs for every cell written
# The same starts as one character class for Arrow's (RE2) regular expressions.
_STARTS_PATTERN = "^[" + "".join("\\" + c if c in "\\]^-" else c for c in _PROTECTED_STARTS) + "]"


def protect(value: object) -> object:
    """`value` as a CSV cell: strings that a spreadsheet would evaluate get a leading "'"."""
    if isinstance(value, str) and value.startswith(_PROTECTED_STARTS):
        return QUOTE + value
    return value


def unprotect(text: str) -> str:
    """The original text of a cell written through `protect`."""
    if len(text) > 1 and text[0] == QUOTE and text[1] in (*TRIGGERS, QUOTE):
        return text[1:]
    return text


def csv_text(rows: Iterable[Sequence[object]], lineterminator: str = "\n") -> str:
    """Rows as CSV text with every cell protected."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator=lineterminator)
    for row in rows:
        w.writerow([protect(v) for v in row])
    return out.getvalue()


def protect_arrow(column):
    """`protect` over an Arrow string column at once (other columns as they are): for
    tables of millions of cells, where a Python call per cell is most of the writing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    starts = pc.match_substring_regex(column, pattern=_STARTS_PATTERN)
    return pc.if_else(starts, pc.utf8_replace_slice(column, start=0, stop=0, replacement=QUOTE), column)


def write_csv(
    path: Path, rows: Iterable[Sequence[object]], lineterminator: str = "\n", protected: bool = False
) -> None:
    """`csv_text(rows)` written to `path` a row at a time (the text is never held whole).
    `protected`: the rows' cells went through `protect` (or `protect_arrow`) already."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator=lineterminator)
        if protected:
            w.writerows(rows)
            return
        for row in rows:
            w.writerow([protect(v) for v in row])


def xlsx_cell_text(value: object) -> str:
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


EMPTY_ROWS_ABOVE_HEADER = 10


def xlsx_sheets(path: Path, peek: int = EMPTY_ROWS_ABOVE_HEADER) -> list[tuple[str, list[list[str]]]]:
    """Each sheet of a workbook by name, with the cell texts of its first `peek` rows: to
    tell which sheet holds the data."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return [
                (ws.title, [[xlsx_cell_text(v) for v in row] for row in ws.iter_rows(max_row=peek, values_only=True)])
                for ws in wb.worksheets
            ]
        finally:
            wb.close()
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(path, 0, f"not a readable .xlsx file: {exc}") from None


def xlsx_rows(path: Path, sheet: int = 0) -> tuple[list[str], Iterable[tuple[int, list[str]]], int]:
    """A sheet of a workbook (the first unless `sheet` says): its header row (the first
    with a value), then (row number, cell texts) for every row with a value, streamed, and
    the header's row number. Formulas are never evaluated: a cell reads the value the file
    stored for it (empty when none was stored)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        rows = wb.worksheets[sheet].iter_rows(values_only=True)
        # Sheets made by hand often start below an empty row or two: the header is the
        # first row with a value, and rows keep the sheet's numbers.
        start, first = 1, next(rows, None)
        while (
            first is not None
            and start < EMPTY_ROWS_ABOVE_HEADER
            and all(xlsx_cell_text(v).strip() == "" for v in first)
        ):
            start, first = start + 1, next(rows, None)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(path, 0, f"not a readable .xlsx file: {exc}") from None
    if first is None or all(xlsx_cell_text(v).strip() == "" for v in first):
        raise InputError(path, 1, "empty workbook: expected a header row")
    header = [xlsx_cell_text(v).strip() for v in first]
    while header and not header[-1]:
        header.pop()

    def body() -> Iterable[tuple[int, list[str]]]:
        try:
            for n, values in enumerate(rows, start=start + 1):
                texts = [xlsx_cell_text(v) for v in values]
                if any(t.strip() for t in texts):
                    yield n, texts
        except Exception as exc:
            raise InputError(path, 0, f"not a readable .xlsx file: {exc}") from None
        finally:
            wb.close()

    return header, body(), start
