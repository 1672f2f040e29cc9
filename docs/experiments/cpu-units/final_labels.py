"""Experiment: unit type as segment outputs it (the model's label unless a cue rule decides:
a Markdown quotation always, the other unit rules where their precision in config.toml is
at least the model's confidence), against the model alone, on the seed unit gold with the
committed card's folds (leave-one-thread-out, 5 threads, 469 units), and each rule's
precision where it fires. The cue lexicon was written while reading these same seed
threads, so the rules' part of the score is not held out.
Run from the repository root after `make ingest`: python docs/experiments/cpu-units/final_labels.py [PRECISION]"""

import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import LeaveOneGroupOut

from pipeline.core.config import load_config
from pipeline.core.corpus import read_corpus
from pipeline.estimators import TextPairClassifier
from pipeline.models.cues import unit_rule
from pipeline.models.examples import field_text
from pipeline.models.labeling import combine
from pipeline.segment.ids import parse_unit_id
from pipeline.segment.units import quote_rule
from pipeline.training.data import load_dataset

cfg = load_config()
if len(sys.argv) > 1:
    rp = dict(cfg.classify.rule_precision, unit_type=float(sys.argv[1]))
    classify = cfg.classify.__class__(**{**cfg.classify.__dict__, "rule_precision": rp})
    cfg = cfg.__class__(**{**cfg.__dict__, "classify": classify})
ds = load_dataset("unit_type", [Path("data/annotations")], cfg, corpus_dir=Path("data/interim/corpus"))
posts = read_corpus(Path("data/interim/corpus")).posts_by_id()
ex = ds.examples
y = np.array([e.label for e in ex])
groups = np.array([e.group for e in ex])
model_label = np.empty(len(ex), dtype=object)
final = np.empty(len(ex), dtype=object)
fired: Counter = Counter()
right: Counter = Counter()
model_right_there: Counter = Counter()
for tr, te in LeaveOneGroupOut().split(ex, y, groups):
    m = TextPairClassifier(random_state=0, **cfg.train.sklearn["unit_type"]).fit([ex[i] for i in tr], y[tr])
    proba = m.predict_proba([ex[i] for i in te])
    for i, row in zip(te, proba, strict=True):
        k = int(np.argmax(row))
        out = (str(m.classes_[k]), round(float(row[k]), 4), {})
        post_id, field, start, _ = parse_unit_id(ex[i].id)
        hit = quote_rule(field_text(posts[post_id], field), start, cfg) or unit_rule(ex[i].text, field)
        decided = combine("unit_type", out, "m", hit, cfg, default_label="none")
        model_label[i], final[i] = out[0], decided.label
        if decided.source == "rule":
            fired[decided.rule] += 1
            right[decided.rule] += decided.label == y[i]
            model_right_there[decided.rule] += out[0] == y[i]
print(f"model alone: {f1_score(y, model_label.astype(str), average='macro'):.4f}")
print(f"segment's final labels: {f1_score(y, final.astype(str), average='macro'):.4f}")
labels = ["claim", "premise", "none"]
per_class = np.round(f1_score(y, final.astype(str), labels=labels, average=None), 3)
print("per class, final:", dict(zip(labels, per_class, strict=True)))
for rule, n in sorted(fired.items()):
    print(f"  {rule}: decided {n}, right {right[rule]} (model right on those: {model_right_there[rule]})")
per = {
    g[:3]: (
        round(f1_score(y[groups == g], model_label[groups == g].astype(str), average="macro"), 3),
        round(f1_score(y[groups == g], final[groups == g].astype(str), average="macro"), 3),
    )
    for g in sorted(set(groups))
}
print("per thread (model alone, final):", per)
