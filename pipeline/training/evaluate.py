"""Evaluation of a trained model on labelled data, and of a recipe by cross-validation.

`evaluate_model` scores a model folder on a dataset and says how many of the items were
in the model's own training data (by text hash) (then the score is not a held-out score, and the report
says so). `cross_validate_recipe` re-runs the model's recipe with grouped folds on the
dataset, which is the honest number when all labelled data went into training.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.config import Config
from pipeline.core.errors import InputError
from pipeline.models.examples import example_hash
from pipeline.models.store import LoadedModel
from pipeline.training.cv import cross_validate, scores
from pipeline.training.data import Dataset
from pipeline.training.train import fold_groups, n_folds, sklearn_factory


def _check_labels(model: LoadedModel, dataset: Dataset) -> None:
    unknown = sorted({e.label for e in dataset.examples} - set(model.labels))
    if unknown:
        counts = {lab: sum(e.label == lab for e in dataset.examples) for lab in unknown}
        raise InputError(
            dataset.sources[0].path if dataset.sources else "data",
            0,
            f"the {model.task} model {model.name!r} does not know the labels {counts} "
            f"(it knows {model.labels}); map them or retrain with a config that lists them",
        )


def evaluate_model(model: LoadedModel, dataset: Dataset) -> dict:
    if model.task != dataset.task:
        raise InputError(str(model.path), 0, f"is a {model.task} model, not {dataset.task}")
    if not dataset.examples:
        raise InputError(dataset.sources[0].path if dataset.sources else "data", 0, f"no {dataset.task} gold labels")
    _check_labels(model, dataset)
    y = [e.label for e in dataset.examples]
    pred = [p[0] for p in model.predict(dataset.examples)]
    report = {
        "task": dataset.task,
        "model": model.name,
        "model_path": str(model.path),
        "data": [vars(s) for s in dataset.sources],
        "all_items": scores(y, pred, model.labels),
    }
    trained_on = model.training_hashes()
    seen = [i for i, e in enumerate(dataset.examples) if example_hash(e) in trained_on]
    report["items_in_training_data"] = len(seen)
    if seen:
        report["warning"] = (
            f"{len(seen)} of {len(y)} items were in this model's training data: 'all_items' is "
            "not a held-out score. See 'held_out' and the model card's cross-validation."
        )
        held = [i for i in range(len(y)) if i not in set(seen)]
        report["held_out"] = scores([y[i] for i in held], [pred[i] for i in held], model.labels) if held else None
    return report


def cross_validate_recipe(dataset: Dataset, cfg: Config, group_by: str = "auto", params: dict | None = None) -> dict:
    """Grouped CV of the scikit-learn recipe (with the card's parameters) on `dataset`."""
    how, groups = fold_groups(dataset, group_by)
    factory, _ = sklearn_factory(dataset.task, cfg, params)
    return cross_validate(
        factory,
        dataset.examples,
        list(cfg.labels_for(dataset.task)),
        groups,
        how,
        n_folds(how, groups, cfg),
        cfg.train.repeats,
        cfg.seed,
    )


def newest_batch(gold_dir: Path) -> Path | None:
    """The batch file with the newest label (by timestamp), or None with fewer than two batches."""
    from pipeline.review.gold import batch_files, read_events

    files = batch_files(gold_dir)
    if len(files) < 2:
        return None
    newest: dict[str, str] = {}
    for ev in read_events(gold_dir):
        newest[ev.batch_id] = max(newest.get(ev.batch_id, ""), ev.timestamp)
    return max(files, key=lambda f: (newest.get(f.stem, ""), f.name))


def before_after(task: str, gold_dir: Path, cfg: Config, corpus_dir: Path, params: dict | None) -> dict | None:
    """Grouped CV of the recipe on all gold, and on the gold without the newest batch."""
    import shutil
    import tempfile

    from pipeline.review.snapshots import SNAPSHOTS
    from pipeline.training.data import load_dataset

    newest = newest_batch(gold_dir)
    if newest is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        for f in Path(gold_dir).glob("*.jsonl"):
            if f != newest:
                shutil.copy(f, Path(tmp) / f.name)
        if (Path(gold_dir) / SNAPSHOTS).is_dir():
            (Path(tmp) / SNAPSHOTS).symlink_to((Path(gold_dir) / SNAPSHOTS).resolve())
        before_ds = load_dataset(task, [Path(tmp)], cfg, corpus_dir)
    after_ds = load_dataset(task, [Path(gold_dir)], cfg, corpus_dir)
    if [(e.id, e.label) for e in before_ds.examples] == [(e.id, e.label) for e in after_ds.examples]:
        return {"newest_batch": newest.stem, "changed": False}
    out = {
        "newest_batch": newest.stem,
        "changed": True,
        "before": {"items": len(before_ds.examples)},
        "after": {"items": len(after_ds.examples)},
    }
    for key, ds in (("before", before_ds), ("after", after_ds)):
        try:
            out[key]["cv"] = cross_validate_recipe(ds, cfg, "auto", params)
        except (InputError, ValueError) as exc:
            out[key]["cv"] = None
            out[key]["why_no_cv"] = str(exc)
    return out


def format_scores(s: dict, title: str) -> str:
    """A plain-text table: per-class precision/recall/F1/support, then the confusion matrix."""
    labels = s["confusion_matrix"]["labels"]
    w = max(12, *(len(lab) for lab in labels))
    lines = [title, f"{'label':<{w}} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for lab in labels:
        c = s["per_class"][lab]
        lines.append(f"{lab:<{w}} {c['precision']:>9.3f} {c['recall']:>7.3f} {c['f1']:>6.3f} {c['support']:>8}")
    lines.append(f"{'macro-F1':<{w}} {s['macro_f1']:>9.3f}   accuracy {s['accuracy']:.3f}   n={s['n']}")
    lines.append("confusion matrix (rows gold, columns predicted):")
    lines.append(" " * (w + 1) + " ".join(f"{lab[:8]:>8}" for lab in labels))
    for lab, row in zip(labels, s["confusion_matrix"]["rows_gold_cols_predicted"], strict=True):
        lines.append(f"{lab:<{w}} " + " ".join(f"{v:>8}" for v in row))
    return "\n".join(lines)


def rule_precision(gold_dir: Path, corpus_dir: Path) -> dict[str, list[dict]]:
    """How often each cue rule is right on the gold, per task, against its configured precision.

    The rules were written by people who had read the seed thread, so on the seed gold this
    is an optimistic estimate; on gold from new threads it is a fair one.
    """
    from collections import defaultdict

    from pipeline.classify.posts import reply_cue
    from pipeline.models.cues import unit_rule
    from pipeline.models.examples import field_text, role_cue
    from pipeline.review.gold import read_events, resolve
    from pipeline.review.snapshots import gold_corpus

    events = read_events(gold_dir)
    corpus = gold_corpus(gold_dir, events, corpus_dir)
    posts = corpus.posts_by_id()
    parts = {p.id: p for p in corpus.participants}
    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))

    def count(task: str, rule: str, right: bool) -> None:
        tally[task][rule][0] += 1
        tally[task][rule][1] += int(right)

    for r in resolve(events, "unit_type")[0].values():
        ev = r.event
        post = posts.get(ev.post_id or "")
        if post is not None and ev.field and ev.start is not None and ev.end is not None:
            hit = unit_rule(field_text(post, ev.field)[ev.start : ev.end], ev.field)
            if hit:
                count("unit_type", hit.rule, hit.label == r.label)
    for item_id, r in resolve(events, "reply_stance")[0].items():
        post = posts.get(item_id)
        if post is not None and (hit := reply_cue(post, posts.get(post.parent_id or ""))):
            count("reply_stance", hit.rule, hit.label == r.label)
    for item_id, r in resolve(events, "role")[0].items():
        if item_id in parts and (hit := role_cue(parts[item_id], posts)):
            count("role", hit.rule, hit.label == r.label)
    for item_id, r in resolve(events, "parent")[0].items():
        post = posts.get(item_id)
        if post is not None and not any(e.rule == "given" for e in post.parent_evidence):
            rule = post.parent_rule or "none"
            count("parent", rule, post.parent_id == r.label)
    return {
        task: [
            {"rule": rule, "fired": n, "right": k, "precision": round(k / n, 4)}
            for rule, (n, k) in sorted(rules.items())
        ]
        for task, rules in sorted(tally.items())
    }
