"""Experiment: the e5 embedding of a reply's opening words as one more block beside the
whole comment's, its parent's, their product and cosine. A mean-pooled embedding of a long
comment averages its stance ("Nej, ...", "Helt enig, men ...") with everything after it;
the opening words alone keep it (head n-grams, the same idea in n-grams, lowered support).
Trains the recipe exactly as `make train` does, so the card's leave-one-topic-out score
compares with models/reply_stance_e5's; with BASELINE as the third argument it trains the
unchanged recipe in the same run, for the same machine. Run from the repository root:
    python docs/experiments/cpu-encoder/head_e5.py TASK OUT_DIR [BASELINE]"""

import sys

import numpy as np
import scipy.sparse as sp

from pipeline import estimators
from pipeline.cli import main

HEAD_WORDS = 20
task, out = sys.argv[1], sys.argv[2]
if len(sys.argv) <= 3:
    plain = estimators.TextPairClassifier._embeddings

    def with_head(self, X):
        blocks = plain(self, X)
        heads = [" ".join(x.text.split()[:HEAD_WORDS]) or " " for x in X]
        H = estimators._embedder(self.encoder).encode(heads)
        return sp.hstack([blocks, sp.csr_matrix(np.asarray(H))], format="csr")

    estimators.TextPairClassifier._embeddings = with_head
sys.exit(
    main(
        ["-q", "train", "--task", task, "--data", "data/annotations", "../shared/data/dast/dast_train.jsonl"]
        + ["--encoder-features", "models/local/multilingual-e5-small", "--out", out]
    )
)
