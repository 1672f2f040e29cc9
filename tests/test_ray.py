"""The Ray engine gives the same files as the local executor, on a local Ray instance.

Slow: installs Ray (the optional extra) into a throwaway virtual environment that also
sees the project's environment, and starts Ray.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import SEEDS

from pipeline.core.config import DEFAULT_CONFIG, PROJ_ROOT

RAY = "ray==2.60.0"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def ray_python(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("ray") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = Path(
        subprocess.check_output(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    # The project's environment (and its editable install) stay visible beside Ray.
    project_site = sysconfig.get_paths()["purelib"]
    (site / "project.pth").write_text(f"import site; site.addsitedir({project_site!r})\n{PROJ_ROOT}\n")
    out = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", RAY], capture_output=True, text=True, timeout=1500
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, Path]:
    """160 synthetic posts in threads of 30-50, and a config with small shards (several
    per stage) and a corpus graph over the node limit (graph streams shards too)."""
    from pipeline.bench.synth import write_synthetic

    root = tmp_path_factory.mktemp("synthetic")
    threads = root / "threads.jsonl"
    write_synthetic(threads, 160, seed=1, thread_sizes=(30, 50))
    config = root / "config.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = text.replace("shard_posts = 500", "shard_posts = 40").replace(
        "max_corpus_nodes = 100000", "max_corpus_nodes = 500"
    )
    assert "shard_posts = 40" in text and "max_corpus_nodes = 500" in text
    config.write_text(text)
    return threads, config


def _pipeline(python: Path, config: Path, *engine: str):
    """Runs `python -m pipeline` commands under `engine` on a local Ray instance (whatever
    cluster this machine may point at); each command's stderr."""
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | {"RAY_USAGE_STATS_ENABLED": "0"}

    def run(*args: str) -> str:
        base = [str(python), "-m", "pipeline", "--config", str(config), *engine]
        done = subprocess.run(base + list(args), cwd=PROJ_ROOT, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stderr

    return run


@pytest.mark.slow
@pytest.mark.parametrize("storage", ["jsonl", "parquet"])
def test_ray_engine_writes_what_the_local_executor_writes(ray_python, synthetic, tmp_path, storage):
    threads, config = synthetic

    def run(out: Path, *engine: str) -> Path:
        c, s, p, g, r = (str(out / k) for k in ("corpus", "segments", "predictions", "graphs", "reports"))
        stage = _pipeline(ray_python, config, *engine)
        for args in (
            ["ingest", "--manifest", str(SEEDS / "manifest.toml"), "--threads", str(threads), "--out", c]
            + ["--storage", storage],
            ["segment", "--corpus", c, "--out", s, "-j", "2"],
            ["classify", "--corpus", c, "--segments", s, "--out", p, "--no-encoder", "-j", "2"],
            ["graph", "--corpus", c, "--segments", s, "--predictions", p, "--out", g, "-j", "2"],
            ["report", "--corpus", c, "--segments", s, "--predictions", p, "--out", r, "-j", "2"],
        ):
            err = stage(*args)
            if args[0] in ("segment", "classify", "graph"):
                assert ("engine ray: shards as Ray tasks" in err) == bool(engine), err[-2000:]
        return out

    local = _files(run(tmp_path / "local"))
    ray = _files(run(tmp_path / "ray", "--engine", "ray"))
    assert local.keys() == ray.keys()
    assert [k for k in local if local[k] != ray[k]] == []
    assert sum(k.startswith("predictions/") for k in ray) >= 6
    stage_tables = [k for k in ray if k.split("/")[0] in ("corpus", "segments", "predictions")]
    assert sum(k.endswith(f".{storage}") for k in stage_tables) == 10  # corpus 3, segments 2, predictions 5


@pytest.mark.slow
def test_ray_engine_spreads_a_transformers_model_over_its_tasks(
    ray_python, synthetic, tiny_encoder, pipeline_run, tmp_path
):
    """Locally a torch model runs in one process (a forked worker would hang in torch's
    thread pools); Ray tasks are processes of their own and run it shard by shard, with
    the labels one process gives."""
    threads, config = synthetic
    stage = _pipeline(ray_python, config)
    c, s = str(tmp_path / "corpus"), str(tmp_path / "segments")
    stage("ingest", "--threads", str(threads), "--out", c)
    stage("segment", "--corpus", c, "--out", s)
    # A random tiny encoder fine-tuned for one epoch on the seed gold: it only has to run.
    model = tmp_path / "reply_tiny"
    stage(
        *("train", "--task", "reply_stance", "--corpus", str(pipeline_run["corpus"])),
        *("--backend", "transformers", "--model", str(tiny_encoder)),
        *("--no-cv", "--epochs", "1", "--max-length", "64", "--out", str(model)),
    )
    classify = ("classify", "--corpus", c, "--segments", s, "--no-encoder", "--reply-model", str(model), "-j", "2")
    local_err = stage(*classify, "--out", str(tmp_path / "local"))
    assert "run on torch; one process" in local_err
    ray_err = _pipeline(ray_python, config, "--engine", "ray")(*classify, "--out", str(tmp_path / "ray"))
    assert "engine ray: shards as Ray tasks" in ray_err and "one process" not in ray_err
    local, ray = _files(tmp_path / "local"), _files(tmp_path / "ray")
    assert local.keys() == ray.keys() and [k for k in local if local[k] != ray[k]] == []
    posts = [json.loads(line) for line in (tmp_path / "ray" / "posts.jsonl").read_text().splitlines()]
    by_model = [
        p["reply_stance"] for p in posts if p["reply_stance"] and p["reply_stance"].get("model") == "reply_tiny"
    ]
    assert len(by_model) > 100
