"""Raw scraped pages (text, as in `seeds/`) to article parts; the comment list is read by
`comments`.

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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import justext

from pipeline.core.schema import Author, Note
from pipeline.ingest.dates import (
    NUMBER_FORMS,
    READING_TIME,
    SLASHED_DATE_RE,
    find_named_date,
    line_date,
    read_date,
    update_stamp,
    weekday_lead,
    yearless_date,
)
from pipeline.ingest.pages.metadata import names_headline

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

BULLET_RE = re.compile(r"^\s*[•·▪◦‣-]\s+")


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
    # The date a post prints without its year (or relative to the saving): printed, unread.
    created_unread: str | None = None
    # The site's name, where the page's own title line names it ("<headline> | <site>").
    site: str | None = None


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
    # Where the page's data states what this comment answers rather than its layout showing
    # it (`indented_under`, or the opening post where that is None): the data's form
    # ("JSON-LD", "microdata", "Reddit markup").
    stated_in: str | None = None
    # Whom the comment's header says it answers ("Erik Johansson svarar Anna Lind · ...").
    answers: str | None = None
    # A reply the page shows answers one of the comments from this page-order index down to
    # the one right above it, without showing which (old Reddit copied as text).
    within: int | None = None
    # Where its words name nothing else, it answers the comment right above it (a page that
    # lists replies right under what they answer, and shows no nesting: new Reddit copied).
    follows: bool = False


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
    # Who reacted to a comment ("3 synes godt om dette"), read as its buttons.
    comment_reactions: re.Pattern[str]
    # A widget's stand-in for replies or comments the saved page does not show ("Vis 2 svar").
    comment_more: re.Pattern[str]
    # A control under a comment shown cut short ("Läs mer").
    comment_expand: re.Pattern[str]
    relative_date: re.Pattern[str]
    # What follows a commenter's name on a line of its own ("Karin Ek skriver:").
    says: re.Pattern[str]
    # The same verbs between a commenter's name and the date ("skrev den", "wrote on").
    says_at: re.Pattern[str]
    # A forum post's member details under its author's name ("Reg: Jan 2010 · Inlägg: 12").
    forum_member: re.Pattern[str]
    # The order a page's dates with slashes are read in, where its dates tell
    # (`dates.page_slash_order`); None: such dates are not read.
    slash_order: str | None = None
    # Bylines read only with a date in them (`date_required`) or above the text beside a
    # date line (`beside_date`): without it their shape is a headline's or a breadcrumb's.
    byline_needs: dict[str, str] = field(default_factory=dict)


# A word of a person's name, a double surname's two parts included ("Berg-Hansen",
# "Rosenkrantz-Theil": the byline patterns had stopped at the second capital).
NAME_WORD = r"[A-ZÆØÅÄÖÉ][a-zæøåäöéü]+(?:-[A-ZÆØÅÄÖÉ]?[a-zæøåäöéü]+)*"

# Sub-patterns that `furniture.toml` shares with the date reader, written there as
# %(name)s: one spelling of each, so a word added to one is read by both.
_SHARED_PATTERNS = {"reading_time": READING_TIME, "name_word": NAME_WORD}
_SHARED_RE = re.compile(r"%\((\w+)\)s")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(_SHARED_RE.sub(lambda m: _SHARED_PATTERNS[m[1]], pattern))


@lru_cache(maxsize=2)
def load_furniture(path: Path = FURNITURE_FILE) -> Furniture:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return Furniture(
        lines=tuple((d["name"], _compile(d["pattern"])) for d in raw.get("line", [])),
        boxes=tuple(
            (d["name"], _compile(d["start"]), _compile(d["end"]), int(d["max_blocks"])) for d in raw.get("box", [])
        ),
        bylines=tuple((d["name"], d["kind"], _compile(d["pattern"])) for d in raw.get("byline", [])),
        byline_next_line={d["name"]: _compile(d["next_line"]) for d in raw.get("byline", []) if d.get("before_body")},
        byline_needs={d["name"]: d["needs"] for d in raw.get("byline", []) if d.get("needs")},
        keywords=_compile(raw["keywords"]["pattern"]),
        comments_header=_compile(raw["comments"]["header"]),
        comment_action=_compile(raw["comments"]["action"]),
        comment_reactions=_compile(raw["comments"]["reactions"]),
        comment_more=_compile(raw["comments"]["more"]),
        comment_expand=_compile(raw["comments"]["expand"]),
        relative_date=_compile(raw["comments"]["relative_date"]),
        says=re.compile(rf"\s+(?:{raw['comments']['say_verbs']})\s*:\s*$"),
        says_at=re.compile(
            rf"(?i)\s+(?:(?:{raw['comments']['say_verbs']})(?:\s+(?:d\.|den|on|på|kl\.))?|den|d\.|on)\s*:?$"
        ),
        forum_member=_compile(raw["forum"]["member"]),
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


def furniture_line(line: str, furn: Furniture) -> str | None:
    return next((name for name, pat in furn.lines if pat.fullmatch(line)), None)


def _furniture_name(block: Block, furn: Furniture) -> str | None:
    return next((name for line in block.lines if (name := furniture_line(line, furn))), None)


# jusText calls a paragraph "good" only above 200 characters, and without one good paragraph
# its context rules turn every other into boilerplate too. News and debate sites often
# write one or two sentences a paragraph: a page with no paragraph that long is classified
# again with this bound instead (jusText's own lower bound for "short").
SHORT_PARAGRAPHS_LENGTH_HIGH = 70
# jusText calls a paragraph boilerplate outright when under 30% of its words are on the
# language's stoplist (a bound set for English and Czech). Danish and Swedish news prose
# dense with names and figures falls below it: "Ifølge rapporten har en socialrådgiver på
# børneområdet i gennemsnit 35 sager, mens foreningen anbefaler højst 20 sager per
# medarbejder." has 26%. At 20% such a paragraph is "near good", kept where a neighbour is
# text; link lists and captions stay out by their link density and furniture patterns.
# The seed pages read the same at 30%, 25%, 20% and 15%.
STOPWORDS_LOW = 0.2
# A tabloid's story may hold no paragraph of 70 characters ("Hver fjerde socialrådgiver i
# Odense har sagt op i år."): then paragraphs of a sentence's length, 40 characters, are
# text where their stopwords say prose (the story had been read as boilerplate whole). The
# (length_low, length_high, stopwords_high) bounds tried in turn, each only where the one before found no
# paragraph of text.
SHORTER_PARAGRAPHS = (
    (justext.core.LENGTH_LOW_DEFAULT, SHORT_PARAGRAPHS_LENGTH_HIGH, justext.core.STOPWORDS_HIGH_DEFAULT),
    (30, 40, justext.core.STOPWORDS_HIGH_DEFAULT),
    # Last, a story whose every paragraph is dense with names and figures (under jusText's
    # 32% stopwords; "Kommunerne mangler erfarne socialrådgivere over hele landet, og
    # sagsbunkerne vokser hver måned" has 27%): prose at STOPWORDS_LOW is its text, where the
    # page had none.
    (30, 40, STOPWORDS_LOW),
)


def _justext_classes(
    blocks: list[Block],
    lang: str,
    length_high: int = justext.core.LENGTH_HIGH_DEFAULT,
    after: list[bool] | None = None,
    length_low: int = justext.core.LENGTH_LOW_DEFAULT,
    stopwords_high: float = justext.core.STOPWORDS_HIGH_DEFAULT,
) -> list[str]:
    """jusText's final class ('good', 'bad', ...) for each block, in order; `after`: whether
    each block follows the one before it on the page with nothing removed between."""
    if not blocks:
        return []
    body = "".join(f"<p>{html.escape(' '.join(b.lines))}</p>" for b in blocks)
    stoplist = justext.get_stoplist(JUSTEXT_STOPLISTS.get(lang, "Danish"))
    paragraphs = justext.justext(
        f"<html><body>{body}</body></html>",
        stoplist,
        length_low=length_low,
        length_high=length_high,
        stopwords_low=STOPWORDS_LOW,
        stopwords_high=stopwords_high,
    )
    if len(paragraphs) != len(blocks):
        raise RuntimeError(f"jusText returned {len(paragraphs)} paragraphs for {len(blocks)} blocks")
    classes = [p.class_type for p in paragraphs]
    # jusText judges a short paragraph by its neighbours, and the end of the text counts as
    # boilerplate: an op-ed's closing line ("Byrådet må finde pengene nu, før endnu flere
    # går."), often its main claim, would be dropped. Short sentences right after the last
    # text paragraph, of prose (stopwords, no links), with nothing removed between, are the
    # text's end.
    last = max((k for k, c in enumerate(classes) if c == "good"), default=None)
    for k in range(len(classes) if last is None else last + 1, len(classes)):
        p = paragraphs[k]
        words = p.text.split()
        if not (
            (after is None or after[k])
            and getattr(p, "cf_class", "") in ("short", "near-good")
            and len(words) >= 4
            and words[0][:1].isupper()
            and p.text.rstrip()[-1:] in ".!?"
            and p.stopwords_density(stoplist) >= STOPWORDS_LOW
            and p.links_density() == 0
        ):
            break
        classes[k] = "good"
    return classes


def _split_keywords(raw: str) -> list[str]:
    if "," in raw or ";" in raw:
        items = re.split(r"\s*[,;]\s*", raw)
    else:
        # Some sites print topic links glued together ("SocialtjänstenEkonomiskt bistånd"):
        # a lower-case letter followed by an upper-case one is where two links met.
        items = re.split(r"(?<=[a-zæøåäöé])(?=[A-ZÆØÅÄÖÉ])", raw)
    return [i.strip() for i in items if i.strip()]


# A section's label as opinion pages print it above the headline ("DEBATT", "KRONIK",
# "LEDER"): one to three words in capitals.
_KICKER_RE = re.compile(r"[A-ZÆØÅÄÖÉ][A-ZÆØÅÄÖÉ&\-]+(?:\s+[A-ZÆØÅÄÖÉ&\-]+){0,2}")


def _dated_byline(line: str, furn: Furniture) -> bool:
    """A byline with its date on one line ("Anna Berg · 14 mars 2024")."""
    byline = _match_byline(Block((line,), 0), furn, kinds=("author",), before_body=True)
    return byline is not None and byline.date is not None


def _headline_words(line: str) -> int:
    """How many words a title candidate counts as: a label in capitals of up to three words
    (`_KICKER_RE`) as one."""
    return 1 if _KICKER_RE.fullmatch(line.strip()) else len(line.split())


def _is_header_block(block: Block, furn: Furniture, first: bool = False) -> bool:
    """Short lines, none a sentence, one of them the publication date (perhaps in a
    byline), or a byline under the first, or the first a section's label in capitals (or,
    opening the page, the site's or section's name in a few words): a section label,
    headline, byline and dateline run together (a block that opens with a byline is left
    to the bylines)."""
    lines = block.lines
    return (
        2 <= len(lines) <= 4
        and (
            any(line_date(line) or _dated_byline(line, furn) for line in lines)
            # A headline under its section's label opens in capitals; "ANNA BERG" over
            # "socionom och krönikör" is a signature.
            or (len(lines) == 2 and _KICKER_RE.fullmatch(lines[0].strip()) and lines[1][:1].isupper())
            # "Avisen" / "Socialsekreterare lämnar yrket i rekordtakt" over the text: the
            # block had gone as boilerplate, and the page had no headline. A greeting over
            # a first line ("Hej alle," / ...) ends with its comma.
            or (
                first
                and len(lines) == 2
                and len(lines[0].split()) <= 3
                and lines[0].rstrip()[-1:] not in ",:;!?"
                and len(lines[1].split()) >= 3
                and lines[1][:1].isupper()
            )
            or any(_byline_line(line, furn) for line in lines[1:])
        )
        and all(len(line.split()) <= 20 and line.rstrip()[-1:] != "." for line in lines)
        and not re.match(r"(?:Af|Av|By)\s", lines[0])
    )


def _add_author(authors: list[Author], name: str, description: str | None) -> None:
    """Add an author, or complete the one of that name already read (a byline's author who
    also signs the end is one author)."""
    for n, held in enumerate(authors):
        if held.name == name:
            authors[n] = Author(name=name, description=held.description or description)
            return
    authors.append(Author(name=name, description=description))


def _byline_line(line: str, furn: Furniture) -> bool:
    """A byline that stands alone on its line ("Af Karen Holm", "Tekst: Karen Holm")."""
    return any(
        kind == "author" and pat.fullmatch(line)
        for name, kind, pat in furn.bylines
        if name not in furn.byline_next_line and name not in furn.byline_needs
    )


def _marker_line(line: str, furn: Furniture) -> bool:
    """A line that is a page's furniture, a date or a byline: what a masthead is made of."""
    return furniture_line(line, furn) is not None or line_date(line) is not None or _byline_line(line, furn)


