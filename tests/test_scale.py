"""Scale: thread shards, worker processes, bounded outputs, light start-up.

Outputs must not depend on how the corpus is cut or on the number of workers; the seeds
are cut into many small shards here (a config with shard_posts = 3) so that several
worker processes really run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from conftest import SEEDS

from pipeline.core.config import DEFAULT_CONFIG, PROJ_ROOT, load_config
from pipeline.executors.local import alongside, map_shards, ordered_map, shards_by_key


@pytest.fixture(scope="module")
def small_shards(tmp_path_factory) -> Path:
    """The default config with shards of three posts and a report limited to two trees."""
    text = (DEFAULT_CONFIG).read_text(encoding="utf-8")
    text = text.replace("shard_posts = 500", "shard_posts = 3").replace("max_trees = 8", "max_trees = 2")
    assert "shard_posts = 3" in text and "max_trees = 2" in text
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _stages(out: Path, config: Path, workers: int, threads: Path, env: dict | None = None) -> Path:
    """ingest -> graph on the seeds and `threads`, each stage in its own process (as make
    runs them)."""
    c, s, p, g = (str(out / k) for k in ("corpus", "segments", "predictions", "graphs"))
    base = [sys.executable, "-m", "pipeline", "-q", "--config", str(config)]
    j = ["--workers", str(workers)]
    for args in (
        ["ingest", "--manifest", str(SEEDS / "manifest.toml"), "--threads", str(threads), "--out", c, *j],
        ["segment", "--corpus", c, "--out", s, *j],
        ["classify", "--corpus", c, "--segments", s, "--out", p, "--no-encoder", *j],
        ["graph", "--corpus", c, "--segments", s, "--predictions", p, "--out", g, *j],
    ):
        subprocess.run(base + args, check=True, cwd=PROJ_ROOT, env={**os.environ, **(env or {})})
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """Four synthetic threads (160 posts) beside the seeds."""
    from pipeline.bench.synth import write_synthetic

    path = tmp_path_factory.mktemp("synth") / "threads.jsonl"
    write_synthetic(path, 160, seed=1, thread_sizes=(30, 50))
    assert len({json.loads(line)["thread_id"] for line in path.open()}) == 4
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory, small_shards, synthetic) -> dict[str, Path]:
    """The same corpus three ways: one process in tiny shards, three workers in tiny shards
    under another hash seed, and one process with the default (one shard)."""
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("runs")
    ways = {
        "one": (small_shards, 1, {"PYTHONHASHSEED": "1"}),
        "three": (small_shards, 3, {"PYTHONHASHSEED": "2"}),
        "whole": (DEFAULT_CONFIG, 1, None),
    }
    # The three runs share nothing but their inputs: side by side, their start-ups overlap.
    with ThreadPoolExecutor(len(ways)) as pool:
        done = {
            k: pool.submit(_stages, root / k, cfg, workers, synthetic, env) for k, (cfg, workers, env) in ways.items()
        }
        return {k: f.result() for k, f in done.items()}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_shards_never_split_a_thread_and_keep_the_order():
    posts = [("t1", 1), ("t1", 2), ("t2", 3), ("t3", 4), ("t3", 5), ("t3", 6), ("t1", 7)]
    shards = shards_by_key(posts, key=lambda p: p[0], target_size=3)
    assert shards == [[("t1", 1), ("t1", 2), ("t1", 7)], [("t2", 3)], [("t3", 4), ("t3", 5), ("t3", 6)]]
    assert shards_by_key(posts, key=lambda p: p[0], target_size=4)[0] == [("t1", 1), ("t1", 2), ("t1", 7), ("t2", 3)]
    assert sorted(x for s in shards for x in s) == sorted(posts)


def test_a_stage_can_free_a_shard_it_is_done_with_while_the_stream_waits():
    """One huge thread is one shard of records (a YouTube video's 20,000 comments); the
    graph stage frees them once its graph holds what it needs. The readers must then not
    keep them alive in their own frames while the stage works on the shard."""
    import gc
    import weakref

    from pipeline.core.stream import by_thread, shards

    class Record:
        def __init__(self, thread_id: str) -> None:
            self.thread_id = thread_id

    records = [Record(t) for t in ("a", "a", "b", "c", "c")]
    alive = [weakref.ref(r) for r in records]
    stream = shards(by_thread(iter(records), Path("posts.jsonl")), 3)
    del records
    first = next(stream)  # threads a and b; thread c, read to see that it does not fit, waits
    assert [[r.thread_id for r in t] for t in first] == [["a", "a"], ["b"]]
    first.clear()
    gc.collect()
    assert [ref() is None for ref in alive] == [True, True, True, False, False]
    last = next(stream)
    last.clear()
    gc.collect()
    assert all(ref() is None for ref in alive)
    assert next(stream, None) is None


def test_more_workers_than_cores_run_one_per_core_and_say_so(caplog):
    """`--workers 100000` had forked thousands of processes, each with the models, and run
    the machine out of memory: on this machine a stage runs at most one worker per core."""
    from pipeline.executors.local import available_cores, resolve_workers

    cores = available_cores()
    assert resolve_workers(0) == resolve_workers(None) == cores and resolve_workers(1) == 1
    with caplog.at_level("WARNING"):
        assert resolve_workers(cores + 99_999) == cores
    assert f"--workers {cores + 99_999}: this machine has {cores} core(s)" in caplog.text


def test_worker_processes_give_the_results_of_one_process():
    shards = [list(range(i, i + 5)) for i in range(0, 50, 5)]
    parent = os.getpid()
    one = map_shards(lambda s: [x * x for x in s], shards, workers=1, desc="t")
    many = map_shards(lambda s: ([x * x for x in s], os.getpid()), shards, workers=3, desc="t")
    assert [r for r, _ in many] == one
    assert {pid for _, pid in many} - {parent}, "no worker process ran"


def _slow_shard(item: tuple[Path, bytes]) -> int:
    import time

    marker, payload = item
    time.sleep(0.3)
    marker.write_text("done")
    return len(payload)


def test_a_bad_record_stops_the_workers_only_after_the_shards_in_flight(tmp_path):
    """A stage that meets a bad record while shards are with the workers raises it, but lets
    those shards finish and the workers exit: a worker killed in the middle of a shard (as
    `Pool.terminate()` does) can leave a shard half-written in a pipe and the stage waiting
    for it forever. Shards of 2 MB, more than a pipe holds."""
    import multiprocessing

    def shards():
        for i in range(5):
            yield tmp_path / f"shard{i}", b"x" * 2_000_000
        raise ValueError("bad record at line 6")

    done = []
    with pytest.raises(ValueError, match="bad record"):
        for item, size in ordered_map(_slow_shard, shards(), workers=2, desc="t"):
            done.append((item[0].name, size))
    handed_out = sorted(p.name for p in tmp_path.glob("shard*"))
    assert handed_out == [f"shard{i}" for i in range(5)]  # every shard handed out finished
    assert done and done == [(f"shard{i}", 2_000_000) for i in range(len(done))]  # in order, until the error
    assert multiprocessing.active_children() == []


def _killed_on_shard_three(item: int) -> int:
    import signal

    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does
    return item


def test_a_worker_killed_for_memory_stops_the_stage_with_an_error_instead_of_a_wait():
    from pipeline.core.errors import PipelineError

    with pytest.raises(PipelineError, match="worker process died"):
        list(ordered_map(_killed_on_shard_three, range(8), workers=2, desc="t"))


def _killed_on_shard_zero(item: int) -> int:
    return _killed_on_shard_three(item + 3)


def test_a_worker_killed_before_the_next_shard_is_handed_out_gives_the_same_error():
    """The pool refuses new shards once a worker died: reading the next shard took longer
    than the first shard's work (a big thread), so the death is met at hand-out."""
    import time

    from pipeline.core.errors import PipelineError

    def slow_items():
        yield from (0, 1)
        time.sleep(1.5)
        yield from range(2, 8)

    with pytest.raises(PipelineError, match="worker process died"):
        list(ordered_map(_killed_on_shard_zero, slow_items(), workers=2, desc="t"))


class _SlowToList(list):
    """Jobs whose second one is reached only after the first had time to run."""

    def __iter__(self):
        import time

        yield self[0]
        time.sleep(1.5)
        yield from self[1:]


def test_a_job_beside_the_stage_whose_worker_dies_before_the_next_is_handed_out_gives_the_same_error():
    from pipeline.core.errors import PipelineError

    jobs = _SlowToList([partial(_killed_on_shard_three, 3), partial(_killed_on_shard_three, 1)])
    with pytest.raises(PipelineError, match="worker process died"), alongside(jobs, workers=2):
        pass


def test_a_ray_worker_loads_the_stage_function_once_for_all_its_tasks():
    """A Ray task gets the stage function boxed, by reference: the worker fetches and
    unpickles it (with its models) for its first task only, and again for a new one."""
    from pipeline.executors import ray as engine

    class Ref:
        def __init__(self, name: str) -> None:
            self.name = name

        def hex(self) -> str:
            return self.name

    fetched = []

    def get(ref: Ref):
        fetched.append(ref.name)
        return {"double": lambda x: 2 * x, "negate": lambda x: -x}[ref.name]

    double, negate = [Ref("double")], [Ref("negate")]
    assert [engine._apply(double, i, get) for i in (1, 2, 3)] == [2, 4, 6]
    assert [engine._apply(negate, i, get) for i in (1, 2)] == [-1, -2]
    assert fetched == ["double", "negate"]
    assert list(engine._LOADED) == ["negate"]  # one function held per worker


def test_outputs_are_byte_identical_however_the_work_is_cut(runs):
    one, three, whole = (_files(runs[k]) for k in ("one", "three", "whole"))
    assert one.keys() == three.keys() == whole.keys()
    # workers and hash seed (set ordering) change nothing, nor does cutting into shards
    assert [k for k in one if one[k] != three[k]] == []
    assert [k for k in one if one[k] != whole[k]] == []
    assert sum(k.startswith("graphs/threads/") for k in one) == 5 + 4 + 1  # seed and synthetic threads, index


def test_corpus_graph_files_hold_the_graph_built_whole_in_memory(pipeline_run):
    """Under the node limit, corpus.graphml is composed from the shards' graphs: the same
    nodes, attributes and edges as the corpus graph built whole from the stage files, in
    id order."""
    from collections import Counter

    import networkx as nx

    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.corpus import read_corpus
    from pipeline.graph.build import GraphInputs, build_graph
    from pipeline.graph.safe import gephi_safe

    inputs = GraphInputs(
        read_corpus(pipeline_run["corpus"]),
        read_units(pipeline_run["segments"]),
        read_predictions(pipeline_run["predictions"]),
    )
    expected = gephi_safe(build_graph(inputs))
    got = nx.read_graphml(pipeline_run["graphs"] / "corpus.graphml", force_multigraph=True)
    assert list(got) == sorted(expected) and len(got) > 500
    assert all(got.nodes[n] == expected.nodes[n] for n in expected)

    def edges(g: nx.MultiDiGraph) -> Counter:
        return Counter((u, v, tuple(sorted(d.items()))) for u, v, d in g.edges(data=True))

    assert edges(got) == edges(expected) and got.number_of_edges() > 500
    assert got.graph["name"] == "reply and argument graph"


def test_report_draws_only_the_most_contested_trees_and_says_so(runs, small_shards):
    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.corpus import read_corpus
    from pipeline.report.data import build_report_data

    run = runs["one"]
    corpus = read_corpus(run / "corpus")
    pred = read_predictions(run / "predictions")
    limits = load_config(small_shards).report
    data = build_report_data("x", corpus, read_units(run / "segments"), pred, limits)
    denies = {t.id: 0 for t in corpus.threads if t.n_comments}
    for p in pred.posts:
        if p.reply_stance and p.reply_stance.label == "deny":
            denies[p.thread_id] += 1
    assert len(denies) == 5 and len(data.trees) == 2
    assert min(denies[t] for t in data.trees) >= max(denies[t] for t in denies if t not in data.trees)
    assert data.trees_note.startswith("Reply trees of the 2 most contested threads (most replies that deny")
    assert "of 5 with comments" in data.trees_note
    assert data.threads_note is None  # 9 threads fit the table of 100


def test_report_from_stage_files_is_the_in_memory_report_whatever_the_workers(runs, small_shards, tmp_path):
    """The report streamed from the stage folders in shards of three posts (reply trees
    chosen while reading, drawn in one process or in two) is byte for byte the report of
    the corpus read whole into memory."""
    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.corpus import read_corpus
    from pipeline.report.render import write_report, write_report_files

    run = runs["one"]
    cfg = load_config(small_shards)
    folders = (run / "corpus", run / "segments", run / "predictions")
    for workers in (1, 2):
        write_report_files(
            tmp_path / f"streamed{workers}", "x", *folders, cfg.report, cfg.scale.shard_posts, None, workers
        )
    corpus, units, pred = read_corpus(folders[0]), read_units(folders[1]), read_predictions(folders[2])
    write_report(tmp_path / "whole", "x", corpus, units, pred, limits=cfg.report)
    whole = _files(tmp_path / "whole")
    assert sum(k.startswith("figures/reply_tree_") for k in whole) == 2
    for workers in (1, 2):
        streamed = _files(tmp_path / f"streamed{workers}")
        assert streamed.keys() == whole.keys()
        assert [k for k in whole if whole[k] != streamed[k]] == [], workers


def _dumped(threads) -> list:
    return [[[r.model_dump() for r in table] for table in thread] for thread in threads]


@pytest.mark.parametrize("shard_posts", [3, 500])
def test_shards_read_as_lines_are_the_records_read_whole(runs, shard_posts):
    """What the graph stage hands its workers (each shard's JSONL lines, cut into threads
    without parsing them) parses to the very records `thread_records` reads, shard after
    shard; the reading process gets each shard's posts."""
    from pipeline.classify.records import ShardLines, shard_records, thread_records, thread_shards

    folders = [runs["one"] / k for k in ("corpus", "segments", "predictions")]
    whole = list(thread_records(*folders))
    shards = list(thread_shards(*folders, shard_posts))
    assert all(isinstance(shard, ShardLines) for _, shard in shards)
    assert len(shards) > 1 if shard_posts == 3 else len(shards) == 1
    read = [t for _, shard in shards for t in shard_records(shard)]
    assert _dumped(read) == _dumped(whole)
    assert [p.id for posts, _ in shards for p in posts] == [p.id for t in whole for p in t[0]]
    # Without workers to hand them to, the shards are records already.
    as_records = list(thread_shards(*folders, shard_posts, as_lines=False))
    assert all(isinstance(shard, list) for _, shard in as_records)
    assert _dumped([t for _, shard in as_records for t in shard]) == _dumped(whole)


def test_shards_read_as_lines_take_escapes_other_spacing_and_blank_lines(runs, tmp_path, monkeypatch):
    """A table edited by hand or by another JSON writer still cuts into the right threads:
    a thread id written with an escape, a line without spaces, a blank line; and blocks
    that end inside a thread."""
    import shutil

    from pipeline.classify import records
    from pipeline.classify.records import shard_records, thread_records, thread_shards

    run = tmp_path / "run"
    shutil.copytree(runs["one"], run)
    folders = [run / k for k in ("corpus", "segments", "predictions")]
    whole = list(thread_records(*folders))
    units = run / "segments" / "units.jsonl"
    lines = units.read_text(encoding="utf-8").splitlines(keepends=True)
    first = json.loads(lines[0])
    escaped = json.dumps(first["thread_id"], ensure_ascii=False)[1:-1]
    lines[0] = lines[0].replace(f'"thread_id": "{escaped}"', f'"thread_id": "\\u{ord(escaped[0]):04x}{escaped[1:]}"')
    assert lines[0] != units.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    lines[1] = json.dumps(json.loads(lines[1]), ensure_ascii=False, separators=(",", ":")) + "\n"
    lines.insert(2, "\n")
    units.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(records, "BLOCK", 500)
    read = [t for _, shard in thread_shards(*folders, 3) for t in shard_records(shard)]
    assert _dumped(read) == _dumped(whole)


@pytest.mark.parametrize(
    ("file", "damage", "expected"),
    [
        ("predictions/units.jsonl", lambda r: {**r, "target_stance": "favor"}, "target_stance: Input should be"),
        (
            "predictions/units.jsonl",
            lambda r: {k: v for k, v in r.items() if k != "post_id"},
            "post_id: Field required",
        ),
        ("predictions/posts.jsonl", lambda r: {**r, "thread_id": "zzz"}, "do not follow the corpus' thread order"),
    ],
)
def test_a_broken_stage_file_stops_graph_and_report_naming_its_line(
    runs, small_shards, tmp_path, file, damage, expected
):
    """A bad record in a stage file stops the graph stage and the report (run with two
    workers) with an error naming the file and its line (or the thread out of place),
    exit status 2, and no output folder."""
    import shutil

    run = tmp_path / "run"
    shutil.copytree(runs["one"], run)
    path = run / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = len(lines) // 2
    lines[bad] = json.dumps(damage(json.loads(lines[bad])), ensure_ascii=False) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    c, s, p = (str(run / k) for k in ("corpus", "segments", "predictions"))
    base = [sys.executable, "-m", "pipeline", "-q", "--config", str(small_shards)]
    for command in (["graph", "--out", str(tmp_path / "g")], ["report", "--out", str(tmp_path / "r")]):
        args = [*base, command[0], "--corpus", c, "--segments", s, "--predictions", p, *command[1:], "-j", "2"]
        out = subprocess.run(args, cwd=PROJ_ROOT, capture_output=True, text=True)
        assert out.returncode == 2, out.stderr
        assert expected in out.stderr and str(path) in out.stderr
        if "thread order" not in expected:
            assert f"{path}:{bad + 1}:" in out.stderr
        assert not Path(command[2]).exists()


def test_synthetic_corpus_has_the_documented_shape_and_is_deterministic():
    from pipeline.bench.synth import synthetic_posts

    posts = list(synthetic_posts(3000, seed=3))
    assert posts == list(synthetic_posts(3000, seed=3))
    assert len(posts) == 3000
    by_thread: dict[str, list[dict]] = {}
    for p in posts:
        by_thread.setdefault(p["thread_id"], []).append(p)
    sizes = [len(v) for v in by_thread.values()]
    assert all(20 <= n <= 500 for n in sizes[:-1])
    ids = {p["id"] for p in posts}
    assert all(p["parent_id"] in ids for p in posts if p["parent_id"])
    assert 200 < sum(len(p["text"]) for p in posts) / len(posts) < 500
    assert 3.5 < len(posts) / len({p["author"] for p in posts}) < 6.5


def test_scikit_learn_path_never_imports_torch(tmp_path):
    manifest = str(SEEDS / "manifest.toml")
    code = (
        "import sys; from pipeline.cli import main; "
        f"rc = main(['-q', 'ingest', '--manifest', {manifest!r}, '--out', {str(tmp_path / 'c')!r}]); "
        f"rc += main(['-q', 'segment', '--corpus', {str(tmp_path / 'c')!r}, '--out', {str(tmp_path / 's')!r}]); "
        f"rc += main(['-q', 'classify', '--corpus', {str(tmp_path / 'c')!r}, '--segments', {str(tmp_path / 's')!r}, "
        f"'--out', {str(tmp_path / 'p')!r}, '--no-encoder']); "
        "print(rc, 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJ_ROOT, capture_output=True, text=True)
    assert out.stdout.split() == ["0", "False", "False"]


def test_help_does_not_load_a_stage():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipeline", "--help"], cwd=PROJ_ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0
    loaded = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert not loaded & {"torch", "sklearn", "spacy", "networkx", "transformers"}
    # Every listed command has its line of help; bench-scale's internal step is not listed.
    assert "SUPPRESS" not in out.stdout and "scale-floor" not in out.stdout
    assert "bench-scale         every stage on synthetic corpora" in out.stdout


def test_scale_benchmark_table_reports_the_floor_and_growth(tmp_path):
    from pipeline.bench.scale import scale_markdown, summary

    run = {
        "posts": 1000,
        "stages": {
            s: {"wall_s": 1.0, "cpu_s": 1.8, "peak_mb": 100.0}
            for s in ("ingest", "segment", "classify", "graph", "report")
        },
        "floor": {"wall_s": 2.5, "cpu_s": 2.5, "peak_mb": 90.0},
        "total_wall_s": 5.0,
        "posts_per_s": 200.0,
        "x_floor": 2.0,
        "peak_mb": 100.0,
        "per_post_cpu_over_wall": 1.8,
        "output_mb": 3.0,
    }
    big = {
        **run,
        "posts": 10000,
        "stages": {**{s: {**run["stages"][s], "wall_s": 10.0} for s in run["stages"]}},
        "floor": None,
        "total_wall_s": 60.0,
        "posts_per_s": 166.7,
        "x_floor": None,
    }
    big["stages"]["report"] = {**big["stages"]["report"], "wall_s": 20.0}
    text = scale_markdown(
        {
            "workers": 2,
            "cores": 2,
            "machine": {"cpu": "x", "python": "3.11"},
            "profile": "p",
            "runs": [run, big],
            "exponents": summary([run, big], 2)["exponents"],
        }
    )
    assert "| 1,000 | 1.0 | 1.0 | 1.0 | 1.0 | 1.0 | 5.0 | 200 | 2.5 | 2.00 | 100 | 1.80 | 3 |" in text
    # No floor at the largest size (it would hold the corpus in memory): said, not invented.
    assert "| 10,000 | 10.0 | 10.0 | 10.0 | 10.0 | 20.0 | 60.0 | 167 | not measured | — | 100 | 1.80 | 3 |" in text
    assert (
        "from 1,000 to 10,000 posts (1.0 = linear): ingest 1.0, segment 1.0, classify 1.0, graph 1.0, report 1.301"
        in text
    )
    json.dumps(run)


def test_table_parts_merge_in_rounds_into_one_sorted_table(tmp_path, monkeypatch):
    """The streamed graph stage merges its workers' sorted table parts like an external sort:
    with more parts than may be open at once it merges in rounds, and the result is the same
    table: rows sorted by Id, one row per Id (the first part's), columns united."""
    import pyarrow.parquet as pq

    from pipeline.graph import files
    from pipeline.graph.export import parquet_bytes

    parts = []
    for i, rows in enumerate(
        [
            [["Id", "Label", "kind"], ["p:anna", "Anna", "participant"], ["t1/c1", "=1+1", "post"]],
            [["Id", "Label", "score"], ["p:anna", "Anna", None], ["t2/c1", "b", 0.5]],
            [["Id", "Label"], ["p:bo", "Bo"], ["t3/c1", "c"]],
        ]
    ):
        parts.append(tmp_path / f"nodes-{i:06d}.parquet")
        parts[-1].write_bytes(parquet_bytes(rows))
    monkeypatch.setattr(files, "FAN_IN", 2)
    n = files._merge_parts(parts, ["Id", "Label"], tmp_path / "nodes.csv", tmp_path / "nodes.parquet")
    assert n == 5 and not any(p.exists() for p in parts)
    assert (tmp_path / "nodes.csv").read_text(encoding="utf-8").splitlines() == [
        "Id,Label,kind,score",
        "p:anna,Anna,participant,",
        "p:bo,Bo,,",
        "t1/c1,'=1+1,post,",  # a formula from the input stays text
        "t2/c1,b,,0.5",
        "t3/c1,c,,",
    ]
    table = pq.read_table(tmp_path / "nodes.parquet")
    assert table.column_names == ["Id", "Label", "kind", "score"]
    assert table.column("score").to_pylist() == [None, None, None, 0.5, None]


def test_a_huge_shards_tables_are_written_in_parts_that_merge_into_the_same_files(tmp_path, runs, cfg, monkeypatch):
    """A shard's node and edge tables go to disk as parts of at most PART_ROWS rows (one
    thread of 50,000 posts makes 305,000 node rows, which Arrow had converted at once): cut
    into parts of five rows, the seeds' one-shard run gives the same tables, byte for byte."""
    from pipeline.graph import files

    run = runs["whole"]
    args = (run / "corpus", run / "segments", run / "predictions")
    made = []
    real = files.parquet_bytes

    def counted(rows: list[list], **kw) -> bytes:
        made.append(len(rows) - 1)
        return real(rows, **kw)

    monkeypatch.setattr(files, "PART_ROWS", 5)
    monkeypatch.setattr(files, "parquet_bytes", counted)
    files.write_graph_files(*args, tmp_path / "g", cfg.graph.colors, cfg.graph.max_corpus_nodes, 500, workers=1)
    assert max(made) == 5 and len(made) > 200
    for name in ("nodes", "edges", "participant_nodes", "participant_edges"):
        for ext in ("csv", "parquet"):
            assert (tmp_path / "g" / f"{name}.{ext}").read_bytes() == (run / "graphs" / f"{name}.{ext}").read_bytes()


@pytest.mark.parametrize("limit", [100000, 20])
def test_a_shards_graph_holds_nothing_once_its_files_are_written(tmp_path, runs, cfg, monkeypatch, limit):
    """A networkx graph refers to itself (its cached edge view holds it), so it is freed by
    the cycle collector, whenever that runs, and not when the stage lets it go: a huge
    thread's graph (0.7 GB of 50,000 posts) had outlived its shard, and the merge workers
    forked after it had started with it. Whether the corpus files are written or not,
    every shard's graph is emptied once used."""
    from pipeline.graph import files
    from pipeline.graph.build import CORPUS_GRAPH

    made = []
    real = files.gephi_safe

    def kept(g, **kw):
        safe = real(g, **kw)
        if g.graph.get("name") == CORPUS_GRAPH:
            made.append((safe, len(safe)))
        return safe

    monkeypatch.setattr(files, "gephi_safe", kept)
    run = runs["whole"]
    args = (run / "corpus", run / "segments", run / "predictions")
    done = files.write_graph_files(*args, tmp_path / "g", cfg.graph.colors, limit, 3, workers=1)
    assert done["whole"] == (limit > 20) and len(made) > 3
    assert all(n > 0 for _, n in made) and all(len(g) == 0 and g.number_of_edges() == 0 for g, _ in made)


def _rows(path: Path) -> tuple[str, set[str]]:
    head, *rows = path.read_text(encoding="utf-8").splitlines()
    return head, set(rows)


@pytest.mark.parametrize("limit", [600, 20])
def test_streamed_graph_stage_writes_what_the_whole_graph_gives(tmp_path, runs, cfg, limit):
    """Over max_corpus_nodes the graph stage streams thread shards (people looked up per shard
    in a spill, participant counts summed there): the same per-thread files, the same table
    rows (sorted by Id instead of graph order), and the participant graph's GraphML/GEXF
    byte for byte while the participants fit under the limit; above it, tables only."""
    from pipeline.graph.files import write_graph_files

    run = runs["one"]
    args = (run / "corpus", run / "segments", run / "predictions")
    done = write_graph_files(*args, tmp_path / "g", cfg.graph.colors, limit, shard_posts=7, workers=2)
    whole = run / "graphs"
    assert not done["whole"] and done["nodes"] > limit
    streamed = _files(tmp_path / "g")
    expected = {k for k in _files(whole) if not k.startswith("corpus.")}
    n_people = done["participants"]
    assert n_people == len((run / "corpus" / "participants.jsonl").read_text().splitlines()) > 20
    if n_people > limit:
        assert not done["participant_gephi"]
        expected -= {"participants.graphml", "participants.gexf"}
    assert streamed.keys() - {"manifest.json"} == expected - {"manifest.json"}
    for name in expected:
        if name.endswith(".csv") and not name.startswith("threads/"):
            assert _rows(tmp_path / "g" / name) == _rows(whole / name), name
        elif not name.endswith((".parquet", "manifest.json")):
            assert streamed[name] == (whole / name).read_bytes(), name
    ids = [line.split(",", 1)[0] for line in (tmp_path / "g" / "participant_nodes.csv").read_text().splitlines()[1:]]
    assert ids == sorted(ids) and len(ids) == n_people


def test_training_reads_only_the_threads_its_gold_is_about(runs):
    """Gold labels cover a few threads of what may be a huge corpus: training and evaluation
    read those threads whole (parents, siblings, targets, a participant's posts) and not the
    rest, and the examples are the ones the whole corpus gives."""
    from pipeline.core.config import DATA_DIR
    from pipeline.core.corpus import read_corpus, read_corpus_about
    from pipeline.review.gold import gold_items, read_events
    from pipeline.training.data import examples_from_gold

    corpus_dir = runs["one"] / "corpus"
    whole = read_corpus(corpus_dir)
    gold = DATA_DIR / "annotations"
    part = read_corpus_about(corpus_dir, *gold_items(read_events(gold)))
    seed_threads = {t.id for t in whole.threads if not t.id.startswith("t0")}
    assert {t.id for t in part.threads} == seed_threads and len(whole.threads) == len(seed_threads) + 4
    assert len(part.posts) == sum(p.thread_id in seed_threads for p in whole.posts)
    for task in ("unit_type", "target_stance", "reply_stance", "role"):
        from_part = examples_from_gold(task, gold, part, [])
        assert from_part == examples_from_gold(task, gold, whole, []) and from_part, task


def _write_pid(path: Path) -> None:
    path.write_text(str(os.getpid()))


def _fail() -> None:
    raise ValueError("job failed")


def test_jobs_alongside_run_in_other_processes_and_their_errors_reach_the_caller(tmp_path):
    with alongside([partial(_write_pid, tmp_path / f"job{i}") for i in range(3)], workers=2):
        here = os.getpid()
    pids = {int((tmp_path / f"job{i}").read_text()) for i in range(3)}
    assert here not in pids and 1 <= len(pids) <= 2
    with pytest.raises(ValueError, match="job failed"), alongside([_fail], workers=2):
        pass
    with alongside([partial(_write_pid, tmp_path / "one")], workers=1):
        assert int((tmp_path / "one").read_text()) == os.getpid()  # one worker: done here, first


def test_the_huge_thread_benchmark_makes_one_thread_of_all_the_posts_and_says_so():
    """`make bench-huge` (bench-scale --one-thread) measures the stages that hold a thread
    whole on one thread of all the posts, and its table says so."""
    from pipeline.bench.scale import scale_markdown, summary
    from pipeline.bench.synth import synthetic_posts

    posts = list(synthetic_posts(1500, thread_sizes=(1500, 1500)))
    assert len(posts) == 1500 and len({p["thread_id"] for p in posts}) == 1
    assert sum(p["parent_id"] is None for p in posts) == 1
    huge, usual = summary([], 2, one_thread=True), summary([], 2)
    assert huge["threads"] == "one thread of all the posts" and usual["threads"] == "threads of 20-500 posts"
    text = scale_markdown({**huge, "workers": 2}, "Scale: one huge thread")
    assert text.startswith("## Scale: one huge thread") and "synth`: one thread of all the posts, one author" in text
