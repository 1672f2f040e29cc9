"""The report's numbers: every number of the report, computed from the pipeline's outputs only
(corpus, segments, predictions) by the functions below, which the tests check against the
seed outputs; figures.py draws them and render.py lays them out."""

from __future__ import annotations

import logging
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from pipeline.classify.claims import main_claims
from pipeline.classify.insample import InSample
from pipeline.classify.predictions import Predictions
from pipeline.core.artifacts import read_json
from pipeline.core.config import ReportConfig, load_config
from pipeline.core.corpus import Corpus, author_ids, notes_summary, read_notes, reply_depths, threads_by_id
from pipeline.core.schema import KeyPoint, Note, Participant, ParticipantLabels, Post, PostLabels, Unit
from pipeline.core.tables import iter_records, stage_file
from pipeline.graph.build import ParticipantCounts
from pipeline.graph.people import People
from pipeline.models.card import card_warnings
from pipeline.report import DEFAULT_NAME
from pipeline.report.people import pair_rows, participant_summary

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
STANCES = ("favor", "against", "neutral")
REPLY_STANCES = ("support", "deny", "query", "comment")
# Rows of the "who argues against whom" tables: role pairs, and participant pairs per side.
ROLE_PAIR_ROWS = 15
PARTICIPANT_PAIR_ROWS = 10


@dataclass
class ReportData:
    name: str
    threads: list[dict]
    stance_by_role: dict[str, dict[str, int]]
    # Rows "1", "2", ..., with the deeper replies pooled as "10+" (DEPTH_ROWS).
    reply_by_depth: dict[str, dict[str, int]]
    central: list[dict]
    claims: dict[str, list[dict]]
    provenance: list[dict]
    totals: dict[str, int]
    in_sample_note: str | None
    key_points: dict[str, list[KeyPoint]]
    key_point_note: str
    # What the bounded report leaves out, said in the report (None: nothing).
    threads_note: str | None = None
    trees: list[str] = field(default_factory=list)
    trees_note: str | None = None
    # The most active participants' reply graph, drawn as the participants figure.
    participant_figure: nx.DiGraph | None = None
    # The pipeline's labels against gold labels the corpus itself carries (`gold_table`).
    gold: list[dict] = field(default_factory=list)
    # What ingest repaired, inferred or noted, grouped (`notes_summary`).
    data_notes: list[dict] = field(default_factory=list)
    # Who argues against whom: reply stance between roles, and the participant pairs with
    # the most denying and the most supporting replies (`People.top_pairs`).
    role_replies: list[dict] = field(default_factory=list)
    opposed: list[dict] = field(default_factory=list)
    allied: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        """ "Debate report: seeds" after the report's name; plainly "Debate report" under the
        default name."""
        return "Debate report" if self.name == DEFAULT_NAME else f"Debate report: {self.name}"


def roles_by_participant(pred: Predictions) -> dict[str, str]:
    return {p.participant_id: p.role.label for p in pred.participants}


def post_role(post: Post, roles: dict[str, str]) -> str:
    ids = author_ids(post)
    return roles.get(ids[0], "unknown") if ids else "unknown"


def thread_table(corpus: Corpus, units: list[Unit]) -> list[dict]:
    rows = []
    by_thread = corpus.posts_by_thread()
    units_of: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        units_of[u.thread_id].append(u)
    for t in corpus.threads:
        posts = by_thread.get(t.id, [])
        tunits = units_of[t.id]
        authors = {pid for p in posts for pid in author_ids(p)}
        rows.append(
            {
                "id": t.id,
                "title": t.title,
                # Tweets, chat messages and comments have no headline: the statement the
                # thread debates (its target) tells a reader which thread this is.
                "heading": t.title or textwrap.shorten(t.target, 90, placeholder=" …"),
                "kind": t.kind,
                "lang": t.lang,
                "site": t.site or "",
                "date": t.created or "",
                "comments": t.n_comments,
                "participants": len(authors),
                "units": len(tunits),
                "claims": sum(u.unit_type.label == "claim" for u in tunits),
                "premises": sum(u.unit_type.label == "premise" for u in tunits),
                "target": t.target,
            }
        )
    return rows


def stance_by_role(corpus: Corpus, pred: Predictions) -> dict[str, dict[str, int]]:
    """Target stance of comments (roots excluded: they state the target) by the author's role."""
    roles = roles_by_participant(pred)
    posts = corpus.posts_by_id()
    table: dict[str, Counter] = defaultdict(Counter)
    for pl in pred.posts:
        post = posts[pl.post_id]
        if post.parent_id is None:
            continue
        table[post_role(post, roles)][pl.target_stance.label] += 1
    return {
        role: {s: table[role][s] for s in STANCES} for role in sorted(table, key=lambda r: (-sum(table[r].values()), r))
    }


