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

from pipeline.classify.claims import quotable
from pipeline.core.corpus import Corpus, author_ids
from pipeline.core.schema import KeyPoint, PostLabels, Unit

# texts -> unit-length vectors, one row per text (pipeline.models.embed.Embedder.encode)
Embed = Callable[[list[str]], np.ndarray]
STANCES = ("favor", "against", "neutral")


# Average linkage holds an n x n distance matrix: up to this many claims it runs on the thread
# at once (about 100 MB); a larger thread (a Reddit megathread has tens of thousands) is cut
# along its threshold components first (`_components`).
MAX_LINKAGE = 2000
# Rows of the similarity matrix computed at a time while finding components.
ROW_BLOCK = 512


def _average_linkage(vectors: np.ndarray, max_distance: float) -> list[list[int]]:
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


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def _components(vectors: np.ndarray, max_distance: float) -> list[list[int]]:
    """The connected components of "closer than `max_distance`", computed a block of rows at
    a time (memory: ROW_BLOCK x n similarities). Two average-linkage clusters merge only if
    their mean distance is within the threshold, which needs at least one pair within it:
    no cluster spans two components, so clustering each component apart gives the same groups
    as clustering the whole thread."""
    unit = _unit_rows(vectors.astype(np.float32, copy=False))
    n = len(unit)
    label = np.arange(n)
    # A hair below the threshold: float32 products may round a pair that the linkage (in
    # float64) keeps together; a component too wide only costs time, one too narrow a group.
    floor = 1.0 - max_distance - 1e-5
    # Each pass gives every claim the smallest label among its neighbours, then follows labels
    # to their own labels (pointer jumping); it stops when a pass changes nothing.
    while True:
        new = label.copy()
        for lo in range(0, n, ROW_BLOCK):
            close = unit[lo : lo + ROW_BLOCK] @ unit.T >= floor
            new[lo : lo + ROW_BLOCK] = np.minimum(new[lo : lo + ROW_BLOCK], np.where(close, label, n).min(axis=1))
        while not np.array_equal(new, new[new]):
            new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    groups: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(label):
        groups[int(lab)].append(i)
    return list(groups.values())


def _clusters(vectors: np.ndarray, max_distance: float) -> list[list[int]]:
    if len(vectors) <= MAX_LINKAGE:
        return _average_linkage(vectors, max_distance)
    out: list[list[int]] = []
    for comp in _components(vectors, max_distance):
        if len(comp) <= MAX_LINKAGE:
            out.extend([comp[i] for i in g] for g in _average_linkage(vectors[comp], max_distance))
        else:
            out.extend(_chunked(vectors, comp, max_distance))
    return out


def _linkage_in_chunks(vectors: np.ndarray, max_distance: float) -> list[list[int]]:
    """Average linkage over consecutive chunks of MAX_LINKAGE rows, groups never spanning two."""
    out: list[list[int]] = []
    for lo in range(0, len(vectors), MAX_LINKAGE):
        out.extend([lo + i for i in g] for g in _average_linkage(vectors[lo : lo + MAX_LINKAGE], max_distance))
    return out


def _chunked(vectors: np.ndarray, comp: list[int], max_distance: float) -> list[list[int]]:
    """A component too large for one linkage (thousands of near-identical claims): its claims
    are clustered MAX_LINKAGE at a time, then the groups by their mean vectors, until a round
    merges nothing. An approximation, used only for such components."""
    groups = [[comp[i] for i in g] for g in _linkage_in_chunks(vectors[comp], max_distance)]
    while len(groups) > 1:
        centres = _unit_rows(np.stack([vectors[g].mean(axis=0) for g in groups]))
        merged = [[i for k in g for i in groups[k]] for g in _linkage_in_chunks(centres, max_distance)]
        if len(merged) == len(groups):
            break
        groups = merged
    return [sorted(g) for g in groups]


def _centre(vectors: np.ndarray) -> tuple[int, float]:
    """The member closest to all the others (highest mean similarity) and the group's mean
    pairwise similarity (its cohesion; 1 for one claim)."""
    n = len(vectors)
    if n == 1:
        # Most groups (every one without an encoder): no arithmetic to do.
        return 0, 1.0
    if n <= MAX_LINKAGE:
        sims = vectors @ vectors.T
        cohesion = float((sims.sum() - np.trace(sims)) / (n * (n - 1)))
        return int(np.argmax(sims.mean(axis=1))), cohesion
    # The same sums without the n x n matrix: row i of it sums to v_i . (v_1 + ... + v_n).
    total = vectors.sum(axis=0)
    row_sums = vectors @ total
    return int(np.argmax(row_sums)), float((row_sums.sum() - (vectors * vectors).sum()) / (n * (n - 1)))


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
        if embed:
            vectors = embed([u.text for u in claims])
            groups = _clusters(vectors, max_distance)
        else:
            # Without an encoder every claim is a key point of its own (no n x n matrix: a
            # thread can hold tens of thousands of claims).
            vectors = np.ones((len(claims), 1), dtype=np.float32)
            groups = [[i] for i in range(len(claims))]
        points = []
        for members in groups:
            rep_at, cohesion = _centre(vectors[members])
            rep = claims[members[rep_at]]
            comments = sorted({claims[i].post_id for i in members})
            people = sorted(
                {pid for c in comments for pid in author_ids(posts[c]) if not pid.startswith("participant:deleted:")}
            )
            split = Counter(stance.get(c, "neutral") for c in comments)
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
