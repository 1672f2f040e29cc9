"""Experiment: a reply's opening words as a block of their own. Stance toward the parent is
mostly said first ("Nej, ...", "Enig, men ...", "Hvad mener du med ..."), and in the
whole comment's n-grams those words weigh no more than any others. The block: word 1-2-grams
and character 2-4-grams of the first 12 words, hashed like the other parts. Default recipe
(no encoder) and the default profile's (e5), same folds as the committed cards (DAST
leave-one-topic-out plus the seed thread). Run from the repository root:
PYTHONPATH=. python docs/experiments/cpu-encoder/head_ngrams.py"""

import json
import tempfile
from pathlib import Path

from common import cfg, e5_cv_score, stance_datasets

from pipeline.estimators import TextPairClassifier, hashed_tfidf
from pipeline.training.train import train

HEAD_WORDS = 12


def _heads(X):
    return [" ".join(x.text.split()[:HEAD_WORDS]).lower() for x in X]


plain = TextPairClassifier._text_union


def with_head(self):
    union = plain(self)
    union.transformer_list += [
        ("head_word", hashed_tfidf(_heads, self.n_features // 4, ngram_range=(1, 2))),
        ("head_char", hashed_tfidf(_heads, self.n_features // 4, analyzer="char_wb", ngram_range=(2, 4))),
    ]
    return union


def cv_score(dataset, name):
    out = Path(tempfile.mkdtemp()) / name
    train(dataset, out, cfg)
    return json.loads((out / "metrics.json").read_text())["cv"]["results"]["model"]


reply, target = stance_datasets()
TextPairClassifier._text_union = with_head
for name, ds in (("reply_stance", reply), ("target_stance", target)):
    m = cv_score(ds, f"{name}_head")
    print(name, "default + opening words:", round(m["macro_f1_mean"], 4), m["f1_per_class_mean"], flush=True)
m = e5_cv_score(reply, "reply_stance_e5_head")
print("reply_stance e5 + opening words:", round(m["macro_f1_mean"], 4), m["f1_per_class_mean"], flush=True)
