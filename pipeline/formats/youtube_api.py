"""YouTube comments as the YouTube Data API v3 returns them, as thread rows.

The responses of `commentThreads.list` (`{"kind": "youtube#commentThreadListResponse",
"items": [...]}`) and of `comments.list` (`youtube#commentListResponse`, a thread's
replies), one per line as a collector pages through them, or one saved as a `.json`
file; or their items (`youtube#commentThread`, `youtube#comment`) one per line or as a
JSON array, as scripts built on google-api-python-client often save them. Mapping
(docs/input-formats.md):

  snippet.videoId              thread_id: a video's comments are one thread, whose empty
                               root stands for the video (a comment thread's snippet names
                               the video; a reply from comments.list joins its comment's
                               thread through parentId, as --threads-from-parents finds it)
  id                           id
  snippet.parentId             parent_id of a reply (the API nests replies one level, under
                               the comment they were posted to); a top-level comment
                               answers the video
  snippet.authorDisplayName    author
  snippet.publishedAt          created
  snippet.textOriginal         text (else textDisplay, whose HTML, where it is HTML, is
                               read as text)

Likes, reply counts, channel ids and profile images are dropped. A reply whose comment
is not in the input answers the video (ingest's row store notes it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import PENDING_THREAD, Note
from pipeline.ingest.markup import html_text, looks_like_html

LISTS = ("youtube#commentThreadListResponse", "youtube#commentListResponse")
ITEMS = ("youtube#commentThread", "youtube#comment")


def is_youtube_api_record(obj: object) -> bool:
    """A Data API comment-thread or comment list response, or one of their items."""
    return isinstance(obj, dict) and obj.get("kind") in LISTS + ITEMS


def _comment_row(comment: dict, video: str | None) -> dict:
    snippet = comment.get("snippet") if isinstance(comment.get("snippet"), dict) else {}
    text = snippet.get("textOriginal")
    if text is None:
        text = snippet.get("textDisplay") or ""
        text = html_text(text) if looks_like_html(text) else text
    cid = str(comment.get("id") or "")
    video = snippet.get("videoId") or video
    return {
        "id": cid,
        "thread_id": video or PENDING_THREAD + cid,
        "parent_id": snippet.get("parentId") or video,
        "author": snippet.get("authorDisplayName"),
        "created": snippet.get("publishedAt"),
        "text": text,
    }


def _comments(item: dict) -> Iterator[tuple[dict, str | None]]:
    """A commentThread's top-level comment and the replies it carries, or a lone comment,
    each with the thread's video id (a reply's snippet may lack it)."""
    if item.get("kind") == "youtube#comment":
        yield item, None
        return
    snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    video = snippet.get("videoId")
    top = snippet.get("topLevelComment")
    if isinstance(top, dict):
        yield top, video
    replies = item.get("replies") if isinstance(item.get("replies"), dict) else {}
    for reply in replies.get("comments") or ():
        if isinstance(reply, dict):
            yield reply, video


def read_youtube_api(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a file of Data API responses or items."""
    for line, record in lines:
        if not is_youtube_api_record(record):
            raise InputError(path, line, "not a YouTube Data API comment thread, comment or list response")
        items = record.get("items") if record.get("kind") in LISTS else [record]
        if not isinstance(items, list):
            raise InputError(path, line, f"{record['kind']}: its items are not a list")
        for item in items:
            if not isinstance(item, dict) or item.get("kind") not in ITEMS:
                raise InputError(path, line, "an item that is no youtube#commentThread or youtube#comment")
            for comment, video in _comments(item):
                row = _comment_row(comment, video)
                if not row["id"]:
                    raise InputError(path, line, "a comment without its id")
                yield line, row
