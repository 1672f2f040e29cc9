"""The stage outputs as Parquet tables, for DuckDB, pandas, polars, R's arrow and Hugging
Face `datasets` (which memory-maps them: `Dataset.from_parquet`).

Each table keeps its JSONL file's records whole, with types: the Arrow schema is derived
from the record's pydantic model (`core/schema.py`), so a nested label stays a struct
(`target_stance.label`, `target_stance.confidence`), a tuple a list and a score table a
map, and a column never changes type between row groups (inferring types a batch at a
time would make a column that is empty in the first batch untyped). Records are read
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

import types
import typing
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
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
from pipeline.core.stream import iter_jsonl

ROW_GROUP = 10000

# table -> (stage folder, JSONL file, record model)
TABLES: dict[str, tuple[str, str, type[BaseModel]]] = {
    "threads": ("corpus", "threads.jsonl", Thread),
    "posts": ("corpus", "posts.jsonl", Post),
    "participants": ("corpus", "participants.jsonl", Participant),
    "sentences": ("segments", "sentences.jsonl", Sentence),
    "units": ("segments", "units.jsonl", Unit),
    "post_labels": ("predictions", "posts.jsonl", PostLabels),
    "unit_labels": ("predictions", "units.jsonl", UnitLabels),
    "participant_labels": ("predictions", "participants.jsonl", ParticipantLabels),
    "relations": ("predictions", "relations.jsonl", Relation),
    "key_points": ("predictions", "key_points.jsonl", KeyPoint),
}

_SCALARS: dict[type, pa.DataType] = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def arrow_type(annotation: object) -> pa.DataType:
    """The Arrow type of a field annotation of the schema's records."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        if len(present) != 1:
            raise TypeError(f"no Arrow type for the union {annotation!r}")
        return arrow_type(present[0])
    if origin is typing.Literal:
        return _SCALARS[type(args[0])]
    if origin in (tuple, list):
        return pa.list_(arrow_type(args[0]))
    if origin is dict:
        return pa.map_(arrow_type(args[0]), arrow_type(args[1]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([pa.field(name, arrow_type(f.annotation)) for name, f in annotation.model_fields.items()])
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Arrow type for {annotation!r}")


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """One column per field of `model`, in the model's field order."""
    return pa.schema([pa.field(name, arrow_type(f.annotation)) for name, f in model.model_fields.items()])


def write_table(path: Path, records: Iterable[BaseModel], model: type[BaseModel], row_group: int = ROW_GROUP) -> int:
    """`records` as one Parquet file with `model`'s schema, a row group at a time; the rows."""
    schema = arrow_schema(model)
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        batch: list[dict] = []
        for record in records:
            batch.append(record.model_dump())
            if len(batch) == row_group:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n, batch = n + len(batch), []
        # Always one write: a table with no rows still has its columns.
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        n += len(batch)
    return n


def export_parquet(folders: dict[str, Path], out_dir: Path, made_from: dict | None = None) -> dict[str, int]:
    """Every stage file of `folders` (corpus, segments, predictions: each may be left out)
    as a Parquet table in `out_dir`, written whole or not at all; rows per table."""
    rows: dict[str, int] = {}
    with atomic_dir(Path(out_dir)) as tmp:
        write_manifest(tmp, made_from)
        for table, (stage, name, model) in TABLES.items():
            if stage not in folders:
                continue
            source = Path(folders[stage]) / name
            if source.exists():
                rows[table] = write_table(tmp / f"{table}.parquet", iter_jsonl(source, model), model)
    return rows
