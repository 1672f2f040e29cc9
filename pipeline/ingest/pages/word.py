"""A page kept as a Word document (`.docx`): an op-ed and its comments pasted into Word, or
a transcript a researcher typed, read as the text it shows.

python-docx reads the document's body in order. Each paragraph becomes a block of its own
(a blank line apart, as a browser's text copy sets a page's blocks apart), a line break
inside a paragraph (Shift+Enter) stays a line break, a paragraph set in from the margin is
indented as a nested reply is on a page saved as text, and a table row's cells are read
side by side ("Ole Berg · 15.03.2024 08:02 · Hvem skal betale?"), as a comment list kept in
a table prints its comments. Word's own properties (the file's author, when it was created)
say who kept the document and when, not who wrote the page: they are not read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.core.errors import InputError

WORD_SUFFIXES = (".docx",)
# The document's zipped parts may declare this many bytes in all: a zip bomb is refused
# before python-docx inflates them (zipfile reads no member past its declared size).
MAX_DOCUMENT_BYTES = 512 * 2**20
# Points of indentation per space: a paragraph set in by 20 pt reads as indented by 4.
POINTS_PER_SPACE = 5.0
MAX_INDENT_SPACES = 24
_EMU_PER_POINT = 12700


def is_word(path: Path) -> bool:
    """Whether `path` is a Word document, by its name."""
    return Path(path).suffix.lower() in WORD_SUFFIXES


def _indent(paragraph) -> str:
    left = paragraph.paragraph_format.left_indent
    if not left or left <= 0:
        return ""
    return " " * min(MAX_INDENT_SPACES, round(left / _EMU_PER_POINT / POINTS_PER_SPACE))


def _row_text(row) -> str:
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(cell.text.split())
        # A merged cell is given once for each column it spans.
        if text and (not cells or cells[-1] != text):
            cells.append(text)
    return " · ".join(cells)


def word_text(path: Path) -> tuple[str, str | None]:
    """The text a Word document shows, its paragraphs and table rows a blank line apart, and
    its first paragraph styled as a title or a top heading (the headline, where it has one)."""
    from docx import Document
    from docx.table import Table

    try:
        with zipfile.ZipFile(path) as zf:
            size = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(path, 0, f"not a readable Word document ({e}): save it again from Word as .docx") from e
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(
            path,
            0,
            f"its parts inflate to {size / 2**20:.0f} MB, more than the {MAX_DOCUMENT_BYTES // 2**20} MB a document "
            "may (a zip bomb?): refused before reading",
        )
    try:
        document = Document(str(path))
        blocks: list[str] = []
        heading = None
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks.extend(text for row in block.rows if (text := _row_text(row)))
                continue
            style = block.style.name if block.style is not None else ""
            if heading is None and style in ("Title", "Heading 1") and block.text.strip():
                heading = " ".join(block.text.split())
            indent = _indent(block)
            lines = [" ".join(line.split()) for line in block.text.split("\n")]
            if any(lines):
                blocks.append("\n".join(indent + line for line in lines))
    except Exception as e:  # noqa: BLE001 (python-docx raises many types on a damaged file)
        raise InputError(path, 0, f"not a readable Word document ({type(e).__name__}: {e})") from e
    return "\n\n".join(blocks) + "\n", heading
