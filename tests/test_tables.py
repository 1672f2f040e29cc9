"""Stage tables kept as JSONL or as Parquet: the same records either way, so every output
made from them is the same; Parquet folders read straight into pyarrow; a broken table
names its file."""

from __future__ import annotations

import filecmp

import pyarrow.parquet as pq
import pytest
from conftest import SEEDS, run_cli, run_pipeline, stage_args

from pipeline.classify.predictions import PREDICTION_TABLES
from pipeline.core.errors import InputError
from pipeline.core.schema import Participant, Post, Sentence, Thread, Unit
from pipeline.core.tables import ParquetSink, count_records, iter_records, stage_file, storage_of

TABLES = {
    "corpus": {"posts": Post, "threads": Thread, "participants": Participant},
    "segments": {"sentences": Sentence, "units": Unit},
    "predictions": PREDICTION_TABLES,
}


@pytest.fixture(scope="module")
def parquet_run(tmp_path_factory):
    return run_pipeline(tmp_path_factory.mktemp("parquet-run"), "--manifest", str(SEEDS / "manifest.toml"),
                        "--storage", "parquet")  # fmt: skip


def test_every_stage_keeps_the_storage_ingest_chose(parquet_run, pipeline_run):
    for stage, tables in TABLES.items():
        assert storage_of(parquet_run[stage]) == "parquet" and storage_of(pipeline_run[stage]) == "jsonl"
        assert {f.name for f in parquet_run[stage].glob("*.parquet")} == {f"{t}.parquet" for t in tables}
        assert not list(parquet_run[stage].glob("*.jsonl")), stage


def test_parquet_tables_hold_the_records_the_jsonl_tables_hold(parquet_run, pipeline_run):
    for stage, tables in TABLES.items():
        for name, model in tables.items():
            kept = list(iter_records(stage_file(parquet_run[stage], name), model))
            assert kept == list(iter_records(stage_file(pipeline_run[stage], name), model)), (stage, name)
            assert count_records(stage_file(parquet_run[stage], name)) == len(kept)
    # Every seed post, with its labels as typed columns.
    labels = pq.read_table(parquet_run["predictions"] / "posts.parquet")
    assert labels.num_rows == 25 and "target_stance" in labels.column_names


def test_graphs_and_report_do_not_depend_on_the_storage(parquet_run, pipeline_run):
    # Only the manifests differ: they name the bytes of the tables each output was made from.
    for kind in ("graphs", "reports"):
        cmp = filecmp.dircmp(parquet_run[kind], pipeline_run[kind])
        assert not cmp.left_only and not cmp.right_only and cmp.diff_files == ["manifest.json"], kind
    threads = parquet_run["graphs"] / "threads"
    for f in threads.iterdir():
        assert f.read_bytes() == (pipeline_run["graphs"] / "threads" / f.name).read_bytes(), f.name


@pytest.mark.parametrize("export", ["export-parquet", "export-convokit"])
def test_exports_read_a_parquet_run_like_a_jsonl_run(parquet_run, pipeline_run, tmp_path, export):
    for run, out in ((parquet_run, tmp_path / "a"), (pipeline_run, tmp_path / "b")):
        assert run_cli(export, *stage_args(run), "--out", str(out)) == 0
    files = sorted(f.name for f in (tmp_path / "a").iterdir())
    assert files == sorted(f.name for f in (tmp_path / "b").iterdir())
    for name in files:
        if name != "manifest.json":
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_parquet_run_exported_as_jsonl_gives_the_jsonl_runs_files(parquet_run, pipeline_run, tmp_path):
    from pipeline.formats.parquet import TABLES as EXPORTED

    assert run_cli("export-jsonl", *stage_args(parquet_run), "--out", str(tmp_path / "jsonl")) == 0
    for table, (stage, name, _) in EXPORTED.items():
        exported = (tmp_path / "jsonl" / f"{table}.jsonl").read_bytes()
        assert exported == (pipeline_run[stage] / f"{name}.jsonl").read_bytes(), table


def test_review_batches_of_a_parquet_run_are_those_of_a_jsonl_run(parquet_run, pipeline_run, tmp_path):
    items = []
    for run, out in ((parquet_run, tmp_path / "a"), (pipeline_run, tmp_path / "b")):
        args = ("--task", "reply_stance", "--size", "5", "--include-labelled", "--gold", str(tmp_path / "gold"))
        assert run_cli("review", "export", *args, *stage_args(run), "--out", str(out)) == 0
        (batch,) = list(out.iterdir())
        items.append((batch / "items.jsonl").read_text(encoding="utf-8"))
    assert items[0] == items[1] and items[0].count("\n") == 5


def test_a_broken_parquet_table_is_refused_with_its_file_and_nothing_written(parquet_run, tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(parquet_run["corpus"], corpus)
    (corpus / "posts.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match=r"posts\.parquet"):
        list(iter_records(stage_file(corpus, "posts"), Post))
    out = tmp_path / "segments"
    assert run_cli("segment", "--corpus", str(corpus), "--out", str(out)) == 2
    assert not out.exists()


def test_a_table_in_another_layout_is_refused_with_its_file_and_column(tmp_path, parquet_run):
    import pyarrow as pa

    # Scores written as an Arrow map (as another tool, or an older export, would) are not
    # this pipeline's key/value lists: an error naming the file and column, no traceback.
    units = pq.read_table(parquet_run["segments"] / "units.parquet")
    as_map = pa.map_(pa.string(), pa.float64())
    unit_type = pa.struct(
        [(f.name, as_map if f.name == "scores" else f.type) for f in units.schema.field("unit_type").type]
    )
    rows = units.to_pylist()
    for r in rows:
        r["unit_type"]["scores"] = [(s["key"], s["value"]) for s in r["unit_type"]["scores"]]
    schema = pa.schema([pa.field("unit_type", unit_type) if f.name == "unit_type" else f for f in units.schema])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp_path / "units.parquet")
    with pytest.raises(InputError, match=r"units\.parquet.*unit_type"):
        list(iter_records(tmp_path / "units.parquet", Unit))


def test_an_empty_table_keeps_its_columns(tmp_path):
    with ParquetSink(tmp_path / "units.parquet", Unit) as sink:
        sink.write([])
    table = pq.read_table(tmp_path / "units.parquet")
    assert table.num_rows == 0 and "unit_type" in table.column_names
    assert list(iter_records(tmp_path / "units.parquet", Unit)) == []


def test_row_groups_end_where_a_thread_ends(tmp_path, monkeypatch, pipeline_run):
    monkeypatch.setattr("pipeline.core.tables.ROW_GROUP", 4)
    posts = list(iter_records(stage_file(pipeline_run["corpus"], "posts"), Post))
    with ParquetSink(tmp_path / "posts.parquet", Post) as sink:
        sink.write(posts)
    source = pq.ParquetFile(tmp_path / "posts.parquet")
    groups = [source.read_row_group(i).column("thread_id").to_pylist() for i in range(source.num_row_groups)]
    assert source.num_row_groups > 1 and sum(map(len, groups)) == len(posts)
    for before, after in zip(groups, groups[1:], strict=False):
        assert len(before) >= 4 and before[-1] != after[0]
    assert list(iter_records(tmp_path / "posts.parquet", Post)) == posts
