"""Scores and grouped cross-validation, with baselines on the very same folds.

Every number produced here says how it was obtained: which items, which grouping, how
many folds and repeats. Scores are pooled per repeat (all out-of-fold predictions of one
repeat scored together, which is stable on small data), then averaged over repeats with
their standard deviation as the spread.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import LeaveOneGroupOut, StratifiedGroupKFold
from tqdm import tqdm

from pipeline.models.examples import Example

log = logging.getLogger(__name__)


def scores(y_true: list[str], y_pred: list[str], labels: list[str] | None = None) -> dict:
    """Per-class precision/recall/F1/support, macro-F1, accuracy and the confusion matrix.

    Macro-F1 averages over the classes present in gold or predictions (scikit-learn's
    convention); the confusion matrix rows are gold, columns predictions, in `labels` order.
    """
    if not y_true:
        raise ValueError("no items to score")
    present = sorted(set(y_true) | set(y_pred))
    labels = list(labels) if labels is not None else present
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 4),
        "per_class": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
        "confusion_matrix": {
            "labels": labels,
            "rows_gold_cols_predicted": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        },
    }


@dataclass(frozen=True)
class Fold:
    repeat: int
    train: np.ndarray
    test: np.ndarray


def grouped_folds(y: list[str], groups: list[str], n_splits: int, n_repeats: int, seed: int) -> tuple[list[Fold], str]:
    """Folds that never put one group in both train and test; with their description.

    With at most `n_splits` groups every group is held out once (leave-one-group-out,
    one repeat: there is nothing to reshuffle). Otherwise stratified group k-fold,
    reshuffled `n_repeats` times.
    """
    uniq = sorted(set(groups))
    if len(uniq) < 2:
        raise ValueError(f"grouped cross-validation needs at least 2 groups, found {len(uniq)}")
    X = np.zeros((len(y), 1))
    folds: list[Fold] = []
    if len(uniq) <= n_splits:
        for train, test in LeaveOneGroupOut().split(X, y, groups):
            folds.append(Fold(0, train, test))
        return folds, f"leave-one-group-out over {len(uniq)} groups"
    seen: set[tuple] = set()
    distinct = 0
    with warnings.catch_warnings():
        # Rare classes with fewer members than folds: stratification is best effort.
        warnings.simplefilter("ignore", UserWarning)
        for r in range(n_repeats):
            splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed + r)
            split = [(train, test) for train, test in splitter.split(X, y, groups)]
            # With few, unequal groups a reshuffle can give the very same partition; a
            # repeat that adds nothing would only shrink the reported spread.
            key = tuple(sorted(tuple(sorted(test.tolist())) for _, test in split))
            if key in seen:
                continue
            seen.add(key)
            folds.extend(Fold(distinct, train, test) for train, test in split)
            distinct += 1
    note = "" if distinct == n_repeats else f" (of {n_repeats} reshuffles, the rest gave identical folds)"
    return folds, f"stratified group {n_splits}-fold over {len(uniq)} groups, {distinct} repeats{note}"


def _summary(per_repeat: list[dict], labels: list[str]) -> dict:
    macro = [s["macro_f1"] for s in per_repeat]
    acc = [s["accuracy"] for s in per_repeat]
    per_class = {lab: round(float(np.mean([s["per_class"][lab]["f1"] for s in per_repeat])), 4) for lab in labels}
    return {
        "macro_f1_mean": round(float(np.mean(macro)), 4),
        "macro_f1_std": round(float(np.std(macro)), 4),
        "accuracy_mean": round(float(np.mean(acc)), 4),
        "accuracy_std": round(float(np.std(acc)), 4),
        "f1_per_class_mean": per_class,
        "first_repeat": per_repeat[0],
    }


def cross_validate(
    make_model: Callable[[], BaseEstimator] | dict[str, Callable[[], BaseEstimator]],
    examples: list[Example],
    labels: list[str],
    groups: list[str],
    grouping: str,
    n_splits: int = 5,
    n_repeats: int = 3,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    keep_oof: bool = False,
) -> dict:
    """Grouped CV of one or more models plus majority and stratified-random baselines.
    With `keep_oof`, `oof` holds each model's out-of-fold predictions of the first repeat,
    item by item. Under leave-one-group-out, `per_group` holds each held-out group's own
    score (items, macro-F1, accuracy) per model."""
    y = [e.label for e in examples]
    if any(v is None for v in y):
        raise ValueError("every example needs a gold label for cross-validation")
    folds, description = grouped_folds(y, groups, n_splits, n_repeats, seed)
    models = make_model if isinstance(make_model, dict) else {"model": make_model}
    factories: dict[str, Callable[[int], BaseEstimator]] = {name: (lambda r, f=f: f()) for name, f in models.items()}
    factories["baseline_majority"] = lambda r: DummyClassifier(strategy="most_frequent")
    factories["baseline_stratified"] = lambda r: DummyClassifier(strategy="stratified", random_state=seed + r)
    repeats = sorted({f.repeat for f in folds})
    # Under leave-one-group-out each fold is one group: its score says how the recipe
    # carries over to that topic or thread (a news comment thread is not a Reddit one).
    by_group = description.startswith("leave-one-group-out")
    results: dict[str, dict] = {}
    one_label_fits = 0
    per_group: dict[str, dict[str, dict]] = {}
    oof: dict[str, list[str]] = {}
    X = np.array(examples, dtype=object)
    y_arr = np.array(y, dtype=object)
    # A bar over every fit (shown only in a terminal): transformer folds take minutes each.
    bar = tqdm(total=len(factories) * len(folds), desc="cross-validation", unit="fit", disable=None, leave=False)
    for name, factory in factories.items():
        per_repeat = []
        for r in repeats:
            pred = np.empty(len(y), dtype=object)
            for k, fold in enumerate(f for f in folds if f.repeat == r):
                bar.set_postfix_str(name[:30])
                bar.update(1)
                if progress:
                    progress(f"{name}: repeat {r + 1}/{len(repeats)}, fold {k + 1}")
                train_y = list(y_arr[fold.train])
                # A label with one or two items may be all in the held-out part: trained on
                # one label, a recipe can only answer it (scikit-learn refuses to fit one).
                one = len(set(train_y)) < 2
                one_label_fits += one and not name.startswith("baseline_")
                model = DummyClassifier(strategy="most_frequent") if one else factory(r)
                model.fit(list(X[fold.train]), train_y)
                pred[fold.test] = model.predict(list(X[fold.test]))
                if by_group:
                    s = scores(list(y_arr[fold.test]), [str(p) for p in pred[fold.test]], labels)
                    per_group.setdefault(str(groups[fold.test[0]]), {})[name] = {
                        k: s[k] for k in ("n", "macro_f1", "accuracy")
                    }
            per_repeat.append(scores(y, [str(p) for p in pred], labels))
            oof.setdefault(name, [str(p) for p in pred])
        results[name] = _summary(per_repeat, labels)
    bar.close()
    out = {
        "grouping": grouping,
        "folds": description,
        "n_items": len(examples),
        "n_groups": len(set(groups)),
        "seed": seed,
        "results": results,
    }
    if one_label_fits:
        out["one_label_folds"] = one_label_fits
    if per_group:
        out["per_group"] = dict(sorted(per_group.items()))
    if keep_oof:
        out["oof"] = oof
    return out
