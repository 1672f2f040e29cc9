"""The stage outputs as Parquet tables, for DuckDB, pandas, polars, R's arrow and Hugging
Face `datasets` (which memory-maps them: `Dataset.from_parquet`; tested).

Each table keeps its JSONL file's records whole, with types: the Arrow schema is derived
from the record's pydantic model (`core/schema.py`), so a nested label stays a struct
(`target_stance.label`, `target_stance.confidence`), a tuple a list and a score table a
list of key/value structs (`pipeline.core.tables.arrow_type`), and a column never
changes type between row groups (inferring types a batch at a time would make a column
that is empty in the first batch untyped). Records are read
and written a row group at a time: memory does not grow with the corpus.

Output (data/processed/parquet/), one file per stage file, and manifest.json (what it was
made from):
  threads, posts, participants          data/interim/corpus/*.jsonl
  sentences, units                      data/interim/segments/*.jsonl
  post_labels, unit_labels,             data/processed/predictions/{posts,units,
  participant_labels, relations,          participants,relations,key_points}.jsonl
  key_points
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from pipeline.core.artifacts import atomic_dir
from pipeline.core.lineage import write_manifest
from pipeline.core.schema import (
    KeyPoint,
    Participant,
    ParticipantLabels,
    Post,
    PostLabels,
    Relation,
    Sentence,
    Thread,
    Unit,
    UnitLabels,
)
from pipeline.core.tables import arrow_schema, iter_records, stage_file, write_records

__all__ = ["TABLES", "arrow_schema", "export_parquet", "export_tables"]

# table -> (stage folder, stage table, record model)
TABLES: dict[str, tuple[str, str, type[BaseModel]]] = {
    "threads": ("corpus", "threads", Thread),
    "posts": ("corpus", "posts", Post),
    "participants": ("corpus", "participants", Participant),
    "sentences": ("segments", "sentences", Sentence),
    "units": ("segments", "units", Unit),
    "post_labels": ("predictions", "posts", PostLabels),
    "unit_labels": ("predictions", "units", UnitLabels),
    "participant_labels": ("predictions", "participants", ParticipantLabels),
    "relations": ("predictions", "relations", Relation),
    "key_points": ("predictions", "key_points", KeyPoint),
}


def export_tables(
    folders: dict[str, Path], out_dir: Path, made_from: dict | None = None, storage: str = "parquet"
) -> dict[str, int]:
    """Every stage table of `folders` (corpus, segments, predictions: each may be left out),
    kept as JSONL or Parquet, as one `storage` file per table in `out_dir`, written whole or
    not at all; rows per table. A Parquet run's tables as JSONL are the JSONL run's files."""
    rows: dict[str, int] = {}
    with atomic_dir(Path(out_dir)) as tmp:
        write_manifest(tmp, made_from)
        for table, (stage, name, model) in TABLES.items():
            if stage not in folders:
                continue
            source = stage_file(folders[stage], name)
            if source.exists():
                rows[table] = write_records(tmp, table, model, iter_records(source, model), storage)
    return rows


def export_parquet(folders: dict[str, Path], out_dir: Path, made_from: dict | None = None) -> dict[str, int]:
    """Every stage table of `folders` as a Parquet table in `out_dir` (`export_tables`)."""
    return export_tables(folders, out_dir, made_from, "parquet")
