"""Hostile and broken input: nothing outside --out, no live formulas, no label lost.

Each test feeds the bad input a hostile but fair user would, and checks the outcome; the
guarantees are listed in docs/safety.md.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import threading
from pathlib import Path

import networkx as nx
import pytest
from conftest import run_cli, run_pipeline

from pipeline.core.artifacts import atomic_dir, recover_dir, safe_filename
from pipeline.core.cells import protect, unprotect
from pipeline.core.errors import InputError, ModelError
from pipeline.review.filled import import_labels, span_offsets, utf16_to_index
from pipeline.review.gold import read_events, resolve

HOSTILE = [
    {"id": "root", "thread_id": "../../escaped", "author": "$x$ Ha$h", "title": "Kommunen skal =HYPERLINK(1) betale"},
    {
        "id": "c1",
        "thread_id": "../../escaped",
        "parent_id": "root",
        "author": "=cmd|' /C calc'!A0",
        "text": '=HYPERLINK("http://evil.example/x","klik") Jeg er uenig, for pengene findes ikke.',
    },
    {
        "id": "c2",
        "thread_id": "../../escaped",
        "parent_id": "c1",
        "author": "@anna | <b>",
        "text": "+45 er et tal. ![x](http://evil.example/pixel.png) [klik](javascript:alert(1)) $$ $",
    },
    {"id": "abs", "thread_id": "/tmp/absolute-escape", "author": "-minus", "title": "Et andet emne, helt for sig"},
]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    out = base / "deep" / "out"
    out.mkdir(parents=True)
    paths = run_pipeline(out, "--threads", str(_write(base / "hostile.jsonl", HOSTILE)), name="hostile")
    return base, out, paths


def test_safety_no_file_is_written_outside_the_output_folder(hostile_run):
    base, out, paths = hostile_run
    outside = _files(base) - _files(out) - {base / "hostile.jsonl"}
    assert outside == set()
    assert not Path("/tmp/absolute-escape.graphml").exists()
    threads = paths["graphs"] / "threads"
    names = sorted(p.name for p in threads.glob("*.graphml"))
    assert names == sorted(f"{safe_filename(t)}.graphml" for t in ("../../escaped", "/tmp/absolute-escape"))
    assert all("/" not in n and not n.startswith(".") for n in names)
    ids = {nx.read_graphml(threads / n).graph["thread_id"] for n in names}
    assert ids == {"../../escaped", "/tmp/absolute-escape"}  # the real id is kept inside the file


def test_safety_safe_filename_is_short_unique_and_plain():
    for key in ("../../x", "/etc/passwd", "A b", "a-b", "a\x00b", "ø" * 300, ".", ".."):
        name = safe_filename(key)
        assert name.isascii() and "/" not in name and len(name) <= 50 and not name.startswith(".")
    assert safe_filename("A b") != safe_filename("a-b") != safe_filename("a b")


def test_safety_graph_csv_cells_never_start_a_formula(hostile_run):
    _, _, paths = hostile_run
    for name in ("nodes.csv", "edges.csv", "participant_nodes.csv", "participant_edges.csv"):
        with open(paths["graphs"] / name, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row), (name, row)
    with open(paths["graphs"] / "nodes.csv", encoding="utf-8", newline="") as fh:
        texts = [unprotect(r["text"]) for r in csv.DictReader(fh) if r.get("text")]
    assert HOSTILE[1]["text"] in texts  # protected on the way out, exactly the text on the way back


@pytest.mark.parametrize("text", ["=1+1", "+45", "-", "@x", "\tx", "\rx", "'=x", "''", "'", "plain", "", "=", "'a"])
def test_safety_protect_and_unprotect_are_inverse(text):
    cell = protect(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unprotect(cell) == text


def test_safety_ids_refuse_exactly_the_control_characters():
    """An id may hold any character but Unicode's control characters (category Cc), which
    the fast check finds by one regular expression: the same set, and a clear error."""
    import unicodedata

    from pipeline.core.schema import _CONTROL, MAX_ID_CHARS, check_id

    every = [chr(c) for c in range(0x110000)]
    assert [c for c in every if _CONTROL.search(c)] == [c for c in every if unicodedata.category(c) == "Cc"]
    assert check_id("t1/c1 æøå – ☃ \u2028 \ufeff") == "t1/c1 æøå – ☃ \u2028 \ufeff"
    for bad in ("t1/\x00c1", "t1\nc1", "t1\x85", "\x7f"):
        with pytest.raises(ValueError, match="control characters"):
            check_id(bad)
    with pytest.raises(ValueError, match="characters long"):
        check_id("x" * (MAX_ID_CHARS + 1))


def test_safety_protect_arrow_is_protect_over_a_column():
    """Large tables are protected a column at a time in Arrow: the same cells as `protect`."""
    import pyarrow as pa

    from pipeline.core.cells import protect_arrow

    texts = ["=1+1", "+45", "-", "@x", "\tx", "\rx", "'=x", "''", "'", "plain", "", "=", "'a", None, "a=b", "\n=x"]
    assert protect_arrow(pa.array(texts)).to_pylist() == [protect(t) for t in texts]
    assert protect_arrow(pa.chunked_array([texts[:5], texts[5:]])).to_pylist() == [protect(t) for t in texts]
    numbers = pa.array([-1.5, None, 2.0])
    assert protect_arrow(numbers) is numbers


def test_safety_arrow_csv_lines_are_the_bytes_pythons_csv_writer_writes():
    """The graph's node and edge tables are written column by column in Arrow: byte for byte
    what `csv.writer` writes of the protected cells, for text that needs quoting (commas,
    quotes, line breaks), formula starts, empty and missing cells, and numbers of every
    form Python prints (1.0, 1e-05, 1e+16, nan, booleans)."""
    import io

    import pyarrow as pa

    from pipeline.core.cells import arrow_csv_lines, protect_arrow

    texts = ["plain", 'a "quoted" word', "a, b", "two\nlines", "cr\ronly", "=1+1", "'=x", "", None, "æøå ☃", "-"]
    n = len(texts)
    floats = [1.0, 0.1857, 1e-05, 1e16, 123456789.0, float("nan"), None, -0.0, 2.5e-07, 0.5, 0.0]
    table = pa.table(
        {
            "Id": [f"post:{i}" for i in range(n)],
            "text": texts,
            "confidence": floats,
            "n": [3, None, -1, 0, 10**12, 7, 7, 7, 7, 7, 7],
            "flag": [True, False, None, True, True, True, True, True, True, True, True],
            "empty": pa.nulls(n),
        }
    )

    def written(t: pa.Table) -> bytes:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(
            zip(*(protect_arrow(c).to_pylist() for c in t.columns), strict=True)
        )
        return out.getvalue().encode("utf-8")

    assert arrow_csv_lines(table) == written(table)
    # A slice (an offset into the Arrow buffers), and a table whose columns need no quoting.
    assert arrow_csv_lines(table.slice(3, 5)) == written(table.slice(3, 5))
    assert arrow_csv_lines(table.select(["Id", "n"])) == written(table.select(["Id", "n"]))
    # One column: csv writes a lone empty cell as '""', and so does this.
    assert arrow_csv_lines(table.select(["text"])) == written(table.select(["text"]))
    assert arrow_csv_lines(table.slice(0, 0)) == b""


def test_safety_report_renders_dollar_names_and_inert_markdown(hostile_run):
    _, _, paths = hostile_run
    md = (paths["reports"] / "hostile.md").read_text(encoding="utf-8")
    assert "](http" not in md and "](javascript" not in md
    assert "![x]" not in md and "evil.example/pixel" not in md  # a remote image from input is dropped
    assert "<b>" not in md and "&lt;b&gt;" in md
    for line in md.splitlines():
        if line.startswith("|") and "anna" in line:
            assert "\\|" in line  # a "|" in a name does not split the table row
    html = (paths["reports"] / "hostile.html").read_text(encoding="utf-8")
    assert "javascript:" not in html.replace("javascript:alert(1)", "") and "<b>" not in html


def _review_export(paths: dict, review: Path, gold: Path, task: str = "reply_stance") -> Path:
    c, s, p = (str(paths[k]) for k in ("corpus", "segments", "predictions"))
    assert (
        run_cli(
            "review", "export", "--task", task, "--size", "5", "--corpus", c, "--segments", s, "--predictions", p,
            "--gold", str(gold), "--out", str(review),
        )
        == 0
    )  # fmt: skip
    (folder,) = list(review.iterdir())
    return folder


def _fill(folder: Path, labels: dict[str, str], name: str) -> Path:
    text = (folder / "batch.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        r["label"] = labels.get(r["item_id"], "")
        w.writerow(r)
    path = folder.parent / name
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return path


def test_safety_review_sheets_hold_text_not_formulas(hostile_run, tmp_path):
    from openpyxl import load_workbook

    _, _, paths = hostile_run
    folder = _review_export(paths, tmp_path / "review", tmp_path / "gold")
    with open(folder / "batch.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    c1 = next(r for r in rows if r["item_id"] == "c1")
    assert unprotect(c1["text"]) == HOSTILE[1]["text"]
    ws = load_workbook(folder / "batch.xlsx").active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert cells and all(c.data_type == "s" for c in cells)  # typed text: never evaluated
    assert any(c.value == HOSTILE[1]["text"] for c in cells)


def test_safety_the_latest_label_always_counts(pipeline_run, tmp_path):
    from pipeline.core.config import load_config
    from pipeline.core.corpus import read_corpus

    cfg, corpus = load_config(), read_corpus(pipeline_run["corpus"])
    gold = tmp_path / "gold"
    folder = _review_export(pipeline_run, tmp_path / "review", gold)
    item = json.loads((folder / "items.jsonl").read_text(encoding="utf-8").splitlines()[0])["item_id"]
    a, b = _fill(folder, {item: "query"}, "a.csv"), _fill(folder, {item: "deny"}, "b.csv")
    stamp = "2026-11-24T09:00:00Z"  # the same given stamp each time: order must still hold
    assert import_labels(a, "Anna", folder.parent, gold, corpus, cfg, now=stamp)[0] is not None
    assert import_labels(b, "Anna", folder.parent, gold, corpus, cfg, now=stamp)[0] is not None
    assert resolve(read_events(gold), "reply_stance")[0][item].label == "deny"
    batch, _ = import_labels(a, "Anna", folder.parent, gold, corpus, cfg, now=stamp)
    assert batch is not None and batch.endswith("--r3")  # back to A is a change, and is recorded
    assert resolve(read_events(gold), "reply_stance")[0][item].label == "query"
    assert import_labels(a, "Anna", folder.parent, gold, corpus, cfg)[0] is None  # a true repeat: no-op


def test_safety_annotators_whose_names_slug_alike_stay_apart(pipeline_run, tmp_path):
    from pipeline.core.config import load_config
    from pipeline.core.corpus import read_corpus

    cfg, corpus = load_config(), read_corpus(pipeline_run["corpus"])
    gold = tmp_path / "gold"
    folder = _review_export(pipeline_run, tmp_path / "review", gold)
    item = json.loads((folder / "items.jsonl").read_text(encoding="utf-8").splitlines()[0])["item_id"]
    first = import_labels(_fill(folder, {item: "query"}, "a.csv"), "Anna Holm", folder.parent, gold, corpus, cfg)
    second = import_labels(_fill(folder, {item: "deny"}, "b.csv"), "anna.holm", folder.parent, gold, corpus, cfg)
    assert first[0] != second[0] and not second[0].endswith("--r2")
    by_annotator = {e.annotator: e.label for e in read_events(gold)}
    assert by_annotator == {"Anna Holm": "query", "anna.holm": "deny"}
    assert resolve(read_events(gold), "reply_stance")[1][0].labels == by_annotator  # a disagreement, not a merge


def test_safety_concurrent_imports_never_overwrite_each_other(pipeline_run, tmp_path):
    from pipeline.core.config import load_config
    from pipeline.core.corpus import read_corpus

    cfg, corpus = load_config(), read_corpus(pipeline_run["corpus"])
    gold = tmp_path / "gold"
    folder = _review_export(pipeline_run, tmp_path / "review", gold)
    items = [json.loads(x)["item_id"] for x in (folder / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    files = [_fill(folder, {items[0]: lab}, f"{lab}.csv") for lab in ("query", "deny", "support", "comment")]
    results: list = []

    def work(path: Path) -> None:
        results.append(import_labels(path, "Bo", folder.parent, gold, corpus, cfg))

    threads = [threading.Thread(target=work, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    batches = sorted(b for b, _ in results)
    assert len(set(batches)) == 4 and len(list(gold.glob("*.jsonl"))) == 4
    assert sorted(e.label for e in read_events(gold)) == ["comment", "deny", "query", "support"]


def test_safety_labelstudio_spans_counted_in_utf16_are_converted():
    text = "Hej 👋 æøå: Det er forkert."
    start = text.index("Det")
    end = len(text)
    # The browser counts the emoji as two UTF-16 code units.
    assert utf16_to_index(text, start + 1) == start
    assert span_offsets(text, start + 1, end + 1, "Det er forkert.") == (start, end)
    assert span_offsets(text, start, end, "Det er forkert.") == (start, end)
    assert span_offsets(text, 0, 3, "Det") is None  # neither reading gives the shown text


def test_safety_labelstudio_span_text_mismatch_is_refused_with_its_task(pipeline_run, tmp_path):
    from pipeline.core.config import load_config
    from pipeline.core.corpus import read_corpus

    cfg, corpus = load_config(), read_corpus(pipeline_run["corpus"])
    gold = tmp_path / "gold"
    folder = _review_export(pipeline_run, tmp_path / "review", gold, task="unit_type")
    tasks = json.loads((folder / "labelstudio_tasks.json").read_text(encoding="utf-8"))
    task = tasks[0]
    result = task["predictions"][0]["result"]
    result[0]["value"]["text"] = "noget helt andet"
    task["annotations"] = [{"result": result}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_labels(path, "Cecilie", folder.parent, gold, corpus, cfg)
    assert f"task {task['id']}" in str(info.value) and "noget helt andet" in str(info.value)
    assert list(gold.glob("*.jsonl")) == []


def test_safety_a_manifest_naming_a_file_with_a_control_character_is_refused_naming_its_line(tmp_path, capsys):
    # A NUL in a listed name had stopped ingest with Python's raw "embedded null byte".
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "side.txt").write_text("Socialrådgivere mangler.\n", encoding="utf-8")
    (pages / "manifest.toml").write_text('[[document]]\nfile = "side.txt"\n\n[[document]]\nfile = "si\\u0000de.txt"\n')
    code = run_cli("ingest", "--manifest", str(pages), "--out", str(tmp_path / "corpus"))
    err = capsys.readouterr().err
    assert code == 2 and "manifest.toml:4: file: Value error, contains control characters (U+0000)" in err
    assert not (tmp_path / "corpus").exists()


@pytest.mark.parametrize("listed", ["../secret.txt", "ABSOLUTE", "link.txt"])
def test_safety_a_manifest_reads_no_file_outside_its_folder(tmp_path, capsys, listed):
    """A pages folder from someone else may list `../../.ssh/id_rsa`, an absolute path, or a
    link that leads out: ingest refuses it (it had read the file into the corpus)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Min private nøgle, ikke en debat.\n", encoding="utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "link.txt").symlink_to(secret)
    name = str(secret) if listed == "ABSOLUTE" else listed
    (pages / "manifest.toml").write_text(f'[[document]]\nfile = "{name}"\n', encoding="utf-8")
    code = run_cli("ingest", "--manifest", str(pages), "--out", str(tmp_path / "corpus"))
    err = capsys.readouterr().err
    assert code == 2 and "is outside the manifest's folder" in err and "manifest.toml:1:" in err
    assert not (tmp_path / "corpus").exists()
    # A folder without a manifest, whose pages are what it holds, holds no link that leads out.
    (pages / "manifest.toml").unlink()
    code = run_cli("ingest", "--manifest", str(pages), "--out", str(tmp_path / "corpus"))
    assert code == 2 and "link.txt: a link to a file outside the pages folder" in capsys.readouterr().err
    assert not (tmp_path / "corpus").exists()


