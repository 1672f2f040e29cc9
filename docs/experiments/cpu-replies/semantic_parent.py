"""Experiment: the parent of a reply in a flat comment list chosen by meaning, the earlier
post whose multilingual-e5-small embedding is closest to the reply's. DAST's threads with
their tree known (Reddit's): for every reply, the cosine to each earlier post of its thread
(the source post included), in the thread's date order; how often the closest is the true
parent, by the margin over the second closest, against the opening post alone (what the
inference falls back to). Run from the repository root (about 2 minutes with the cache
`make bench-dast` filled):
    PYTHONPATH=. python docs/experiments/cpu-replies/semantic_parent.py"""

from collections import defaultdict

import numpy as np

from pipeline.core.config import DAST_DEFAULT, E5_DIR, load_config
from pipeline.ingest.build import ingest_thread_files
from pipeline.models.embed import shared_embedder

cfg = load_config()
corpus = ingest_thread_files([DAST_DEFAULT], cfg)
emb = shared_embedder(E5_DIR).with_cache(__import__("pathlib").Path("data/interim/embeddings"))
by_thread = defaultdict(list)
for p in corpus.posts:
    by_thread[p.thread_id].append(p)
rows = []  # (right, margin, parent is root, chosen is root)
for tid, posts in by_thread.items():
    posts.sort(key=lambda p: (p.created or "", p.position))
    vec = emb.encode([p.full_text[:2000] or " " for p in posts])
    for i, p in enumerate(posts):
        if p.parent_id is None or i == 0:
            continue
        sims = vec[:i] @ vec[i]
        order = np.argsort(-sims)
        best = posts[order[0]]
        margin = float(sims[order[0]] - sims[order[1]]) if i > 1 else 1.0
        rows.append((best.id == p.parent_id, margin, p.parent_id == posts[0].id, order[0] == 0))
rows.sort(key=lambda r: -r[1])
n = len(rows)
print(f"{n} replies; the opening post is the parent of {sum(r[2] for r in rows)} ({sum(r[2] for r in rows) / n:.2f})")
print(f"closest earlier post is the parent: {sum(r[0] for r in rows)} ({sum(r[0] for r in rows) / n:.2f})")
away = [r for r in rows if not r[3]]
print(
    f"closest is another comment for {len(away)}; right {sum(r[0] for r in away)} ({sum(r[0] for r in away) / max(1, len(away)):.2f})"
)
for cut in (0.0, 0.02, 0.05, 0.08, 0.1, 0.15):
    sel = [r for r in away if r[1] >= cut]
    if sel:
        print(f"  margin >= {cut}: {len(sel)} links, precision {sum(r[0] for r in sel) / len(sel):.2f}")