def replies_between_roles(corpus: Corpus, pred: Predictions) -> dict[tuple[str, str], Counter]:
    """Reply stance of comments by the replier's role and the role of the author replied to
    (the article's author too). Comments without a person's text (deleted, bots) are left
    out: their stance is a default, not something said."""
    roles = roles_by_participant(pred)
    posts = corpus.posts_by_id()
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for pl in pred.posts:
        post = posts[pl.post_id]
        parent = posts.get(post.parent_id) if post.parent_id else None
        if pl.reply_stance is None or parent is None or not post.has_voice:
            continue
        table[(post_role(post, roles), post_role(parent, roles))][pl.reply_stance.label] += 1
    return table


def role_reply_rows(table: dict[tuple[str, str], Counter], n: int = ROLE_PAIR_ROWS) -> list[dict]:
    """The `n` role pairs with the most replies (then the most denials, then by name)."""
    rows = [
        {"from": a, "to": b, **{s: c[s] for s in REPLY_STANCES}, "total": sum(c[s] for s in REPLY_STANCES)}
        for (a, b), c in table.items()
    ]
    return sorted(rows, key=lambda r: (-r["total"], -r["deny"], r["from"], r["to"]))[:n]


# Deeper replies are pooled in one row: a long reply chain would otherwise give the table and
# the figure a row and a bar per level (thousands in a Reddit "counting" thread).
DEPTH_ROWS = 10


def depth_label(depth: int) -> str:
    return str(depth) if depth < DEPTH_ROWS else f"{DEPTH_ROWS}+"


def reply_by_depth(corpus: Corpus, pred: Predictions) -> dict[int, dict[str, int]]:
    """Reply stance by depth in the reply tree (1: replies to the root, 2: replies to those, ...)."""
    depths = reply_depths(corpus.posts_by_id())
    table: dict[int, Counter] = defaultdict(Counter)
    for pl in pred.posts:
        if pl.reply_stance is not None:
            table[depths[pl.post_id][0]][pl.reply_stance.label] += 1
    return {d: {s: table[d][s] for s in REPLY_STANCES} for d in sorted(table)}


def claims_for_and_against(
    corpus: Corpus, units: list[Unit], pred: Predictions, per_side: int = 8
) -> dict[str, list[dict]]:
    """Each comment's main claim, grouped by the comment's target stance, most confident first."""
    posts = corpus.posts_by_id()
    roles = roles_by_participant(pred)
    mains = main_claims(units)
    out: dict[str, list[dict]] = {"favor": [], "against": []}
    for pl in pred.posts:
        post = posts[pl.post_id]
        stance = pl.target_stance.label
        if post.parent_id is None or stance not in out or post.id not in mains:
            continue
        u = mains[post.id]
        out[stance].append(
            {
                "claim": u.text,
                "unit_id": u.id,
                "comment_id": post.id,
                "author": post.author or "[deleted]",
                "role": post_role(post, roles),
                "created": post.created or "",
                "stance_confidence": pl.target_stance.confidence,
                "claim_confidence": u.unit_type.confidence,
            }
        )
    for side in out:
        out[side].sort(key=lambda r: (-r["stance_confidence"], -r["claim_confidence"], r["comment_id"]))
        out[side] = out[side][:per_side]
    return out


def group_range_text(spread: dict | None) -> str:
    """The worst and best held-out group of a model's cross-validation, as the report says it."""
    if not spread:
        return ""
    lo, hi = spread["lowest"], spread["highest"]
    return (
        f"by group from {lo['macro_f1']:.3f} on {lo['group']} ({lo['n']} items) "
        f"to {hi['macro_f1']:.3f} on {hi['group']} ({hi['n']})"
    )


def provenance_table(provenance: dict) -> list[dict]:
    rows = []
    for task, card in provenance.get("models", {}).items():
        decided = provenance.get("decided_by", {}).get(task, {})
        row = {"task": task, "decided_by": decided, "model": None}
        if card:
            row["model"] = {
                k: card.get(k)
                for k in (
                    "name",
                    "backend",
                    "encoder_features",
                    "training_items",
                    "training_data",
                    "cv_grouping",
                    "cv_folds",
                    "cv_macro_f1_mean",
                    "cv_macro_f1_std",
                    "cv_group_range",
                    "trained_at",
                )
            }
            row["model"]["cv_group_text"] = group_range_text(card.get("cv_group_range"))
            # What `train` warned of (too few items of a label, no better than the baselines)
            # belongs beside the labels, not only in the model card.
            row["model"]["warnings"] = card_warnings(card.get("notes", []))
        rows.append(row)
    return rows


