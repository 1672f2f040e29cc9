"""Discourse topics as a Discourse forum's JSON API returns them, as thread rows.

Discourse runs many organisations' and communities' forums. A topic's page with `.json`
appended (`/t/<slug>/<id>.json`, and `?page=2` for its next posts), its posts in batches
(`/t/<id>/posts.json`), or the site's latest posts (`/posts.json`: `latest_posts`); one
response per `.json` file or one per line, or posts one per line. Mapping
(docs/input-formats.md):

  topic_id (the topic's id)   thread_id "topic-<id>"
  post_number                 id "topic-<id>-<number>": post 1 opens the topic
  reply_to_post_number        parent_id: the post answered; a post answering none
                              answers the topic (post 1), as Discourse shows it
  username                    author
  name, user_title            author_description ("Full Name: title"), which the role cues read
  created_at                  created
  the topic's title           the opening post's title
  cooked                      text, its HTML read as text (a quotation as "> ...", without
                              its "name:" header)

Posts that only record an action (post_type 3: "closed the topic", "pinned") and staff
whispers (post_type 4) are left out and counted; a deleted post keeps its place with
empty text. A reply whose post is not in the input answers the opening post, and a topic
whose first post is not in it gets an empty root, as for other exports (notes say so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats import profile_description
from pipeline.ingest.markup import html_text

# Discourse's post types: 1 regular, 2 moderator action, 3 small action, 4 whisper.
ACTION, WHISPER = 3, 4
# A quotation's header ("mette:" beside her avatar) above the quoted words: the quotation
# is read as "> ..." as Reddit's and Markdown's are, and its author is in data-username.
QUOTE_TITLE_RE = re.compile(r'(<aside\b[^>]*\bclass="quote\b[^>]*>)\s*<div class="title">.*?</div>', re.DOTALL)


def _is_post(obj: object) -> bool:
    return (
        isinstance(obj, dict)
        and "post_number" in obj
        and isinstance(obj.get("cooked"), str)
        and "username" in obj
        and "avatar_template" in obj
    )


def _listed(obj: object) -> tuple[list, dict] | None:
    """A response's posts and what it says of its topic; None for anything else."""
    if not isinstance(obj, dict):
        return None
    stream = obj.get("post_stream")
    posts = stream.get("posts") if isinstance(stream, dict) else obj.get("latest_posts")
    if not isinstance(posts, list) or not all(_is_post(p) for p in posts):
        return None
    return posts, obj if isinstance(stream, dict) else {}


def is_discourse_record(obj: object) -> bool:
    """A Discourse post, or a topic or posts response holding them."""
    return _is_post(obj) or _listed(obj) is not None


def _number(value: object) -> int | None:
    # Discourse writes numbers; a file re-saved through a spreadsheet or script may quote them.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def _row(post: dict, topic: dict, path: Path, line: int, gone: list[int]) -> dict:
    topic_id = post.get("topic_id", topic.get("id"))
    number = _number(post.get("post_number"))
    if topic_id is None or number is None:
        raise InputError(path, line, "a Discourse post without its topic_id or post_number")
    thread = f"topic-{topic_id}"
    answered = _number(post.get("reply_to_post_number"))
    if post.get("reply_to_post_number") not in (None, "") and answered is None:
        raise InputError(path, line, f"reply_to_post_number {post['reply_to_post_number']!r} is no post number")
    deleted = bool(post.get("deleted_at") or post.get("user_deleted"))
    gone[0] += deleted
    name = post.get("name") or None
    return {
        "id": f"{thread}-{number}",
        "thread_id": thread,
        "parent_id": None if number == 1 else f"{thread}-{answered or 1}",
        "author": post.get("username"),
        "author_description": profile_description(
            name if name != post.get("username") else None, post.get("user_title") or None
        ),
        "created": post.get("created_at"),
        "title": (topic.get("title") or post.get("topic_title") or "") if number == 1 else "",
        "text": "" if deleted else html_text(QUOTE_TITLE_RE.sub(r"\1", post["cooked"])).strip(),
    }


def read_discourse(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a file of Discourse posts or responses."""
    gone = [0]
    left_out = {ACTION: 0, WHISPER: 0}
    for line, record in lines:
        if _is_post(record):
            posts, topic = [record], {}
        elif (listed := _listed(record)) is not None:
            posts, topic = listed
        else:
            raise InputError(path, line, "not a Discourse post, topic or posts response")
        for post in posts:
            kind = post.get("post_type", 1)
            if kind in left_out:
                left_out[kind] += 1
                continue
            yield line, _row(post, topic, path, line, gone)
    if left_out[ACTION] or left_out[WHISPER]:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"{left_out[ACTION]} action record(s) ('closed the topic', 'pinned') and "
                f"{left_out[WHISPER]} staff whisper(s) left out",
            )
        )
    if gone[0]:
        notes.append(
            Note(where=str(path), kind="repaired", message=f"{gone[0]} deleted Discourse post(s) read with empty text")
        )
