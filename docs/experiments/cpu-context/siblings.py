"""Experiment: the predicted stances of a reply's siblings (the other replies to its
parent) as reply-stance features. In DAST's gold a reply denies its parent 30% of the time
where a sibling denies it, 13% where the siblings are neutral: a contested post draws
denials. Stacked as in context.py: per outer leave-one-topic-out fold, out-of-fold
(inner leave-one-topic-out) probabilities on the training topics, fitted-on-all ones on the
held-out topic; the siblings' mean probabilities and their largest deny probability join
the default recipe's features (scikit-learn profile). Run from the project root (about 5
minutes): PYTHONPATH=. python docs/experiments/cpu-context/siblings.py"""

import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex as ex  # noqa: E402
from dast_loto import cfg, comments, groups  # noqa: E402
from dast_loto import yR as y  # noqa: E402

from pipeline.estimators import TextPairClassifier  # noqa: E402

L = ["comment", "deny", "query", "support"]
params = cfg.train.sklearn["reply_stance"]
kids = defaultdict(list)
for i, c in enumerate(comments):
    kids[c.parent_id].append(i)


def proba(tr, te, X=ex):
    m = TextPairClassifier(random_state=0, **params).fit([X[i] for i in tr], y[tr])
    P = m.predict_proba([X[i] for i in te])
    out = np.zeros((len(te), len(L)))
    for j, c in enumerate(m.classes_):
        out[:, L.index(c)] = P[:, j]
    return out


def sibling_features(P):
    out = []
    for i, c in enumerate(comments):
        sib = [k for k in kids[c.parent_id] if k != i]
        f = {"sib_n_log": float(np.log1p(len(sib)))}
        if sib:
            mean = P[sib].mean(0)
            f.update({f"sib_mean_{lab}": float(v) for lab, v in zip(L, mean, strict=True)})
            f["sib_max_deny"] = float(P[sib, L.index("deny")].max())
        out.append(f)
    return out


plain = np.empty(len(comments), dtype=object)
stacked = np.empty(len(comments), dtype=object)
for g in sorted(set(groups)):
    tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
    P = np.zeros((len(comments), len(L)))
    for h in sorted(set(groups[tr])):
        inner_tr, inner_te = tr[groups[tr] != h], tr[groups[tr] == h]
        P[inner_te] = proba(inner_tr, inner_te)
    P[te] = proba(tr, te)
    plain[te] = np.array(L)[P[te].argmax(1)]
    X = [replace(e, features={**e.features, **f}) for e, f in zip(ex, sibling_features(P), strict=True)]
    stacked[te] = np.array(L)[proba(tr, te, X).argmax(1)]
    print(g, flush=True)
for name, pred in (("default recipe", plain), ("with siblings' predicted stances", stacked)):
    print(f"{name}: macro-F1 {f1_score(y, pred.astype(str), average='macro'):.3f}")
