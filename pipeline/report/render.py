"""Stage 6, report: the picture of the debate, from the pipeline's outputs only.

Input:  data/interim/corpus/, data/interim/segments/, data/processed/predictions/
Output: data/reports/<name>.html (self-contained: figures embedded), <name>.md, figures/*.png

Every number is computed here from those outputs by the functions below (which the tests
check against the seed outputs); the templates only lay them out.
"""

from __future__ import annotations

import base64
import logging
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import networkx as nx

from pipeline.classify.claims import main_claims
from pipeline.classify.insample import InSample
from pipeline.classify.predictions import Predictions
from pipeline.core.artifacts import atomic_dir, read_json, safe_filename, write_text
from pipeline.core.config import ReportConfig, load_config
from pipeline.core.corpus import Corpus, author_ids, notes_summary, read_notes, reply_depths
from pipeline.core.lineage import write_manifest
from pipeline.core.schema import KeyPoint, Note, Participant, ParticipantLabels, Post, PostLabels, Thread, Unit
from pipeline.core.tables import iter_records, stage_file
from pipeline.executors.local import alongside
from pipeline.graph.build import ParticipantCounts
from pipeline.graph.people import People
from pipeline.report.people import participant_summary

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
STANCES = ("favor", "against", "neutral")
REPLY_STANCES = ("support", "deny", "query", "comment")
STANCE_COLORS = {"favor": "#2e8b57", "against": "#c83737", "neutral": "#969696", "mixed": "#9b59b6", "none": "#5a78c8"}
REPLY_COLORS = {"support": "#2e8b57", "deny": "#c83737", "query": "#e6a117", "comment": "#969696"}
ROLE_MARKERS = {
    "social_worker": "o",
    "union": "s",
    "employer": "P",
    "politician": "^",
    "journalist": "D",
    "researcher": "v",
    "student": "<",
    "citizen": "h",
    "organization": "X",
    "unknown": "8",
}


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


def _roles(pred: Predictions) -> dict[str, str]:
    return {p.participant_id: p.role.label for p in pred.participants}


def _post_role(post: Post, roles: dict[str, str]) -> str:
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
    roles = _roles(pred)
    posts = corpus.posts_by_id()
    table: dict[str, Counter] = defaultdict(Counter)
    for pl in pred.posts:
        post = posts[pl.post_id]
        if post.parent_id is None:
            continue
        table[_post_role(post, roles)][pl.target_stance.label] += 1
    return {
        role: {s: table[role][s] for s in STANCES} for role in sorted(table, key=lambda r: (-sum(table[r].values()), r))
    }


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
    roles = _roles(pred)
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
                "role": _post_role(post, roles),
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


def key_points_by_side(points: list[KeyPoint], per_side: int = 8) -> dict[str, list[KeyPoint]]:
    """The largest key points of each side (favor, against, contested), most participants first."""
    out: dict[str, list[KeyPoint]] = {"favor": [], "against": [], "contested": []}
    for k in sorted(points, key=lambda k: (-k.n_participants, -k.n_comments, k.id)):
        if k.side in out and len(out[k.side]) < per_side:
            out[k.side].append(k)
    return out


