"""A TikTok video's page saved from the browser with its comments open: the comments as
the `data-e2e` attributes of TikTok's page state them.

TikTok's class names are generated; what its pages keep for their own end-to-end tests
are `data-e2e` attributes, which the scrapers that read TikTok rely on: each comment's
words are `data-e2e="comment-level-1"` (a reply's `comment-level-2`), preceded by its
author (`comment-username-1`, a link to `/@handle` holding the display name) and followed
by its time (`comment-time-1`: `3d ago`, `3-14` this year, `2023-3-14` before). A reply is
filed under the comment that opened the exchange; a reply to a reply names whom it
answers by a second link in its author line (`Anna ▸ Bo`). The video's caption is
`data-e2e="browse-video-desc"` (`video-desc`), its author `browse-username`
(`video-author-uniqueid`), its display name and day `browser-nickname` (`Sara | socionom ·
2024-3-14`). TikTok prints a day of the year the page was saved without its year (`3-16`),
which stays unread. Written by hand: no library reads TikTok's saved pages; what
the Zeeschuimer extension collects (`formats.zeeschuimer`) carries the same with ids.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from pipeline.ingest.dates import relative_age
from pipeline.ingest.pages.stated import StatedPost, StatedThread, element_words, left_out

SOURCE = "TikTok markup"

_TEXT = {"comment-level-1": 1, "comment-level-2": 2}
_USER = {"comment-username-1": 1, "comment-username-2": 2}
_TIME = {"comment-time-1": 1, "comment-time-2": 2}
_CAPTION = ("browse-video-desc", "video-desc")
_AUTHOR = ("browse-username", "video-author-uniqueid", "video-author-nickname")
# TikTok's links to replies it has not shown ("View 3 replies", "Visa 3 svar till").
_MORE_RE = re.compile(
    r"(?i)(?:View|Vis|Visa|Se)\s+(?:\d+\s+)?(?:more\s+|flere\s+|fler\s+)?(?:repl(?:y|ies)|svar)(?:\s+(?:till|mere))?"
)
_FULL_DAY_RE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")


def _handle(link: etree._Element) -> str | None:
    """The handle a link to a TikTok profile (`/@anna_b?lang=da`) names."""
    path = urlsplit(link.get("href") or "").path
    m = re.search(r"/@([^/?#]+)", path)
    return unquote(m[1]) if m else None


def _when(text: str) -> tuple[str | None, str]:
    """A comment's time as printed: (its day in full, where printed with its year; the age
    as printed, where it is one)."""
    if m := _FULL_DAY_RE.search(text):
        return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}", ""
    age = " ".join(text.split())
    return None, age if relative_age(age) is not None else ""


def tiktok_thread(root: etree._Element) -> StatedThread | None:
    """The video and its comments a saved TikTok page states in its `data-e2e` attributes,
    or None where it holds fewer than two comments."""
    users: dict[int, etree._Element | None] = {1: None, 2: None}
    found: list[dict] = []
    caption = author = shown = day = None
    hidden: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and len(el.text) <= 60 and _MORE_RE.fullmatch(el.text.strip()):
            hidden.append(el.text.strip())
        mark = el.get("data-e2e")
        if mark in _USER:
            users[_USER[mark]] = el
        elif mark in _TEXT:
            level = _TEXT[mark]
            user = users[level]
            links = [a for a in user.iter("a") if _handle(a)] if user is not None else []
            found.append(
                {
                    "level": level,
                    "handle": _handle(links[0]) if links else None,
                    "name": " ".join(links[0].text_content().split()) if links else None,
                    "answers": _handle(links[1]) if len(links) > 1 else None,
                    "text": element_words(el),
                    "time": None,
                }
            )
            users[level] = None  # each author line heads one comment
        elif mark in _TIME and found and found[-1]["time"] is None and found[-1]["level"] == _TIME[mark]:
            found[-1]["time"] = " ".join(el.text_content().split())
        elif mark in _CAPTION and caption is None:
            caption = element_words(el)
        elif mark in _AUTHOR and author is None:
            author = " ".join(el.text_content().split()).removeprefix("@") or None
        elif mark == "browser-nickname" and shown is None:
            # `Sara | socionom · 2024-3-14`: the display name, then the video's day.
            parts = [" ".join(t.split()) for t in el.itertext() if t.strip() and t.strip() != "·"]
            shown = parts[0] if parts else None
            day = next((d for t in parts if (d := _when(t)[0])), None)
    if len(found) < 2:
        return None
    comments: list[StatedPost] = []
    top: int | None = None
    latest: dict[str, int] = {}  # a handle -> their latest comment in the exchange
    for k, c in enumerate(found):
        created, age = _when(c["time"] or "")
        if c["level"] == 1 or top is None:
            top, latest, parent = k, {}, None
        else:
            parent = latest.get(c["answers"], top) if c["answers"] else top
        if c["handle"]:
            latest[c["handle"]] = k
        comments.append(
            StatedPost(
                author=c["handle"],
                created=created,
                title="",
                text=c["text"],
                description=c["name"] if c["name"] and c["name"] != c["handle"] else None,
                parent=parent,
                answers_opening=parent is None,
                age=age,
            )
        )
    opening = StatedPost(author, day, "", caption or "", description=shown if shown != author else None)
    return StatedThread(opening, tuple(comments), SOURCE, "VideoObject", remarks=left_out(hidden))
