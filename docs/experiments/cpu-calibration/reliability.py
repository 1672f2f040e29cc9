"""Experiment: are the stance models' confidences calibrated? classify lets a cue rule decide
when its precision is at least the model's confidence, and review ranks items by margin, so
a confidence should mean what it says. DAST leave-one-topic-out, the committed recipes:
expected calibration error (10 equal-width bins of the top probability) and the accuracy
per bin, for the recipe as it is and with Platt (sigmoid) or isotonic calibration fitted by
an inner leave-one-topic-out. Run from the repository root:
PYTHONPATH=. python docs/experiments/cpu-calibration/reliability.py"""

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import f1_score
from sklearn.model_selection import LeaveOneGroupOut

from pipeline.core.config import DAST_DEFAULT, load_config
from pipeline.estimators import TextPairClassifier
from pipeline.ingest.build import ingest_thread_files
from pipeline.models.examples import reply_examples, target_examples

cfg = load_config()
corpus = ingest_thread_files([DAST_DEFAULT], cfg)
by_id = corpus.posts_by_id()
threads = {t.id: t for t in corpus.threads}
topic = {t.id: t.topic for t in corpus.threads}
comments = [p for p in corpus.posts if p.parent_id and p.gold and p.gold.reply_stance]
R_ex = reply_examples(comments, by_id)
T_ex = target_examples(comments, by_id, threads, R_ex)
groups = np.array([topic[c.thread_id] for c in comments])
tasks = {
    "reply_stance": (R_ex, np.array([c.gold.reply_stance for c in comments])),
    "target_stance": (T_ex, np.array([c.gold.target_stance for c in comments])),
}


def ece(conf: np.ndarray, correct: np.ndarray, bins: int = 10) -> tuple[float, list[str]]:
    edges = np.linspace(0, 1, bins + 1)
    total, rows = 0.0, []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.sum() / len(conf) * abs(conf[m].mean() - correct[m].mean())
            rows.append(f"{lo:.1f}-{hi:.1f}: n={m.sum()} conf={conf[m].mean():.2f} acc={correct[m].mean():.2f}")
    return total, rows


for task, (ex, y) in tasks.items():
    params = cfg.train.sklearn[task]
    for how in ("as is", "sigmoid", "isotonic"):
        conf = np.zeros(len(y))
        pred = np.empty(len(y), dtype=object)
        for g in sorted(set(groups)):
            tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
            base = TextPairClassifier(random_state=0, **params)
            if how == "as is":
                m = base.fit([ex[i] for i in tr], y[tr])
            else:
                folds = list(LeaveOneGroupOut().split(tr, groups=groups[tr]))
                m = CalibratedClassifierCV(base, method=how, cv=folds).fit([ex[i] for i in tr], y[tr])
            P = m.predict_proba([ex[i] for i in te])
            conf[te] = P.max(1)
            pred[te] = m.classes_[P.argmax(1)]
        e, rows = ece(conf, pred == y)
        f1 = f1_score(y, pred, average="macro")
        print(f"{task} {how}: ECE {e:.3f}, macro-F1 {f1:.3f}, accuracy {np.mean(pred == y):.3f}", flush=True)
        for r in rows:
            print("   ", r, flush=True)
