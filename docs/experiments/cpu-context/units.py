import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import LeaveOneGroupOut

from pipeline.core.config import load_config
from pipeline.estimators import TextPairClassifier
from pipeline.segment.ids import parse_unit_id
from pipeline.training.data import load_dataset

cfg = load_config()
ds = load_dataset("unit_type", [Path("data/annotations")], cfg, corpus_dir=Path("data/interim/corpus"))
ex = ds.examples
from pipeline.core.corpus import read_corpus

POSTS = read_corpus(Path("data/interim/corpus")).posts_by_id()
y = np.array([e.label for e in ex])
groups = np.array([e.group for e in ex])
loc = [parse_unit_id(e.id) for e in ex]
by_field = {}
for i, (p, f, s, t) in enumerate(loc):
    by_field.setdefault((p, f), []).append((s, i))
prev = [-1] * len(ex)
nxt = [-1] * len(ex)
pos = [0] * len(ex)
cnt = [1] * len(ex)
for key, lst in by_field.items():
    lst.sort()
    for k, (s, i) in enumerate(lst):
        prev[i] = lst[k - 1][1] if k else -1
        nxt[i] = lst[k + 1][1] if k + 1 < len(lst) else -1
        pos[i] = k
        cnt[i] = len(lst)


def variant(name):
    out = []
    for i, e in enumerate(ex):
        p = ex[prev[i]].text if prev[i] >= 0 else ""
        n = ex[nxt[i]].text if nxt[i] >= 0 else ""
        f = dict(e.features)
        if "pos" in name or "xx" in name:
            if "first" in name or name.startswith("pos"):
                f["is_first"] = float(pos[i] == 0)
            if "last" in name or name.startswith("pos"):
                f["is_last"] = float(pos[i] == cnt[i] - 1)
            if "nlog" in name or name.startswith("pos"):
                f["n_units_log"] = float(np.log1p(cnt[i]))
            if "only" in name or name.startswith("pos"):
                f["only"] = float(cnt[i] == 1)
        if "nbf" in name:
            for tag, j in (("prev", prev[i]), ("next", nxt[i])):
                if j >= 0:
                    for k, v in ex[j].features.items():
                        if k.startswith("rule_") or k in ("ends_question", "n_words_log"):
                            f[f"{tag}_{k}"] = v
        if "tb" in name:
            import re

            from pipeline.models.examples import field_text

            pid, fld, st, en = loc[i]
            full = field_text(POSTS[pid], fld)
            f["is_first"] = float(not re.search(r"\w", full[:st]))
            f["is_last"] = float(not re.search(r"\w", full[en:]))
            if "flen" in name:
                f["field_len_log"] = float(np.log1p(len(full)) / 10)
        pair = ""
        if "pairpn" in name:
            pair = p + "\n" + n
        elif "pairp" in name:
            pair = p
        elif "pairn" in name:
            pair = n
        out.append(replace(e, pair=pair, features=f))
    return out


params = dict(cfg.train.sklearn["unit_type"])
res = {}
for name in sys.argv[1:]:
    X = variant(name)
    pr = dict(params)
    if "pair" in name:
        pr["use_pair"] = True
    for kv in name.split(","):
        if kv.startswith("C="):
            pr["C"] = float(kv[2:])
    pred = np.empty(len(ex), dtype=object)
    for tr, te in LeaveOneGroupOut().split(X, y, groups):
        m = TextPairClassifier(random_state=0, **pr).fit([X[i] for i in tr], y[tr])
        pred[te] = m.predict([X[i] for i in te])
    res[name] = round(f1_score(y, pred.astype(str), average="macro"), 4)
    print(name, res[name], flush=True)
    per = {}
    for g in sorted(set(groups)):
        mask = groups == g
        per[g] = round(f1_score(y[mask], pred[mask].astype(str), average="macro"), 3)
    print("   per thread", per, flush=True)