def _title_under_name(line: str, furn: Furniture) -> bool:
    """A short title a name stands over ("Journalist", "Socialrådgiver og ph.d.-studerende"),
    as the name-over-title byline's second line reads it."""
    second = next(iter(furn.byline_next_line.values()), None)
    return (
        second is not None
        and second.fullmatch(line) is not None
        and len(line.split()) <= 10
        and not _marker_line(line, furn)
    )


def _prose_line(line: str) -> bool:
    return len(line.split()) >= 6 and line.rstrip()[-1:] in '.!?"”»)' and not quoted_headline(line)


# A debate page's headline is often its writer's words in quotation marks ("”Socialtjänsten
# behöver fler socionomer”"): one line wholly quoted, no full stop inside, is a headline,
# though it ends as a quotation in a paragraph does.
_QUOTED_LINE_RE = re.compile(r'["“”„»«](?P<inner>[^"“”„»«\n]+)["“”»«]')


def quoted_headline(line: str) -> bool:
    """A line wholly in quotation marks that holds no sentence's end: a quoted headline."""
    m = _QUOTED_LINE_RE.fullmatch(line.strip())
    return bool(m) and m["inner"].rstrip()[-1:] not in ".!…" and not _SENTENCE_BREAK_RE.search(m["inner"])


def _is_masthead(block: Block, furn: Furniture, first: bool = False) -> bool:
    """A page's top copied with single line breaks only (a browser's copy of headings and
    divs): menu words, the headline, the lead, a byline, the date and share buttons in one
    block, sometimes run on into the first paragraph. Read as it stands, the block was one
    paragraph of boilerplate and the headline, date and author went with it. Two lines of
    furniture (one, in the page's first block) and a headline's worth of words, or a
    byline, tell it from a list in the text; so does standing first on the page, all of it
    short lines (menu words over the headline: "Nyheter" / "Sport" / ... / the headline)."""
    lines = block.lines
    if len(lines) < 3:
        return False
    if first and all(len(line.split()) <= 15 and line.rstrip()[-1:] not in ".!?" for line in lines):
        return True
    markers = [_marker_line(line, furn) for line in lines]
    if sum(markers) < (1 if first else 2):
        return False
    return any(
        not marked and not _prose_line(line) and 4 <= len(line.split()) <= 20 and line.rstrip()[-1:] != "."
        for line, marked in zip(lines, markers, strict=True)
    ) or any(_byline_line(line, furn) for line in lines)


