"""Inter-annotator agreement, disagreements for adjudication, and review status.

Each annotator counts once per item with their latest label (adjudications are not an
annotator's vote). Cohen's kappa is computed per pair on the items both labelled;
Krippendorff's alpha (nominal) over all annotators, with missing labels allowed.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

from pipeline.core.artifacts import write_text
from pipeline.core.cells import csv_text
from pipeline.core.config import Config
from pipeline.core.errors import InputError, Problem
from pipeline.core.schema import Annotation
from pipeline.review.filled import read_sheet_csv
from pipeline.review.gold import (
    later_than,
    latest_by_annotator,
    locked,
    new_event,
    order,
    read_events,
    resolve,
    slug,
    utc_now,
    write_batch,
)

log = logging.getLogger(__name__)


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)


def agreement(events: list[Annotation], task: str) -> dict:
    by_item = latest_by_annotator(events, task)
    annotators = sorted({a for d in by_item.values() for a in d})
    shared = {i: d for i, d in by_item.items() if len(d) >= 2}
    pairs = []
    for a, b in combinations(annotators, 2):
        common = sorted(i for i, d in shared.items() if a in d and b in d)
        if not common:
            continue
        la = [shared[i][a].label for i in common]
        lb = [shared[i][b].label for i in common]
        kappa = None if len(set(la) | set(lb)) < 2 else _num(cohen_kappa_score(la, lb))
        pairs.append(
            {
                "annotators": [a, b],
                "items": len(common),
                "observed_agreement": round(sum(x == y for x, y in zip(la, lb, strict=True)) / len(common), 4),
                "cohen_kappa": kappa,
            }
        )
    alpha = None
    if shared:
        labels = sorted({e.label for d in shared.values() for e in d.values()})
        code = {lab: k for k, lab in enumerate(labels)}
        items = sorted(shared)
        matrix = np.full((len(annotators), len(items)), np.nan)
        for j, item in enumerate(items):
            for i, a in enumerate(annotators):
                if a in shared[item]:
                    matrix[i, j] = code[shared[item][a].label]
        if len(labels) >= 2:
            alpha = _num(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    adjudicated = {e.item_id: e.label for e in events if e.task == task and e.origin == "adjudication"}
    disagreements = [
        {"item_id": i, "labels": {a: e.label for a, e in sorted(d.items())}, "adjudicated": adjudicated.get(i)}
        for i, d in sorted(shared.items())
        if len({e.label for e in d.values()}) > 1
    ]
    return {
        "task": task,
        "annotators": annotators,
        "items_labelled": len(by_item),
        "items_shared": len(shared),
        "pairs": pairs,
        "krippendorff_alpha": alpha,
        "disagreements": disagreements,
    }


def status(events: list[Annotation], cfg: Config) -> list[dict]:
    """Per task: how many items are labelled, by whom, adjudicated, pending, and agreement."""
    out = []
    for task in ("unit_type", "target_stance", "reply_stance", "role", "parent"):
        resolved, conflicts = resolve(events, task)
        per_annotator = Counter(a for d in latest_by_annotator(events, task).values() for a in d)
        agr = agreement(events, task)
        out.append(
            {
                "task": task,
                "items_with_gold": len(resolved),
                "by_annotator": dict(sorted(per_annotator.items())),
                "adjudicated": sum(r.how == "adjudicated" for r in resolved.values()),
                "awaiting_adjudication": len(conflicts),
                "items_shared": agr["items_shared"],
                "krippendorff_alpha": agr["krippendorff_alpha"],
                "cohen_kappa": {" & ".join(p["annotators"]): p["cohen_kappa"] for p in agr["pairs"]},
                "label_counts": dict(sorted(Counter(r.label for r in resolved.values()).items())),
            }
        )
    return out


def format_status(rows: list[dict]) -> str:
    lines = [f"{'task':<14} {'gold':>5} {'pending':>8} {'adjud.':>7} {'shared':>7} {'alpha':>6}  by annotator / kappa"]
    for r in rows:
        alpha = "–" if r["krippendorff_alpha"] is None else f"{r['krippendorff_alpha']:.3f}"
        who = ", ".join(f"{a} {n}" for a, n in r["by_annotator"].items()) or "nobody yet"
        kap = "; ".join(f"{k}: {'–' if v is None else f'{v:.3f}'}" for k, v in r["cohen_kappa"].items())
        lines.append(
            f"{r['task']:<14} {r['items_with_gold']:>5} {r['awaiting_adjudication']:>8} {r['adjudicated']:>7} "
            f"{r['items_shared']:>7} {alpha:>6}  {who}" + (f"  [kappa {kap}]" if kap else "")
        )
    return "\n".join(lines)


ADJ_COLUMNS = ["task", "item_id", "labels_by_annotator", "final_label", "comment"]


def adjudication_sheet(report: dict) -> str:
    rows = [
        [report["task"], d["item_id"], "; ".join(f"{a}: {lab}" for a, lab in d["labels"].items()), "", ""]
        for d in report["disagreements"]
        if d["adjudicated"] is None
    ]
    return "\ufeff" + csv_text([ADJ_COLUMNS, *rows], lineterminator="\r\n")


def import_adjudication(
    path: Path, annotator: str, gold_dir: Path, cfg: Config, now: str | None = None
) -> tuple[str | None, int]:
    """Final labels for disagreements, as adjudication events (all rows valid, or nothing)."""
    sheet = read_sheet_csv(path, ("task", "item_id", "final_label"))
    events = read_events(gold_dir)
    labelled = {(e.task, e.item_id) for e in events}
    problems: list[Problem] = []
    rows = []
    for line, row in sheet:
        where = f"{path}:{line}"
        label = (row.get("final_label") or "").strip()
        if not label:
            continue
        # A row cut short (fewer cells than the header) has no value for the cells it lacks.
        task, item = (row.get("task") or "").strip(), (row.get("item_id") or "").strip()
        if task not in cfg.labels:
            problems.append(Problem(where, f"unknown task {task!r}"))
            continue
        # Typed by hand as in a review sheet: "Deny" and " DENY" are deny.
        spelt = cfg.label_spelt(task, label)
        if spelt is None:
            problems.append(Problem(where, f"unknown label {label!r} for {task}"))
        if (task, item) not in labelled:
            problems.append(Problem(where, f"item {item!r} has no {task} labels to adjudicate"))
        rows.append((task, item, spelt or label, (row.get("comment") or "").strip() or None))
    if problems:
        raise InputError(path, 0, f"{len(problems)} bad row(s); nothing was imported", problems)
    if not rows:
        raise InputError(path, 0, "no final labels found (the final_label column is empty everywhere)")
    with locked(gold_dir):
        adjudications = [e for e in read_events(gold_dir) if e.origin == "adjudication"]
        current = {key: (e.label, e.note) for key, e in _current_adjudications(adjudications).items()}
        if all(current.get((t, i)) == (lab, note) for t, i, lab, note in rows):
            # Every final label is already the current one: a true repeat changes nothing.
            return None, len(rows)
        digest = hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:8]
        base = f"adjudication-{digest}--{slug(annotator)}-{hashlib.sha256(annotator.encode()).hexdigest()[:6]}"
        taken = {p.stem for p in Path(gold_dir).glob(f"{base}*.jsonl")}
        batch = base if base not in taken else f"{base}--r{len(taken) + 1}"
        ts = later_than(now or utc_now(), adjudications)
        new = [new_event(t, i, lab, annotator, batch, ts, "adjudication", note=note) for t, i, lab, note in rows]
        write_batch(gold_dir, batch, sorted(new, key=lambda e: (e.task, e.item_id)))
    return batch, len(new)


def write_adjudication_sheet(
    out: Path, report: dict, events: list[Annotation] | None = None, cfg: Config | None = None
) -> int:
    """Write the sheet of disagreements to adjudicate; the number still open. A sheet at
    `out` whose final labels are not all imported yet (the adjudicator's work in progress)
    is left as it is, with a warning: a rerun of `review agreement` must not erase it."""
    unimported = _unimported_final_labels(out, events or [], cfg) if Path(out).exists() else 0
    if unimported:
        log.warning(
            "%s holds %d final label(s) not imported yet: left as it is; import it first "
            "(python -m pipeline review adjudicate %s --annotator NAME), then run review agreement again",
            out,
            unimported,
            out,
        )
    else:
        write_text(out, adjudication_sheet(report))
    return sum(d["adjudicated"] is None for d in report["disagreements"])


def _current_adjudications(events: Iterable[Annotation]) -> dict[tuple[str, str], Annotation]:
    """(task, item) -> the latest adjudication event of that item."""
    return {(e.task, e.item_id): e for e in sorted((e for e in events if e.origin == "adjudication"), key=order)}


def _unimported_final_labels(path: Path, events: list[Annotation], cfg: Config | None) -> int:
    """How many filled final labels of an adjudication sheet the gold does not hold as the
    current adjudication (any, where the sheet cannot be read: it is kept then too)."""
    try:
        sheet = read_sheet_csv(path, ("task", "item_id", "final_label"))
    except InputError:
        return 1
    current = {key: e.label for key, e in _current_adjudications(events).items()}
    n = 0
    for _, row in sheet:
        label, task = (row.get("final_label") or "").strip(), (row.get("task") or "").strip()
        if not label:
            continue
        spelt = cfg.label_spelt(task, label) if cfg is not None and task in cfg.labels else None
        n += current.get((task, (row.get("item_id") or "").strip())) != (spelt or label)
    return n
