"""Out-of-fold probabilities of several heads for reply and target stance on DAST,
leave-one-topic-out, saved per (task, head) under /tmp/ens so combinations can be scored
without refitting. Heads: the committed recipes (n-grams, + e5 for reply), and heads over
the frozen e5 vectors alone (comment, pair, product, cosine): an RBF SVM and an MLP.
Usage: PYTHONPATH=. .venv/bin/python docs/experiments/cpu-ensemble/heads.py [head ...]"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex, T_ex, groups, yR, yT  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from pipeline.estimators import TextPairClassifier  # noqa: E402
from pipeline.models.embed import shared_embedder  # noqa: E402

E5 = "models/local/multilingual-e5-small"
OUT = Path("/tmp/ens")
OUT.mkdir(exist_ok=True)
emb = shared_embedder(Path(E5))


def e5_matrix(ex) -> np.ndarray:
    E = emb.encode([x.text for x in ex])
    P = np.zeros_like(E)
    has = np.array([bool(x.pair) for x in ex])
    P[has] = emb.encode([x.pair for x in ex if x.pair])
    prod = E * P
    return np.hstack([E, P, prod * 10, prod.sum(1, keepdims=True)])


def balanced_oversample(X, y, rng):
    classes, counts = np.unique(y, return_counts=True)
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), counts.max(), replace=True) for c in classes])
    return X[idx], y[idx]


def oof(task, head) -> None:
    ex, y = (R_ex, yR) if task == "reply" else (T_ex, yT)
    classes = np.array(sorted(set(y)))
    probs = np.zeros((len(y), len(classes)))
    X = e5_matrix(ex) if head in ("svc", "mlp") else None
    for g in sorted(set(groups)):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        if head == "ngram":
            m = TextPairClassifier().fit([ex[i] for i in tr], y[tr])
            p = m.predict_proba([ex[i] for i in te])
        elif head == "ngram_e5":
            m = TextPairClassifier(encoder=E5).fit([ex[i] for i in tr], y[tr])
            p = m.predict_proba([ex[i] for i in te])
        elif head == "svc":
            m = SVC(C=1.0, kernel="rbf", class_weight="balanced", probability=True, random_state=0)
            m.fit(X[tr], y[tr])
            p = m.predict_proba(X[te])
        elif head == "mlp":
            ps = []
            for seed in range(3):
                rng = np.random.default_rng(seed)
                Xb, yb = balanced_oversample(X[tr], y[tr], rng)
                m = MLPClassifier((256,), alpha=1e-2, max_iter=60, early_stopping=False, random_state=seed)
                m.fit(Xb, yb)
                ps.append(m.predict_proba(X[te]))
            p = np.mean(ps, axis=0)
        elif head == "bag":
            ps = []
            for h in sorted(set(groups[tr])):
                sub = tr[groups[tr] != h]
                m = TextPairClassifier(encoder=E5 if task == "reply" else None).fit([ex[i] for i in sub], y[sub])
                ps.append(m.predict_proba([ex[i] for i in te]))
            p = np.mean(ps, axis=0)
        assert list(m.classes_) == list(classes)
        probs[te] = p
        print(task, head, g, flush=True)
    np.savez(OUT / f"{task}-{head}.npz", probs=probs, classes=classes, y=y)


if __name__ == "__main__":
    for spec in sys.argv[1:]:
        task, head = spec.split(":")
        oof(task, head)
