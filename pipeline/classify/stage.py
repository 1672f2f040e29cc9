"""Stage 3, classify: target stance, reply stance, respondent role, unit relations.

Input:  data/interim/corpus/, data/interim/segments/units.jsonl, models/{target_stance,
        reply_stance,role}/ (each optional: without a model, cue rules and defaults decide
        and every record says so)
Output: data/processed/predictions/ with
        posts.jsonl         `PostLabels`: target and reply stance of every post
        units.jsonl         `UnitLabels`: target stance of every claim and premise
        participants.jsonl  `ParticipantLabels`: respondent role with the deciding cue
        relations.jsonl     `Relation`: support/attack edges between units
        key_points.jsonl    `KeyPoint`: claims that say the same thing, grouped per thread
        provenance.json     which model or rule produced how many labels, with model scores

A shard of whole threads goes to a worker: post stances (posts.py), unit stances
(claims.py), relations (relations.py) and key points (keypoints.py) need a parent or a
sibling, never another thread. Roles come after the threads (roles.py): a participant's
role reads all their posts.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pipeline.classify.claims import classify_units, unit_label_batches
from pipeline.classify.insample import InSample, Tallies
from pipeline.classify.keypoints import Embed, key_points
from pipeline.classify.modelset import Models, card_summary, on_torch
from pipeline.classify.posts import classify_posts
from pipeline.classify.predictions import PREDICTION_TABLES, Predictions
from pipeline.classify.records import check_thread_posts
from pipeline.classify.relations import relations
from pipeline.classify.roles import PostTexts, classify_participants
from pipeline.core.artifacts import atomic_dir, write_json
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus, threads_by_id
from pipeline.core.lineage import write_manifest
from pipeline.core.schema import Participant, Post, PostLabels, Prediction, Relation, Thread, Unit, UnitLabels
from pipeline.core.spill import BATCH
from pipeline.core.stream import Dumped, JsonlSink, ThreadCursor, by_thread, handed_over, shards
from pipeline.core.tables import count_records, iter_records, open_sink, stage_file, storage_of
from pipeline.executors.local import engine, ordered_map
from pipeline.models.examples import Example
from pipeline.models.store import LoadedModel

log = logging.getLogger(__name__)


def _classify_shard(
    item: tuple[list[Post], list[Unit]],
    *,
    threads: dict[str, Thread],
    models: Models,
    cfg: Config,
    seen: InSample,
    unit_model: LoadedModel | None = None,
    dumped: bool = False,
) -> tuple[list[PostLabels], list[UnitLabels] | Dumped, list[Relation] | Dumped, Counter, Tallies]:
    """Post and unit labels and relations of whole threads (`item`: their posts and units):
    everything that needs a parent or sibling, and nothing that needs another thread.
    Relations come thread by thread, by id within a thread, with a count by origin.
    `dumped`: unit labels and relations come back as JSON lines, which only the sink
    reads (at 100,000 synthetic posts, 445,000 records the reading process no longer
    encodes or unpickles)."""
    posts, units = item
    sub = Corpus(threads=[threads[t] for t in dict.fromkeys(p.thread_id for p in posts)], posts=posts, participants=[])
    shard_seen = seen.shard()
    post_labels = classify_posts(sub, models, cfg, shard_seen)
    shard_seen.add("unit_type", unit_model, [Example(id=u.id, group=u.thread_id, text=u.text) for u in units])
    rank = {t.id: i for i, t in enumerate(sub.threads)}
    thread_of = {p.id: p.thread_id for p in posts}
    unit_thread = {u.id: rank[thread_of[u.post_id]] for u in units}
    rels = sorted(relations(units, sub, post_labels), key=lambda r: (unit_thread[r.source_id], r.id))
    origins = Counter(r.origin for r in rels)
    if not dumped:
        return post_labels, classify_units(units, sub, models, cfg), rels, origins, shard_seen.tallies()
    # Each record made a line as soon as it is made: a thread of 60,000 posts has 106,000
    # relations and 160,000 unit labels, which had all been held as records at once.
    rel_lines = Dumped.taken(rels)
    unit_lines: list[str] = []
    for batch in unit_label_batches(units, sub, models, cfg):
        unit_lines += Dumped.taken(batch).lines
    return post_labels, Dumped(unit_lines), rel_lines, origins, shard_seen.tallies()


def thread_items(
    posts: Iterable[Post], units: Iterable[Unit], where: Path = Path("units.jsonl")
) -> Iterator[tuple[list[Post], list[Unit]]]:
    """(posts, units) of each thread, from posts and units listed thread by thread in the
    same thread order (as ingest and segment write them)."""
    cursor = ThreadCursor(iter(units), lambda u: u.thread_id, where)
    for tposts in by_thread(posts, where):
        tunits = cursor.take(tposts[0].thread_id)
        check_thread_posts(tunits, {p.id for p in tposts}, tposts[0].thread_id, where)
        yield tposts, handed_over(tunits)
    cursor.check_done()


class _Lists:
    """In-memory sinks with the interface of `JsonlSink`."""

    def __init__(self) -> None:
        self.items: list = []

    def write(self, records: Iterable) -> None:
        self.items.extend(records)


def _sources(counter: Counter, preds: Iterable[Prediction]) -> None:
    counter.update(f"{p.source}:{(p.model if p.source == 'model' else p.rule) or ''}" for p in preds)


@dataclass(frozen=True)
class ClassifyRun:
    """The models and settings one classify run uses."""

    models: Models
    cfg: Config
    unit_model: LoadedModel | None = None
    embed: Embed | None = None
    encoder: str | None = None
    workers: int = 1


def classify_stream(
    items: Iterable[tuple[list[Post], list[Unit]]],
    threads: dict[str, Thread],
    participants: Iterable[Participant],
    post_texts: Mapping[str, Any] | PostTexts,
    sinks: dict[str, Any],
    run: ClassifyRun,
    n_participants: int | None = None,
) -> dict:
    """Label a corpus given as thread items (posts and units), writing each shard's labels to
    `sinks` (posts, units, relations, key_points, participants) as they come; the
    provenance. `post_texts` maps post ids to objects with `id`, `created` and `full_text`
    (the posts, or the `PostTexts` spilled while streaming): roles read every post of a
    participant."""

    models, cfg, unit_model, embed, encoder, workers = (
        run.models,
        run.cfg,
        run.unit_model,
        run.embed,
        run.encoder,
        run.workers,
    )

    torch_models = on_torch(models.target_stance, models.reply_stance, models.role)
    if torch_models and workers > 1 and engine() == "local":
        # torch's thread pools do not survive a fork: a forked worker that runs a torch model
        # can hang. torch uses every core inside one process instead. (Ray tasks are
        # processes of their own, which load the model themselves: they may run it.)
        log.info("classify: %s run on torch; one process (torch uses the cores itself)", ", ".join(torch_models))
        workers = 1
    seen = InSample()
    # Read every model's training hashes before the workers fork, so they share them.
    for task, model in (
        ("reply_stance", models.reply_stance),
        ("target_stance", models.target_stance),
        ("unit_type", unit_model),
    ):
        if model is not None:
            seen.known(task, model)
    dumped = all(isinstance(sinks[name], JsonlSink) for name in ("units", "relations"))
    shard_fn = partial(
        _classify_shard, threads=threads, models=models, cfg=cfg, seen=seen, unit_model=unit_model, dumped=dumped
    )

    def shard_items() -> Iterator[tuple[list[Post], list[Unit]]]:
        for shard in shards(items, cfg.scale.shard_posts, size_of=lambda item: len(item[0])):
            yield [p for ps, _ in shard for p in ps], [u for _, us in shard for u in us]

    decided = {task: Counter() for task in ("unit_type", "target_stance", "reply_stance", "role")}
    origins: Counter = Counter()
    n_points = n_claims = 0
    for (posts, units), (p_labels, u_labels, rels, rel_origins, tallies) in ordered_map(
        shard_fn, shard_items(), workers, "classify", gpu=bool(on_torch(models.target_stance, models.reply_stance))
    ):
        seen.merge(tallies)
        _sources(decided["unit_type"], (u.unit_type for u in units))
        _sources(decided["target_stance"], (p.target_stance for p in p_labels))
        _sources(decided["reply_stance"], (p.reply_stance for p in p_labels if p.reply_stance))
        origins.update(rel_origins)
        # Written before the key points, which do not read them: one huge thread's unit
        # labels and relations need not sit beside its claims' clustering.
        sinks["units"].write(u_labels)
        sinks["relations"].write(rels)
        del u_labels, rels
        sub = Corpus(
            threads=[threads[t] for t in dict.fromkeys(p.thread_id for p in posts)], posts=posts, participants=[]
        )
        points = key_points(sub, units, p_labels, embed, cfg.key_points.max_distance)
        n_points += len(points)
        n_claims += sum(len(k.unit_ids) for k in points)
        sinks["posts"].write(p_labels)
        sinks["key_points"].write(points)
    part_labels = classify_participants(participants, post_texts, models, cfg, seen, workers, n_participants)
    for shard in shards(part_labels, BATCH, lambda _: 1):
        _sources(decided["role"], (p.role for p in shard))
        sinks["participants"].write(shard)
    return {
        "models": {
            "unit_type": card_summary(unit_model),
            "target_stance": card_summary(models.target_stance),
            "reply_stance": card_summary(models.reply_stance),
            "role": card_summary(models.role),
        },
        "rule_precision": dict(cfg.classify.rule_precision),
        "decided_by": {task: dict(sorted(c.items())) for task, c in decided.items()},
        "relations_by_origin": dict(sorted(origins.items())),
        "in_sample": dict(sorted(seen.counts.items())),
        "gold_agreement": seen.gold_agreement({t: list(cfg.labels_for(t)) for t in ("reply_stance", "target_stance")}),
        "key_points": {
            "encoder": encoder if embed else None,
            "max_distance": cfg.key_points.max_distance if embed else None,
            "key_points": n_points,
            "claims": n_claims,
            "note": None if embed else "no encoder: every claim is a key point of its own (not grouped)",
        },
    }


def classify(
    corpus: Corpus,
    units: list[Unit],
    models: Models,
    cfg: Config,
    unit_model: LoadedModel | None = None,
    embed: Embed | None = None,
    encoder: str | None = None,
    workers: int = 1,
) -> Predictions:
    """Every label of an in-memory corpus (`classify_files` streams a corpus folder); with
    `embed` (texts -> unit vectors) also the key points."""
    sinks = {k: _Lists() for k in ("posts", "units", "relations", "key_points", "participants")}
    provenance = classify_stream(
        thread_items(corpus.posts, units),
        {t.id: t for t in corpus.threads},
        corpus.participants,
        corpus.posts_by_id(),
        sinks,
        ClassifyRun(models, cfg, unit_model, embed, encoder, workers),
    )
    return Predictions(
        sinks["posts"].items,
        sinks["units"].items,
        sinks["participants"].items,
        sinks["relations"].items,
        provenance,
        sinks["key_points"].items,
    )


def classify_files(
    corpus_dir: Path, segments_dir: Path, out_dir: Path, run: ClassifyRun, made_from: dict | None = None
) -> dict:
    """Label a corpus folder into `out_dir` a thread shard, then a participant shard, at a
    time (memory grows with the shard size, not with the corpus: post texts wait for the
    roles in a spill); the provenance."""
    corpus_dir, segments_dir = Path(corpus_dir), Path(segments_dir)
    threads = threads_by_id(corpus_dir)
    participants_file = stage_file(corpus_dir, "participants")
    storage = storage_of(corpus_dir)
    post_texts = PostTexts()

    def posts() -> Iterator[Post]:
        for post in iter_records(stage_file(corpus_dir, "posts"), Post):
            post_texts.add(post)
            yield post

    units_file = stage_file(segments_dir, "units")
    units = iter_records(units_file, Unit)
    with atomic_dir(Path(out_dir)) as tmp:
        sinks = {name: open_sink(tmp, name, model, storage) for name, model in PREDICTION_TABLES.items()}
        try:
            provenance = classify_stream(
                thread_items(posts(), units, units_file),
                threads,
                iter_records(participants_file, Participant),
                post_texts,
                sinks,
                run,
                count_records(participants_file),
            )
        finally:
            post_texts.close()
            for sink in sinks.values():
                sink.close()
        write_json(tmp / "provenance.json", provenance)
        write_manifest(tmp, made_from)
    return provenance
