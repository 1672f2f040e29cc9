"""Raw scraped pages (text, as in `seeds/`) to article parts and reader comments.

Pure functions over strings: no file access. The structure we rely on is what Nordic
news and debate sites print when a page is saved as text: a headline, bylines and date
lines, paragraphs separated by blank lines, and a comment list of bullet items
("• 16.09.13 Name, description" then an indented headline and body), or comments that
each open with a name and a date and may close with buttons ("Svara", "Gilla"; patterns
in `furniture.toml` [comments]). Paragraph-level
boilerplate is classified by jusText (stopword density and length with context), after
the named patterns in `furniture.toml` have taken out what is known furniture.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path

import justext

from pipeline.core.schema import Author, Note
from pipeline.ingest.dates import find_named_date, is_date_line, parse_numeric_date, read_date

FURNITURE_FILE = Path(__file__).resolve().parent / "furniture.toml"

JUSTEXT_STOPLISTS = {
    "da": "Danish",
    "sv": "Swedish",
    "nb": "Norwegian_Bokmal",
    "nn": "Norwegian_Nynorsk",
    "is": "Icelandic",
    "fi": "Finnish",
    "en": "English",
    "de": "German",
}

COMMENT_ITEM_RE = re.compile(r"\s*•\s+(?P<date>\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2}))\s+(?P<who>\S.*?)\s*")
BULLET_RE = re.compile(r"^\s*[•·▪◦‣-]\s+")

CLOSING_FORMULA_RE = re.compile(
    r"(?i)\b(mvh\.?|med venlig hilsen|venlig hilsen|venlige hilsner|bedste hilsner|"
    r"mange hilsner|kærlig hilsen|hilsen|med vänlig hälsning|vänliga hälsningar|"
    r"hälsningar|med vennlig hilsen|vennlig hilsen)(?=[\s,.:]|$)"
)
URL_RE = re.compile(r"https?://\S+|www\.\S+")


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines; `first_line` is 1-based in the raw file."""

    lines: tuple[str, ...]
    first_line: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class ArticleParts:
    title: str = ""
    authors: list[Author] = field(default_factory=list)
    author_source: str | None = None
    publisher: str | None = None
    created: str | None = None
    keywords: list[str] = field(default_factory=list)
    body: str = ""
    notes: list[Note] = field(default_factory=list)


@dataclass
class RawComment:
    line: int
    date: str | None
    date_raw: str
    author: str | None
    description: str | None
    title: str
    body: str
    # Page-order index of the comment this one is indented under, where the page shows
    # replies by indentation (None: a top-level comment, or no indentation to read).
    indented_under: int | None = None


@dataclass(frozen=True)
class Furniture:
    lines: tuple[tuple[str, re.Pattern[str]], ...]
    boxes: tuple[tuple[str, re.Pattern[str], re.Pattern[str], int], ...]
    bylines: tuple[tuple[str, str, re.Pattern[str]], ...]
    # Bylines that need a second line of their own and stand above the text.
    byline_next_line: dict[str, re.Pattern[str]]
    keywords: re.Pattern[str]
    comments_header: re.Pattern[str]
    comment_action: re.Pattern[str]
    relative_date: re.Pattern[str]


@lru_cache(maxsize=2)
def load_furniture(path: Path = FURNITURE_FILE) -> Furniture:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return Furniture(
        lines=tuple((d["name"], re.compile(d["pattern"])) for d in raw.get("line", [])),
        boxes=tuple(
            (d["name"], re.compile(d["start"]), re.compile(d["end"]), int(d["max_blocks"])) for d in raw.get("box", [])
        ),
        bylines=tuple((d["name"], d["kind"], re.compile(d["pattern"])) for d in raw.get("byline", [])),
        byline_next_line={d["name"]: re.compile(d["next_line"]) for d in raw.get("byline", []) if d.get("before_body")},
        keywords=re.compile(raw["keywords"]["pattern"]),
        comments_header=re.compile(raw["comments"]["header"]),
        comment_action=re.compile(raw["comments"]["action"]),
        relative_date=re.compile(raw["comments"]["relative_date"]),
    )