def _masthead_blocks(block: Block, furn: Furniture) -> list[Block]:
    """A masthead's lines a block each, but consecutive lines of prose (the lead, a first
    paragraph run on) kept together as one paragraph, and a byline with the title on the
    line under it ("Af Karen Holm" / "Journalist") as one byline. Under the last prose, the
    line that says who wrote it ("Mads Bilstrup er formand for ...") stands alone, and a
    signature (the name, then its title and town a line each) stays one block."""
    out: list[Block] = []
    lines = block.lines
    last_prose = max((n for n, line in enumerate(lines) if _prose_line(line)), default=-1)
    signed: set[int] = set()
    for n, line in enumerate(lines):
        last = out[-1].lines if out else ()
        if n == last_prose and last and _AUTHOR_LINE_RE.fullmatch(line.strip()):
            out.append(Block((line,), block.first_line + n))
        elif (
            last
            and _prose_line(line)
            and _prose_line(last[-1])
            # A sentence that is furniture ("Detta är en debattartikel. Åsikterna ...") goes
            # alone, or the lead above it would go with it.
            and not furniture_line(line.strip(), furn)
            and not furniture_line(last[-1].strip(), furn)
        ):
            out[-1] = Block((*last, line), out[-1].first_line)
        elif (
            last_prose >= 0
            and last
            and out[-1].first_line > block.first_line + last_prose
            and len(last) <= 2
            and not _marker_line(line, furn)
            and _signed_block(Block((*last, line), 0)) is not None
        ):
            # "Karen Holm" / "Socialrådgiver" / "Viby J" under the letter's last paragraph.
            out[-1] = Block((*last, line), out[-1].first_line)
            signed.add(len(out) - 1)
        elif len(last) == 1 and _byline_line(last[0], furn) and "," not in last[0] and _title_under_name(line, furn):
            out[-1] = Block((*last, line), out[-1].first_line)
        else:
            out.append(Block((line,), block.first_line + n))
    for k in sorted(signed, reverse=True):
        # A signature ends the text: furniture or nothing follows it ("Dansk
        # Socialrådgiverforening" / "Toldbodgade 19B" / "1253 København K" / "Tlf. ..." is a
        # footer's address).
        after = out[k + 1].lines[0] if k + 1 < len(out) else None
        if after is not None and not _marker_line(after, furn):
            out[k : k + 1] = [Block((line,), out[k].first_line + n) for n, line in enumerate(out[k].lines)]
    return out


def _tail_blocks(block: Block, furn: Furniture) -> list[Block] | None:
    """A paragraph run on into furniture ("... den 20. marts." / "Kontakt" / "Sidst
    opdateret: 6. marts 2024"; "Dela" / "Relaterat"; "Artiklen fortsætter efter annoncen"
    between two paragraphs): the paragraphs, and the rest a line each, so the furniture goes
    and the paragraphs stay (the whole block had gone as furniture)."""
    lines = block.lines
    if len(lines) < 2 or not any(map(_prose_line, lines)):
        return None
    marks = [n for n, line in enumerate(lines) if _marker_line(line, furn)]
    # "Læs mere her", "Bliv abonnent", a newsletter's sign-up right under a sentence: the
    # sentence is the link's teaser, furniture with it; "Læs også" heads the links below it.
    if not marks or any(
        n > 0
        and _prose_line(lines[n - 1])
        and furniture_line(lines[n], furn) in _TEASER_LINKS
        and not _RELATED_HEADING_RE.fullmatch(lines[n])
        for n in marks
    ):
        return None
    return _masthead_blocks(block, furn)


def _site_after_headline(line: str, headlines: set[str]) -> str | None:
    """The site's name in "<headline> | <site>" (or "-", "–", "·"), the title a browser
    shows for the page, where the headline is one of `headlines`; else None."""
    for m in _TITLE_SEPARATOR_RE.finditer(line):
        site = line[m.end() :].strip()
        if line[: m.start()] in headlines and 2 <= len(site) <= 60:
            return site
    return None


