"""A discussion a saved page states as data, beside what it prints: the posts as that data
states them (`structured` reads schema.org JSON-LD and microdata, `saved.reddit` Reddit's
page elements), and how they become the page parser's comments, placed on the lines of the
printed page that show them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from lxml import etree

from pipeline.core.schema import Note
from pipeline.ingest.markup import html_text, looks_like_html
from pipeline.ingest.pages.article import RawComment
from pipeline.ingest.pages.comments import nest_by_indent
from pipeline.ingest.pages.forum import REPLY_PREFIX_RE

# The types whose stated text is the post's whole text: a forum's or a social network's
# post that states none is a link post (a title and a shared address), not a post whose
# text the printed page holds, as an article's data may leave it to.
POSTING_TYPES = frozenset(("DiscussionForumPosting", "SocialMediaPosting"))
# Where comments are read from the page's class names (`comment_markup`): its nesting is
# the page's layout, not data.
LAYOUT = "class names"


@dataclass(frozen=True)
class StatedPost:
    """One post as the page states it. `parent`: the index, in `StatedThread.comments`, of
    the comment it is nested in (None: a comment on the opening post, or the opening post).
    `answers_opening`: the data states that it comments on the opening post itself (a tree
    such as Reddit's), which then decides; else a comment nested in none is read from its
    words (a forum's data lists every post flat)."""

    author: str | None
    created: str | None
    title: str
    text: str
    position: int | None = None
    deleted: bool = False
    parent: int | None = None
    shared: str | None = None  # the address a link post shares
    description: str | None = None  # what the data says the author is (a job title)
    answers_opening: bool = False
    # A date relative to the page's saving as printed (`4h ago`): no date, but an order.
    age: str = ""
    # A reply that answers one of the comments from this index down to the one right above
    # it, the page not showing which (`parent` None).
    within: int | None = None
    # New Reddit lists a comment's replies right under it, and a copy of the page shows no
    # nesting: where the words name nothing else, it answers the comment right above.
    follows: bool = False
    # The index of the printed line its header stands on, where a reader of the printed
    # text knows it (a page copied as text): else the line its text is found on.
    line: int | None = None


@dataclass(frozen=True)
class StatedThread:
    """The opening post and its comments in the order the page states them (each nested
    reply right after what it answers, as the page shows them), where they were read
    (`JSON-LD`, `microdata`, `Reddit markup`) and the opening post's schema.org type."""

    opening: StatedPost
    comments: tuple[StatedPost, ...]
    source: str
    kind: str
    # What the reader found worth a note (comments whose parent is not on the page).
    remarks: tuple[str, ...] = ()
    # Whether the opening post is #1 of the numbers the comments count on from (a Flarum
    # discussion's): then a page whose first comment is #2 lacks only the opening post.
    numbered_from_opening: bool = False
    # Read from the lines a browser's copy of the page prints (`copied`), not its elements.
    copied: bool = False


def left_out(more: list[str], sorted_by: str | None = None, sort_instead: str = "all comments") -> tuple[str, ...]:
    """Remarks on what a saved page shows it does not hold: its buttons to comments or
    replies not opened (`more`), and a sort that hides some (`sorted_by`: "Most relevant";
    `sort_instead`, the sort to choose)."""
    out = []
    if more:
        out.append(
            f"{len(more)} place(s) where the page shows comments or replies it does not hold (e.g. {more[0]!r}): "
            "open them before saving the page to read them"
        )
    if sorted_by:
        out.append(
            f"the comments are sorted {sorted_by!r}, which hides some: choose {sort_instead} before saving the page"
        )
    return tuple(out)


def class_names(el: etree._Element) -> set[str]:
    """The class names an element states."""
    return set((el.get("class") or "").split())


def outermost(elements: list[etree._Element]) -> list[etree._Element]:
    """`elements` less those inside another of them (a post quoted or boosted in a post)."""
    found = set(elements)
    return [el for el in elements if not any(a in found for a in el.iterancestors())]


def first_with(el: etree._Element, attribute: str, value: str) -> etree._Element | None:
    """The first element in `el` (or `el` itself) whose `attribute` is `value` (an app's
    `data-testid`, an `id` its template repeats in every comment)."""
    return next((d for d in el.iter() if isinstance(d.tag, str) and d.get(attribute) == value), None)


def first_of_class(el: etree._Element, name: str) -> etree._Element | None:
    """The first element in `el` (or `el` itself) whose classes include `name`."""
    return next((d for d in el.iter() if isinstance(d.tag, str) and name in class_names(d)), None)


def post_words(value: str) -> str:
    """A post's text: JSON-LD may carry it as HTML; paragraphs kept, spaces collapsed."""
    if looks_like_html(value):
        value = html_text(value)
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def element_words(el: etree._Element) -> str:
    """An element's text as a post's: paragraphs and quotations as a browser shows them,
    spaces collapsed."""
    return post_words(html_text(etree.tostring(el, encoding="unicode", with_tail=False)))


def own_elements(el: etree._Element, owners: set[etree._Element]) -> Iterator[etree._Element]:
    """The elements inside `el`, in page order, that are its own: not inside (nor) a post or
    comment nested in it (any of `owners`), whose author, text and date are its own."""
    stack = list(reversed(el))
    while stack:
        d = stack.pop()
        if not isinstance(d.tag, str) or d in owners:
            continue
        yield d
        stack.extend(reversed(d))


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
    (its comments start after #2, or after #1 where the opening post is #1, and the
    opening post states no author, date or text: it is on the first page); None otherwise."""
    first = thread.opening
    positions = [c.position for c in thread.comments if c.position is not None]
    if first.author or first.created or first.text or not positions:
        return None
    if min(positions) <= (1 if thread.numbered_from_opening else 2):
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
    # A comment the data states is on the opening post (`stated_in` without a parent) keeps it.
    return [
        c if c.indented_under is not None or c.stated_in else laid for c, laid in zip(comments, by_layout, strict=True)
    ]


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
        found = c.line if c.line is not None else _line_of(lines, c.text, at)
        shown.append(found)
        at = at if found is None else found
        own_title = c.title if REPLY_PREFIX_RE.sub("", c.title).casefold() != same else ""
        if c.deleted:
            deleted += 1
        out.append(
            RawComment(
                line=first_line + at,
                date=c.created,
                date_raw=c.created or c.age,
                author=c.author,
                description=c.description,
                title=own_title,
                body="" if c.deleted else c.text,
                indented_under=c.parent,
                within=c.within,
                follows=c.follows,
                # Elements nested by class names are what the page shows, as an indented list.
                stated_in=thread.source
                if (c.parent is not None or c.answers_opening) and thread.source != LAYOUT
                else None,
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
    schema = f" (schema.org {thread.kind or 'Comment'})" if thread.source in ("JSON-LD", "microdata") else ""
    notes.append(
        Note(
            where=source,
            kind="metadata",
            message=f"{len(out)} comment(s) read from the page's {thread.source}{schema}: "
            "authors, dates and texts as the site states them"
            if thread.source != LAYOUT and not thread.copied
            else f"{len(out)} comment(s) read as a {thread.source}: each headed by its author and time "
            "as the platform prints them"
            if thread.copied
            else f"{len(out)} comment(s) read from the elements the page's classes name (a comment, its "
            "author, its text): the page prints no date or buttons the comment list could be found by",
        )
    )
    if deleted:
        notes.append(
            Note(
                where=source,
                kind="repaired",
                message=f"{deleted} comment(s) the page states as deleted read with empty text",
            )
        )
    notes.extend(Note(where=source, kind="missing", message=m) for m in thread.remarks)
    return out, numbers, notes