def split_blocks(lines: list[str], first_line: int = 1) -> list[Block]:
    """Group lines into blocks at blank lines (NBSP-only lines count as blank)."""
    blocks: list[Block] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(lines):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line.strip())
        elif current:
            blocks.append(Block(tuple(current), start))
            current = []
    if current:
        blocks.append(Block(tuple(current), start))
    return blocks


def _furniture_name(block: Block, furn: Furniture) -> str | None:
    return next((name for line in block.lines if (name := _furniture_line(line, furn))), None)


# jusText calls a paragraph "good" only above 200 characters, and without one good paragraph
# its context rules turn every other into boilerplate too. News and debate sites often
# write one or two sentences a paragraph: a page with no paragraph that long is classified
# again with this bound instead (jusText's own lower bound for "short").
SHORT_PARAGRAPHS_LENGTH_HIGH = 70


def _justext_classes(blocks: list[Block], lang: str, length_high: int = justext.core.LENGTH_HIGH_DEFAULT) -> list[str]:
    """jusText's final class ('good', 'bad', ...) for each block, in order."""
    if not blocks:
        return []
    body = "".join(f"<p>{html.escape(' '.join(b.lines))}</p>" for b in blocks)
    stoplist = justext.get_stoplist(JUSTEXT_STOPLISTS.get(lang, "Danish"))
    paragraphs = justext.justext(f"<html><body>{body}</body></html>", stoplist, length_high=length_high)
    if len(paragraphs) != len(blocks):
        raise RuntimeError(f"jusText returned {len(paragraphs)} paragraphs for {len(blocks)} blocks")
    return [p.class_type for p in paragraphs]


def _split_keywords(raw: str) -> list[str]:
    if "," in raw or ";" in raw:
        items = re.split(r"\s*[,;]\s*", raw)
    else:
        # Some sites print topic links glued together ("SocialtjänstenEkonomiskt bistånd"):
        # a lower-case letter followed by an upper-case one is where two links met.
        items = re.split(r"(?<=[a-zæøåäöé])(?=[A-ZÆØÅÄÖÉ])", raw)
    return [i.strip() for i in items if i.strip()]


def _is_body_paragraph(block: Block) -> bool:
    text = " ".join(block.lines)
    return len(text.split()) >= 12 and text.rstrip()[-1:] in '.!?:"”»)'


