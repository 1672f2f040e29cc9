"""The threads a batch labels, kept beside its gold.

A gold label names an item by id and the hash of its text; to train on it, or to score a
model on it, the item's thread (parent, siblings, target, the author's other posts) is
needed again. The corpus in `data/interim/corpus` is not a safe place to look: the next
`make run THREADS=...` replaces it, and labels of other threads than the current ones
would silently drop out of training. So `review export` writes the threads of a batch's
items into the batch folder (`corpus/`), `review import` keeps that copy under
`<gold>/corpora/<batch>/`, and training and evaluation read the gold's threads from
there. Gold without such a copy (labels imported before it existed) is looked up in the
current corpus, as before.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

from pipeline.core.artifacts import atomic_dir
from pipeline.core.corpus import Corpus, read_corpus, read_corpus_about, write_corpus
from pipeline.core.schema import Annotation
from pipeline.core.tables import stage_file
from pipeline.review.gold import gold_items

log = logging.getLogger(__name__)

SNAPSHOTS = "corpora"  # under the gold folder
BATCH_CORPUS = "corpus"  # under an exported batch's folder


def export_batch(gold_batch: str) -> str:
    """The exported batch a gold batch file labels: gold files are named
    `<batch>--<annotator>[--rN]`, and a batch id never holds "--"."""
    return gold_batch.split("--", 1)[0]


def save_batch_corpus(batch_folder: Path, corpus: Corpus) -> None:
    """The threads of an exported batch's items, in the batch folder (without the corpus's
    ingest notes, which are about the whole input)."""
    write_corpus(Corpus(threads=corpus.threads, posts=corpus.posts, participants=corpus.participants), batch_folder)


def batch_corpus_dir(review_dir: Path, batch: str) -> Path:
    return Path(review_dir) / batch / BATCH_CORPUS


def keep_batch_corpus(review_dir: Path, batch: str, gold_dir: Path) -> None:
    """Copy an exported batch's threads under the gold folder, once (the first copy is what
    its labels were checked against); nothing when the batch folder has none."""
    source = batch_corpus_dir(review_dir, batch)
    target = Path(gold_dir) / SNAPSHOTS / batch
    if stage_file(source, "posts").exists() and not stage_file(target, "posts").exists():
        with atomic_dir(target) as tmp:
            for f in sorted(source.iterdir()):
                if f.is_file():
                    shutil.copy2(f, tmp / f.name)


def gold_corpus(gold_dir: Path, events: Iterable[Annotation], corpus_dir: Path | None = None) -> Corpus:
    """The threads that `events` label: from the copies kept with the gold, and, for items
    none of them holds, from the corpus at `corpus_dir` (when given and present).

    Threads are merged by id, the kept copies first (in batch order), so a label is read
    against the text it was given on."""
    events = list(events)
    batches = sorted({export_batch(e.batch_id) for e in events})
    parts: list[Corpus] = []
    for batch in batches:
        folder = Path(gold_dir) / SNAPSHOTS / batch
        if stage_file(folder, "posts").exists():
            parts.append(read_corpus(folder))
    merged = _merge(parts)
    post_ids, participant_ids = gold_items(events)
    missing_posts = post_ids - {p.id for p in merged.posts}
    missing_parts = participant_ids - {p.id for p in merged.participants}
    if (missing_posts or missing_parts) and corpus_dir is not None and stage_file(Path(corpus_dir), "posts").exists():
        merged = _merge([merged, read_corpus_about(Path(corpus_dir), missing_posts, missing_parts)])
    return merged


def has_kept_threads(gold_dir: Path, events: Iterable[Annotation]) -> bool:
    """Whether every labelled batch among `events` has its threads kept with the gold."""
    batches = {export_batch(e.batch_id) for e in events if e.origin != "adjudication"}
    return bool(batches) and all(stage_file(Path(gold_dir) / SNAPSHOTS / b, "posts").exists() for b in batches)


def _merge(parts: list[Corpus]) -> Corpus:
    threads, posts, participants = [], [], []
    seen_threads: set[str] = set()
    seen_parts: set[str] = set()
    texts: dict[str, str] = {}
    for part in parts:
        clash = sorted({p.thread_id for p in part.posts if texts.get(p.id, p.full_text) != p.full_text})
        if clash:
            # Gold is keyed by item id: two corpora that reuse ids ("1", "2", ...) cannot
            # both be labelled in one annotations folder.
            log.warning(
                "threads %s of different texts share post ids across the threads kept with the gold; "
                "labels are read against the first batch's text (labels of the others are skipped)",
                ", ".join(clash[:5]),
            )
        texts.update((p.id, p.full_text) for p in part.posts if p.id not in texts)
        new = {t.id for t in part.threads} - seen_threads
        threads += [t for t in part.threads if t.id in new]
        posts += [p for p in part.posts if p.thread_id in new]
        participants += [p for p in part.participants if p.id not in seen_parts]
        seen_threads |= new
        seen_parts |= {p.id for p in part.participants}
    return Corpus(threads=threads, posts=posts, participants=participants)
