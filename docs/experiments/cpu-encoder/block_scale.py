"""Experiment: how much the e5 blocks weigh beside the n-grams in the default profile's reply
recipe. Each block is unit-length, as each n-gram part is; multiplying the e5 blocks by a
factor is the same as regularising their weights less (by its square) under the one C the
logistic regression has. DAST leave-one-topic-out (7 topics, 2,159 replies), the recipe as
config.toml sets it with the encoder's features. Run from the repository root (about 2
minutes per factor with the embedding cache filled):
    PYTHONPATH=. .venv/bin/python docs/experiments/cpu-encoder/block_scale.py 1 0.5 2"""

import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex, cfg, groups, yR  # noqa: E402

from pipeline import estimators  # noqa: E402
from pipeline.training.train import sklearn_factory  # noqa: E402

plain = estimators.TextPairClassifier._embeddings
factor = {"now": 1.0}
estimators.TextPairClassifier._embeddings = lambda self, X: plain(self, X) * factor["now"]
make, _ = sklearn_factory("reply_stance", cfg, {"encoder": "models/local/multilingual-e5-small"})
for f in [float(a) for a in sys.argv[1:]] or [1.0]:
    factor["now"] = f
    pred = np.empty(len(yR), dtype=object)
    per = {}
    for g in sorted(set(groups)):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        pred[te] = make().fit([R_ex[i] for i in tr], yR[tr]).predict([R_ex[i] for i in te])
        per[str(g)] = round(f1_score(yR[te], pred[te].astype(str), average="macro"), 3)
    print("factor", f, "macro-F1", round(f1_score(yR, pred.astype(str), average="macro"), 4), per, flush=True)