_TITLE_SEPARATOR_RE = re.compile(r"\s+[|·–—-]\s+")
_SENTENCE_BREAK_RE = re.compile(r"\w[.!?]\s+[A-ZÆØÅÄÖÉ]")
_TEASER_LINKS = frozenset({"read-more", "subscription", "newsletter"})
_RELATED_HEADING_RE = re.compile(r"(?i)(?:læs også|läs också|les også|se også|se även|read also|see also)\s*:?")


def _date_block(blocks: list[Block], k: int) -> bool:
    return 0 <= k < len(blocks) and len(blocks[k].lines) == 1 and line_date(blocks[k].lines[0]) is not None


# A byline's e-mail address on a line of its own ("anna.berg@avisen.dk", "E-mail:
# kh@avisen.dk"), under the name and title: the writer's contact, no part of the text.
_CONTACT_RE = re.compile(r"(?i:(?:e-?mail|mail|e-?post|kontakt)\s*:?\s*)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _contact_block(blocks: list[Block], k: int) -> bool:
    return 0 <= k < len(blocks) and len(blocks[k].lines) == 1 and _CONTACT_RE.fullmatch(blocks[k].lines[0]) is not None


# A name in capitals ("ANNA BERG"), as some sites print the byline: two to four words, no
# conjunction or preposition, which a section's label in capitals has ("BØRN OG UNGE").
_CAPITALS_NAME_RE = re.compile(r"[A-ZÆØÅÄÖÉ]{2,}(?:-[A-ZÆØÅÄÖÉ]{2,})?(?:\s+[A-ZÆØÅÄÖÉ]{2,}(?:-[A-ZÆØÅÄÖÉ]{2,})?){1,3}")
_NOT_IN_NAMES = frozenset(
    {"OG", "OCH", "OCK", "I", "PÅ", "AF", "AV", "TIL", "TILL", "FOR", "FÖR", "MED", "OM", "DEN", "DET", "DE"}
)


def _capitals_over_newsroom_title(line: str, under: str) -> bool:
    """A name in capitals over a newsroom's title ("ANNA BERG" / "Journalist"): only such a
    title tells it from a section's label in capitals over a headline."""
    return (
        _CAPITALS_NAME_RE.fullmatch(line.strip()) is not None
        and not set(line.split()) & _NOT_IN_NAMES
        and _TRAILING_TITLE_RE.search(" " + under.strip()) is not None
        and len(under.split()) <= 3
    )


def _pair_name_over_title(blocks: list[Block], furn: Furniture) -> list[Block]:
    """Above the text (or under its lead), a name alone on its line over a short title alone
    on its line, next to the date ("Anne Marie Jensen" / "Socialrådgiver og ph.d.-studerende"
    / "7. marts 2024"), is the author's byline split by the copy: joined back into one
    block. The date beside it keeps a menu ("Aarhus Kommune" / "Borger") from reading as a
    name over a title."""
    name_pat = next((pat for name, kind, pat in furn.bylines if name in furn.byline_next_line), None)
    if name_pat is None:
        return blocks
    out: list[Block] = []
    k = bodies = 0
    while k < len(blocks):
        b = blocks[k]
        if _is_body_paragraph(b):
            bodies += 1
            if bodies == 2:
                out.extend(blocks[k:])
                break
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        if (
            nxt is not None
            and len(b.lines) == 1
            and len(nxt.lines) == 1
            and (
                _date_block(blocks, k + 2)
                or _date_block(blocks, k - 1)
                or (_contact_block(blocks, k + 2) and _date_block(blocks, k + 3))
            )
            and (name_pat.fullmatch(b.lines[0]) or _capitals_over_newsroom_title(b.lines[0], nxt.lines[0]))
            and not _marker_line(b.lines[0], furn)
            and _title_under_name(nxt.lines[0], furn)
        ):
            out.append(Block((_as_printed_name(b.lines[0]), nxt.lines[0]), b.first_line))
            k += 2
            continue
        out.append(b)
        k += 1
    return out


# A video channel's subscriber count as YouTube prints it under the channel's name, in
# English, Danish, Swedish and Norwegian ("412K subscribers", "412.000 abonnenter").
_SUBSCRIBERS_RE = re.compile(
    r"(?i)\d[\d.,\u00a0\u202f ]*\s?(?:[KkMm]|mio\.?|mn|tn|t\.)?\s+(?:subscribers|abonnenter|abonnentar|prenumeranter)"
)


# A video's views as YouTube prints them over its description, before its date.
_VIEWS_RE = re.compile(
    r"(?i)\d[\d.,\u00a0\u202f ]*\s?(?:[KkMm]|mio\.?|mn|tn|t\.)?\s+(?:views|visninger|visningar)\b\s*"
)


def _views_line(line: str, furn: Furniture) -> bool:
    """A video's views alone on a line, or followed by its date or age ("23K views  2 weeks
    ago"); not a paragraph that opens with a count of views ("1.200 visninger på en uge")."""
    views = _VIEWS_RE.match(line)
    if views is None:
        return False
    rest = line[views.end() :].strip()
    return not rest or line_date(rest, furn.slash_order) is not None or furn.relative_date.fullmatch(rest) is not None


def _channel(blocks: list[Block], k: int) -> str | None:
    """The channel's name where block `k` is a short name over its subscriber count (on
    its own line under it, or in the next block)."""
    block = blocks[k]
    if len(block.lines) == 2:
        name, count = block.lines
    elif len(block.lines) == 1 and k + 1 < len(blocks) and len(blocks[k + 1].lines) == 1:
        name, count = block.lines[0], blocks[k + 1].lines[0]
    else:
        return None
    name = name.strip()
    if not _SUBSCRIBERS_RE.fullmatch(count.strip()) or len(name) > 60 or len(name.split()) > 6:
        return None
    return name if name[-1:] not in ".!?:" else None


def _is_body_paragraph(block: Block) -> bool:
    text = " ".join(block.lines)
    return (
        len(text.split()) >= 12
        and text.rstrip()[-1:] in '.!?:"”»)'
        and not (len(block.lines) == 1 and quoted_headline(text))
    )


NO_HEADLINE = "no headline found in the page's text"


def parse_article(
    lines: list[str],
    lang: str,
    source: str,
    first_line: int = 1,
    headlines: tuple[str, ...] = (),
    furn: Furniture | None = None,
) -> ArticleParts:
    """Extract title, bylines, date, keywords and clean body from an article's lines;
    `headlines`: what an HTML page's head calls its headline (`metadata.page_metadata`);
    `furn`: the furniture with the page's slash order, if any."""
    furn = furn or load_furniture()
    parts = ArticleParts()
    blocks = []
    # Lines of a masthead read a line at a time that are no prose: what no pattern names
    # of them ("Gem", "Lyt til artiklen") is the page's, not the text's.
    masthead_lines: set[int] = set()
    # Body paragraphs among the blocks so far (counted once each: a long page stays linear).
    paragraphs_so_far = counted = 0
    for block in split_blocks(lines, first_line):
        paragraphs_so_far += sum(map(_is_body_paragraph, blocks[counted:]))
        counted = len(blocks)
        if not blocks and (post := _post_header(block, furn)):
            # A social media post copied as text: its author and time over its text.
            name, when, raw, rest = post.name, post.iso, post.printed, post.text
            parts.authors.append(Author(name=name, description=post.description))
            parts.author_source = f"post header at {source}:{block.first_line}"
            parts.created = parts.created or when
            if when is None:
                parts.created_unread = raw
                parts.notes.append(
                    Note(
                        where=f"{source}:{block.first_line + 1}",
                        kind="missing",
                        message=f"the post's date {raw!r} is printed without its year (or relative to when the "
                        "page was saved): left empty",
                    )
                )
            if rest:
                blocks.append(Block(rest, block.first_line + post.text_at))
            continue
        kw = furn.keywords.fullmatch(block.lines[0])
        if len(block.lines) > 1 and _views_line(block.lines[0], furn):
            # A video's views and date over its description, with no blank line between.
            blocks.append(Block(block.lines[:1], block.first_line))
            blocks.append(Block(block.lines[1:], block.first_line + 1))
        elif kw and kw.group("list").strip() and len(block.lines) > 1:
            # A one-line keyword list may run straight into the author box below it.
            blocks.append(Block(block.lines[:1], block.first_line))
            blocks.append(Block(block.lines[1:], block.first_line + 1))
        elif _is_header_block(block, furn, first=not blocks):
            # A page's header printed without blank lines ("DEBATT" / the headline /
            # "Publicerad 14 mars 2024"): each line is read as a block of its own (a byline
            # with its title under it as one).
            blocks.extend(_masthead_blocks(block, furn))
        elif paragraphs_so_far <= 1 and _is_masthead(block, furn, first=not blocks):
            # Above the text, or under its lead.
            split = _masthead_blocks(block, furn)
            masthead_lines.update(b.first_line for b in split if len(b.lines) == 1 and not _prose_line(b.lines[0]))
            blocks.extend(split)
        elif tail := _tail_blocks(block, furn):
            blocks.extend(tail)
        else:
            blocks.append(block)
    blocks = _pair_name_over_title(blocks, furn)
    kept: list[Block] = []
    kept_at: list[int] = []  # each kept block's index in `blocks`
    title_at: int | None = None  # the headline's index in `blocks`
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

    bodies = [k for k, b in enumerate(blocks) if k not in removed and _is_body_paragraph(b)]
    first_body, second_body = (bodies + [len(blocks), len(blocks)])[:2]
    pending_keywords = False
    created_updated = False
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
        if len(block.lines) == 1 and _views_line(block.lines[0], furn):
            # "23.456 visninger  14. mar. 2024": the video's date, where it is not relative.
            views = _VIEWS_RE.match(block.lines[0])
            assert views is not None
            parts.created = parts.created or line_date(block.lines[0][views.end() :], furn.slash_order)
            removed[k] = "views"
            continue
        if len(block.lines) == 1 and (iso := line_date(block.lines[0], furn.slash_order)) is not None:
            # The publication's stamp over the update's, whichever the page prints first.
            if parts.created is None or (created_updated and not update_stamp(block.lines[0])):
                parts.created = iso
                created_updated = update_stamp(block.lines[0])
            removed[k] = "date-line"
            continue
        # A name over a title stands above the text, or under the lead beside the date.
        dated = _date_block(blocks, k + 1) or _date_block(blocks, k - 1)
        above = k < first_body or (k < second_body and dated)
        byline = _match_byline(block, furn, kinds=("author", "publisher"), before_body=above, beside_date=dated)
        if byline:
            if byline.kind == "author":
                for name in byline.names:
                    _add_author(parts.authors, name, byline.description)
                parts.author_source = f"byline ({byline.pattern}) at {where}"
            else:
                parts.publisher = byline.names[0]
            if byline.date and parts.created is None:
                parts.created = byline.date
            removed[k] = f"byline:{byline.pattern}"
            continue
        if (channel := _channel(blocks, k)) is not None:
            # A video page copied as text: the channel's name over its subscriber count.
            _add_author(parts.authors, channel, None)
            parts.author_source = parts.author_source or f"the channel over its subscriber count at {where}"
            removed[k] = "channel"
            if len(block.lines) == 1:
                removed[k + 1] = "subscribers"
            continue
        if removed.get(k - 1) == "about-the-author" and (said := _author_line(block) or _signed_block(block)):
            # Under "Om skribenten": who wrote the piece, on any page.
            names, description = (said.names, said.description) if isinstance(said, Byline) else said
            for name in names:
                _add_author(parts.authors, name, description)
            parts.author_source = parts.author_source or f"about the author at {where}"
            removed[k] = "about-the-author"
            continue
        if k < first_body and removed.get(k - 1, "").startswith("byline:") and _contact_block(blocks, k):
            removed[k] = "author-contact"
            continue
        furniture = _furniture_name(block, furn)
        if furniture:
            if furniture == "publication-stamp":
                found = find_named_date(" ".join(block.lines))
                if found and parts.created is None:
                    parts.created = found[0]
            removed[k] = furniture
            continue
        # A headline may ask ("Skal socialrådgivere autoriseres?"); a sentence ends with a full
        # stop, and a lead of two sentences ("Vi har ... hjælp. Hvorfor lytter ingen?") is none.
        # A debate headline of two that ends with neither ("Socialrådgiverne løber bort. Det er
        # politikernes ansvar") is one: it had lost to the site's name.
        line = block.lines[0]
        if (
            k < first_body
            and len(block.lines) == 1
            and line[-1:] != "."
            and (not _SENTENCE_BREAK_RE.search(line) or (line[-1:] not in "!?…" and len(line.split()) <= 20))
        ):
            title_candidates.append((k, block))
            continue
        if len(block.lines) == 1 and block.first_line in masthead_lines and k < second_body:
            removed[k] = "masthead"
            continue
        kept.append(block)
        kept_at.append(k)

    if title_candidates:
        # A scraper often prints the page's <title> first: the headline and the site's name
        # ("Hver fjerde ... sige op | Dansk Socialrådgiverforening"). Where the headline
        # stands on a line of its own too, that line is the page's title, and names the site.
        lines = {b.lines[0] for _, b in title_candidates}
        for k2, b in list(title_candidates):
            if site := _site_after_headline(b.lines[0], lines):
                parts.site = parts.site or site
                removed[k2] = "page-title"
                title_candidates.remove((k2, b))
        # The headline is the longest single-line block above the first paragraph; section
        # labels ("Faglighed og kvalitet") and navigation words are shorter. Where the page's
        # head names its headline, only lines that are it compete: a long teaser or byline
        # the patterns miss is longer.
        named = [(k, b) for k, b in title_candidates if names_headline(b.lines[0], headlines)]
        # A section's label in capitals ("SOCIALT ARBEJDE", "BARN OCH UNGA") counts as one
        # word: a short headline under it ("Socionomer slutar") had lost to it.
        k, block = max(named or title_candidates, key=lambda kb: (_headline_words(kb[1].lines[0]), -kb[0]))
        parts.title = block.lines[0]
        title_at = k
        for k2, _ in title_candidates:
            if k2 != k:
                removed[k2] = "pre-title-label" if k2 < k else "section-label"
    else:
        parts.notes.append(Note(where=source, kind="missing", message=NO_HEADLINE))

    # A kept block right after the one before it, nothing removed between (a newsletter box's
    # heading removed above its line ends the text).
    after = [k > 0 and at == kept_at[k - 1] + 1 for k, at in enumerate(kept_at)]
    classes = _justext_classes(kept, lang, after=after)
    bound = justext.core.LENGTH_HIGH_DEFAULT
    for length_low, length_high, stopwords_high in SHORTER_PARAGRAPHS:
        if not kept or "good" in classes:
            break
        classes = _justext_classes(kept, lang, length_high, after, length_low, stopwords_high)
        if "good" in classes:
            dense = stopwords_high < justext.core.STOPWORDS_HIGH_DEFAULT
            parts.notes.append(
                Note(
                    where=source,
                    kind="metadata",
                    message=f"no paragraph of {length_high}+ characters with {justext.core.STOPWORDS_HIGH_DEFAULT:.0%}"
                    f" stopwords: paragraphs with {stopwords_high:.0%} taken as text"
                    if dense
                    else f"no paragraph of {bound}+ characters: paragraphs of "
                    f"{length_high}+ characters with enough stopwords taken as text",
                )
            )
        bound = length_high
    good = [b for b, c in zip(kept, classes, strict=True) if c == "good"]
    about = _author_line(good[-1]) if good else None
    known = {a.name: n for n, a in enumerate(parts.authors)}
    # Only an opinion piece ends by saying who wrote it: a news story's last "X er Y." is
    # about someone in it. The section's label right above the headline says so, not a
    # menu's "Debat" elsewhere on the page.
    kicker = blocks[title_at - 1].text.strip() if title_at and (title_at - 1) in removed else ""
    if kicker and blocks[title_at - 1].first_line in masthead_lines and not _KICKER_RE.fullmatch(kicker):
        # In a page top copied without blank lines, a menu's last item ("Debat") may stand
        # right above the headline: only a label in capitals ("KRONIK") is the section's.
        kicker = ""
    opinion = (
        _OPINION_RE.match(parts.title) is not None
        or (len(kicker.split()) <= 3 and _OPINION_RE.match(kicker) is not None)
        or "opinion-disclaimer" in removed.values()
    )
    if about and opinion and (not known or any(name in known for name in about[0])):
        # "Mads Bilstrup er formand for Dansk Socialrådgiverforening." under an op-ed: who
        # wrote it (the byline's author, or the only one named), not its last argument.
        _add_author_line(parts, about, known, f"{source}:{good[-1].first_line}", "closing author line")
        good = good[:-1]
    elif opinion and (presenting := _presenting_line(kept, good)):
        # "Anna Svensson är socionom och arbetar i Göteborg." between an op-ed's headline and
        # its text, as debate pages present the writer: who wrote it (the line had gone as
        # boilerplate, or opened the text, and the page had no author).
        block, said = presenting
        if not known or any(name in known for name in said[0]):
            _add_author_line(parts, said, known, f"{source}:{block.first_line}", "presenting line")
            if block in good:
                good = good[1:]
            else:
                classes[next(k for k, b in enumerate(kept) if b is block)] = "presenting"
    if len(good) > 1 and (signature := _signature_paragraph(good[-1], furn, opinion)):
        # An op-ed's signers, one "Name, title" line each, that jusText kept as the last
        # paragraph (DN Debatt prints them so): read below as the signature they are.
        classes[next(k for k, b in enumerate(kept) if b is signature)] = "signature"
        good = good[:-1]
    last_good_line = max((b.first_line for b in good), default=0)
    for b, c in zip(kept, classes, strict=True):
        if c not in ("good", "presenting"):
            if b.first_line > last_good_line:
                # An op-ed signed by several, one "Name, title" line each.
                closings = [_match_byline(Block([line], b.first_line), furn, kinds=("closing",)) for line in b.lines]
                if not all(closings) and (signed := _signed_block(b)):
                    # A letter's signature: the name, then its title and town a line each.
                    closings = [signed]
                if closings and all(closings):
                    bylined = bool(parts.authors)
                    for closing in closings:
                        name, pattern_name = closing.names[0], closing.pattern
                        _add_author(parts.authors, name, closing.description)
                        parts.notes.append(
                            Note(
                                where=f"{source}:{b.first_line}",
                                kind="metadata",
                                message=f"author from {pattern_name}: {name}",
                            )
                        )
                    if not bylined:
                        parts.author_source = f"closing signature at {source}:{b.first_line}"
                    continue
            parts.notes.append(
                Note(
                    where=f"{source}:{b.first_line}",
                    kind="removed",
                    message=f"boilerplate (jusText: {c}): {preview(b.text)}",
                )
            )
    for k, reason in sorted(removed.items()):
        parts.notes.append(
            Note(
                where=f"{source}:{blocks[k].first_line}",
                kind="removed",
                message=f"{reason}: {preview(blocks[k].text)}",
            )
        )

    paragraphs = []
    for b in good:
        # A hyphen opening a paragraph's line is a list's bullet only in a list (two lines
        # or more that open so): alone it is the dash Danish news prints before a quotation
        # ("- Vi har mistet for mange dygtige folk, siger rådmanden."), kept as printed.
        listed = sum(bool(BULLET_RE.match(line)) for line in b.lines) >= 2
        text = "\n".join(
            BULLET_RE.sub("• ", line) if listed or not line.lstrip().startswith("-") else line for line in b.lines
        )
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


# What marks a page as an opinion piece: its section's label ("KRONIK", "Debat") or a
# headline that names it ("Læserbrev: ...").
_OPINION_RE = re.compile(
    r"(?i)(?:debat|debatt|kronik|krönika|leder|ledare|kommentar|klumme|kolumn|debatindlæg|debattinlägg|"
    r"læserbrev|insändare|opinion|synspunkt|replik|analyse|analys|essay|essä)\b"
)
# The line under an op-ed that says who wrote it: "Mads Bilstrup er formand for Dansk
# Socialrådgiverforening.", "Anna Berg och Lisa Holm är socionomer i Malmö stad."
_NAME = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}}"
_AUTHOR_LINE_RE = re.compile(
    rf"(?P<names>{_NAME}(?:(?:,\s+|\s+(?:og|och|and)\s+){_NAME})*)\s+(?:er|är|var|is)\s+"
    # What a person is, not how they are or what they did ("... er ikke vendt tilbage").
    r"(?!(?:ikke|inte|ej|not|enig|enige|uenig|uenige|glad|glade|ked|vred|bekymret|orolig|overrasket|förvånad|"
    r"klar|sikker|säker|også|också|nu|fortsat|fortfarande|stadig|blevet|blivit|gået|gått|kommet|vendt)\b)"
    # An abbreviation's dots ("ph.d.-studerende") are no sentence's end.
    r"(?P<description>(?:[^.!?]|\.(?=[\w-])){3,160}?)\.?"
)