def test_safety_a_thread_folder_reads_no_file_through_a_link_leading_out(tmp_path, capsys):
    secret = tmp_path / "secret.jsonl"
    secret.write_text('{"id": "x", "thread_id": "x", "text": "privat"}\n', encoding="utf-8")
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "a", "thread_id": "a", "title": "Løn til socialrådgivere"}\n')
    (folder / "b.jsonl").symlink_to(secret)
    code = run_cli("ingest", "--threads", str(folder), "--out", str(tmp_path / "corpus"))
    assert code == 2 and "b.jsonl: a link to a file outside the folder given" in capsys.readouterr().err
    assert not (tmp_path / "corpus").exists()


def test_safety_an_output_never_replaces_a_researchers_file_or_folder(tmp_path, capsys):
    """Outputs are folders swapped in whole: `--out` naming an existing file, or a folder of
    the researcher's own files (`--out .`, `--out ~/thesis`), is refused and left as it
    was. (Before 2026-12-07 the file became the output folder, and the folder's files were
    deleted with the old output.) A folder an earlier run wrote is replaced, as always."""
    threads = tmp_path / "t.jsonl"
    threads.write_text('{"id": "a", "thread_id": "a", "title": "Løn til socialrådgivere"}\n', encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("Mine noter\n", encoding="utf-8")
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "kapitel1.md").write_text("# Kapitel 1\n", encoding="utf-8")
    for out, why in ((notes, "is a file, not a folder"), (thesis, "holds files no run of this pipeline wrote")):
        assert run_cli("ingest", "--threads", str(threads), "--out", str(out)) == 2
        assert why in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "Mine noter\n"
    assert [p.name for p in thesis.iterdir()] == ["kapitel1.md"]
    corpus = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(threads), "--out", str(corpus)) == 0
    assert run_cli("ingest", "--threads", str(threads), "--out", str(corpus)) == 0


