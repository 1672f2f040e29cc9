"""Experiment: e5's "query: " prefix instead of "passage: " for the embeddings the
scikit-learn heads read. The e5 model card recommends "query: " when embeddings are used as
features (linear probing, clustering); the pipeline has used "passage: ". Trains the
reply-stance recipe with encoder features exactly as the Makefile does, so the model card's
leave-one-topic-out score is comparable with models/reply_stance_e5's.
Run from the repository root:
    python docs/experiments/cpu-encoder/query_prefix.py TASK OUT_DIR [PREFIX]"""

import sys

from pipeline.cli import main
from pipeline.models import embed

task, out = sys.argv[1], sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else "query: "
defaults = list(embed.Embedder.__init__.__defaults__)
defaults[4] = prefix  # cache_dir, device, batch_size, max_length, prefix, threads
embed.Embedder.__init__.__defaults__ = tuple(defaults)
sys.exit(
    main(
        ["-q", "train", "--task", task, "--data", "data/annotations", "../shared/data/dast/dast_train.jsonl"]
        + ["--encoder-features", "models/local/multilingual-e5-small", "--out", out]
    )
)
