"""Model folders: saving, loading and describing them, whatever the backend.

A model folder `models/NAME/` holds `metrics.json` (the model card: task, backend,
labels, training data with hashes, label counts, cross-validated scores with baselines,
settings, date) and a `README.md` rendered from it, plus the backend's own files:
`model.joblib` for scikit-learn, `save_pretrained` output for transformers. `load_model`
reads the card and dispatches on its `backend`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from pipeline.artifacts import atomic_dir, read_json, write_json, write_text
from pipeline.errors import ModelError
from pipeline.examples import Example

log = logging.getLogger(__name__)

CARD = "metrics.json"


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

    def predict(self, examples: list[Example]) -> list[tuple[str, float, dict[str, float]]]:
        """(label, confidence, probabilities by label) for every example."""
        if not examples:
            return []
        proba = np.asarray(self.estimator.predict_proba(examples))
        classes = [str(c) for c in self.estimator.classes_]
        out = []
        for row in proba:
            k = int(np.argmax(row))
            out.append(
                (
                    classes[k],
                    round(float(row[k]), 4),
                    {c: round(float(p), 4) for c, p in zip(classes, row, strict=True)},
                )
            )
        return out


def save_sklearn(path: Path, estimator: Any, card: dict[str, Any]) -> None:
    """Write a scikit-learn model folder atomically."""
    with atomic_dir(Path(path)) as tmp:
        joblib.dump(estimator, tmp / "model.joblib", compress=3)
        write_card(tmp, card)


def write_card(folder: Path, card: dict[str, Any]) -> None:
    write_json(Path(folder) / CARD, card)
    write_text(Path(folder) / "README.md", render_card(card))


def load_model(path: Path) -> LoadedModel:
    path = Path(path)
    card_path = path / CARD
    if not card_path.exists():
        raise ModelError(f"{path}: not a model folder (no {CARD}); train one with `python -m pipeline train`")
    card = read_json(card_path)
    backend = card.get("backend")
    if backend == "sklearn":
        try:
            estimator = joblib.load(path / "model.joblib")
        except FileNotFoundError:
            raise ModelError(f"{path}: model.joblib is missing") from None
        return LoadedModel(path, card, estimator)
    if backend == "transformers":
        from pipeline.hf import load_transformer

        return LoadedModel(path, card, load_transformer(path, card))
    raise ModelError(f"{path}: unknown backend {backend!r} in {CARD}")


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def render_card(card: dict[str, Any]) -> str:
    """The model card as Markdown, every score with the data and split it came from."""
    lines = [f"# Model card: {card['name']}", ""]
    lines += [
        f"- **Task:** `{card['task']}`; labels: {', '.join(f'`{lab}`' for lab in card['labels'])}",
        f"- **Backend:** {card['backend']}"
        + (f" (encoder: `{card['settings'].get('model')}`)" if card["backend"] == "transformers" else ""),
        f"- **Trained:** {card['trained_at']} with seed {card['settings'].get('seed')}",
        f"- **Training items:** {card['n_items']}",
        "",
        "## Training data",
        "",
        "| source | kind | items | sha256 |",
        "|---|---|---:|---|",
    ]
    for d in card["data"]:
        lines.append(f"| `{d['path']}` | {d['kind']} | {d['items']} | `{d['sha256'][:16]}…` |")
    lines += ["", "Label counts: " + ", ".join(f"`{k}` {v}" for k, v in card["label_counts"].items()), ""]
    if card.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in card["notes"]] + [""]
    cv = card.get("cv")
    lines += ["## Cross-validated scores", ""]
    if not cv:
        lines += ["No cross-validation was run (see notes); no score is claimed for this model.", ""]
    else:
        lines += [
            f"Grouping: by {cv['grouping']} ({cv['folds']}); {cv['n_items']} items in {cv['n_groups']} groups. "
            "Scores are out-of-fold: no item is scored by a model that saw its group in training. "
            "Mean ± standard deviation over repeats.",
            "",
            "| model | macro-F1 | accuracy |",
            "|---|---:|---:|",
        ]
        for name, res in cv["results"].items():
            lines.append(
                f"| {name} | {_fmt(res['macro_f1_mean'])} ± {_fmt(res['macro_f1_std'])} | "
                f"{_fmt(res['accuracy_mean'])} ± {_fmt(res['accuracy_std'])} |"
            )
        lines += [
            "",
            "Per-class F1 (mean over repeats):",
            "",
            "| label | " + " | ".join(cv["results"]) + " |",
            "|---|" + "---:|" * len(cv["results"]),
        ]
        for lab in card["labels"]:
            lines.append(
                f"| `{lab}` | "
                + " | ".join(_fmt(r["f1_per_class_mean"].get(lab)) for r in cv["results"].values())
                + " |"
            )
        lines.append("")
    lines += [
        "## Settings",
        "",
        "```json",
        json.dumps(card["settings"], indent=2, sort_keys=True, ensure_ascii=False),
        "```",
        "",
    ]
    return "\n".join(lines)
