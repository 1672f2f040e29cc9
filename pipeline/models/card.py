"""Model cards: `metrics.json` (what a model is, how it was trained and scored, and the
sha256 of its files), its Hugging Face README, and the check of the files against it.

Apart from `store` (saving and loading) so that every backend can write a card without
importing the others.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.core.artifacts import sha256_file, write_json, write_text
from pipeline.core.errors import ModelError

# Notes of a card that start with this are what `train` warned of (too few items of a
# label, no better than the baselines); the report repeats them beside the labels.
WARNING_PREFIX = "Warning: "


def warning_note(text: str) -> str:
    """A card note that says `text` as a warning."""
    return WARNING_PREFIX + text


def card_warnings(notes: list[str]) -> list[str]:
    """The warnings among a card's notes, without their prefix."""
    return [n.removeprefix(WARNING_PREFIX) for n in notes if n.startswith(WARNING_PREFIX)]


CARD = "metrics.json"
TRAINING_HASHES = "training_hashes.json"
# Files that describe a model rather than being it: not checksummed, never executed.
DESCRIPTIVE = {CARD, "README.md", TRAINING_HASHES}


def model_files(folder: Path) -> dict[str, str]:
    """sha256 of every file that is part of the model itself (relative path -> hash)."""
    folder = Path(folder)
    return {
        str(f.relative_to(folder)): sha256_file(f)
        for f in sorted(folder.rglob("*"))
        if f.is_file() and f.name not in DESCRIPTIVE
    }


def write_card(folder: Path, card: dict[str, Any], hashes: list[str] | None = None) -> dict[str, Any]:
    """Write the card (with the checksums of the model files already in `folder`), its
    README and, when given, the hashes of the training texts; returns the card as written."""
    if hashes is not None:
        write_json(Path(folder) / TRAINING_HASHES, sorted(set(hashes)))
    card = {**card, "files": model_files(folder)}
    write_json(Path(folder) / CARD, card)
    write_text(Path(folder) / "README.md", render_card(card))
    return card


def verify_files(path: Path, card: dict[str, Any]) -> None:
    """Refuse a model folder whose files are not the ones its card was written for."""
    recorded = card.get("files")
    if not recorded:
        raise ModelError(
            f"{path}: the model card records no checksums of its files, so they cannot be checked before "
            "loading (a pickled model runs code when loaded); retrain it with this version "
            "(`python -m pipeline train`), and load only models you trust"
        )
    found = model_files(path)
    missing = sorted(set(recorded) - set(found))
    if missing:
        raise ModelError(f"{path}: model files missing: {', '.join(missing)}")
    changed = sorted(f for f, h in recorded.items() if found[f] != h)
    if changed:
        raise ModelError(
            f"{path}: {', '.join(changed)} changed since the model card was written (sha256 mismatch); "
            "refusing to load it. Retrain, or restore the folder from where you got it"
        )
    extra = sorted(set(found) - set(recorded))
    if extra:
        raise ModelError(f"{path}: files not listed in the model card: {', '.join(extra)}; refusing to load")


def _cell(text: str) -> str:
    """Text as one Markdown table cell (pipes escaped, one line)."""
    return " ".join(text.split()).replace("|", "\\|")


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def card_metadata(card: dict[str, Any]) -> str:
    """The Hugging Face model-card front matter (YAML: language, license, datasets,
    `model-index` with the cross-validated score), written with huggingface_hub so that a
    model folder can be shared on the Hub as it is."""
    from huggingface_hub import EvalResult, ModelCardData

    kinds = {d["kind"] for d in card["data"]}
    cv = card.get("cv") or {}
    model = (cv.get("results") or {}).get("model")
    results = []
    if model:
        grouping = cv.get("grouping")
        results.append(
            EvalResult(
                task_type="text-classification",
                task_name=card["task"],
                dataset_type="dast" if "dast" in kinds else "seed-gold",
                dataset_name=" + ".join(
                    {
                        "dast": "DAST",
                        "annotations": "seed gold",
                        "thread-file": "thread files",
                        "corpus": "ingested corpora",
                    }.get(k, k)
                    for k in sorted(kinds)
                ),
                metric_type="f1",
                metric_value=model["macro_f1_mean"],
                metric_name=f"macro-F1, grouped cross-validation by {grouping} ({cv.get('folds')})",
            )
        )
    data = ModelCardData(
        language=["da", "sv"],
        # DAST is CC BY 4.0, and weights learnt from it carry its attribution duty.
        license="cc-by-4.0" if "dast" in kinds else "other",
        library_name="sklearn" if card["backend"] == "sklearn" else "transformers",
        datasets=["dast"] if "dast" in kinds else None,
        tags=["stance-detection", "argument-mining", "danish", "swedish", card["task"]],
        pipeline_tag="text-classification",
        model_name=card["name"] if results else None,
        eval_results=results or None,
    )
    return "---\n" + data.to_yaml() + "\n---\n"


def render_card(card: dict[str, Any]) -> str:
    """The model card as Markdown (Hugging Face front matter first), every score with the
    data and split it came from."""
    lines = [card_metadata(card), f"# Model card: {card['name']}", ""]
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
    if card.get("attribution"):
        lines += ["## Data attribution", ""] + [f"- {a}" for a in card["attribution"]] + [""]
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
        if cv.get("per_group"):
            lines += [
                "Each group held out in turn, scored on its own items (few items make a noisy score):",
                "",
                "| held-out group | items | model macro-F1 | model accuracy | majority macro-F1 |",
                "|---|---:|---:|---:|---:|",
            ]
            for group, res in cv["per_group"].items():
                m, base = res.get("model", {}), res.get("baseline_majority", {})
                lines.append(
                    f"| `{_cell(group)}` | {m.get('n', '')} | {_fmt(m.get('macro_f1'))} | "
                    f"{_fmt(m.get('accuracy'))} | {_fmt(base.get('macro_f1'))} |"
                )
            lines.append("")
    claims = card.get("claims")
    if claims and claims.get("predicted"):
        lines += [
            "## Claims as the model finds them",
            "",
            f"Of {claims['predicted']} units the model called `claim` ({claims['how']}), {claims['correct']} are "
            f"claims in the gold: precision {_fmt(claims['precision'])}. A fixed sample to check by hand "
            "(the first by text hash), with the gold label:",
            "",
            "| predicted claim | gold |",
            "|---|---|",
        ]
        lines += [f"| {_cell(x['text'])} | `{x['gold']}` |" for x in claims["examples"]] + [""]
    if card.get("files"):
        lines += ["## Files", "", "Checked against these sha256 sums before the model is loaded:", ""]
        lines += [f"- `{f}`: `{h}`" for f, h in card["files"].items()] + [""]
    lines += [
        "## Settings",
        "",
        "```json",
        json.dumps(card["settings"], indent=2, sort_keys=True, ensure_ascii=False),
        "```",
        "",
    ]
    from huggingface_hub import ModelCard

    # huggingface_hub parses and re-emits the card, so what is written is what the Hub reads.
    return str(ModelCard("\n".join(lines)))
