"""Experiment: e5 embeddings mean-pooled from a middle layer as more blocks beside the
final layer's (comment, parent and their product). The last layer of a retrieval-tuned
encoder is shaped for topical similarity, which says little about agreeing or denying;
middle layers of BERT-like encoders keep more of the wording (negation, questions).
Trains the recipe exactly as `make train` does, so the card's leave-one-topic-out score
compares with models/reply_stance_e5's. Run from the repository root:
    python docs/experiments/cpu-encoder/mid_layer.py TASK OUT_DIR [LAYER]"""

import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from pipeline import estimators
from pipeline.cli import main
from pipeline.models.embed import Embedder

task, out = sys.argv[1], sys.argv[2]
LAYER = int(sys.argv[3]) if len(sys.argv) > 3 else 6


class LayerEmbedder(Embedder):
    def _forward(self, enc: dict) -> np.ndarray:
        import torch

        with torch.no_grad():
            hidden = self._model(**enc, output_hidden_states=True).hidden_states[LAYER]
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
        return np.round(pooled.float().cpu().numpy(), 6).astype(np.float32)


mid = LayerEmbedder(
    Path("models/local/multilingual-e5-small").resolve(), cache_dir=Path(f"data/interim/embeddings-layer{LAYER}")
)
plain = estimators.TextPairClassifier._embeddings


def with_mid(self, X):
    blocks = plain(self, X)
    E = mid.encode([x.text for x in X])
    P = np.zeros_like(E)
    has = np.array([bool(x.pair) for x in X], dtype=bool)
    if has.any():
        P[has] = mid.encode([x.pair for x in X if x.pair])
    prod = E * P
    norm = np.linalg.norm(prod, axis=1, keepdims=True)
    unit = np.divide(prod, norm, out=np.zeros_like(prod), where=norm > 0)
    return sp.hstack([blocks, sp.csr_matrix(np.hstack([E, P, unit]))], format="csr")


estimators.TextPairClassifier._embeddings = with_mid
sys.exit(
    main(
        ["-q", "train", "--task", task, "--data", "data/annotations", "../shared/data/dast/dast_train.jsonl"]
        + ["--encoder-features", "models/local/multilingual-e5-small", "--out", out]
    )
)