def test_safety_a_changed_or_broken_model_file_is_refused(tmp_path, capsys):
    import shutil

    from pipeline.core.config import MODELS_DIR
    from pipeline.models.store import load_model

    folder = tmp_path / "reply_stance"
    shutil.copytree(MODELS_DIR / "reply_stance", folder)
    with open(folder / "model.skops", "ab") as fh:
        fh.write(b"\x00")  # what a tampered or truncated download looks like
    with pytest.raises(ModelError, match="sha256 mismatch"):
        load_model(folder)
    card = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    (folder / "model.skops").write_bytes(b"not a model")
    card["files"]["model.skops"] = __import__("hashlib").sha256(b"not a model").hexdigest()
    (folder / "metrics.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read"):
        load_model(folder)
    code = run_cli("classify", "--reply-model", str(folder), "--out", str(tmp_path / "p"))
    assert code == 2 and capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "p").exists()


def test_safety_stages_of_different_corpora_do_not_mix(pipeline_run, hostile_run, tmp_path, capsys):
    _, _, hostile = hostile_run
    out = tmp_path / "graphs"
    code = run_cli(
        "graph", "--corpus", str(hostile["corpus"]), "--segments", str(pipeline_run["segments"]),
        "--predictions", str(pipeline_run["predictions"]), "--out", str(out),
    )  # fmt: skip
    assert code == 2 and "do not belong together" in capsys.readouterr().err and not out.exists()
    code = run_cli(
        "classify", "--corpus", str(hostile["corpus"]), "--segments", str(pipeline_run["segments"]),
        "--out", str(tmp_path / "p"),
    )  # fmt: skip
    assert code == 2 and "segments" in capsys.readouterr().err


