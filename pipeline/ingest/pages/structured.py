"""A discussion that a page states in schema.org structured data, as JSON-LD or microdata.

Search engines ask forums to describe a thread as a `DiscussionForumPosting` (or a
`SocialMediaPosting`, or an article with comments) whose `comment`s are its posts, each a
`Comment` with its `author`, `datePublished` and `text`, a reply nested in the `comment` of
the post it answers. Discourse and Invision boards print it as microdata around the posts;
other boards and some news sites put it in a JSON-LD script. Where a saved page states its
posts so, ingest reads them from there rather than from the printed page: each post's
author and date as the site states them, not as a layout pattern guesses them, and its
parent where the site nests it.

Written on lxml by hand: extruct reads both forms but brings rdflib and a microformats
parser along, for the few properties read here; `metadata` reads the page's head the same
way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from lxml import etree

from pipeline.ingest.dates import line_date, normalize_iso
from pipeline.ingest.pages.metadata import ld_objects, parse_document, schema_types
from pipeline.ingest.pages.saved.bluesky import bsky_thread
from pipeline.ingest.pages.saved.facebook import facebook_thread
from pipeline.ingest.pages.saved.flarum import flarum_thread
from pipeline.ingest.pages.saved.linkedin import linkedin_thread
from pipeline.ingest.pages.saved.mastodon import mastodon_thread
from pipeline.ingest.pages.saved.reddit import old_reddit_thread, reddit_thread
from pipeline.ingest.pages.saved.tiktok import tiktok_thread
from pipeline.ingest.pages.saved.x import x_thread
from pipeline.ingest.pages.saved.youtube import youtube_thread
from pipeline.ingest.pages.stated import StatedPost, StatedThread, element_words, post_words

# The types that open a discussion: a forum's or a social network's post, or an article,
# a blog post, a review, a question. Comments hang under any of them.
_OPENING_TYPES = re.compile(r"(?i)posting|article|report|opinion|review|question|creativework")
# Properties whose value is a post's own words: read with their paragraphs, not as one line.
_TEXT_PROPS = frozenset(("text", "articlebody"))
# A microdata item nested deeper than this is read as text: no thread is that deep, and
# reading it as an item would recurse as deep as the page's markup goes.
_MAX_DEPTH = 200


def _microdata_value(el: etree._Element, name: str) -> str:
    """A microdata property's value, as the HTML standard reads it from each element."""
    tag = el.tag if isinstance(el.tag, str) else ""
    for attr, tags in (
        ("content", None),
        ("datetime", ("time",)),
        ("href", ("a", "area", "link")),
        ("src", ("img", "audio", "video", "source", "embed", "iframe")),
        ("value", ("data", "meter")),
    ):
        if (tags is None or tag in tags) and el.get(attr) is not None:
            return el.get(attr) or ""
    if name in _TEXT_PROPS:
        return element_words(el)
    return " ".join(el.text_content().split())


def _microdata_item(el: etree._Element, depth: int = 0) -> dict:
    """An item's properties, as lists of values keyed by property name (nested items as
    dicts), the way JSON-LD states them; `@type` lists its types."""
    item: dict = {"@type": [t.rsplit("/", 1)[-1] for t in (el.get("itemtype") or "").split()]}
    stack = list(reversed(el))
    while stack:
        child = stack.pop()
        if not isinstance(child.tag, str):
            continue
        names = (child.get("itemprop") or "").split()
        nested = child.get("itemscope") is not None and depth < _MAX_DEPTH
        if names:
            value = _microdata_item(child, depth + 1) if nested else None
            for name in names:
                item.setdefault(name, []).append(value if nested else _microdata_value(child, name.lower()))
        if not nested:
            stack.extend(reversed(child))
    return item


