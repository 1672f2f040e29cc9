"""A YouTube video's page saved from the browser with its comments open: the comments as
YouTube's page elements state them.

YouTube builds its watch page of its own elements: the video's title in the
`ytd-watch-metadata` heading, its channel in `ytd-channel-name`, its description in the
inline expander; each comment thread a `ytd-comment-thread-renderer` holding its comment
(`ytd-comment-view-model`, or `ytd-comment-renderer` on older pages) and, under
`ytd-comment-replies-renderer`, the replies to it. A comment's author is its `#author-text`
(the `@handle`), its words `#content-text`, its time `#published-time-text` (relative to
when the page was saved: "for 3 år siden", an age that orders the comments but dates
none). YouTube files a reply to a reply under the comment too, the reply opening with the
`@handle` it answers. Written by hand: no library reads YouTube's saved pages, and the
API's JSON (`formats.youtube_api`) is what a saved page does not carry.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.ingest.dates import find_named_date, relative_age
from pipeline.ingest.pages.stated import StatedPost, StatedThread, element_words, first_with

SOURCE = "YouTube markup"
_EDITED_RE = re.compile(r"(?i)\s*\((?:edited|redigeret|redigerad|redigert|bearbeitet)\)\s*$")
_COMMENTS = ("ytd-comment-view-model", "ytd-comment-renderer")


def _words(el: etree._Element | None) -> str:
    # Its pieces apart: YouTube prints views and date in spans side by side.
    return " ".join(" ".join(el.itertext()).split()) if el is not None else ""


def _comment(el: etree._Element, parent: int | None) -> StatedPost:
    author = _words(first_with(el, "id", "author-text")).removeprefix("@") or None
    body = first_with(el, "id", "content-text")
    # "for 2 måneder siden (redigeret)": an age, which orders the comments but dates none.
    printed = _EDITED_RE.sub("", _words(first_with(el, "id", "published-time-text")))
    return StatedPost(
        author=author,
        created=None,
        title="",
        text=element_words(body) if body is not None else "",
        parent=parent,
        answers_opening=parent is None,
        age=printed if relative_age(printed) is not None else "",
    )


def youtube_thread(root: etree._Element) -> StatedThread | None:
    """The video and its comments a saved YouTube watch page states, or None where it holds
    no comment thread. A reply answers the comment it is filed under, or, where it opens
    with the "@handle" of someone who wrote earlier in that thread, their latest comment."""
    threads = list(root.iter("ytd-comment-thread-renderer"))
    if not threads:
        return None
    comments: list[StatedPost] = []
    for thread in threads:
        replies = next(thread.iter("ytd-comment-replies-renderer"), None)
        inside = set(replies.iter()) if replies is not None else set()
        top = next((el for el in thread.iter(*_COMMENTS) if el not in inside), None)
        if top is None:
            continue
        at = len(comments)
        comments.append(_comment(top, None))
        # Whose last comment in this thread each handle names, for replies to replies.
        latest = {comments[at].author: at}
        for el in replies.iter(*_COMMENTS) if replies is not None else ():
            reply = _comment(el, at)
            handle = reply.text.split(maxsplit=1)[0].removeprefix("@") if reply.text.startswith("@") else None
            if handle in latest:
                reply = _comment(el, latest[handle])
            latest[reply.author] = len(comments)
            comments.append(reply)
    if not comments:
        return None
    meta = next(root.iter("ytd-watch-metadata"), None)
    heading = next((meta.iter("h1")), None) if meta is not None else None
    channel = next(root.iter("ytd-channel-name"), None)
    description = first_with(root, "id", "description-inline-expander")
    # The upload date among the views and dates over the description ("14. mar. 2024").
    dated = find_named_date(_words(first_with(meta, "id", "info"))) if meta is not None else None
    opening = StatedPost(
        author=_words(next(channel.iter("a"), channel)) if channel is not None else None,
        created=dated[0] if dated else None,
        title=_words(heading),
        text=element_words(description) if description is not None else "",
    )
    return StatedThread(opening, tuple(comments), SOURCE, "VideoObject")
