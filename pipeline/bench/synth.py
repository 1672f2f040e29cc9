"""Synthetic Danish debate threads for scale benchmarks (`make bench-scale N=...`).

The shape follows what researchers bring: threads of 20 to 500 posts, about one author
per five posts, about 300 characters a post, replies mostly to recent posts. Sentences are
drawn from the seed pages so that language ID, sentence splitting and the models see real
Danish and Swedish text. Deterministic: the same n and seed give the same file.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.artifacts import atomic_path
from pipeline.core.paths import SEEDS_DIR

SEED_DIR = SEEDS_DIR
_SENTENCE_RE = re.compile(r"[^.!?\n]{25,240}[.!?]")


def seed_sentences(seed_dir: Path = SEED_DIR) -> list[str]:
    """Sentence-like strings of the seed pages, in file order, without duplicates."""
    seen: dict[str, None] = {}
    for path in sorted(seed_dir.glob("*.txt")):
        for m in _SENTENCE_RE.finditer(path.read_text(encoding="utf-8")):
            s = " ".join(m.group(0).split())
            if s[:1].isupper():
                seen.setdefault(s, None)
    if len(seen) < 50:
        raise ValueError(f"{seed_dir}: too few sentences ({len(seen)}) to build synthetic threads")
    return list(seen)


def synthetic_posts(
    n_posts: int, seed: int = 0, sentences: list[str] | None = None, thread_sizes: tuple[int, int] = (20, 500)
) -> Iterator[dict]:
    """`n_posts` posts in the generic thread format, thread by thread (sizes drawn uniformly
    from `thread_sizes`; the last thread takes what is left)."""
    rng = random.Random(seed)
    pool = sentences or seed_sentences()
    made = 0
    t = 0
    while made < n_posts:
        size = min(rng.randint(*thread_sizes), n_posts - made)
        thread = f"t{t:07d}"
        authors = [f"user{t}_{i}" for i in range(max(1, size // 5))]
        ids: list[str] = []
        for i in range(size):
            text = ""
            while len(text) < 260:
                text = f"{text} {rng.choice(pool)}".strip()
            post_id = f"{thread}-{i:04d}"
            parent = None
            if i:
                # Replies favour recent posts, as comment sections do; a fifth answer the root.
                parent = ids[0] if rng.random() < 0.2 else ids[max(0, i - 1 - int(rng.expovariate(0.3)))]
            day = 1 + (t % 28)
            yield {
                "id": post_id,
                "thread_id": thread,
                "parent_id": parent,
                "author": rng.choice(authors),
                "created": f"2024-03-{day:02d}T{8 + i * 12 // size:02d}:{i % 60:02d}:00",
                "title": "Socialrådgivere mangler overalt" if i == 0 else "",
                "text": text,
            }
            ids.append(post_id)
        made += size
        t += 1


def write_synthetic(path: Path, n_posts: int, seed: int = 0, thread_sizes: tuple[int, int] = (20, 500)) -> int:
    """Write `n_posts` synthetic posts as JSONL at `path`; the number written."""
    n = 0
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        for post in synthetic_posts(n_posts, seed, thread_sizes=thread_sizes):
            fh.write(json.dumps(post, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n
