"""The scikit-learn backend: one estimator for every task, over `Example`s.

`TextPairClassifier` follows the scikit-learn contract (parameters stored unmodified in
`__init__`, fitted state in attributes ending in `_`, randomness through
`random_state`), so it works with cross-validation, cloning and `joblib`.

Text features are hashed (HashingVectorizer + TF-IDF weights per bucket), not looked up
in a learnt vocabulary: a fitted model then holds weights and no training text at all,
so a model trained on data that may not be redistributed (DAST) can be committed, and a
target that is one short token cannot leave an "empty vocabulary".

With `encoder` set to an encoder folder (e.g. the multilingual-e5-small that `make setup`
builds), the embeddings of the text and of its pair, their element-wise product and their
cosine join the n-gram columns. The model then stores only the folder's path and
fingerprint, and the vectors come from the on-disk cache of `pipeline.models.embed`, so
cross-validation and reruns never encode a text twice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.feature_selection import SelectKBest, chi2
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler

from pipeline.core.errors import ModelError
from pipeline.core.paths import PROJ_ROOT


def encoder_folder(encoder: str) -> Path:
    """The folder `encoder` names: as given, else relative to the project root."""
    path = Path(encoder)
    if not path.is_absolute() and not path.exists():
        path = PROJ_ROOT / path
    if not (path / "config.json").exists():
        raise ModelError(f"encoder folder {encoder} not found (no config.json): run `make setup` or pass a folder")
    return path


def _embedder(encoder: str):
    # Shared per process, never an attribute: a fitted model would be saved with it.
    from pipeline.models.embed import shared_embedder

    return shared_embedder(encoder_folder(encoder))


# Module-level so that fitted pipelines pickle by reference.
def _texts(X):
    return [x.text for x in X]


def _pairs(X):
    return [x.pair for x in X]


def _features(X):
    return [x.features for x in X]


def hashed_tfidf(get, n_features: int, **vectorizer) -> Pipeline:
    """Text -> hashed n-gram counts -> sublinear TF-IDF (idf learnt per hash bucket)."""
    return Pipeline(
        [
            ("get", FunctionTransformer(get)),
            ("hash", HashingVectorizer(n_features=n_features, alternate_sign=False, norm=None, **vectorizer)),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ]
    )


class TextPairClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression over word and character n-grams of the text, word n-grams of
    the paired text, and the numeric features of each Example.

    Character n-grams carry Danish and Swedish compounds and misspellings
    ("socialrådiver"); the paired text lets reply stance see what is being answered. Of
    the hashed n-gram columns only the `k_best` most label-dependent (chi-squared on the
    training data) are kept: on held-out DAST topics that scores as well as all of them
    (0.507 vs 0.502 macro-F1), fits ten times faster and keeps a model folder small.
    """

    def __init__(
        self,
        C: float = 1.0,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        use_char: bool = True,
        use_pair: bool = True,
        use_features: bool = True,
        n_features: int = 2**18,
        k_best: int | None = 20000,
        class_weight: str | None = "balanced",
        random_state: int = 0,
        encoder: str | None = None,
        group_weight: float = 0.0,
    ):
        self.C = C
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.use_char = use_char
        self.use_pair = use_pair
        self.use_features = use_features
        self.n_features = n_features
        self.k_best = k_best
        self.class_weight = class_weight
        self.random_state = random_state
        self.encoder = encoder
        self.group_weight = group_weight

    def _sample_weight(self, X) -> np.ndarray | None:
        """Each example weighted by its group's size to the power -`group_weight` (mean 1):
        at 1 every thread counts as much as any other, at 0 every example does. A few long
        threads otherwise decide what a reply looks like, and a new thread is like none of
        them (docs/benchmarks.md, "On a news comment thread")."""
        if not self.group_weight:
            return None
        sizes = Counter(x.group for x in X)
        w = np.array([sizes[x.group] ** -self.group_weight for x in X], dtype=float)
        return w * (len(w) / w.sum())

    def _embeddings(self, X) -> sp.csr_matrix:
        """Text, pair, their product and cosine: unit-length blocks, like each n-gram part."""
        emb = _embedder(self.encoder)
        if emb.fingerprint() != self.encoder_fingerprint_:
            raise ModelError(
                f"this model was trained with the encoder features of {self.encoder} (fingerprint "
                f"{self.encoder_fingerprint_}); that folder now holds another model: retrain it"
            )
        E = emb.encode([x.text for x in X])
        blocks = [E]
        if self.use_pair:
            P = np.zeros_like(E)
            has = np.array([bool(x.pair) for x in X], dtype=bool)
            if has.any():
                P[has] = emb.encode([x.pair for x in X if x.pair])
            prod = E * P
            norm = np.linalg.norm(prod, axis=1, keepdims=True)
            cosine = prod.sum(1, keepdims=True)
            blocks += [P, np.divide(prod, norm, out=np.zeros_like(prod), where=norm > 0), cosine]
        return sp.csr_matrix(np.hstack(blocks))

    def _text_union(self) -> FeatureUnion:
        parts = [("word", hashed_tfidf(_texts, self.n_features, ngram_range=tuple(self.word_ngram_range)))]
        if self.use_char:
            parts.append(
                (
                    "char",
                    hashed_tfidf(_texts, self.n_features, analyzer="char_wb", ngram_range=tuple(self.char_ngram_range)),
                )
            )
        if self.use_pair:
            parts.append(("pair", hashed_tfidf(_pairs, self.n_features // 4, ngram_range=(1, 1))))
        return FeatureUnion(parts)

    def _transform(self, X, fit_y=None):
        if fit_y is not None:
            Zt = self.text_.fit_transform(X).tocsc()
            if self.k_best is None or self.k_best >= Zt.shape[1]:
                self.columns_ = np.arange(Zt.shape[1])
            else:
                # Only the chosen column numbers are kept (not chi2's per-column scores), so
                # the model folder grows with k, not with the hashing space.
                select = SelectKBest(chi2, k=self.k_best).fit(Zt, fit_y)
                self.columns_ = np.flatnonzero(select.get_support()).astype(np.int32)
        else:
            Zt = self.text_.transform(X).tocsc()
        parts = [Zt[:, self.columns_]]
        # getattr: model folders saved before the encoder option have no such attribute.
        if getattr(self, "encoder", None):
            parts.append(self._embeddings(X))
        if self.numeric_ is not None:
            parts.append(self.numeric_.fit_transform(X) if fit_y is not None else self.numeric_.transform(X))
        return sp.hstack(parts, format="csr")

    def fit(self, X, y):
        y = np.asarray(y)
        self.text_ = self._text_union()
        if self.use_pair and not any(x.pair for x in X):
            # Nothing paired in training: the part would only add zero columns.
            self.text_.set_params(pair="drop")
        if self.encoder:
            self.encoder_fingerprint_ = _embedder(self.encoder).fingerprint()
        self.numeric_ = None
        if self.use_features and any(x.features for x in X):
            # Numeric features stay outside the selection: chi-squared ranks counts, and
            # these few are kept whatever their rank.
            self.numeric_ = Pipeline(
                [
                    ("get", FunctionTransformer(_features)),
                    ("dict", DictVectorizer(sort=True)),
                    ("scale", MaxAbsScaler()),
                ]
            )
        Z = self._transform(X, fit_y=y)
        self.clf_ = LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=self.random_state
        )
        self.clf_.fit(Z, y, sample_weight=self._sample_weight(X))
        self.classes_ = self.clf_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.clf_.predict_proba(self._transform(X))

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CharNgramBaseline(TextPairClassifier):
    """The baseline to beat: character n-gram logistic regression on the text alone."""

    def __init__(
        self,
        C: float = 1.0,
        char_ngram_range: tuple[int, int] = (2, 5),
        class_weight: str | None = "balanced",
        random_state: int = 0,
    ):
        super().__init__(
            C=C,
            char_ngram_range=char_ngram_range,
            use_char=True,
            use_pair=False,
            use_features=False,
            k_best=None,
            class_weight=class_weight,
            random_state=random_state,
        )

    def _text_union(self) -> FeatureUnion:
        return FeatureUnion(
            [
                (
                    "char",
                    hashed_tfidf(_texts, self.n_features, analyzer="char_wb", ngram_range=tuple(self.char_ngram_range)),
                )
            ]
        )
