"""Experiment: what a comment's own replies say about it, read by the encoder: the mean
e5 embedding of its direct replies' own words (unit length; zeros without replies) and
its cosine with the comment's, as one more block of the default profile's reply recipe.
The thread is whole when classify runs, so the replies are there to read (their words,
never their labels). Same folds as the committed card (DAST leave-one-topic-out plus the
seed thread); the replies are DAST comments, already in the embedding cache.
Run from the repository root:
    PYTHONPATH=. python docs/experiments/cpu-children/children_e5.py OUT_DIR"""

import sys

import numpy as np
import scipy.sparse as sp

from pipeline.cli import main
from pipeline.estimators import TextPairClassifier, _embedder
from pipeline.models import examples

out = sys.argv[1]
kids_of: dict[str, list[str]] = {}
plain_reply_examples = examples.reply_examples
plain_embeddings = TextPairClassifier._embeddings


def remember(comments, posts, targets=None):
    replies: dict[str, list] = {}
    for p in posts.values():
        if p.parent_id:
            replies.setdefault(p.parent_id, []).append(p)
    for c in comments:
        kids_of[c.id] = [t for k in replies.get(c.id, []) if (t := examples.own_words(k))]
    return plain_reply_examples(comments, posts, targets)


def with_kids(self, X):
    base = plain_embeddings(self, X)
    if not self.use_pair:
        return base
    emb = _embedder(self.encoder)
    texts = sorted({t for x in X for t in kids_of.get(x.id, [])})
    vec = dict(zip(texts, emb.encode(texts), strict=True)) if texts else {}
    E = emb.encode([x.text for x in X])
    M = np.zeros_like(E)
    for i, x in enumerate(X):
        kids = kids_of.get(x.id, [])
        if kids:
            m = np.mean([vec[t] for t in kids], axis=0)
            n = np.linalg.norm(m)
            M[i] = m / n if n > 0 else m
    cosine = (E * M).sum(1, keepdims=True)
    return sp.hstack([base, sp.csr_matrix(M), sp.csr_matrix(cosine)], format="csr")


examples.reply_examples = remember
TextPairClassifier._embeddings = with_kids
import pipeline.training.data as data  # noqa: E402

if hasattr(data, "reply_examples"):
    data.reply_examples = remember
sys.exit(
    main(
        ["-q", "train", "--task", "reply_stance", "--data", "data/annotations", "../shared/data/dast/dast_train.jsonl"]
        + ["--encoder-features", "models/local/multilingual-e5-small", "--out", out]
    )
)
