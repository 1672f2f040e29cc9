"""Macro-F1 of the GPU runs (leave one group out), per seed and averaged over the seeds that
cover every fold, beside the scikit-learn default on the same items and their equal-weight
average (weight fixed in advance, not tuned).  python analyse.py .gpu results/*.jsonl"""

import json, sys, glob
from collections import defaultdict
import numpy as np
from sklearn.metrics import f1_score

rows = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[1] + "/rows.jsonl")}
sk = json.load(open(sys.argv[1] + "/sklearn_oof.json"))
TASK = {"parent": ("sdqc_parent", "y_parent"), "sub": ("sdqc_submission", "y_sub"), "unit": ("unit_type", "y_unit")}


def f1(ids, probs, labels, ykey):
    y = [rows[i][ykey] for i in ids]
    p = [labels[int(np.argmax(probs[i]))] for i in ids]
    return f1_score(y, p, labels=labels, average="macro", zero_division=0)


def vec(d, labels):
    return np.array([d.get(l, 0.0) for l in labels])


for path in sys.argv[2:]:
    recs = [json.loads(l) for l in open(path)]
    if not recs:
        continue
    name = recs[0]["config"]
    by_seed = defaultdict(dict)
    for r in recs:
        by_seed[r["seed"]][r["fold"]] = r["probs"]
    folds_all = set().union(*[set(v) for v in by_seed.values()])
    tasks = list(next(iter(next(iter(by_seed.values())).values())).values())[0].keys()
    for t in tasks:
        skname, ykey = TASK[t]
        labels = list(next(iter(next(iter(by_seed.values())).values())).values())[0][t].keys()
        labels = list(labels)
        complete = [s for s, f in by_seed.items() if len(f) == len(folds_all)]
        line = f"{name:10s} {t:6s} folds {len(folds_all)} "
        per = []
        for s in sorted(by_seed):
            P = {i: vec(pp[t], labels) for f in by_seed[s].values() for i, pp in f.items()}
            ids = sorted(P)
            per.append((s, len(by_seed[s]), round(f1(ids, P, labels, ykey), 3)))
        line += f"per seed (seed, folds, F1 on those folds) {per}"
        if complete:
            P = defaultdict(lambda: 0)
            for s in complete:
                for f in by_seed[s].values():
                    for i, pp in f.items():
                        P[i] = P[i] + vec(pp[t], labels) / len(complete)
            ids = sorted(P)
            avg = f1(ids, P, labels, ykey)
            S = {i: vec(sk[skname][i], labels) for i in ids}
            skf = f1(ids, S, labels, ykey)
            ens = f1(ids, {i: 0.5 * P[i] + 0.5 * S[i] for i in ids}, labels, ykey)
            line += f"\n    seeds {complete} averaged: {avg:.3f}; sklearn same items {skf:.3f}; equal-weight ensemble {ens:.3f}"
        print(line)
