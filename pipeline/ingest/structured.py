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
from dataclasses import dataclass, replace

from lxml import etree
from lxml import html as lxml_html

from pipeline.core.schema import Note
from pipeline.ingest.comments import nest_by_indent
from pipeline.ingest.dates import normalize_iso
from pipeline.ingest.forum import REPLY_PREFIX_RE
from pipeline.ingest.markup import html_text, looks_like_html
from pipeline.ingest.metadata import ld_objects, schema_types
from pipeline.ingest.pages import RawComment

# The types that open a discussion: a forum's or a social network's post, or an article,
# a blog post, a review, a question. Comments hang under any of them.
_OPENING_TYPES = re.compile(r"(?i)posting|article|report|opinion|review|question|creativework")
# The types whose stated text is the post's whole text: a forum's or a social network's
# post that states none is a link post (a title and a shared address), not a post whose
# text the printed page holds, as an article's data may leave it to.
POSTING_TYPES = frozenset(("DiscussionForumPosting", "SocialMediaPosting"))
# Properties whose value is a post's own words: read with their paragraphs, not as one line.
_TEXT_PROPS = frozenset(("text", "articlebody"))
# A microdata item nested deeper than this is read as text: no thread is that deep, and
# reading it as an item would recurse as deep as the page's markup goes.
_MAX_DEPTH = 200


@dataclass(frozen=True)
class StatedPost:
    """One post as the page states it. `parent`: the index, in `StatedThread.comments`, of
    the comment it is nested in (None: a comment on the opening post, or the opening post)."""

    author: str | None
    created: str | None
    title: str
    text: str
    position: int | None = None
    deleted: bool = False
    parent: int | None = None
    shared: str | None = None  # the address a link post shares


@dataclass(frozen=True)
class StatedThread:
    """The opening post and its comments in the order the page states them (each nested
    reply right after what it answers, as the page shows them), where they were read
    (`JSON-LD` or `microdata`) and the opening post's schema.org type."""

    opening: StatedPost
    comments: tuple[StatedPost, ...]
    source: str
    kind: str


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
        return html_text(etree.tostring(el, encoding="unicode", with_tail=False))
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


def _author(obj: dict) -> str | None:
    for value in _all(obj, "author", "creator"):
        name = _first_text(value, "name", "alternateName") if isinstance(value, dict) else value
        if isinstance(name, str) and name.strip() and not name.strip().lower().startswith(("http://", "https://")):
            return " ".join(name.split())
    return None


def _words(value: str) -> str:
    """A post's text: JSON-LD may carry it as HTML; paragraphs kept, spaces collapsed."""
    if looks_like_html(value):
        value = html_text(value)
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _post(obj: dict, parent: int | None = None) -> StatedPost:
    status = " ".join(str(v) for v in _all(obj, "creativeWorkStatus")).lower()
    position = _first_text(obj, "position")
    if not position:
        position = next((str(v) for v in _all(obj, "position") if isinstance(v, int)), "")
    return StatedPost(
        author=_author(obj),
        created=normalize_iso(_first_text(obj, "datePublished", "dateCreated", "uploadDate")),
        title=" ".join(_first_text(obj, "headline", "name").split()),
        text=_words(_first_text(obj, "text", "articleBody")),
        position=int(position) if position.strip().isdecimal() and position.strip().isascii() else None,
        deleted="deleted" in status,
        parent=parent,
        shared=next(
            (u for v in _all(obj, "sharedContent") if (u := _first_text(v, "url") if isinstance(v, dict) else v)), None
        ),
    )


def _comments(opening: dict) -> list[StatedPost]:
    """The comments under `opening`, each nested reply right after the comment it answers
    (walked with a stack, so a deep thread cannot exhaust Python's). A site that lists its
    comments flat may name each one's parent instead (`parentItem`: an earlier comment's
    `@id` or `url`)."""
    out: list[StatedPost] = []
    named: dict[str, int] = {}  # a comment's @id or url -> its index
    stack = [(c, None) for c in reversed(_all(opening, "comment")) if isinstance(c, dict)]
    while stack:
        obj, parent = stack.pop()
        if parent is None:
            refs = (r.get("@id") or r.get("url") if isinstance(r, dict) else r for r in _all(obj, "parentItem"))
            parent = next((named[r] for r in refs if isinstance(r, str) and r in named), None)
        here = len(out)
        out.append(_post(obj, parent))
        for key in ("@id", "url"):
            if isinstance(ref := obj.get(key), str) and ref:
                named.setdefault(ref, here)
        stack.extend((c, here) for c in reversed(_all(obj, "comment")) if isinstance(c, dict))
    return out


def stated_thread(page: str) -> StatedThread | None:
    """The discussion an HTML page (the whole document as text) states in schema.org
    structured data: the opening item that states the most comments with words in them
    (JSON-LD before microdata where they state as many), or None where none does."""
    try:
        root = lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return None
    microdata = list(_microdata_items(root))
    found = [(o, "JSON-LD") for o in ld_objects(root)] + [(item, "microdata") for _, item in microdata]
    openings = [(o, source) for o, source in found if any(_OPENING_TYPES.search(k) for k in schema_types(o))]
    candidates = [StatedThread(_post(o), tuple(_comments(o)), source, _kind(o)) for o, source in openings]
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


