"""Label Studio for real: the exported config and tasks pass label-studio-sdk's validation,
and a local Label Studio server takes them, is annotated through its API, and its export
becomes gold. Slow: Label Studio is installed into a throwaway environment (its
dependencies are not the pipeline's) unless LABEL_STUDIO_VENV names one that has it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import run_cli

pytestmark = pytest.mark.slow
# Pinned: Label Studio 1.23.2 asks for any sentry-sdk, and sentry-sdk 3.0 (2026) no longer
# takes the options it starts with, so the newest of both fails before it serves a page.
LABEL_STUDIO = ("label-studio==1.23.2", "sentry-sdk<3")

VALIDATE = r"""
import json, sys
from label_studio_sdk.label_interface import LabelInterface
folder = sys.argv[1]
li = LabelInterface(open(folder + "/labelstudio_config.xml", encoding="utf-8").read())
li.validate()  # raises on a broken config
tasks = json.load(open(folder + "/labelstudio_tasks.json", encoding="utf-8"))
ok = [li.validate_task({k: v for k, v in t.items() if k != "predictions"}) for t in tasks]
preds = [li.validate_prediction(p) for t in tasks for p in t["predictions"]]
bad = li.validate_prediction({"result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                          "value": {"choices": ["no-such-label"]}}]})
print(json.dumps({"tasks": ok, "predictions": preds, "bad": bad}))
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    given = os.environ.get("LABEL_STUDIO_VENV")
    if given and (Path(given) / "bin" / "label-studio").exists():
        return Path(given)
    path = tmp_path_factory.mktemp("labelstudio") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    pip = subprocess.run(
        [str(path / "bin" / "pip"), "install", "-q", *LABEL_STUDIO], capture_output=True, text=True, timeout=1800
    )
    if pip.returncode != 0:
        pytest.skip(f"label-studio could not be installed here: {pip.stderr[-300:]}")
    return path


@pytest.fixture(scope="module")
def batch(pipeline_run, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("ls-review")
    c, s, p = (str(pipeline_run[k]) for k in ("corpus", "segments", "predictions"))
    args = [
        "--corpus",
        c,
        "--segments",
        s,
        "--predictions",
        p,
        "--gold",
        str(out / "gold"),
        "--out",
        str(out / "review"),
    ]
    assert run_cli("review", "export", "--task", "reply_stance", "--size", "3", "--include-labelled", *args) == 0
    (folder,) = list((out / "review").iterdir())
    return folder, out / "gold"


def test_labelstudio_sdk_accepts_config_tasks_and_predictions(venv, batch):
    folder, _ = batch
    out = subprocess.run([str(venv / "bin" / "python"), "-c", VALIDATE, str(folder)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-500:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["tasks"] == [True] * 3 and result["predictions"] == [True] * 3
    assert result["bad"] is False  # the validation can fail: an unknown label is refused


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_labelstudio_server_round_trip_into_gold(venv, batch, tmp_path, cfg, pipeline_run):
    from pipeline.core.corpus import read_corpus
    from pipeline.review.filled import import_labels
    from pipeline.review.gold import read_events, resolve

    folder, gold = batch
    port, token = _free_port(), "pipeline-test-token"
    server = subprocess.Popen(
        [str(venv / "bin" / "label-studio"), "start", "--no-browser", "--port", str(port), "--internal-host",
         "127.0.0.1", "--data-dir", str(tmp_path / "ls"), "--username", "tester@example.com", "--password",
         "not-a-secret-1", "--user-token", token, "--enable-legacy-api-token"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def call(method: str, path: str, body=None):
        req = urllib.request.Request(
            base + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"null")

    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(base + "/health", timeout=5):
                    break
            except OSError:
                time.sleep(2)
        else:
            pytest.fail("Label Studio did not start within 4 minutes")
        config = (folder / "labelstudio_config.xml").read_text(encoding="utf-8")
        project = call("POST", "/api/projects", {"title": "pipeline test", "label_config": config})
        tasks = json.loads((folder / "labelstudio_tasks.json").read_text(encoding="utf-8"))
        imported = call("POST", f"/api/projects/{project['id']}/import", tasks)
        assert imported["task_count"] == 3 and imported["prediction_count"] == 3
        listed = call("GET", f"/api/tasks?project={project['id']}")
        first = (listed["tasks"] if isinstance(listed, dict) else listed)[0]
        result = [{"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["query"]}}]
        call("POST", f"/api/tasks/{first['id']}/annotations", {"result": result})
        export = call("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    finally:
        server.terminate()
        server.wait(timeout=30)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    corpus = read_corpus(pipeline_run["corpus"])
    gold_batch, n = import_labels(path, "Label Studio", folder.parent, gold, corpus, cfg)
    assert gold_batch is not None and n == 1
    resolved, _ = resolve(read_events(gold), "reply_stance")
    assert resolved[first["data"]["item_id"]].label == "query"
