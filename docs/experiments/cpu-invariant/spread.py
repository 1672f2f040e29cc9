"""Experiment: keep only n-gram columns that occur in at least K threads of the training
data before the chi-squared selection, so that words of one topic's threads (names, events)
cannot stand in for stance on topics no training thread had (pivot-feature selection, as in
cross-domain sentiment work). Reply and target stance on DAST, leave-one-topic-out, the
committed recipes; the same folds and scaffolding as docs/experiments/cpu-distortion.
Run from the repository root: python docs/experiments/cpu-invariant/spread.py K [K ...]"""

import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_selection import SelectKBest, chi2

from pipeline.estimators import TextPairClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dast_loto import R_ex, T_ex, cfg, loto, yR, yT  # noqa: E402


class Spread(TextPairClassifier):
    def __init__(self, min_threads=1, **kw):
        super().__init__(**kw)
        self.min_threads = min_threads

    def _transform(self, X, fit_y=None):
        if fit_y is None:
            return super()._transform(X)
        Zt = self.text_.fit_transform(X).tocsc()
        groups = np.array([x.group for x in X])
        present = np.zeros(Zt.shape[1], dtype=np.int32)
        for g in np.unique(groups):
            rows = Zt[np.flatnonzero(groups == g)]
            present += (rows.getnnz(axis=0) > 0).astype(np.int32)
        allowed = np.flatnonzero(present >= self.min_threads)
        k = min(self.k_best, len(allowed))
        select = SelectKBest(chi2, k=k).fit(Zt[:, allowed], fit_y)
        self.columns_ = allowed[select.get_support()].astype(np.int32)
        parts = [Zt[:, self.columns_]]
        if self.numeric_ is not None:
            parts.append(self.numeric_.fit_transform(X))
        return sp.hstack(parts, format="csr")


for k in map(int, sys.argv[1:] or ["1", "2", "3", "4"]):
    r = loto(lambda k=k: Spread(min_threads=k, random_state=0, **cfg.train.sklearn["reply_stance"]), R_ex, yR)
    t = loto(lambda k=k: Spread(min_threads=k, random_state=0, **cfg.train.sklearn["target_stance"]), T_ex, yT)
    print(f"min_threads {k}: reply {r:.3f} target {t:.3f}", flush=True)
