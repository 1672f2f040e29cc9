"""The documentation of the data model matches the data model."""

from __future__ import annotations

import re

import pytest

from pipeline import schema
from pipeline.config import PROJ_ROOT

RECORDS = [
    "Post",
    "Author",
    "Evidence",
    "Span",
    "GoldLabels",
    "Thread",
    "Participant",
    "Note",
    "Sentence",
    "Unit",
    "Prediction",
    "PostLabels",
    "UnitLabels",
    "ParticipantLabels",
    "Relation",
    "Annotation",
]


@pytest.mark.parametrize("name", RECORDS)
def test_schema_every_field_is_documented(name):
    doc = (PROJ_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", doc))
    fields = set(getattr(schema, name).model_fields) - {"schema_version"}
    assert fields <= documented, f"{name}: undocumented fields {sorted(fields - documented)}"


def test_schema_records_refuse_unknown_fields():
    with pytest.raises(ValueError):
        schema.Span.model_validate({"start": 0, "end": 1, "length": 1})
