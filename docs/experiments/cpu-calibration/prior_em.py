"""Experiment: adapting the reply-stance model to each new corpus's label mix. A held-out topic
has its own share of deny, query and support; the EM procedure of Saerens, Latinne and
Decaestecker (2002) estimates that share from the model's own probabilities on the unlabelled
corpus and re-weights them by it (at a power alpha, 1 for the full adjustment). Scored on
out-of-fold probabilities of the scikit-learn profile's recipe, DAST leave-one-topic-out, each
held-out topic adapted on its own; the training prior taken as uniform (the recipe's balanced
class weights) or as the mean out-of-fold probability. Run from the repository root (about 3
minutes): PYTHONPATH=. .venv/bin/python docs/experiments/cpu-calibration/prior_em.py"""

import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex, cfg, groups, yR  # noqa: E402

from pipeline.training.train import sklearn_factory  # noqa: E402

make, _ = sklearn_factory("reply_stance", cfg)
P = None
for g in sorted(set(groups)):
    tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
    m = make().fit([R_ex[i] for i in tr], yR[tr])
    if P is None:
        classes, P = m.classes_, np.zeros((len(yR), len(m.classes_)))
    P[te] = m.predict_proba([R_ex[i] for i in te])


def adapted(probs: np.ndarray, prior: np.ndarray, alpha: float, rounds: int = 50) -> np.ndarray:
    shares = prior.copy()
    for _ in range(rounds):
        post = probs * (shares / prior)
        shares = (post / post.sum(1, keepdims=True)).mean(0)
    out = probs * (shares / prior) ** alpha
    return out / out.sum(1, keepdims=True)


print("as is:", round(f1_score(yR, classes[P.argmax(1)], average="macro"), 4))
for name, prior in (("uniform", np.full(len(classes), 1 / len(classes))), ("mean probability", P.mean(0))):
    for alpha in (0.25, 0.5, 1.0):
        pred = np.empty(len(yR), dtype=object)
        for g in sorted(set(groups)):
            te = groups == g
            pred[te] = classes[adapted(P[te], prior, alpha).argmax(1)]
        print(f"prior {name}, alpha {alpha}:", round(f1_score(yR, pred.astype(str), average="macro"), 4))
