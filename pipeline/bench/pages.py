"""`make bench-pages N_PAGES="2000 8000"`: ingest of one long flat page of comments, as
researchers save them, at growing sizes, beside the same posts given as a thread file.

A raw page names no parents: ingest reads its comments out of the page's furniture and
infers who answers whom from their words, each comment against the article and a window
of the comments before it (`[replies] candidate_window`). That work must grow linearly
with the page; a rule that compares every comment with every commenter grows with its
square, which a 20-comment seed page never shows and a 16,000-comment page does (31 s of
39 before 2026-12-07). Four shapes: a news page's comments copied as text (as seed 002
prints them), the same without dates (their order then read from who answers whom), the
same as HTML, and a forum thread copied as text (Flashback's layout, a third of its posts
quoting a post above them). The baseline, measured in the same run:
the same posts in a thread file that names their parents (`ingest --threads`).
"""

from __future__ import annotations

import html
import json
import logging
import os
import platform
import random
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.bench.runs import render_section, section_saver
from pipeline.bench.scale import measure, run_exponents
from pipeline.bench.synth import seed_sentences, synthetic_posts
from pipeline.core.artifacts import write_text
from pipeline.ingest.pages.article import furniture_line, load_furniture

log = logging.getLogger(__name__)

# Commenters with a first name, an initial and a last name, so that the name rules
# (address, mention, the first name alone) see what they see on a news site.
FIRST = (
    "Anne Bo Carsten Dorte Erik Fie Gitte Hans Inger Jens Karin Lars Mette Niels Ole Pia Rikke Søren Tove Ulla"
).split()
LAST = (
    "Hansen Jensen Nielsen Pedersen Larsen Holm Berg Lund Kjær Dahl Bach Krogh Vestergaard Winther Skov "
    "Brandt Juhl Mortensen Thomsen Østergaard"
).split()
TITLE = "Socialrådgiverne mangler overalt"
LEAD = "Der mangler socialrådgivere i kommunerne, og sagerne hober sig op. Det er et problem for borgerne."


