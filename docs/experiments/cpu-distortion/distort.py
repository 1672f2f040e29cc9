"""Experiment: a topic-blind view of the text (content words masked, Stamatatos-style text
distortion) added to the default recipe, for reply and target stance on DAST,
leave-one-topic-out. Run from the repository root: python docs/experiments/cpu-distortion/distort.py"""

import sys
from dataclasses import replace
from pathlib import Path

from sklearn.pipeline import FeatureUnion

from pipeline.estimators import TextPairClassifier, hashed_tfidf
from pipeline.models.cues import WORD_RE, stopwords

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex, T_ex, by_id, cfg, comments, corpus, loto, yR, yT  # noqa: E402

STOP = stopwords()


def distort(text: str) -> str:
    # Function words and punctuation stay; every other word becomes "*" (its length class).
    return WORD_RE.sub(lambda m: m.group(0).lower() if m.group(0).lower() in STOP else "*", text)


def _dtexts(X):
    return [distort(x.text) for x in X]


def _dpairs(X):
    return [distort(x.pair) for x in X]


class Distorted(TextPairClassifier):
    def __init__(self, view="text", ngram=(1, 3), **kw):
        super().__init__(**kw)
        self.view = view
        self.ngram = ngram

    def _text_union(self):
        union = super()._text_union()
        parts = list(union.transformer_list)
        parts.append(("shape", hashed_tfidf(_dtexts, self.n_features, ngram_range=tuple(self.ngram))))
        if self.view == "both" and self.use_pair:
            parts.append(("pshape", hashed_tfidf(_dpairs, self.n_features // 4, ngram_range=(1, 2))))
        return FeatureUnion(parts)


root_words = {}
for t in corpus.threads:
    root = by_id[t.root_id]
    root_words[t.id] = {w.lower() for w in WORD_RE.findall(root.full_text) if w.lower() not in STOP and len(w) > 2}
topic_words_of = {c.id: root_words[c.thread_id] for c in comments}


def mask_topic(text: str, words: set[str]) -> str:
    # The thread's own topic words (content words of its source post) become one token.
    return WORD_RE.sub(lambda m: "TOPICWORD" if m.group(0).lower() in words else m.group(0), text)


def masked(ex):
    return [
        replace(e, text=mask_topic(e.text, topic_words_of[e.id]), pair=mask_topic(e.pair, topic_words_of[e.id]))
        for e in ex
    ]


variants = {
    "default": lambda p: TextPairClassifier(random_state=0, **p),
    "shape 1-3": lambda p: Distorted(ngram=(1, 3), random_state=0, **p),
    "shape 1-4 + pair shape": lambda p: Distorted(view="both", ngram=(1, 4), random_state=0, **p),
    "topic words masked": lambda p: TextPairClassifier(random_state=0, **p),
}
which = sys.argv[1:] or list(variants)
for name in which:
    make = variants[name]
    rx, tx = (masked(R_ex), masked(T_ex)) if name == "topic words masked" else (R_ex, T_ex)
    r = loto(lambda make=make: make(cfg.train.sklearn["reply_stance"]), rx, yR)
    t = loto(lambda make=make: make(cfg.train.sklearn["target_stance"]), tx, yT)
    print(f"{name}: reply {r:.3f} target {t:.3f}", flush=True)
