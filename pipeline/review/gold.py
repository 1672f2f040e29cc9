"""The append-only gold store under `data/annotations/`.

Each import or seed annotation is one batch file `<batch_id>.jsonl` of `Annotation`
events. Files are never rewritten: a batch file is created exclusively (a second writer
of the same name fails instead of overwriting), writing a batch that already exists with
the same content is a no-op, and with different content is an error. Writers hold
`.lock` in the folder, so two imports at once take turns. The current gold label of an
item is derived, never stored: the latest adjudication if there is one, else the
annotators' agreed (majority) label, each annotator (by exact name) counted once with
their latest label. "Latest" is by time stamp, read as a date-time, so stamps with and
without fractions of a second order correctly.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.core.artifacts import create_exclusive, dumps, read_jsonl, sha256_text
from pipeline.core.errors import InputError
from pipeline.core.schema import Annotation, ReviewItem


def event_id(task: str, item_id: str, label: str, annotator: str, batch_id: str) -> str:
    key = "\x1f".join((task, item_id, label, annotator, batch_id))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def utc_now() -> str:
    # Microseconds: two imports within one second must still be ordered.
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def when(timestamp: str) -> datetime:
    """An event's time stamp as an aware date-time (naive stamps are UTC)."""
    dt = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def order(ev: Annotation) -> tuple[datetime, str]:
    """Events in the order they were made (ties, within the same microsecond, by id)."""
    return when(ev.timestamp), ev.id


def later_than(timestamp: str, events: list[Annotation]) -> str:
    """`timestamp`, or one microsecond after the newest of `events` if it is not later:
    a new event must supersede what it corrects even when clocks or given stamps tie."""
    if not events:
        return timestamp
    newest = max(when(e.timestamp) for e in events)
    if when(timestamp) > newest:
        return timestamp
    return (newest + timedelta(microseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@contextlib.contextmanager
def locked(gold_dir: Path) -> Iterator[None]:
    """Hold the gold folder's lock: concurrent imports wait for each other."""
    gold_dir = Path(gold_dir)
    gold_dir.mkdir(parents=True, exist_ok=True)
    with open(gold_dir / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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


def gold_items(events: Iterable[Annotation | ReviewItem]) -> tuple[set[str], set[str]]:
    """The posts and the participants that annotation events (or the items of a review
    batch) label: a unit by its post."""
    posts: set[str] = set()
    participants: set[str] = set()
    for ev in events:
        if ev.task == "role":
            participants.add(ev.item_id)
        elif ev.task == "unit_type":
            if ev.post_id:
                posts.add(ev.post_id)
        else:
            posts.add(ev.item_id)
    return posts, participants


def write_batch(gold_dir: Path, batch_id: str, events: list[Annotation]) -> bool:
    """Add a batch file; False (and nothing written) when the identical batch exists."""
    path = Path(gold_dir) / f"{batch_id}.jsonl"
    content = "".join(dumps(e) + "\n" for e in events)
    if path.exists():
        if path.read_text(encoding="utf-8") == content:
            return False
        raise InputError(path, 0, "a different batch with this id exists; gold is append-only, use a new batch id")
    try:
        create_exclusive(path, content)
    except FileExistsError:
        raise InputError(
            path, 0, "another import created this batch file at the same moment; nothing was written, run it again"
        ) from None
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
    for ev in sorted((e for e in events if e.task == task and e.origin != "adjudication"), key=order):
        out.setdefault(ev.item_id, {})[ev.annotator] = ev
    return out


def resolve(events: list[Annotation], task: str) -> tuple[dict[str, Resolved], list[Conflict]]:
    """Current gold labels for `task` and the disagreements that still need adjudication."""
    adjudicated: dict[str, Annotation] = {}
    for ev in sorted((e for e in events if e.task == task and e.origin == "adjudication"), key=order):
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
        event = max((e for e in by_annot.values() if e.label == top), key=order)
        resolved[item_id] = Resolved(item_id, top, how, annotators, event)
    for item_id, ev in adjudicated.items():
        resolved[item_id] = Resolved(item_id, ev.label, "adjudicated", (ev.annotator,), ev)
    return dict(sorted(resolved.items())), conflicts


def text_hash(text: str) -> str:
    return sha256_text(text)