def key_point_note(provenance: dict) -> str:
    kp = provenance.get("key_points") or {}
    if not kp.get("encoder"):
        return "No encoder was available: each quotable claim is a key point of its own (not grouped)."
    return (
        f"{kp['claims']} quotable claims of comments (no questions, no verdicts of under four words, no retorts "
        "of function words alone, no lead-ins ending in a colon, no bare verdicts such as 'Jeg er helt enig' "
        "or 'Det passer ikke', no quoted text), grouped per "
        f"thread into {kp['key_points']} key points by meaning (encoder {kp['encoder']}, cosine distance under "
        f"{kp['max_distance']}); each shown by its most central claim, "
        "with how many comments and participants make it and their stance toward their own thread's target."
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

    def add(self, corpus: Corpus, units: list[Unit], pred: Predictions) -> None:
        """Add whole threads (`pred.participants`: the roles of every participant)."""
        self.threads.extend(thread_table(corpus, units))
        for role, row in stance_by_role(corpus, pred).items():
            self.by_role[role].update(row)
        for depth, row in reply_by_depth(corpus, pred).items():
            self.by_depth[depth].update(row)
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
    threads = {t.id: t for t in iter_records(stage_file(corpus_dir, "threads"), Thread)}
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


# --- figures ---------------------------------------------------------------------------


def _plt():
    import warnings

    import matplotlib

    # Emoji and control characters from input have no glyph in the bundled font: they
    # are drawn as boxes, which is all a figure label needs.
    warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # text.parse_math off: names and titles come from input, and "$...$" in them must be
    # drawn as written, not read as TeX (which fails on unbalanced "$").
    plt.rcParams.update(
        {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "pipeline", "text.parse_math": False}
    )
    return plt


def _save(fig, path: Path) -> None:
    # No "Software"/date metadata: the same data gives the same bytes.
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    fig.clf()


def fig_stance_by_role(data: ReportData, path: Path) -> None:
    plt = _plt()
    roles = list(data.stance_by_role)
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * max(len(roles), 2) + 1))
    left = [0] * len(roles)
    for s in STANCES:
        vals = [data.stance_by_role[r][s] for r in roles]
        ax.barh(roles, vals, left=left, color=STANCE_COLORS[s], label=s)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("comments")
    ax.set_title("Target stance of comments by respondent role")
    ax.legend(loc="lower right", frameon=False)
    _save(fig, path)
    plt.close(fig)


def fig_reply_depth(data: ReportData, path: Path) -> None:
    plt = _plt()
    depths = list(data.reply_by_depth)
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    bottom = [0] * len(depths)
    for s in REPLY_STANCES:
        vals = [data.reply_by_depth[d][s] for d in depths]
        ax.bar(range(len(depths)), vals, bottom=bottom, color=REPLY_COLORS[s], label=s)
        bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
    ax.set_xticks(range(len(depths)), depths)
    ax.set_xlabel("depth in the reply tree (1 = replies to the article)")
    ax.set_ylabel("replies")
    ax.set_title("Reply stance along the reply tree")
    ax.legend(frameon=False, ncol=4, loc="upper right")
    _save(fig, path)
    plt.close(fig)


def _tree_layout(posts: list[Post]) -> dict[str, tuple[float, float]]:
    """Root on the left, each reply one column to the right of its parent, comments in time order."""
    by_id = {p.id: p for p in posts}
    children: dict[str, list[str]] = defaultdict(list)
    for p in posts:
        if p.parent_id:
            children[p.parent_id].append(p.id)
    pos: dict[str, tuple[float, float]] = {}
    row = [0]

    def place(node: str, depth: int) -> None:
        pos[node] = (depth, -row[0])
        row[0] += 1
        for c in sorted(children[node], key=lambda i: by_id[i].position):
            place(c, depth + 1)

    for root in [p for p in posts if p.parent_id is None]:
        place(root.id, 0)
    return pos


MAX_TREE_POSTS = 60


def fig_reply_tree(pred: Predictions, thread_id: str, posts: list[Post], path: Path) -> None:
    """One thread's reply tree; `posts` are the thread's posts in position order. A thread
    longer than MAX_TREE_POSTS is drawn up to its MAX_TREE_POSTS-th post (a taller figure
    cannot be read), and the title says so."""
    plt = _plt()
    n_all = len(posts)
    if n_all > MAX_TREE_POSTS:
        kept: set[str] = set()
        for p in posts:
            if len(kept) == MAX_TREE_POSTS:
                break
            if p.parent_id is None or p.parent_id in kept:
                kept.add(p.id)
        posts = [p for p in posts if p.id in kept]
    labels = {p.post_id: p for p in pred.posts}
    roles = _roles(pred)
    pos = _tree_layout(posts)
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(posts) + 1))
    for p in posts:
        if p.parent_id:
            (x0, y0), (x1, y1) = pos[p.parent_id], pos[p.id]
            stance = labels[p.id].reply_stance.label if labels[p.id].reply_stance else "comment"
            ax.plot([x0, x0, x1], [y0, y1, y1], color=REPLY_COLORS[stance], lw=1.6, zorder=1)
    for p in posts:
        x, y = pos[p.id]
        role = _post_role(p, roles)
        color = STANCE_COLORS.get(labels[p.id].target_stance.label, STANCE_COLORS["none"])
        ax.scatter([x], [y], s=90, marker=ROLE_MARKERS.get(role, "o"), color=color, edgecolor="black", lw=0.5, zorder=2)
        name = (p.title or "article")[:40] if p.parent_id is None else f"{p.author or '[deleted]'} ({p.created or ''})"
        ax.annotate(name, (x, y), xytext=(8, -3), textcoords="offset points", fontsize=8)
    ax.set_axis_off()
    shown = f"{thread_id}" if n_all == len(posts) else f"{thread_id}: first {len(posts)} of {n_all} posts"
    ax.set_title(f"Reply tree: node colour = target stance, edge colour = reply stance, shape = role\n{shown}")
    _legend(ax, plt, {_post_role(p, roles) for p in posts}, with_edges=True)
    _save(fig, path)
    plt.close(fig)


