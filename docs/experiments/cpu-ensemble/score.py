"""Macro-F1 of the saved out-of-fold probabilities (heads.py), alone and averaged with
weights fixed in advance (equal weights; 2:1 for the committed recipe)."""

import itertools
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

OUT = Path("/tmp/ens")


def load(task, head):
    z = np.load(OUT / f"{task}-{head}.npz", allow_pickle=True)
    return z["probs"], z["classes"], z["y"]


def score(task, heads, weights=None):
    ps = [load(task, h) for h in heads]
    w = weights or [1] * len(heads)
    p = sum(wi * pi[0] for wi, pi in zip(w, ps, strict=True)) / sum(w)
    classes, y = ps[0][1], ps[0][2]
    pred = classes[p.argmax(1)]
    return f1_score(y, pred, average="macro"), f1_score(y, pred, average=None, labels=classes)


if __name__ == "__main__":
    for task in ("reply", "target"):
        heads = sorted(p.stem.split("-", 1)[1] for p in OUT.glob(f"{task}-*.npz"))
        for h in heads:
            f, per = score(task, [h])
            print(f"{task:6} {h:20} {f:.3f} {np.round(per, 3)}")
        for a, b in itertools.combinations(heads, 2):
            for w in ([1, 1], [2, 1], [1, 2]):
                f, per = score(task, [a, b], w)
                print(f"{task:6} {a}*{w[0]}+{b}*{w[1]:<8} {f:.3f} {np.round(per, 3)}")
        if len(heads) > 2:
            f, per = score(task, heads)
            print(f"{task:6} all {f:.3f}")
