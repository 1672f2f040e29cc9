"""A WordPress export (WXR: Tools > Export in a site's admin, an RSS file with WordPress's
own elements) as thread rows: each post or page with comments is a thread, its comments
the replies.

Blogs and many smaller news and debate sites run on WordPress, and its export holds every
comment with its parent. Mapping (docs/input-formats.md):

  <item> with <wp:post_id>       thread_id and the root's id, as "wp-post-<id>"
  <title>, <content:encoded>     the root's title and text (HTML read as text)
  <dc:creator>, <wp:post_date_gmt>
                                 the root's author and created (UTC)
  <wp:comment_id>                id, as "wp-comment-<id>" (comment and post ids are separate)
  <wp:comment_parent>            parent_id; 0 (no parent) answers the post
  <wp:comment_author>            author
  <wp:comment_date_gmt>          created (UTC)
  <wp:comment_content>           text: HTML read as text, its own line breaks kept

Pingbacks and trackbacks (links from other sites, `wp:comment_type`) are no one's words:
left out and counted. A comment held for moderation, marked as spam or put in the trash
(`wp:comment_approved` other than 1) stays in its thread with empty text and no author, so
replies keep their parent, and is counted. Streamed (`xmlstream`), one post at a time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats.xmlstream import Record, xml_head, xml_records
from pipeline.ingest.markup import html_text

WXR_NS = b"wordpress.org/export/"
LINKS = ("pingback", "trackback")
# WordPress writes "0000-00-00 00:00:00" for a date it does not have (drafts).
NO_DATE = "0000-00-00 00:00:00"


def looks_like_wordpress(path: Path) -> bool:
    """True for an `.xml` file that is a WordPress export (an RSS file with its namespace)."""
    head = xml_head(path)
    return b"<rss" in head and WXR_NS in head


def _utc(value: str) -> str | None:
    """WordPress's GMT date ("2024-03-01 09:15:00") as ISO 8601 in UTC."""
    value = value.strip()
    if not value or value == NO_DATE:
        return None
    return value.replace(" ", "T") + "+00:00"


def _text(value: str) -> str:
    # WordPress stores a comment as typed: line breaks are the writer's own, and become
    # <br> and paragraphs only when shown.
    return html_text(re.sub(r"\r?\n", "<br>\n", value.strip()))


def _wanted(names: tuple[str, ...]) -> bool:
    return names[-1] == "item" and len(names) == 3 or names[-1] == "wp:comment" and len(names) == 4


def read_wordpress(path: Path, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts for a WordPress export: each post with comments as a root followed
    by its comments in the export's order; the line is where the element opens."""
    comments: list[Record] = []
    counts: Counter = Counter()
    for rec in xml_records(path, _wanted):
        if rec.name == "wp:comment":
            comments.append(rec)
            continue
        post_id = rec.text("wp:post_id").strip()
        if not post_id:
            raise InputError(path, rec.line, "an <item> without a wp:post_id")
        said = [c for c in comments if c.text("wp:comment_type").strip() not in LINKS]
        counts["links"] += len(comments) - len(said)
        comments = []
        if not said:
            counts["quiet"] += 1
            continue
        counts["threads"] += 1
        root = f"wp-post-{post_id}"
        yield (
            rec.line,
            {
                "id": root,
                "thread_id": root,
                "parent_id": None,
                "author": rec.text("dc:creator").strip() or None,
                "created": _utc(rec.text("wp:post_date_gmt")),
                "title": html_text(rec.text("title")).strip() or None,
                "text": html_text(rec.text("content:encoded")),
            },
        )
        for c in said:
            cid = c.text("wp:comment_id").strip()
            if not cid:
                raise InputError(path, c.line, "a <wp:comment> without a wp:comment_id")
            parent = c.text("wp:comment_parent").strip()
            shown = c.text("wp:comment_approved").strip() == "1"
            counts["hidden"] += not shown
            yield (
                c.line,
                {
                    "id": f"wp-comment-{cid}",
                    "thread_id": root,
                    "parent_id": f"wp-comment-{parent}" if parent and parent != "0" else root,
                    "author": (c.text("wp:comment_author").strip() or None) if shown else None,
                    "created": _utc(c.text("wp:comment_date_gmt")),
                    "text": _text(c.text("wp:comment_content")) if shown else "",
                },
            )
    if not counts["threads"] and not counts["quiet"]:
        raise InputError(path, 1, "a WordPress export without posts")
    said_parts = [f"{counts['threads']} post(s) with comments read"]
    if counts["quiet"]:
        said_parts.append(f"{counts['quiet']} post(s) without comments left out")
    if counts["links"]:
        said_parts.append(f"{counts['links']} pingback(s) and trackback(s) left out")
    if counts["hidden"]:
        said_parts.append(
            f"{counts['hidden']} comment(s) held for moderation, spam or trash kept with empty text and no author"
        )
    notes.append(Note(where=str(path), kind="note", message="WordPress export: " + "; ".join(said_parts)))
