import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, "/tmp/afinn_dl/afinn-0.1")
from afinn import Afinn

from pipeline.core.config import load_config
from pipeline.estimators import TextPairClassifier
from pipeline.formats.dast import read_dast
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import write_thread_file
from pipeline.models.examples import own_words, reply_examples, target_examples

af = Afinn(language="da")
cfg = load_config()
posts_raw, _ = read_dast(Path("/work/shared/data/dast/dast_train.jsonl"))
tf = Path(tempfile.mkdtemp()) / "t.jsonl"
write_thread_file(tf, [p.row for p in posts_raw])
corpus = ingest_thread_files([tf], cfg)
by_id = corpus.posts_by_id()
threads = {t.id: t for t in corpus.threads}
sub = {p.row.id: p.sdqc_submission for p in posts_raw if p.sdqc_submission}
comments = [p for p in corpus.posts if p.parent_id and p.gold and p.gold.reply_stance]
R = reply_examples(comments, by_id)
T = target_examples(comments, by_id, threads, R)
S = [replace(e, pair=by_id[threads[c.thread_id].root_id].full_text[:2000]) for e, c in zip(R, comments)]


def sent(text):
    n = max(len(text.split()), 1)
    sc = af.score(text)
    return sc / np.sqrt(n)


def add(ex):
    out = []
    for e, c in zip(ex, comments):
        p = by_id.get(c.parent_id)
        a = sent(own_words(c))
        b = sent(own_words(p)) if p else 0.0
        f = {
            **e.features,
            "afinn": np.tanh(a / 3),
            "afinn_parent": np.tanh(b / 3),
            "afinn_prod": np.tanh(a / 3) * np.tanh(b / 3),
            "afinn_neg": float(a < 0),
        }
        out.append(replace(e, features=f))
    return out


groups = np.array([threads[c.thread_id].topic for c in comments])
ys = {
    "R": np.array([c.gold.reply_stance for c in comments]),
    "T": np.array([c.gold.target_stance for c in comments]),
    "S": np.array([sub[c.id] for c in comments]),
}
params = {
    "R": cfg.train.sklearn["reply_stance"],
    "T": cfg.train.sklearn["target_stance"],
    "S": cfg.train.sklearn["reply_stance"],
}
for key, ex in [("R", R), ("T", T), ("S", S)]:
    for name, X in [("base", ex), ("afinn", add(ex))]:
        pred = np.empty(len(ex), dtype=object)
        for g in sorted(set(groups)):
            tr = np.flatnonzero(groups != g)
            te = np.flatnonzero(groups == g)
            m = TextPairClassifier(random_state=0, **params[key]).fit([X[i] for i in tr], ys[key][tr])
            pred[te] = m.predict([X[i] for i in te])
        print(key, name, round(f1_score(ys[key], pred.astype(str), average="macro"), 4), flush=True)