def _microdata_items(root: etree._Element) -> Iterator[tuple[etree._Element, dict]]:
    """The page's top-level microdata items (those that are no other item's property), each
    with its element."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("itemscope") is not None and el.get("itemprop") is None:
            yield el, _microdata_item(el)


def _all(obj: dict, *names: str) -> list:
    """Every value of the first of `names` that `obj` states, as a list."""
    for name in names:
        value = obj.get(name)
        if value is not None:
            return value if isinstance(value, list) else [value]
    return []


def _first_text(obj: dict, *names: str) -> str:
    for value in _all(obj, *names):
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, dict):
            # JSON-LD may wrap a value: {"@value": "..."}.
            inner = value.get("@value")
            if isinstance(inner, str) and inner.strip():
                return inner
    return ""


def _author(obj: dict) -> tuple[str | None, str | None]:
    """The post's author's name, and what the data says they are (a Person's `jobTitle`,
    `description`, or the name of their `affiliation`: "Socialrådgiver", "Dansk
    Socialrådgiverforening"), which the role rules read as a self-description."""
    for value in _all(obj, "author", "creator"):
        name = _first_text(value, "name", "alternateName") if isinstance(value, dict) else value
        if isinstance(name, str) and name.strip() and not name.strip().lower().startswith(("http://", "https://")):
            said = []
            if isinstance(value, dict):
                said = [_first_text(value, "jobTitle"), _first_text(value, "description")]
                said += [_first_text(a, "name") if isinstance(a, dict) else a for a in _all(value, "affiliation")]
            described = "; ".join(dict.fromkeys(" ".join(d.split()) for d in said if isinstance(d, str) and d.strip()))
            return " ".join(name.split()), described or None
    return None, None


def _post(obj: dict, parent: int | None = None) -> StatedPost:
    author, description = _author(obj)
    # ISO 8601 as schema.org asks, else a date as the page prints it ("14.03.2024 09:12": a
    # microdata <time> with no datetime attribute gives its text).
    stamp = _first_text(obj, "datePublished", "dateCreated", "uploadDate").strip()
    status = " ".join(str(v) for v in _all(obj, "creativeWorkStatus")).lower()
    position = _first_text(obj, "position")
    if not position:
        position = next((str(v) for v in _all(obj, "position") if isinstance(v, int)), "")
    return StatedPost(
        author=author,
        description=description,
        created=normalize_iso(stamp) or line_date(stamp),
        title=" ".join(_first_text(obj, "headline", "name").split()),
        text=post_words(_first_text(obj, "text", "articleBody")),
        position=int(position) if position.strip().isdecimal() and position.strip().isascii() else None,
        deleted="deleted" in status,
        parent=parent,
        shared=next(
            (u for v in _all(obj, "sharedContent") if (u := _first_text(v, "url") if isinstance(v, dict) else v)), None
        ),
    )


def _comments(opening: dict, nodes: dict[str, dict] | None = None) -> list[StatedPost]:
    """The comments under `opening`, each nested reply right after the comment it answers
    (walked with a stack, so a deep thread cannot exhaust Python's). A site that lists its
    comments flat may name each one's parent instead (`parentItem`: an earlier comment's
    `@id` or `url`). A JSON-LD `@graph` may give a comment as a reference (`{"@id": ...}`)
    to a node of its own (`nodes`, by @id); each node is read once, so references that
    loop end."""
    nodes = nodes or {}
    out: list[StatedPost] = []
    named: dict[str, int] = {}  # a comment's @id or url -> its index
    seen: set[int] = {id(opening)}

    def under(obj: dict) -> list[dict]:
        found = [
            nodes.get(c.get("@id"), c) if isinstance(c.get("@id"), str) else c
            for c in _all(obj, "comment")
            if isinstance(c, dict)
        ]
        return [c for c in found if id(c) not in seen]

    stack = [(c, None) for c in reversed(under(opening))]
    while stack:
        obj, parent = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if parent is None:
            refs = (r.get("@id") or r.get("url") if isinstance(r, dict) else r for r in _all(obj, "parentItem"))
            parent = next((named[r] for r in refs if isinstance(r, str) and r in named), None)
        here = len(out)
        out.append(_post(obj, parent))
        for key in ("@id", "url"):
            if isinstance(ref := obj.get(key), str) and ref:
                named.setdefault(ref, here)
        stack.extend((c, here) for c in reversed(under(obj)))
    return out


def stated_thread(page: str | etree._Element) -> StatedThread | None:
    """The discussion an HTML page (the whole document as text, or `parse_document`'s tree)
    states in schema.org structured data: the opening item that states the most comments
    with words in them (JSON-LD before microdata where they state as many), or None where
    none does."""
    root = parse_document(page)
    if root is None:
        return None
    microdata = list(_microdata_items(root))
    linked = list(ld_objects(root))
    # A node that states more than its @id is what a bare reference to that @id means.
    nodes = {o["@id"]: o for o in linked if isinstance(o.get("@id"), str) and len(o) > 1}
    found = [(o, "JSON-LD") for o in linked] + [(item, "microdata") for _, item in microdata]
    openings = [(o, source) for o, source in found if any(_OPENING_TYPES.search(k) for k in schema_types(o))]
    candidates = [
        StatedThread(_post(o), tuple(_comments(o, nodes if source == "JSON-LD" else None)), source, _kind(o))
        for o, source in openings
    ]
    reddit = (
        reddit_thread(root)
        or old_reddit_thread(root)
        or flarum_thread(root)
        or x_thread(root)
        or bsky_thread(root)
        or mastodon_thread(root)
        or youtube_thread(root)
        or facebook_thread(root)
        or linkedin_thread(root)
        or tiktok_thread(root)
    )
    if reddit is not None:
        # Reddit's (or Flarum's, X's, Bluesky's, Mastodon's, YouTube's, Facebook's, LinkedIn's, TikTok's) own
        # elements state the posts exactly:
        # first among readings that state as many comments.
        candidates.insert(0, reddit)
    orphans = _orphan_comments(microdata)
    if orphans:
        # Comments marked up on their own, not as an item's property (many blog themes):
        # the page's comments, under its opening item where it has one.
        opening, kind = (
            (_post(openings[0][0]), _kind(openings[0][0])) if openings else (StatedPost(None, None, "", ""), "")
        )
        candidates.append(StatedThread(opening, tuple(orphans), "microdata", kind))
    best: StatedThread | None = None
    for thread in candidates:
        said = _said(thread)
        if said and (best is None or said > _said(best)):
            best = thread
    return best


def _kind(obj: dict) -> str:
    return next(k for k in schema_types(obj) if _OPENING_TYPES.search(k))


def _said(thread: StatedThread) -> int:
    """How many of the thread's comments have words in them (or are stated as deleted)."""
    return sum(1 for c in thread.comments if c.text or c.deleted)


def _orphan_comments(items: list[tuple[etree._Element, dict]]) -> list[StatedPost]:
    """The page's top-level microdata `Comment`s in page order, each nested in the comment
    whose element holds its own (a theme that marks up each comment but no thread)."""
    at: dict[etree._Element, int] = {}  # a comment's element -> its index in `out`
    out: list[StatedPost] = []
    for el, item in items:
        if "Comment" not in schema_types(item):
            continue
        parent = next((at[a] for a in el.iterancestors() if a in at), None)
        at[el] = here = len(out)
        out.append(_post(item, parent))
        # A Comment's own nested replies (its `comment` property), right after it.
        nested = _comments(item)
        base = len(out)
        out.extend(replace(c, parent=here if c.parent is None else c.parent + base) for c in nested)
    return out
