"""A Bluesky thread saved from the browser (bsky.app) as HTML: the posts as its page
elements state them.

Bluesky's web app names each post of a thread's page `data-testid="postThreadItem-by-
<handle>"` (the posts it answers above the one asked for, its replies below) and the
post's words `data-testid="postText"`; the author's display name is the text of the link
to their profile. The printed page runs name, handle, relative time and counts together;
these elements say which is which. A post's time is printed relative ("3t") with the date
in the link's tooltip or label where the page kept one. Which reply answers which the page
draws with lines it does not keep, but it lists the chain of posts the one asked for
answers above it and its replies under it, each reply's own replies before the next:
the chain and the first reply are so shown; a later reply that opens with an earlier
replier's "@handle" answers that reply, else the post right above it unless written
before that one. Written by hand: no
library reads Bluesky's saved pages, and the API's JSON (`formats.bluesky`) is what a
saved page does not carry.
"""

from __future__ import annotations

from lxml import etree

from pipeline.ingest.dates import find_named_date, read_date
from pipeline.ingest.pages.copied.lines import listed_replies
from pipeline.ingest.pages.stated import StatedPost, StatedThread, element_words, first_with, outermost

SOURCE = "Bluesky markup"
_ITEM = "postThreadItem-by-"
_DATE_ATTRIBUTES = ("data-tooltip", "aria-label", "title")


def _date(item: etree._Element) -> str | None:
    """The first date an element of `item` states in full in a tooltip, label or title."""
    for d in item.iter():
        if not isinstance(d.tag, str):
            continue
        for attr in _DATE_ATTRIBUTES:
            value = " ".join((d.get(attr) or "").split())
            if not value or not any(ch.isdigit() for ch in value):
                continue
            read = read_date(value)
            if read:
                return read[0]
            named = find_named_date(value)
            if named and named[1].start() == 0:
                return named[0]
    return None


def _post(item: etree._Element) -> StatedPost:
    handle = (item.get("data-testid") or "")[len(_ITEM) :] or None
    body = first_with(item, "data-testid", "postText")
    profile = f"/profile/{handle}"
    names = [
        " ".join(a.text_content().split())
        for a in item.iter("a")
        if (a.get("href") or "").rstrip("/") == profile or (a.get("href") or "").endswith(profile)
    ]
    shown = next((n for n in names if n and not n.startswith("@") and n != handle), None)
    return StatedPost(
        author=handle,
        created=_date(item),
        title="",
        text=element_words(body) if body is not None else "",
        description=shown,
    )


def bsky_thread(root: etree._Element) -> StatedThread | None:
    """The thread a saved Bluesky page states in its post elements, or None where it holds
    fewer than two posts. The first post opens the thread."""
    items = [el for el in root.iter() if isinstance(el.tag, str) and (el.get("data-testid") or "").startswith(_ITEM)]
    outer = outermost(items)
    if len(outer) < 2:
        return None
    posts = [_post(el) for el in outer]
    # The post asked for prints its time in full under its words; every other post links
    # its age to itself in its header, over its words. Bluesky shows the chain of posts the
    # one asked for answers above it and its replies under it, each reply's own replies
    # before the next (`copied.lines.listed_replies`).
    asked = [k for k, el in enumerate(outer) if not _linked_over_words(el)]
    if len(asked) != 1:
        opening, *replies = posts
        return StatedThread(opening, tuple(replies), SOURCE, "SocialMediaPosting")

    comments = listed_replies(posts, asked[0])
    return StatedThread(posts[0], comments, SOURCE, "SocialMediaPosting")


def _linked_over_words(item: etree._Element) -> bool:
    """Whether a post's header links to the post itself (its age) before its words."""
    for d in item.iter():
        if not isinstance(d.tag, str):
            continue
        if d.get("data-testid") == "postText":
            return False
        if d.tag == "a" and "/post/" in (d.get("href") or ""):
            return True
    return False
