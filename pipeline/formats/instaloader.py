"""Instagram comments as Instaloader saves them, as thread rows.

`instaloader --comments <target>` saves each post's comments beside the post as
`<date>_UTC_comments.json`: a JSON array of the post's comments, newest first, each with
its replies under `answers` (Instagram nests replies one level, a reply to a reply filed
under the comment with an "@handle"). The post itself (its caption) is in other files.
Mapping (docs/input-formats.md):

  file name             thread_id (without "_comments"): one post's comments are one
                        thread, whose empty root stands for the post
  id                    id
  (nesting)             parent_id: a comment answers the post, an answer its comment
                        (a reply there that opens with an earlier replier's "@handle"
                        answers that reply: `FLAT_REPLY_READERS` in ingest)
  owner.username        author
  created_at            created (epoch seconds, UTC)
  text                  text
  likes_count, owner's other fields   dropped

Instaloader also saves each post's metadata beside it, `<date>_UTC.json.xz` (xz-compressed,
its default) or `<date>_UTC.json` (`--no-compress-json`): `{"node": ..., "instaloader":
{"node_type": "Post"}}`, read as the thread's opening post (its caption the text, its
owner the author), with the id its comments' thread has, so that they answer it instead
of an empty root.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.core.compressed import plain_stem
from pipeline.core.errors import InputError
from pipeline.core.schema import Note


def _is_comment(obj: object) -> bool:
    return (
        isinstance(obj, dict)
        and "id" in obj
        and "created_at" in obj
        and "text" in obj
        and isinstance(obj.get("owner"), dict)
    )


def is_instaloader_comment(obj: object) -> bool:
    """A comment of an Instaloader comments file: id, created_at, text, owner, and its
    replies under `answers`."""
    return _is_comment(obj) and isinstance(obj.get("answers"), list)


def thread_of(path: Path) -> str:
    """The thread a file of one post belongs to: its name without `_comments` and suffixes."""
    return plain_stem(path).removesuffix("_comments")


def _row(comment: dict, thread: str, parent: str) -> dict:
    return {
        "id": comment["id"],
        "thread_id": thread,
        "parent_id": parent,
        "author": comment["owner"].get("username"),
        "created": comment.get("created_at"),
        "text": comment.get("text") or "",
    }


def is_instaloader_post(obj: object) -> bool:
    """A post's metadata as Instaloader saves it (`{"node": ..., "instaloader": ...}`)."""
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("node"), dict)
        and isinstance(obj.get("instaloader"), dict)
        and obj["instaloader"].get("node_type") == "Post"
    )


def _caption(node: dict) -> str:
    edges = (node.get("edge_media_to_caption") or {}).get("edges") or []
    if edges and isinstance(edges[0], dict):
        return str((edges[0].get("node") or {}).get("text") or "")
    caption = node.get("caption")
    return str(caption.get("text") or "") if isinstance(caption, dict) else str(caption or "")


def read_instaloader_post(
    path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]
) -> Iterator[tuple[int, dict]]:
    """The opening post of the thread its comments file makes."""
    for line, record in lines:
        if not is_instaloader_post(record):
            raise InputError(path, line, "not an Instaloader post ({'node': ..., 'instaloader': ...})")
        node = record["node"]
        thread = thread_of(path)
        yield (
            line,
            {
                "id": thread,
                "thread_id": thread,
                "author": (node.get("owner") or {}).get("username"),
                "created": node.get("taken_at_timestamp"),
                "text": _caption(node),
            },
        )


def read_instaloader(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for one post's comments and their answers."""
    thread = thread_of(path)
    for line, record in lines:
        if not is_instaloader_comment(record):
            raise InputError(path, line, "not an Instaloader comment (id, created_at, text, owner, answers)")
        yield line, _row(record, thread, thread)
        for answer in record["answers"]:
            if not _is_comment(answer):
                raise InputError(path, line, "an answer that is no Instaloader comment (id, created_at, text, owner)")
            yield line, _row(answer, thread, str(record["id"]))
