"""Experiment: the unit-type score with its C chosen honestly. The card's leave-one-thread-out
score (5 seed threads, 469 units) is at the C that was picked on those same folds; here each
held-out thread's model takes the C that scored best on the other four threads alone
(leave-one-thread-out inside them), so the thread being scored plays no part in the choice.
The cue features were still written after reading these folds' errors: that part stays
optimistic. Prints the flat score per C, each outer fold's inner scores and choice, and the
nested score. Run from the repository root after `make ingest` (about 5 minutes):
    PYTHONPATH=. .venv/bin/python docs/experiments/cpu-units/nested_c.py"""

from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from pipeline.core.config import load_config
from pipeline.training.data import load_dataset
from pipeline.training.train import fold_groups, sklearn_factory

GRID = [0.3, 0.5, 0.7, 1.0, 2.0, 4.0]
cfg = load_config()
ds = load_dataset("unit_type", [Path("data/annotations")], cfg, Path("data/interim/corpus"))
how, groups = fold_groups(ds, "auto")
groups = np.array(groups)
ex = ds.examples
y = np.array([e.label for e in ex])


def held_out_predictions(train: np.ndarray, test: np.ndarray, C: float) -> np.ndarray:
    make, _ = sklearn_factory("unit_type", cfg, {"C": C})
    return make().fit([ex[i] for i in train], y[train]).predict([ex[i] for i in test])


def leave_one_thread_out(idx: np.ndarray, C: float) -> float:
    pred = np.empty(len(idx), dtype=object)
    for g in sorted(set(groups[idx])):
        held = groups[idx] == g
        pred[held] = held_out_predictions(idx[~held], idx[held], C)
    return f1_score(y[idx], pred.astype(str), average="macro")


every = np.arange(len(y))
print(f"grouped by {how}, {len(y)} units; flat:", {C: round(leave_one_thread_out(every, C), 4) for C in GRID})
pred = np.empty(len(y), dtype=object)
for g in sorted(set(groups)):
    held = groups == g
    inner = {C: leave_one_thread_out(every[~held], C) for C in GRID}
    # Ties go to the C nearest 1 (the library default).
    best = max(GRID, key=lambda C: (round(inner[C], 6), -abs(np.log(C))))
    pred[held] = held_out_predictions(every[~held], every[held], best)
    print(g, "inner:", {C: round(v, 3) for C, v in inner.items()}, "chose C", best, flush=True)
print("nested macro-F1:", round(f1_score(y, pred.astype(str), average="macro"), 4))
