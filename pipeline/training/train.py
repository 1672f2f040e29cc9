"""Training: gold examples -> a model folder with its card, scored by grouped CV first.

Input:  annotation folders, generic thread files with gold columns, and/or the DAST file
Output: models/NAME/ (model files, metrics.json, README.md, training_hashes.json)

Cross-validation groups folds so that no group is in both train and test. `group_by`
"auto" uses the topic when at least 3 topics are known (threads without a topic are then
a group of their own) and holds out one topic per fold, else the thread when there are
at least 3 threads, else the post (comment) the item belongs to, or the participant for
roles: with one thread of 20 comments, grouping by thread is impossible, and grouping by
comment is the next strictest choice. The card records which grouping was used. The
final model is then fit on all items.

`training_hashes.json` lists a short hash of every training text (never the text or the
source's ids), so `classify` can tell how much of a new corpus the model has seen.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.core.config import Config
from pipeline.core.errors import InputError
from pipeline.estimators import TextPairClassifier
from pipeline.models.card import warning_note
from pipeline.models.examples import Example, example_hash
from pipeline.models.store import save_sklearn
from pipeline.training.cv import cross_validate
from pipeline.training.data import Dataset

log = logging.getLogger(__name__)

RULE_CAVEAT = (
    "Cue rules (pipeline/models/cues.toml) were written by people who had read the seed thread; any score of "
    "rules on the seed gold is optimistic. The scores below are for the model alone."
)


def training_date() -> str:
    """Today (UTC), or SOURCE_DATE_EPOCH when set, for reproducible cards."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.date().isoformat()


def group_of(example: Example, how: str, topics: dict[str, str]) -> str:
    if how == "topic":
        return topics.get(example.group, example.group)
    if how == "thread":
        return example.group
    if how == "post":
        return example.id.split("#", 1)[0]
    return example.id


def choose_grouping(dataset: Dataset, group_by: str) -> str:
    known = {dataset.topics[e.group] for e in dataset.examples if e.group in dataset.topics}
    if group_by != "auto":
        if group_by == "topic" and not known:
            raise InputError(
                dataset.sources[0].path if dataset.sources else "data",
                0,
                "--group-by topic needs threads with a topic",
            )
        return group_by
    if len(known) >= 3:
        return "topic"
    if dataset.task != "role" and len({e.group for e in dataset.examples}) >= 3:
        return "thread"
    return "item" if dataset.task == "role" else "post"


def fold_groups(dataset: Dataset, group_by: str) -> tuple[str, list[str]]:
    """The grouping used, and each example's group under it."""
    how = choose_grouping(dataset, group_by)
    return how, [group_of(e, how, dataset.topics) for e in dataset.examples]


def n_folds(how: str, groups: list[str], cfg: Config, folds: int | None = None) -> int:
    """Folds per repeat: as asked, else one per topic under topic grouping (topics are few
    and each is a different debate, so each is held out once), else the configured number."""
    return folds or (len(set(groups)) if how == "topic" else cfg.train.folds)


def sklearn_factory(task: str, cfg: Config, overrides: dict[str, Any] | None = None):
    params = {**cfg.train.sklearn.get(task, {}), **(overrides or {})}
    return lambda: TextPairClassifier(random_state=cfg.seed, **params), params


CLAIM_EXAMPLES = 12


def claim_check(examples: list[Example], predicted: list[str], grouping: str) -> dict:
    """How often a unit the model calls a claim is one (out-of-fold), with examples a reader
    can check by hand: a fixed sample of predicted claims (by text hash), each with its
    gold label."""
    picked = [(e, p) for e, p in zip(examples, predicted, strict=True) if p == "claim"]
    correct = sum(e.label == "claim" for e, _ in picked)
    sample = sorted(picked, key=lambda ep: example_hash(ep[0]))[:CLAIM_EXAMPLES]
    return {
        "how": f"out-of-fold predictions of the first cross-validation repeat (grouped by {grouping})",
        "predicted": len(picked),
        "correct": correct,
        "precision": round(correct / len(picked), 3) if picked else None,
        "examples": [{"text": " ".join(e.text.split())[:200], "gold": e.label} for e, _ in sample],
    }


# Fewer gold items of a label than this, and a model hardly sees what the label looks like.
MIN_PER_LABEL = 5
# A cross-validated macro-F1 within this of the better baseline is no evidence of learning.
MIN_GAIN = 0.02


def _weak_data_warnings(dataset: Dataset, results: dict) -> list[str]:
    """What a researcher training on their own few labels should know before using the
    model: labels with too few items, and a model that does not beat guessing."""
    out = []
    rare = {k: v for k, v in sorted(dataset.label_counts().items()) if v < MIN_PER_LABEL}
    if rare:
        listed = ", ".join(f"{k!r} {v}" for k, v in rare.items())
        out.append(f"fewer than {MIN_PER_LABEL} items of {listed}: too few to learn those labels from")
    model = results["model"]["macro_f1_mean"]
    floor = max(results["baseline_majority"]["macro_f1_mean"], results["baseline_stratified"]["macro_f1_mean"])
    if model < floor + MIN_GAIN:
        out.append(
            f"cross-validated macro-F1 {model:.3f} does not beat the baselines ({floor:.3f}): this model is no better "
            "than guessing on items it did not see; label more (make review), or train on more data (for reply "
            "and target stance, DAST with --data data/annotations path/to/dast_train.jsonl)"
        )
    return out