def _legend(ax, plt, roles: set[str], with_edges: bool) -> None:
    handles = [plt.Line2D([], [], color=c, lw=2, label=s) for s, c in REPLY_COLORS.items()] if with_edges else []
    handles += [
        plt.Line2D([], [], marker="o", ls="", color=c, label=s) for s, c in STANCE_COLORS.items() if s != "none"
    ]
    handles += [
        plt.Line2D([], [], marker=m, ls="", color="black", label=r) for r, m in ROLE_MARKERS.items() if r in roles
    ]
    ax.legend(handles=handles, frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=6)


def fig_participants(g: nx.DiGraph, path: Path) -> None:
    """Who replies to whom among the most active participants (`participant_summary`
    chooses them: a spring layout of more than a few dozen cannot be read, and costs
    quadratic time)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 6))
    if g.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no replies between participants", ha="center")
        ax.set_axis_off()
        _save(fig, path)
        plt.close(fig)
        return
    pos = nx.spring_layout(g, seed=0, k=1.2, weight="weight")
    for u, v, d in g.edges(data=True):
        n_deny, n_support = d.get("n_deny", 0), d.get("n_support", 0)
        color = REPLY_COLORS["deny"] if n_deny > n_support else (REPLY_COLORS["support"] if n_support else "#969696")
        if u == v:
            continue
        ax.annotate(
            "",
            xy=pos[v],
            xytext=pos[u],
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 0.8 + 0.8 * d["weight"], "shrinkA": 8, "shrinkB": 8},
        )
    for n, d in g.nodes(data=True):
        color = STANCE_COLORS.get(d.get("main_target_stance", "none"), STANCE_COLORS["none"])
        ax.scatter(
            [pos[n][0]],
            [pos[n][1]],
            s=60 + 40 * g.in_degree(n, weight="weight"),
            marker=ROLE_MARKERS.get(d.get("role", "unknown"), "o"),
            color=color,
            edgecolor="black",
            lw=0.5,
        )
        ax.annotate(d.get("label", n), pos[n], xytext=(6, 4), textcoords="offset points", fontsize=8)
    ax.set_axis_off()
    ax.set_title(
        "Who replies to whom: arrow colour = mostly deny / support / other; node colour = target stance; "
        "size = replies received",
        fontsize=8,
    )
    _legend(ax, plt, {d.get("role", "unknown") for _, d in g.nodes(data=True)}, with_edges=True)
    _save(fig, path)
    plt.close(fig)


# --- rendering -------------------------------------------------------------------------


MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(\s*((?:[^()\s]|\([^()]*\))*)[^)]*\)")
# "_" stays: inside words (social_worker) it never starts emphasis.
MD_SPECIAL_RE = re.compile(r"([\\`*\[\]|#!~])")


def md_text(value: object) -> str:
    """Input text as inert Markdown on one line: images (remote or not) become their alt
    text, links their text (an http(s) target is kept as plain text, `javascript:` and any
    other scheme dropped), raw HTML is escaped, and Markdown punctuation (`|` included, so
    a table cell stays one cell; `_` only within words, where it is inert) is escaped."""
    text = " ".join(str(value).split())
    text = MD_IMAGE_RE.sub(lambda m: f"[image: {m.group(1)}]" if m.group(1) else "[image]", text)

    def link(m: re.Match) -> str:
        target = m.group(2)
        return f"{m.group(1)} ({target})" if target.lower().startswith(("http://", "https://")) else m.group(1)

    text = MD_LINK_RE.sub(link, text)
    # With "[", "]" and "<" escaped below, no link or autolink can form from what is left.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL_RE.sub(r"\\\1", text)


def _env():
    from jinja2 import Environment, FileSystemLoader

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # HTML is escaped by Jinja; Markdown by the `md` filter on every input-derived value.
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    return env


def write_report(
    out_dir: Path,
    name: str,
    corpus: Corpus,
    units: list[Unit],
    pred: Predictions,
    made_from: dict | None = None,
    limits: ReportConfig | None = None,
) -> Path:
    """The report of an in-memory corpus (`write_report_files` streams stage folders)."""
    limits = limits or load_config().report
    data = build_report_data(name, corpus, units, pred, limits)
    by_thread = corpus.posts_by_thread()
    return _write(out_dir, data, {t: by_thread[t] for t in data.trees}, pred, limits, made_from)


def write_report_files(
    out_dir: Path,
    name: str,
    corpus_dir: Path,
    segments_dir: Path,
    predictions_dir: Path,
    limits: ReportConfig,
    shard_posts: int,
    made_from: dict | None = None,
    workers: int = 1,
) -> Path:
    """The report from stage folders, reading them a thread shard at a time; the reply
    trees drawn in `workers` processes."""
    data, tree_posts, tree_pred = report_data_from_files(
        name, corpus_dir, segments_dir, predictions_dir, limits, shard_posts
    )
    return _write(out_dir, data, tree_posts, tree_pred, limits, made_from, workers)


def _write(
    out_dir: Path,
    data: ReportData,
    tree_posts: dict[str, list[Post]],
    pred: Predictions,
    limits: ReportConfig,
    made_from: dict | None,
    workers: int = 1,
) -> Path:
    name = data.name
    threads_with_comments = data.trees
    with atomic_dir(Path(out_dir)) as tmp:
        write_manifest(tmp, made_from)
        figs = tmp / "figures"
        figs.mkdir()
        figures: dict[str, str] = {
            "stance_by_role": "figures/stance_by_role.png",
            "reply_depth": "figures/reply_stance_by_depth.png",
        }
        trees = []
        for tid in threads_with_comments:
            # Thread ids come from input: the file name is a slug plus a hash, never the id.
            fig_name = f"reply_tree_{safe_filename(tid)}.png"
            one = Predictions([pl for pl in pred.posts if pl.thread_id == tid], [], pred.participants, [], {}, [])
            trees.append(partial(fig_reply_tree, one, tid, tree_posts[tid], figs / fig_name))
            figures[f"tree:{tid}"] = f"figures/{fig_name}"
        figures["participants"] = "figures/participants.png"
        # The trees (most of the drawing time, and a fixed number of them) are drawn in
        # other processes while this one draws the rest; matplotlib is imported before they fork.
        _plt()
        with alongside(trees, workers):
            fig_stance_by_role(data, figs / "stance_by_role.png")
            fig_reply_depth(data, figs / "reply_stance_by_depth.png")
            fig_participants(data.participant_figure, figs / "participants.png")
        embedded = {
            k: "data:image/png;base64," + base64.b64encode((tmp / v).read_bytes()).decode("ascii")
            for k, v in figures.items()
        }
        env = _env()
        ctx = {
            "d": data,
            "img": embedded,
            "files": figures,
            "trees": threads_with_comments,
            "stances": STANCES,
            "reply_stances": REPLY_STANCES,
            "colors": STANCE_COLORS,
        }
        write_text(tmp / f"{name}.html", env.get_template("report.html.j2").render(**ctx))
        write_text(tmp / f"{name}.md", env.get_template("report.md.j2").render(**ctx))
    log.info(
        "report: %d threads, %d comments, %d participants -> %s",
        data.totals["threads"],
        data.totals["comments"],
        data.totals["participants"],
        Path(out_dir) / f"{name}.html",
    )
    return Path(out_dir) / f"{name}.html"
