"""Does an author's stance carry across their comments in a thread? Each comment's
out-of-fold probabilities (heads.py) mixed with the mean of the same author's other
comments in the thread, at weights fixed in advance; no gold label is read at inference."""

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import comments  # noqa: E402

OUT = Path("/tmp/ens")


def smoothed(probs, weight):
    by_author = defaultdict(list)
    for i, c in enumerate(comments):
        if c.author:
            by_author[(c.thread_id, c.author)].append(i)
    out = probs.copy()
    n_with = 0
    for idx in by_author.values():
        if len(idx) < 2:
            continue
        total = probs[idx].sum(0)
        for i in idx:
            others = (total - probs[i]) / (len(idx) - 1)
            out[i] = (1 - weight) * probs[i] + weight * others
            n_with += 1
    return out, n_with


for task, head in [a.split(":") for a in sys.argv[1:]]:
    z = np.load(OUT / f"{task}-{head}.npz", allow_pickle=True)
    for w in (0.0, 0.2, 0.35, 0.5):
        p, n = smoothed(z["probs"], w)
        pred = z["classes"][p.argmax(1)]
        print(
            task,
            head,
            w,
            n,
            round(f1_score(z["y"], pred, average="macro"), 3),
            np.round(f1_score(z["y"], pred, average=None, labels=z["classes"]), 3),
        )
