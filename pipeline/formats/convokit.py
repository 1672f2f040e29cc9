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

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline.core.artifacts import json_object, open_text
from pipeline.core.errors import InputError

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


def _index(records: dict) -> dict[str, list[str]]:
    """ConvoKit's index: every meta key with the Python type name(s) of its values."""
    types: dict[str, set[str]] = {}
    for rec in records.values():
        for key, value in rec["meta"].items():
            types.setdefault(key, set()).add(f"<class '{type(value).__name__}'>")
    return {k: sorted(v) for k, v in sorted(types.items())}


def _pred(prefix: str, pred) -> dict:
    if pred is None:
        return {}
    return {prefix: pred.label, f"{prefix}_confidence": pred.confidence, f"{prefix}_source": pred.source}


def write_convokit(out_dir: Path, corpus, units: list, pred, name: str = "nordic-debate") -> int:
    """The corpus with every label as a ConvoKit corpus folder; returns the utterance count.

    Utterances carry target and reply stance and their units (type, target stance) in
    `meta`; speakers their role; conversations the thread's target and key points.
    `Corpus(filename=out_dir)` loads it (tested with the real convokit package)."""
    from pipeline.core.artifacts import atomic_dir, dumps, write_text
    from pipeline.core.corpus import author_ids

    threads = {t.id: t for t in corpus.threads}
    root_of = {t.id: t.root_id or t.id for t in corpus.threads}
    post_labels = {p.post_id: p for p in pred.posts}
    unit_labels = {u.unit_id: u.target_stance for u in pred.units}
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
            | ({"target_stance": unit_labels[u.id].label} if u.id in unit_labels else {})
        )
    key_points_of: dict[str, list[str]] = {}
    for k in pred.key_points:
        key_points_of.setdefault(k.thread_id, []).append(k.id)
    utterances = {}
    for post in corpus.posts:
        labels = post_labels.get(post.id)
        meta = {"thread_id": post.thread_id, "title": post.title, "lang": post.lang, "units": units_of.get(post.id, [])}
        if labels:
            meta |= _pred("target_stance", labels.target_stance) | _pred("reply_stance", labels.reply_stance)
        speakers = author_ids(post)
        utterances[post.id] = {
            "id": post.id,
            "conversation_id": root_of.get(post.thread_id, post.thread_id),
            "text": post.full_text,
            "speaker": speakers[0] if speakers else f"participant:unknown:{post.id}",
            "meta": meta,
            "reply-to": post.parent_id,
            "timestamp": _epoch(post.created),
            "vectors": [],
        }
    roles = {p.participant_id: p.role for p in pred.participants}
    speakers_out = {}
    for part in corpus.participants:
        meta = {"name": part.name, "descriptions": list(part.descriptions), "deleted": part.deleted}
        meta |= _pred("role", roles.get(part.id))
        speakers_out[part.id] = {"meta": meta, "vectors": []}
    for utt in utterances.values():
        speakers_out.setdefault(utt["speaker"], {"meta": {"name": None}, "vectors": []})
    conversations = {}
    for tid, t in sorted(threads.items()):
        conversations[root_of[tid]] = {
            "meta": {"thread_id": tid, "title": t.title, "target": t.target, "target_source": t.target_source,
                     "lang": t.lang, "site": t.site, "topic": t.topic, "key_points": key_points_of.get(tid, [])},
            "vectors": [],
        }  # fmt: skip
    corpus_meta = {"name": name, "made_by": "nordic-debate-pipeline"}
    index = {
        "utterances-index": _index(utterances),
        "speakers-index": _index(speakers_out),
        "conversations-index": _index(conversations),
        "overall-index": {k: [f"<class '{type(v).__name__}'>"] for k, v in sorted(corpus_meta.items())},
        "version": 1,
        "vectors": [],
    }
    with atomic_dir(Path(out_dir)) as tmp:
        write_text(tmp / UTTERANCES, "".join(dumps(u) + "\n" for _, u in sorted(utterances.items())))
        for fname, obj in (("speakers.json", speakers_out), ("conversations.json", conversations),
                           ("corpus.json", corpus_meta), ("index.json", index)):  # fmt: skip
            write_text(tmp / fname, dumps(obj))
    return len(utterances)
