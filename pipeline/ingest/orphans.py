"""Replies without their parent, threads without their opening post: what exports lack.

Dumps and exports are cut by date, by type and by filters, so a reply's parent or a
thread's opening post is often not in the file. Rather than refuse the file, a thread
without its opening post gets an empty root, and a reply without its parent answers that
root; each repair is a note in the ingest report.
"""

from __future__ import annotations

from pipeline.core.schema import Note


def attach_orphans(rows: dict[str, dict], where: dict[str, str], source: str) -> list[Note]:
    """Repair `rows` (id -> thread-row dict) in place; `where` locates each id for the notes.
    New empty roots are added to `rows` and to `where`."""
    notes: list[Note] = []
    first: dict[str, str] = {}
    for pid in rows:
        first.setdefault(rows[pid]["thread_id"], pid)
    for thread_id in sorted(set(first) - set(rows)):
        rows[thread_id] = {"id": thread_id, "thread_id": thread_id, "title": "", "text": ""}
        where[thread_id] = where[first[thread_id]]
        notes.append(
            Note(
                where=where[thread_id],
                kind="repaired",
                message=f"thread {thread_id}: its opening post is not in the {source}; it gets an empty root",
            )
        )
    for pid, row in rows.items():
        parent = row.get("parent_id")
        if parent and parent not in rows:
            row["parent_id"] = row["thread_id"]
            notes.append(
                Note(
                    where=where[pid],
                    kind="repaired",
                    message=f"parent {parent} of {pid} is not in the {source}; attached to {row['thread_id']}",
                )
            )
    return notes
