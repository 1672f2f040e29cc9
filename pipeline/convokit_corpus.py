"""ConvoKit corpora as thread rows.

A ConvoKit corpus is a directory with `utterances.jsonl` (one utterance per line: `id`,
`speaker`, `conversation_id`, `reply_to`, `timestamp`, `text`, `meta`), `speakers.json`,
`conversations.json`, `corpus.json` and `index.json`. Only the utterances carry what the
pipeline needs; mapping (docs/input-formats.md):

  id -> id, conversation_id -> thread_id, reply_to -> parent_id (null: the root),
  speaker -> author, timestamp (epoch seconds) -> created (ISO 8601, UTC), text -> text,
  meta["title"] (where a corpus has one, e.g. Reddit-derived ones) -> title; other meta dropped.

Conversations whose first utterance or replies whose parent are missing are repaired as in
dumps and exports (pipeline.orphans), with a note.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipeline.artifacts import json_object, read_text_utf8
from pipeline.errors import InputError
from pipeline.orphans import attach_orphans
from pipeline.schema import Note

UTTERANCES = "utterances.jsonl"


def is_convokit_corpus(path: Path) -> bool:
    return Path(path).is_dir() and (Path(path) / UTTERANCES).exists()


def _created(value: object, path: Path, line: int) -> str | None:
    if value is None or value == "":
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%dT%H:%M:%S")  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise InputError(path, line, f"timestamp {value!r} is not epoch seconds") from None


def read_convokit(folder: Path) -> tuple[list[tuple[Path, int, dict]], list[Note]]:
    """(path, line, thread-row dict) for every utterance, and notes on what was repaired."""
    path = Path(folder) / UTTERANCES
    rows: dict[str, dict] = {}
    where: dict[str, str] = {}
    line_of: dict[str, int] = {}
    for line, text in enumerate(read_text_utf8(path).splitlines(), start=1):
        if not text.strip():
            continue
        utt = json_object(path, line, text)
        missing = [k for k in ("id", "conversation_id") if utt.get(k) in (None, "")]
        if missing:
            raise InputError(path, line, f"not a ConvoKit utterance: no {' or '.join(missing)}")
        uid = str(utt["id"])
        if uid in rows:
            raise InputError(path, line, f"duplicate utterance id {uid!r} (first at line {line_of[uid]})")
        meta = utt.get("meta") if isinstance(utt.get("meta"), dict) else {}
        reply_to = utt.get("reply_to")
        rows[uid] = {
            "id": uid,
            "thread_id": str(utt["conversation_id"]),
            "parent_id": None if reply_to in (None, "") else str(reply_to),
            "author": str(utt.get("speaker") or ""),
            "created": _created(utt.get("timestamp"), path, line),
            "title": str(meta.get("title") or ""),
            "text": str(utt.get("text") or ""),
        }
        where[uid] = f"{path}:{line}"
        line_of[uid] = line
    if not rows:
        raise InputError(path, 0, "no utterances")
    notes = attach_orphans(rows, where, "corpus")
    return sorted(
        ((path, line_of.get(uid, 0), row) for uid, row in rows.items()), key=lambda r: (r[1], r[2]["id"])
    ), notes
