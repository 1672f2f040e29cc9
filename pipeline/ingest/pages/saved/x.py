"""A post on X (Twitter) with its replies, saved from the browser as HTML: the posts as X's
page elements state them.

X builds its pages in the browser; a conversation saved as "Webpage, Complete" (or with
SingleFile) keeps the elements it had built: each post an `<article data-testid="tweet">`
holding its author in `data-testid="User-Name"` (the display name, then the `@handle`),
its time in a `<time datetime>` inside the link to the post (`/<handle>/status/<id>`), and
its words in `data-testid="tweetText"`. The page lists the conversation in reading order:
the post asked for (after the posts it answers, where it is a reply), then its replies. Its
text alone runs name, handle, time and counts together; these elements say which is which.
Which reply answers which is not in the elements (a chain is drawn with lines): a reply
that opens with an earlier replier's "@handle" answers that reply, the others the opening
post, as the words say (ingest's reply rules). Written by hand: no library reads X's
saved pages, and the API's JSON (`formats.twitter`) is what a saved page does not carry.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.ingest.dates import normalize_iso
from pipeline.ingest.pages.stated import StatedPost, StatedThread, element_words, first_with, outermost

SOURCE = "X markup"
_STATUS_RE = re.compile(r"/(?P<handle>\w{1,15})/status/(?P<id>\d+)")


def _post(article: etree._Element) -> StatedPost | None:
    body = first_with(article, "data-testid", "tweetText")
    who = first_with(article, "data-testid", "User-Name")
    if who is None:
        return None
    words = [w for w in (" ".join(t.split()) for t in who.itertext()) if w]
    handle = next((w[1:] for w in words if w.startswith("@") and len(w) > 1), None)
    shown = next((w for w in words if not w.startswith("@") and w not in ("·",)), None)
    time = next((t for t in article.iter("time") if t.get("datetime")), None)
    if handle is None:
        link = next((m for a in article.iter("a") if (m := _STATUS_RE.search(a.get("href") or ""))), None)
        handle = link["handle"] if link else None
    return StatedPost(
        author=handle,
        created=normalize_iso(time.get("datetime") or "") if time is not None else None,
        title="",
        text=element_words(body) if body is not None else "",
        description=shown if shown and shown != handle else None,
    )


def x_thread(root: etree._Element) -> StatedThread | None:
    """The conversation a saved X page states in its post elements, or None where it holds
    fewer than two posts. The first post opens the thread; a post X shows twice (a quoted
    post inside another) counts once, as the outer one."""
    articles = [el for el in root.iter("article") if el.get("data-testid") == "tweet"]
    posts = [p for p in (_post(a) for a in outermost(articles)) if p is not None]
    if len(posts) < 2:
        return None
    opening, *replies = posts
    return StatedThread(
        StatedPost(opening.author, opening.created, "", opening.text, description=opening.description),
        tuple(replies),
        SOURCE,
        "SocialMediaPosting",
    )
