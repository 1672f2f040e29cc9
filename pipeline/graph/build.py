"""Stage 4a, graph: the reply/argument graph and the participant interaction graph.

Pure functions from the data model to NetworkX graphs; writing them is `export.py`'s job.
Nodes and edges are added in sorted order so exports are byte-identical between runs.

Reply/argument graph (MultiDiGraph), node `kind`:
  document, comment   posts, with author, created, text, lang and their stance labels
  unit                argumentative units, with unit_type, start/end offsets, target stance
  participant         authors, with their respondent role
  key_point           claims that say the same thing (pipeline.classify.keypoints), with their side
and edge `kind`:
  reply               comment -> the post it answers (reply_stance, confidence, evidence)
  contains            post -> unit
  authored            participant -> post
  support / attack    unit -> unit
  states              claim unit -> the key point it belongs to
Participant graph (DiGraph): an edge A -> B when A replied to B, weighted by the number
of replies, with counts per reply stance.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx

from pipeline.classify.predictions import Predictions
from pipeline.core.corpus import Corpus, author_ids
from pipeline.core.schema import Participant, Post, PostLabels, Prediction, Unit

REPLY_STANCES = ("support", "deny", "query", "comment")
CORPUS_GRAPH = "reply and argument graph"
PARTICIPANT_GRAPH = "participant interaction graph"


@dataclass(frozen=True)
class GraphInputs:
    corpus: Corpus
    units: list[Unit]
    predictions: Predictions


def _short(text: str, n: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def _pred_attrs(prefix: str, pred: Prediction | None) -> dict:
    if pred is None:
        return {}
    attrs = {prefix: pred.label, f"{prefix}_confidence": pred.confidence, f"{prefix}_source": pred.source}
    if pred.rule:
        attrs[f"{prefix}_rule"] = pred.rule
    if pred.cue:
        attrs[f"{prefix}_cue"] = pred.cue
    return attrs


def _post_label(post: Post) -> str:
    if post.kind == "document":
        return _short(post.title or post.text, 50)
    who = post.author or "[deleted]"
    return f"{who} ({post.created})" if post.created else who


def _evidence_text(post: Post) -> str:
    return " | ".join(f"{'*' if e.decided else ''}{e.rule}: {e.cue}" for e in post.parent_evidence)


def _by_id(records: list, in_place: bool) -> Iterator:
    """`records` by id; `in_place`: taken out of the list as they come, so that each is freed
    once used (the list is sorted in place from last to first and popped)."""
    if not in_place:
        yield from sorted(records, key=lambda r: r.id)
        return
    records.sort(key=lambda r: r.id, reverse=True)
    while records:
        yield records.pop()


def build_graph(
    inputs: GraphInputs, first_post: dict[str, str] | None = None, *, in_place: bool = False
) -> nx.MultiDiGraph:
    """The reply/argument graph of a corpus (or of some of its threads: `first_post` then
    gives every participant's first post date in the whole corpus). With `in_place` the
    caller hands the records over: the lists of posts, units, their labels, key points and
    relations are emptied as their records become nodes and edges, so that each record's
    memory goes to the graph made from it. A huge thread is one shard of the graph stage,
    and its records (800 MB for one of 50,000 posts) had all been held beside its whole
    graph (600 MB more)."""
    corpus, units, pred = inputs.corpus, inputs.units, inputs.predictions
    g = nx.MultiDiGraph(name=CORPUS_GRAPH)
    post_labels = {p.post_id: p for p in pred.posts}
    unit_labels = {u.unit_id: u for u in pred.units}
    if in_place:
        pred.posts.clear()
        pred.units.clear()
    take = post_labels.pop if in_place else post_labels.get
    take_unit = unit_labels.pop if in_place else unit_labels.get
    roles = {p.participant_id: p.role for p in pred.participants}
    first_post = first_post if first_post is not None else first_posts(corpus.posts)

    for part in sorted(corpus.participants, key=lambda p: p.id):
        attrs = {
            "kind": "participant",
            "label": part.name,
            "author": part.name,
            "first_post": first_post.get(part.id),
            "description": "; ".join(part.descriptions),
            "n_posts": len(part.post_ids),
            "thread_id": ";".join(part.thread_ids),
        }
        attrs.update(_pred_attrs("role", roles.get(part.id)))
        g.add_node(part.id, **attrs)

    # A post's node and its edges in one pass: each node's out-edges come in the same order
    # as from a pass for nodes and then one for edges (a reply's parent that comes later by
    # id is added bare by its edge and given its attributes when its turn comes).
    for post in _by_id(corpus.posts, in_place):
        author_pid = next(iter(author_ids(post)), None)
        attrs = {
            "kind": post.kind,
            "label": _post_label(post),
            "thread_id": post.thread_id,
            "title": post.title,
            "text": post.text,
            "lang": post.lang,
            "lang_confidence": post.lang_confidence,
            "author": post.author or "",
            "created": post.created or "",
            "position": post.position,
        }
        if author_pid in roles:
            attrs.update(_pred_attrs("role", roles[author_pid]))
        labels = take(post.id, None)
        if labels:
            attrs.update(_pred_attrs("target_stance", labels.target_stance))
            attrs.update(_pred_attrs("reply_stance", labels.reply_stance))
        g.add_node(post.id, **attrs)
        for pid in author_ids(post):
            if pid in g:
                g.add_edge(
                    pid, post.id, key=f"authored:{pid}->{post.id}", kind="authored", label="authored", confidence=1.0
                )
        if post.parent_id:
            reply = labels.reply_stance if labels else None
            g.add_edge(
                post.id,
                post.parent_id,
                key=f"reply:{post.id}->{post.parent_id}",
                kind="reply",
                label=reply.label if reply else "reply",
                reply_stance=reply.label if reply else "",
                confidence=reply.confidence if reply else 0.0,
                parent_confidence=post.parent_confidence or 0.0,
                evidence_rule=post.parent_rule or "",
                evidence=_evidence_text(post),
            )

    for unit in _by_id(units, in_place):
        attrs = {
            "kind": "unit",
            "label": _short(unit.text, 40),
            "thread_id": unit.thread_id,
            "post_id": unit.post_id,
            "field": unit.field,
            "text": unit.text,
            "start": unit.start,
            "end": unit.end,
        }
        attrs.update(_pred_attrs("unit_type", unit.unit_type))
        labels = take_unit(unit.id, None)
        attrs.update(_pred_attrs("target_stance", labels.target_stance if labels else None))
        g.add_node(unit.id, **attrs)
        g.add_edge(unit.post_id, unit.id, key=f"contains:{unit.id}", kind="contains", label="contains", confidence=1.0)
    for kp in _by_id(pred.key_points, in_place):
        g.add_node(
            kp.id,
            kind="key_point",
            label=_short(kp.text, 50),
            text=kp.text,
            thread_id=kp.thread_id,
            n_comments=kp.n_comments,
            n_participants=kp.n_participants,
            side=kp.side,
            favor=kp.stance.get("favor", 0),
            against=kp.stance.get("against", 0),
            neutral=kp.stance.get("neutral", 0),
            cohesion=kp.cohesion,
            # GEXF colours nodes by target stance: a key point takes its side's colour.
            target_stance=kp.side if kp.side != "contested" else "mixed",
        )
        for uid in kp.unit_ids:
            g.add_edge(uid, kp.id, key=f"states:{uid}->{kp.id}", kind="states", label="states", confidence=1.0)
    for rel in _by_id(pred.relations, in_place):
        g.add_edge(
            rel.source_id,
            rel.target_id,
            key=f"{rel.kind}:{rel.id}",
            kind=rel.kind,
            label=rel.kind,
            confidence=rel.confidence,
            origin=rel.origin,
            evidence=rel.evidence,
        )
    return g


def thread_members(g: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Every thread's nodes (posts, units, key points and the participants who wrote in
    it), sorted, from one pass over the nodes (not one pass per thread)."""
    members: dict[str, list[str]] = defaultdict(list)
    for n, d in g.nodes(data=True):
        for tid in str(d.get("thread_id", "")).split(";"):
            if tid:
                members[tid].append(n)
    return {tid: sorted(nodes) for tid, nodes in sorted(members.items())}


def thread_subgraphs(g: nx.MultiDiGraph) -> dict[str, nx.MultiDiGraph]:
    """Every thread's subgraph (see `thread_members`)."""
    from pipeline.graph.graphml import ordered_subgraph

    return {tid: ordered_subgraph(g, nodes) for tid, nodes in thread_members(g).items()}


@dataclass
class ParticipantCounts:
    """What the participant graph counts over posts; summed over thread shards."""

    stances: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    replies: dict[tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, posts: list[Post], post_labels: dict[str, PostLabels]) -> ParticipantCounts:
        """Count `posts` (whole threads: a reply's parent is among them, or missing)."""
        by_id = {p.id: p for p in posts}
        for post in posts:
            labels = post_labels.get(post.id)
            for pid in author_ids(post):
                if labels:
                    self.stances[pid][labels.target_stance.label] += 1
            if not post.parent_id or post.parent_id not in by_id:
                continue
            stance = labels.reply_stance.label if labels and labels.reply_stance else "comment"
            for src in author_ids(post):
                # An article without a known author has no one to reply to.
                for dst in author_ids(by_id[post.parent_id]):
                    self.replies[(src, dst)][stance] += 1
        return self

    def merge(self, other: ParticipantCounts) -> None:
        for pid, c in other.stances.items():
            self.stances[pid].update(c)
        for pair, c in other.replies.items():
            self.replies[pair].update(c)


def participant_node(part: Participant, role: Prediction | None, first_post: str | None, stances: Counter) -> dict:
    """A participant graph node's attributes: who, since when, how often, with which stances."""
    attrs = {
        "kind": "participant",
        "label": part.name,
        "first_post": first_post,
        "description": "; ".join(part.descriptions),
        "n_posts": len(part.post_ids),
        "thread_id": ";".join(part.thread_ids),
        "favor": stances["favor"],
        "against": stances["against"],
        "neutral": stances["neutral"],
        "main_target_stance": _main_stance(stances),
    }
    attrs.update(_pred_attrs("role", role))
    return attrs


def reply_edge(stances: Counter) -> dict:
    """A participant graph edge's attributes from the reply stances of A's replies to B."""
    return {
        "kind": "replies_to",
        "weight": float(sum(stances.values())),
        **{f"n_{s}": stances[s] for s in REPLY_STANCES},
    }


def participant_graph(
    participants: list[Participant],
    roles: dict[str, Prediction],
    first_post: dict[str, str],
    counts: ParticipantCounts,
) -> nx.DiGraph:
    """Who replies to whom, weighted by the number of replies, with stance counts."""
    g = nx.DiGraph(name=PARTICIPANT_GRAPH)
    for part in sorted(participants, key=lambda p: p.id):
        stances = counts.stances.get(part.id, Counter())
        g.add_node(part.id, **participant_node(part, roles.get(part.id), first_post.get(part.id), stances))
    for (src, dst), c in sorted(counts.replies.items()):
        g.add_edge(src, dst, **reply_edge(c))
    return g


def build_participant_graph(inputs: GraphInputs) -> nx.DiGraph:
    """Who replies to whom in an in-memory corpus (see `participant_graph`)."""
    corpus, pred = inputs.corpus, inputs.predictions
    counts = ParticipantCounts().add(corpus.posts, {p.post_id: p for p in pred.posts})
    roles = {p.participant_id: p.role for p in pred.participants}
    return participant_graph(corpus.participants, roles, first_posts(corpus.posts), counts)


def first_posts(posts: Iterable[Post], first: dict[str, str] | None = None) -> dict[str, str]:
    """Each participant's earliest post date (where the corpus has dates); `first`: the
    dates found so far, updated in place."""
    first = {} if first is None else first
    for post in posts:
        if post.created:
            for pid in author_ids(post):
                first[pid] = min(first.get(pid, post.created), post.created)
    return first


def _main_stance(counts: Counter) -> str:
    """The participant's most frequent target stance; "mixed" when two tie for first."""
    if not counts:
        return "none"
    (top, n), *rest = counts.most_common()
    return "mixed" if rest and rest[0][1] == n else top
