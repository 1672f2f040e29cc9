"""Experiment: web addresses read as one token. A link's address ("https://www.dr.dk/nyheder/
...") gives the character n-grams of one topic's sources, which held-out topics do not share;
a reply that links says only that it brings a source. Here every address in the reply and its
parent (bare, or inside Markdown's "[text](address)", whose text is kept) becomes "URL", for the
reply recipe of either profile, DAST leave-one-topic-out (7 topics, 2,159 replies; 212 DAST
posts hold an address). Run from the repository root (about 2 minutes; 3 with `e5`, which
encodes the changed texts once):
    PYTHONPATH=. .venv/bin/python docs/experiments/cpu-context/link_tokens.py [e5]"""

import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex, cfg, groups, yR  # noqa: E402

from pipeline.training.train import sklearn_factory  # noqa: E402

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\((?:https?://|www\.)[^)\s]*\)")
ADDRESS = re.compile(r"(?:https?://|www\.)\S+")


def tokened(text: str) -> str:
    return ADDRESS.sub("URL", MARKDOWN_LINK.sub(lambda m: m.group(1) + " URL", text))


encoder = {"encoder": "models/local/multilingual-e5-small"} if "e5" in sys.argv[1:] else None
make, _ = sklearn_factory("reply_stance", cfg, encoder)
for name, ex in (
    ("as is", R_ex),
    ("addresses as URL", [replace(x, text=tokened(x.text), pair=tokened(x.pair)) for x in R_ex]),
):
    pred = np.empty(len(yR), dtype=object)
    for g in sorted(set(groups)):
        tr, te = np.flatnonzero(groups != g), np.flatnonzero(groups == g)
        pred[te] = make().fit([ex[i] for i in tr], yR[tr]).predict([ex[i] for i in te])
    print(name, "e5" if encoder else "n-grams", round(f1_score(yR, pred.astype(str), average="macro"), 4), flush=True)
