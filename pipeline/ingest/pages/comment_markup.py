"""Comments a saved HTML page names only by their classes: a comment widget whose comments
print neither a date nor a row of buttons the page parser could find (the date a tooltip,
the buttons icons), so that their printed text is a name over a paragraph, like any byline.

The elements still say what they are: a comment is an element whose class names a comment
(`comment`, `kommentar`, `c-comment`, `reply`, `svar`; in camelCase or BEM too,
`UFIComment`, `comment__item`) and that holds, as its own and not a nested reply's, an
element whose class names its author (`comment-author`, `fn`, `username`, `navn`,
`UFICommentActorName`) and one whose class names its text (`comment-content`,
`comment-text`, `tekst`, `body`, `comment__body`). A reply nested in another's element answers it, as the page shows it.
Read only where the page parser finds no comment list and no forum posts, and only where
two comments at least are so named. Written by hand: readability-style extractors keep the
main text and drop exactly these parts.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.ingest.dates import EPOCH_SECONDS_RE, epoch_iso, line_date, normalize_iso
from pipeline.ingest.pages.metadata import parse_document
from pipeline.ingest.pages.stated import LAYOUT, StatedPost, StatedThread, element_words, own_elements

SOURCE = LAYOUT
_BLOCKS = ("div", "li", "article", "section")
# A comment itself: "comment", "c-comment", "comment-item", "kommentar", "reply", "svar"
# (not the list around them, "comments", "comment-list", nor its parts, "comment-body").
_COMMENT_RE = re.compile(
    r"(?i)^(?:[a-z0-9]+[-_])*(?:comment|kommentar|kommentaar|reply|svar|answer|response)"
    r"(?:[-_](?:item|entry|wrap|wrapper|container|box|card|block|thread|node))?$"
)
_AUTHOR_RE = re.compile(
    r"(?i)^(?:[a-z0-9]+[-_])*(?:author|username|user-name|name|nick|nickname|who|fn|navn|namn|forfatter|skribent)$"
)
_TEXT_RE = re.compile(r"(?i)^(?:[a-z0-9]+[-_])*(?:body|content|text|message|msg|tekst|indhold|innehall|innehåll)$")
# A page with no class attribute that may name a comment is not parsed again (most are not).
_MAY_NAME_RE = re.compile(r"(?i)class\s*=\s*[\"']?[^\"'>]*(?:comment|kommentar|reply|svar|answer|response)")
_DATE_RE = re.compile(r"(?i)^(?:[a-z0-9]+[-_])*(?:date|time|timestamp|dato|datum|tid)$")


# Class names written in camelCase ("UFICommentBody", "commentText") or BEM ("comment__author",
# "c-comment--reply") are read as the dashed words they are ("ufi-comment-body").
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS_RE = re.compile(r"[-_]+")


def _canonical(token: str) -> str:
    return _SEPARATORS_RE.sub("-", _CAMEL_RE.sub("-", token)).strip("-").lower()


def _named(el: etree._Element, pattern: re.Pattern[str]) -> bool:
    return any(pattern.match(_canonical(token)) for token in (el.get("class") or "").split())


def _reading(el: etree._Element, comments: set[etree._Element]) -> tuple[str, str, str | None] | None:
    """A comment's author, text and date (ISO 8601, where it states one), or None where
    `el` holds no author and text of its own."""
    own = list(own_elements(el, comments))
    authors = [d for d in own if _named(d, _AUTHOR_RE)]
    # The innermost names the author alone ("Jonas", not "Jonas siger:").
    author_el = next((a for a in authors if not any(_named(x, _AUTHOR_RE) for x in a.iterdescendants())), None)
    if author_el is None:
        return None
    texts = [d for d in own if _named(d, _TEXT_RE) and author_el not in set(d.iterdescendants())]
    if not texts:
        return None
    author = " ".join(author_el.text_content().split())
    text = element_words(texts[0])
    if not author or not text or len(author) > 80:
        return None
    date = None
    for d in own:
        if d.tag == "time" and (iso := normalize_iso(d.get("datetime") or "")):
            date = iso
            break
        # Facebook's comments plugin states the time as epoch seconds ("data-utime").
        stamp = (d.get("data-utime") or "").strip()
        if _named(d, _DATE_RE) and EPOCH_SECONDS_RE.fullmatch(stamp):
            date = epoch_iso(stamp)
            break
        # The date may be printed, or only in the tooltip over a relative one ("3 t.").
        shown = (" ".join(d.text_content().split()), (d.get("title") or "").strip())
        if _named(d, _DATE_RE) and (iso := next((i for t in shown if t and (i := line_date(t))), None)):
            date = iso
            break
    return author, text, date


def marked_thread(page: str | etree._Element) -> StatedThread | None:
    """The comments an HTML page (the whole document as text, or `parse_document`'s tree)
    names by their classes, each nested reply under the comment whose element holds it;
    None where fewer than two."""
    if isinstance(page, str) and not _MAY_NAME_RE.search(page):
        return None
    root = parse_document(page)
    if root is None:
        return None
    named = [el for el in root.iter(*_BLOCKS) if _named(el, _COMMENT_RE)]
    candidates = set(named)
    read = {el: r for el in named if (r := _reading(el, candidates)) is not None}
    if len(read) < 2:
        return None
    at: dict[etree._Element, int] = {}
    comments: list[StatedPost] = []
    for el, (author, text, date) in read.items():
        parent = next((at[a] for a in el.iterancestors() if a in at), None)
        at[el] = len(comments)
        comments.append(StatedPost(author=author, created=date, title="", text=text, parent=parent))
    return StatedThread(StatedPost(None, None, "", ""), tuple(comments), SOURCE, "")
