"""`make bench-scale N="10000 100000"`: the whole pipeline on synthetic corpora of growing
size, each stage in its own process as a researcher runs it, beside a floor measured in the
same run.

Per stage: wall time, CPU time (user + sys, so CPU/wall shows how many cores worked) and
peak resident memory (from the kernel's rusage of that process). The floor is the work no
implementation can skip, done as directly as Python allows, in one process: read the posts'
JSON, split sentences, build the models' features and predict the four scikit-learn models,
write the labels as JSON. The growth exponent of each stage is the slope of log(time) over
log(posts) between the smallest and largest size.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.bench.runs import BENCH_DOC, replace_section
from pipeline.bench.synth import write_synthetic
from pipeline.core.artifacts import write_json
from pipeline.core.paths import MODELS_DIR

log = logging.getLogger(__name__)

STAGES = ("ingest", "segment", "classify", "graph", "report")
THREAD_SIZES = (20, 500)  # posts a synthetic thread has, drawn uniformly
MODELS = MODELS_DIR


def _stage_args(stage: str, work: Path, threads: Path, workers: int, storage: str = "jsonl") -> list[str]:
    c, s, p = work / "corpus", work / "segments", work / "predictions"
    jobs = ["--workers", str(workers)]
    return {
        "ingest": ["ingest", "--threads", str(threads), "--out", str(c), "--storage", storage, *jobs],
        "segment": ["segment", "--corpus", str(c), "--model", str(MODELS / "unit_type"), "--out", str(s), *jobs],
        "classify": [
            "classify",
            "--corpus",
            str(c),
            "--segments",
            str(s),
            "--no-encoder",
            *("--target-model", str(MODELS / "target_stance"), "--reply-model", str(MODELS / "reply_stance")),
            *("--role-model", str(MODELS / "role"), "--unit-model", str(MODELS / "unit_type")),
            "--out",
            str(p),
            *jobs,
        ],
        "graph": [
            *("graph", "--corpus", str(c), "--segments", str(s), "--predictions", str(p)),
            *("--out", str(work / "graphs"), *jobs),
        ],
        "report": [
            *("report", "--corpus", str(c), "--segments", str(s), "--predictions", str(p)),
            *("--out", str(work / "reports"), "--name", "scale", *jobs),
        ],
    }[stage]


def measure(cmd: list[str]) -> dict:
    """Run a command; its wall seconds, CPU seconds (user + sys) and peak memory in MB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage (not the sum over all children so far); the
    # stderr pipe is drained after, so keep the stage quiet (-q) to never fill it.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
    }


def growth_exponent(small: tuple[int, float], large: tuple[int, float]) -> float | None:
    """The slope of log(time) over log(size) from (size, time) `small` to `large`."""
    (n1, t1), (n2, t2) = small, large
    if n2 <= n1 or t1 <= 0 or t2 <= 0:
        return None
    return round(math.log(t2 / t1) / math.log(n2 / n1), 3)


def run_exponents(runs: list[dict], keys: tuple[str, ...]) -> dict[str, float | None]:
    """Growth exponent of wall time from the smallest run to the largest, per input in
    `keys` (each run: {"posts": n, key: `measure`'s figures, ...}); none under two runs."""
    if len(runs) < 2:
        return {}
    a, b = runs[0], runs[-1]
    return {k: growth_exponent((a["posts"], a[k]["wall_s"]), (b["posts"], b[k]["wall_s"])) for k in keys}


def scale_benchmark(
    sizes: list[int],
    work_dir: Path,
    workers: int,
    config: Path | None = None,
    floor_up_to: int | None = None,
    on_size: Callable[[dict], None] | None = None,
    storage: str = "jsonl",
    one_thread: bool = False,
) -> dict:
    """Every stage at each size in `sizes`, and the floor at those up to `floor_up_to`
    (all when None): the floor holds the whole corpus in memory, so a 1M-post run skips it.
    `on_size` gets the result so far after each size (a long run keeps what it measured).
    `one_thread`: each corpus is one thread of all its posts (the stages after segment
    hold a thread whole), not threads of 20-500."""
    base = [sys.executable, "-m", "pipeline", "-q"] + (["--config", str(config)] if config else [])
    runs: list[dict] = []
    result: dict = {}
    for n in sorted(sizes):
        work = Path(work_dir) / f"n{n}"
        threads = work / "posts.jsonl"
        write_synthetic(threads, n, thread_sizes=(n, n) if one_thread else THREAD_SIZES)
        stages = {}
        for stage in STAGES:
            stages[stage] = measure(base + _stage_args(stage, work, threads, workers, storage))
            log.info("bench-scale %d posts, %s: %s", n, stage, stages[stage])
        floor = None
        if floor_up_to is None or n <= floor_up_to:
            floor = measure(
                [sys.executable, "-m", "pipeline", "-q", "scale-floor", str(threads), str(work / "floor.jsonl")]
            )
            log.info("bench-scale %d posts, floor: %s", n, floor)
        runs.append(size_run(n, stages, floor, work, threads))
        result = summary(runs, workers, storage, one_thread)
        if on_size is not None:
            on_size(result)
    return result