# What Facebook prints after a post's time: "·" and the audience's icon (a picture).
class _PostHeader(NamedTuple):
    name: str
    iso: str | None  # the time as ISO 8601, where it reads as one
    printed: str  # the time as printed
    text: list[str]  # the text's lines in the header's block
    description: str | None  # who the author is, as LinkedIn prints it under the name
    text_at: int  # the block's line the text starts on


# Facebook's "14. marts kl. 10:14 · "; LinkedIn's "1 d. • Redigeret • 🌐".
_POST_TIME_RE = re.compile(
    r"(?P<when>[^·•]+?)\s*[·•]\s*(?:(?i:redigeret|redigerad|redigert|edited)\s*[·•]?\s*)?(?:[🌐🌍🌎🌏]\uFE0F?\s*)?"
)
# A post's counts under its text and buttons ("23", "5 kommentarer", "2 delinger").
_POST_COUNT_RE = re.compile(
    r"(?i)\d+(?:\s+(?:kommentarer|kommentar|delinger|deling|delningar|delning|comments|shares))?"
)


def _post_header(block: Block, furn: Furniture) -> _PostHeader | None:
    """A social media post copied as text, as its page's first block: the author's name,
    on LinkedIn a line that says who they are, the time followed by "·" or "•" (a date
    without its year, or relative, is unread), then the post's text (in the block or the
    next); the buttons and counts under the text are dropped.
    None for any other block."""
    lines = [line.strip() for line in block.lines]
    # The text may follow in the same block or, after a blank line, in the next.
    at = 1 if len(lines) >= 2 and _POST_TIME_RE.fullmatch(lines[1]) else 2
    if len(lines) <= at or not (m := _POST_TIME_RE.fullmatch(lines[at])):
        return None
    name, when = lines[0], m["when"].strip()
    description = lines[1] if at == 2 else None
    if not 1 <= len(name.split()) <= 6 or name[-1:] in ".!?:" or not name[:1].isupper():
        return None
    if description is not None and (len(description.split()) > 12 or description[-1:] in ".!?"):
        return None
    # LinkedIn abbreviates with a full stop: "1 d.", "20 t.".
    relative = furn.relative_date.fullmatch(when) or furn.relative_date.fullmatch(when.rstrip("."))
    iso = _date_in(when, furn.slash_order) if not relative else None
    if iso is None and not (yearless_date(when) or relative):
        return None
    rest = lines[at + 1 :]
    while rest and (furn.comment_action.fullmatch(rest[-1]) or _POST_COUNT_RE.fullmatch(rest[-1])):
        rest.pop()
    return _PostHeader(name, iso, when, rest, description, at + 1)


