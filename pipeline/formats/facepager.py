"""Facepager's CSV export, as thread rows.

Facepager (Jünger and Keyling's tool for fetching data from public APIs: Facebook pages'
posts and comments, YouTube's comment threads, and others) keeps what it fetched as a tree
of nodes and exports them as a table: eight columns of its own, then the columns the
researcher chose from the API's answers (`message`, `created_time`, `from.name`, ...),
semicolon-separated, every value quoted (all nodes ordered as they were made, or the
selected ones as its tree shows them, with its columns in another order). Mapping
(docs/input-formats.md):

  object_id            id (the platform's own: "123_456"; Facepager's `id` where empty)
  parent_id            parent_id: the object of the node it was fetched from, where that
                       node is a post or comment; a post fetched from its page (a `seed`
                       node) opens a thread, comments fetched from a seed that is a post
                       (the query names comments) answer it
  the chain's first    thread_id (ingest's row store follows the chain)
  post
  object_type          only `data` and `unpacked` nodes are posts: `seed` nodes are the
                       queries' starting points (a page, a channel), `offcut` ones the
                       answers' wrappers; both left out, counted
  message, text, ...   text: the first of the known text columns the export holds (or the
                       column `--columns text=...` names)
  from.name, ...       author; created_time, created_at, ... created

Facepager replaces line breaks by spaces by default, so a post's paragraphs are one line.
Written by hand: no library reads Facepager's tables; the columns are those its own
export writes (`src/export.py` and the tree model's `getRowHeader` of strohne/Facepager).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import PENDING_THREAD, Note

OWN_COLUMNS = ("level", "id", "parent_id", "object_id", "object_type", "query_status", "query_time", "query_type")
POST_TYPES = ("data", "unpacked")
# The columns researchers pick for a post's words, author and time, from the APIs
# Facepager's presets query (Facebook's Graph API, YouTube's Data API, Twitter's), in
# the order tried; a column `--columns` maps takes the field's own name first.
TEXT_COLUMNS = (
    "text",
    "message",
    "full_text",
    "body",
    "snippet.topLevelComment.snippet.textOriginal",
    "snippet.topLevelComment.snippet.textDisplay",
    "snippet.textOriginal",
    "snippet.textDisplay",
)
AUTHOR_COLUMNS = (
    "author",
    "from.name",
    "snippet.topLevelComment.snippet.authorDisplayName",
    "snippet.authorDisplayName",
    "user.screen_name",
    "author.name",
    "user.name",
)
CREATED_COLUMNS = (
    "created",
    "created_time",
    "snippet.topLevelComment.snippet.publishedAt",
    "snippet.publishedAt",
    "created_at",
)
TITLE_COLUMNS = ("title", "snippet.title")
# A node without a parent, as Facepager writes it (Python's None as text, or nothing).
NO_PARENT = ("", "None", "none", "NULL")
# A query that fetched comments or replies ("Facebook:<post>/comments",
# "YouTube:commentThreads"), where one that fetched a page's posts reads "<page>/posts".
COMMENTS_QUERY_RE = re.compile(r"comment|repl", re.IGNORECASE)


def is_facepager_header(header: list[str]) -> bool:
    """A header as Facepager's export writes it, with its own columns: all nodes in this
    order, selected ones as the tree shows them (`id`, `parent_id`, `level`, ...), newer
    versions with `object_key` too."""
    return set(OWN_COLUMNS) <= set(header)


def _first(header: list[str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in header), None)


def rows_from_facepager(
    path: Path, header: list[str], rows: Iterable[tuple[int, dict[str, str]]], notes: list[Note]
) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a Facepager export's post and comment nodes,
    as they are read. Nodes come in the order Facepager made them (or as its tree shows
    them), a node after the one it was fetched from."""
    text_col = _first(header, TEXT_COLUMNS)
    if text_col is None:
        raise InputError(
            path,
            1,
            "a Facepager export without a column of the posts' words: add one to the export's custom columns "
            f"({', '.join(TEXT_COLUMNS[1:5])}, ...), or name yours with --columns text=COLUMN",
        )
    author_col, created_col = _first(header, AUTHOR_COLUMNS), _first(header, CREATED_COLUMNS)
    title_col = _first(header, TITLE_COLUMNS)
    objects: dict[str, str] = {}  # a post or comment node -> its object's id
    seeds: dict[str, str] = {}  # a seed node -> its object's id
    others: set[str] = set()  # offcut nodes, and others that are no post
    left: Counter[str] = Counter()
    for line, row in rows:
        node = (row.get("id") or "").strip()
        kind = (row.get("object_type") or "").strip()
        if kind not in POST_TYPES:
            if kind == "seed":
                seeds[node] = (row.get("object_id") or "").strip()
            else:
                others.add(node)
            left[kind or "untyped"] += 1
            continue
        oid = (row.get("object_id") or "").strip() or f"facepager-{node}"
        objects[node] = oid
        yield (
            line,
            {
                "id": oid,
                "thread_id": PENDING_THREAD + oid,
                "parent_id": _parent(row, objects, seeds, others),
                "author": _cell(row, author_col) or None,
                "created": _cell(row, created_col) or None,
                "title": _cell(row, title_col),
                "text": row.get(text_col) or "",
            },
        )
    if left:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(left.items()))
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"Facepager: {len(objects)} post and comment node(s) read; nodes that are none left out "
                f"({counts}: the queries' starting points and their answers' wrappers)",
            )
        )


def _cell(row: dict[str, str], column: str | None) -> str:
    return (row.get(column) or "").strip() if column else ""


def _parent(row: dict[str, str], objects: dict[str, str], seeds: dict[str, str], others: set[str]) -> str | None:
    """The post or comment a node answers: the one it was fetched from. A node fetched from
    a seed answers it where the query fetched comments (the seed is a post or a video);
    where it fetched a page's posts, it opens a thread. A node whose parent the export
    left out answers a post that is missing, which ingest repairs and reports; at level 1
    that parent was a seed."""
    above = (row.get("parent_id") or "").strip()
    if above in objects:
        return objects[above]
    if above in NO_PARENT or above in others:
        return None
    comments = COMMENTS_QUERY_RE.search(row.get("query_type") or "") is not None
    if above in seeds:
        return (seeds[above] or f"facepager-{above}") if comments else None
    if (row.get("level") or "").strip() == "1" and not comments:
        return None
    return f"facepager-{above}"