def test_safety_a_killed_run_leaves_the_old_or_the_new_output(tmp_path):
    out = tmp_path / "stage"
    with atomic_dir(out) as tmp:
        (tmp / "manifest.json").write_text("old")
    # A run killed between parking the old output and moving the new one in:
    os.replace(out, tmp_path / ".stage.old")
    (tmp_path / ".stage.x1.tmp").mkdir()
    assert not out.exists()
    done = recover_dir(out)
    assert (out / "manifest.json").read_text() == "old" and len(done) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stage"]
    with pytest.raises(RuntimeError):
        with atomic_dir(out) as tmp:
            (tmp / "manifest.json").write_text("half")
            raise RuntimeError("killed")
    assert (out / "manifest.json").read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["stage"]


def _random_text(rng: random.Random) -> str:
    pieces = [
        "Jeg er uenig.", "Helt enig!", "Hvorfor?", "\u202eRTL\u202c", "👋🏽", "$a$", "=SUM(A1)", "+45", "@x", "|",
        "æøå ÆØÅ", "\x07bell", "\u200b", "<script>", "[l](javascript:x)", "Socialrådgivere har for travlt.",
    ]  # fmt: skip
    if rng.random() < 0.05:
        # About 100 kB in 100 sentences of 1 kB: the size of a pasted report, without the
        # 9,000 units that made every stage's files (and the test) slow for nothing more.
        return ("Lang tekst " * 90 + "slut. ") * 100
    return " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))


