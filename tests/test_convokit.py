"""The result as a ConvoKit corpus: what ConvoKit's own loader reads, and what we read back."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import THREAD_ID, run_cli, stage_args

from pipeline.formats.convokit import read_convokit

FILES = {"utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json"}


@pytest.fixture(scope="module")
def exported(pipeline_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("convokit") / "corpus"
    assert run_cli("export-convokit", *stage_args(pipeline_run), "--out", str(out)) == 0
    return out


def test_convokit_export_has_every_post_with_its_labels(exported):
    assert {f.name for f in exported.iterdir()} == FILES
    utts = {
        u["id"]: u for u in map(json.loads, (exported / "utterances.jsonl").read_text(encoding="utf-8").splitlines())
    }
    assert len(utts) == 25
    c10 = utts[f"{THREAD_ID}/c10"]
    assert c10["reply-to"] == f"{THREAD_ID}/c08" and c10["conversation_id"] == THREAD_ID
    assert c10["meta"]["reply_stance"] in ("support", "deny", "query", "comment")
    assert {"unit_type", "start", "end"} <= set(c10["meta"]["units"][0])
    speakers = json.loads((exported / "speakers.json").read_text(encoding="utf-8"))
    assert speakers[c10["speaker"]]["meta"]["role"] == "journalist"
    index = json.loads((exported / "index.json").read_text(encoding="utf-8"))
    assert index["utterances-index"]["reply_stance"] == ["<class 'str'>"]  # roots have none, not null
    conversations = json.loads((exported / "conversations.json").read_text(encoding="utf-8"))
    assert conversations[THREAD_ID]["meta"]["target"] == "Socialrådgiverne har spillet fallit som faggruppe."


def test_convokit_export_reads_back_through_our_importer(exported):
    by_id = {r[2]["id"]: r[2] for r in read_convokit(exported)}
    assert len(by_id) == 25
    assert by_id[f"{THREAD_ID}/c10"]["parent_id"] == f"{THREAD_ID}/c08"


@pytest.mark.slow
def test_convokit_export_loads_in_the_real_convokit(exported, tmp_path):
    """In a throwaway environment: convokit's dependencies are not the pipeline's."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "convokit==5.0.0"], capture_output=True, text=True, timeout=1500
    )
    if pip.returncode != 0:
        pytest.skip(f"convokit could not be installed here: {pip.stderr[-300:]}")
    code = (
        "import json, sys; from convokit import Corpus; c = Corpus(filename=sys.argv[1]); "
        f"u = c.get_utterance('{THREAD_ID}/c10'); "
        "print(json.dumps([len(list(c.iter_utterances())), u.reply_to, u.meta['reply_stance'], "
        "u.speaker.meta['role']]))"
    )
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code, str(exported)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    n, reply_to, stance, role = json.loads(out.stdout.strip().splitlines()[-1])
    assert (n, reply_to, role) == (25, f"{THREAD_ID}/c08", "journalist") and stance in (
        "support",
        "deny",
        "query",
        "comment",
    )
