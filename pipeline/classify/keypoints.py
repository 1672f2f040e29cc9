"""Key points: the claims of a thread that say the same thing, grouped, with their sides.

A report that lists every comment's main claim repeats itself ("socialrådgiverne
mangler faglighed", "fagligheden mangler") and buries what is said most. Key points group
quotable claims by meaning: each claim is embedded with the encoder (pipeline.models.embed,
cached) and the claims of one thread are clustered bottom-up (average linkage, cosine
distance, a threshold in config.toml). Each group gets a representative sentence, how
many comments and participants make it, and their stance split. Per thread: claims of two
threads never merge, and cost grows with the size of the largest thread, not the corpus.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import numpy as np

from pipeline.classify.labels import quotable
from pipeline.core.corpus import Corpus, author_ids
from pipeline.core.schema import KeyPoint, PostLabels, Unit

Embed = Callable[[list[str]], np.ndarray]
STANCES = ("favor", "against", "neutral")


def _clusters(vectors: np.ndarray, max_distance: float) -> list[list[int]]:
    if len(vectors) == 1:
        return [[0]]
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(
        n_clusters=None, distance_threshold=max_distance, metric="cosine", linkage="average"
    ).fit_predict(vectors)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        groups[int(lab)].append(i)
    return list(groups.values())


def _side(stance: Counter) -> str:
    taking = stance["favor"] + stance["against"]
    if taking == 0:
        return "neutral"
    for side in ("favor", "against"):
        if stance[side] * 3 >= taking * 2:
            return side
    return "contested"


def key_points(
    corpus: Corpus, units: list[Unit], post_labels: list[PostLabels], embed: Embed | None, max_distance: float
) -> list[KeyPoint]:
    """Every thread's key points, largest first (by participants, then comments)."""
    posts = corpus.posts_by_id()
    stance = {p.post_id: p.target_stance.label for p in post_labels}
    by_thread: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        if u.unit_type.label == "claim" and posts[u.post_id].parent_id is not None and quotable(u):
            by_thread[u.thread_id].append(u)
    out: list[KeyPoint] = []
    for thread_id, claims in sorted(by_thread.items()):
        claims.sort(key=lambda u: u.id)
        vectors = embed([u.text for u in claims]) if embed else np.eye(len(claims), dtype=np.float32)
        groups = _clusters(vectors, max_distance) if embed else [[i] for i in range(len(claims))]
        points = []
        for members in groups:
            sims = vectors[members] @ vectors[members].T
            mean_sim = sims.mean(axis=1)
            rep = claims[members[int(np.argmax(mean_sim))]]
            comments = sorted({claims[i].post_id for i in members})
            people = sorted(
                {pid for c in comments for pid in author_ids(posts[c]) if not pid.startswith("participant:deleted:")}
            )
            split = Counter(stance.get(c, "neutral") for c in comments)
            n = len(members)
            cohesion = 1.0 if n == 1 else float((sims.sum() - np.trace(sims)) / (n * (n - 1)))
            points.append(
                (
                    (-len(people), -len(comments), rep.id),
                    dict(
                        thread_id=thread_id,
                        text=rep.text,
                        unit_ids=tuple(sorted(claims[i].id for i in members)),
                        comment_ids=tuple(comments),
                        participant_ids=tuple(people),
                        n_comments=len(comments),
                        n_participants=len(people),
                        stance={s: split[s] for s in STANCES},
                        side=_side(split),
                        cohesion=round(min(max(cohesion, -1.0), 1.0), 4),
                    ),
                )
            )
        for k, (_, fields) in enumerate(sorted(points, key=lambda p: p[0]), start=1):
            out.append(KeyPoint(id=f"{thread_id}#kp{k}", **fields))
    return out
