"""A page printed to PDF (a browser's "Save as PDF", a media archive's article PDF) read
as the text it prints.

pdfminer.six lays the page's text out in boxes (paragraphs, headings, a comment's header)
from where each character stands; what no library does is read a *printed page* back: a
browser prints the date and the page's title over every sheet and its address and "1/3"
under it, breaks each paragraph into lines at the sheet's width (a newspaper's typesetter
hyphenates them), and an article may stand in columns. Those running heads and feet are
left out here (with a note), the boxes are read down each column in turn, and a
paragraph's lines are joined where a line ran full, as a greedy line breaker broke it; a
short line (a name over its comment, the paragraph's end) keeps its break. What comes out
is read as a page saved as text is, the largest type on the first sheet its headline.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from pipeline.core.artifacts import read_bytes
from pipeline.core.errors import InputError

PDF_SUFFIXES = (".pdf",)
# A PDF's compressed streams may unpack to this many bytes in all: a "PDF bomb" (a
# gigabyte of zeros in a megabyte) is refused before the layout reads it, as a workbook
# bomb is (pipeline/core/workbooks.py).
MAX_UNPACKED_BYTES = 512 * 2**20
# Running heads and feet stand within this share of the sheet's height from its edge.
MARGIN_SHARE = 0.05
# A line ran full where the next line's first word (and a space) would not have fitted
# between its end and its column's right edge, give or take this many points: the line
# breaker moved that word down. The column's edge is where most of the column's lines end
# (this share of them end before it), so a headline wider than the column is no measure.
FIT_SLACK_POINTS = 2.0
COLUMN_EDGE_SHARE = 0.9
# Lines whose heights (type sizes) differ by more than this share are no one paragraph's:
# a headline over its byline.
SIZE_SHARE = 0.15
# Points per space of indentation: a reply set in by 20 pt reads as indented by 4.
POINTS_PER_SPACE = 5.0
MAX_INDENT_POINTS = 120.0

# What a browser prints in a sheet's margins: the time it printed ("14.03.2024 16.02",
# "3/14/24, 4:02 PM"), the page's address, and the sheet's number ("1/3", "Side 1 af 3").
_STAMP_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}[.:]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?$")
_ADDRESS_RE = re.compile(r"^(?:https?|file)://\S+$|^about:blank$")
_SHEET_RE = re.compile(r"(?i)^(?:(?:side|sida|page|sivu)\s+)?\d{1,4}\s*(?:/|af|av|of|\()\s*\d{1,4}\)?$")


@dataclass
class PdfText:
    """A PDF's text as a page's, and what reading it left out or found in its margins."""

    text: str
    sheets: int
    margins: list[str] = field(default_factory=list)  # the running heads and feet left out
    address: str | None = None  # the page's address, printed in a sheet's foot
    title: str | None = None  # the page's title, printed in a sheet's head
    headline: str | None = None  # the first sheet's text in the largest type, well above the text's


def is_pdf(path: Path) -> bool:
    """Whether `path` is a PDF: by its name, or by its first bytes ("%PDF-")."""
    path = Path(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        return True
    if not path.is_file():
        return False
    with open(path, "rb") as fh:
        return fh.read(1024).lstrip().startswith(b"%PDF-")


class _Line(NamedTuple):
    x0: float  # left end, in points
    x1: float  # right end
    height: float  # the line's height: its type's size
    text: str


@dataclass
class _Box:
    sheet: int
    top: float  # the share of the sheet's height above the box
    bottom: float
    x0: float
    lines: list[_Line]
    y: float = 0.0  # points from the sheet's top to the box's top

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)


_STREAM_RE = re.compile(rb"(?<!end)stream\r?\n")


def _unpacked_bytes(data: bytes) -> int:
    """How many bytes the PDF's Flate streams unpack to, counted up to MAX_UNPACKED_BYTES
    (and one more), never holding more than a chunk of them."""
    total = 0
    for m in _STREAM_RE.finditer(data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            break
        inflater = zlib.decompressobj()
        chunk = data[m.end() : end]
        try:
            while chunk and total <= MAX_UNPACKED_BYTES:
                out = inflater.decompress(chunk, 2**20)
                total += len(out)
                chunk = inflater.unconsumed_tail
                if not out:
                    break
        except zlib.error:
            continue  # not Flate, or encrypted: pdfminer reads it, unmeasured
        if total > MAX_UNPACKED_BYTES:
            break
    return total


def _boxes(path: Path) -> tuple[list[_Box], int]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine

    # pdfminer warns of each quirk it reads past ("MediaBox missing", "Data-loss while
    # decompressing"): nothing a researcher can act on; what it cannot read raises.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    boxes: list[_Box] = []
    sheets = 0
    for sheet, layout in enumerate(extract_pages(path, laparams=LAParams())):
        sheets += 1
        height = layout.height or 1.0
        placed: list[_Box] = []
        for el in layout:
            if not isinstance(el, LTTextBox):
                continue
            lines = [
                _Line(line.x0, line.x1, line.height, " ".join(line.get_text().split()))
                for line in el
                if isinstance(line, LTTextLine) and line.get_text().strip()
            ]
            if lines:
                top, bottom = (height - el.y1) / height, (height - el.y0) / height
                placed.append(_Box(sheet, top, bottom, el.x0, lines, height - el.y1))
        boxes.extend(_reading_order(placed))
    return boxes, sheets


# Columns stand at least this many points apart; a box wider than this share of the text
# spans them (a headline over two columns, a footer under them).
GUTTER_POINTS = 4.0
SPANNING_SHARE = 0.6
# Boxes whose tops lie within this many points of each other stand on one line.
SAME_LINE_POINTS = 3.0


def _reading_order(boxes: list[_Box]) -> list[_Box]:
    """A sheet's boxes in reading order. pdfminer orders a page's boxes by a weighing of
    their places that interleaves two columns' paragraphs; a printed page is read down each
    column in turn (left to right), the lines that span the columns (a headline, a footer)
    where they stand between them, and a page of one column top to bottom."""
    if len(boxes) <= 1:
        return boxes
    if cut := _columns(boxes):
        return [b for column in cut for b in _reading_order(column)]
    width = max(b.x1 for b in boxes) - min(b.x0 for b in boxes)
    spanning = sorted((b for b in boxes if b.x1 - b.x0 > SPANNING_SHARE * width), key=lambda b: b.y)
    narrow = [b for b in boxes if b.x1 - b.x0 <= SPANNING_SHARE * width]
    if spanning and narrow and _columns(narrow):
        # Columns under or between spanning lines: each band's columns, then the line.
        ordered: list[_Box] = []
        for line in [*spanning, None]:
            band = [b for b in narrow if line is None or b.y < line.y]
            narrow = [b for b in narrow if b not in band]
            ordered += _reading_order(band)
            if line is not None:
                ordered.append(line)
        return ordered
    return sorted(boxes, key=lambda b: (round(b.y / SAME_LINE_POINTS), b.x0))


def _columns(boxes: list[_Box]) -> list[list[_Box]] | None:
    """The boxes split at every gutter no box crosses, left to right (all at once, so a page
    of many columns recurses no deeper than one of two), or None where every box overlaps
    the next one across."""
    by_left = sorted(boxes, key=lambda b: b.x0)
    columns = [[by_left[0]]]
    reach = by_left[0].x1
    for box in by_left[1:]:
        if box.x0 >= reach + GUTTER_POINTS:
            columns.append([])
        columns[-1].append(box)
        reach = max(reach, box.x1)
    return columns if len(columns) > 1 else None


def _printer_mark(text: str) -> bool:
    """What a browser prints in a margin by itself: the time, the address, the sheet's number."""
    return bool(_STAMP_RE.match(text) or _ADDRESS_RE.match(text) or _SHEET_RE.match(text))


