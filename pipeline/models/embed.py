"""Sentence embeddings from an encoder folder, cached on disk by text hash.

Cross-validation refits a model once per fold, and every rerun of a stage sees the same
texts again: each text is encoded once per encoder, ever. The cache is one SQLite file per
encoder and batch size (the encoder keyed by the sha256 of its files), mapping
sha256(prefix + text) to the vector; it is safe to delete and grows linearly with the
distinct texts seen. Embeddings are mean-pooled over the last hidden layer and
L2-normalised (the e5 recipe, with its "passage: " prefix), rounded to 6 decimals.

Texts are encoded one at a time by default. In a padded batch a text's vector depends on
its neighbours in the last float bits (other shapes, other summation order), and rounding
does not hide all of it: of 400 DAST comments encoded in batches of 32 and alone, 328
differed in a sixth decimal. Then a label could change with the shard size, the number of
workers or what an earlier run left in the cache. Batches of equal-length texts padded to
a fixed size are as invariant, but were slower here: most lengths occur only a few times.

The number of torch threads moves the last digits too (22 of 200 DAST comments differed
between one and two threads), so on the CPU each text is encoded with one torch thread,
and `threads` texts are encoded at once in Python threads (torch releases the GIL in its
kernels). A text's vector then depends on the text only, not on the machine's core count,
and the cores are used better than by splitting one small matrix product between them:
36-38 against 31 texts/s on 300 DAST comments on 2 cores. Batching is still faster on short
sentences (docs/benchmarks.md, "Encoder throughput"). On a GPU, where batching pays far
more, pass `batch_size` and give up the guarantee.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from pipeline.core.config import INTERIM_DIR
from pipeline.core.errors import ModelError

log = logging.getLogger(__name__)

CACHE_DIR = INTERIM_DIR / "embeddings"

_THREADS: int | None = None


def set_threads(n: int | None) -> None:
    """How many texts Embedders without their own `threads` encode at once on the CPU (a
    command's `-j`); None: `OMP_NUM_THREADS` where set, else one per usable core."""
    global _THREADS
    _THREADS = n


def default_threads() -> int:
    # OMP_NUM_THREADS is how a scheduler says how many cores a process may use: Ray sets it
    # to a task's CPUs, HPC sites often set it to 1. Without it, every usable core.
    omp = os.environ.get("OMP_NUM_THREADS", "")
    return _THREADS or (int(omp) if omp.isdigit() and int(omp) > 0 else len(os.sched_getaffinity(0)))


def fingerprint(model_dir: Path) -> str:
    """A short identity of an encoder folder's weights, tokenizer and config."""
    h = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        path = Path(model_dir) / name
        if path.exists():
            h.update(name.encode())
            # Size and mtime-free identity: the first and last MiB are enough to tell
            # folders apart without reading 470 MB on every start.
            with open(path, "rb") as fh:
                h.update(fh.read(1 << 20))
                fh.seek(max(path.stat().st_size - (1 << 20), 0))
                h.update(fh.read())
            h.update(str(path.stat().st_size).encode())
    return h.hexdigest()[:16]


class Embedder:
    """`encode(texts)` -> (n, dim) float32, unit length; cached when `cache_dir` is set."""

    def __init__(
        self,
        model_dir: Path,
        cache_dir: Path | None = CACHE_DIR,
        device: str | None = None,
        batch_size: int = 1,
        max_length: int = 256,
        prefix: str = "passage: ",
        threads: int | None = None,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.cache_dir = cache_dir
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length
        self.prefix = prefix
        # Texts encoded at once on the CPU (one at a time each); None: `default_threads()`.
        self.threads = threads
        self._model = None
        self._db: sqlite3.Connection | None = None
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.model_dir)
        return self._fingerprint

    def with_cache(self, cache_dir: Path | None) -> Embedder:
        """The same loaded model over another cache (a benchmark times an empty one)."""
        other = copy.copy(self)
        other.cache_dir, other._db = cache_dir, None
        return other

    def _load(self):
        if self._model is None:
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
            self.device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
            try:
                self._tok = AutoTokenizer.from_pretrained(self.model_dir)
                model = AutoModel.from_pretrained(self.model_dir, use_safetensors=True)
            except Exception as exc:  # noqa: BLE001 - any reason a folder cannot be loaded
                # transformers says what it missed in many ways (OSError, ValueError, a
                # tokenizer it cannot convert); the researcher needs the folder and the fix.
                raise ModelError(
                    f"encoder folder {self.model_dir} cannot be loaded ({type(exc).__name__}: "
                    f"{str(exc).strip().splitlines()[0] if str(exc).strip() else 'no detail'}): rebuild it with "
                    "`make setup`, or name a transformers model folder with its tokenizer"
                ) from None
            self._model = model.to(self.device).eval()
        return self._model

    def _cache(self) -> sqlite3.Connection | None:
        if self.cache_dir is None:
            return None
        if self._db is None:
            Path(self.cache_dir).mkdir(parents=True, exist_ok=True)
            # Vectors encoded alone (one torch thread) and in batches differ in the last
            # digits: never mixed.
            scheme = "single" if self.batch_size == 1 else f"batch{self.batch_size}"
            path = Path(self.cache_dir) / f"{self.fingerprint()}-{scheme}.sqlite"
            self._db = sqlite3.connect(path, timeout=60)
            self._db.execute("CREATE TABLE IF NOT EXISTS emb (h TEXT PRIMARY KEY, v BLOB NOT NULL)")
        return self._db

    def _key(self, text: str) -> str:
        return hashlib.sha256((self.prefix + text).encode("utf-8")).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        db = self._cache()
        if db is not None:
            unique = sorted(set(keys))
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                rows = db.execute(f"SELECT h, v FROM emb WHERE h IN ({','.join('?' * len(chunk))})", chunk)
                found.update({h: np.frombuffer(v, dtype=np.float32) for h, v in rows})
        todo = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items(), key=lambda kv: len(kv[1])
        )
        if todo:
            vectors = self._compute([t for _, t in todo])
            new = {k: v for (k, _), v in zip(todo, vectors, strict=True)}
            found.update(new)
            if db is not None:
                db.executemany("INSERT OR IGNORE INTO emb VALUES (?, ?)", [(k, v.tobytes()) for k, v in new.items()])
                db.commit()
        dim = next(iter(found.values())).shape[0] if found else 0
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, dim), dtype=np.float32)

    def _compute(self, texts: list[str]) -> list[np.ndarray]:
        import torch
        from tqdm import tqdm

        self._load()
        show = None if len(texts) > 256 else True
        if self.batch_size == 1 and self.device == "cpu":
            out: list[np.ndarray] = []
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                with (
                    ThreadPoolExecutor(self.threads or default_threads()) as pool,
                    tqdm(total=len(texts), desc="embed", unit="text", disable=show, leave=False) as bar,
                ):
                    for start in range(0, len(texts), 1024):
                        # A fast tokenizer must not be called from two threads at once (its
                        # truncation settings are shared state): tokenize here, run the model there.
                        encoded = [self._tokenize([t]) for t in texts[start : start + 1024]]
                        for vector in pool.map(self._forward, encoded):
                            out.append(vector[0])
                            bar.update()
            finally:
                torch.set_num_threads(threads)
            return out
        out = []
        for start in tqdm(range(0, len(texts), self.batch_size), desc="embed", unit="batch", disable=show, leave=False):
            out.extend(self._forward(self._tokenize(texts[start : start + self.batch_size])))
        return out

    def _tokenize(self, texts: list[str]) -> dict:
        batch = [self.prefix + t for t in texts]
        enc = self._tok(batch, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        return {k: v.to(self.device) for k, v in enc.items()}

    def _forward(self, enc: dict) -> np.ndarray:
        """Mean-pooled, normalised vectors, rounded to 6 decimals, of one tokenized batch."""
        import torch

        # Grad mode is per thread: set here, where the pool's threads run.
        with torch.no_grad():
            hidden = self._model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
        return np.round(pooled.float().cpu().numpy(), 6).astype(np.float32)


# One Embedder per encoder folder and process: loading the encoder costs seconds and about
# 500 MB, and a model's encoder features and the key points read the same folder.
_SHARED: dict[Path, Embedder] = {}


def shared_embedder(model_dir: Path) -> Embedder:
    """The process's Embedder for `model_dir` (caching in the default cache folder)."""
    key = Path(model_dir).resolve()
    if key not in _SHARED:
        _SHARED[key] = Embedder(key)
    return _SHARED[key]
