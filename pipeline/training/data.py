"""Labelled examples for training and evaluation, from any mix of sources.

A source is a folder of annotation batches (the project's gold, resolved through
`gold.resolve`, with the corpus the items live in), a generic thread file whose rows
carry gold columns, or the DAST file itself (recognised by its SDQC fields; its
`sdqc_parent` is reply stance and `sdqc_submission` target stance, see `pipeline.formats.dast`).
Each source is described (path, kind, sha256, items, attribution) so a model card can say
exactly which data a model saw and whom to credit.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.artifacts import display_path, sha256_file
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus, participant_id, read_corpus
from pipeline.core.errors import InputError
from pipeline.core.tables import stage_file
from pipeline.formats.dast import ATTRIBUTION as DAST_ATTRIBUTION
from pipeline.formats.dast import looks_like_dast
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.options import ReadOptions
from pipeline.models.examples import (
    Example,
    UnitSpan,
    field_text,
    reply_examples,
    role_examples,
    target_examples,
    unit_examples,
)
from pipeline.review.gold import batch_files, read_events, resolve, text_hash
from pipeline.review.snapshots import SNAPSHOTS, gold_corpus, has_kept_threads

log = logging.getLogger(__name__)


@dataclass
class Source:
    path: str
    kind: str
    sha256: str
    items: int
    attribution: str | None = None


@dataclass
class Dataset:
    task: str
    examples: list[Example]
    sources: list[Source]
    topics: dict[str, str]  # thread id -> topic, where known
    skipped: list[str]

    def label_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(e.label for e in self.examples).items()))


def _dir_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(sha256_file(f).encode())
    return h.hexdigest()


def examples_from_gold(task: str, gold_dir: Path, corpus: Corpus, skipped: list[str]) -> list[Example]:
    """Resolved gold labels of `task`, as examples over the corpus they annotate."""
    events = read_events(gold_dir)
    resolved, conflicts = resolve(events, task)
    for c in conflicts:
        skipped.append(f"{c.item_id}: annotators disagree {c.labels} and no adjudication yet")
    posts = corpus.posts_by_id()
    threads = {t.id: t for t in corpus.threads}
    labels: dict[str, str] = {}
    examples: list[Example] = []
    if task == "unit_type":
        spans = []
        for item_id, r in resolved.items():
            ev = r.event
            post = posts.get(ev.post_id or "")
            if post is None or ev.field is None or ev.start is None or ev.end is None:
                skipped.append(f"{item_id}: post not in the corpus")
                continue
            text = field_text(post, ev.field)[ev.start : ev.end]
            if ev.text_sha256 and text_hash(text) != ev.text_sha256:
                skipped.append(f"{item_id}: the text changed since it was labelled")
                continue
            spans.append(UnitSpan(item_id, post.id, ev.field, ev.start, ev.end))
            labels[item_id] = r.label
        examples = unit_examples(spans, posts)
    elif task in ("target_stance", "reply_stance"):
        comments = []
        for item_id, r in resolved.items():
            post = posts.get(item_id)
            if post is None or post.parent_id is None:
                skipped.append(f"{item_id}: not a comment of the corpus")
                continue
            if r.event.text_sha256 and text_hash(post.full_text) != r.event.text_sha256:
                skipped.append(f"{item_id}: the text changed since it was labelled")
                continue
            comments.append(post)
            labels[item_id] = r.label
        build = reply_examples if task == "reply_stance" else (lambda cs, ps: target_examples(cs, ps, threads))
        examples = build(comments, posts)
    elif task == "role":
        parts = {p.id: p for p in corpus.participants}
        chosen = []
        for item_id, r in resolved.items():
            if item_id not in parts:
                skipped.append(f"{item_id}: participant not in the corpus")
                continue
            chosen.append(parts[item_id])
            labels[item_id] = r.label
        examples = role_examples(chosen, posts)
    else:
        raise ValueError(f"no gold examples for task {task!r}")
    return [e.with_label(labels[e.id]) for e in examples]


def examples_from_threads(task: str, corpus: Corpus) -> list[Example]:
    """Examples from the gold columns of generic thread files."""
    posts = corpus.posts_by_id()
    threads = {t.id: t for t in corpus.threads}
    if task == "unit_type":
        raise InputError(
            "thread files", 0, "thread files carry no unit_type gold; unit gold comes from annotation batches"
        )
    if task in ("target_stance", "reply_stance"):
        comments = [p for p in corpus.posts if p.parent_id and p.gold and getattr(p.gold, task)]
        build = (
            reply_examples(comments, posts, {t: thread.target for t, thread in threads.items()})
            if task == "reply_stance"
            else target_examples(comments, posts, threads)
        )
        return [e.with_label(getattr(posts[e.id].gold, task)) for e in build]
    votes: dict[str, Counter] = {}
    for p in corpus.posts:
        if p.gold and p.gold.role:
            for a in p.authors:
                votes.setdefault(participant_id(a.name, p.id), Counter())[p.gold.role] += 1
    chosen = [p for p in corpus.participants if p.id in votes]
    return [e.with_label(votes[e.id].most_common(1)[0][0]) for e in role_examples(chosen, posts)]


def _dast_corpus(path: Path, cfg: Config) -> Corpus:
    """The DAST file as a corpus: ingest reads DAST's layout itself (missing parents
    attached to the source post, as its README says)."""
    corpus = ingest_thread_files([path], cfg)
    for n in corpus.notes:
        if n.kind == "repaired":
            log.info("%s: %s", n.where, n.message)
    return corpus


def load_dataset(
    task: str, data: list[Path], cfg: Config, corpus_dir: Path | None = None, options: ReadOptions | None = None
) -> Dataset:
    """All labelled examples of `task` from the given annotation folders and thread files
    (thread files read with `options`: repair missing parents, ids unique within a thread)."""
    examples: list[Example] = []
    sources: list[Source] = []
    topics: dict[str, str] = {}
    skipped: list[str] = []
    per_source: list[list[Example]] = []
    for path in data:
        path = Path(path)
        if path.is_dir() and stage_file(path, "posts").exists() and stage_file(path, "threads").exists():
            # A corpus folder `ingest` wrote, with the gold columns of the files it read: a
            # researcher's labelled export that needed --columns, --encoding or another
            # reading option is trained on as ingest read it.
            corpus = read_corpus(path)
            found = examples_from_threads(task, corpus)
            topics.update({t.id: t.topic for t in corpus.threads if t.topic})
            posts_file = stage_file(path, "posts")
            sources.append(Source(display_path(path), "corpus", sha256_file(posts_file), len(found)))
        elif path.is_dir():
            files = batch_files(path)
            if not files:
                raise InputError(path, 0, "no annotation batches (*.jsonl) in this folder")
            events = read_events(path)
            corpus_there = corpus_dir is not None and stage_file(corpus_dir, "posts").exists()
            if not corpus_there and not has_kept_threads(path, events):
                raise InputError(
                    path,
                    0,
                    f"annotations need the threads they label: some batches have no copy under "
                    f"{path / SNAPSHOTS} and there is no corpus at {corpus_dir} "
                    "(run `make ingest` or pass --corpus)",
                )
            # Only the threads the gold labels are about: a corpus can be far larger than its
            # gold; the copies kept with the gold come first (review/snapshots.py).
            corpus = gold_corpus(path, events, corpus_dir if corpus_there else None)
            found = examples_from_gold(task, path, corpus, skipped)
            sources.append(Source(display_path(path), "annotations", _dir_hash(files), len(found)))
        elif path.is_file() and looks_like_dast(path):
            corpus = _dast_corpus(path, cfg)
            found = examples_from_threads(task, corpus)
            topics.update({t.id: t.topic for t in corpus.threads if t.topic})
            sources.append(Source(display_path(path), "dast", sha256_file(path), len(found), DAST_ATTRIBUTION))
        elif path.is_file():
            corpus = ingest_thread_files([path], cfg, options)
            found = examples_from_threads(task, corpus)
            topics.update({t.id: t.topic for t in corpus.threads if t.topic})
            sources.append(Source(display_path(path), "thread-file", sha256_file(path), len(found)))
        else:
            raise InputError(path, 0, "no such file or folder")
        per_source.append(found)
    # An annotator's label of a post that a labelled file (DAST) also labels is a review
    # of that label: the project's gold wins, and the file's label is left out.
    reviewed = {
        e.id for src, found in zip(sources, per_source, strict=True) if src.kind == "annotations" for e in found
    }
    for src, found in zip(sources, per_source, strict=True):
        if src.kind != "annotations" and reviewed.intersection(e.id for e in found):
            kept = [e for e in found if e.id not in reviewed]
            log.warning(
                "%s: %d item(s) are also labelled in the project's gold; the gold's labels are used",
                src.path,
                len(found) - len(kept),
            )
            found[:] = kept
            src.items = len(kept)
        examples.extend(found)
    ids = Counter(e.id for e in examples)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise InputError(data[0], 0, f"the same item is labelled in two sources: {dup[:5]}")
    known = set(cfg.labels_for(task))
    unknown = sorted({e.label for e in examples} - known)
    if unknown:
        raise InputError(data[0], 0, f"labels {unknown} are not in the {task} label set {sorted(known)} (config.toml)")
    for s in skipped:
        log.warning("skipped %s", s)
    return Dataset(task, sorted(examples, key=lambda e: e.id), sources, topics, skipped)
