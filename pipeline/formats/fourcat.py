"""4CAT CSV exports as thread rows.

4CAT (the Digital Methods Initiative's capture and analysis toolkit) exports a dataset as
CSV with one post per row and its own column names: `id`, `thread_id`, `author`, `body`,
`subject`, `timestamp` (a "YYYY-MM-DD HH:MM:SS" UTC string) and/or `unix_timestamp`, the
source's board or subreddit, and a reply column where the source has one (`parent` for
Reddit, with Reddit's `t1_`/`t3_` prefixes). Mapping (docs/input-formats.md):

  id, thread_id            as they are; the post whose id is its thread_id is the thread's opening post
  parent (or parent_id, reply_to, in_reply_to)
                           the post replied to, prefix stripped; without one (4chan, Telegram), a
                           reply answers its thread's opening post
  subject, body            title, text
  author                   author ("[deleted]" stays deleted)
  author_flair             author_description (a Reddit flair, as the dump reader maps it)
  unix_timestamp/timestamp created (ISO 8601, UTC)
  subreddit or board       topic
  every other column       dropped (scores, image hashes, URLs, ...)

A reply whose parent is not in the export answers the opening post instead, and a thread
whose opening post is not in the export gets an empty root; each repair is noted (done by
ingest's row store, `RowStore.attach_orphans`, as for Reddit dumps and ConvoKit corpora).
A post that occurs twice (overlapping captures) is kept once and counted; an id that occurs
twice with other content is an error naming both lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.ingest.dates import epoch_iso

PARENT_COLUMNS = ("parent", "parent_id", "reply_to", "in_reply_to")
TOPIC_COLUMNS = ("subreddit", "board")


def is_4cat_header(header: list[str]) -> bool:
    cols = set(header)
    return {"id", "thread_id", "body"} <= cols and bool(cols & {"timestamp", "unix_timestamp"}) and "text" not in cols


def _created(row: dict[str, str], path: Path, line: int) -> str | None:
    unix = (row.get("unix_timestamp") or "").strip()
    stamp = (row.get("timestamp") or "").strip()
    try:
        if unix:
            return epoch_iso(unix)
        if stamp.replace(".", "", 1).isdigit():
            return epoch_iso(stamp)
        if stamp:
            return datetime.fromisoformat(stamp.replace(" UTC", "")).strftime("%Y-%m-%dT%H:%M:%S")
    except (ValueError, OverflowError):
        raise InputError(path, line, f"timestamp {stamp or unix!r} is neither epoch seconds nor a date-time") from None
    return None


def _bare(value: str) -> str:
    value = value.strip()
    return value[3:] if value[:3] in ("t1_", "t3_") else value


def rows_from_4cat(
    path: Path, header: list[str], rows: Iterable[tuple[int, dict[str, str]]]
) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for the rows of a 4CAT export, as they are read.
    Rows come unrepaired: ingest's row store attaches replies whose parent is not in the
    export and gives threads without their opening post an empty root."""
    parent_col = next((c for c in PARENT_COLUMNS if c in header), None)
    topic_col = next((c for c in TOPIC_COLUMNS if c in header), None)
    for line, row in rows:
        pid, tid = row["id"].strip(), row["thread_id"].strip()
        parent = _bare(row.get(parent_col, "")) if parent_col else ""
        if pid == tid:
            parent = ""
        elif not parent:
            parent = tid
        yield (
            line,
            {
                "id": pid,
                "thread_id": tid,
                "parent_id": parent or None,
                "author": row.get("author", ""),
                "author_description": (row.get("author_flair") or "").strip() or None,
                "created": _created(row, path, line),
                "title": row.get("subject", "") or "",
                "text": row.get("body", "") or "",
                "topic": (row.get(topic_col) or None) if topic_col else None,
            },
        )
