"""The YAML front matter a web clipper writes above a page it saves as Markdown.

Obsidian's Web Clipper (and MarkDownload, Joplin and others with a template) saves a page
as Markdown under a block of YAML between `---` lines: the page's title, its address, its
authors (often as `[[Karen Holm]]` links), when it was published and when clipped. The
body under it often leaves the headline out. Markdown itself has no front matter: rendered
as it is, the block became the page's first lines (its title "title: ..."). It is read with
PyYAML and stated as the page's metadata, which ingest takes where the page's text says
nothing, as a page saved as HTML states its head.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import yaml

from pipeline.ingest.dates import read_date
from pipeline.ingest.pages.metadata import PageMetadata

# The block: `---` on the first line, the YAML, then `---` (or YAML's `...`) on a line of its own.
_FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# An Obsidian link around a name: "[[Karen Holm]]", "[[Karen Holm|Karen]]".
_WIKILINK_RE = re.compile(r"^\[\[(?:[^|\]]*\|)?(?P<name>[^\]]+)\]\]$")
_TITLE_KEYS = ("title", "headline")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_DATE_KEYS = ("published", "date", "datePublished", "published_time", "pubdate", "Published Time")
_SOURCE_KEYS = ("source", "url", "link", "original_url", "URL Source")


def split_front_matter(text: str) -> tuple[dict | None, str, int]:
    """(the front matter's fields, the page under it, how many lines the block took);
    (None, `text`, 0) where the page opens with no front matter, or with a block that is no
    YAML mapping naming a title, author, date or address (a page that opens with a rule
    is left as it is)."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return None, text, 0
    try:
        # BaseLoader keeps every scalar a string: YAML's own reading of dates, numbers and
        # nulls raised on a clipped page's "date: 2024-02-30" or a 5,000-digit title, and
        # the dates are read below as any page's are.
        fields = yaml.load(m["yaml"], Loader=yaml.BaseLoader)
    except (yaml.YAMLError, RecursionError):
        # RecursionError: a block nested thousands deep ("[[[[...").
        return None, text, 0
    # A mapping that names none of a page's fields is some other block set off by rules.
    if not isinstance(fields, dict) or not any(
        _first(fields, keys) for keys in (_TITLE_KEYS, _AUTHOR_KEYS, _DATE_KEYS, _SOURCE_KEYS)
    ):
        return None, text, 0
    return fields, text[m.end() :], m.group(0).count("\n")


# Jina's Reader (r.jina.ai), which researchers use to fetch pages as Markdown, writes a
# header of its own: "Title: ...", "URL Source: ...", "Published Time: ...", then
# "Markdown Content:" and the page.
_READER_HEAD_RE = re.compile(
    r"\A\ufeff?Title:[ \t]*(?P<title>[^\n]*)\r?\n(?:[ \t]*\r?\n)*URL Source:[ \t]*(?P<source>[^\n]*)\r?\n"
    r"(?P<more>(?:[ \t]*\r?\n|[A-Z][\w ]{1,40}:[^\n]*\r?\n)*?)Markdown Content:[ \t]*\r?\n"
)
_READER_FIELD_RE = re.compile(r"^(?P<key>[A-Z][\w ]{1,40}):[ \t]*(?P<value>.*?)[ \t]*$", re.MULTILINE)


def split_reader_header(text: str) -> tuple[dict | None, str]:
    """(the fields of Jina Reader's header by their names, "Title", "URL Source", "Published
    Time"; the Markdown under it); (None, `text`) for any other page."""
    m = _READER_HEAD_RE.match(text)
    if m is None:
        return None, text
    fields: dict[str, object] = {"Title": m["title"].strip(), "URL Source": m["source"].strip()}
    for f in _READER_FIELD_RE.finditer(m["more"]):
        fields[f["key"]] = f["value"]
    return fields, text[m.end() :]


# YAML's words for nothing, which BaseLoader leaves as strings.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


def _first(fields: dict, keys: tuple[str, ...]) -> tuple[str, object] | None:
    lowered = {str(k).lower(): (k, v) for k, v in fields.items()}
    for key in keys:
        value = lowered.get(key.lower(), (None, None))[1]
        if value is None or value == [] or (isinstance(value, str) and value.strip() in _NULLS):
            continue
        return lowered[key.lower()]
    return None


def _names(value: object) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    names = []
    for v in values:
        name = " ".join(str(v).split()) if isinstance(v, str | int) else ""
        if m := _WIKILINK_RE.match(name):
            name = m["name"].strip()
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _date(value: object) -> str | None:
    read = read_date(str(value)) if isinstance(value, str) else None
    return read[0] if read else None


def front_matter_metadata(fields: dict, where: str = "front matter") -> PageMetadata:
    """The headline, authors, publication date and site (the source address's host) the
    front matter (or Jina Reader's header, `where`) states, each with the key it came from."""
    title = _first(fields, _TITLE_KEYS)
    headline = " ".join(str(title[1]).split()) if title and isinstance(title[1], str | int) else ""
    author = _first(fields, _AUTHOR_KEYS)
    names = _names(author[1]) if author else ()
    when = _first(fields, _DATE_KEYS)
    published = _date(when[1]) if when else None
    source = _first(fields, _SOURCE_KEYS)
    host = urlsplit(str(source[1])).hostname if source and isinstance(source[1], str) else None
    named = _first(fields, ("sitename", "site_name", "site"))
    if named and isinstance(named[1], str) and named[1].strip():
        # The site's own name (trafilatura's sitename) before its address's host.
        source, host = named, named[1].strip()
    return PageMetadata(
        headlines=(headline,) if headline else (),
        headline=(headline, f"{where} {title[0]}") if headline and title else None,
        authors=(names, f"{where} {author[0]}") if names and author else None,
        published=(published, f"{where} {when[0]}") if published and when else None,
        site=(host.removeprefix("www.") if host.startswith("www.") else host, f"{where} {source[0]}")
        if host and source
        else None,
    )


# MarkDownload's default template puts the page's description under the headline as a
# quotation headed "Excerpt" ("> ## Excerpt" / "> Flere kommuner ..."), then a rule: the
# lead again, or a summary no one wrote in the text.
_EXCERPT_RE = re.compile(r"^>[ \t]*#{1,6}[ \t]*Excerpt[ \t]*\r?\n(?:>.*(?:\r?\n|\Z))*", re.MULTILINE)
EXCERPT_LINES = 40


def without_excerpt(text: str) -> tuple[str, bool]:
    """`text` without the "Excerpt" quotation MarkDownload writes near the top (in its
    first `EXCERPT_LINES` lines), and whether there was one."""
    m = _EXCERPT_RE.search(text)
    if m is None or text.count("\n", 0, m.start()) >= EXCERPT_LINES:
        return text, False
    return text[: m.start()] + text[m.end() :], True