def parse_article(lines: list[str], lang: str, source: str, first_line: int = 1) -> ArticleParts:
    """Extract title, bylines, date, keywords and clean body from an article's lines."""
    furn = load_furniture()
    parts = ArticleParts()
    blocks = []
    for block in split_blocks(lines, first_line):
        kw = furn.keywords.fullmatch(block.lines[0])
        if kw and kw.group("list").strip() and len(block.lines) > 1:
            # A one-line keyword list may run straight into the author box below it.
            blocks.append(Block(block.lines[:1], block.first_line))
            blocks.append(Block(block.lines[1:], block.first_line + 1))
        else:
            blocks.append(block)
    kept: list[Block] = []
    removed: dict[int, str] = {}

    # Promo boxes span several blocks, so they go first.
    i = 0
    while i < len(blocks):
        for name, start, end, max_blocks in furn.boxes:
            if start.fullmatch(blocks[i].lines[0]):
                for j in range(i + 1, min(i + max_blocks, len(blocks))):
                    if end.fullmatch(blocks[j].lines[0]):
                        for k in range(i, j + 1):
                            removed[k] = name
                        break
        i += 1

    first_body = next((k for k, b in enumerate(blocks) if k not in removed and _is_body_paragraph(b)), len(blocks))
    pending_keywords = False
    title_candidates: list[tuple[int, Block]] = []
    for k, block in enumerate(blocks):
        where = f"{source}:{block.first_line}"
        if k in removed:
            continue
        if pending_keywords:
            parts.keywords.extend(_split_keywords(" ".join(block.lines)))
            removed[k] = "keywords"
            pending_keywords = False
            continue
        kw = furn.keywords.fullmatch(block.lines[0])
        if kw:
            if kw.group("list").strip():
                parts.keywords.extend(_split_keywords(kw.group("list")))
            else:
                pending_keywords = True
            removed[k] = "keywords"
            continue
        if is_date_line(block.lines[0]) and len(block.lines) == 1:
            found = find_named_date(block.lines[0])
            iso = found[0] if found else parse_numeric_date(block.lines[0])
            if iso and parts.created is None:
                parts.created = iso
            removed[k] = "date-line"
            continue
        byline = _match_byline(block, furn, kinds=("author", "publisher"), before_body=k < first_body)
        if byline:
            kind, name, desc, pattern_name = byline
            if kind == "author":
                parts.authors.append(Author(name=name, description=desc))
                parts.author_source = f"byline ({pattern_name}) at {where}"
            else:
                parts.publisher = name
            removed[k] = f"byline:{pattern_name}"
            continue
        furniture = _furniture_name(block, furn)
        if furniture:
            if furniture == "publication-stamp":
                found = find_named_date(" ".join(block.lines))
                if found and parts.created is None:
                    parts.created = found[0]
            removed[k] = furniture
            continue
        # A headline may ask ("Skal socialrådgivere autoriseres?"); a sentence ends with a full stop.
        if k < first_body and len(block.lines) == 1 and block.lines[0][-1:] != ".":
            title_candidates.append((k, block))
            continue
        kept.append(block)

    if title_candidates:
        # The headline is the longest single-line block above the first paragraph; section
        # labels ("Faglighed og kvalitet") and navigation words are shorter.
        k, block = max(title_candidates, key=lambda kb: (len(kb[1].lines[0].split()), -kb[0]))
        parts.title = block.lines[0]
        for k2, _ in title_candidates:
            if k2 != k:
                removed[k2] = "pre-title-label" if k2 < k else "section-label"
    else:
        parts.notes.append(Note(where=source, kind="missing", message="no headline found"))

    classes = _justext_classes(kept, lang)
    if kept and "good" not in classes:
        classes = _justext_classes(kept, lang, SHORT_PARAGRAPHS_LENGTH_HIGH)
        if "good" in classes:
            parts.notes.append(
                Note(
                    where=source,
                    kind="metadata",
                    message=f"no paragraph of {justext.core.LENGTH_HIGH_DEFAULT}+ characters: paragraphs of "
                    f"{SHORT_PARAGRAPHS_LENGTH_HIGH}+ characters with enough stopwords taken as text",
                )
            )
    good = [b for b, c in zip(kept, classes, strict=True) if c == "good"]
    last_good_line = max((b.first_line for b in good), default=0)
    for b, c in zip(kept, classes, strict=True):
        if c != "good":
            if b.first_line > last_good_line:
                closing = _match_byline(b, furn, kinds=("closing",))
                if closing:
                    _, name, desc, pattern_name = closing
                    parts.authors.append(Author(name=name, description=desc))
                    parts.author_source = f"closing signature at {source}:{b.first_line}"
                    parts.notes.append(
                        Note(
                            where=f"{source}:{b.first_line}",
                            kind="metadata",
                            message=f"author from {pattern_name}: {name}",
                        )
                    )
                    continue
            parts.notes.append(
                Note(
                    where=f"{source}:{b.first_line}",
                    kind="removed",
                    message=f"boilerplate (jusText: {c}): {_preview(b.text)}",
                )
            )
    for k, reason in sorted(removed.items()):
        parts.notes.append(
            Note(
                where=f"{source}:{blocks[k].first_line}",
                kind="removed",
                message=f"{reason}: {_preview(blocks[k].text)}",
            )
        )

    paragraphs = []
    for b in good:
        text = "\n".join(BULLET_RE.sub("• ", line) for line in b.lines)
        if text.endswith("\\"):
            # A trailing backslash is a hard line break left over from Markdown export.
            text = text[:-1].rstrip()
            parts.notes.append(
                Note(where=f"{source}:{b.first_line}", kind="repaired", message="removed a stray trailing backslash")
            )
        paragraphs.append(text)
    parts.body = "\n\n".join(paragraphs)
    parts.notes.sort(key=lambda n: (_line_of(n.where), n.kind, n.message))
    return parts


