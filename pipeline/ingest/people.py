"""Participants: one per author name (case- and punctuation-insensitive), gathered from
the posts' authors as rows (spilled to disk for large corpora, `pipeline.ingest.spill`);
and an in-memory corpus assembled from its threads, posts and notes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby

from pipeline.core.corpus import Corpus, participant_id
from pipeline.core.schema import Note, Participant, Post, Thread
from pipeline.ingest.spill import AuthorRow


def author_rows(posts: Iterable[Post]) -> Iterator[AuthorRow]:
    for p in posts:
        for a in p.authors:
            yield participant_id(a.name, p.id), p.id, p.thread_id, a.name, a.description, a.name is None


def participants_from(rows: Iterable[AuthorRow]) -> Iterator[Participant]:
    """Participants from author rows sorted by participant id, then post id: one per author
    name (case- and punctuation-insensitive), named as in their first post."""
    for pid, group in groupby(rows, key=lambda r: r[0]):
        first = None
        descriptions: list[str] = []
        post_ids: list[str] = []
        threads: set[str] = set()
        for row in group:
            first = first or row
            _, post_id, thread_id, _, description, _ = row
            if description and description not in descriptions:
                descriptions.append(description)
            post_ids.append(post_id)
            threads.add(thread_id)
        yield Participant(
            id=pid,
            name=first[3] or "[deleted]",
            descriptions=tuple(descriptions),
            post_ids=tuple(post_ids),
            thread_ids=tuple(sorted(threads)),
            deleted=first[5],
        )


def build_participants(posts: list[Post]) -> list[Participant]:
    """One participant per author name (case- and punctuation-insensitive)."""
    return list(participants_from(sorted(author_rows(posts), key=lambda r: (r[0], r[1]))))


def finish_corpus(threads: list[Thread], posts: list[Post], notes: list[Note]) -> Corpus:
    ids = Counter(p.id for p in posts)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise ValueError(f"duplicate post ids across inputs: {dup[:5]}")
    posts = sorted(posts, key=lambda p: (p.thread_id, p.position, p.id))
    return Corpus(sorted(threads, key=lambda t: t.id), posts, build_participants(posts), notes)
