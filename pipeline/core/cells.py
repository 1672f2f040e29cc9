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
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

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
