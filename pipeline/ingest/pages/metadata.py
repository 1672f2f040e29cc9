"""What a page saved as HTML says about itself in its head: the headline, the author, the
publication date and the site, from Open Graph and article meta tags, schema.org JSON-LD,
`<h1>` and `<title>`.

A news page prints its byline and date in a form every site varies ("Af Karen Holm,
journalist · 14. marts 2024 kl. 08.30", a date in an icon's tooltip, none at all), but its
head states them in the few fixed vocabularies that search engines and social media read.
Ingest reads the printed page first and takes these where it found nothing. Written on lxml
by hand: the libraries that read them (extruct, trafilatura's metadata) bring rdflib or
dateparser and a date guesser along for these few fields.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from pipeline.ingest.dates import normalize_iso

_SPACE_RE = re.compile(r"\s+")
# Meta tags naming the page's headline, author and publication time, most specific first.
_TITLE_META = ("og:title", "twitter:title")
_AUTHOR_META = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author")
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dc.date",
    "date",
    "parsely-pub-date",
)
# schema.org types whose JSON-LD describes the article itself.
_ARTICLE_TYPES = re.compile(r"(?i)article|posting|blogposting|report|opinion|review")


@dataclass(frozen=True)
class PageMetadata:
    """What the head says: every headline it gives (`<title>`'s with the site's name after it),
    and the headline, authors, publication date (ISO 8601) and site name, each with where it
    was found (e.g. "meta article:published_time")."""

    headlines: tuple[str, ...] = ()
    headline: tuple[str, str] | None = None
    authors: tuple[tuple[str, ...], str] | None = None
    published: tuple[str, str] | None = None
    site: tuple[str, str] | None = None


def _flat(value: str) -> str:
    return _SPACE_RE.sub(" ", value).strip()


def _metas(root) -> dict[str, str]:
    """Meta tags by lower-cased name or property; the first of each name wins."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = _flat(el.get("content") or "")
        if key and content and key not in out:
            out[key] = content
    return out


def ld_objects(root) -> Iterator[dict]:
    """Every JSON-LD object of the page, `@graph` members included; unreadable blocks are skipped
    (a page's broken script is no reason to refuse the page)."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        # A deque: a forum page's @graph may list thousands of posts, and list.pop(0) is linear.
        stack = deque(data if isinstance(data, list) else [data])
        while stack:
            item = stack.popleft()
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _names(value) -> tuple[str, ...]:
    """The people a JSON-LD author or a meta tag names: a name, an object with a name, or a
    list of them (not lists of lists: a page's JSON may nest as deep as it likes). An
    address (article:author is often the author's page) names no one."""
    names = []
    for item in value if isinstance(value, list) else [value]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and _flat(name) and not name.strip().lower().startswith(("http://", "https://")):
            names.append(_flat(name))
    return tuple(dict.fromkeys(names))


def schema_types(obj: dict) -> list[str]:
    """The schema.org types a JSON-LD object (or a microdata item read as one) states."""
    kinds = obj.get("@type")
    return [k for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)]


def _is_article(obj: dict) -> bool:
    return any(_ARTICLE_TYPES.search(k) for k in schema_types(obj))


def parse_document(page: str | etree._Element) -> etree._Element | None:
    """An HTML page (the whole document as text) as an element tree, which each reader of a
    saved page reads (it is passed on as it is); None where it has no element at all (a page
    of whitespace or comments)."""
    if not isinstance(page, str):
        return page
    try:
        return lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return None


def page_metadata(page: str | etree._Element) -> PageMetadata:
    """The head's headline candidates, author, publication date (ISO 8601) and site name of an
    HTML page (the whole document as text, or `parse_document`'s tree)."""
    root = parse_document(page)
    if root is None:
        return PageMetadata()
    metas = _metas(root)
    articles = [o for o in ld_objects(root) if _is_article(o)]
    named = [(metas[k], f"meta {k}") for k in _TITLE_META if k in metas]
    named += [(_flat(h), "JSON-LD headline") for o in articles if isinstance(h := o.get("headline"), str) and _flat(h)]
    named += [(t, "<h1>") for el in root.iter("h1") if (t := _flat(el.text_content()))]
    headlines = [h for h, _ in named]
    title = root.find(".//title")
    if title is not None and title.text and _flat(title.text):
        headlines.append(_flat(title.text))

    authors = next(((n, f"meta {k}") for k in _AUTHOR_META if k in metas and (n := _names(metas[k]))), None)
    if authors is None:
        authors = next(((n, "JSON-LD author") for o in articles if (n := _names(o.get("author")))), None)

    published = next(((iso, f"meta {k}") for k in _DATE_META if k in metas and (iso := normalize_iso(metas[k]))), None)
    if published is None:
        published = next(
            (
                (iso, "JSON-LD datePublished")
                for o in articles
                if isinstance(d := o.get("datePublished"), str) and (iso := normalize_iso(d))
            ),
            None,
        )
    if authors is None or published is None:
        rdfa_authors, rdfa_date = _rdfa_document(root)
        authors = authors or rdfa_authors
        published = published or rdfa_date
    site = (metas["og:site_name"], "meta og:site_name") if "og:site_name" in metas else None
    return PageMetadata(tuple(dict.fromkeys(headlines)), named[0] if named else None, authors, published, site)


def _rdfa_document(root: etree._Element) -> tuple[tuple[tuple[str, ...], str] | None, tuple[str, str] | None]:
    """The author and date a page's RDFa states for the page itself (Drupal 7 marks up its
    byline so: `rel="sioc:has_creator"` around the author's `property="foaf:name"`, the date
    in `property="dc:created" content=...`), not for a comment (`sioct:Comment`)."""
    authors = published = None
    for el in root.xpath("//*[@property or @rel]"):
        if any("comment" in (a.get("typeof") or "").lower() for a in el.iterancestors()):
            continue
        named = f" {el.get('property') or ''} ".lower()
        if published is None and (" dc:created " in named or " dc:date " in named):
            if iso := normalize_iso(el.get("content") or ""):
                published = (iso, "RDFa dc:created")
        if authors is None and "sioc:has_creator" in (el.get("rel") or "").lower():
            found = el.xpath(".//*[contains(concat(' ', @property, ' '), ' foaf:name ')]")
            if found and (name := _flat(found[0].text_content())):
                authors = ((name,), "RDFa sioc:has_creator")
        if authors is not None and published is not None:
            break
    return authors, published


# What sites put between a headline and their name in <title> ("Krisen | Avisen", "Krisen - DR").
_TITLE_TAIL_RE = re.compile(r"\s+[|·•–—:-]\s+\S")


def names_headline(line: str, headlines: tuple[str, ...]) -> bool:
    """Whether `line` is one of the page's `headlines`, or one of them with the site's name after it."""
    line = _flat(line)
    return bool(line) and any(
        h == line or (h.startswith(line) and _TITLE_TAIL_RE.match(h, len(line))) for h in headlines
    )
