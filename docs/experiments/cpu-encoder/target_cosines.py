"""Experiment: the default profile's reply-stance recipe (n-grams plus e5 features) with
three more numeric features: the e5 cosine of the comment and of its parent to the thread's
target, and whether the parent is the opening post (read off the text: the target begins
with the parent's words). Same folds as the committed
model's card (DAST leave-one-topic-out plus the seed thread). About 4 minutes with the
embedding cache warm. Run from the repository root:
PYTHONPATH=. python docs/experiments/cpu-encoder/target_cosines.py"""

import dataclasses

from common import e5_cv_score, stance_datasets

from pipeline.core.config import E5_DIR
from pipeline.models.embed import shared_embedder

reply, target = stance_datasets()
tgt = {e.id: e.pair for e in target.examples}
emb = shared_embedder(E5_DIR)
ex = reply.examples
C = emb.encode([e.text for e in ex])
P = emb.encode([e.pair or "" for e in ex])
T = emb.encode([tgt.get(e.id, "") for e in ex])
new = []
for i, e in enumerate(ex):
    f = dict(e.features)
    f["cos_comment_target"] = float(C[i] @ T[i])
    f["cos_parent_target"] = float(P[i] @ T[i]) if e.pair else 0.0
    f["parent_is_root"] = float(e.pair == tgt.get(e.id, "")[: len(e.pair)]) if e.pair else 0.0
    new.append(dataclasses.replace(e, features=f))
ds = dataclasses.replace(reply, examples=new)
m = e5_cv_score(ds, "reply_stance_target_cosines")
print("with target cosines:", m["macro_f1_mean"], m["f1_per_class_mean"])
