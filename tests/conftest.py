"""Shared fixtures: the real seed corpus, and the whole pipeline run into a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Nothing downloads during tests: any attempt to reach the Hugging Face hub fails at once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from pipeline.core.config import PROJ_ROOT, load_config

SEEDS = PROJ_ROOT / "seeds"
THREAD_ID = "002_bf87ce656931ef12"


def make_post(pid: str, position: int, **fields):
    """A `Post` of thread "t" with what tests do not care about filled in (Danish, the root at
    position 0 a document); `fields` set the rest."""
    from pipeline.core.schema import Post

    base = dict(
        id=pid,
        thread_id="t",
        kind="document" if position == 0 else "comment",
        position=position,
        parent_id=None,
        lang="da",
        lang_confidence=1.0,
        lang_source="given",
        source="x",
    )
    return Post(**{**base, **fields})


def model_card(name: str, backend: str, label_counts: dict[str, int], settings: dict, **extra) -> dict:
    """The card fields a model folder needs, for a reply_stance model trained in a test."""
    return {
        "name": name,
        "task": "reply_stance",
        "backend": backend,
        "labels": ["support", "deny", "query", "comment"],
        "trained_at": "2026-11-23",
        "n_items": sum(label_counts.values()),
        "data": [],
        "label_counts": label_counts,
        "cv": None,
        "settings": settings,
        "notes": [],
        **extra,
    }


@pytest.fixture(scope="session")
def cfg():
    return load_config()


@pytest.fixture(scope="session")
def seed_corpus(cfg):
    from pipeline.ingest.pages.seeds import ingest_seeds

    return ingest_seeds(SEEDS / "manifest.toml", cfg)


@pytest.fixture(scope="session")
def thread(seed_corpus):
    """The 'Socialrådgivernes fallit' thread: (root, comments oldest first)."""
    posts = seed_corpus.thread_posts(THREAD_ID)
    return posts[0], posts[1:]


def run_cli(*args: str) -> int:
    from pipeline.cli import main

    return main(["-q", *args])


def stage_args(run: dict[str, Path]) -> list[str]:
    """--corpus/--segments/--predictions of a `run_pipeline` run, for the commands that read results."""
    return [arg for k in ("corpus", "segments", "predictions") for arg in (f"--{k}", str(run[k]))]


def run_pipeline(out: Path, *ingest_args: str, name: str = "seeds") -> dict[str, Path]:
    """Every stage through the CLI, with the committed models; ingest the seeds by default."""
    paths = {k: out / k for k in ("corpus", "segments", "predictions", "graphs", "reports")}
    ingest_args = ingest_args or ("--manifest", str(SEEDS / "manifest.toml"))
    c, s, p = str(paths["corpus"]), str(paths["segments"]), str(paths["predictions"])
    assert run_cli("ingest", *ingest_args, "--out", c) == 0
    assert run_cli("segment", "--corpus", c, "--out", s) == 0
    assert run_cli("classify", "--corpus", c, "--segments", s, "--out", p) == 0
    assert run_cli("graph", "--corpus", c, "--segments", s, "--predictions", p, "--out", str(paths["graphs"])) == 0
    assert (
        run_cli(
            "report", "--corpus", c, "--segments", s, "--predictions", p, "--out", str(paths["reports"]), "--name", name
        )
        == 0
    )
    return paths


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory):
    return run_pipeline(tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory):
    """A 2-layer BERT with random weights and a WordPiece vocabulary trained on the seeds:
    it knows nothing, and only shows that the transformers backend runs. Never a real model."""
    torch = pytest.importorskip("torch")
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=800, special_tokens=special))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=fast.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    folder = tmp_path_factory.mktemp("tiny-encoder")
    BertForSequenceClassification(config).save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder


def write_ods(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> Path:
    """An OpenDocument spreadsheet as LibreOffice saves one: cells typed as strings, floats
    or dates (`datetime.date`/`datetime`), None an empty cell, and each sheet ending in the
    block of a million repeated empty rows LibreOffice writes after the data."""
    import datetime as dt
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, (dt.date, dt.datetime)):
            attrs = f'office:value-type="date" office:date-value={quoteattr(value.isoformat())}'
        elif isinstance(value, (int, float)):
            attrs = f'office:value-type="float" office:value="{value}"'
        else:
            attrs = 'office:value-type="string"'
        return f"<table:table-cell {attrs}><text:p>{escape(str(value))}</text:p></table:table-cell>"

    tables = "".join(
        f"<table:table table:name={quoteattr(name)}>"
        + "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
        + '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row></table:table>'
        for name, rows in sheets
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        # The first member, stored: how a reader tells an OpenDocument file.
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path
