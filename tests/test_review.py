"""The review loop: export, fill, import, agreement, adjudication."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, THREAD_ID, run_cli, run_pipeline, stage_args

from pipeline.classify.predictions import read_predictions, read_units
from pipeline.core.artifacts import read_jsonl
from pipeline.core.config import load_config
from pipeline.core.corpus import read_corpus
from pipeline.core.errors import InputError
from pipeline.core.schema import Annotation, ReviewItem
from pipeline.review.agreement import agreement, import_adjudication
from pipeline.review.export import candidates
from pipeline.review.filled import import_labels
from pipeline.review.gold import read_events, resolve
from pipeline.review.pool import select, select_stream, stream_candidates


@pytest.fixture(scope="module")
def inputs(pipeline_run):
    pred = read_predictions(pipeline_run["predictions"])
    return read_corpus(pipeline_run["corpus"]), read_units(pipeline_run["segments"]), pred.posts, pred.participants


def export(pipeline_run, tmp_path, task: str, size: int = 6, strategy: str = "margin"):
    out = tmp_path / "review"
    gold = tmp_path / "gold"
    gold.mkdir(exist_ok=True)
    assert (
        run_cli(
            "review",
            "export",
            "--task",
            task,
            "--size",
            str(size),
            "--strategy",
            strategy,
            "--corpus",
            str(pipeline_run["corpus"]),
            "--segments",
            str(pipeline_run["segments"]),
            "--predictions",
            str(pipeline_run["predictions"]),
            "--gold",
            str(gold),
            "--out",
            str(out),
        )
        == 0
    )
    (folder,) = list(out.iterdir())
    return folder, read_jsonl(folder / "items.jsonl", ReviewItem), gold


def fill_csv(
    folder,
    labels: dict[str, str],
    delimiter: str = ",",
    comment: str = "",
    encoding: str = "utf-8-sig",
    suffix: str = ".csv",
) -> str:
    text = (folder / "batch.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        r["label"] = labels.get(r["item_id"], "")
        r["comment"] = comment if r["item_id"] in labels else ""
        w.writerow(r)
    path = folder.parent / f"filled{'-semicolon' if delimiter == ';' else ''}{suffix}"
    path.write_text(out.getvalue(), encoding=encoding)
    return path


def decoded_twice(path) -> str:
    """A filled sheet as Excel leaves it when it opened the UTF-8 file as Windows-1252 and
    saved it again as UTF-8 ("spørgsmål" as "spÃ¸rgsmÃ¥l")."""
    text = Path(path).read_text(encoding="utf-8-sig")
    Path(path).write_text(text.encode("utf-8").decode("cp1252", errors="replace"), encoding="utf-8")
    return Path(path).read_text(encoding="utf-8")


def gold_labels(gold, task):
    resolved, _ = resolve(read_events(gold), task)
    return {k: v.label for k, v in resolved.items()}


def test_review_export_orders_least_certain_first(inputs):
    corpus, units, posts, parts = inputs
    pool = candidates("reply_stance", corpus, units, posts, parts)
    chosen = select(pool, "margin", 20, seed=0)
    margins = [c.prediction.margin if c.prediction.scores else c.prediction.confidence for c in chosen]
    assert margins == sorted(margins)
    least = select(pool, "least-confident", 20, seed=0)
    assert [c.prediction.confidence for c in least] == sorted(c.prediction.confidence for c in least)
    sample = select(pool, "random", 5, seed=3)
    assert [c.item_id for c in sample] == [c.item_id for c in select(pool, "random", 5, seed=3)]
    assert [c.item_id for c in sample] != [c.item_id for c in select(pool, "random", 5, seed=4)]


def test_review_export_with_nothing_to_review_says_what_is_missing(pipeline_run, tmp_path, caplog):
    """An article without comments has no reply stance to review: the export says so,
    rather than that every item already has gold, and writes no batch."""
    stages = ["--corpus", str(pipeline_run["corpus"]), "--segments", str(pipeline_run["segments"])]
    stages += ["--predictions", str(pipeline_run["predictions"])]
    from pipeline.core.paths import ANNOTATIONS_DIR

    # With the seed gold, whose reply stance labels exist: before, that read as "every item
    # already has gold; this batch is for a second annotator", then "no items".
    args = ["--task", "reply_stance", "--thread", "000_a2146541c2e9de0f", "--gold", str(ANNOTATIONS_DIR)]
    with caplog.at_level("INFO"):
        assert run_cli("review", "export", *args, *stages, "--out", str(tmp_path / "review")) == 0
    assert "no items: the corpus has no comments with a person's text in thread '000_a2146541c2e9de0f'" in caplog.text
    assert "already has gold" not in caplog.text
    assert not (tmp_path / "review").exists() or not list((tmp_path / "review").iterdir())


def test_review_export_of_a_mistyped_thread_names_the_corpus_threads(pipeline_run, tmp_path, capsys):
    # It had read as a thread with nothing to review, and exported nothing, with exit 0.
    stages = ["--corpus", str(pipeline_run["corpus"]), "--segments", str(pipeline_run["segments"])]
    stages += ["--predictions", str(pipeline_run["predictions"]), "--gold", str(tmp_path / "gold")]
    code = run_cli(
        "review", "export", "--task", "reply_stance", "--thread", "002_bf87", *stages, "--out", str(tmp_path)
    )
    err = capsys.readouterr().err
    assert code == 2 and "'002_bf87' is no thread of the corpus" in err and f"'{THREAD_ID}'" in err


def test_review_export_shows_what_a_human_needs(pipeline_run, tmp_path):
    folder, items, _ = export(pipeline_run, tmp_path, "reply_stance", size=20)
    nick = next(i for i in items if i.item_id == f"{THREAD_ID}/c10")
    assert nick.context.startswith("REPLY TO Majbrit Berlau:")
    assert nick.self_description == "chefredaktør & stifter"
    assert nick.allowed_labels == ["support", "deny", "query", "comment"]
    raw = (folder / "batch.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Socialrådgiverne".encode() in raw  # BOM, Danish letters intact
    config = (folder / "labelstudio_config.xml").read_text(encoding="utf-8")
    assert '<Choice value="deny"/>' in config and 'toName="text"' in config
    tasks = json.loads((folder / "labelstudio_tasks.json").read_text(encoding="utf-8"))
    assert tasks[0]["predictions"][0]["result"][0]["value"]["choices"] == [items[0].predicted_label]


def test_review_csv_round_trip_writes_exactly_those_labels(pipeline_run, tmp_path, inputs, cfg):
    folder, items, gold = export(pipeline_run, tmp_path, "target_stance")
    wanted = {it.item_id: ("against" if k % 2 else "neutral") for k, it in enumerate(items[:4])}
    path = fill_csv(folder, wanted, comment="tjekket")
    batch, n = import_labels(path, "Anna", folder.parent, gold, inputs[0], cfg, now="2026-11-24T09:00:00Z")
    assert n == 4 and batch == f"{items[0].batch_id}--anna"
    assert gold_labels(gold, "target_stance") == wanted
    events = read_events(gold)
    assert {e.annotator for e in events} == {"Anna"} and {e.note for e in events} == {"tjekket"}
    assert all(e.origin == "review" and e.batch_id == batch and e.timestamp == "2026-11-24T09:00:00Z" for e in events)
    # Re-importing the same file changes nothing.
    assert import_labels(path, "Anna", folder.parent, gold, inputs[0], cfg) == (None, 4)
    assert len(list(gold.glob("*.jsonl"))) == 1


def test_review_semicolon_csv_from_nordic_excel_imports(pipeline_run, tmp_path, inputs, cfg):
    """Excel in a Danish or Swedish locale saves plain "CSV" with semicolons, in
    Windows-1252: the sheet imports as it is, æøå in the annotator's comment intact."""
    folder, items, gold = export(pipeline_run, tmp_path, "reply_stance")
    path = fill_csv(folder, {items[0].item_id: "query"}, delimiter=";", comment="spørgsmål", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        Path(path).read_text(encoding="utf-8")
    import_labels(path, "Bo", folder.parent, gold, inputs[0], cfg)
    assert gold_labels(gold, "reply_stance") == {items[0].item_id: "query"}
    assert [e.note for e in read_events(gold)] == ["spørgsmål"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_review_sheet_decoded_twice_imports_the_annotators_words(pipeline_run, tmp_path, inputs, cfg, caplog, suffix):
    """A sheet Excel opened as Windows-1252 and saved again (as CSV in UTF-8, or as a
    workbook) holds the annotator's note decoded twice: it is decoded once, with a warning,
    as ingest does for thread files."""
    import openpyxl

    folder, items, gold = export(pipeline_run, tmp_path, "reply_stance")
    path = fill_csv(folder, {items[0].item_id: "query"}, comment="spørgsmål – måske")
    assert "spÃ¸rgsmÃ¥l â€“ mÃ¥ske" in decoded_twice(path)
    if suffix == ".xlsx":
        wb = openpyxl.Workbook()
        for row in csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"), newline="")):
            wb.active.append(row)
        path = Path(path).with_suffix(".xlsx")
        wb.save(path)
    with caplog.at_level("WARNING"):
        import_labels(path, "Bo", folder.parent, gold, inputs[0], cfg)
    assert gold_labels(gold, "reply_stance") == {items[0].item_id: "query"}
    assert [e.note for e in read_events(gold)] == ["spørgsmål – måske"]
    assert "had been decoded twice" in caplog.text and str(path) in caplog.text


def test_review_excel_unicode_text_imports(pipeline_run, tmp_path, inputs, cfg):
    """Excel's "Unicode Text" (and LibreOffice's UTF-16 CSV) is UTF-16 with a byte-order mark
    and tabs between cells, saved as .txt: read as it is, æøå intact."""
    folder, items, gold = export(pipeline_run, tmp_path, "reply_stance")
    path = fill_csv(
        folder, {items[0].item_id: "deny"}, delimiter="\t", comment="afvisning", encoding="utf-16", suffix=".txt"
    )
    assert Path(path).read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    import_labels(path, "Bo", folder.parent, gold, inputs[0], cfg)
    assert gold_labels(gold, "reply_stance") == {items[0].item_id: "deny"}
    assert [e.note for e in read_events(gold)] == ["afvisning"]


def test_review_sheet_that_is_no_batch_says_so(tmp_path, inputs, cfg):
    path = tmp_path / "notes.txt"
    path.write_text("Husk at tjekke tråd 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="is this a review batch file"):
        import_labels(path, "Bo", tmp_path, tmp_path / "gold", inputs[0], cfg)
    assert not (tmp_path / "gold").exists()


def test_review_changed_labels_become_a_new_revision_and_keep_the_old(pipeline_run, tmp_path, inputs, cfg):
    folder, items, gold = export(pipeline_run, tmp_path, "reply_stance")
    first = fill_csv(folder, {items[0].item_id: "query"})
    import_labels(first, "Bo", folder.parent, gold, inputs[0], cfg, now="2026-11-24T09:00:00Z")
    second = fill_csv(folder, {items[0].item_id: "deny"})
    batch, _ = import_labels(second, "Bo", folder.parent, gold, inputs[0], cfg, now="2026-11-24T10:00:00Z")
    assert batch.endswith("--r2")
    assert sorted(e.label for e in read_events(gold)) == ["deny", "query"]
    assert gold_labels(gold, "reply_stance") == {items[0].item_id: "deny"}  # the latest label counts


def test_review_xlsx_round_trip(pipeline_run, tmp_path, inputs, cfg):
    from openpyxl import load_workbook

    folder, items, gold = export(pipeline_run, tmp_path, "role")
    wb = load_workbook(folder / "batch.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    col_label, col_item = header.index("label") + 1, header.index("item_id") + 1
    wanted = {}
    for row in range(2, 5):
        wanted[ws.cell(row=row, column=col_item).value] = "citizen"
        # Typed by hand past the drop-down, in another case: still the label it spells.
        ws.cell(row=row, column=col_label, value="Citizen" if row == 2 else "citizen")
    assert ws.data_validations.dataValidation[0].formula1.startswith('"social_worker,union')
    wb.save(tmp_path / "filled.xlsx")
    import_labels(tmp_path / "filled.xlsx", "Cecilie", folder.parent, gold, inputs[0], cfg)
    assert gold_labels(gold, "role") == wanted


def test_review_a_batch_saved_by_libreoffice_as_ods_is_imported(pipeline_run, tmp_path, inputs, cfg):
    """An annotator who fills batch.xlsx in LibreOffice and saves it in its own format."""
    from conftest import write_ods
    from openpyxl import load_workbook

    folder, items, gold = export(pipeline_run, tmp_path, "role")
    rows = [list(r) for r in load_workbook(folder / "batch.xlsx").active.iter_rows(values_only=True)]
    col_label, col_item = rows[0].index("label"), rows[0].index("item_id")
    wanted = {}
    for row in rows[1:4]:
        row[col_label] = "citizen"
        wanted[row[col_item]] = "citizen"
    filled = write_ods(tmp_path / "filled.ods", [("batch", rows)])
    import_labels(filled, "Cecilie", folder.parent, gold, inputs[0], cfg)
    assert gold_labels(gold, "role") == wanted


def test_review_labelstudio_round_trip_for_choices_and_spans(pipeline_run, tmp_path, inputs, cfg):
    folder, items, gold = export(pipeline_run, tmp_path, "unit_type", size=3)
    tasks = json.loads((folder / "labelstudio_tasks.json").read_text(encoding="utf-8"))
    wanted = {}
    for t in tasks:
        result = []
        for r in t["predictions"][0]["result"]:
            value = dict(r["value"], labels=["premise"])
            result.append(dict(r, value=value))
            wanted[f"{t['data']['post_id']}#u.{t['data']['field']}.{value['start']}-{value['end']}"] = "premise"
        t["annotations"] = [{"id": 1, "result": result, "was_cancelled": False}]
    export_path = tmp_path / "ls-export.json"
    export_path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    import_labels(export_path, "Dorte", folder.parent, gold, inputs[0], cfg)
    assert gold_labels(gold, "unit_type") == wanted
    events = read_events(gold)
    assert all(e.post_id and e.field and e.end > e.start for e in events)


def test_review_corrupt_file_imports_nothing_and_names_every_bad_row(pipeline_run, tmp_path, inputs, cfg):
    folder, items, gold = export(pipeline_run, tmp_path, "reply_stance")
    text = (folder / "batch.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    rows[0]["label"] = "agree"  # unknown label (line 2)
    rows[1]["label"] = "deny"  # fine (line 3)
    rows[2]["label"] = "deny"
    rows[2]["item_id"] = rows[1]["item_id"]  # duplicate id (line 4)
    rows[3]["label"] = "deny"
    rows[3]["item_id"] = "no-such-post"  # unknown id (line 5)
    rows[4]["label"] = "deny"
    rows[4]["text_sha256"] = "0" * 64  # text changed since export (line 6)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    bad = tmp_path / "bad.csv"
    bad.write_text(out.getvalue(), encoding="utf-8")
    # Texts hold line breaks: a row's line is where it starts.
    reader = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    starts, line = [], 2
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    with pytest.raises(InputError) as info:
        import_labels(bad, "Eva", folder.parent, gold, inputs[0], cfg)
    err = info.value
    assert "4 bad row(s); nothing was imported" in str(err)
    found = {(int(p.where.rsplit(":", 1)[1]), p.message.split(" (")[0]) for p in err.problems}
    assert (starts[0], "unknown label 'agree'") in found
    assert any(w == starts[2] and "is labelled twice" in m for w, m in found)
    assert (starts[3], "unknown item id 'no-such-post'") in found
    assert (starts[4], "the text changed since export") in found
    assert not any(w == starts[1] for w, _ in found)  # the good row is not blamed
    assert list(gold.iterdir()) == []


def test_review_labelstudio_span_out_of_range_is_refused(pipeline_run, tmp_path, inputs, cfg):
    folder, _, gold = export(pipeline_run, tmp_path, "unit_type", size=1)
    tasks = json.loads((folder / "labelstudio_tasks.json").read_text(encoding="utf-8"))
    r = tasks[0]["predictions"][0]["result"][0]
    tasks[0]["annotations"] = [{"result": [dict(r, value=dict(r["value"], end=99999))]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.raises(InputError, match="out of range"):
        import_labels(path, "Eva", folder.parent, gold, inputs[0], cfg)
    assert list(gold.iterdir()) == []


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda t: t.update(annotations={"result": []}), "annotations is dict, not list"),
        (lambda t: t["annotations"][0].update(result=["deny"]), "a result is str, not dict"),
        (lambda t: t["annotations"][0]["result"][0].update(value="deny"), "a result's value is str, not dict"),
        (lambda t: t["annotations"][0]["result"][0]["value"].update(choices=[["deny"]]), "an item of a result's"),
        (lambda t: t.update(data=["text"]), "data is list, not dict"),
    ],
)
def test_review_labelstudio_export_edited_out_of_shape_is_refused_by_task(
    pipeline_run, tmp_path, inputs, cfg, break_it, message
):
    """A Label Studio export edited by hand or by a script, out of the shapes Label Studio
    writes, is refused with the task named (it had crashed the import with a traceback)."""
    folder, _, gold = export(pipeline_run, tmp_path, "reply_stance", size=2)
    tasks = json.loads((folder / "labelstudio_tasks.json").read_text(encoding="utf-8"))
    for t in tasks:
        t["annotations"] = [{"id": 1, "result": [dict(t["predictions"][0]["result"][0])]}]
        t["annotations"][0]["result"][0]["value"] = {"choices": ["deny"]}
    break_it(tasks[1])
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.raises(InputError, match=f"task {tasks[1].get('id', 2)}: {re.escape(message)}"):
        import_labels(path, "Eva", folder.parent, gold, inputs[0], cfg)
    assert list(gold.iterdir()) == []


def test_review_export_again_the_same_day_leaves_a_sheet_being_filled(pipeline_run, tmp_path, caplog):
    """The same items exported twice the same day make the same batch: the second export
    had replaced the folder, and with it the sheet the annotator was filling in."""
    folder, items, _ = export(pipeline_run, tmp_path, "reply_stance")
    filled = folder / "batch.csv"
    Path(fill_csv(folder, {items[0].item_id: "query"})).replace(filled)  # typed into the sheet itself
    labels = filled.read_bytes()
    with caplog.at_level("WARNING"):
        export(pipeline_run, tmp_path, "reply_stance")
    assert filled.read_bytes() == labels and b"query" in labels and "exists already" in caplog.text


def test_review_agreement_never_erases_an_adjudication_sheet_in_progress(tmp_path, cfg, caplog):
    """The adjudicator fills final labels in adjudication-<task>.csv; running `review
    agreement` again before importing them had overwritten the sheet with a blank one. It
    is now left as it is (with a warning) until its labels are imported."""
    from pipeline.review.gold import write_batch

    gold, out = tmp_path / "gold", tmp_path / "review"
    gold.mkdir()
    write_batch(gold, "b", [_ev("x", "deny", "A"), _ev("x", "support", "B")])
    args = ("review", "agreement", "--task", "reply_stance", "--gold", str(gold), "--out", str(out))
    assert run_cli(*args) == 0
    sheet = out / "adjudication-reply_stance.csv"
    filled = sheet.read_text(encoding="utf-8-sig").replace(",deny; B: support,", ",deny; B: support,Support")
    filled = filled.replace("A: deny; B: support,,", "A: deny; B: support,Support,")
    sheet.write_text(filled, encoding="utf-8")
    assert "Support" in filled
    with caplog.at_level("WARNING"):
        assert run_cli(*args) == 0
    assert sheet.read_text(encoding="utf-8") == filled and "not imported yet" in caplog.text
    import_adjudication(sheet, "Frida", gold, cfg)
    assert run_cli(*args) == 0  # imported: the sheet is written anew, the item adjudicated
    assert "Support" not in sheet.read_text(encoding="utf-8-sig")


def test_review_adjudication_reads_labels_as_typed_and_rows_cut_short(tmp_path, cfg):
    """A final label typed by hand ("Support") is the label, as in a review sheet; a row cut
    short (a sheet re-saved with its columns moved) is named, not a traceback."""
    from pipeline.review.gold import write_batch

    gold = tmp_path / "gold"
    gold.mkdir()
    write_batch(gold, "b", [_ev("x", "deny", "A"), _ev("x", "support", "B")])
    sheet = tmp_path / "adj.csv"
    sheet.write_text("final_label,task,item_id\n Support ,reply_stance,x\n", encoding="utf-8")
    import_adjudication(sheet, "Frida", gold, cfg)
    assert resolve(read_events(gold), "reply_stance")[0]["x"].label == "support"
    sheet.write_text("final_label,task,item_id\ndeny\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_adjudication(sheet, "Frida", gold, cfg)
    assert err.value.problems[0].where.endswith("adj.csv:2") and "unknown task ''" in err.value.problems[0].message


def _ev(item, label, who, task="reply_stance", origin="review"):
    return Annotation(
        id=f"{item}-{who}-{label}",
        task=task,
        item_id=item,
        label=label,
        annotator=who,
        timestamp="2026-11-24T09:00:00Z",
        batch_id="b",
        origin=origin,
    )


def test_review_kappa_and_alpha_match_hand_computed_values():
    # A: a a b b; B: a b b b. Kappa: p_o = 3/4, p_e = 1/2*1/4 + 1/2*3/4 = 1/2, so kappa = 0.5.
    # Alpha (nominal): coincidences o_aa = 2, o_ab = o_ba = 1, o_bb = 4; n_a = 3, n_b = 5, n = 8;
    # D_o = 2/8, D_e = 2*3*5/(8*7) = 30/56, so alpha = 1 - (2/8)/(30/56) = 1 - 7/15 = 8/15.
    events = [_ev(i, lab, "A") for i, lab in zip("1234", "aabb", strict=True)]
    events += [_ev(i, lab, "B") for i, lab in zip("1234", "abbb", strict=True)]
    report = agreement(events, "reply_stance")
    assert report["pairs"][0]["cohen_kappa"] == 0.5
    assert report["pairs"][0]["observed_agreement"] == 0.75
    assert report["krippendorff_alpha"] == round(8 / 15, 4)
    assert [d["item_id"] for d in report["disagreements"]] == ["2"]


def test_review_adjudication_records_the_final_label(tmp_path, cfg):
    gold = tmp_path / "gold"
    gold.mkdir()
    from pipeline.review.gold import write_batch

    write_batch(gold, "b", [_ev("x", "deny", "A"), _ev("x", "support", "B")])
    assert resolve(read_events(gold), "reply_stance")[1][0].item_id == "x"
    sheet = tmp_path / "adj.csv"
    sheet.write_text(
        "task,item_id,labels_by_annotator,final_label,comment\n"
        "reply_stance,x,A: deny; B: support,support,ironi: B har ret\n",
        encoding="utf-8",
    )
    batch, n = import_adjudication(sheet, "Frida", gold, cfg)
    assert n == 1 and batch.startswith("adjudication-")
    resolved, conflicts = resolve(read_events(gold), "reply_stance")
    assert resolved["x"].label == "support" and resolved["x"].how == "adjudicated" and not conflicts
    assert import_adjudication(sheet, "Frida", gold, cfg)[0] is None
    # Changing one's mind and back: each change is recorded, the latest counts.
    other = tmp_path / "adj2.csv"
    other.write_text(sheet.read_text(encoding="utf-8").replace(",support,", ",deny,"), encoding="utf-8")
    assert import_adjudication(other, "Frida", gold, cfg)[0] is not None
    assert resolve(read_events(gold), "reply_stance")[0]["x"].label == "deny"
    again, _ = import_adjudication(sheet, "Frida", gold, cfg)
    assert again is not None and again != batch
    assert resolve(read_events(gold), "reply_stance")[0]["x"].label == "support"


def test_review_status_reports_counts_and_agreement(tmp_path, capsys):
    gold = tmp_path / "gold"
    shutil.copytree(__import__("pipeline.core.config", fromlist=["x"]).ANNOTATIONS_DIR, gold)
    assert run_cli("review", "status", "--gold", str(gold), "--out", str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "target_stance" in out and "founding-team 20" in out
    rows = json.loads((tmp_path / "status.json").read_text())
    assert next(r for r in rows if r["task"] == "unit_type")["items_with_gold"] == 469


def test_review_evaluate_shows_what_the_newest_batch_changed(tmp_path, cfg, pipeline_run):
    from pipeline.core.config import ANNOTATIONS_DIR
    from pipeline.review.gold import write_batch
    from pipeline.training.evaluate import before_after

    gold = tmp_path / "gold"
    shutil.copytree(ANNOTATIONS_DIR, gold)
    flips = {f"{THREAD_ID}/c{n:02d}": "neutral" for n in (1, 2, 3)}
    write_batch(
        gold,
        "later",
        [
            Annotation(
                id=f"x{k}",
                task="target_stance",
                item_id=i,
                label=lab,
                annotator="Gry",
                timestamp="2026-12-01T09:00:00Z",
                batch_id="later",
                origin="adjudication",
            )
            for k, (i, lab) in enumerate(flips.items())
        ],
    )
    ba = before_after("target_stance", gold, cfg, pipeline_run["corpus"], None)
    assert ba["newest_batch"] == "later" and ba["changed"] is True
    assert ba["before"]["items"] == ba["after"]["items"] == 20
    assert (
        ba["before"]["cv"]["results"]["model"]["macro_f1_mean"]
        != ba["after"]["cv"]["results"]["model"]["macro_f1_mean"]
    )
    unchanged = before_after("role", gold, cfg, pipeline_run["corpus"], None)
    assert unchanged == {"newest_batch": "later", "changed": False}


def test_review_role_offers_no_participant_with_nothing_to_judge(tmp_path):
    """A participant whose every post is deleted or empty, with no self-description and no
    name that says a role, is not an annotator's item (as comments without text are not
    offered for the stances); one who wrote something is."""
    rows = [
        {"id": "r", "thread_id": "t", "author": "Redaktionen", "title": "Skal socialrådgivere autoriseres?"},
        {"id": "a", "thread_id": "t", "parent_id": "r", "author": "Bo", "text": "[removed]"},
        {"id": "b", "thread_id": "t", "parent_id": "r", "author": "Cy", "text": "Ja, det bør de."},
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    c, s, p = (str(tmp_path / k) for k in ("corpus", "segments", "predictions"))
    assert run_cli("ingest", "--threads", str(path), "--out", c) == 0
    assert run_cli("segment", "--corpus", c, "--out", s) == 0
    assert run_cli("classify", "--corpus", c, "--segments", s, "--no-encoder", "--out", p) == 0
    pred = read_predictions(Path(p))
    offered = {x.item_id for x in candidates("role", read_corpus(Path(c)), [], pred.posts, pred.participants)}
    assert "participant:cy" in offered and "participant:bo" not in offered


def test_review_role_label_for_a_renamed_participant_is_refused(pipeline_run, tmp_path, inputs, cfg):
    from dataclasses import replace

    folder, items, gold = export(pipeline_run, tmp_path, "role", size=2)
    path = fill_csv(folder, {items[0].item_id: "citizen"})
    corpus = inputs[0]
    renamed = [
        p.model_copy(update={"name": p.name + " (omdøbt)"}) if p.id == items[0].item_id else p
        for p in corpus.participants
    ]
    with pytest.raises(InputError, match="text changed since export"):
        import_labels(path, "Hanne", folder.parent, gold, replace(corpus, participants=renamed), cfg)
    assert list(gold.iterdir()) == []


@pytest.mark.parametrize("task", ["unit_type", "role"])
def test_review_import_from_the_command_line_reads_only_the_batch_threads(pipeline_run, tmp_path, task):
    """`review import` reads the threads of the batch's items (not the whole corpus) and
    writes the same gold as an import given the whole corpus."""
    folder, items, gold = export(pipeline_run, tmp_path, task, size=4)
    wanted = {it.item_id: it.allowed_labels[k % 2] for k, it in enumerate(items[:3])}
    path = fill_csv(folder, wanted)
    args = ["--annotator", "Ida", "--corpus", str(pipeline_run["corpus"]), "--review-dir", str(folder.parent)]
    assert run_cli("review", "import", str(path), *args, "--gold", str(gold)) == 0
    assert gold_labels(gold, task) == wanted
    again = tmp_path / "gold-whole"
    again.mkdir()
    corpus = read_corpus(pipeline_run["corpus"])
    import_labels(path, "Ida", folder.parent, again, corpus, load_config(), now=read_events(gold)[0].timestamp)
    assert read_events(again) == read_events(gold)


@pytest.mark.parametrize("task", ["unit_type", "reply_stance", "target_stance", "role"])
def test_review_pool_streamed_from_the_stage_folders_is_the_in_memory_pool(pipeline_run, inputs, task):
    """`review export` reads its pool a thread (or a shard of participants) at a time and
    keeps only the items it picks: the same candidates and the same batches as the pool
    held whole, for every strategy."""
    folders = (pipeline_run["corpus"], pipeline_run["segments"], pipeline_run["predictions"])
    whole = candidates(task, *inputs)
    streamed = list(stream_candidates(task, *folders))
    assert sorted(streamed, key=lambda c: c.item_id) == sorted(whole, key=lambda c: c.item_id) and whole
    for strategy, seed in (("margin", 0), ("least-confident", 0), ("random", 1), ("random", 2)):
        batch = select_stream(lambda: stream_candidates(task, *folders), strategy, 5, seed, exclude={whole[0].item_id})
        assert batch == select(whole, strategy, 5, seed, exclude={whole[0].item_id})
        assert len(batch) == 5 and whole[0] not in batch


OWN_THREAD = [
    {
        "id": "r1",
        "thread_id": "t-own",
        "author": "Redaktionen",
        "title": "Kommunerne skal ansætte flere socialrådgivere",
    },
    *(
        {
            "id": f"c{i}",
            "thread_id": "t-own",
            "parent_id": parent,
            "author": who,
            "author_description": desc,
            "text": text,
        }
        for i, (parent, who, desc, text) in enumerate(
            [
                (
                    "r1",
                    "Mette",
                    "Socialrådgiver i Aarhus",
                    "Helt enig. Vi har alt for mange sager hver, og det går ud over børnene.",
                ),
                ("c0", "Jens", "", "Det passer ikke. Problemet er ledelsen, ikke antallet af ansatte i forvaltningen."),
                ("c1", "Mette", "Socialrådgiver i Aarhus", "Hvordan kan du vide det, når du ikke selv arbejder der?"),
                (
                    "r1",
                    "Lise",
                    "Studerende på socialrådgiveruddannelsen",
                    "Jeg overvejer allerede at vælge et andet fag efter uddannelsen.",
                ),
            ]
        )
    ),
]


def test_review_labels_of_a_researchers_threads_train_after_the_corpus_is_replaced(tmp_path, cfg):
    """A researcher runs the pipeline on their own thread file, labels a batch of it and
    imports it; then `make run` on other inputs replaces data/interim/corpus. The batch
    still imports, and training still finds every label, the seed gold's too: the threads
    a batch labels travel with it (batch folder `corpus/`, then `<gold>/corpora/<batch>/`)."""
    from pipeline.core.paths import ANNOTATIONS_DIR
    from pipeline.training.data import load_dataset

    threads = tmp_path / "own.jsonl"
    threads.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in OWN_THREAD), encoding="utf-8")
    run = run_pipeline(tmp_path / "run", "--threads", str(threads), name="threads")
    gold = tmp_path / "gold"
    shutil.copytree(ANNOTATIONS_DIR, gold)
    wanted, filled = {}, {}
    out = tmp_path / "review"
    for task in ("reply_stance", "role"):
        args = ["--task", task, "--size", "3", "--gold", str(gold), "--out", str(out), *stage_args(run)]
        assert run_cli("review", "export", *args) == 0
        (folder,) = [f for f in out.iterdir() if f.name.startswith(task)]
        assert [t.id for t in read_corpus(folder / "corpus").threads] == ["t-own"]
        items = read_jsonl(folder / "items.jsonl", ReviewItem)
        wanted[task] = {it.item_id: it.allowed_labels[k % 2] for k, it in enumerate(items)}
        filled[task] = (folder, fill_csv(folder, wanted[task]).rename(folder / "filled.csv"))
    # The researcher's next `make run` ingests the seeds into the same corpus folder.
    assert run_cli("ingest", "--manifest", str(SEEDS / "manifest.toml"), "--out", str(run["corpus"])) == 0
    for folder, path in filled.values():
        common = ["--annotator", "Ida", "--corpus", str(run["corpus"]), "--review-dir", str(out), "--gold", str(gold)]
        assert run_cli("review", "import", str(path), *common) == 0
        assert (gold / "corpora" / folder.name / "posts.jsonl").exists()
    for task, labels in wanted.items():
        ds = load_dataset(task, [gold], cfg, tmp_path / "no-corpus-at-all")
        got = {e.id: e.label for e in ds.examples}
        assert ds.skipped == []
        assert {i: got.get(i) for i in labels} == labels
        seed_only = load_dataset(task, [ANNOTATIONS_DIR], cfg, None)
        assert len(got) == len(seed_only.examples) + len(labels)


def test_review_a_workbook_shows_what_xlsx_cannot_hold_as_a_replacement_character(tmp_path):
    """A control character from a corpus made elsewhere must not stop the export: the cell
    shows U+FFFD (import checks texts by the corpus's hashes, not by the cell)."""
    from openpyxl import load_workbook

    from pipeline.core.schema import ReviewItem
    from pipeline.review.export import write_xlsx

    item = ReviewItem(
        batch_id="b", position=1, task="reply_stance", item_id="c1", text="Nej\x00 tak\x1b", context="",
        author="Bo", self_description="", predicted_label="deny", confidence=0.6, margin=0.2,
        decided_by="model", allowed_labels=["support", "deny", "query", "comment"], text_sha256="0" * 64,
    )  # fmt: skip
    write_xlsx(tmp_path / "batch.xlsx", [item])
    cells = [c.value for row in load_workbook(tmp_path / "batch.xlsx").active.iter_rows(min_row=2) for c in row]
    assert "Nej\ufffd tak\ufffd" in cells and "c1" in cells
