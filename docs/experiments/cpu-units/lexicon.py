"""Experiment: topic-free lexical cues for unit type (modal verbs, causal and evidential
connectives inside the unit, numbers, first person), added to the committed recipe's
features, on the seed unit gold, leave-one-thread-out (the committed model's folds).
Run from the repository root after `make ingest`:
    python docs/experiments/cpu-units/lexicon.py default modal causal evidence person all"""

import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import LeaveOneGroupOut

from pipeline.core.config import load_config
from pipeline.estimators import TextPairClassifier
from pipeline.models.cues import WORD_RE
from pipeline.training.data import load_dataset

# Danish, Swedish and Norwegian forms; a claim states what should be or is the case, a
# premise gives a reason or evidence.
LISTS = {
    "modal": {"skal", "skulle", "bør", "burde", "må", "måtte", "nødt", "ska", "bör", "borde", "måste", "behöver",
              "behøver", "kræver", "kräver", "bure", "bli", "blive"},
    "causal": {"fordi", "eftersom", "idet", "nemlig", "jo", "således", "derfor", "därför", "ty", "då", "da",
               "pga", "grundet", "skyldes", "beror"},
    "evidence": {"procent", "pct", "kr", "mio", "mia", "undersøgelse", "undersøkelse", "undersökning", "rapport",
                 "tal", "siffror", "statistik", "ifølge", "enligt", "viser", "visar", "eksempel", "exempel"},
    "person": {"jeg", "jag", "mig", "min", "mit", "mine", "vi", "os", "vores", "oss", "vår", "vårt"},
    "evaluative": {"godt", "god", "dårlig", "dårligt", "bra", "dålig", "dåligt", "vigtigt", "viktigt", "forkert",
                   "fel", "rigtigt", "rätt", "problem", "problemet", "skandale", "skandal", "absurd", "forkastelig"},
}  # fmt: skip
NUM_RE = re.compile(r"\d")

cfg = load_config()
ds = load_dataset("unit_type", [Path("data/annotations")], cfg, corpus_dir=Path("data/interim/corpus"))
ex = ds.examples
y = np.array([e.label for e in ex])
groups = np.array([e.group for e in ex])


def with_lists(names: list[str]):
    out = []
    for e in ex:
        words = [w.lower() for w in WORD_RE.findall(e.text)]
        n = max(len(words), 1)
        f = dict(e.features)
        for name in names:
            if name == "numbers":
                f["has_number"] = float(bool(NUM_RE.search(e.text)))
            else:
                f[f"x_{name}"] = sum(w in LISTS[name] for w in words) / n
        out.append(replace(e, features=f))
    return out


VARIANTS = {
    "default": [],
    "modal": ["modal"],
    "causal": ["causal"],
    "evidence": ["evidence", "numbers"],
    "person": ["person"],
    "evaluative": ["evaluative"],
    "all": ["modal", "causal", "evidence", "numbers", "person", "evaluative"],
}
params = dict(cfg.train.sklearn["unit_type"])
for name in sys.argv[1:] or list(VARIANTS):
    X = with_lists(VARIANTS[name])
    pred = np.empty(len(ex), dtype=object)
    for tr, te in LeaveOneGroupOut().split(X, y, groups):
        m = TextPairClassifier(random_state=0, **params).fit([X[i] for i in tr], y[tr])
        pred[te] = m.predict([X[i] for i in te])
    pred = pred.astype(str)
    per = {g[:3]: round(f1_score(y[groups == g], pred[groups == g], average="macro"), 3) for g in sorted(set(groups))}
    print(f"{name}: {f1_score(y, pred, average='macro'):.4f} per thread {per}", flush=True)
