"""Experiment: for a comment on the source post, the reply-stance and the target-stance
models estimate one stance; average their probabilities instead of taking the reply
model's label alone (what classify's `target:direct-reply` does). Target stance (favor,
against, neutral: SDQC toward the submission mapped as the training data maps it) and
reply stance toward the parent, DAST leave-one-topic-out, scikit-learn profile.
Run from the repository root:
    PYTHONPATH=. python docs/experiments/cpu-submission/direct_average.py"""

import tempfile
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from pipeline.bench.runs import dast_examples
from pipeline.core.config import DAST_DEFAULT, load_config
from pipeline.estimators import TextPairClassifier

cfg = load_config()
examples, topics, direct_ids, _ = dast_examples(DAST_DEFAULT, cfg, Path(tempfile.mkdtemp()))
par = {e.id: e for e in examples["sdqc_parent"]}
sub = examples["sdqc_submission"]
direct = np.array([e.id in direct_ids for e in sub])
groups = np.array([topics[e.group] for e in sub])
TO_TARGET = {"support": "favor", "deny": "against", "query": "neutral", "comment": "neutral"}
y3 = np.array([TO_TARGET[e.label] for e in sub])
yr = np.array([par[e.id].label for e in sub])


def model(task: str) -> TextPairClassifier:
    return TextPairClassifier(random_state=cfg.seed, **dict(cfg.train.sklearn.get(task, {})))


T3 = ["favor", "against", "neutral"]
out = {k: np.empty(len(sub), dtype=object) for k in ("target model", "reply label", "average", "reply: average")}
for w in (0.25, 0.5, 0.75):
    out[f"average w={w}"] = np.empty(len(sub), dtype=object)
reply_own = np.empty(len(sub), dtype=object)
for g in sorted(set(groups)):
    tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
    reply = model("reply_stance").fit([par[sub[i].id] for i in tr], yr[tr])
    target = model("target_stance").fit([sub[i] for i in tr], y3[tr])
    test = [sub[i] for i in te]
    pr = reply.predict_proba([par[e.id] for e in test])
    pt = target.predict_proba(test)
    rc, tc = list(reply.classes_), list(target.classes_)
    # The reply model's probabilities as target stance: support -> favor, deny -> against.
    neutral = pr[:, rc.index("query")] + pr[:, rc.index("comment")]
    pr3 = np.stack([pr[:, rc.index("support")], pr[:, rc.index("deny")], neutral], 1)
    pt3 = np.stack([pt[:, tc.index(c)] for c in T3], 1)
    t_label = np.array(T3, dtype=object)[pt3.argmax(1)]
    r_label = np.array(T3, dtype=object)[pr3.argmax(1)]
    out["target model"][te] = t_label
    out["reply label"][te] = np.where(direct[te], r_label, t_label)
    for w in (0.25, 0.5, 0.75):
        mix = np.array(T3, dtype=object)[(w * pr3 + (1 - w) * pt3).argmax(1)]
        out[f"average w={w}"][te] = np.where(direct[te], mix, t_label)
    out["average"][te] = out["average w=0.5"][te]
    # Reply stance of the direct replies with the target model's probabilities folded in.
    R = ["support", "deny", "query", "comment"]
    prr = np.stack([pr[:, rc.index(c)] for c in R], 1)
    neutral_split = prr[:, 2:] / np.maximum(prr[:, 2:].sum(1, keepdims=True), 1e-9)
    ptr = np.hstack([pt3[:, :2], pt3[:, 2:3] * neutral_split])
    r_mix = np.array(R, dtype=object)[(0.5 * prr + 0.5 * ptr).argmax(1)]
    r_own = np.array(R, dtype=object)[prr.argmax(1)]
    out["reply: average"][te] = np.where(direct[te], r_mix, r_own)
    reply_own[te] = r_own
for name, p in out.items():
    if name.startswith("reply:"):
        own, mixed = (f1_score(yr, v.astype(str), average="macro") for v in (reply_own, p))
        print(f"reply stance, own {own:.3f}, {name} {mixed:.3f}")
    else:
        print(f"target stance, {name}: {f1_score(y3, p.astype(str), average='macro'):.3f}")
