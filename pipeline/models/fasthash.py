"""Character n-gram hashing that hashes each distinct word once.

scikit-learn's `HashingVectorizer(analyzer="char_wb")` cuts every word of every document
into padded character n-grams in Python and hashes each n-gram string: a 300-character
post gives about 1,000 n-grams, and the classify stage spent most of its time there (the
same comment is hashed for reply and for target stance, its parent again for its
siblings). With "char_wb" a document's n-grams are the concatenation of its words'
n-grams, so its counts row is the sum of its words' rows: each distinct word is cut and
hashed once (by scikit-learn's own analyzer and hasher, so the hash is theirs) and a
document becomes a sparse (documents x words) count matrix times the (words x buckets)
matrix. The result is the same matrix, entry for entry and in the same canonical order,
which tests/test_classify.py checks against scikit-learn on the seeds.

Saved models keep scikit-learn's class; `speed_up` swaps this one in after loading, so a
model folder never depends on this module.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import text as sk_text
from sklearn.feature_extraction.text import HashingVectorizer

MAX_MEMO_WORDS = 200_000


class WordMemoHashingVectorizer(HashingVectorizer):
    """`HashingVectorizer` for analyzer="char_wb" that remembers each word's hashed row."""

    def transform(self, X):
        if isinstance(X, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        if not self._memo_applies():
            return super().transform(X)
        self._validate_ngram_range()
        preprocess = self.build_preprocessor()
        memo: dict[str, tuple[np.ndarray, np.ndarray]] = self.__dict__.setdefault("_word_rows", {})
        columns: dict[str, int] = {}
        data: list[int] = []
        indices: list[int] = []
        indptr = [0]
        for doc in X:
            words = Counter(self._white_spaces.sub(" ", preprocess(self.decode(doc))).split())
            for word, count in words.items():
                indices.append(columns.setdefault(word, len(columns)))
                data.append(count)
            indptr.append(len(indices))
        vocabulary = list(columns)
        counts = sp.csr_matrix(
            (np.asarray(data, dtype=self.dtype), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(len(indptr) - 1, len(vocabulary)),
        )
        result = (counts @ self._word_matrix(vocabulary, memo)).tocsr()
        result.sum_duplicates()  # canonical: sorted indices, as FeatureHasher leaves them
        result = result.astype(self.dtype, copy=False)
        if len(memo) > MAX_MEMO_WORDS:
            memo.clear()
        align = getattr(sk_text, "_align_api_if_sparse", None)
        return align(result) if align else result

    def _memo_applies(self) -> bool:
        return (
            self.analyzer == "char_wb"
            and self.input == "content"
            and not self.binary
            and self.norm is None
            and not self.alternate_sign
        )

    def _word_matrix(self, words: list[str], memo: dict[str, tuple[np.ndarray, np.ndarray]]) -> sp.csr_matrix:
        missing = [w for w in words if w not in memo]
        if missing:
            # scikit-learn's own n-grams and hash for the new words, one row each.
            rows = self._get_hasher().transform(self._char_wb_ngrams(w) for w in missing).tocsr()
            for i, w in enumerate(missing):
                start, end = rows.indptr[i], rows.indptr[i + 1]
                memo[w] = (rows.indices[start:end].copy(), rows.data[start:end].copy())
        parts = [memo[w] for w in words]
        indptr = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(ix) for ix, _ in parts], out=indptr[1:])
        indices = np.concatenate([ix for ix, _ in parts]) if parts else np.zeros(0, dtype=np.int32)
        data = np.concatenate([d for _, d in parts]) if parts else np.zeros(0, dtype=self.dtype)
        return sp.csr_matrix((data, indices, indptr), shape=(len(words), self.n_features))


def speed_up(estimator: Any) -> int:
    """Swap every char_wb `HashingVectorizer` inside a fitted scikit-learn estimator for
    `WordMemoHashingVectorizer` with the same parameters (same output, faster); how many."""
    swapped = 0
    for obj in _walk(estimator, set()):
        steps = getattr(obj, "steps", None)
        if not isinstance(steps, list):
            continue
        for i, (name, step) in enumerate(steps):
            if type(step) is HashingVectorizer and step.analyzer == "char_wb":
                steps[i] = (name, WordMemoHashingVectorizer(**step.get_params()))
                swapped += 1
    return swapped


def _walk(obj: Any, seen: set[int]):
    """The estimator and every estimator nested in it (pipelines, unions, fitted attributes)."""
    if id(obj) in seen or not hasattr(obj, "get_params"):
        return
    seen.add(id(obj))
    yield obj
    children = list(vars(obj).values())
    for child in children:
        if isinstance(child, list):
            for item in child:
                if isinstance(item, tuple) and len(item) >= 2:
                    yield from _walk(item[1], seen)
                else:
                    yield from _walk(item, seen)
        else:
            yield from _walk(child, seen)