def gold_table(provenance: dict) -> list[dict]:
    """One row per task whose gold labels the corpus carries (a labelled thread file, a
    DAST file): the final labels' macro-F1 and accuracy against them, on the items no model
    saw in training, and apart, on those it saw (in-sample)."""
    rows = []
    for task, g in sorted((provenance.get("gold_agreement") or {}).items()):
        held, seen = g.get("held_out"), g.get("in_training_data")
        rows.append(
            {
                "task": task,
                "n_items": g["n_items"],
                "held_out": {k: held[k] for k in ("n", "macro_f1", "accuracy")} if held else None,
                "in_sample": {k: seen[k] for k in ("n", "macro_f1", "accuracy")} if seen else None,
            }
        )
    return rows


IN_SAMPLE_UNITS = {
    "unit_type": "units",
    "target_stance": "comments",
    "reply_stance": "comments",
    "role": "participants",
}


def in_sample_note(in_sample: dict[str, dict[str, int]]) -> str | None:
    """A warning naming how many items each model had already seen in training, or None
    when no text of this corpus was in any model's training data."""
    parts = [
        f"{c['in_training_data']} of {c['items']} {IN_SAMPLE_UNITS.get(task, 'items')} ({task})"
        for task, c in sorted(in_sample.items())
        if c.get("in_training_data")
    ]
    if not parts:
        return None
    return (
        "Some texts of this corpus were in the training data of the model that labelled them (matched by text "
        f'hash, texts of at least {InSample.MIN_CHARS} characters: shorter ones such as "Enig." recur in any '
        f"corpus): {'; '.join(parts)}. Their labels are in-sample and look better than they would on new threads; "
        "the cross-validated scores below are the honest estimate."
    )


# What the report leaves out of the key points, so that a side shown as "none" is not read
# as "no key points at all".
KEY_POINTS_PER_SIDE = 8
KEY_POINTS_SHOWN = (
    f" Up to {KEY_POINTS_PER_SIDE} per side, most participants first; key points whose comments are all neutral "
    "toward the target are left out (data/processed/predictions/key_points.jsonl lists every key point)."
)


def key_points_by_side(points: list[KeyPoint], per_side: int = KEY_POINTS_PER_SIDE) -> dict[str, list[KeyPoint]]:
    """The largest key points of each side (favor, against, contested), most participants first."""
    out: dict[str, list[KeyPoint]] = {"favor": [], "against": [], "contested": []}
    for k in sorted(points, key=lambda k: (-k.n_participants, -k.n_comments, k.id)):
        if k.side in out and len(out[k.side]) < per_side:
            out[k.side].append(k)
    return out


def key_point_note(provenance: dict) -> str:
    kp = provenance.get("key_points") or {}
    if not kp.get("encoder"):
        return "No encoder was available: each quotable claim is a key point of its own (not grouped)." + (
            KEY_POINTS_SHOWN
        )
    return (
        f"{kp['claims']} quotable claims of comments (no questions, no verdicts of under four words, no retorts "
        "of function words alone, no lead-ins ending in a colon, no bare verdicts such as 'Jeg er helt enig' "
        "or 'Det passer ikke', no praise of the piece alone such as 'Fin og tankevækkende artikel', no quoted "
        "text), grouped per "
        f"thread into {kp['key_points']} key points by meaning (encoder {kp['encoder']}, cosine distance under "
        f"{kp['max_distance']}); each shown by its most central claim, "
        "with how many comments and participants make it and their stance toward their own thread's target."
        + KEY_POINTS_SHOWN
    )


def _rank(thread: dict, denies: Counter) -> tuple[int, int, str]:
    """A thread row's place among threads to draw: most replies denying their parent (the
    most contested) first, then the largest."""
    return (-denies[thread["id"]], -thread["comments"], thread["id"])


def _ranked_threads(threads: list[dict], denies: Counter, n: int) -> list[str]:
    """The `n` threads with comments that rank first (`_rank`); in corpus order."""
    ranked = sorted((t for t in threads if t["comments"]), key=lambda t: _rank(t, denies))
    chosen = {t["id"] for t in ranked[:n]}
    return [t["id"] for t in threads if t["id"] in chosen]


