"""How far inferred reply links can be trusted, rule by rule.

Raw pages and flat forums name no parents: ingest infers them (`pipeline.ingest.replies`)
and records the rule that decided each link with a confidence set by hand. This benchmark
scores those links against known parents on four sets:

- the seed gold's `parent` labels (a flat news comment list, read from the raw page as
  `make run` reads it);
- DAST's threads flattened: every post's parent removed, the threads read back with
  `--infer-replies`, and the inferred parents compared with Reddit's. Reddit shows its
  tree, so its commenters seldom quote or address the comment they answer: this is the
  hard case for the rules (a lower bound on how many links they find), while each rule's
  precision says how far a link it makes can be trusted;
- DAST's threads written as new (and as old) Reddit's page copied as text (depth first,
  no nesting) and read as raw pages: the case of a researcher who copies a thread from the
  browser.

Beside the rules, two baselines computed on the same comments: every comment answers the
opening post, and every comment answers the comment just before it.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections import defaultdict
from pathlib import Path

from pipeline.core.artifacts import write_json
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus
from pipeline.core.schema import Post

log = logging.getLogger(__name__)

# Confidence bins for the calibration table: a rule's hand-set confidence against how
# often its links were right.
BINS = ((0.0, 0.55), (0.55, 0.75), (0.75, 0.95), (0.95, 1.01))


def decided_rule(post: Post) -> str:
    """The rule that decided a post's parent ("none" when no evidence decided it)."""
    return post.parent_rule or "none"


def score_links(posts: list[Post], truth: dict[str, str], roots: dict[str, str]) -> dict:
    """Inferred parents of `posts` (comments with a known parent in `truth`) against it:
    accuracy, the two baselines, links away from the opening post (precision and recall),
    and per deciding rule how often it fired, was right and how confident it said it was."""
    by_thread: dict[str, list[Post]] = defaultdict(list)
    for p in posts:
        by_thread[p.thread_id].append(p)
    n = right = to_root = previous = away = away_right = true_away = 0
    rules: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    bins = [[0, 0, 0.0] for _ in BINS]
    for tid, thread_posts in sorted(by_thread.items()):
        thread_posts.sort(key=lambda p: p.position)
        before: str | None = None
        for p in thread_posts:
            if p.id in truth:
                n += 1
                gold, ok = truth[p.id], p.parent_id == truth[p.id]
                right += ok
                to_root += gold == roots[tid]
                previous += gold == before
                true_away += gold != roots[tid]
                if p.parent_id != roots[tid]:
                    away += 1
                    away_right += ok
                conf = p.parent_confidence if p.parent_confidence is not None else 1.0
                r = rules[decided_rule(p)]
                r[0], r[1], r[2] = r[0] + 1, r[1] + ok, r[2] + conf
                b = next(i for i, (lo, hi) in enumerate(BINS) if lo <= conf < hi)
                bins[b] = [bins[b][0] + 1, bins[b][1] + ok, bins[b][2] + conf]
            before = p.id

    def share(k: int, m: int) -> float | None:
        return round(k / m, 4) if m else None

    return {
        "comments": n,
        "accuracy": share(right, n),
        "baseline_opening_post": share(to_root, n),
        "baseline_previous_comment": share(previous, n),
        "links_away_from_opening_post": {
            "inferred": away,
            "precision": share(away_right, away),
            "gold": true_away,
            "recall": share(away_right, true_away),
        },
        "rules": {
            rule: {
                "decided": int(k),
                "right": int(r),
                "precision": share(int(r), int(k)),
                "mean_confidence": share(c, k),
            }
            for rule, (k, r, c) in sorted(rules.items())
        },
        "confidence_bins": [
            {
                "from": lo,
                "to": min(hi, 1.0),
                "links": k,
                "right": r,
                "accuracy": share(r, k),
                "mean_confidence": share(c, k),
            }
            for (lo, hi), (k, r, c) in zip(BINS, bins, strict=True)
            if k
        ],
    }


