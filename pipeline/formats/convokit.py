"""ConvoKit corpora in (as thread rows) and out (the pipeline's result as a ConvoKit corpus).

A ConvoKit corpus is a directory with `utterances.jsonl` (one utterance per line: `id`,
`speaker`, `conversation_id`, `reply_to`, `timestamp`, `text`, `meta`), `speakers.json`,
`conversations.json`, `corpus.json` and `index.json`. Only the utterances carry what the
pipeline needs; mapping (docs/input-formats.md):

  id -> id, conversation_id -> thread_id, reply_to -> parent_id (null: the root),
  speaker -> author, timestamp (epoch seconds) -> created (ISO 8601, UTC), text -> text,
  meta["title"] (where a corpus has one, e.g. Reddit-derived ones) -> title; other meta dropped.

Conversations whose first utterance or replies whose parent are missing are repaired as in
dumps and exports (by ingest's row store, `RowStore.attach_orphans`), with a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline.core.artifacts import json_object, open_text
from pipeline.core.errors import InputError
from pipeline.core.tables import iter_records, stage_file
from pipeline.ingest.dates import epoch_iso

UTTERANCES = "utterances.jsonl"


def is_convokit_corpus(path: Path) -> bool:
    return Path(path).is_dir() and (Path(path) / UTTERANCES).exists()


def _created(value: object, path: Path, line: int) -> str | None:
    if value is None or value == "":
        return None
    try:
        return epoch_iso(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise InputError(path, line, f"timestamp {value!r} is not epoch seconds") from None


def read_convokit(folder: Path) -> Iterator[tuple[Path, int, dict]]:
    """(path, line, thread-row dict) of every utterance, as utterances.jsonl is read. Rows
    come unrepaired: ingest's row store attaches replies whose parent is not in the corpus
    and gives conversations without their opening utterance an empty root."""
    path = Path(folder) / UTTERANCES
    n = 0
    with open_text(path) as fh:
        for line, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            utt = json_object(path, line, text)
            missing = [k for k in ("id", "conversation_id") if utt.get(k) in (None, "")]
            if missing:
                raise InputError(path, line, f"not a ConvoKit utterance: no {' or '.join(missing)}")
            meta = utt.get("meta") if isinstance(utt.get("meta"), dict) else {}
            # ConvoKit's own dump writes "reply-to"; its documentation says "reply_to".
            reply_to = utt.get("reply-to", utt.get("reply_to"))
            n += 1
            yield (
                path,
                line,
                {
                    "id": str(utt["id"]),
                    "thread_id": str(utt["conversation_id"]),
                    "parent_id": None if reply_to in (None, "") else str(reply_to),
                    "author": str(utt.get("speaker") or ""),
                    "created": _created(utt.get("timestamp"), path, line),
                    "title": str(meta.get("title") or ""),
                    "text": str(utt.get("text") or ""),
                },
            )
    if not n:
        raise InputError(path, 0, "no utterances")


# --- out -------------------------------------------------------------------------------


def _epoch(created: str | None) -> int | None:
    if not created:
        return None
    when = datetime.fromisoformat(created if len(created) > 10 else created + "T00:00:00")
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())


class _Index:
    """ConvoKit's index of one kind of record: every meta key with the Python type name(s)
    of its values, gathered as the records go by."""

    def __init__(self) -> None:
        self.types: dict[str, set[str]] = {}

    def add(self, record: dict) -> dict:
        for key, value in record["meta"].items():
            self.types.setdefault(key, set()).add(f"<class '{type(value).__name__}'>")
        return record

    def value(self) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in sorted(self.types.items())}


def _pred(prefix: str, pred) -> dict:
    if pred is None:
        return {}
    return {prefix: pred.label, f"{prefix}_confidence": pred.confidence, f"{prefix}_source": pred.source}


def _units(units: list, unit_labels: list) -> dict[str, list[dict]]:
    """Each post's units (sorted by id) as utterance metadata, with their target stance."""
    stance = {u.unit_id: u.target_stance for u in unit_labels}
    units_of: dict[str, list] = {}
    for u in sorted(units, key=lambda u: u.id):
        units_of.setdefault(u.post_id, []).append(
            {
                "id": u.id,
                "field": u.field,
                "start": u.start,
                "end": u.end,
                "text": u.text,
                "unit_type": u.unit_type.label,
            }
            | ({"target_stance": stance[u.id].label} if u.id in stance else {})
        )
    return units_of


def _utterance(post, conversation_id: str, labels, units: list[dict]) -> dict:
    from pipeline.core.corpus import author_ids

    meta = {"thread_id": post.thread_id, "title": post.title, "lang": post.lang, "units": units}
    if labels:
        meta |= _pred("target_stance", labels.target_stance) | _pred("reply_stance", labels.reply_stance)
    speakers = author_ids(post)
    return {
        "id": post.id,
        "conversation_id": conversation_id,
        "text": post.full_text,
        "speaker": speakers[0] if speakers else f"participant:unknown:{post.id}",
        "meta": meta,
        "reply-to": post.parent_id,
        "timestamp": _epoch(post.created),
        "vectors": [],
    }


def _conversation(t, key_points: list[str]) -> dict:
    return {
        "meta": {"thread_id": t.id, "title": t.title, "target": t.target, "target_source": t.target_source,
                 "lang": t.lang, "site": t.site, "topic": t.topic, "key_points": key_points},
        "vectors": [],
    }  # fmt: skip