def train(
    dataset: Dataset,
    out: Path,
    cfg: Config,
    *,
    backend: str = "sklearn",
    model_id: str | None = None,
    group_by: str = "auto",
    folds: int | None = None,
    repeats: int | None = None,
    run_cv: bool = True,
    overrides: dict[str, Any] | None = None,
    hf_options: dict[str, Any] | None = None,
) -> dict:
    """Cross-validate the recipe on `dataset`, fit it on all of it, and write the model folder."""
    task = dataset.task
    if len(dataset.examples) < 4:
        raise InputError(
            dataset.sources[0].path if dataset.sources else "data",
            0,
            f"only {len(dataset.examples)} labelled {task} items: too few to train on",
        )
    labels = sorted({e.label for e in dataset.examples})
    if len(labels) < 2:
        raise InputError(dataset.sources[0].path, 0, f"every {task} item has the label {labels[0]!r}: nothing to learn")
    how, groups = fold_groups(dataset, group_by)
    folds = n_folds(how, groups, cfg, folds)
    repeats = repeats or cfg.train.repeats
    notes = [RULE_CAVEAT] + [f"skipped {s}" for s in dataset.skipped]
    attributions = sorted({s.attribution for s in dataset.sources if s.attribution})

    if backend == "sklearn":
        factory, params = sklearn_factory(task, cfg, overrides)
        settings: dict[str, Any] = {"seed": cfg.seed, "estimator": "TextPairClassifier", "params": params}
        # The recorded comparison is about the default recipe (or, with only encoder
        # features added, the encoder profile's recipe), not one changed by other options.
        key = task if not overrides else f"{task}_encoder" if set(overrides) == {"encoder"} else None
        if key in cfg.train.choice:
            notes.append(f"Backend choice: {cfg.train.choice[key]}")
    elif backend == "transformers":
        if overrides:
            flags = {"C": "--C", "encoder": "--encoder-features"}
            raise InputError(
                "/".join(flags.get(k, k) for k in sorted(overrides)),
                0,
                "scikit-learn options: the transformers backend fine-tunes its encoder instead",
            )
        from pipeline.models import hf

        factory, settings = hf.factory(task, model_id, cfg, hf_options or {})
    else:
        raise InputError("--backend", 0, f"unknown backend {backend!r} (sklearn or transformers)")
    settings.update({"group_by": how, "folds": folds, "repeats": repeats})

    cv = None
    claims = None
    if run_cv:
        log.info("%s: %d items, cross-validating (%s grouping)", task, len(dataset.examples), how)
        cv = cross_validate(
            factory,
            dataset.examples,
            list(cfg.labels_for(task)),
            groups,
            how,
            folds,
            repeats,
            cfg.seed,
            progress=lambda m: log.debug("%s %s", task, m),
            keep_oof=True,
        )
        oof = cv.pop("oof")
        if task == "unit_type":
            claims = claim_check(dataset.examples, oof["model"], cv["grouping"])
            log.info(
                "unit_type: %d of %d predicted claims are gold claims (out of fold)",
                claims["correct"],
                claims["predicted"],
            )
        res = cv["results"]
        log.info(
            "%s: macro-F1 %.3f ± %.3f (majority %.3f, stratified %.3f); %s",
            task,
            res["model"]["macro_f1_mean"],
            res["model"]["macro_f1_std"],
            res["baseline_majority"]["macro_f1_mean"],
            res["baseline_stratified"]["macro_f1_mean"],
            cv["folds"],
        )
        weak = _weak_data_warnings(dataset, res)
        if cv.get("one_label_folds"):
            weak.append(
                f"in {cv['one_label_folds']} of the cross-validation's fits every training item had one label (the "
                "other labels' few items were all held out): those folds answer that label, as a recipe shown "
                "one label can"
            )
        for warning in weak:
            log.warning("%s: %s", task, warning)
            notes.append(warning_note(warning))
    else:
        notes.append("trained without cross-validation (--no-cv): no score is claimed")

    log.info("%s: fitting on all %d items", task, len(dataset.examples))
    model = factory()
    model.fit(dataset.examples, [e.label for e in dataset.examples])
    card = {
        "name": Path(out).name,
        "task": task,
        "backend": backend,
        "labels": list(cfg.labels_for(task)),
        "trained_at": training_date(),
        "n_items": len(dataset.examples),
        "data": [vars(s) for s in dataset.sources],
        "label_counts": dataset.label_counts(),
        "cv": cv,
        "settings": settings,
        "notes": notes,
        "attribution": attributions,
    }
    if claims:
        card["claims"] = claims
    hashes = [example_hash(e) for e in dataset.examples]
    if backend == "sklearn":
        return save_sklearn(out, model, card, hashes)
    from pipeline.models import hf

    return hf.save(out, model, card, hashes)
