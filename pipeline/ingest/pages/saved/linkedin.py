"""A LinkedIn post with its comments, saved from the browser as HTML: the posts as
LinkedIn's page elements state them.

LinkedIn names its elements by what they hold, and keeps the names from one redesign to
the next, or nearly: the post is a `feed-shared-update-v2` element whose `data-urn` is
`urn:li:activity:<id>`, its author `update-components-actor__name` (or `__title`), what
they say they are `update-components-actor__description` ("Socialrådgiver i Aarhus
Kommune": the role cues read it), its words `update-components-text`. Each comment is an
`article` of class `comments-comment-entity` (`comments-comment-item` before 2024) whose
`data-id` is `urn:li:comment:(activity:<post>,<id>)`, its author
`comments-comment-meta__description-title` (`comments-post-meta__name-text`), their
headline `comments-comment-meta__description-subtitle` (`comments-post-meta__headline`),
its words `comments-comment-item__main-content`; a reply is nested in the comment it is
filed under. LinkedIn's ids count time: an id's upper bits are the milliseconds since 1970
when it was made, so each post and comment is dated to the second though the page prints
only `1 d`. LinkedIn files a reply to a reply under the comment that opened the exchange,
the reply opening with the name it answers, which ingest's reply rules read. Written by
hand: no library reads LinkedIn's saved pages.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from lxml import etree

from pipeline.ingest.pages.stated import StatedPost, StatedThread, class_names, element_words, left_out, own_elements

SOURCE = "LinkedIn markup"

_COMMENT_CLASSES = frozenset(("comments-comment-entity", "comments-comment-item"))
_POST_CLASSES = frozenset(("feed-shared-update-v2",))
_NAME = ("comments-comment-meta__description-title", "comments-post-meta__name-text", "comments-comment-meta__name")
_HEADLINE = ("comments-comment-meta__description-subtitle", "comments-post-meta__headline")
_WORDS = (
    "comments-comment-item__main-content",
    "comments-comment-entity__main-content",
    "comments-comment-item-content-body",
    "update-components-text",
)
_POST_NAME = ("update-components-actor__name", "update-components-actor__title", "feed-shared-actor__name")
_POST_HEADLINE = ("update-components-actor__description", "feed-shared-actor__description")
_POST_WORDS = ("update-components-text", "feed-shared-update-v2__commentary", "feed-shared-text")
_RELEVANT_RE = re.compile(r"(?i)relevant")
# A mention's link to a profile, which the words need not carry.
_PROFILE_LINK_RE = re.compile(r" \(https?://(?:[a-z]+\.)?linkedin\.com/in/[^)\s]*\)")
_ID_RE = re.compile(r"(\d{15,20})\)?$")
# LinkedIn's ids keep the time they were made in their upper 41 bits (milliseconds since
# 1970), as its own apps read them: a date read so outside these years is no such id.
_YEARS = (2003, 2100)


def _id_time(urn: str | None) -> str | None:
    """The time a LinkedIn id (`urn:li:activity:7174...`, the last number of a comment's
    `urn:li:comment:(activity:...,7174...)`) was made, as ISO 8601 in UTC."""
    m = _ID_RE.search(urn or "")
    if m is None:
        return None
    ms = int(m[1]) >> 22
    when = datetime.fromtimestamp(ms / 1000, tz=UTC)
    if not _YEARS[0] <= when.year < _YEARS[1]:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _first(el: etree._Element, owners: set[etree._Element], names: tuple[str, ...]) -> etree._Element | None:
    """The first of `el`'s own elements (not in a comment nested in it) of one of the
    classes `names`, in the order of `names`."""
    found: dict[str, etree._Element] = {}
    for d in own_elements(el, owners):
        for name in names:
            if name not in found and name in class_names(d):
                found[name] = d
    return next((found[n] for n in names if n in found), None)


def _shown(el: etree._Element | None) -> str:
    """An element's text as shown: LinkedIn writes a name twice, once for the eye
    (`aria-hidden="true"`) and once for screen readers (`visually-hidden`)."""
    if el is None:
        return ""
    seen = next((d for d in el.iter() if isinstance(d.tag, str) and d.get("aria-hidden") == "true"), None)
    return " ".join((seen if seen is not None else el).text_content().split())


def _post(
    el: etree._Element, owners: set[etree._Element], urn: str | None, parent: int | None, comment: bool
) -> StatedPost:
    names, headlines, words = (_NAME, _HEADLINE, _WORDS) if comment else (_POST_NAME, _POST_HEADLINE, _POST_WORDS)
    author = _shown(_first(el, owners, names)) or None
    headline = _shown(_first(el, owners, headlines)) or None
    body = _first(el, owners, words)
    return StatedPost(
        author=author,
        created=_id_time(urn),
        title="",
        text=_PROFILE_LINK_RE.sub("", element_words(body)) if body is not None else "",
        description=headline,
        parent=parent,
        answers_opening=comment and parent is None,
    )


def linkedin_thread(root: etree._Element) -> StatedThread | None:
    """The post and comments a saved LinkedIn page states in its elements, or None where
    it holds fewer than two comments."""
    items = [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and not class_names(el).isdisjoint(_COMMENT_CLASSES) and el.tag != "button"
    ]
    if len(items) < 2:
        return None
    owners = set(items)
    index = {el: k for k, el in enumerate(items)}
    comments: list[StatedPost] = []
    latest: dict[tuple[int, str], int] = {}  # (exchange, author) -> their latest reply in it
    for k, el in enumerate(items):
        parent = next((index[a] for a in el.iterancestors() if a in owners), None)
        post = _post(el, owners, el.get("data-id"), parent, comment=True)
        if parent is not None:
            # A reply to a reply is filed under the comment that opened the exchange and
            # opens with the name of the one it answers.
            named = next((n for (x, n) in latest if x == parent and post.text.startswith(n)), None)
            if named is not None:
                post = replace(post, parent=latest[(parent, named)])
            if post.author:
                latest[(parent, post.author)] = k
        comments.append(post)
    holder = next(
        (el for el in root.iter() if isinstance(el.tag, str) and not class_names(el).isdisjoint(_POST_CLASSES)),
        None,
    )
    opening = (
        _post(holder, owners, holder.get("data-urn"), None, comment=False)
        if holder is not None
        else StatedPost(None, None, "", "")
    )
    return StatedThread(opening, tuple(comments), SOURCE, "SocialMediaPosting", remarks=_remarks(root))


def _remarks(root: etree._Element) -> tuple[str, ...]:
    """What the saved page shows it left out: comments and replies behind a button, and
    the sort that hides some (`Most relevant`)."""
    more = [
        " ".join(el.text_content().split())
        for el in root.iter("button")
        if any("load-more" in c or "show-previous" in c or "replies-list__load" in c for c in class_names(el))
    ]
    sorts = [
        " ".join(el.text_content().split())
        for el in root.iter()
        if isinstance(el.tag, str) and "comments-sort-order-toggle" in class_names(el)
    ]
    return left_out(more, sorts[0] if sorts and _RELEVANT_RE.search(sorts[0]) else None, "the newest")
