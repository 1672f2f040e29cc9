"""Reply links on DAST's threads written as old Reddit's page copied as text (each comment
`[–]name 3 points N hours ago`, its words, its buttons with `parent` on a reply), read back
as raw pages and scored as `make bench-replies` scores its sets. Exploratory (2026-12-07),
not run by any target: `python docs/experiments/copied-reddit/old_reddit.py` with DAST at
../shared/data/dast/dast_train.jsonl. Printed then: 0.762 of the parents right; of the links to
the comment right above in its tree (1,425), 0.683."""

import collections
import tempfile
from pathlib import Path

from pipeline.bench.replies import _order, _stamp, score_links
from pipeline.core.config import load_config
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.seeds import ingest_seeds

cfg = load_config()
truth_corpus = ingest_thread_files([Path("../shared/data/dast/dast_train.jsonl")], cfg)
by = collections.defaultdict(list)
for p in truth_corpus.posts:
    by[p.thread_id].append(p)
roots = {t.id: t.root_id for t in truth_corpus.threads}
listed = {}
tmp = tempfile.mkdtemp()
for tid, posts in by.items():
    root = next(p for p in posts if p.id == roots[tid])
    reps = [p for p in posts if p.id != root.id]
    ids = {p.id for p in reps}
    kids = collections.defaultdict(list)
    for p in reps:
        kids[p.parent_id if p.parent_id in ids else root.id].append(p)
    last = max(t for t in (_stamp(p) for p in posts) if t)

    def age(p, last=last):
        return f"{int((last - _stamp(p)).total_seconds() // 3600) + 1} hours ago"

    L = [
        f"{root.title} (self.Denmark)",
        f"submitted {age(root)} by {root.author or '[deleted]'}",
        root.text,
        "45 comments",
        "share",
        "save",
        "hide",
        "report",
        "all 45 comments",
        "sorted by: old",
    ]
    order = []
    stack = [(p, False) for p in reversed(sorted(kids[root.id], key=_order))]
    while stack:
        p, reply = stack.pop()
        order.append(p.id)
        L += [
            f"[–]{p.author or '[deleted]'} 3 points {age(p)}",
            (p.text.strip() or "[removed]"),
            "permalinkembedsave" + ("parent" if reply else "") + "reportreply",
        ]
        stack.extend((c, True) for c in reversed(sorted(kids[p.id], key=_order)))
    listed[tid] = order
    Path(tmp, f"{tid}.txt").write_text("\n".join(L) + "\n")
read = ingest_seeds(Path(tmp), cfg)
tp = {p.id: p.parent_id for p in truth_corpus.posts}
posts = []
truth = {}
proots = {}
for th in read.threads:
    cs = sorted(
        (p for p in read.posts if p.thread_id == th.id and p.id != th.root_id),
        key=lambda p: int(p.source.rsplit(":", 1)[1]),
    )
    assert len(cs) == len(listed[th.id]), (th.id, len(cs), len(listed[th.id]))
    pid = {d: p.id for d, p in zip(listed[th.id], cs, strict=True)}
    pid[roots[th.id]] = th.root_id
    truth.update((pid[d], pid.get(tp[d], th.root_id)) for d in listed[th.id])
    proots[th.id] = th.root_id
    posts += [p for p in read.posts if p.thread_id == th.id]
r = score_links(posts, truth, proots)
print(r["accuracy"], {k: (v["decided"], v["precision"]) for k, v in r["rules"].items()})
# The links by their confidence: the exact ones (the parent button) and the comment right
# above in its tree (`[replies] listed_under`).
given: collections.Counter = collections.Counter()
right: collections.Counter = collections.Counter()
for p in posts:
    if p.id in truth and p.parent_rule == "copied-text":
        given[p.parent_confidence] += 1
        right[p.parent_confidence] += p.parent_id == truth[p.id]
print({k: (given[k], round(right[k] / given[k], 3)) for k in sorted(given)})
