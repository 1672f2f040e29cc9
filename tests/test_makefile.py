"""Which inputs `make` targets work on (dry runs, `make -n`, in a scratch project)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from conftest import PROJ_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


@pytest.fixture()
def project(tmp_path):
    """The Makefile beside links to the project's sources, environment and models: a
    checkout whose data/ starts empty."""
    for name in ("Makefile", "pyproject.toml", "constraints.txt", "pipeline", "seeds", "models", ".venv"):
        (tmp_path / name).symlink_to(PROJ_ROOT / name)
    (tmp_path / "data").mkdir()
    for name in ("mine.csv", "other.jsonl"):
        (tmp_path / name).touch()
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "manifest.toml").touch()
    return tmp_path


def dry_run(project, *args: str) -> str:
    """What `make -n ARGS` prints (set-up and the encoder build taken as done)."""
    env = {k: v for k, v in os.environ.items() if k not in ("THREADS", "MAKEFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "-o", "models/local/multilingual-e5-small/build.json", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def remember(project, *args: str) -> None:
    """What `make run ARGS` does first: write the input-choice stamp (for real)."""
    env = {k: v for k, v in os.environ.items() if k not in ("THREADS", "MAKEFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "data/interim/.input-choice", *args], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def planned_ingest(project, *args: str) -> list[str]:
    """The ingest commands `make -n ARGS` would run."""
    lines = dry_run(project, *args).splitlines()
    return [" ".join(re.sub(r".* ingest ", "ingest ", line).split()) for line in lines if " ingest " in line]


def test_make_run_reads_threads_and_other_targets_keep_the_last_inputs(project):
    """`make run THREADS=x` ingests x and `make run` the seeds; `make review`, `make
    report` and the stages work on what the last ingest read, so labelling one's own
    threads after `make run THREADS=x` does not silently switch back to the seeds."""
    seeds = "ingest --manifest seeds/manifest.toml --storage jsonl --out data/interim/corpus"
    assert planned_ingest(project, "run") == [seeds]
    assert planned_ingest(project, "review") == [seeds]  # nothing ingested yet: the seeds
    opts = 'INGEST_OPTS=--columns id="Comment ID" --ignore-columns'
    mine = 'ingest --threads mine.csv --columns id="Comment ID" --ignore-columns --storage jsonl'
    mine += " --out data/interim/corpus"
    assert planned_ingest(project, "run", "THREADS=mine.csv", opts) == [mine]
    remember(project, "THREADS=mine.csv", opts)
    stamp = project / "data" / "interim" / ".input-choice"
    assert stamp.read_text(encoding="utf-8").split() == mine.split()[1:-2]  # quotes kept
    for target in ("review", "report", "segment", "graph"):
        assert planned_ingest(project, target) == [mine], target
    assert planned_ingest(project, "review", "THREADS=other.jsonl") == [
        "ingest --threads other.jsonl --storage jsonl --out data/interim/corpus"
    ]
    assert planned_ingest(project, "run") == [seeds]
    # A dry run previews other inputs without changing which inputs later targets keep.
    assert planned_ingest(project, "review") == [mine]


def test_make_report_is_named_after_the_inputs_it_reports_on(project):
    def name(*args: str) -> str:
        return re.search(r" report .*? --name (\w+)", dry_run(project, *args), re.S).group(1)

    assert name("run") == "seeds"
    assert name("run", "THREADS=mine.csv") == "threads"
    remember(project, "THREADS=mine.csv")
    assert name("report") == "threads"
    assert name("run") == "seeds"
    remember(project, "MANIFEST=seeds/manifest.toml")
    assert name("report") == "seeds"
    assert name("run", "MANIFEST=pages/manifest.toml") == "pages"
    remember(project, "MANIFEST=pages/manifest.toml")
    assert name("report") == "pages"


def test_make_run_on_ones_own_raw_pages(project):
    pages = "ingest --manifest pages/manifest.toml --storage jsonl --out data/interim/corpus"
    assert planned_ingest(project, "run", "MANIFEST=pages/manifest.toml") == [pages]
    remember(project, "MANIFEST=pages/manifest.toml")
    assert planned_ingest(project, "review") == [pages]
    assert planned_ingest(project, "run") == [
        "ingest --manifest seeds/manifest.toml --storage jsonl --out data/interim/corpus"
    ]


def test_train_and_evaluate_do_not_ingest(project):
    """Gold carries its own threads (review/snapshots.py): retraining after `make run
    THREADS=x` needs no ingest of the seeds, nor of x."""
    assert planned_ingest(project, "train") == []
    assert planned_ingest(project, "evaluate") == []


def test_make_run_config_passes_ones_settings_to_every_stage(project):
    """`make run CONFIG=my.toml` hands the file to every stage, and the choice is kept in a
    stamp the stages depend on, so switching settings (or back to none) reruns them."""
    (project / "my.toml").write_text("[graph]\nmax_corpus_nodes = 10\n")
    planned = dry_run(project, "run", "CONFIG=my.toml")
    for stage in ("ingest", "segment", "classify", "graph", "report"):
        assert re.search(rf"-m pipeline -q --config my\.toml {stage} ", planned), stage
    assert "--config" not in dry_run(project, "run")
    env = {k: v for k, v in os.environ.items() if k not in ("THREADS", "MAKEFLAGS", "MAKELEVEL")}
    stamp = project / "data" / "interim" / ".config-choice"
    for choice, text in ((["CONFIG=my.toml"], "config my.toml"), ([], "config")):
        subprocess.run(["make", "data/interim/.config-choice", *choice], cwd=project, env=env, check=True)
        assert stamp.read_text(encoding="utf-8").split() == text.split()


def test_make_run_says_which_named_file_does_not_exist(project):
    env = {k: v for k, v in os.environ.items() if k not in ("THREADS", "MAKEFLAGS", "MAKELEVEL")}
    for choice in ("THREADS=mine.csv nope.csv", "CONFIG=my.toml", "MANIFEST=nope/manifest.toml"):
        done = subprocess.run(["make", "-n", "run", choice], cwd=project, env=env, capture_output=True, text=True)
        missing = choice.split("=")[1].split()[-1]
        assert done.returncode != 0 and f"no such file or folder: {missing} (THREADS" in done.stderr, choice


def test_make_run_says_a_file_name_with_a_space_must_be_linked(project):
    """make splits THREADS at spaces, so "my data/t.csv" would be named as two missing
    files: the error says what is wrong and how to run it instead."""
    env = {k: v for k, v in os.environ.items() if k not in ("THREADS", "MAKEFLAGS", "MAKELEVEL")}
    (project / "my data").mkdir()
    (project / "my data" / "t.csv").write_text("id,thread_id,text\n1,1,Hej\n", encoding="utf-8")
    done = subprocess.run(
        ["make", "-n", "run", "THREADS=my data/t.csv"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and 'THREADS="my data/t.csv" is one name with a space in it' in done.stderr
    assert 'ln -s "my data/t.csv" mythreads.csv' in done.stderr and "make run THREADS=mythreads.csv" in done.stderr
    done = subprocess.run(
        ["make", "-n", "run", "THREADS=my data/t.csv x.csv"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "make splits THREADS at spaces" in done.stderr