def _line_of(where: str) -> int:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _preview(text: str, n: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def _match_byline(
    block: Block, furn: Furniture, kinds: tuple[str, ...], before_body: bool = False
) -> tuple[str, str, str | None, str] | None:
    for name, kind, pat in furn.bylines:
        if kind not in kinds:
            continue
        m = pat.fullmatch(block.lines[0])
        if not m:
            continue
        second = furn.byline_next_line.get(name)
        if second is not None and not (
            before_body
            and len(block.lines) == 2
            and len(block.lines[1].split()) <= 10
            and second.fullmatch(block.lines[1])
            and not any(_furniture_line(line, furn) for line in block.lines)
        ):
            continue
        desc = m.groupdict().get("description")
        if kind == "author" and desc is None and len(block.lines) > 1:
            desc = block.lines[1]
        if kind == "closing" and len(block.lines) > 1:
            continue
        return kind, m.group("name").strip(), (desc.strip() if desc else None), name
    return None


def find_comments_header(lines: list[str]) -> int | None:
    """Index of the line that opens the comment list, or None if the page has none: a
    header line followed by a bullet item, or by a comment that opens with a name and a
    date (blank lines and a few lines of prompts between them allowed)."""
    furn = load_furniture()
    for i, line in enumerate(lines):
        if not furn.comments_header.fullmatch(line.strip()):
            continue
        if any(COMMENT_ITEM_RE.fullmatch(nxt) for nxt in lines[i + 1 : i + 3]):
            return i
        after = islice((j for j in range(i + 1, len(lines)) if lines[j].strip()), 6)
        if any(_named_start(lines, j, furn) or _dateless_start(lines, j, furn) for j in after):
            return i
    return None


def parse_comments(lines: list[str], first_line: int, source: str) -> tuple[list[RawComment], list[Note]]:
    """Parse the comment list that starts at `lines[0]`, in either layout
    (`find_comments_header`), in page order."""
    first = next((ln for ln in lines if ln.strip()), "")
    if COMMENT_ITEM_RE.fullmatch(first):
        return _parse_bullet_comments(lines, first_line, source)
    return _parse_named_comments(lines, first_line, source)


def _parse_bullet_comments(lines: list[str], first_line: int, source: str) -> tuple[list[RawComment], list[Note]]:
    """The bullet list of DenOffentlige's pages.

    The list ends at the first non-blank line that is neither a bullet item nor indented:
    comment text is always indented under its bullet, site sections after it are not.
    """
    comments: list[RawComment] = []
    notes: list[Note] = []
    current: tuple[int, re.Match[str]] | None = None
    content: list[str] = []

    def flush() -> None:
        if current is None:
            return
        lineno, m = current
        comments.append(_make_comment(lineno, m, content, source, notes))

    end = len(lines)
    for i, line in enumerate(lines):
        m = COMMENT_ITEM_RE.fullmatch(line)
        if m:
            flush()
            current, content = (first_line + i, m), []
            continue
        if line.strip() and not line[:1].isspace():
            end = i
            break
        content.append(line)
    flush()
    if end < len(lines):
        notes.append(_end_note(source, first_line + end, lines[end]))
    return comments, notes


def _nest_by_indent(comments: list[RawComment], indents: list[int]) -> list[RawComment]:
    """Where comment headers are indented by different amounts (a threaded comment list
    saved with its layout), each comment answers the nearest comment above it that is
    indented less."""
    if len(set(indents)) < 2:
        return comments
    out = []
    open_above: list[tuple[int, int]] = []  # (indent, index) of the comments a next one may answer
    for k, (c, indent) in enumerate(zip(comments, indents, strict=True)):
        while open_above and open_above[-1][0] >= indent:
            open_above.pop()
        out.append(replace(c, indented_under=open_above[-1][1] if open_above else None))
        open_above.append((indent, k))
    return out


def _end_note(source: str, lineno: int, line: str) -> Note:
    return Note(where=f"{source}:{lineno}", kind="removed", message=f"end of comment list at: {_preview(line)}")


DATE_TAIL_CHARS = 48
DIGIT_RE = re.compile(r"\d")


@dataclass(frozen=True)
class _Start:
    lines: int  # how many lines the name and date take
    who: str
    date: str | None
    date_raw: str


def _trailing_date(line: str, furn: Furniture) -> tuple[int, str | None, str] | None:
    """Where a date that ends `line` starts, the date as ISO 8601 (None when it is
    relative to when the page was saved: "3 år siden") and the date as printed."""
    # A date is short ("12. september 2023 kl. 10.15"): only a line's end is searched, so a
    # long line costs no more than a short one.
    offset = max(0, len(line.rstrip()) - DATE_TAIL_CHARS)
    for m in furn.relative_date.finditer(line, offset):
        if not line[m.end() :].strip():
            return m.start(), None, m.group(0)
    found = None
    for m in DIGIT_RE.finditer(line, offset):
        # The first digit from which the rest of the line is one date.
        rest = line[m.start() :].strip()
        iso = parse_numeric_date(rest)
        if iso is None:
            # ISO 8601 and day-first dates with a time ("2023-03-12 08:14", "12-03-2023
            # 08:14"); a number is no date here, even one that reads as epoch seconds.
            read = read_date(rest)
            iso = read[0] if read and read[1] not in ("epoch seconds", "epoch milliseconds") else None
        if iso is None:
            named = find_named_date(rest)
            if named and named[1].start() == 0 and not rest[named[1].end() :].strip():
                iso = named[0]
        if iso is not None:
            found = (m.start(), iso, rest)
            break
    return found


def _plausible_name(text: str, furn: Furniture) -> bool:
    """A commenter's name, handle or "Name, description": short, no sentence."""
    head = text.partition(", ")[0].strip()
    words = head.split()
    if not 1 <= len(words) <= 5 or len(head) > 50 or not any(ch.isalpha() for ch in head):
        return False
    if head[-1] in "!?:;" or (head[-1] == "." and len(words[-1]) > 2):
        return False
    return not (
        furn.comment_action.fullmatch(text) or furn.comments_header.fullmatch(text) or _furniture_line(text, furn)
    )


def _furniture_line(line: str, furn: Furniture) -> str | None:
    return next((name for name, pat in furn.lines if pat.fullmatch(line)), None)


def _named_start(lines: list[str], i: int, furn: Furniture) -> _Start | None:
    """The comment that opens at `lines[i]` with its author and date: "Name · date" on one
    line, or the name alone with the date on the next non-blank line."""
    line = lines[i].strip()
    if not line:
        return None
    tail = _trailing_date(line, furn)
    if tail is not None:
        at, iso, raw = tail
        head = line[:at].rstrip()
        who = head.rstrip(" ·•|–—-,")
        # A separator between name and date, or a name of capitalised words and a full date
        # (as a page saved as HTML runs its author and <time> together): a sentence that
        # ends with a date is no header.
        separated = head[-1:] in ("·", "•", "|", "–", "—", "-", ",")
        named = iso is not None and 2 <= len(who.split()) <= 4 and all(w[:1].isupper() for w in who.split())
        if (separated or named) and who and _plausible_name(who, furn):
            return _Start(1, who, iso, raw)
        return None
    if not _plausible_name(line, furn):
        return None
    for j in range(i + 1, min(i + 3, len(lines))):
        nxt = lines[j].strip()
        if not nxt:
            continue
        tail = _trailing_date(nxt, furn)
        if tail is not None and tail[0] == 0:
            return _Start(j - i + 1, line, tail[1], tail[2])
        return None
    return None


def _dateless_start(lines: list[str], i: int, furn: Furniture) -> bool:
    """A comment that opens with its author's name alone, on a site that prints no dates:
    the name, at least one line of text, then a row of the comment's buttons before any
    other comment opens (the buttons are what tells a name from a short line of text)."""
    if not _plausible_name(lines[i].strip(), furn):
        return False
    following = islice((j for j in range(i + 1, len(lines)) if lines[j].strip()), 12)
    text_lines = 0
    for j in following:
        nxt = lines[j].strip()
        if furn.comment_action.fullmatch(nxt):
            return text_lines > 0
        if _named_start(lines, j, furn) or _furniture_line(nxt, furn):
            return False
        text_lines += 1
    return False


def _parse_named_comments(lines: list[str], first_line: int, source: str) -> tuple[list[RawComment], list[Note]]:
    """Comments that each open with a name and a date (`_named_start`), or with a name
    alone where the site prints no dates (`_dateless_start`).

    A comment's text runs to the next comment. Button rows are dropped; after them, a line
    that opens no new comment ends the list, as does a furniture line: what follows a
    comment section ("Läs också", "Mest læste") is not a comment."""
    furn = load_furniture()
    comments: list[RawComment] = []
    notes: list[Note] = []
    current: _Start | None = None
    start_line = 0
    body: list[str] = []
    closed = False
    buttons = 0

    def flush() -> None:
        if current is None:
            return
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(ln.strip() for ln in body))
        who, _, description = current.who.partition(", ")
        if current.date is None and current.date_raw:
            notes.append(
                Note(
                    where=f"{source}:{start_line}",
                    kind="missing",
                    message=f"comment date {current.date_raw!r} is relative to when the page was saved: left empty",
                )
            )
        comments.append(
            RawComment(
                line=start_line,
                date=current.date,
                date_raw=current.date_raw,
                author=who.strip() or None,
                description=description.strip() or None,
                title="",
                body=text,
            )
        )

    end = len(lines)
    indents: list[int] = []

    def open_comment(start: _Start, i: int) -> None:
        nonlocal current, start_line, body, closed
        flush()
        current, start_line, body, closed = start, first_line + i, [], False
        indents.append(len(lines[i]) - len(lines[i].lstrip()))

    i = 0
    while i < len(lines):
        line = lines[i].strip()
        start = _named_start(lines, i, furn)
        if start is not None:
            open_comment(start, i)
            i += start.lines
            continue
        if not line:
            body.append("")
        elif furn.comment_action.fullmatch(line) or (
            (tail := _trailing_date(line, furn)) is not None and furn.comment_action.fullmatch(line[: tail[0]].strip())
        ):
            buttons += 1
            closed = current is not None
        elif (current is None or closed) and _dateless_start(lines, i, furn):
            # A site that prints no dates: a name, text, then the comment's buttons.
            open_comment(_Start(1, line, None, ""), i)
        elif current is None:
            # Prompts between the header and the first comment ("Skriv en kommentar").
            notes.append(
                Note(
                    where=f"{source}:{first_line + i}",
                    kind="removed",
                    message=f"before the first comment: {_preview(line)}",
                )
            )
        elif closed or _furniture_line(line, furn):
            end = i
            break
        else:
            body.append(line)
        i += 1
    flush()
    comments = _nest_by_indent(comments, indents)
    if buttons:
        notes.append(
            Note(
                where=f"{source}:{first_line}",
                kind="removed",
                message=f"{buttons} row(s) of comment buttons (reply, like)",
            )
        )
    if end < len(lines):
        notes.append(_end_note(source, first_line + end, lines[end]))
    return comments, notes