def contested_threads(corpus: Corpus, pred: Predictions, n: int) -> list[str]:
    """The `n` most contested threads of an in-memory corpus (see `_ranked_threads`)."""
    denies: Counter = Counter(
        pl.thread_id for pl in pred.posts if pl.reply_stance is not None and pl.reply_stance.label == "deny"
    )
    return _ranked_threads([{"id": t.id, "comments": t.n_comments} for t in corpus.threads], denies, n)


def _pooled_depths(by_depth: dict[int, Counter]) -> dict[str, dict[str, int]]:
    rows: dict[str, Counter] = defaultdict(Counter)
    for d in sorted(by_depth):
        rows[depth_label(d)].update(by_depth[d])
    return {label: {s: row[s] for s in REPLY_STANCES} for label, row in rows.items()}


@dataclass
class _Parts:
    """The report's numbers summed over thread shards (tables grow with threads, not posts;
    lists of examples keep only their top rows)."""

    threads: list[dict] = field(default_factory=list)
    by_role: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_depth: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    claims: dict[str, list[dict]] = field(default_factory=lambda: {"favor": [], "against": []})
    key_points: list[KeyPoint] = field(default_factory=list)
    counts: ParticipantCounts = field(default_factory=ParticipantCounts)
    denies: Counter = field(default_factory=Counter)
    totals: Counter = field(default_factory=Counter)
    role_replies: dict[tuple[str, str], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, corpus: Corpus, units: list[Unit], pred: Predictions) -> None:
        """Add whole threads (`pred.participants`: the roles of every participant)."""
        self.threads.extend(thread_table(corpus, units))
        for role, row in stance_by_role(corpus, pred).items():
            self.by_role[role].update(row)
        for depth, row in reply_by_depth(corpus, pred).items():
            self.by_depth[depth].update(row)
        for pair, row in replies_between_roles(corpus, pred).items():
            self.role_replies[pair].update(row)
        for side, rows in claims_for_and_against(corpus, units, pred).items():
            self.claims[side] = _top_claims(self.claims[side] + rows)
        top = key_points_by_side(self.key_points + list(pred.key_points))
        self.key_points = [k for side in top.values() for k in side]
        self.counts.add(corpus.posts, {p.post_id: p for p in pred.posts})
        self.denies.update(
            pl.thread_id for pl in pred.posts if pl.reply_stance is not None and pl.reply_stance.label == "deny"
        )
        self.totals.update(
            posts=len(corpus.posts),
            comments=sum(p.parent_id is not None for p in corpus.posts),
            silent=sum(p.parent_id is not None and not p.has_voice for p in corpus.posts),
            units=len(units),
            relations=len(pred.relations),
        )

    def finish(
        self, name: str, people: People, provenance: dict, limits: ReportConfig, notes: list[Note] | None = None
    ) -> ReportData:
        """The report's data, given every participant and the counts in `people`, and
        ingest's `notes`."""
        summary = participant_summary(people, figure_nodes=limits.max_participants)
        threads = self.threads
        threads_note = None
        if len(threads) > limits.max_thread_rows:
            top = sorted(threads, key=lambda t: (-t["comments"], t["id"]))[: limits.max_thread_rows]
            keep = {t["id"] for t in top}
            threads = [t for t in threads if t["id"] in keep]
            threads_note = (
                f"The {limits.max_thread_rows} threads with the most comments of {len(self.threads)}; every thread "
                "is in data/processed/graphs/threads/index.csv and the node and edge tables."
            )
        with_comments = sum(1 for t in self.threads if t["comments"])
        trees = _ranked_threads(self.threads, self.denies, limits.max_trees)
        trees_note = (
            f"Reply trees of the {len(trees)} most contested threads (most replies that deny their parent) of "
            f"{with_comments} with comments; each thread's graph is in data/processed/graphs/threads/."
            if with_comments > len(trees)
            else None
        )
        by_role = {
            role: {s: self.by_role[role][s] for s in STANCES}
            for role in sorted(self.by_role, key=lambda r: (-sum(self.by_role[r].values()), r))
        }
        totals = {
            "threads": len(self.threads),
            "posts": self.totals["posts"],
            "comments": self.totals["comments"],
            "silent": self.totals["silent"],
            "participants": summary.n_participants,
            "bots": summary.n_bots,
            "deleted": summary.n_deleted,
            "units": self.totals["units"],
            "relations": self.totals["relations"],
        }
        return ReportData(
            name,
            threads,
            by_role,
            _pooled_depths(self.by_depth),
            summary.central,
            self.claims,
            provenance_table(provenance),
            totals,
            in_sample_note(provenance.get("in_sample", {})),
            key_points_by_side(self.key_points),
            key_point_note(provenance),
            threads_note,
            trees,
            trees_note,
            summary.figure,
            gold_table(provenance),
            notes_summary(notes or []),
            role_reply_rows(self.role_replies),
            pair_rows(people, "deny", PARTICIPANT_PAIR_ROWS),
            pair_rows(people, "support", PARTICIPANT_PAIR_ROWS),
        )