def _margin_boxes(boxes: list[_Box], sheets: int) -> set[int]:
    """The boxes in a sheet's margins that a printer put there: a stamp, an address or a
    sheet number, and what stands beside them; or, on two sheets or more, a text every
    sheet repeats there (digits aside)."""
    margin = [i for i, b in enumerate(boxes) if b.bottom <= MARGIN_SHARE or b.top >= 1 - MARGIN_SHARE]
    printed = {i for i in margin if _printer_mark(boxes[i].text)}
    # A browser's head is the stamp and the page's title on one line: the title goes too.
    out = printed | {
        i
        for i in margin
        for j in printed
        if boxes[i].sheet == boxes[j].sheet and boxes[j].top <= (boxes[i].top + boxes[i].bottom) / 2 <= boxes[j].bottom
    }
    if sheets >= 2:
        seen: dict[str, set[int]] = {}
        for i in margin:
            seen.setdefault(re.sub(r"\d+", "#", boxes[i].text), set()).add(boxes[i].sheet)
        out |= {i for i in margin if len(seen[re.sub(r"\d+", "#", boxes[i].text)]) >= 2}
    return out


# A line that ends with a hyphen after a word or number: a word a typesetter hyphenated
# ("social-" / "rådgiver"), a hyphenated name or span broken at its hyphen ("Aarhus-" /
# "Kommune", "2020-" / "2024"), or a compound's shared half ("social- og sundhedsområdet",
# "för- och nackdelar"), which keeps its space.
_HYPHEN_END_RE = re.compile(r"(?<=\w)-$")
_SHARED_HALF_NEXT = frozenset({"og", "eller", "samt", "och", "men", "and", "or", "til", "till", "i"})


def _rejoined(line: str, text: str) -> str:
    """`line` and the line a line breaker broke from it, joined again."""
    first = text.split(" ", 1)[0]
    if not _HYPHEN_END_RE.search(line) or first.rstrip(".,;:!?") in _SHARED_HALF_NEXT:
        return f"{line} {text}"
    # A lower-case letter after the hyphen continues a hyphenated word; anything else a
    # name or span written with its hyphen.
    return line[:-1] + text if first[:1].islower() and line[-2:-1].isalpha() else line + text