def seed_gold_links(cfg: Config, gold_dir: Path, corpus_dir: Path) -> dict | None:
    """The seed gold's parent labels against the links ingest inferred on its threads."""
    from pipeline.review.gold import read_events, resolve
    from pipeline.review.snapshots import gold_corpus

    events = read_events(gold_dir)
    truth = {item: r.label for item, r in resolve(events, "parent")[0].items()}
    if not truth:
        return None
    corpus = gold_corpus(gold_dir, events, corpus_dir)
    posts = [p for p in corpus.posts if p.id in truth or p.position == 0]
    given = [p.id for p in posts if any(e.rule == "given" for e in p.parent_evidence)]
    if given:
        raise ValueError(f"parent gold on posts whose parents the input gave: {given[:3]}")
    result = score_links(posts, truth, {t.id: t.root_id for t in corpus.threads})
    result["source"] = (
        "the seed gold's parent labels; links inferred from the raw pages. The rules were written reading "
        "these threads: in-sample"
    )
    return result


def flattened_dast_links(cfg: Config, dast_path: Path, work_dir: Path) -> dict:
    """DAST's threads with every parent removed, read back with `--infer-replies`, against
    Reddit's own parents (a missing parent is the source post, as DAST's README says)."""
    from pipeline.ingest.build import ingest_thread_files
    from pipeline.ingest.options import ReadOptions

    truth_corpus = ingest_thread_files([dast_path], cfg)
    truth = {p.id: p.parent_id for p in truth_corpus.posts if p.parent_id is not None}
    work_dir.mkdir(parents=True, exist_ok=True)
    # The flattened copy holds DAST's texts: a throwaway folder, removed when done.
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        flat = Path(tmp) / "flat.jsonl"
        with flat.open("w", encoding="utf-8") as fh:
            for p in _flat_rows(truth_corpus):
                fh.write(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n")
        inferred = ingest_thread_files([flat], cfg, ReadOptions(infer_replies=True))
    opened = {t.id: t.root_id for t in truth_corpus.threads}
    mismatch = [t.id for t in inferred.threads if t.root_id != opened[t.id]]
    if mismatch:
        raise ValueError(f"flattened threads opened by another post than the source: {mismatch[:3]}")
    result = score_links(inferred.posts, truth, opened)
    result["source"] = f"`{dast_path.name}`: {len(inferred.threads)} Reddit threads, parents removed"
    return result


def _depth_first(root: Post, replies: list[Post]) -> list[tuple[Post, bool]]:
    """`replies` depth first, each comment's replies right under it, oldest first, as
    Reddit lists a thread; each with whether it answers another comment (not the post)."""
    kids: dict[str | None, list[Post]] = defaultdict(list)
    ids = {p.id for p in replies}
    for p in replies:
        kids[p.parent_id if p.parent_id in ids else root.id].append(p)
    out: list[tuple[Post, bool]] = []
    stack = [(p, False) for p in reversed(sorted(kids[root.id], key=_order))]
    while stack:
        p, reply = stack.pop()
        out.append((p, reply))
        stack.extend((c, True) for c in reversed(sorted(kids[p.id], key=_order)))
    return out


def _hours_before_last(posts: list[Post]):
    """Each post's age as Reddit prints it, in hours before the thread's last post."""
    times = [t for t in (_stamp(p) for p in posts) if t is not None]
    last = max(times) if times else None

    def hours(p: Post) -> int | None:
        t = _stamp(p)
        return int((last - t).total_seconds() // 3600) + 1 if t is not None and last is not None else None

    return hours


def copied_reddit_page(root: Post, replies: list[Post]) -> tuple[str, list[str]]:
    """A thread as new Reddit's page copied as text shows it (`ingest/pages/copied/reddit.py`): the
    post under `r/Denmark` / `•` / its age / its author, then every comment depth first, a
    comment's replies right under it (oldest first), each its author, `•`, its age in hours
    before the thread's last post, its words and its buttons; no nesting. Also the comments'
    ids in the order the page lists them."""
    hours = _hours_before_last([root, *replies])

    def age(p: Post) -> str:
        return f"{hours(p)}h ago" if hours(p) is not None else ""

    lines = ["r/Denmark", "•", age(root), root.author or "[deleted]", "", root.title or "", "", root.text, ""]
    lines += ["Upvote", "1", "Downvote", "Share", "Sort by:", "Old", "Comments Section"]
    order: list[str] = []
    for p, _ in _depth_first(root, replies):
        order.append(p.id)
        text = p.text.strip() or "[removed]"
        lines += [p.author or "[deleted]", "•", age(p), "", text, "", "Upvote", "1", "Downvote", "Reply", "Share", ""]
    return "\n".join(lines) + "\n", order


def copied_old_reddit_page(root: Post, replies: list[Post]) -> tuple[str, list[str]]:
    """A thread as old Reddit's page copied as text shows it: the title over `submitted N
    hours ago by name` and the post's words, then every comment depth first, each headed
    `[–]name 1 point N hours ago`, its words, its buttons (`parent` among a reply's); no
    nesting. Also the comments' ids in the order the page lists them."""
    hours = _hours_before_last([root, *replies])

    def age(p: Post) -> str:
        return f"{hours(p)} hours ago" if hours(p) is not None else "just now"

    lines = [f"{root.title or ''} (self.Denmark)", f"submitted {age(root)} by {root.author or '[deleted]'}", root.text]
    lines += ["45 comments", "share", "save", "hide", "report", "all 45 comments", "sorted by: old"]
    order: list[str] = []
    for p, reply in _depth_first(root, replies):
        order.append(p.id)
        buttons = "permalinkembedsave" + ("parent" if reply else "") + "reportreply"
        lines += [f"[–]{p.author or '[deleted]'} 1 point {age(p)}", p.text.strip() or "[removed]", buttons]
    return "\n".join(lines) + "\n", order


def copied_bluesky_page(root: Post, replies: list[Post]) -> tuple[str, list[str]]:
    """A thread as Bluesky's page of its opening post copied as text shows it
    (`ingest/pages/copied/bluesky.py`): the post's author over `@handle`, its words, its time in
    full, then every reply depth first, a reply's replies right under it (oldest first),
    each its author over `@handle`, `·` and its age before the thread's last post as
    Bluesky prints it (`5h`, `3d`, `2mo`), its words and its counts; no nesting. Also the
    replies' ids in the order the page lists them."""
    hours = _hours_before_last([root, *replies])

    def age(p: Post) -> str:
        h = hours(p)
        return "now" if h is None else f"{h}h" if h < 24 else f"{h // 24}d" if h < 24 * 30 else f"{h // (24 * 30)}mo"

    def handle(p: Post) -> str:
        return f"{(p.author or 'deleted').lower().replace('_', '-')}.bsky.social"

    stamp = _stamp(root)
    full = stamp.strftime("%-I:%M %p · %b %-d, %Y") if stamp else "10:00 AM · Jan 1, 2020"
    lines = ["Post", root.author or "deleted", f"@{handle(root)}", root.text or root.title or "", full]
    lines += ["Everybody can reply", "3 reposts", "12 likes", "4", "3", "12"]
    order: list[str] = []
    for p, _ in _depth_first(root, replies):
        order.append(p.id)
        lines += [p.author or "deleted", f"@{handle(p)}", f"· {age(p)}", p.text.strip() or "[removed]", "2", "1", "5"]
    return "\n".join(lines) + "\n", order


def copied_mastodon_page(root: Post, replies: list[Post]) -> tuple[str, list[str]]:
    """A thread as a Mastodon instance's page of its opening post copied as text shows it
    (`ingest/pages/copied/mastodon.py`): the post's author over `@account`, its words, its time in
    full, then every reply depth first, a reply's replies right under it (oldest first),
    each its age before the thread's last post as Mastodon prints it (`5h`, `3d`; past a
    week its day), its author over `@account`, its words and its reply counter; no
    nesting. Also the replies' ids in the order the page lists them."""
    hours = _hours_before_last([root, *replies])

    def age(p: Post) -> str:
        h = hours(p)
        if h is None:
            return "now"
        if h < 24 * 7:
            return f"{h}h" if h < 24 else f"{h // 24}d"
        stamp = _stamp(p)
        return stamp.strftime("%b %-d, %Y") if stamp else "now"

    def account(p: Post) -> str:
        return f"@{(p.author or 'deleted').replace('-', '_')}@mastodon.social"

    stamp = _stamp(root)
    full = stamp.strftime("%b %-d, %Y, %-I:%M %p") if stamp else "Jan 1, 2020, 10:00 AM"
    lines = ["Post", root.author or "deleted", account(root), root.text or root.title or "", full, "· Web"]
    lines += ["3 boosts · 12 favorites"]
    order: list[str] = []
    for p, _ in _depth_first(root, replies):
        order.append(p.id)
        lines += [age(p), p.author or "deleted", account(p), p.text.strip() or "[removed]", "1+"]
    return "\n".join(lines) + "\n", order


def _stamp(p: Post):
    from datetime import datetime

    try:
        return datetime.fromisoformat(p.created[:19]) if p.created else None
    except ValueError:
        return None


def _order(p: Post) -> tuple[str, str]:
    return (p.created or "", p.id)


_COPIES = {
    "new Reddit": (copied_reddit_page, "new Reddit's page"),
    "old Reddit": (copied_old_reddit_page, "old Reddit's page (a reply's buttons naming its `parent`)"),
    "Bluesky": (copied_bluesky_page, "Bluesky's page of its opening post"),
    "Mastodon": (copied_mastodon_page, "a Mastodon instance's page of its opening post"),
}


def copied_reddit_links(cfg: Config, dast_path: Path, work_dir: Path, layout: str = "new Reddit") -> dict:
    """DAST's threads as a platform's pages copied as text (`layout`: new Reddit's,
    `copied_reddit_page`; old Reddit's, `copied_old_reddit_page`; Bluesky's,
    `copied_bluesky_page`), read back as raw pages, against Reddit's own parents: the case
    of a researcher who copies a thread from the browser, whose copy shows no nesting."""
    render, which = _COPIES[layout]
    from pipeline.ingest.build import ingest_thread_files
    from pipeline.ingest.pages.seeds import ingest_seeds

    truth_corpus = ingest_thread_files([dast_path], cfg)
    by_thread: dict[str, list[Post]] = defaultdict(list)
    for p in truth_corpus.posts:
        by_thread[p.thread_id].append(p)
    roots = {t.id: t.root_id for t in truth_corpus.threads}
    listed: dict[str, list[str]] = {}
    work_dir.mkdir(parents=True, exist_ok=True)
    # The pages hold DAST's texts: a throwaway folder, removed when done.
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        for tid, posts in sorted(by_thread.items()):
            root = next(p for p in posts if p.id == roots[tid])
            page, listed[tid] = render(root, [p for p in posts if p.id != root.id])
            (Path(tmp) / f"{tid}.txt").write_text(page, encoding="utf-8")
        read = ingest_seeds(Path(tmp), cfg)
    truth_parent = {p.id: p.parent_id for p in truth_corpus.posts}
    page_posts: list[Post] = []
    truth: dict[str, str] = {}
    page_roots: dict[str, str] = {}
    for thread in read.threads:
        comments = sorted(
            (p for p in read.posts if p.thread_id == thread.id and p.id != thread.root_id),
            key=lambda p: int(p.source.rsplit(":", 1)[1]),
        )
        if len(comments) != len(listed[thread.id]):
            raise ValueError(f"{thread.id}: {len(comments)} comments read from the copy of {len(listed[thread.id])}")
        page_id = {dast: p.id for dast, p in zip(listed[thread.id], comments, strict=True)}
        page_id[roots[thread.id]] = thread.root_id
        truth.update((page_id[d], page_id.get(truth_parent[d], thread.root_id)) for d in listed[thread.id])
        page_roots[thread.id] = thread.root_id
        page_posts += [p for p in read.posts if p.thread_id == thread.id]
    result = score_links(page_posts, truth, page_roots)
    result["source"] = (
        f"`{dast_path.name}`: {len(read.threads)} Reddit threads, each written as {which} copied as text "
        "(depth first, replies oldest first under what they answer, ages before the thread's last post, no nesting) "
        "and read as a raw page"
    )
    return result


def _flat_rows(corpus: Corpus):
    for p in corpus.posts:
        yield {
            "author": p.author,
            "created": p.created,
            "id": p.id,
            "parent_id": None,
            "text": p.text,
            "thread_id": p.thread_id,
            "title": p.title,
        }


def reply_benchmark(cfg: Config, gold_dir: Path, corpus_dir: Path, dast_path: Path | None, work_dir: Path) -> dict:
    result: dict = {"sets": {}}
    seeds = seed_gold_links(cfg, gold_dir, corpus_dir)
    if seeds:
        result["sets"]["seed gold"] = seeds
    if dast_path is not None and Path(dast_path).exists():
        result["sets"]["DAST flattened"] = flattened_dast_links(cfg, Path(dast_path), work_dir)
        result["sets"]["DAST as new Reddit copied as text"] = copied_reddit_links(cfg, Path(dast_path), work_dir)
        result["sets"]["DAST as old Reddit copied as text"] = copied_reddit_links(
            cfg, Path(dast_path), work_dir, "old Reddit"
        )
        for layout in ("Bluesky", "Mastodon"):
            result["sets"][f"DAST as {layout} copied as text"] = copied_reddit_links(
                cfg, Path(dast_path), work_dir, layout
            )
        from pipeline.core.config import E5_DIR

        if (E5_DIR / "config.json").exists() and not cfg.replies.meaning_encoder:
            # `ingest --parents-by-meaning`, on the same comments.
            meaning = cfg.replies.model_copy(update={"meaning_encoder": str(E5_DIR)})
            by_meaning = flattened_dast_links(cfg.model_copy(update={"replies": meaning}), Path(dast_path), work_dir)
            by_meaning["source"] += ", read with `--parents-by-meaning` (multilingual-e5-small)"
            result["sets"]["DAST flattened, --parents-by-meaning"] = by_meaning
    else:
        log.warning("bench-replies: DAST not found at %s: only the seed gold is scored", dast_path)
    # The hand-set confidence of each rule that decided a link (rules such as `indentation`
    # decide without one).
    rules = sorted({rule for s in result["sets"].values() for rule in s["rules"]})
    result["priors"] = {r: p for r in rules if (p := getattr(cfg.replies, r.replace("-", "_"), None)) is not None}
    return result


def replies_markdown(result: dict) -> str:
    lines = [
        "## Reply links inferred on flat comment lists",
        "",
        "How often ingest's inferred parent (raw pages, `--infer-replies`) is the true one, by the rule that "
        "decided it, beside two baselines on the same comments: every comment answers the opening post; every "
        "comment answers the one just before it. Confidences are the hand-set priors of `config.toml` "
        "`[replies]`; no rule was changed after seeing these numbers, but `meaning`'s confidence is its precision "
        "measured here on 2026-12-05 (which decides nothing: the rule fires only where no other cue points "
        "anywhere). Produced by `make bench-replies` (also run by `make bench`).",
        "",
    ]
    # The seed gold first, then by name, whether run or read back from the saved JSON.
    for name, s in sorted(result["sets"].items(), key=lambda kv: (kv[0] != "seed gold", kv[0])):
        away = s["links_away_from_opening_post"]
        lines += [
            f"### {name}: {s['comments']} comments",
            "",
            f"{s['source']}.",
            "",
            "| | accuracy |",
            "|---|---:|",
            f"| inferred parents | {_f(s['accuracy'])} |",
            f"| baseline: the opening post | {_f(s['baseline_opening_post'])} |",
            f"| baseline: the comment just before | {_f(s['baseline_previous_comment'])} |",
            "",
            f"Links to a comment rather than the opening post: {away['inferred']} inferred, precision "
            f"{_f(away['precision'])}; {away['gold']} in the gold, recall {_f(away['recall'])}.",
            "",
            "| deciding rule | links | right | precision | mean confidence given |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {rule} | {r['decided']} | {r['right']} | {_f(r['precision'])} | {_f(r['mean_confidence'])} |"
            for rule, r in s["rules"].items()
        ]
        bins = "; ".join(
            f"{b['from']:.2f}-{b['to']:.2f}: {b['links']} links, {_f(b['accuracy'])} right"
            for b in s.get("confidence_bins", [])
        )
        lines += ["", f"By the confidence given: {bins}."] if bins else []
        lines.append("")
    return "\n".join(lines)


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def run_reply_bench(
    cfg: Config, out_json: Path, gold_dir: Path, corpus_dir: Path, dast_path: Path | None, work_dir: Path
) -> dict:
    from pipeline.bench.runs import BENCH_DOC, replace_section

    result = reply_benchmark(cfg, gold_dir, corpus_dir, dast_path, work_dir)
    write_json(out_json, result)
    replace_section(BENCH_DOC, "replies", replies_markdown(result))
    return result
