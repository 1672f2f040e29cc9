"""A Disqus comment export (the XML a site's admin downloads under Moderation > Export) as
thread rows.

Many news sites and blogs run their comment sections on Disqus; its export is one XML file
for the whole site: every page with comments enabled as a `<thread>`, then every comment
as a `<post>` naming its thread and, for a reply, its parent. Mapping
(docs/input-formats.md):

  <thread dsq:id>               thread_id and the root's id, as "disqus-thread-<id>" (post
                                and thread ids are separate sequences)
  thread <title>, <message>     the root's title and text (the page; its text is usually empty)
  thread <createdAt>, <author>  the root's created and author
  <post dsq:id>                 id
  <parent dsq:id>               parent_id; a post without one answers its thread's root
  <author><name>                author (the display name, a guest's too; else <username>)
  <createdAt>                   created (UTC)
  <message>                     text: its HTML read as the text a reader saw

A post that was deleted or marked as spam stays in its thread with empty text and no
author (replies keep their parent), and is counted in a note. A page without comments
is left out and counted. Streamed (`xmlstream`): the file is never held whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats.xmlstream import Record, xml_head, xml_records
from pipeline.ingest.markup import html_text

DISQUS_NS = "http://disqus.com"


def looks_like_disqus(path: Path) -> bool:
    """True for an `.xml` file whose root element is Disqus's `<disqus>`."""
    head = xml_head(path)
    return b"<disqus" in head and DISQUS_NS.encode() in head


def thread_row_id(dsq_id: str) -> str:
    return f"disqus-thread-{dsq_id}"


def _author(record: Record) -> str | None:
    """The display name, else the username (an export may leave either out)."""
    return record.text("author/name").strip() or record.text("author/username").strip() or None


def _flag(record: Record, key: str) -> bool:
    return record.text(key).strip().lower() == "true"


def read_disqus(path: Path, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts for a Disqus export: each thread's root (a page with comments),
    followed by its posts in the export's order; the line is where the element opens."""
    threads: dict[str, Record] = {}
    opened: set[str] = set()
    deleted = spam = 0
    for rec in xml_records(path, lambda names: len(names) == 2 and names[-1] in ("thread", "post")):
        dsq_id = rec.attrs.get("dsq:id", "")
        if not dsq_id:
            raise InputError(path, rec.line, f"a <{rec.name}> without a dsq:id")
        if rec.name == "thread":
            threads[dsq_id] = rec
            continue
        thread = rec.text("thread@dsq:id")
        if not thread:
            raise InputError(path, rec.line, f"post {dsq_id} names no thread")
        if thread not in opened and thread in threads:
            opened.add(thread)
            page = threads[thread]
            yield (
                page.line,
                {
                    "id": thread_row_id(thread),
                    "thread_id": thread_row_id(thread),
                    "parent_id": None,
                    "author": _author(page),
                    "created": page.text("createdAt").strip() or None,
                    "title": html_text(page.text("title")).strip() or None,
                    "text": html_text(page.text("message")),
                },
            )
        is_deleted, is_spam = _flag(rec, "isDeleted"), _flag(rec, "isSpam")
        gone = is_deleted or is_spam
        deleted += is_deleted
        spam += is_spam and not is_deleted
        yield (
            rec.line,
            {
                "id": dsq_id,
                "thread_id": thread_row_id(thread),
                "parent_id": rec.text("parent@dsq:id") or thread_row_id(thread),
                "author": None if gone else _author(rec),
                "created": rec.text("createdAt").strip() or None,
                "text": "" if gone else html_text(rec.text("message")),
            },
        )
    if not threads and not opened:
        raise InputError(path, 1, "a Disqus export without threads or posts")
    quiet = len(threads) - len(opened)
    said = [f"{len(opened)} page(s) with comments read"]
    if quiet:
        said.append(f"{quiet} page(s) without comments left out")
    if deleted or spam:
        said.append(f"{deleted} deleted and {spam} spam post(s) kept with empty text and no author")
    notes.append(Note(where=str(path), kind="note", message="Disqus export: " + "; ".join(said)))