def _signed_block(block: Block) -> Byline | None:
    """A reader's letter's signature under its text: a name of two to four capitalised
    words, then one or two short lines that say who they are ("Socialrådgiver", "Viby J")."""
    lines = [line.strip() for line in block.lines]
    # "/Anna Berg", "– Anna Berg", "ANNA BERG": as letters and columns sign.
    name = _as_printed_name(_SIGNATURE_MARK_RE.sub("", lines[0]))
    if not 2 <= len(lines) <= 3 or not re.fullmatch(_NAME, name):
        return None
    rest = lines[1:]
    if any(len(line.split()) > 6 or line[-1:] in ".!?:" or not line[:1].isalpha() for line in rest):
        return None
    return Byline("closing", (name,), ", ".join(rest), "closing-signature")


_SIGNATURE_MARK_RE = re.compile(r"^[/–—-]\s*")


def _signature_paragraph(block: Block, furn: Furniture, opinion: bool) -> Block | None:
    """`block` where each of its lines is a closing signature ("Anna Lindqvist,
    socialsekreterare, Vision"): two lines or more, or one on an opinion page."""
    if not (len(block.lines) >= 2 or opinion):
        return None
    lines = [Block([line], block.first_line) for line in block.lines]
    return block if all(_match_byline(b, furn, kinds=("closing",)) for b in lines) else None


