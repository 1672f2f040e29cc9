"""Language identification with lingua (offline, deterministic), restricted to a closed set.

Short comments ("God artikel", "Jeg er enig") are genuinely ambiguous between Danish and
Norwegian; rather than guess, such texts take the language of their thread and say so.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetectorBuilder

from pipeline.core.config import LanguageConfig

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=4)
def _detector(candidates: tuple[str, ...]):
    codes = [IsoCode639_1.from_str(c) for c in candidates]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect(text: str, cfg: LanguageConfig) -> tuple[str | None, float]:
    """Most likely language of `text` and its confidence, or (None, 0.0) if too short."""
    if len(_LETTERS.findall(text)) < cfg.min_chars:
        return None, 0.0
    values = _detector(tuple(cfg.candidates)).compute_language_confidence_values(text)
    if not values:
        return None, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), round(float(best.value), 4)


# The process whose lingua thread pool has run: a process forked after it inherits the
# pool's state but none of its threads, and a parallel call there waits for them forever.
_POOL_PID: int | None = None


def detect_many(texts: list[str], cfg: LanguageConfig) -> list[tuple[str | None, float]]:
    """`detect` for many texts at once, on all cores (lingua's own thread pool); one at a
    time in a worker forked after this process's pool had run (raw pages are read in the
    main process, thread files' shards then in forked workers)."""
    global _POOL_PID
    long_enough = [i for i, t in enumerate(texts) if len(_LETTERS.findall(t)) >= cfg.min_chars]
    detector = _detector(tuple(cfg.candidates))
    batch = [texts[i] for i in long_enough]
    if _POOL_PID is None or _POOL_PID == os.getpid():
        _POOL_PID = os.getpid()
        values = detector.compute_language_confidence_values_in_parallel(batch)
    else:
        values = [detector.compute_language_confidence_values(t) for t in batch]
    out: list[tuple[str | None, float]] = [(None, 0.0)] * len(texts)
    for i, v in zip(long_enough, values, strict=True):
        if v:
            out[i] = (v[0].language.iso_code_639_1.name.lower(), round(float(v[0].value), 4))
    return out


def resolve(
    text: str, thread_lang: str | None, cfg: LanguageConfig, detected: tuple[str | None, float] | None = None
) -> tuple[str, float, str]:
    """(lang, confidence, source): detected if confident enough, else the thread's language.
    `detected`: `detect(text)` when already known."""
    lang, conf = detected if detected is not None else detect(text, cfg)
    if lang is not None and (conf >= cfg.min_confidence or thread_lang is None):
        return lang, conf, "detected"
    return (thread_lang or "und"), conf, "thread"
