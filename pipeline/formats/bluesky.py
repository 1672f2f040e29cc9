"""Bluesky (AT Protocol) posts as thread rows.

The shapes the AT Protocol API returns, one JSON document per line (as `curl` or `jq -c`
write them), or a `.json` file holding one response, indented or not:

- post views (`app.bsky.feed.defs#postView`), as most collection tools write them, one
  post per line;
- responses of `app.bsky.feed.searchPosts` (`{"posts": [...]}`) and of feeds
  (`{"feed": [{"post": ...}]}`), whose post views are read in order;
- responses of `app.bsky.feed.getPostThread` (`{"thread": {"post", "parent", "replies"}}`),
  whose posts are walked: the thread's ancestors and every reply below.

Mapping (docs/input-formats.md):

  uri                          id (`at://did:.../app.bsky.feed.post/...`)
  record.reply.root.uri        thread_id; a post that replies to nothing opens its own thread
  record.reply.parent.uri      parent_id
  author.handle                author
  author.displayName, .description
                               author_description ("Display Name: bio"), which the role cues read
  record.createdAt             created
  record.text                  text
  record.langs                 lang, the first when it is a two-letter code

A thread response's posts that are deleted, blocked or not found stand in the thread only
as markers: they are left out and counted, and their replies answer the thread's first
post (ingest's row store, as for Reddit dumps, notes each repair). A post seen twice (a
search and a thread response) is kept once and counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats import language_code, profile_description

POST_TYPE = "app.bsky.feed.post"


def is_post_view(obj: object) -> bool:
    """A post view: an `at://` uri, an author and a post record."""
    return (
        isinstance(obj, dict)
        and str(obj.get("uri", "")).startswith("at://")
        and isinstance(obj.get("author"), dict)
        and isinstance(obj.get("record"), dict)
        and obj["record"].get("$type", POST_TYPE) == POST_TYPE
    )


def _listed_views(obj: object) -> list[dict] | None:
    """The post views of a searchPosts response (`{"posts": [...]}`) or of a feed
    (`{"feed": [{"post": ...}]}`); None for anything else."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("posts"), list):
        views = obj["posts"]
    elif isinstance(obj.get("feed"), list):
        views = [item.get("post") for item in obj["feed"] if isinstance(item, dict)]
    else:
        return None
    return views if views and all(is_post_view(v) for v in views) else None


def is_bluesky_record(obj: object) -> bool:
    """A post view, a getPostThread response, or a searchPosts or feed response."""
    return (
        is_post_view(obj)
        or (isinstance(obj, dict) and isinstance(obj.get("thread"), dict))
        or _listed_views(obj) is not None
    )


def _first_language(langs: object) -> str | None:
    return language_code(langs[0]) if isinstance(langs, list) and langs else None


def _ref(reply: dict, key: str) -> str | None:
    ref = reply.get(key)
    return str(ref["uri"]) if isinstance(ref, dict) and ref.get("uri") else None


def post_row(view: dict) -> dict:
    """One post view as generic thread-row fields."""
    record, author = view["record"], view["author"]
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    uri = str(view["uri"])
    root, parent = _ref(reply, "root"), _ref(reply, "parent")
    return {
        "id": uri,
        "thread_id": root or uri,
        "parent_id": (parent or root) if root and root != uri else None,
        "author": author.get("handle") or author.get("did"),
        "author_description": profile_description(author.get("displayName"), author.get("description")),
        "created": record.get("createdAt"),
        "text": record.get("text") or "",
        "lang": _first_language(record.get("langs")),
    }


def _thread_views(node: dict, gone: list[int]) -> Iterator[dict]:
    """The post views of a getPostThread response's thread: its ancestors (oldest first),
    the post, then its replies depth first. Markers of deleted, blocked or missing posts
    are counted in `gone`. Walked with a stack: a long reply chain is deep."""
    ancestors = []
    up = node.get("parent")
    while isinstance(up, dict):
        ancestors.append(up)
        up = up.get("parent")
    for a in reversed(ancestors):
        if is_post_view(a.get("post")):
            yield a["post"]
        else:
            gone[0] += 1
    stack = [node]
    while stack:
        n = stack.pop()
        if is_post_view(n.get("post")):
            yield n["post"]
        else:
            gone[0] += 1
        replies = [r for r in n.get("replies") or () if isinstance(r, dict)]
        stack.extend(reversed(replies))


def read_bluesky(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a Bluesky file's records, as they are read."""
    gone = [0]
    first_gone = 0
    for line, record in lines:
        if is_post_view(record):
            yield line, post_row(record)
        elif (views := _listed_views(record)) is not None:
            for view in views:
                yield line, post_row(view)
        elif isinstance(record, dict) and isinstance(record.get("thread"), dict):
            before = gone[0]
            for view in _thread_views(record["thread"], gone):
                yield line, post_row(view)
            if gone[0] > before and not first_gone:
                first_gone = line
        else:
            raise InputError(
                path, line, "not a Bluesky post view (uri, author, record), nor a thread, search or feed response"
            )
    if gone[0]:
        notes.append(
            Note(
                where=f"{path}:{first_gone}",
                kind="note",
                message=f"{gone[0]} post(s) of thread responses deleted, blocked or not found: left out",
            )
        )
