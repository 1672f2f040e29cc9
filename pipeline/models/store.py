"""Model folders: saving, loading and describing them, whatever the backend.

A model folder `models/NAME/` holds `metrics.json` (the model card: task, backend,
labels, training data with hashes and attribution, label counts, cross-validated scores
with baselines, settings, date, and the sha256 of every model file) and a `README.md`
rendered from it, plus the backend's own files: `model.skops` for scikit-learn (skops
stores the estimator as data, not as a pickle, and loads only an explicit list of trusted
types), `save_pretrained` safetensors for transformers, and `training_hashes.json` (short
hashes of the training texts). `load_model` checks every model file against the card's
checksums before reading any of it, then dispatches on `backend`. An older folder's
`model.joblib` (a pickle, which runs code when loaded) is still read after that check.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from pipeline.core.artifacts import atomic_dir, read_json
from pipeline.core.errors import InputError, ModelError
from pipeline.models.card import CARD, TRAINING_HASHES, verify_files, write_card
from pipeline.models.examples import Example

log = logging.getLogger(__name__)

PREDICT_BATCH = 2048  # examples per predict_proba call


@dataclass
class LoadedModel:
    path: Path
    card: dict[str, Any]
    estimator: Any

    @property
    def task(self) -> str:
        return self.card["task"]

    @property
    def labels(self) -> list[str]:
        return list(self.card["labels"])

    @property
    def name(self) -> str:
        return self.card["name"]

    @property
    def backend(self) -> str:
        return self.card["backend"]

    @property
    def encoder_features(self) -> str | None:
        """The encoder folder whose embeddings a scikit-learn model reads beside its n-grams."""
        if self.backend != "sklearn":
            return None
        # getattr: folders saved before the option have no such attribute.
        return getattr(self.estimator, "encoder", None)

    def training_hashes(self) -> frozenset[str]:
        """Hashes of the texts this model was trained on (empty when the folder has none)."""
        path = self.path / TRAINING_HASHES
        return frozenset(read_json(path)) if path.exists() else frozenset()

    def predict(self, examples: list[Example]) -> list[tuple[str, float, dict[str, float]]]:
        """(label, confidence, probabilities by label) for every example, `PREDICT_BATCH`
        examples at a time: the n-gram matrices of one huge thread's units would otherwise
        take gigabytes at once. A scikit-learn model scores each row on its own, and the
        transformers backend pads batches of 32 in order (a divisor of `PREDICT_BATCH`), so
        the probabilities do not depend on this cut."""
        if not examples:
            return []
        classes = [str(c) for c in self.estimator.classes_]
        out = []
        for i in range(0, len(examples), PREDICT_BATCH):
            out.extend(self._labelled(classes, self.estimator.predict_proba(examples[i : i + PREDICT_BATCH])))
        return out

    @staticmethod
    def _labelled(classes: list[str], proba: Any) -> list[tuple[str, float, dict[str, float]]]:
        out = []
        for row in np.asarray(proba):
            k = int(np.argmax(row))
            out.append(
                (
                    classes[k],
                    round(float(row[k]), 4),
                    {c: round(float(p), 4) for c, p in zip(classes, row, strict=True)},
                )
            )
        return out


# skops stores a fitted estimator as data, and loading it builds only the types it is
# told to trust: scikit-learn's own, plus these from this package (the estimator class
# and the module-level functions its pipelines call). Nothing else can be instantiated,
# so a model file cannot run code the way a pickle can.
SKOPS_TRUSTED = [
    "pipeline.estimators.TextPairClassifier",
    "pipeline.estimators.CharNgramBaseline",
    "pipeline.estimators._features",
    "pipeline.estimators._pairs",
    "pipeline.estimators._texts",
]


def save_sklearn(path: Path, estimator: Any, card: dict[str, Any], hashes: list[str] | None = None) -> dict[str, Any]:
    """Write a scikit-learn model folder atomically (skops format); returns the card as written."""
    import skops.io as sio

    with atomic_dir(Path(path)) as tmp:
        (tmp / "model.skops").write_bytes(_reproducible_skops(sio.dumps(estimator)))
        return write_card(tmp, card, hashes)


def _reproducible_skops(data: bytes) -> bytes:
    """The same skops archive, with the same bytes whenever the model is the same.

    skops names each array file and each shared-object entry (`__id__`) after Python's id()
    of the object, and stamps the zip entries with the time of writing, so retraining an
    identical model gave a different file (and checksum) every time. Both kinds of id are
    renumbered in order of first appearance, which keeps the shared references intact; the
    vectorizers' remembered id() of their stop-word list is dropped; and every entry gets
    one fixed timestamp.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    arrays = set(src.namelist()) - {"schema.json"}
    ids: dict[int, int] = {}
    files: dict[str, str] = {}

    def renumber(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "__id__" and isinstance(value, int):
                    node[key] = ids.setdefault(value, len(ids))
                elif key == "file" and isinstance(value, str) and value in arrays:
                    node[key] = files.setdefault(value, f"{len(files)}.npy")
                else:
                    if key == "_stop_words_id" and isinstance(value, dict) and "content" in value:
                        # scikit-learn's vectorizers remember id(stop_words) only to skip
                        # checking them twice; with None they check again once, after loading.
                        value["content"] = "null"
                    renumber(value)
        elif isinstance(node, list):
            for value in node:
                renumber(value)

    schema = json.loads(src.read("schema.json"))
    renumber(schema)
    if set(files) != arrays:
        raise ModelError(f"skops archive has array files its schema does not name: {sorted(arrays - set(files))}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        entries = [(new, src.read(old)) for old, new in files.items()]
        entries.append(("schema.json", json.dumps(schema, indent=2).encode("utf-8")))
        for name, payload in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, payload, compresslevel=9)
    return out.getvalue()


def _load_sklearn(path: Path) -> Any:
    if (path / "model.skops").exists():
        from pipeline.core.imports import torch_hidden

        with torch_hidden():
            import skops.io as sio

        untrusted = sorted(set(sio.get_untrusted_types(file=path / "model.skops")) - set(SKOPS_TRUSTED))
        if untrusted:
            raise ModelError(f"{path}: model.skops holds types this pipeline does not trust: {', '.join(untrusted)}")
        return sio.load(path / "model.skops", trusted=SKOPS_TRUSTED)
    # A folder from an older version: a pickle, checked against its card's sha256 above.
    # Unpickling runs code: load only model folders you trust (docs/safety.md).
    return joblib.load(path / "model.joblib")


def load_model(path: Path) -> LoadedModel:
    path = Path(path)
    card_path = path / CARD
    if not card_path.exists():
        raise ModelError(f"{path}: not a model folder (no {CARD}); train one with `python -m pipeline train`")
    try:
        card = read_json(card_path)
    except InputError as exc:
        raise ModelError(f"{path}: unreadable model card: {exc}") from None
    backend = card.get("backend") if isinstance(card, dict) else None
    if backend not in ("sklearn", "transformers"):
        raise ModelError(f"{path}: unknown backend {backend!r} in {CARD}")
    verify_files(path, card)
    try:
        if backend == "sklearn":
            from pipeline.models.fasthash import speed_up

            estimator = _load_sklearn(path)
            speed_up(estimator)  # same features, each word hashed once (pipeline.models.fasthash)
        else:
            from pipeline.models.hf import load_transformer

            estimator = load_transformer(path, card)
    except ModelError:
        raise
    except Exception as exc:  # a damaged file raises whatever its reader raises
        raise ModelError(f"{path}: the model files cannot be read ({type(exc).__name__}: {exc})") from None
    return LoadedModel(path, card, estimator)
