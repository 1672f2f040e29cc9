"""What a review batch is chosen from, read from the stage folders with bounded memory.

A batch is a few dozen items; the pool can be every unit of a million-post corpus. The
candidates (`batches.candidates`, the same function the in-memory path uses) are built a
thread at a time (units and stances need only their thread: a parent, the target) or a
shard of participants at a time (a role reads all of a participant's posts, kept in a
spill meanwhile), and the selection keeps only what it needs: the `size` least certain
items, or for a random sample the sorted item ids in a spill and the items drawn.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.classify.records import thread_records
from pipeline.classify.roles import PostTexts
from pipeline.core.config import REVIEW_STRATEGIES as STRATEGIES
from pipeline.core.config import REVIEW_TASKS
from pipeline.core.corpus import Corpus, read_corpus_about, threads_by_id
from pipeline.core.errors import InputError
from pipeline.core.schema import Participant, ParticipantLabels, Post, Unit
from pipeline.core.spill import SpillDatabase
from pipeline.core.stream import shards
from pipeline.core.tables import iter_records, stage_file
from pipeline.review.export import Candidate, candidates, uncertainty

ROLE_SHARD = 500


def stream_candidates(task: str, corpus_dir: Path, segments_dir: Path, predictions_dir: Path) -> Iterator[Candidate]:
    """Every candidate item of `task` in a corpus's stage folders, as `candidates` gives them."""
    if task not in REVIEW_TASKS:
        raise InputError("--task", 0, f"cannot review task {task!r}; choose from {REVIEW_TASKS}")
    corpus_dir, predictions_dir = Path(corpus_dir), Path(predictions_dir)
    if task != "role":
        threads = threads_by_id(corpus_dir)
        for posts, units, post_labels, *_ in thread_records(corpus_dir, segments_dir, predictions_dir):
            thread = Corpus(threads=[threads[posts[0].thread_id]], posts=posts, participants=[])
            yield from candidates(task, thread, units, post_labels, [])
        return
    roles_file = stage_file(predictions_dir, "participants")
    with PostTexts() as texts:
        for post in iter_records(stage_file(corpus_dir, "posts"), Post):
            texts.add(post)
        roles = iter_records(roles_file, ParticipantLabels)
        for shard in shards(iter_records(stage_file(corpus_dir, "participants"), Participant), ROLE_SHARD, lambda _: 1):
            labels = [next(roles, None) for _ in shard]
            for part, label in zip(shard, labels, strict=True):
                # classify writes one label per participant, in the corpus's order.
                if label is None or label.participant_id != part.id:
                    raise InputError(roles_file, 0, f"no role for participant {part.id!r} in this place")
            posts = texts.get_many([i for p in shard for i in p.post_ids])
            people = Corpus(threads=[], posts=list(posts.values()), participants=shard)
            yield from candidates("role", people, [], [], labels)


def select_stream(
    pool: Callable[[], Iterable[Candidate]],
    strategy: str,
    size: int,
    seed: int,
    thread: str | None = None,
    exclude: set[str] | None = None,
) -> list[Candidate]:
    """`batches.select` over a pool read as a stream (`pool()` starts a new pass): the
    least certain `size` items, or a random sample drawn from the items sorted by id with
    `random.Random(seed)` (two passes: ids first, then the items drawn)."""
    exclude = exclude or set()

    def eligible() -> Iterator[Candidate]:
        for c in pool():
            if (thread is None or thread in c.thread_id.split(";")) and c.item_id not in exclude:
                yield c

    if strategy == "random":
        with SpillDatabase("review-pool") as spill:
            spill.db.execute("CREATE TABLE ids (id TEXT NOT NULL)")
            spill.executemany("INSERT INTO ids VALUES (?)", ((c.item_id,) for c in eligible()))
            n = spill.db.execute("SELECT COUNT(*) FROM ids").fetchone()[0]
            # The same draw as sampling the sorted list itself: `sample` picks positions.
            ranks = random.Random(seed).sample(range(n), min(size, n))
            at_rank = set(ranks)
            drawn = {r: i for r, (i,) in enumerate(spill.db.execute("SELECT id FROM ids ORDER BY id")) if r in at_rank}
        wanted = {drawn[r] for r in ranks}
        found = {c.item_id: c for c in eligible() if c.item_id in wanted}
        return [found[drawn[r]] for r in ranks]
    if strategy not in STRATEGIES:
        raise InputError("--strategy", 0, f"unknown strategy {strategy!r}; choose from {STRATEGIES}")
    return heapq.nsmallest(size, eligible(), key=lambda c: (uncertainty(c, strategy), c.item_id))


def select(
    cands: list[Candidate],
    strategy: str,
    size: int,
    seed: int,
    thread: str | None = None,
    exclude: set[str] | None = None,
) -> list[Candidate]:
    """The items of a batch: the least certain first (strategy "margin" or
    "least-confident"), or a reproducible random sample (the same for a seed and a pool)."""
    return select_stream(lambda: cands, strategy, size, seed, thread, exclude)


def export_inputs(chosen: list[Candidate], corpus_dir: Path, segments_dir: Path) -> tuple[Corpus, list[Unit]]:
    """What writing a batch of `chosen` needs: the threads of its items, and their units."""
    posts = {c.unit.post_id if c.unit is not None else c.item_id for c in chosen if c.task != "role"}
    corpus = read_corpus_about(corpus_dir, posts, {c.item_id for c in chosen if c.task == "role"})
    kept = {p.id for p in corpus.posts}
    units = [u for u in iter_records(stage_file(Path(segments_dir), "units"), Unit) if u.post_id in kept]
    return corpus, units