def test_safety_fuzz_random_threads_survive_every_stage(tmp_path):
    """Random ids, texts and tree shapes (seeded): no traceback, every file under --out,
    GraphML reads back, and every post is in the output."""
    rng = random.Random(20261123)
    rows, n_posts = [], 0
    for t in range(6):
        tid = rng.choice(["../t", "t/../../x", "$t$", "=t", "t t", "ø", "@t", "-t"]) + f"{t}"
        ids = [f"{tid}/root"]
        rows.append({"id": ids[0], "thread_id": tid, "author": _random_text(rng)[:30], "title": _random_text(rng)})
        for k in range(rng.randint(0, 25)):
            pid = f"{tid}#{k}{rng.choice(['', '$', '=', ' ', '‮'])}"
            rows.append(
                {
                    "id": pid,
                    "thread_id": tid,
                    "parent_id": rng.choice(ids),
                    "author": rng.choice(["", "[deleted]", "$Ola$", "=Ola", "Åsa", "a|b"]),
                    "text": _random_text(rng),
                }
            )
            ids.append(pid)
        n_posts += len(ids)
    out = tmp_path / "out"
    out.mkdir()
    paths = run_pipeline(out, "--threads", str(_write(tmp_path / "fuzz.jsonl", rows)), name="fuzz")
    assert {p for p in tmp_path.rglob("*") if p.is_file()} - _files(out) == {tmp_path / "fuzz.jsonl"}
    g = nx.read_graphml(paths["graphs"] / "corpus.graphml", force_multigraph=True)
    assert {r["id"].strip() for r in rows} <= set(g.nodes)  # ids are read with surrounding blanks trimmed
    posts = (paths["corpus"] / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(posts) == n_posts
    for f in (paths["graphs"] / "threads").glob("*.graphml"):
        nx.read_graphml(f)


def test_safety_a_model_file_naming_untrusted_code_is_refused(tmp_path):
    import hashlib
    import shutil

    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    from pipeline.core.config import MODELS_DIR
    from pipeline.models.store import load_model

    folder = tmp_path / "evil"
    shutil.copytree(MODELS_DIR / "role", folder)
    sio.dump(FunctionTransformer(func=os.system), folder / "model.skops")
    card = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    # Even with a card that matches the file, the type list decides what may load.
    card["files"]["model.skops"] = hashlib.sha256((folder / "model.skops").read_bytes()).hexdigest()
    (folder / "metrics.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="does not trust"):
        load_model(folder)


def test_safety_an_xml_entity_bomb_in_a_workbook_is_refused_not_expanded(tmp_path, cfg):
    # "Billion laughs": a few hundred bytes of DTD that expand to 300 MB. The sheet parser
    # must refuse it (expat's amplification limit), as a clear error on the file.
    import zipfile

    from openpyxl import Workbook

    from pipeline.ingest.build import ingest_thread_files

    plain = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.active.append(["id", "thread_id", "text"])
    wb.active.append(["a", "a", "BOMB"])
    wb.save(plain)
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 8))
    dtd = f'<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY e0 "{"ha" * 15}">{entities}]>\n'
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                sheet = data.decode("utf-8").split("?>", 1)[-1].replace("BOMB", "&e7;")
                data = (dtd + sheet).encode("utf-8")
            out.writestr(name, data)
    with pytest.raises(InputError, match=r"bomb\.xlsx.*not a readable \.xlsx file"):
        ingest_thread_files([bomb], cfg)