def _make_comment(lineno: int, m: re.Match[str], content: list[str], source: str, notes: list[Note]) -> RawComment:
    who = m.group("who")
    author, _, description = who.partition(", ")
    body_lines = [ln.rstrip() for ln in content]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    title = body_lines.pop(0).strip() if body_lines else ""
    indents = [len(ln) - len(ln.lstrip()) for ln in body_lines if ln.strip()]
    cut = min(indents, default=0)
    text_lines: list[str] = []
    for ln in body_lines:
        ln = ln[cut:] if ln.strip() else ""
        if ln == "" and (not text_lines or text_lines[-1] == ""):
            continue
        text_lines.append(ln)
    while text_lines and text_lines[-1] == "":
        text_lines.pop()
    date = parse_numeric_date(m.group("date"))
    if date is None:
        notes.append(
            Note(
                where=f"{source}:{lineno}", kind="unreadable", message=f"comment date {m.group('date')!r} is not a date"
            )
        )
    return RawComment(
        line=lineno,
        date=date,
        date_raw=m.group("date"),
        author=author.strip() or None,
        description=description.strip() or None,
        title=title,
        body="\n".join(text_lines),
    )


def find_signature(text: str, author: str | None) -> tuple[int, int, list[str]] | None:
    """Where a comment's sign-off is (start, end) and the self-descriptions in it.

    A sign-off is a closing formula ("Mvh.", "Med venlig hilsen", "Med vänlig hälsning")
    in the last lines, or the author's own name on one of the last two lines. The lines
    right after the name ("Formand for Dansk Socialrådgiverforening", "socialrådgiver")
    are self-descriptions; URLs and attachments after them are not. A formula inside a
    line ("... mulighederne. Mange hilsner fra en socialrådgiver, der ...") signs off only
    to the end of its sentence: what follows is argument again.
    """
    lines = text.split("\n")
    offsets = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    start_line: int | None = None
    start_char = end_char = len(text)
    for i in range(max(0, len(lines) - 20), len(lines)):
        m = CLOSING_FORMULA_RE.search(lines[i])
        if m and (m.start() == 0 or lines[i][: m.start()].rstrip().endswith((".", "!", "?"))):
            start_line, start_char = i, offsets[i] + m.start()
            if m.start() > 0:
                stop = re.search(r"[.!?]\s+(?=[A-ZÆØÅÄÖ])", lines[i][m.end() :])
                end_char = offsets[i] + m.end() + stop.end() if stop else offsets[i] + len(lines[i])
                end_char = len(text[:end_char].rstrip())
            break
    name_norm = (author or "").strip().lower()
    if len(name_norm) < 3:
        # A one- or two-letter pseudonym ("S") matches the start of too many lines.
        name_norm = ""
    if start_line is None and name_norm:
        for i in range(max(0, len(lines) - 2), len(lines)):
            if re.match(rf"{re.escape(name_norm)}\b", lines[i].strip().lower()):
                start_line, start_char = i, offsets[i]
                break
    if start_line is None:
        return None
    descriptions: list[str] = []
    after_name = False
    for ln in lines[start_line:]:
        stripped = ln.strip()
        if not stripped:
            continue
        if name_norm and name_norm in stripped.lower():
            after_name = True
            continue
        if URL_RE.search(stripped) or len(stripped.split()) > 8:
            break
        if after_name and not CLOSING_FORMULA_RE.match(stripped):
            descriptions.append(stripped)
            if len(descriptions) == 2:
                break
    return start_char, end_char, descriptions
