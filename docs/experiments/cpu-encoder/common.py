"""What the cpu-encoder experiments share: the reply- and target-stance datasets the
committed stance models learn from (seed gold plus DAST, on the ingested seed corpus), and
a cross-validated score of a recipe with e5 features on the committed cards' folds."""

import json
import tempfile
from pathlib import Path

from pipeline.core.config import ANNOTATIONS_DIR, DAST_DEFAULT, load_config
from pipeline.training.data import load_dataset
from pipeline.training.train import train

cfg = load_config()


def stance_datasets():
    """(reply-stance dataset, target-stance dataset): the same comments, paired with their
    parent and with the thread's target."""
    corpus = Path("data/interim/corpus")
    return tuple(
        load_dataset(task, [ANNOTATIONS_DIR, DAST_DEFAULT], cfg, corpus) for task in ("reply_stance", "target_stance")
    )


def e5_cv_score(dataset, name: str) -> dict:
    """Train `dataset` with e5 features (cross-validation included) into a temporary folder;
    the card's out-of-fold results for the model."""
    out = Path(tempfile.mkdtemp()) / name
    train(dataset, out, cfg, overrides={"encoder": "models/local/multilingual-e5-small"})
    return json.loads((out / "metrics.json").read_text())["cv"]["results"]["model"]