@pytest.mark.parametrize("storage", ["jsonl", "parquet"])
def test_safety_half_an_escaped_emoji_is_read_as_a_replacement_character(tmp_path, storage):
    # Scrapers cut emoji written as escaped UTF-16 pairs: "\ud83d" alone is a lone
    # surrogate, which no UTF-8 file can hold. A whole pair stays the emoji.
    rows = [
        '{"id": "a", "thread_id": "t", "text": "Godt sagt \\ud83d\\ude00 og \\ud83d", "author": "Ida"}',
        '{"id": "b", "thread_id": "t", "parent_id": "a", "text": "Nej \\udfff", "author": "Bo\\ud83d"}',
    ]
    src = tmp_path / "threads.jsonl"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(src), "--storage", storage, "--out", str(out)) == 0
    from pipeline.core.corpus import read_corpus

    corpus = read_corpus(out)
    posts = corpus.posts_by_id()
    assert posts["a"].text == "Godt sagt \U0001f600 og \ufffd" and posts["b"].text == "Nej \ufffd"
    assert posts["b"].author == "Bo\ufffd"
    (note,) = [n for n in corpus.notes if "surrogate" in n.message]
    assert note.kind == "repaired" and note.where.endswith("threads.jsonl:1") and note.message.startswith("2 line(s)")


