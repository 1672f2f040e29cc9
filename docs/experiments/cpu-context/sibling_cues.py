"""Experiment: the reply cues of a reply's siblings (the other replies to its parent) as
reply-stance features, read from their words, without stacking: the share of siblings a
denial cue ("nej ...", "vrøvl", "ikke enig") or an agreement cue fires on, and how many
siblings there are. A contested post draws denials (gold: 30% where a sibling denies, 13%
where the siblings are neutral). DAST leave-one-topic-out, scikit-learn profile. Run from
the project root: PYTHONPATH=. python docs/experiments/cpu-context/sibling_cues.py"""

import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from pipeline.core.config import DAST_DEFAULT, load_config
from pipeline.estimators import TextPairClassifier
from pipeline.formats.dast import read_dast
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.threads import write_thread_file
from pipeline.models.cues import reply_rule
from pipeline.models.examples import reply_examples

cfg = load_config()
raw, _ = read_dast(DAST_DEFAULT)
tf = Path(tempfile.mkdtemp()) / "t.jsonl"
write_thread_file(tf, [p.row for p in raw])
corpus = ingest_thread_files([tf], cfg)
by_id = corpus.posts_by_id()
topic = {t.id: t.topic for t in corpus.threads}
comments = [p for p in corpus.posts if p.parent_id and p.gold and p.gold.reply_stance]
ex = reply_examples(comments, by_id)
y = np.array([c.gold.reply_stance for c in comments])
groups = np.array([topic[c.thread_id] for c in comments])
kids = defaultdict(list)
for p in corpus.posts:
    if p.parent_id:
        kids[p.parent_id].append(p)
cue = {p.id: (h.label if (h := reply_rule(p.full_text)) else None) for p in corpus.posts}


def sibling_cues(c) -> dict[str, float]:
    sib = [s for s in kids[c.parent_id] if s.id != c.id]
    f = {"sib_n_log": float(np.log1p(len(sib)))}
    if sib:
        for label in ("deny", "support", "query"):
            f[f"sib_cue_{label}"] = sum(cue[s.id] == label for s in sib) / len(sib)
    return f


with_sib = [replace(e, features={**e.features, **sibling_cues(c)}) for e, c in zip(ex, comments, strict=True)]
params = cfg.train.sklearn["reply_stance"]
for name, X in (("default recipe", ex), ("with siblings' cues", with_sib)):
    pred = np.empty(len(y), dtype=object)
    for g in sorted(set(groups)):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        m = TextPairClassifier(random_state=0, **params).fit([X[i] for i in tr], y[tr])
        pred[te] = m.predict([X[i] for i in te])
    print(f"{name}: macro-F1 {f1_score(y, pred.astype(str), average='macro'):.3f}", flush=True)