def _ran_full(line: _Line, nxt: _Line, edge: float) -> bool:
    """Whether a line breaker broke `nxt` from `line`: the same type size, and `nxt`'s first
    word would not have fitted on `line` before the column's `edge`."""
    if abs(line.height - nxt.height) > SIZE_SHARE * max(line.height, nxt.height, 1.0):
        return False
    per_char = (nxt.x1 - nxt.x0) / max(1, len(nxt.text))
    first = len(nxt.text.split(" ", 1)[0]) + 1
    return edge - line.x1 < first * per_char + FIT_SLACK_POINTS


def _column_edges(body: list[_Box]) -> dict[int, float]:
    """The right edge of the column each left edge (to 2 points) starts: where most of the
    lines of the boxes that start there end."""
    ends: dict[int, list[float]] = {}
    for box in body:
        ends.setdefault(round(box.x0 / 2), []).extend(line.x1 for line in box.lines)
    return {k: sorted(v)[int(COLUMN_EDGE_SHARE * (len(v) - 1))] for k, v in ends.items()}


def _paragraph(box: _Box, left: float, edge: float) -> list[str]:
    """The box's lines with those a line breaker broke joined again, each indented as far
    as the box stands in from the text's left edge."""
    joined: list[str] = []
    for k, line in enumerate(box.lines):
        if k and _ran_full(box.lines[k - 1], line, edge):
            joined[-1] = _rejoined(joined[-1], line.text)
        else:
            joined.append(line.text)
    dx = box.x0 - left
    indent = " " * round(dx / POINTS_PER_SPACE) if 0 < dx <= MAX_INDENT_POINTS else ""
    return [indent + line for line in joined]


def pdf_text(path: Path) -> PdfText:
    """The text a PDF prints, its paragraphs apart by blank lines, without the running
    heads and feet a browser printed in its margins."""
    data = read_bytes(path)
    if _unpacked_bytes(data) > MAX_UNPACKED_BYTES:
        raise InputError(
            path,
            0,
            f"the PDF's streams unpack to more than {MAX_UNPACKED_BYTES // 2**20} MB (a PDF bomb?): not read",
        )
    try:
        boxes, sheets = _boxes(path)
    except Exception as e:  # noqa: BLE001 (pdfminer raises many types on a damaged file)
        if type(e).__name__ == "PDFPasswordIncorrect":
            raise InputError(path, 0, "the PDF is locked with a password: save an unlocked copy") from e
        raise InputError(path, 0, f"not a readable PDF ({type(e).__name__}: {e})") from e
    margins = _margin_boxes(boxes, sheets)
    body = [b for i, b in enumerate(boxes) if i not in margins]
    if not body:
        raise InputError(
            path, 0, "the PDF prints no text (a scan? run OCR on it first, or save the page as HTML or text)"
        )
    left = min(b.x0 for b in body)
    edges = _column_edges(body)

    def edge(box: _Box) -> float:
        return edges[round(box.x0 / 2)]

    merged: list[_Box] = []
    for box in body:
        before = merged[-1] if merged else None
        if (
            before is not None
            and box.sheet != before.sheet
            and abs(box.x0 - before.x0) < 1.0
            and _ran_full(before.lines[-1], box.lines[0], edge(before))
        ):
            # A paragraph the sheet's end broke: its last line there ran full.
            merged[-1] = _Box(before.sheet, before.top, before.bottom, before.x0, before.lines + box.lines, before.y)
        else:
            merged.append(box)
    text = "\n\n".join("\n".join(_paragraph(b, left, edge(b))) for b in merged) + "\n"
    kept = sorted(margins)
    address = next((boxes[i].text for i in kept if _ADDRESS_RE.match(boxes[i].text)), None)
    title = next(
        (boxes[i].text for i in kept if boxes[i].bottom <= MARGIN_SHARE and not _printer_mark(boxes[i].text)),
        None,
    )
    return PdfText(
        text=text,
        sheets=sheets,
        margins=[boxes[i].text for i in kept],
        address=address if address and urlsplit(address).hostname else None,
        title=title,
        headline=_largest_type(body),
    )


# A headline is set in type at least this much larger than the text's.
HEADLINE_SIZE = 1.3


def _largest_type(body: list[_Box]) -> str | None:
    """The first sheet's box in the largest type, where that type is HEADLINE_SIZE times the
    text's (its lines' median height) or more: a printed page's headline, which a source
    line above it ("Politiken - 14. marts 2024 - 1. sektion") does not outrank."""
    heights = sorted(line.height for box in body for line in box.lines)
    first = [box for box in body if box.sheet == body[0].sheet]
    largest = max(first, key=lambda box: max(line.height for line in box.lines))
    size = max(line.height for line in largest.lines)
    if size < HEADLINE_SIZE * heights[len(heights) // 2] or len(largest.text) > 300:
        return None
    return " ".join(line.text for line in largest.lines if line.height >= size / HEADLINE_SIZE)