def test_safety_a_csv_cell_longer_than_pythons_default_limit_is_read_whole(tmp_path):
    # Python's csv module refuses fields over 128 KiB; a long op-ed in one cell is legitimate.
    text = "Socialrådgivere har for mange sager. " * 6000  # about 220 kB
    src = tmp_path / "threads.csv"
    src.write_text(f'id,thread_id,parent_id,text\na,t,,"{text}"\n', encoding="utf-8")
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(src), "--out", str(out)) == 0
    from pipeline.core.corpus import read_corpus

    assert read_corpus(out).posts[0].text == text


def test_safety_json_nested_past_pythons_recursion_limit_is_an_error_with_its_line(tmp_path, capsys, pipeline_run):
    export = tmp_path / "labelstudio.json"
    export.write_text("[" * 100000 + "]" * 100000)
    args = ("--annotator", "Anna", "--gold", str(tmp_path / "gold"), "--review-dir", str(tmp_path / "review"))
    assert run_cli("review", "import", str(export), "--corpus", str(pipeline_run["corpus"]), *args) == 2
    assert "labelstudio.json: JSON nested too deeply" in capsys.readouterr().err
    assert not (tmp_path / "gold").exists() or not list((tmp_path / "gold").iterdir())
    src = tmp_path / "threads.jsonl"
    ok = '{"id": "a", "thread_id": "t", "text": "Hej"}'
    src.write_text(ok + "\n" + '{"id": "b", "thread_id": "t", "text": ' + "[" * 100000 + "]" * 100000 + "}\n")
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(src), "--out", str(out)) == 2
    assert "threads.jsonl:2: JSON nested too deeply" in capsys.readouterr().err
    assert not out.exists()


