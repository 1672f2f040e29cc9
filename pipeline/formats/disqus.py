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
is left out and counted. Read with the standard library's expat parser, streamed: the
file is never held whole, and expat neither fetches external entities nor expands nested
entities without bound.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.ingest.markup import html_text

DISQUS_NS = "http://disqus.com"
INTERNALS_NS = "http://disqus.com/disqus-internals"
CHUNK = 1 << 16


def looks_like_disqus(path: Path) -> bool:
    """True for an `.xml` file whose root element is Disqus's `<disqus>`."""
    path = Path(path)
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return b"<disqus" in head and DISQUS_NS.encode() in head


def thread_row_id(dsq_id: str) -> str:
    return f"disqus-thread-{dsq_id}"


class _Reader:
    """expat callbacks that collect each top-level `<thread>` and `<post>` as a dict of the
    texts and ids this reader maps, with the line it opens on."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.path: list[str] = []
        self.record: dict[str, str] | None = None
        self.done: list[tuple[str, dict[str, str]]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        self.path.append(local)
        dsq_id = attrs.get(f"{INTERNALS_NS} id", "")
        if len(self.path) == 2 and local in ("thread", "post"):
            self.record = {"dsq_id": dsq_id, "line": str(self.parser.CurrentLineNumber)}
        elif self.record is not None and len(self.path) == 3 and local in ("thread", "parent"):
            self.record[f"{local}_id"] = dsq_id

    def end(self, name: str) -> None:
        if len(self.path) == 2 and self.record is not None and self.path[-1] in ("thread", "post"):
            self.done.append((self.path[-1], self.record))
            self.record = None
        self.path.pop()

    def text(self, data: str) -> None:
        if self.record is not None and len(self.path) >= 3:
            key = "/".join(self.path[2:])
            self.record[key] = self.record.get(key, "") + data


def _records(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    parser = expat.ParserCreate(namespace_separator=" ")
    reader = _Reader(parser)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.buffer_text = True
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as exc:
                raise InputError(path, exc.lineno, f"not valid XML: {expat.errors.messages[exc.code]}") from None
            yield from reader.done
            reader.done.clear()
            if not chunk:
                return


def _author(record: dict[str, str]) -> str | None:
    """The display name, else the username (an export may leave either out)."""
    return record.get("author/name", "").strip() or record.get("author/username", "").strip() or None


def _flag(record: dict[str, str], key: str) -> bool:
    return record.get(key, "").strip().lower() == "true"


def read_disqus(path: Path, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts for a Disqus export: each thread's root (a page with comments),
    followed by its posts in the export's order; the line is where the element opens."""
    threads: dict[str, dict[str, str]] = {}
    opened: set[str] = set()
    deleted = spam = 0
    for kind, rec in _records(path):
        line = int(rec["line"])
        if not rec["dsq_id"]:
            raise InputError(path, line, f"a <{kind}> without a dsq:id")
        if kind == "thread":
            threads[rec["dsq_id"]] = rec
            continue
        thread = rec.get("thread_id", "")
        if not thread:
            raise InputError(path, line, f"post {rec['dsq_id']} names no thread")
        if thread not in opened and thread in threads:
            opened.add(thread)
            page = threads[thread]
            yield (
                int(page["line"]),
                {
                    "id": thread_row_id(thread),
                    "thread_id": thread_row_id(thread),
                    "parent_id": None,
                    "author": _author(page),
                    "created": page.get("createdAt", "").strip() or None,
                    "title": html_text(page.get("title", "")).strip() or None,
                    "text": html_text(page.get("message", "")),
                },
            )
        gone = _flag(rec, "isDeleted") or _flag(rec, "isSpam")
        deleted += _flag(rec, "isDeleted")
        spam += _flag(rec, "isSpam") and not _flag(rec, "isDeleted")
        yield (
            line,
            {
                "id": rec["dsq_id"],
                "thread_id": thread_row_id(thread),
                "parent_id": rec.get("parent_id") or thread_row_id(thread),
                "author": None if gone else _author(rec),
                "created": rec.get("createdAt", "").strip() or None,
                "text": "" if gone else html_text(rec.get("message", "")),
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
