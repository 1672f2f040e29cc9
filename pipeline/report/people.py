"""The report's view of the participant graph, computed from the graph stage's spill
(`pipeline.graph.people.People`) without building the graph.

The report needs three things of it: how many participants there are, the most central
ones (replies received, PageRank), and a small subgraph of the most active to draw. Built
as a networkx graph with every attribute, a million-post corpus's participant graph took
1.4 GB; here the graph is a sparse matrix of reply counts, and attributes are read only
for the few participants shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from pipeline.graph.build import PARTICIPANT_GRAPH
from pipeline.graph.people import People


@dataclass(frozen=True)
class ParticipantSummary:
    n_participants: int
    central: list[dict]
    figure: nx.DiGraph
    # Automated accounts, left out of `central` and `figure` (they stay in the graph files).
    n_bots: int = 0
    # Deleted authors' participants (one post each), left out the same way.
    n_deleted: int = 0


def pagerank(
    n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, alpha: float = 0.85, tol: float = 1e-6
) -> np.ndarray:
    """PageRank of a weighted directed graph given as edge arrays: networkx's power
    iteration (`nx.pagerank` with its defaults: uniform teleport, dangling nodes jump
    uniformly, converged when the L1 change is below n * tol), on a matrix instead of a
    graph of Python objects, which networkx would need for every node and edge."""
    if n == 0:
        return np.zeros(0)
    a = sp.csr_array((weight, (src, dst)), shape=(n, n))
    out = np.asarray(a.sum(axis=1)).ravel()
    dangling = out == 0
    scale = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    a = sp.diags_array(scale) @ a
    x = np.full(n, 1.0 / n)
    for _ in range(100):
        last = x
        x = alpha * (x @ a + x[dangling].sum() / n) + (1 - alpha) / n
        if np.abs(x - last).sum() < n * tol:
            return x
    raise nx.PowerIterationFailedConvergence(100)


def _top(people: People, keys: tuple[np.ndarray, ...], candidates: np.ndarray, k: int) -> list[tuple[str, int]]:
    """The ids and numbers of the `k` candidate nodes that sort first by `keys` (ascending), ties broken
    by id; only the nodes that can make the cut are looked up."""
    idx = np.flatnonzero(candidates)
    if len(idx) == 0 or k <= 0:
        return []
    order = idx[np.lexsort(tuple(key[idx] for key in reversed(keys)))]
    cut = tuple(key[order[min(k, len(order)) - 1]] for key in keys)
    # The first k in key order, and every node tied with the k-th on all keys: ids may
    # still give it the place.
    tied = np.ones(len(order), dtype=bool)
    for key, value in zip(keys, cut, strict=True):
        tied &= key[order] == value
    chosen = order[(np.arange(len(order)) < k) | tied]
    ids = people.node_ids(chosen)
    ranked = sorted(chosen, key=lambda i: (*(key[i] for key in keys), ids[int(i)]))
    return [(ids[int(i)], int(i)) for i in ranked[:k]]


def participant_summary(people: People, top: int = 10, figure_nodes: int = 60) -> ParticipantSummary:
    """The participant count, the `top` participants by replies received (then PageRank,
    then id) with their numbers, and the subgraph of the `figure_nodes` most active
    participants (replies given and received, then id) to draw."""
    n, src, dst, weight = people.reply_matrix()
    # Python's round, as the table shows it (numpy rounds half-way cases differently).
    rank = np.array([round(float(v), 4) for v in pagerank(n, src, dst, weight)])
    others = src != dst
    received = np.bincount(dst[others], weight[others], minlength=n)
    sent = np.bincount(src[others], weight[others], minlength=n)
    # A bot (AutoModerator answers in every thread) would head both lists without arguing;
    # a deleted author is one post by no known person (Reddit threads hold hundreds).
    person = np.ones(n, dtype=bool)
    bots, deleted = people.bot_numbers(), people.deleted_numbers()
    person[bots] = False
    person[deleted] = False
    central_top = _top(people, (-received, -rank), ((received > 0) | (sent > 0)) & person, top)
    # Weighted degree as networkx counts it (a self-reply adds to both directions).
    degree = np.bincount(src, weight, minlength=n) + np.bincount(dst, weight, minlength=n)
    figure_ids = sorted(pid for pid, _ in _top(people, (-degree,), (degree > 0) & person, figure_nodes))
    # Participants replied to but absent from the participant table have no attributes.
    records = {pid: (attrs, out) for pid, attrs, out in people.records([*figure_ids, *(p for p, _ in central_top)])}
    central = []
    for pid, i in central_top:
        attrs = records.get(pid, ({}, []))[0]
        central.append(
            {
                "participant": pid,
                "name": attrs.get("label", pid),
                "role": attrs.get("role", "unknown"),
                "main_stance": attrs.get("main_target_stance", "none"),
                "replies_received": int(received[i]),
                "replies_sent": int(sent[i]),
                "pagerank": float(rank[i]),
                "posts": attrs.get("n_posts", 0),
            }
        )
    g = nx.DiGraph(name=PARTICIPANT_GRAPH)
    keep = set(figure_ids)
    for pid in figure_ids:
        g.add_node(pid, **records.get(pid, ({}, []))[0])
    for pid in figure_ids:
        g.add_edges_from((pid, dst_id, attrs) for dst_id, attrs in records.get(pid, ({}, []))[1] if dst_id in keep)
    return ParticipantSummary(n, central, g, len(bots), len(deleted))


def pair_rows(people: People, stance: str, k: int) -> list[dict]:
    """The `k` participant pairs (replier, replied to) with the most replies of `stance`,
    then the most replies in all, then by id; with their names, roles and counts. Replies
    to oneself and automated accounts are left out."""
    rows = []
    for src, dst, n, total in people.top_pairs(stance, k):
        rows.append({"source": src, "target": dst, "n": n, "total": total})
    records = {
        pid: attrs for pid, attrs, _ in people.records({r["source"] for r in rows} | {r["target"] for r in rows})
    }
    for r in rows:
        for side in ("source", "target"):
            attrs = records.get(r[side], {})
            r[f"{side}_name"] = attrs.get("label", r[side])
            r[f"{side}_role"] = attrs.get("role", "unknown")
    return rows
