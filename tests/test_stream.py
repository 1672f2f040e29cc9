"""Stage records read back from disk: the same values, in less memory."""

from __future__ import annotations

import json
import tracemalloc

from pipeline.core.schema import Unit
from pipeline.core.stream import iter_jsonl
from pipeline.core.tables import stage_file


def test_records_read_from_a_stage_file_share_one_set_of_field_names(pipeline_run):
    """Pydantic keeps, per record, the set of fields its input gave; every unit of a stage
    file (and its unit-type prediction) gives all, so the units share one set, and are
    what pydantic read all the same."""
    path = stage_file(pipeline_run["segments"], "units")
    units = list(iter_jsonl(path, Unit))
    assert len(units) > 400 and len({id(u.__pydantic_fields_set__) for u in units}) == 1
    assert len({id(u.unit_type.__pydantic_fields_set__) for u in units}) == 1, "nested records too"
    assert units[0].__pydantic_fields_set__ == set(Unit.model_fields)
    fresh = [Unit.model_validate(u.model_dump()) for u in units]
    assert fresh == units and [u.model_dump(exclude_unset=True) for u in units] == [u.model_dump() for u in fresh]

    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        held = list(iter_jsonl(path, Unit))
        slim = tracemalloc.get_traced_memory()[0] - base
        del held
        base = tracemalloc.get_traced_memory()[0]
        held = [Unit.model_validate(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
        own = tracemalloc.get_traced_memory()[0] - base
        del held
    finally:
        tracemalloc.stop()
    assert slim < 0.75 * own, (slim, own)


def test_a_stage_file_reads_the_same_records_whichever_reader_takes_a_line(pipeline_run, tmp_path):
    """Lines are read by pydantic's JSON reader, and the few it refuses by json.loads then
    validation: the records are those json.loads gives for every seed stage file; a lone
    surrogate escape (which pydantic's reader refuses) is read as U+FFFD, and a line that
    is not JSON or not a record is an error naming the file and line."""
    import pytest

    from pipeline.core.errors import InputError
    from pipeline.core.schema import Post, PostLabels, UnitLabels

    for folder, name, model in (
        ("corpus", "posts", Post),
        ("segments", "units", Unit),
        ("predictions", "posts", PostLabels),
        ("predictions", "units", UnitLabels),
    ):
        path = stage_file(pipeline_run[folder], name)
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert list(iter_jsonl(path, model)) == [model.model_validate(json.loads(line)) for line in lines]

    path = stage_file(pipeline_run["segments"], "units")
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    odd = tmp_path / "units.jsonl"
    line = json.dumps({**first, "text": "x"}).replace('"text": "x"', '"text": "a\\ud800b"')
    odd.write_text(line + "\n", encoding="utf-8")
    assert [u.text for u in iter_jsonl(odd, Unit)] == ["a\ufffdb"]

    odd.write_text(json.dumps(first) + "\n" + '{"id": "u1", \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"units\.jsonl:2: not valid JSON"):
        list(iter_jsonl(odd, Unit))
    odd.write_text(json.dumps({**first, "start": "soon"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"units\.jsonl:1: .*start"):
        list(iter_jsonl(odd, Unit))


def test_records_a_worker_dumped_are_written_as_the_records_themselves(pipeline_run, tmp_path):
    """A worker may send its records as JSON lines (`Dumped`): the stage file is the same,
    byte for byte, and counts them the same."""
    import pickle

    from pipeline.core.stream import Dumped, JsonlSink

    units = list(iter_jsonl(stage_file(pipeline_run["segments"], "units"), Unit))
    dumped = pickle.loads(pickle.dumps(Dumped.of(units)))
    assert isinstance(dumped, Dumped) and len(dumped) == len(units)
    handed = list(units)
    assert Dumped.taken(handed).lines == dumped.lines and handed == []  # each freed once dumped
    parts = {"records": (units[:10], units[10:]), "dumped": (Dumped(dumped.lines[:10]), Dumped(dumped.lines[10:]))}
    for name, (first, rest) in parts.items():
        with JsonlSink(tmp_path / f"{name}.jsonl") as sink:
            sink.write(first)
            sink.write(rest)
        assert sink.count == len(units)
    written = (tmp_path / "dumped.jsonl").read_bytes()
    assert written == (tmp_path / "records.jsonl").read_bytes()
    assert written == stage_file(pipeline_run["segments"], "units").read_bytes()