def _add_author_line(
    parts: ArticleParts, said: tuple[tuple[str, ...], str], known: dict[str, int], where: str, what: str
) -> None:
    """The authors an op-ed's line about its writer names (the byline's, where it named
    any), with the line's description."""
    names, description = said
    for name in names:
        if name in known or not known:
            _add_author(parts.authors, name, description)
    if not known:
        parts.author_source = f"{what} at {where}"
    parts.notes.append(Note(where=where, kind="metadata", message=f"author from {what}: {' og '.join(names)}"))


def _presenting_line(kept: list[Block], good: list[Block]) -> tuple[Block, tuple[tuple[str, ...], str]] | None:
    """The line above an op-ed's text that says who wrote it, where it is the first kept
    block (before the text, or the text's first paragraph with more text under it)."""
    if len(good) < 2 or not kept:
        return None
    first = kept[0]
    said = _author_line(first)
    return (first, said) if said is not None and (first is good[0] or first not in good) else None


def _author_line(block: Block) -> tuple[tuple[str, ...], str] | None:
    """The names and the description a closing author line gives, if `block` is one."""
    if len(block.lines) != 1 or len(block.lines[0].split()) > 30:
        return None
    m = _AUTHOR_LINE_RE.fullmatch(block.lines[0].strip())
    if m is None:
        return None
    names = tuple(n.strip() for n in re.split(r",\s+|\s+(?:og|och|and)\s+", m["names"]))
    return names, m["description"].strip()