def first_as_opening(thread: StatedThread) -> StatedThread:
    """`thread` with its first comment as the opening post and the others as its comments:
    for a forum that marks up every post as a `Comment` (Invision), whose first post opens
    the thread, where the page holds no post around them and prints no text above them."""
    first, *rest = thread.comments

    def shifted(parent: int | None) -> int | None:
        return None if parent is None or parent == 0 else parent - 1

    comments = tuple(replace(c, parent=shifted(c.parent)) for c in rest)
    return replace(thread, opening=replace(first, title=first.title or thread.opening.title), comments=comments)


def _line_of(lines: list[str], text: str, start: int) -> int | None:
    """The index of the first line at or after `start` that shows the start of `text`
    (None where the printed page does not show it: a script's data only)."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")[:60]
    if first:
        for i in range(start, len(lines)):
            if first in lines[i]:
                return i
    return None


def comments_start(lines: list[str], thread: StatedThread) -> int:
    """Where the printed page's comments begin: the line of the first comment's author's
    name just above its text (its header), else its text's first line; the page's end where
    the page does not print it. What is above is the article."""
    first = thread.comments[0] if thread.comments else None
    at = _line_of(lines, first.text, 0) if first is not None else None
    if first is None or at is None:
        return len(lines)
    if first.author:
        for i in range(at - 1, max(at - 9, -1), -1):
            if first.author in lines[i]:
                return i
    return at


def later_page(thread: StatedThread) -> int | None:
    """The position of the first comment where the page is a later page of a forum thread
    (its comments start after #2 and the opening post states no author, date or text: it
    is on the first page); None otherwise."""
    first = thread.opening
    positions = [c.position for c in thread.comments if c.position is not None]
    if first.author or first.created or first.text or not positions or min(positions) <= 2:
        return None
    return min(positions)


def _indented_where_not_stated(
    comments: list[RawComment], lines: list[str], shown: list[int | None]
) -> list[RawComment]:
    """`comments` with those the data does not nest under another answering the nearest
    comment above them that the printed page indents less, where it indents them by
    different amounts (a blog theme marks up each comment, and threads them only by the
    lists it nests them in). Read only where every comment's text was found, in order."""
    found = [i for i in shown if i is not None]
    if len(found) < len(comments) or found != sorted(set(found)):
        return comments
    indents = [len(lines[i]) - len(lines[i].lstrip()) for i in found]
    by_layout = nest_by_indent(comments, indents)
    return [c if c.indented_under is not None else laid for c, laid in zip(comments, by_layout, strict=True)]


def raw_comments(
    lines: list[str], thread: StatedThread, title: str, source: str, first_line: int = 1
) -> tuple[list[RawComment], list[int] | None, list[Note]]:
    """The stated comments as the page parser's comments, each at the line where the printed
    page shows its text; the forum's numbers where every comment states a distinct position
    (else None), and notes on what was read."""
    notes: list[Note] = []
    out: list[RawComment] = []
    at = comments_start(lines, thread)
    at = 0 if at >= len(lines) else at
    same = REPLY_PREFIX_RE.sub("", " ".join(title.split())).casefold()
    deleted = 0
    shown: list[int | None] = []  # the line each comment's text is on
    for c in thread.comments:
        found = _line_of(lines, c.text, at)
        shown.append(found)
        at = at if found is None else found
        own_title = c.title if REPLY_PREFIX_RE.sub("", c.title).casefold() != same else ""
        if c.deleted:
            deleted += 1
        out.append(
            RawComment(
                line=first_line + at,
                date=c.created,
                date_raw=c.created or "",
                author=c.author,
                description=None,
                title=own_title,
                body="" if c.deleted else c.text,
                indented_under=c.parent,
                stated_in=thread.source if c.parent is not None else None,
            )
        )
    out = _indented_where_not_stated(out, lines, shown)
    positions = [c.position for c in thread.comments]
    numbers = None
    if all(p is not None and p >= 1 for p in positions) and len(set(positions)) == len(positions):
        # A forum numbers its opening post #1 and the replies from #2; a comment's number
        # then keeps its id when pages of the thread are added later, as for forums read
        # from the printed page.
        offset = 1 if min(positions) >= 2 else 0  # type: ignore[type-var]
        numbers = [p - offset for p in positions]  # type: ignore[operator]
    notes.append(
        Note(
            where=source,
            kind="metadata",
            message=f"{len(out)} comment(s) read from the page's {thread.source} "
            f"(schema.org {thread.kind or 'Comment'}): authors, dates and texts as the site states them",
        )
    )
    if deleted:
        notes.append(
            Note(
                where=source,
                kind="repaired",
                message=f"{deleted} comment(s) the page states as deleted (creativeWorkStatus) read with empty text",
            )
        )
    return out, numbers, notes