def size_run(n: int, stages: dict[str, dict], floor: dict | None, work: Path, threads: Path) -> dict:
    """One size's figures from its stages' and floor's measurements and its outputs."""
    total_wall = sum(s["wall_s"] for s in stages.values())
    per_post = [s for name, s in stages.items() if name in ("ingest", "segment", "classify")]
    return {
        "posts": n,
        "stages": stages,
        "floor": floor,
        "total_wall_s": round(total_wall, 2),
        "posts_per_s": round(n / total_wall, 1),
        "x_floor": round(total_wall / floor["wall_s"], 2) if floor else None,
        "peak_mb": max(s["peak_mb"] for s in stages.values()),
        "per_post_cpu_over_wall": round(
            sum(s["cpu_s"] for s in per_post) / max(sum(s["wall_s"] for s in per_post), 1e-9), 2
        ),
        "output_mb": round(_tree_bytes(work, skip={threads}) / 1e6, 1),
        "corpus_graph_whole": (work / "graphs" / "corpus.graphml").exists(),
        "report_mb": round((work / "reports" / "scale.html").stat().st_size / 1e6, 1),
    }


def summary(runs: list[dict], workers: int, storage: str = "jsonl", one_thread: bool = False) -> dict:
    """The benchmark's result: its runs and the growth exponent of each stage between
    consecutive sizes."""
    from pipeline.executors.local import resolve_workers

    exponents = {}
    for a, b in zip(runs, runs[1:], strict=False):
        pair = {}
        for stage in (*STAGES, "total"):
            ta = a["total_wall_s"] if stage == "total" else a["stages"][stage]["wall_s"]
            tb = b["total_wall_s"] if stage == "total" else b["stages"][stage]["wall_s"]
            pair[stage] = growth_exponent((a["posts"], ta), (b["posts"], tb))
        exponents[f"{a['posts']}-{b['posts']}"] = pair
    return {
        "workers": resolve_workers(workers),
        "cores": os.cpu_count(),
        "machine": {"cpu": platform.machine(), "python": platform.python_version()},
        "profile": "scikit-learn (classify --no-encoder)",
        "storage": storage,
        "threads": "one thread of all the posts" if one_thread else "threads of {}-{} posts".format(*THREAD_SIZES),
        "runs": runs,
        "exponents": exponents,
    }


def _tree_bytes(root: Path, skip: set[Path]) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and p not in skip)


def _floor_cells(run: dict) -> str:
    if not run.get("floor"):
        return "not measured | —"
    return f"{run['floor']['wall_s']:.1f} | {run['x_floor']:.2f}"


def scale_markdown(
    result: dict, title: str = "Scale (synthetic Danish threads)", command: str = "make bench-scale"
) -> str:
    lines = [
        f"## {title}",
        "",
        f"Produced by `{command}` on {result['cores']} cores ({result['machine']['cpu']}, Python "
        f"{result['machine']['python']}), {result['workers']} workers, the {result['profile']} profile, "
        f"stage tables kept as {result.get('storage', 'jsonl')}. "
        f"Corpora from `pipeline.bench.synth`: {result.get('threads', 'threads of 20-500 posts')}, one author "
        "per five posts, about 300 "
        "characters a post, sentences drawn from the seeds. Each stage runs as its own process (start-up "
        "included); CPU is user + sys; memory is the stage's peak resident set. **Floor**: in one process, "
        "read the posts' JSON, split sentences, build the features and predict the four scikit-learn "
        "models, write the labels (`python -m pipeline scale-floor`), measured in the same run.",
        "",
        "| posts | " + " | ".join(f"{s} s" for s in STAGES) + " | all s | posts/s | floor s | x floor | "
        "peak MB | CPU/wall (ingest, segment, classify) | outputs MB |",
        "|---:|" + "---:|" * (len(STAGES) + 7),
    ]
    for r in result["runs"]:
        cells = [f"{r['stages'][s]['wall_s']:.1f}" for s in STAGES]
        lines.append(
            f"| {r['posts']:,} | " + " | ".join(cells) + f" | {r['total_wall_s']:.1f} | {r['posts_per_s']:.0f} | "
            f"{_floor_cells(r)} | {r['peak_mb']:.0f} | "
            f"{r['per_post_cpu_over_wall']:.2f} | {r['output_mb']:.0f} |"
        )
    lines.append("")
    lines.append(
        "The graph stage streams thread shards at every size; the corpus graph is also written as one "
        "GraphML and GEXF under `[graph] max_corpus_nodes` nodes, else left to the per-thread files and tables: "
        + "; ".join(
            f"{r['posts']:,} posts: {'written' if r.get('corpus_graph_whole') else 'left out'}" for r in result["runs"]
        )
        + ". HTML report: "
        + "; ".join(f"{r['posts']:,} posts: {r.get('report_mb', 0):.1f} MB" for r in result["runs"])
        + "."
    )
    lines.append("")
    lines.append(
        "Peak memory per stage (MB): "
        + "; ".join(
            f"{r['posts']:,} posts: " + ", ".join(f"{s} {r['stages'][s]['peak_mb']:.0f}" for s in STAGES)
            for r in result["runs"]
        )
        + "."
    )
    for pair, exps in result["exponents"].items():
        a, b = (int(x) for x in pair.split("-"))
        lines.append("")
        lines.append(
            f"Growth exponent of wall time from {a:,} to {b:,} posts (1.0 = linear): "
            + ", ".join(f"{k} {exps[k]}" for k in (*STAGES, "total") if k in exps)
            + "."
        )
    return "\n".join(lines) + "\n"


