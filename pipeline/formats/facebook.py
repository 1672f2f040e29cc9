"""Facebook posts and comments as Meta's Graph API returns them, as thread rows.

A page's own posts and the debate under them, as an organisation or a researcher with
access saves it (`/{page-id}/posts?fields=message,created_time,from,comments{...}`, or
`/{post-id}/comments?fields=message,created_time,from,parent&filter=stream`): one response
per `.json` file or one per line, `{"data": [...], "paging": {...}}`, or a single post or
comment. Mapping (docs/input-formats.md):

  a post's id           id and thread_id (its comments, under `comments.data`, are its
                        thread); a post is told from a comment by its comments edge or a
                        field only posts have (permalink_url, story, attachments, shares)
  a comment's id        id
  parent.id             parent_id of a reply; a comment without one answers the post
                        (`filter=stream` lists every reply so; nested `comments` edges
                        under a comment are its replies)
  from.name             author (a Page token often leaves `from` out: the author is then empty)
  created_time          created ("+0000")
  message (a post's `story` where it has no message)
                        text

A file of comments without their post (`/{post-id}/comments`) holds one post's comments:
its thread is the file's name, and the post an empty root standing for it (ingest's row
store notes it), as a YouTube video's comments are read.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.compressed import plain_stem
from pipeline.core.errors import InputError
from pipeline.core.schema import Note

# What a post has and a comment has not.
POST_FIELDS = frozenset(
    ("comments", "story", "permalink_url", "full_picture", "attachments", "shares", "status_type", "is_published")
)


def _is_node(obj: object) -> bool:
    return (
        isinstance(obj, dict)
        and "id" in obj
        and "created_time" in obj
        and ("message" in obj or "from" in obj or "story" in obj)
        # A researcher's own rows with these columns name their thread or parent so.
        and not {"type", "thread_id", "parent_id"} & obj.keys()
    )


def _nodes(obj: object) -> list | None:
    """The posts or comments a record holds: a response's `data`, or the node itself."""
    if _is_node(obj):
        return [obj]
    data = obj.get("data") if isinstance(obj, dict) else None
    if isinstance(data, list) and data and all(_is_node(n) for n in data):
        return data
    return None


def is_facebook_record(obj: object) -> bool:
    """A Graph API post or comment, or a response (`data`) of them."""
    return _nodes(obj) is not None


def _edge(node: dict) -> list:
    comments = node.get("comments")
    data = comments.get("data") if isinstance(comments, dict) else None
    return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def _row(node: dict, thread: str, parent: str | None, is_post: bool) -> dict:
    author = node.get("from") if isinstance(node.get("from"), dict) else {}
    text = node.get("message")
    if not text and is_post:
        text = node.get("story")
    return {
        "id": str(node["id"]),
        "thread_id": thread,
        "parent_id": parent,
        "author": author.get("name") or None,
        "created": node.get("created_time"),
        "text": str(text or "").strip(),
    }


def read_facebook(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a file of Graph API posts or comments."""
    stem = plain_stem(path)
    unnamed = 0
    for line, record in lines:
        nodes = _nodes(record)
        if nodes is None:
            raise InputError(path, line, "not a Facebook Graph API post, comment or response of them")
        for node in nodes:
            # Posts and comments share their fields; a post is told by its comments edge or
            # a field only posts have. Any other node is a comment of the file's post.
            is_post = not isinstance(node.get("parent"), dict) and not POST_FIELDS.isdisjoint(node)
            if is_post:
                thread = str(node["id"])
                yield line, _row(node, thread, None, True)
            else:
                thread = stem
            # Breadth first; a deque, since a post's tens of thousands of comments made
            # list.pop(0) quadratic.
            stack = deque((c, str(node["id"]) if is_post else None) for c in _edge(node))
            if not is_post:
                stack.append((node, None))
            while stack:
                comment, above = stack.popleft()
                parent = comment.get("parent") if isinstance(comment.get("parent"), dict) else None
                answers = str(parent["id"]) if parent and "id" in parent else above or thread
                row = _row(comment, thread, answers, False)
                unnamed += row["author"] is None
                yield line, row
                stack.extend((reply, str(comment["id"])) for reply in _edge(comment))
    if unnamed:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"{unnamed} comment(s) without their author (`from`, which a Page token often "
                "leaves out): read as anonymous",
            )
        )
