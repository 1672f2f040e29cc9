"""Experiment: the element-wise distance |text - pair| of the e5 embeddings as one more
block beside text, pair, their product and cosine (Sentence-BERT's (u, v, |u - v|) for
pair classification). Trains the recipe exactly as `make train` does, so the card's
leave-one-topic-out score compares with models/reply_stance_e5's; with BASELINE as the
third argument it trains the unchanged recipe in the same run, for the same machine.
Run from the repository root:
    python docs/experiments/cpu-encoder/abs_diff.py TASK OUT_DIR [BASELINE]"""

import sys

import numpy as np
import scipy.sparse as sp

from pipeline import estimators
from pipeline.cli import main

task, out = sys.argv[1], sys.argv[2]
if len(sys.argv) <= 3:
    plain = estimators.TextPairClassifier._embeddings

    def with_distance(self, X):
        blocks = plain(self, X).toarray()
        dim = (blocks.shape[1] - 1) // 3
        E, P = blocks[:, :dim], blocks[:, dim : 2 * dim]
        diff = np.abs(E - P)
        norm = np.linalg.norm(diff, axis=1, keepdims=True)
        unit = np.divide(diff, norm, out=np.zeros_like(diff), where=norm > 0)
        return sp.csr_matrix(np.hstack([blocks, unit]))

    estimators.TextPairClassifier._embeddings = with_distance
sys.exit(
    main(
        ["-q", "train", "--task", task, "--data", "data/annotations", "../shared/data/dast/dast_train.jsonl"]
        + ["--encoder-features", "models/local/multilingual-e5-small", "--out", out]
    )
)
