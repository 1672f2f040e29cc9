"""The report's figures (matplotlib, PNG): stance by role, reply stance by depth, reply
trees, the participant network. Drawn from `ReportData` and the thread posts, with fixed
metadata so that the same data gives the same bytes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import networkx as nx

from pipeline.classify.predictions import Predictions
from pipeline.core.schema import Post
from pipeline.report.data import REPLY_STANCES, STANCES, ReportData, post_role, roles_by_participant

STANCE_COLORS = {"favor": "#2e8b57", "against": "#c83737", "neutral": "#969696", "mixed": "#9b59b6", "none": "#5a78c8"}
REPLY_COLORS = {"support": "#2e8b57", "deny": "#c83737", "query": "#e6a117", "comment": "#969696"}
# `unknown`, the most common role (roles abstain without evidence), is the plain circle;
# every known role has a shape that small markers still tell apart from it.
ROLE_MARKERS = {
    "social_worker": "*",
    "union": "s",
    "employer": "P",
    "politician": "^",
    "journalist": "D",
    "researcher": "v",
    "student": "<",
    "citizen": "h",
    "organization": "X",
    "unknown": "o",
}


def pyplot():
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
    plt = pyplot()
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


def fig_role_replies(data: ReportData, path: Path) -> None:
    """Reply stance between roles: one bar per role pair (replier -> replied to), most
    replies on top, stacked by reply stance."""
    plt = pyplot()
    rows = data.role_replies
    labels = [f"{r['from']} \u2192 {r['to']}" for r in rows]
    fig, ax = plt.subplots(figsize=(6.5, 0.4 * max(len(rows), 2) + 1))
    left = [0] * len(rows)
    for s in REPLY_STANCES:
        vals = [r[s] for r in rows]
        ax.barh(range(len(rows)), vals, left=left, color=REPLY_COLORS[s], label=s)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("replies")
    ax.set_title("Reply stance between roles (replier \u2192 author replied to)")
    ax.legend(loc="lower right", frameon=False)
    _save(fig, path)
    plt.close(fig)


def fig_reply_depth(data: ReportData, path: Path) -> None:
    plt = pyplot()
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
    plt = pyplot()
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
    roles = roles_by_participant(pred)
    pos = _tree_layout(posts)
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(posts) + 1))
    for p in posts:
        if p.parent_id:
            (x0, y0), (x1, y1) = pos[p.parent_id], pos[p.id]
            stance = labels[p.id].reply_stance.label if labels[p.id].reply_stance else "comment"
            # A label of a researcher's own label set ([labels] in the config) is drawn grey.
            ax.plot([x0, x0, x1], [y0, y1, y1], color=REPLY_COLORS.get(stance, "#969696"), lw=1.6, zorder=1)
    for p in posts:
        x, y = pos[p.id]
        role = post_role(p, roles)
        color = STANCE_COLORS.get(labels[p.id].target_stance.label, STANCE_COLORS["none"])
        ax.scatter([x], [y], s=90, marker=ROLE_MARKERS.get(role, "o"), color=color, edgecolor="black", lw=0.5, zorder=2)
        name = (p.title or "article")[:40] if p.parent_id is None else f"{p.author or '[deleted]'} ({p.created or ''})"
        ax.annotate(name, (x, y), xytext=(8, -3), textcoords="offset points", fontsize=8)
    ax.set_axis_off()
    shown = f"{thread_id}" if n_all == len(posts) else f"{thread_id}: first {len(posts)} of {n_all} posts"
    ax.set_title(f"Reply tree: node colour = target stance, edge colour = reply stance, shape = role\n{shown}")
    _legend(ax, plt, {post_role(p, roles) for p in posts}, with_edges=True)
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
    plt = pyplot()
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