def _speaker(part_json: str, role_json: str | None) -> dict:
    from pipeline.core.schema import Participant, Prediction

    part = Participant.model_validate_json(part_json)
    role = Prediction.model_validate_json(role_json) if role_json else None
    meta = {"name": part.name, "descriptions": list(part.descriptions), "deleted": part.deleted}
    return {"meta": meta | _pred("role", role), "vectors": []}


UNKNOWN_SPEAKER = {"meta": {"name": None}, "vectors": []}


def write_convokit(
    corpus_dir: Path, segments_dir: Path, predictions_dir: Path, out_dir: Path, name: str = "nordic-debate"
) -> int:
    """The stage folders with every label as a ConvoKit corpus folder; the utterance count.

    Utterances carry target and reply stance and their units (type, target stance) in
    `meta`; speakers their role; conversations the thread's target and key points.
    `Corpus(filename=out_dir)` loads it (tested with the real convokit package). Read a
    thread at a time: utterances and speakers wait in a spill until they are written
    sorted by id, so memory does not grow with the corpus."""
    from pipeline.classify.records import thread_records
    from pipeline.core.artifacts import atomic_dir, dumps, write_text
    from pipeline.core.corpus import threads_by_id
    from pipeline.core.schema import Participant, ParticipantLabels
    from pipeline.core.spill import SpillDatabase

    corpus_dir, predictions_dir = Path(corpus_dir), Path(predictions_dir)
    threads = threads_by_id(corpus_dir)
    root_of = {tid: t.root_id or tid for tid, t in threads.items()}
    index = {kind: _Index() for kind in ("utterances", "speakers", "conversations")}
    key_points_of: dict[str, list[str]] = {}
    with SpillDatabase("convokit") as spill, atomic_dir(Path(out_dir)) as tmp:
        db = spill.db
        db.executescript(
            """
            CREATE TABLE utterances (id TEXT PRIMARY KEY, json TEXT NOT NULL);
            CREATE TABLE participants (id TEXT PRIMARY KEY, json TEXT NOT NULL);
            CREATE TABLE roles (id TEXT PRIMARY KEY, json TEXT NOT NULL);
            CREATE TABLE speakers (id TEXT PRIMARY KEY);
            """
        )
        n = 0
        for posts, units, post_labels, unit_labels, _, points in thread_records(
            corpus_dir, segments_dir, predictions_dir
        ):
            labels = {p.post_id: p for p in post_labels}
            units_of = _units(units, unit_labels)
            utts = [
                _utterance(p, root_of.get(p.thread_id, p.thread_id), labels.get(p.id), units_of.get(p.id, []))
                for p in posts
            ]
            with db:
                db.executemany(
                    "INSERT INTO utterances VALUES (?, ?)", ((u["id"], dumps(index["utterances"].add(u))) for u in utts)
                )
                db.executemany("INSERT OR IGNORE INTO speakers VALUES (?)", ((u["speaker"],) for u in utts))
            n += len(utts)
            for k in points:
                key_points_of.setdefault(k.thread_id, []).append(k.id)
        participants = iter_records(stage_file(corpus_dir, "participants"), Participant)
        roles = iter_records(stage_file(predictions_dir, "participants"), ParticipantLabels)
        for table, rows in (
            ("participants", ((p.id, p.model_dump_json()) for p in participants)),
            ("roles", ((r.participant_id, r.role.model_dump_json()) for r in roles)),
        ):
            spill.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows)
        speakers = db.execute(
            """
            SELECT s.id, p.json, r.json FROM (SELECT id FROM participants UNION SELECT id FROM speakers) AS s
            LEFT JOIN participants AS p ON p.id = s.id LEFT JOIN roles AS r ON r.id = s.id ORDER BY s.id
            """
        )
        _write_object(
            tmp / "speakers.json",
            (
                (sid, index["speakers"].add(_speaker(part, role) if part else dict(UNKNOWN_SPEAKER)))
                for sid, part, role in speakers
            ),
        )
        with open(tmp / UTTERANCES, "w", encoding="utf-8", newline="") as fh:
            fh.writelines(f"{line}\n" for (line,) in db.execute("SELECT json FROM utterances ORDER BY id"))
        conversations = {
            root_of[tid]: index["conversations"].add(_conversation(t, key_points_of.get(tid, [])))
            for tid, t in sorted(threads.items())
        }
        corpus_meta = {"name": name, "made_by": "nordic-debate-pipeline"}
        overall = {k: [f"<class '{type(v).__name__}'>"] for k, v in sorted(corpus_meta.items())}
        index_json = {f"{kind}-index": i.value() for kind, i in index.items()}
        index_json |= {"overall-index": overall, "version": 1, "vectors": []}
        for fname, obj in (
            ("conversations.json", conversations),
            ("corpus.json", corpus_meta),
            ("index.json", index_json),
        ):
            write_text(tmp / fname, dumps(obj))
    return n


def _write_object(path: Path, items: Iterable[tuple[str, dict]]) -> None:
    """A JSON object written a member at a time, as `dumps` would write it whole: `items`
    come sorted by key."""
    from pipeline.core.artifacts import dumps

    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("{")
        for i, (key, value) in enumerate(items):
            fh.write(f"{', ' if i else ''}{dumps(key)}: {dumps(value)}")
        fh.write("}")
