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


def _quoted_by_csv() -> str:
    """The characters for which this Python's `csv.writer` (excel dialect, "\\n" line ends)
    puts a cell in quotes, asked of the writer itself so that `arrow_csv_lines` writes the
    bytes it writes (Python 3.11 quotes a line feed but not a lone carriage return)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    quoted = ""
    for c in ',"\n\r':
        out.seek(0)
        out.truncate()
        writer.writerow([f"a{c}b", "b"])
        if out.getvalue().startswith('"'):
            quoted += c
    return quoted


_QUOTED = _quoted_by_csv()


def arrow_csv_lines(table) -> bytes:
    """The rows of an Arrow table as `csv.writer` writes them (excel dialect, "\\n" line
    ends), every string cell through `protect`: the same bytes, made column by column in
    Arrow. The graph tables are millions of cells (611,096 node rows of 45 columns at
    100,000 posts); a Python object and a writer call per cell made the CSV most of each
    table merge's time, in the graph stage's tail after its shards. Numbers are written as
    Python writes them: integers as Arrow does (the same digits), floats and other values
    by `str` over the column's distinct values (a handful of confidences, not a call per
    cell)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_columns < 2:
        # csv writes a lone empty cell as '""': not worth emulating, no table has one column.
        return csv_text(zip(*(c.to_pylist() for c in table.columns), strict=True)).encode("utf-8")
    if table.num_rows == 0:
        return b""
    special = "[" + "".join("\\n" if c == "\n" else "\\r" if c == "\r" else c for c in _QUOTED) + "]"
    cells = []
    for column in table.columns:
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            text = column
            # Most columns (kinds, labels, rules, dates, ids) hold no cell to protect or quote:
            # one scan tells, and spares them the copies below.
            if pc.any(pc.match_substring_regex(column, pattern=f"{_STARTS_PATTERN}|{special}")).as_py():
                text = protect_arrow(column)
                needs = pc.match_substring_regex(text, pattern=special)
                if pc.any(needs).as_py():
                    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
                    text = pc.if_else(needs, quoted, text)
        elif pa.types.is_integer(kind):
            text = pc.cast(column, pa.string())
        elif pa.types.is_null(kind):
            text = pa.nulls(len(column), pa.string())
        else:
            encoded = pc.dictionary_encode(column)
            words = pa.array([None if v is None else str(v) for v in encoded.dictionary.to_pylist()], pa.string())
            text = words.take(encoded.indices)
        cells.append(pc.fill_null(text, "").cast(pa.large_string()))  # large: no 2 GB limit on the joined rows
    comma, empty, newline = (pa.scalar(c, pa.large_string()) for c in (",", "", "\n"))
    lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, comma), empty, newline)
    # One string per row, back to back in one buffer: the rows are that buffer's bytes.
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64, count=len(lines) + 1, offset=lines.offset * 8)
    return memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]].tobytes()