SECTIONS = {
    "scale": "Scale (synthetic Danish threads)",
    "scale-1m": "Scale: one million posts",
    "scale-parquet": "Scale with Parquet stage tables",
    "scale-huge": "Scale: one huge thread",
}
# The make target that writes each section.
COMMANDS = {
    "scale-1m": "make bench-scale-1m",
    "scale-parquet": "make bench-scale STORAGE=parquet",
    "scale-huge": "make bench-huge",
}


def section_markdown(result: dict, section: str) -> str:
    return scale_markdown(result, SECTIONS.get(section, section), COMMANDS.get(section, "make bench-scale"))


def run_scale(
    sizes: list[int],
    work_dir: Path,
    workers: int,
    out_json: Path,
    section: str = "scale",
    floor_up_to: int | None = None,
    storage: str = "jsonl",
    one_thread: bool = False,
) -> dict:
    def save(result: dict) -> None:
        write_json(out_json, result)
        replace_section(BENCH_DOC, section, section_markdown(result, section))

    return scale_benchmark(
        sizes, work_dir, workers, floor_up_to=floor_up_to, on_size=save, storage=storage, one_thread=one_thread
    )


def render(out_json: Path, section: str = "scale") -> None:
    result = json.loads(Path(out_json).read_text(encoding="utf-8"))
    replace_section(BENCH_DOC, section, section_markdown(result, section))


def floor(threads_file: Path, out_file: Path) -> int:
    """The floor's work on a thread file (see the module doc); the number of labels written."""
    from collections import defaultdict

    from pipeline.core.schema import Participant, Post, Thread
    from pipeline.models.examples import UnitSpan, reply_examples, role_examples, target_examples, unit_examples
    from pipeline.models.store import load_model
    from pipeline.segment.sentences import split_sentences

    posts: dict[str, Post] = {}
    threads: dict[str, Thread] = {}
    by_author: dict[str, list[str]] = defaultdict(list)
    with open(threads_file, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            # model_construct: the floor skips validation, which the real stages must do.
            post = Post.model_construct(
                id=r["id"],
                thread_id=r["thread_id"],
                kind="comment" if r["parent_id"] else "document",
                position=0,
                parent_id=r["parent_id"],
                authors=(),
                created=r["created"],
                title=r["title"],
                text=r["text"],
                lang="da",
                signature=None,
                keywords=(),
            )
            posts[post.id] = post
            by_author[r["author"]].append(r["id"])
            if not r["parent_id"]:
                threads[r["thread_id"]] = Thread.model_construct(id=r["thread_id"], target=r["title"])
    spans = []
    for p in posts.values():
        for field in ("title", "text"):
            for s, e in split_sentences(getattr(p, field), "da"):
                spans.append(UnitSpan(f"{p.id}#{field}{s}", p.id, field, s, e))
    people = [
        Participant.model_construct(id=a, name=a, descriptions=(), post_ids=tuple(ids), thread_ids=(), deleted=False)
        for a, ids in by_author.items()
    ]
    comments = [p for p in posts.values() if p.parent_id]
    work = {
        "unit_type": unit_examples(spans, posts),
        "reply_stance": reply_examples(comments, posts),
        "target_stance": target_examples(comments, posts, threads),
        "role": role_examples(people, posts),
    }
    n = 0
    with open(out_file, "w", encoding="utf-8") as out:
        for task, examples in work.items():
            model = load_model(MODELS / task)
            for ex, (label, conf, _) in zip(examples, model.predict(examples), strict=True):
                out.write(json.dumps({"id": ex.id, "task": task, "label": label, "confidence": conf}) + "\n")
                n += 1
    return n
