"""Experiment: more reply-stance training pairs from DAST's second label. A reply below the
first level also has an SDQC label toward the thread's source post (`sdqc_submission`):
(comment, source post) is one more labelled pair of the same kind, stance of a text toward
the text it is paired with. Added to the reply-stance recipe's training folds (never to the
held-out topic), DAST leave-one-topic-out, scored on sdqc_parent as in docs/benchmarks.md.
Run from the repository root: PYTHONPATH=. python docs/experiments/cpu-augment/submission_pairs.py"""

import json
from dataclasses import replace

import numpy as np
from sklearn.metrics import f1_score

from pipeline.core.config import DAST_DEFAULT, load_config
from pipeline.estimators import TextPairClassifier
from pipeline.formats.dast import SDQC
from pipeline.ingest.build import ingest_thread_files
from pipeline.models.examples import PAIR_CHARS, own_words, reply_examples

cfg = load_config()
corpus = ingest_thread_files([DAST_DEFAULT], cfg)
by_id = corpus.posts_by_id()
threads = {t.id: t for t in corpus.threads}
topic = {t.id: t.topic for t in corpus.threads}
sub = {}
with open(DAST_DEFAULT, encoding="utf-8") as fh:
    for line in fh:
        d = json.loads(line)
        sub[d["post_id"]] = SDQC.get(d.get("sdqc_submission") or "")
comments = [p for p in corpus.posts if p.parent_id and p.gold and p.gold.reply_stance]
R_ex = reply_examples(comments, by_id)
y = np.array([c.gold.reply_stance for c in comments])
groups = np.array([topic[c.thread_id] for c in comments])
deep = np.array([by_id[c.parent_id].parent_id is not None and bool(sub.get(c.id)) for c in comments])
root_text = {t.id: own_words(by_id[t.root_id])[:PAIR_CHARS] for t in corpus.threads}


def as_source_pair(ex, c):
    # The same comment paired with the source post, with the features of a direct reply.
    feats = dict(ex.features, parent_is_root=1.0, depth_log=float(np.log1p(1)))
    return replace(ex, id=ex.id + "@source", pair=root_text[c.thread_id], features=feats)


A_ex = [as_source_pair(e, c) for e, c in zip(R_ex, comments, strict=True)]
yA = np.array([sub.get(c.id) or "" for c in comments])
print(f"{len(comments)} replies, {deep.sum()} below the first level with a label toward the source")


def run(extra: bool, only_taking_sides: bool = False) -> float:
    pred = np.empty(len(y), dtype=object)
    for g in sorted(set(groups)):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        X = [R_ex[i] for i in tr]
        Y = list(y[tr])
        if extra:
            add = [i for i in tr if deep[i] and (not only_taking_sides or yA[i] in ("support", "deny"))]
            X += [A_ex[i] for i in add]
            Y += list(yA[add])
        m = TextPairClassifier(random_state=0, **cfg.train.sklearn["reply_stance"]).fit(X, np.array(Y))
        pred[te] = m.predict([R_ex[i] for i in te])
    return f1_score(y, pred, average="macro")


print(f"default: {run(False):.3f}")
print(f"+ (comment, source) pairs: {run(True):.3f}")
print(f"+ only those that support or deny the source: {run(True, True):.3f}")