def _comments(n: int, seed: int = 0) -> list[dict]:
    """`n` comments of one thread (texts drawn from the seeds, parents mostly recent posts),
    oldest first, each with an author's name and a date."""
    # Without the seeds' furniture sentences ("Åsikterna som uttrycks här står
    # skribenten..."): a comment opening with one ends the page's comment list, as it should.
    furn = load_furniture()
    pool = [s for s in seed_sentences() if furniture_line(s, furn) is None]
    posts = list(synthetic_posts(n + 1, seed, pool, thread_sizes=(n + 1, n + 1)))[1:]
    rng = random.Random(seed)
    # One commenter per two comments, as on a news site where most comment once or twice
    # (a rule that compares each comment with every commenter grows with the square then).
    everyone = [f"{f} {m}. {last}" for last in LAST for m in "ABCDEFGHIJKLMNOPRSTUVWXYZ" for f in FIRST]
    people = rng.sample(everyone, min(len(everyone), max(1, n // 2)))
    for i, p in enumerate(posts):
        p["author"] = people[rng.randrange(len(people))]
        p["day"] = (1 + i * 28 // n, 8 + i * 12 // n % 12, i % 60)
    return posts


def text_page(comments: list[dict]) -> str:
    """A news page copied as text: the article, then " • dd.mm.yy Name", a headline and the
    words of each comment, as seed 002 shows them."""
    out = [TITLE, LEAD, "", "Kommentarer"]
    for c in comments:
        d, _, _ = c["day"]
        out += [f" • {d:02d}.03.24 {c['author']}", f"  {c['text'].split('.')[0][:60]}", f"  {c['text']}"]
    return "\n".join(out) + "\n"


def undated_page(comments: list[dict]) -> str:
    """A news page's comments with no dates, each name over its words and its buttons: the
    order of the page is then read from who answers whom (`replies.page_order_votes`)."""
    out = [TITLE, "", "Af Mette Hansen", "", LEAD, "", "Kommentarer", ""]
    for c in comments:
        out += [c["author"], c["text"], "Svar Del", ""]
    return "\n".join(out) + "\n"


def html_page(comments: list[dict]) -> str:
    """The same as an HTML page: an article, then one element per comment with its author,
    a <time> and its words."""
    out = [
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>",
        f'<p class="byline">Af Mette Hansen, 1. marts 2024</p><p>{LEAD}</p></article>',
        '<section class="comments"><h2>Kommentarer</h2>',
    ]
    for i, c in enumerate(comments):
        d, h, m = c["day"]
        out.append(
            f'<div class="comment" id="c{i}"><div class="comment-author">{html.escape(c["author"])}</div>'
            f'<time datetime="2024-03-{d:02d}T{h:02d}:{m:02d}:00">{d}. marts 2024</time>'
            f'<div class="comment-body"><p>{html.escape(c["text"])}</p></div><a class="reply">Svar</a></div>'
        )
    out.append("</section></body></html>")
    return "\n".join(out) + "\n"


def forum_copy(comments: list[dict]) -> str:
    """A forum thread copied as text (Flashback's layout): each post's date, number, author
    and member details over its words; a third quote a recent post above them, its words
    as Flashback copies a quotation (no blank line before the quoter's own)."""
    rng = random.Random(1)
    out = ["Flashback Forum", "Forum", "Samhälle › Socialtjänsten", TITLE, "Svara", "Sidan 1 av 1", ""]
    for i, c in enumerate(comments, start=1):
        d, h, m = c["day"]
        out += [f"2024-03-{d:02d}, {h:02d}:{m:02d}", f"#{i}", c["author"], "Medlem", "Reg: Sep 2011", "Inlägg: 2 341"]
        if i > 2 and rng.random() < 0.33:
            quoted = comments[rng.randrange(max(0, i - 30), i - 1)]
            out += ["Citat:", f"Ursprungligen postat av {quoted['author']}", quoted["text"]]
        out += [c["text"], "Citera", ""]
    out += ["Svara", "Sidan 1 av 1", "© Flashback Forum"]
    return "\n".join(out) + "\n"


FORUM = "forum thread copied as text"
SHAPES: dict[str, Callable[[list[dict]], str]] = {
    "news comments copied as text": text_page,
    "news comments copied without dates": undated_page,
    "news comments as HTML": html_page,
    FORUM: forum_copy,
}
_SUFFIX = {"news comments as HTML": ".html"}


def _thread_file(comments: list[dict], path: Path) -> None:
    root = {"id": "root", "thread_id": "t", "parent_id": None, "title": TITLE, "text": LEAD, "author": "Mette Hansen"}
    rows = [root] + [
        {
            "id": c["id"],
            "thread_id": "t",
            "parent_id": c["parent_id"] if c["parent_id"] != comments[0]["thread_id"] + "-0000" else "root",
            "author": c["author"],
            "created": "2024-03-{:02d}T{:02d}:{:02d}:00".format(*c["day"]),
            "text": c["text"],
        }
        for c in comments
    ]
    write_text(path, "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows))


def _posts_read(out: Path) -> int:
    with (out / "posts.jsonl").open(encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def pages_benchmark(sizes: list[int], work_dir: Path, on_size: Callable[[dict], None] | None = None) -> dict:
    """Each shape's page and the thread file at each size, each ingested in its own
    process. A page whose comments ingest does not all find is an error: the numbers
    would time another page."""
    base = [sys.executable, "-m", "pipeline", "-q", "ingest"]
    runs: list[dict] = []
    result: dict = {}
    for n in sorted(sizes):
        work = Path(work_dir) / f"n{n}"
        comments = _comments(n)
        threads = work / "threads.jsonl"
        _thread_file(comments, threads)
        run = {"posts": n, "thread_file": measure([*base, "--threads", str(threads), "--out", str(work / "threads")])}
        for shape, write in SHAPES.items():
            folder = work / shape.replace(" ", "-")
            write_text(folder / f"page{_SUFFIX.get(shape, '.txt')}", write(comments))
            out = work / f"{shape.replace(' ', '-')}.out"
            run[shape] = measure([*base, "--manifest", str(folder), "--out", str(out)])
            # A forum thread's post #1 is its opening post; a news page adds the article.
            expected = n if shape == FORUM else n + 1
            if (read := _posts_read(out)) != expected:
                raise RuntimeError(f"{folder}: ingest read {read} posts of the page's {expected}")
            log.info("bench-pages %d comments, %s: %s", n, shape, run[shape])
        runs.append(run)
        machine = {"cores": os.cpu_count(), "cpu": platform.machine(), "python": platform.python_version()}
        result = {"machine": machine, "runs": runs, "exponents": run_exponents(runs, ("thread_file", *SHAPES))}
        if on_size is not None:
            on_size(result)
    return result


def pages_markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        "## Scale: one long page of comments",
        "",
        f"Produced by `make bench-pages` on {m['cores']} cores ({m['cpu']}, Python {m['python']}). One flat page "
        "of N comments (texts drawn from the seeds, one commenter per two comments, each named by a first "
        "name, an initial and a last name), read by "
        "`ingest --manifest` in its own process (start-up included): its comments found among the page's "
        "furniture and each one's parent inferred from its words. **Baseline**, in the same run: the same "
        "posts in a thread file that names their parents (`ingest --threads`). Wall seconds, and times the "
        "baseline; memory is the process's peak resident set.",
        "",
        "| page | comments | s | x thread file | comments/s | peak MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in result["runs"]:
        base = r["thread_file"]
        lines.append(
            f"| thread file (baseline) | {r['posts']:,} | {base['wall_s']:.1f} | 1.00 | "
            f"{r['posts'] / base['wall_s']:.0f} | {base['peak_mb']:.0f} |"
        )
        for shape in SHAPES:
            s = r[shape]
            lines.append(
                f"| {shape} | {r['posts']:,} | {s['wall_s']:.1f} | {s['wall_s'] / base['wall_s']:.2f} | "
                f"{r['posts'] / s['wall_s']:.0f} | {s['peak_mb']:.0f} |"
            )
    if result["exponents"]:
        a, b = result["runs"][0]["posts"], result["runs"][-1]["posts"]
        lines += [
            "",
            f"Growth exponent of wall time from {a:,} to {b:,} comments (1.0 = linear; start-up, about 3 s, "
            "counts at both sizes, so a linear stage reads below 1): "
            # In the table's order: the saved JSON has its keys sorted.
            + ", ".join(f"{k.replace('_', ' ')} {result['exponents'][k]}" for k in ("thread_file", *SHAPES))
            + ".",
        ]
    return "\n".join(lines) + "\n"


def run_pages(sizes: list[int], work_dir: Path, out_json: Path) -> dict:
    return pages_benchmark(sizes, work_dir, on_size=section_saver(out_json, "pages", pages_markdown))


def render(out_json: Path) -> None:
    render_section(out_json, "pages", pages_markdown)
