"""How the `listed_under` rule for new Reddit copied as text fares on thread shapes other
than DAST's (whose comments answer the post only 12% of the time): synthetic threads in
which a share `q` of the comments answers the post and the rest answer a recent comment,
listed depth first with siblings in random order (Reddit's "best"), ages printed in hours.
Each comment is given (a) the post, (b) the comment right above, (c) the comment right
above unless its printed age is the greater (the rule). The words' cues are left out: this
measures only the fallback the rule replaces. Exploratory (2026-12-07); not run by any
target: `python docs/experiments/copied-reddit/broad_threads.py`."""

import random
from collections import defaultdict


def shares(q: float, n: int = 200, threads: int = 200, seed: int = 0) -> tuple[float, float, float]:
    rng = random.Random(seed)
    tot = root_ok = above_ok = rule_ok = 0
    for _ in range(threads):
        created = {0: 0.0}
        parent: dict[int, int] = {}
        for i in range(1, n + 1):
            created[i] = created[i - 1] + rng.expovariate(1 / 10)  # minutes between comments
            parent[i] = 0 if rng.random() < q else max(1, i - 1 - int(rng.expovariate(1 / 8)))
        kids = defaultdict(list)
        for i, p in parent.items():
            kids[p].append(i)
        for k in kids:
            rng.shuffle(kids[k])
        order: list[int] = []
        stack = list(reversed(kids[0]))
        while stack:
            c = stack.pop()
            order.append(c)
            stack.extend(reversed(kids.get(c, [])))
        hours = {i: int((created[n] - t) // 60) for i, t in created.items()}
        above = 0
        for c in order:
            tot += 1
            root_ok += parent[c] == 0
            above_ok += parent[c] == above
            rule_ok += parent[c] == (above if above and hours[c] <= hours[above] else 0)
            above = c
    return root_ok / tot, above_ok / tot, rule_ok / tot


if __name__ == "__main__":
    for q in (0.1, 0.3, 0.5, 0.7):
        r, a, g = shares(q)
        print(f"share answering the post {q}: the post {r:.3f}, the comment above {a:.3f}, the rule {g:.3f}")
