"""The scikit-learn backend: one estimator for every task, over `Example`s.

`TextPairClassifier` follows the scikit-learn contract (parameters stored unmodified in
`__init__`, fitted state in attributes ending in `_`, randomness through
`random_state`), so it works with cross-validation, cloning and `joblib`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler


# Module-level so that fitted pipelines pickle by reference.
def _texts(X):
    return [x.text for x in X]


def _pairs(X):
    return [x.pair for x in X]


def _features(X):
    return [x.features for x in X]


class TextPairClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression over word and character n-grams of the text, word n-grams of
    the paired text, and the numeric features of each Example.

    Character n-grams carry Danish and Swedish compounds and misspellings
    ("socialrådiver"); the paired text lets reply stance see what is being answered.
    """

    def __init__(
        self,
        C: float = 1.0,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        use_char: bool = True,
        use_pair: bool = True,
        use_features: bool = True,
        max_features: int = 50000,
        min_df: int = 1,
        class_weight: str | None = "balanced",
        random_state: int = 0,
    ):
        self.C = C
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.use_char = use_char
        self.use_pair = use_pair
        self.use_features = use_features
        self.max_features = max_features
        self.min_df = min_df
        self.class_weight = class_weight
        self.random_state = random_state

    def _union(self) -> FeatureUnion:
        parts = [
            (
                "word",
                Pipeline(
                    [
                        ("get", FunctionTransformer(_texts)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                ngram_range=self.word_ngram_range,
                                min_df=self.min_df,
                                max_features=self.max_features,
                                sublinear_tf=True,
                            ),
                        ),
                    ]
                ),
            ),
        ]
        if self.use_char:
            parts.append(
                (
                    "char",
                    Pipeline(
                        [
                            ("get", FunctionTransformer(_texts)),
                            (
                                "tfidf",
                                TfidfVectorizer(
                                    analyzer="char_wb",
                                    ngram_range=self.char_ngram_range,
                                    min_df=self.min_df,
                                    max_features=self.max_features,
                                    sublinear_tf=True,
                                ),
                            ),
                        ]
                    ),
                )
            )
        if self.use_pair:
            parts.append(
                (
                    "pair",
                    Pipeline(
                        [
                            ("get", FunctionTransformer(_pairs)),
                            (
                                "tfidf",
                                TfidfVectorizer(
                                    ngram_range=(1, 1),
                                    min_df=self.min_df,
                                    max_features=self.max_features,
                                    sublinear_tf=True,
                                ),
                            ),
                        ]
                    ),
                )
            )
        if self.use_features:
            parts.append(
                (
                    "features",
                    Pipeline(
                        [
                            ("get", FunctionTransformer(_features)),
                            ("dict", DictVectorizer(sort=True)),
                            ("scale", MaxAbsScaler()),
                        ]
                    ),
                )
            )
        return FeatureUnion(parts)

    def fit(self, X, y):
        y = np.asarray(y)
        self.union_ = self._union()
        if self.use_pair and not any(x.pair for x in X):
            # An empty pair vocabulary would make TfidfVectorizer fail; drop the part.
            self.union_.set_params(pair="drop")
        if self.use_features and not any(x.features for x in X):
            self.union_.set_params(features="drop")
        Z = self.union_.fit_transform(X)
        self.clf_ = LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=self.random_state
        )
        self.clf_.fit(Z, y)
        self.classes_ = self.clf_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.clf_.predict_proba(self.union_.transform(X))

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
            class_weight=class_weight,
            random_state=random_state,
        )

    def _union(self) -> FeatureUnion:
        return FeatureUnion(
            [
                (
                    "char",
                    Pipeline(
                        [
                            ("get", FunctionTransformer(_texts)),
                            (
                                "tfidf",
                                TfidfVectorizer(
                                    analyzer="char_wb", ngram_range=self.char_ngram_range, sublinear_tf=True
                                ),
                            ),
                        ]
                    ),
                )
            ]
        )
