"""Experiment: the reply cues of a reply's siblings (the other replies to its parent) as
reply-stance features, read from their words, without stacking: the share of siblings a
denial cue ("nej ...", "vrøvl", "ikke enig") or an agreement cue fires on, and how many
siblings there are. A contested post draws denials (gold: 30% where a sibling denies, 13%
where the siblings are neutral). DAST leave-one-topic-out, scikit-learn profile. Run from
the project root: PYTHONPATH=. python docs/experiments/cpu-context/sibling_cues.py"""

import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex as ex  # noqa: E402
from dast_loto import cfg, comments, corpus, loto  # noqa: E402
from dast_loto import yR as y  # noqa: E402

from pipeline.estimators import TextPairClassifier  # noqa: E402
from pipeline.models.cues import reply_rule  # noqa: E402

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
    score = loto(lambda: TextPairClassifier(random_state=0, **params), X, y)
    print(f"{name}: macro-F1 {score:.3f}", flush=True)
