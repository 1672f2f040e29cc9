"""Experiment: stance toward the submission (DAST sdqc_submission, 4 SDQC labels) for a
comment that answers the source post directly is its stance toward its parent (on DAST 244
of 261 such comments carry the same label for both). So for those comments, take the
reply-stance model's label (it learns from every reply's sdqc_parent, ten times the
submission model's signal), and the submission model's for the deeper ones. Scored
leave-one-topic-out over DAST's 7 topics, as `make bench-dast` does, with both recipes as
the project's defaults (scikit-learn profile; `--e5` for the e5 blocks in both).
Run from the repository root:
    PYTHONPATH=. python docs/experiments/cpu-submission/depth_one.py [--e5]"""

import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from pipeline.bench.runs import dast_examples
from pipeline.core.config import DAST_DEFAULT, E5_DIR, load_config
from pipeline.estimators import TextPairClassifier
from pipeline.formats.dast import read_dast

cfg = load_config()
e5 = str(E5_DIR) if "--e5" in sys.argv else None
examples, topics, _, _ = dast_examples(DAST_DEFAULT, cfg, Path(tempfile.mkdtemp()))
par = {e.id: e for e in examples["sdqc_parent"]}
sub = examples["sdqc_submission"]
posts, _ = read_dast(DAST_DEFAULT)
parent_of = {p.row.id: p.row.parent_id for p in posts}
source = {p.row.id for p in posts if p.row.parent_id is None}
direct = np.array([parent_of[e.id] in source for e in sub])
groups = np.array([topics[e.group] for e in sub])
y = np.array([e.label for e in sub])


def model(task: str) -> TextPairClassifier:
    return TextPairClassifier(random_state=cfg.seed, encoder=e5, **dict(cfg.train.sklearn.get(task, {})))


def folds():
    """Per held-out topic: the training and test rows, the test comments, and the reply
    model's labels for them (trained on the other topics' replies toward their parents)."""
    for g in sorted(set(groups)):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        reply_train = [par[sub[i].id] for i in tr]
        reply = model("reply_stance").fit(reply_train, [e.label for e in reply_train])
        test = [sub[i] for i in te]
        yield g, tr, te, test, np.array(reply.predict([par[e.id] for e in test]), dtype=object)


preds = {name: np.empty(len(sub), dtype=object) for name in ("submission model", "hybrid", "hybrid, deeper-only")}
for g, tr, te, test, from_reply in folds():
    whole = model("target_stance").fit([sub[i] for i in tr], y[tr])
    deep_tr = [i for i in tr if not direct[i]]
    deep = model("target_stance").fit([sub[i] for i in deep_tr], y[deep_tr])
    from_whole = np.array(whole.predict(test), dtype=object)
    from_deep = np.array(deep.predict(test), dtype=object)
    preds["submission model"][te] = from_whole
    preds["hybrid"][te] = np.where(direct[te], from_reply, from_whole)
    preds["hybrid, deeper-only"][te] = np.where(direct[te], from_reply, from_deep)
    print(g, {k: round(f1_score(y[te], v[te].astype(str), average="macro"), 3) for k, v in preds.items()}, flush=True)
labels = ["support", "deny", "query", "comment"]
for name, p in preds.items():
    per = f1_score(y, p.astype(str), labels=labels, average=None)
    print(
        f"{name}: macro-F1 {f1_score(y, p.astype(str), average='macro'):.3f}",
        {lab: round(float(f), 3) for lab, f in zip(labels, per, strict=True)},
    )
print(f"direct replies: {int(direct.sum())} of {len(sub)}")

# The same on the pipeline's own target-stance labels: SDQC toward the submission mapped
# as the training data maps it (support -> favor, deny -> against, query and comment ->
# neutral), the target-stance model trained on those labels.
TO_TARGET = {"support": "favor", "deny": "against", "query": "neutral", "comment": "neutral"}
y3 = np.array([TO_TARGET[v] for v in y])
p3 = {name: np.empty(len(sub), dtype=object) for name in ("target model", "hybrid")}
for _, tr, te, test, reply_labels in folds():
    target = model("target_stance").fit([sub[i] for i in tr], y3[tr])
    from_reply = np.array([TO_TARGET[v] for v in reply_labels], dtype=object)
    from_target = np.array(target.predict(test), dtype=object)
    p3["target model"][te] = from_target
    p3["hybrid"][te] = np.where(direct[te], from_reply, from_target)
for name, p in p3.items():
    per = f1_score(y3, p.astype(str), labels=["favor", "against", "neutral"], average=None)
    print(
        f"target stance, {name}: macro-F1 {f1_score(y3, p.astype(str), average='macro'):.3f}",
        dict(zip(["favor", "against", "neutral"], np.round(per, 3).tolist(), strict=True)),
    )
