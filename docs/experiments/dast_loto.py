"""What the DAST experiments share: DAST's replies as the committed stance recipes see them
(reply- and target-stance examples, gold labels, topics) and a leave-one-topic-out score.
Scripts import it after `sys.path.insert(0, <docs/experiments>)`."""

import numpy as np
from sklearn.metrics import f1_score

from pipeline.core.config import DAST_DEFAULT, load_config
from pipeline.ingest.build import ingest_thread_files
from pipeline.models.examples import reply_examples, target_examples

cfg = load_config()
corpus = ingest_thread_files([DAST_DEFAULT], cfg)  # ingest reads DAST's layout
by_id = corpus.posts_by_id()
threads = {t.id: t for t in corpus.threads}
topic = {t.id: t.topic for t in corpus.threads}
comments = sorted(
    (p for p in corpus.posts if p.parent_id and p.gold and p.gold.reply_stance), key=lambda p: (p.thread_id, p.position)
)
R_ex = reply_examples(comments, by_id)
T_ex = target_examples(comments, by_id, threads, R_ex)
yR = np.array([c.gold.reply_stance for c in comments])
yT = np.array([c.gold.target_stance for c in comments])
groups = np.array([topic[c.thread_id] for c in comments])


def loto(make, ex, y) -> float:
    """Macro-F1 of `make()` fitted on six topics and scored on the seventh, pooled."""
    pred = np.empty(len(y), dtype=object)
    for g in sorted(set(groups)):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        m = make().fit([ex[i] for i in tr], y[tr])
        pred[te] = m.predict([ex[i] for i in te])
    return f1_score(y, pred.astype(str), average="macro")
