"""The append-only gold store under `data/annotations/`.

Each import or seed annotation is one batch file `<batch_id>.jsonl` of `Annotation`
events. Files are never rewritten: writing a batch that already exists with the same
content is a no-op (so re-importing a file changes nothing), and with different content
is an error. The current gold label of an item is derived, never stored: the latest
adjudication if there is one, else the annotators' agreed (majority) label, each
annotator counted once with their latest label.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.artifacts import dumps, read_jsonl, sha256_text, write_text
from pipeline.errors import InputError
from pipeline.schema import Annotation


def event_id(task: str, item_id: str, label: str, annotator: str, batch_id: str) -> str:
    key = "\x1f".join((task, item_id, label, annotator, batch_id))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slug(name: str) -> str:
    """A name as it can appear in a batch file name ("Anna Holm" -> "anna-holm")."""
    return re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-") or "annotator"


def new_event(
    task: str, item_id: str, label: str, annotator: str, batch_id: str, timestamp: str, origin: str, **fields
) -> Annotation:
    """An annotation event with its stable id."""
    return Annotation(
        id=event_id(task, item_id, label, annotator, batch_id),
        task=task,
        item_id=item_id,
        label=label,
        annotator=annotator,
        timestamp=timestamp,
        batch_id=batch_id,
        origin=origin,
        **fields,
    )


def batch_files(gold_dir: Path) -> list[Path]:
    gold_dir = Path(gold_dir)
    if not gold_dir.exists():
        return []
    return sorted(p for p in gold_dir.glob("*.jsonl") if not p.name.startswith("."))


def read_events(gold_dir: Path) -> list[Annotation]:
    """All annotation events, in file and line order."""
    events: list[Annotation] = []
    seen: dict[str, Annotation] = {}
    for path in batch_files(gold_dir):
        for ev in read_jsonl(path, Annotation):
            prior = seen.get(ev.id)
            if prior is not None and prior != ev:
                raise InputError(path, 0, f"event id {ev.id} occurs twice with different content")
            seen[ev.id] = ev
            events.append(ev)
    return events


def write_batch(gold_dir: Path, batch_id: str, events: list[Annotation]) -> bool:
    """Add a batch file; False (and nothing written) when the identical batch exists."""
    path = Path(gold_dir) / f"{batch_id}.jsonl"
    content = "".join(dumps(e) + "\n" for e in events)
    if path.exists():
        if path.read_text(encoding="utf-8") == content:
            return False
        raise InputError(path, 0, "a different batch with this id exists; gold is append-only, use a new batch id")
    write_text(path, content)
    return True


@dataclass(frozen=True)
class Resolved:
    item_id: str
    label: str
    how: str  # "adjudicated", "single", "agreed", "majority"
    annotators: tuple[str, ...]
    event: Annotation


@dataclass(frozen=True)
class Conflict:
    item_id: str
    labels: dict[str, str]  # annotator -> label


def latest_by_annotator(events: list[Annotation], task: str) -> dict[str, dict[str, Annotation]]:
    """item -> annotator -> that annotator's latest non-adjudication event."""
    out: dict[str, dict[str, Annotation]] = {}
    for ev in sorted(
        (e for e in events if e.task == task and e.origin != "adjudication"), key=lambda e: (e.timestamp, e.id)
    ):
        out.setdefault(ev.item_id, {})[ev.annotator] = ev
    return out


def resolve(events: list[Annotation], task: str) -> tuple[dict[str, Resolved], list[Conflict]]:
    """Current gold labels for `task` and the disagreements that still need adjudication."""
    adjudicated: dict[str, Annotation] = {}
    for ev in sorted(
        (e for e in events if e.task == task and e.origin == "adjudication"), key=lambda e: (e.timestamp, e.id)
    ):
        adjudicated[ev.item_id] = ev
    resolved: dict[str, Resolved] = {}
    conflicts: list[Conflict] = []
    for item_id, by_annot in sorted(latest_by_annotator(events, task).items()):
        annotators = tuple(sorted(by_annot))
        if item_id in adjudicated:
            continue
        counts = Counter(ev.label for ev in by_annot.values())
        (top, n), *rest = counts.most_common()
        if len(by_annot) == 1:
            how = "single"
        elif not rest:
            how = "agreed"
        elif n > rest[0][1]:
            how = "majority"
        else:
            conflicts.append(Conflict(item_id, {a: e.label for a, e in sorted(by_annot.items())}))
            continue
        event = max((e for e in by_annot.values() if e.label == top), key=lambda e: (e.timestamp, e.id))
        resolved[item_id] = Resolved(item_id, top, how, annotators, event)
    for item_id, ev in adjudicated.items():
        resolved[item_id] = Resolved(item_id, ev.label, "adjudicated", (ev.annotator,), ev)
    return dict(sorted(resolved.items())), conflicts


def text_hash(text: str) -> str:
    return sha256_text(text)