def _top_claims(rows: list[dict], per_side: int = 8) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["stance_confidence"], -r["claim_confidence"], r["comment_id"]))[:per_side]


def build_report_data(
    name: str, corpus: Corpus, units: list[Unit], pred: Predictions, limits: ReportConfig | None = None
) -> ReportData:
    """Everything the report shows about an in-memory corpus; `limits` bound its size
    (default: the config's [report]). `report_data_from_files` streams stage folders."""
    parts = _Parts()
    parts.add(corpus, units, pred)
    with People() as people:
        people.load(corpus.participants, pred.participants, corpus.posts)
        people.add_counts(parts.counts)
        return parts.finish(name, people, pred.provenance, limits or load_config().report, corpus.notes)


def report_data_from_files(
    name: str, corpus_dir: Path, segments_dir: Path, predictions_dir: Path, limits: ReportConfig, shard_posts: int
) -> tuple[ReportData, dict[str, list[Post]], Predictions]:
    """The report's data from stage folders, a thread shard at a time; with the posts and
    labels of the threads whose reply trees it draws."""
    from pipeline.classify.records import thread_records
    from pipeline.core.stream import shards

    corpus_dir, predictions_dir = Path(corpus_dir), Path(predictions_dir)
    threads = threads_by_id(corpus_dir)
    provenance_file = predictions_dir / "provenance.json"
    provenance = read_json(provenance_file) if provenance_file.exists() else {}

    def shard_inputs(people: People) -> Iterator[tuple[Corpus, list[Unit], Predictions]]:
        items = thread_records(corpus_dir, Path(segments_dir), predictions_dir)
        for shard in shards(items, shard_posts, lambda t: len(t[0])):
            posts = [p for t in shard for p in t[0]]
            corpus = Corpus([threads[t[0][0].thread_id] for t in shard], posts, [])
            units = [u for t in shard for u in t[1]]
            labels, unit_labels, rels, points = ([x for t in shard for x in t[k]] for k in range(2, 6))
            # Only this shard's people, looked up in the spill: the report holds no participant table.
            _, shard_roles, _ = people.lookup(pid for p in posts for pid in author_ids(p))
            yield corpus, units, Predictions(labels, unit_labels, shard_roles, rels, provenance, points)

    parts = _Parts()
    # The threads whose reply trees are drawn, as far as the shards read so far tell, with
    # their posts and post labels: a thread's rank (`_ranked_threads`) depends on that
    # thread alone, so the final few are among these, and no second pass is needed.
    candidates: list[tuple[tuple, list[Post], list[PostLabels]]] = []
    # Participants, roles, first post dates and the reply counts wait in a spill until the
    # participant graph is built (pipeline.graph.people, as the graph stage does).
    with People() as people:
        people.load(
            iter_records(stage_file(corpus_dir, "participants"), Participant),
            iter_records(stage_file(predictions_dir, "participants"), ParticipantLabels),
        )
        for corpus, units, pred in shard_inputs(people):
            known = len(parts.threads)
            parts.add(corpus, units, pred)
            people.add_posts(corpus.posts)
            people.add_counts(parts.counts)
            parts.counts = ParticipantCounts()
            ranked = [t for t in parts.threads[known:] if t["comments"]]
            if ranked:
                posts_of, labels_of = corpus.posts_by_thread(), defaultdict(list)
                for pl in pred.posts:
                    labels_of[pl.thread_id].append(pl)
                candidates += [(_rank(t, parts.denies), posts_of[t["id"]], labels_of[t["id"]]) for t in ranked]
                candidates = sorted(candidates, key=lambda c: c[0])[: limits.max_trees]
        data = parts.finish(name, people, provenance, limits, read_notes(corpus_dir))
        tree_posts = {c[0][2]: sorted(c[1], key=lambda p: p.position) for c in candidates}
        assert set(tree_posts) == set(data.trees), "the tree candidates disagree with the thread ranking"
        tree_labels = [pl for c in candidates for pl in c[2]]
        _, tree_roles, _ = people.lookup(pid for ps in tree_posts.values() for p in ps for pid in author_ids(p))
    return data, tree_posts, Predictions(tree_labels, [], tree_roles, [], provenance, [])
