"""A predictions folder (classify's output): its tables, written and read back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.artifacts import atomic_dir, read_json, write_json
from pipeline.core.lineage import write_manifest
from pipeline.core.schema import KeyPoint, ParticipantLabels, PostLabels, Relation, Unit, UnitLabels
from pipeline.core.tables import read_records, stage_file, write_records


@dataclass
class Predictions:
    posts: list[PostLabels]
    units: list[UnitLabels]
    participants: list[ParticipantLabels]
    relations: list[Relation]
    provenance: dict
    key_points: list[KeyPoint] = field(default_factory=list)


# The tables of a predictions folder: each a field of `Predictions`.
PREDICTION_TABLES = {
    "posts": PostLabels,
    "units": UnitLabels,
    "relations": Relation,
    "key_points": KeyPoint,
    "participants": ParticipantLabels,
}


def write_predictions(pred: Predictions, out_dir: Path, made_from: dict | None = None, storage: str = "jsonl") -> None:
    with atomic_dir(Path(out_dir)) as tmp:
        write_manifest(tmp, made_from)
        for name, model in PREDICTION_TABLES.items():
            write_records(tmp, name, model, getattr(pred, name), storage)
        write_json(tmp / "provenance.json", pred.provenance)


def read_predictions(out_dir: Path) -> Predictions:
    """The files `write_predictions` wrote, back as `Predictions`."""
    out_dir = Path(out_dir)
    provenance = out_dir / "provenance.json"
    key_points = stage_file(out_dir, "key_points")
    return Predictions(
        posts=read_records(stage_file(out_dir, "posts"), PostLabels),
        units=read_records(stage_file(out_dir, "units"), UnitLabels),
        participants=read_records(stage_file(out_dir, "participants"), ParticipantLabels),
        relations=read_records(stage_file(out_dir, "relations"), Relation),
        provenance=read_json(provenance) if provenance.exists() else {},
        key_points=read_records(key_points, KeyPoint) if key_points.exists() else [],
    )


def read_units(segments_dir: Path) -> list[Unit]:
    return read_records(stage_file(Path(segments_dir), "units"), Unit)
