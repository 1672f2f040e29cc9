"""Experiment: one more e5 block, the embedding of the comment and its pair encoded as one
text ("comment\\n\\nparent" for reply stance, "comment\\n\\ntarget" for target stance), so
that the encoder's attention sees both at once; the recipe's separate embeddings (text,
pair, product, cosine) only meet in the linear model. Same folds as the committed cards
(DAST leave-one-topic-out plus the seed thread). Encodes about 4,400 long texts the first
time (roughly half an hour on 2 CPU cores). Run from the repository root:
PYTHONPATH=. python docs/experiments/cpu-encoder/joint_pair.py"""

import scipy.sparse as sp
from common import e5_cv_score, stance_datasets

from pipeline.estimators import TextPairClassifier, _embedder

plain = TextPairClassifier._embeddings


def with_joint(self, X):
    joint = _embedder(self.encoder).encode([f"{x.text}\n\n{x.pair}" if x.pair else x.text for x in X])
    return sp.hstack([plain(self, X), sp.csr_matrix(joint)], format="csr")


TextPairClassifier._embeddings = with_joint
reply, target = stance_datasets()
for name, ds in (("reply_stance", reply), ("target_stance", target)):
    m = e5_cv_score(ds, f"{name}_joint")
    print(name, "e5 + joint block:", round(m["macro_f1_mean"], 4), m["f1_per_class_mean"], flush=True)