def test_safety_a_pages_json_ld_nested_past_the_recursion_limit_is_passed_over(tmp_path, cfg):
    """A saved page's head is the site's code: JSON-LD nested deeper than Python recurses,
    and an author given as lists within lists, are no reason to refuse the page; its
    printed text is read, and no author is made of them."""
    from pipeline.ingest.pages.seeds import ingest_seeds

    deep = "[" * 5000 + "]" * 5000
    author = "[" * 900 + '"Karen Holm"' + "]" * 900
    (tmp_path / "dyb.html").write_text(
        f'<html><head><script type="application/ld+json">{deep}</script>'
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "author": {author}}}</script></head>'
        "<body><h1>Kommunerne mangler socialrådgivere</h1><p>Flere kommuner kan ikke besætte stillinger som "
        "socialrådgiver, og sagsbunkerne vokser måned for måned i hele landet.</p></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "dyb.html"\nlang = "da"\n', encoding="utf-8")
    (root,) = ingest_seeds(tmp_path / "manifest.toml", cfg).posts
    assert (root.title, root.authors) == ("Kommunerne mangler socialrådgivere", ())
    assert root.text.startswith("Flere kommuner kan ikke besætte")


def test_safety_lists_nested_thousands_deep_indent_a_page_at_most_64_spaces():
    from pipeline.ingest.markup import MAX_INDENT, html_text

    page = "<ul>" + "".join(f"<li>svar {i}<ul>" for i in range(3000)) + "</ul></li>" * 3000 + "</ul>"
    lines = html_text(page, indent_lists=True).split("\n")
    assert max(len(line) - len(line.lstrip(" ")) for line in lines) == 2 * MAX_INDENT == 64
    assert lines[0] == "svar 0" and lines[2] == "  svar 1"


def test_safety_a_sheet_without_rows_is_noted_and_no_post_at_all_is_an_error(tmp_path, capsys):
    # A video without comments exports a header alone: the other files are read, and the
    # report says which file gave nothing; when no input holds a post, nothing is written.
    empty, one = tmp_path / "video1.csv", tmp_path / "video2.csv"
    empty.write_text("id,thread_id,parent_id,text\n", encoding="utf-8")
    one.write_text("id,thread_id,parent_id,text\na,t,,Hej med dig\n", encoding="utf-8")
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(empty), str(one), "--out", str(out)) == 0
    from pipeline.core.corpus import read_corpus

    corpus = read_corpus(out)
    assert [p.id for p in corpus.posts] == ["a"]
    assert any(n.where.endswith("video1.csv:1") and "no rows" in n.message for n in corpus.notes)
    alone = tmp_path / "alone"
    assert run_cli("ingest", "--threads", str(empty), "--out", str(alone)) == 2
    assert "nothing to ingest: the inputs hold no post" in capsys.readouterr().err
    assert not alone.exists()


def test_safety_a_corrupt_zstandard_dump_is_an_error_naming_it(tmp_path, capsys):
    dump = tmp_path / "RC_2024-01.zst"
    dump.write_bytes(b"\x28\xb5\x2f\xfd" + b"not zstd data at all" * 10)
    assert run_cli("ingest", "--threads", str(dump), "--out", str(tmp_path / "corpus")) == 2
    err = capsys.readouterr().err
    assert "RC_2024-01.zst" in err and "not a readable Zstandard file" in err
    assert not (tmp_path / "corpus").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["segment", "--workers", "-3"],
        ["review", "export", "--task", "reply_stance", "--size", "-5"],
        ["train", "--task", "role", "--folds", "1", "--out", "x"],
        ["bench-scale", "--posts", "0"],
    ],
)
def test_safety_a_count_below_its_minimum_is_a_usage_error(args, capsys):
    # A negative batch size once selected nothing and exited 0.
    with pytest.raises(SystemExit) as exit_:
        run_cli(*args)
    assert exit_.value.code == 2 and "must be at least" in capsys.readouterr().err


def test_safety_a_report_name_with_a_path_is_refused(pipeline_run, tmp_path, capsys):
    # "--name ../../x" once wrote x.html two folders above the output folder.
    out = tmp_path / "a" / "b" / "reports"
    args = ["report", "--corpus", str(pipeline_run["corpus"]), "--segments", str(pipeline_run["segments"])]
    args += ["--predictions", str(pipeline_run["predictions"]), "--out", str(out), "--name", "../../x"]
    with pytest.raises(SystemExit) as exit_:
        run_cli(*args)
    assert exit_.value.code == 2 and "no path" in capsys.readouterr().err
    assert not list(tmp_path.rglob("x.*"))
