"""The models one classify run uses, and what its provenance says about each (from the
model cards: training data, cross-validated score, the worst and best held-out group)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.core.artifacts import display_path
from pipeline.models.examples import Example
from pipeline.models.store import LoadedModel


@dataclass
class Models:
    target_stance: LoadedModel | None = None
    reply_stance: LoadedModel | None = None
    role: LoadedModel | None = None


def predict(model: LoadedModel | None, examples: list[Example]) -> list:
    return model.predict(examples) if model else [None] * len(examples)


def model_name(model: LoadedModel | None) -> str | None:
    return model.name if model else None


def on_torch(*models: LoadedModel | None) -> list[str]:
    """The names of those of `models` that run on torch: a transformers-backend folder, or
    scikit-learn over an encoder's embeddings (texts not yet in the cache are encoded)."""
    return [m.name for m in models if m is not None and (m.backend != "sklearn" or m.encoder_features)]


def group_range(per_group: Mapping[str, dict]) -> dict | None:
    """The held-out groups the model did worst and best on (leave-one-group-out): one
    mean hides that a topic or a kind of thread unlike the training data scores far lower."""
    scored = sorted((g["model"]["macro_f1"], name, g["model"]["n"]) for name, g in per_group.items() if "model" in g)
    if len(scored) < 2:
        return None
    (lo, lo_name, lo_n), (hi, hi_name, hi_n) = scored[0], scored[-1]
    return {
        "lowest": {"group": lo_name, "macro_f1": lo, "n": lo_n},
        "highest": {"group": hi_name, "macro_f1": hi, "n": hi_n},
    }


def card_summary(model: LoadedModel | None) -> dict | None:
    if model is None:
        return None
    cv = model.card.get("cv") or {}
    res = (cv.get("results") or {}).get("model", {})
    return {
        "name": model.name,
        "path": display_path(model.path),
        "backend": model.backend,
        "encoder_features": model.encoder_features,
        "trained_at": model.card.get("trained_at"),
        "training_items": model.card.get("n_items"),
        "training_data": [d["path"] for d in model.card.get("data", [])],
        "cv_grouping": cv.get("grouping"),
        "cv_folds": cv.get("folds"),
        "cv_macro_f1_mean": res.get("macro_f1_mean"),
        "cv_macro_f1_std": res.get("macro_f1_std"),
        "cv_group_range": group_range(cv.get("per_group") or {}),
        "notes": model.card.get("notes", []),
    }