def _line_of(where: str) -> int:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def preview(text: str, n: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


class Byline(NamedTuple):
    kind: str  # "author", "publisher" or "closing"
    names: tuple[str, ...]
    description: str | None
    pattern: str
    date: str | None = None


# Between the names of a byline's several authors ("Karen Holm og Jens Bo").
_JOINED_NAMES_RE = re.compile(r"\s+(?:og|och|and|&)\s+")


def _date_in(text: str, slash_order: str | None = None) -> str | None:
    """The date `text` is (dates with slashes in `slash_order`, a weekday before any date
    allowed), or the first date named in it."""
    if iso := line_date(text, slash_order):
        return iso
    if slash_order and (read := read_date(text[weekday_lead(text) :], slash_order)) and read[1] not in NUMBER_FORMS:
        return read[0]
    found = find_named_date(text)
    return found[0] if found else None


_TRAILING_TITLE_RE = re.compile(
    r"\s\w*(?:[Jj]ournalist|[Rr]edaktør|[Rr]edaktör|[Rr]eport(?:er|rar|rarna)|[Kk]orrespondent|[Ff]otograf|[Ss]kribent|[Kk]ommentator|"
    r"[Aa]nalytiker|[Kk]rönikör|[Kk]lummeskribent|[Pp]raktikant)(?:er|e|ar|na|erne)?\Z"
)


def _as_printed_name(name: str) -> str:
    """A name a byline prints in capitals ("AV ANNA BERG") as it is written: "Anna Berg"."""
    return name.title() if name.isupper() and len(name) > 3 else name


# What may follow a byline's title after a comma: a town or an address ("Viborg", "8000
# Aarhus C", "Socialdemokratiet i Viborg"), a few words opening with a capital or a postcode;
# a clause ("Af Karen Holm, der skrev det, og ...") opens in lower case.
_TOWN_RE = re.compile(r"(?:\d{3}\s?\d{0,2}\s+)?[A-ZÆØÅÄÖÉ][\wæøåäöé.-]*(?:\s+[\wæøåäöé.-]+){0,5}")


def _match_byline(
    block: Block, furn: Furniture, kinds: tuple[str, ...], before_body: bool = False, beside_date: bool = False
) -> Byline | None:
    for name, kind, pat in furn.bylines:
        if kind not in kinds:
            continue
        needs = furn.byline_needs.get(name)
        if needs == "beside_date" and not (before_body and beside_date and len(block.lines) == 1):
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
            and not any(furniture_line(line, furn) for line in block.lines)
        ):
            continue
        groups = m.groupdict()
        desc = groups.get("description")
        if (
            kind == "author"
            and desc is None
            and len(block.lines) > 1
            and not _marker_line(block.lines[1], furn)
            and not _CONTACT_RE.fullmatch(block.lines[1])
        ):
            # The line under the name is its title, unless it is furniture ("Foto: Colourbox")
            # or the writer's e-mail address.
            desc = block.lines[1]
        if kind == "closing" and len(block.lines) > 1:
            continue
        desc = desc.strip() if desc else None
        # A byline's date follows its names, or stands where a description would ("Af Karen
        # Holm, 14. marts 2024"); what follows a separator and is no date describes the author.
        date = _date_in(desc, furn.slash_order) if desc else None
        if date:
            desc = None
        if (dateline := (groups.get("dateline") or "").strip()) and _CONTACT_RE.fullmatch(dateline):
            pass  # "Af Anna Berg | anbe@avisen.dk": her e-mail address, not what she is
        elif dateline:
            if found := _date_in(dateline, furn.slash_order):
                date = date or found
            elif (sep := (groups.get("sep") or "").strip()) == "" and SLASHED_DATE_RE.search(dateline):
                pass  # a date with slashes that reads two ways: the names stand, the date is unread
            elif sep == "," and desc and _TOWN_RE.fullmatch(dateline):
                # "Af Jonna Madsen, pensioneret socialrådgiver, Viborg": title and town; "Af
                # Jens Hansen, Skolevej 4, 8000 Aarhus C": a reader's letter's address.
                desc = f"{desc}, {dateline}"
            elif sep in (",", ""):
                # After a comma or a space ("Af Karen Holm søn, 10/03/2024"), only a date.
                continue
            else:
                desc = f"{desc}, {dateline}" if desc else dateline
        if date is None and kind != "closing":
            # "Af Karen Holm, formand for lokalafdelingen" over a line of its own with the date.
            date = next((iso for line in block.lines[1:] if (iso := line_date(line, furn.slash_order))), None)
        # A name and a date below the text is a comment's header, not the article's byline.
        if needs == "date_required" and (date is None or not before_body):
            continue
        if party := (groups.get("party") or "").strip():
            # "Av Anna Berg (S), kommunalråd i Malmö": the party describes her too.
            desc = f"{desc} {party}" if desc else party
        names = tuple(_as_printed_name(n.strip()) for n in _JOINED_NAMES_RE.split(m.group("name").strip()))
        if (title := _TRAILING_TITLE_RE.search(names[-1])) and title.start() > 0 and desc is None:
            # "Af Karen Holm Journalist": the byline's spans run together in a saved page;
            # a newsroom's title is no part of a name.
            names, desc = (*names[:-1], names[-1][: title.start()].strip()), title.group(0).strip()
        return Byline(kind, names, desc, name, date)
    return None
