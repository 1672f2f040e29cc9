"""Stage 5, report: the picture of the debate, from the pipeline's outputs only.

Input:  data/interim/corpus/, data/interim/segments/, data/processed/predictions/
Output: data/reports/<name>.html (self-contained: figures embedded), <name>.md, figures/*.png

Every number comes from data.py (computed from those outputs, checked by the tests against
the seed outputs), every figure from figures.py; here they are laid out by the templates
(templates/), Markdown-escaped wherever a value comes from input.
"""

from __future__ import annotations

import base64
import logging
import re
from functools import partial
from pathlib import Path

from pipeline.classify.predictions import Predictions
from pipeline.core.artifacts import atomic_dir, safe_filename, write_text
from pipeline.core.config import ReportConfig, load_config
from pipeline.core.corpus import Corpus
from pipeline.core.lineage import write_manifest
from pipeline.core.schema import Post, Unit
from pipeline.executors.local import alongside
from pipeline.models.cues import without_leading_mentions
from pipeline.report.data import REPLY_STANCES, STANCES, ReportData, build_report_data, report_data_from_files
from pipeline.report.figures import (
    STANCE_COLORS,
    fig_participants,
    fig_reply_depth,
    fig_reply_tree,
    fig_role_replies,
    fig_stance_by_role,
    pyplot,
)

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"


MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(\s*((?:[^()\s]|\([^()]*\))*)[^)]*\)")
# "_" stays: inside words (social_worker) it never starts emphasis.
MD_SPECIAL_RE = re.compile(r"([\\`*\[\]|#!~])")


# Inline emphasis as Reddit and most forums write it (*kursiv*, **fed**, ~~overstreget~~):
# a quoted claim shows the words a reader saw, not the markers. Only paired markers at word
# edges, so "2*3*4" and snake_case stay as they are.
MD_EMPHASIS_RE = re.compile(r"(?<![\w*_~\\])(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1(?![\w*_~])")


def said(text: str) -> str:
    """A quoted claim as what was said: "@mette Vi mangler *hænder*." quotes "Vi mangler
    hænder." (the unit's exact text, handle and markers included, stays in units.jsonl)."""
    return MD_EMPHASIS_RE.sub(r"\2", without_leading_mentions(text) or text)


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
    env.filters["said"] = said
    env.globals["left_out"] = left_out
    return env


def left_out(totals: dict) -> str:
    """Who the most-central table and the participant figure leave out, and why (no
    input-derived text: safe in HTML and Markdown alike)."""
    parts = []
    if totals.get("bots"):
        n = totals["bots"]
        parts.append(f"{n} automated {'account' if n == 1 else 'accounts'}")
    if totals.get("deleted"):
        n = totals["deleted"]
        parts.append(
            f"{n} {'post' if n == 1 else 'posts'} by deleted authors (each its own participant, no one person)"
        )
    n = totals.get("bots", 0) + totals.get("deleted", 0)
    verb = "is" if n == 1 else "are"
    return f"{' and '.join(parts)} {verb} left out of this table and the figure (they stay in the graph files)."


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
            "role_replies": "figures/reply_stance_between_roles.png",
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
        pyplot()
        with alongside(trees, workers):
            fig_stance_by_role(data, figs / "stance_by_role.png")
            fig_reply_depth(data, figs / "reply_stance_by_depth.png")
            fig_role_replies(data, figs / "reply_stance_between_roles.png")
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
