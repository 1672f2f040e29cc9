"""Every stage file as a typed Parquet table: the same records, typed columns, a rerun
byte for byte, and nothing written from a broken input."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import THREAD_ID, run_cli, stage_args

from pipeline.core.errors import InputError
from pipeline.core.tables import iter_records, stage_file
from pipeline.formats.parquet import TABLES, arrow_schema, export_parquet


@pytest.fixture(scope="module")
def exported(pipeline_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("parquet") / "tables"
    assert run_cli("export-parquet", *stage_args(pipeline_run), "--out", str(out)) == 0
    return out


def test_every_stage_file_becomes_a_table_with_the_same_records(exported, pipeline_run):
    assert {f.name for f in exported.iterdir()} == {f"{t}.parquet" for t in TABLES} | {"manifest.json"}
    for table, (stage, name, model) in TABLES.items():
        rows = list(iter_records(exported / f"{table}.parquet", model))
        assert rows == list(iter_records(stage_file(pipeline_run[stage], name), model)), table


def test_columns_are_typed_from_the_schema_so_labels_can_be_queried(exported):
    labels = pq.read_table(exported / "post_labels.parquet")
    assert labels.schema == arrow_schema(TABLES["post_labels"][2])
    stance = labels.schema.field("target_stance").type
    assert pa.types.is_struct(stance) and stance.field("confidence").type == pa.float64()
    # Scores are key/value structs sorted by key (a map's layout, which `datasets` also reads).
    scores = stance.field("scores").type
    assert pa.types.is_list(scores) and [f.name for f in scores.value_type] == ["key", "value"]
    # What a researcher asks first: how many comments of the main thread lean each way.
    main = labels.filter(pc.equal(labels["thread_id"], THREAD_ID))
    counts = pc.value_counts(pc.struct_field(main["target_stance"], "label")).to_pylist()
    assert sum(c["counts"] for c in counts) == 21  # the editorial and its 20 comments
    posts = pq.read_table(exported / "posts.parquet")
    assert posts.schema.field("authors").type.value_type.names == ["name", "description"]
    roots = posts.filter(pc.is_null(posts["parent_id"]))
    assert roots.num_rows == pq.read_table(exported / "threads.parquet").num_rows == 5


def test_hugging_face_datasets_reads_every_table(exported, tmp_path):
    datasets = pytest.importorskip("datasets")
    for table in TABLES:
        ds = datasets.Dataset.from_parquet(str(exported / f"{table}.parquet"), cache_dir=str(tmp_path / "hf"))
        assert ds.num_rows == pq.ParquetFile(exported / f"{table}.parquet").metadata.num_rows, table
    labels = datasets.Dataset.from_parquet(str(exported / "post_labels.parquet"), cache_dir=str(tmp_path / "hf"))
    scores = next(r["target_stance"]["scores"] for r in labels if r["target_stance"] and r["target_stance"]["scores"])
    assert [s["key"] for s in scores] == ["against", "favor", "neutral"] and 0 < scores[0]["value"] < 1


def test_a_rerun_writes_the_same_bytes(exported, pipeline_run, tmp_path):
    again = tmp_path / "again"
    assert run_cli("export-parquet", *stage_args(pipeline_run), "--out", str(again)) == 0
    for f in exported.iterdir():
        assert (again / f.name).read_bytes() == f.read_bytes(), f.name


def test_a_broken_stage_file_names_its_line_and_writes_nothing(pipeline_run, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(pipeline_run["corpus"], corpus)
    lines = (corpus / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].replace('"thread_id"', '"thread"')
    (corpus / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "tables"
    with pytest.raises(InputError) as err:
        export_parquet({"corpus": corpus, "predictions": pipeline_run["predictions"]}, out)
    assert err.value.path.name == "posts.jsonl" and err.value.line == 7
    assert not out.exists()
