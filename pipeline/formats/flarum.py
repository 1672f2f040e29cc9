"""Flarum discussions as a Flarum forum's JSON API returns them (JSON:API documents), as
thread rows.

`/api/discussions/<id>` gives the discussion as `data` with its posts and their users in
`included`; `/api/posts?filter[discussion]=<id>` gives posts as `data`, users and the
discussion in `included`. One document per `.json` file or one per line. Mapping
(docs/input-formats.md):

  the discussion's id              thread_id "d<id>"
  a post's number                  id "d<discussion>-<number>": post 1 opens the discussion
  the post its text mentions       parent_id: a reply made with Flarum's reply button opens
                                   with `<a class="PostMention" data-id="...">`, naming the
                                   post it answers (by its id, which this document maps to a
                                   number); without one, the discussion's first post
  the user's username              author; a display name other than it is the description
  createdAt                        created
  the discussion's title           the first post's title
  contentHtml                      text, read as text

Posts that record an event (renamed, stickied, tagged: a contentType other than "comment")
are left out and counted; a hidden post keeps its place with empty text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats import profile_description
from pipeline.ingest.markup import html_text

_TYPES = ("discussions", "posts")
_MENTION_RE = re.compile(r'<a\b[^>]*\bclass="[^"]*\bPostMention\b[^"]*"[^>]*>', re.IGNORECASE)
_DATA_ID_RE = re.compile(r'\bdata-id="(\d+)"')


def _resources(obj: object) -> list | None:
    data = obj.get("data") if isinstance(obj, dict) else None
    items = data if isinstance(data, list) else [data]
    if not items or not all(
        isinstance(r, dict) and r.get("type") in _TYPES and "id" in r and isinstance(r.get("attributes"), dict)
        for r in items
    ):
        return None
    return items


def is_flarum_record(obj: object) -> bool:
    """A JSON:API document whose `data` is a Flarum discussion or posts."""
    return _resources(obj) is not None


def _related(resource: dict, name: str) -> str | None:
    rel = resource.get("relationships") if isinstance(resource.get("relationships"), dict) else {}
    data = rel.get(name, {}).get("data") if isinstance(rel.get(name), dict) else None
    return str(data["id"]) if isinstance(data, dict) and "id" in data else None


def read_flarum(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a file of Flarum API documents."""
    events = hidden = 0
    for line, record in lines:
        resources = _resources(record)
        if resources is None:
            raise InputError(path, line, "not a Flarum API document (data of discussions or posts)")
        every = resources + [r for r in record.get("included") or () if isinstance(r, dict)]
        users = {str(r["id"]): r.get("attributes") or {} for r in every if r.get("type") == "users"}
        discussions = {str(r["id"]): r.get("attributes") or {} for r in every if r.get("type") == "discussions"}
        posts = [r for r in every if r.get("type") == "posts"]
        only = next(iter(discussions), None) if len(discussions) == 1 else None
        number_of = {str(p["id"]): p["attributes"].get("number") for p in posts}
        for post in posts:
            attrs = post["attributes"]
            if attrs.get("contentType", "comment") != "comment":
                events += 1
                continue
            discussion = _related(post, "discussion") or only
            number = attrs.get("number")
            if discussion is None or not isinstance(number, int):
                raise InputError(path, line, f"Flarum post {post['id']} without its discussion or number")
            thread = f"d{discussion}"
            html = attrs.get("contentHtml") or ""
            mention = _MENTION_RE.search(html)
            answered = number_of.get(m[1]) if mention and (m := _DATA_ID_RE.search(mention[0])) else None
            user = users.get(_related(post, "user") or "", {})
            name, shown = user.get("username"), user.get("displayName")
            if attrs.get("isHidden"):
                hidden += 1
            yield (
                line,
                {
                    "id": f"{thread}-{number}",
                    "thread_id": thread,
                    "parent_id": None
                    if number == 1
                    else f"{thread}-{answered if isinstance(answered, int) and answered != number else 1}",
                    "author": name,
                    "author_description": profile_description(shown if shown != name else None, None),
                    "created": attrs.get("createdAt"),
                    "title": (discussions.get(discussion, {}).get("title") or "") if number == 1 else "",
                    # The mention reads as Flarum shows it, "@jonas", without its link.
                    "text": "" if attrs.get("isHidden") else html_text(_MENTION_RE.sub("<a>@", html)).strip(),
                },
            )
    if events or hidden:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"{events} event post(s) (renamed, stickied, tagged) left out; {hidden} hidden post(s) "
                "read with empty text",
            )
        )
