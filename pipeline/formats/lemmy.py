"""Lemmy posts and comments (the Lemmy API's views, as feddit.dk and other instances serve
them) as thread rows.

A Lemmy community is a subreddit on the fediverse; Danish debate moved partly to one
(feddit.dk) in 2023. Researchers save what the API returns, one JSON document per line or
one response per `.json` file:

- a post (`/api/v3/post?id=`: `{"post_view": {...}, "community_view", ...}`);
- a page of posts (`/api/v3/post/list`: `{"posts": [post views]}`);
- a page of comments (`/api/v3/comment/list?post_id=`: `{"comments": [comment views]}`);
- post views or comment views one per line, as clients such as pythorhead return them.

Mapping (docs/input-formats.md):

  post.id                    id "post-<id>" and thread_id (post and comment ids are two
                             sequences of one instance, so each is prefixed)
  comment.id                 id "comment-<id>"
  comment.post_id            thread_id "post-<post_id>"
  comment.path               parent_id: the path lists the comment's ancestors from the
                             post ("0.12.34" answers comment 12; "0.34" the post)
  creator.name               author ("anna"; "anna@lemmy.world" for a user of another
                             instance, from creator.actor_id, since names are per instance)
  creator.display_name, .bio author_description ("Display Name: bio"), which the role cues read
  published (published_at)   created (UTC)
  post.name                  title; a link post with no body has the title alone
  post.body, comment.content text (Markdown, kept as written, as Reddit's bodies are)
  community.name             topic

A comment view also carries its post, without the post's author: where the input holds
comments but not their post's own view, the post is its thread's root without an author;
where both are read, the post view completes that row (ingest's row store). A deleted or
removed post or comment keeps its place in its thread with empty text, counted in a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats import profile_description


def _is_post(obj: object) -> bool:
    return isinstance(obj, dict) and "name" in obj and "ap_id" in obj and "community_id" in obj


def is_post_view(obj: object) -> bool:
    """A PostView: a post with its creator and community (a comment view, which carries its
    post too, is not one)."""
    return (
        isinstance(obj, dict)
        and _is_post(obj.get("post"))
        and isinstance(obj.get("creator"), dict)
        and "comment" not in obj
    )


def is_comment_view(obj: object) -> bool:
    """A CommentView: a comment (with the path only Lemmy's comments carry), its creator and post."""
    comment = obj.get("comment") if isinstance(obj, dict) else None
    return isinstance(comment, dict) and "path" in comment and "content" in comment and "creator" in obj


def _views(obj: object) -> list | None:
    """The views a record holds: itself, or a response's post and comments; None for a
    record that is no Lemmy view or response."""
    if is_post_view(obj) or is_comment_view(obj):
        return [obj]
    if not isinstance(obj, dict):
        return None
    views: list = []
    if is_post_view(obj.get("post_view")):
        views.append(obj["post_view"])
    for key, test in (("posts", is_post_view), ("comments", is_comment_view)):
        listed = obj.get(key)
        if isinstance(listed, list) and listed and all(test(v) for v in listed):
            views.extend(listed)
        elif listed is not None and listed != []:
            return None
    # An empty page ({"comments": []}) is a response that found nothing.
    return views if views or obj.get("comments") == [] or obj.get("posts") == [] else None


def is_lemmy_record(obj: object) -> bool:
    """A post or comment view, or a response holding them."""
    return _views(obj) is not None


def _author(person: object) -> str | None:
    if not isinstance(person, dict):
        return None
    name = person.get("name")
    if not name:
        return None
    host = urlsplit(str(person.get("actor_id") or "")).hostname
    # A user of another instance is named with it, as Lemmy itself shows them.
    return f"{name}@{host}" if person.get("local") is False and host else str(name)


def _published(obj: dict) -> str | None:
    # Lemmy 1.0 renamed `published` to `published_at`.
    return obj.get("published") or obj.get("published_at")


def _text(obj: dict, key: str, gone: list[int]) -> str:
    if obj.get("deleted") or obj.get("removed"):
        gone[0] += 1
        return ""
    return str(obj.get(key) or "").strip()


def _post_row(post: dict, creator: dict | None, community: dict | None, gone: list[int]) -> dict:
    pid = f"post-{post['id']}"
    return {
        "id": pid,
        "thread_id": pid,
        "parent_id": None,
        "author": _author(creator) if creator is not None else None,
        "author_description": (
            profile_description(creator.get("display_name"), creator.get("bio")) if creator is not None else None
        ),
        "created": _published(post),
        "title": str(post.get("name") or "").strip(),
        "text": _text(post, "body", gone),
        "topic": (community or {}).get("name") or None,
    }


def _comment_row(view: dict, path: Path, line: int, gone: list[int]) -> dict:
    comment = view["comment"]
    creator = view["creator"] if isinstance(view["creator"], dict) else {}
    steps = str(comment.get("path") or "").split(".")
    if comment.get("id") is None or len(steps) < 2 or steps[0] != "0" or steps[-1] != str(comment["id"]):
        raise InputError(path, line, f"a Lemmy comment whose path {comment.get('path')!r} does not end in its id")
    if comment.get("post_id") is None:
        raise InputError(path, line, f"Lemmy comment {comment['id']} without its post_id")
    thread = f"post-{comment['post_id']}"
    return {
        "id": f"comment-{comment['id']}",
        "thread_id": thread,
        "parent_id": f"comment-{steps[-2]}" if len(steps) > 2 else thread,
        "author": _author(creator),
        "author_description": profile_description(creator.get("display_name"), creator.get("bio")),
        "created": _published(comment),
        "text": _text(comment, "content", gone),
        "topic": (view.get("community") or {}).get("name") or None,
    }


def read_lemmy(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a file of Lemmy views or responses. A post is
    given once per file: from its own view, else from the first comment view carrying it."""
    gone = [0]
    posts_given: set[str] = set()
    carried: dict[str, tuple[int, dict, dict | None]] = {}
    for line, record in lines:
        views = _views(record)
        if views is None:
            raise InputError(path, line, "not a Lemmy post view, comment view or API response holding them")
        for view in views:
            if is_post_view(view):
                row = _post_row(view["post"], view["creator"], view.get("community"), gone)
                posts_given.add(row["id"])
                yield line, row
                continue
            post = view.get("post")
            if _is_post(post) and f"post-{post['id']}" not in carried:
                carried[f"post-{post['id']}"] = (line, post, view.get("community"))
            yield line, _comment_row(view, path, line, gone)
    # A post known only from its comments stands as their root, without its author.
    for pid, (line, post, community) in carried.items():
        if pid not in posts_given:
            yield line, _post_row(post, None, community, gone)
    if gone[0]:
        notes.append(
            Note(
                where=str(path),
                kind="repaired",
                message=f"{gone[0]} deleted or removed Lemmy post(s) or comment(s) read with empty text",
            )
        )
