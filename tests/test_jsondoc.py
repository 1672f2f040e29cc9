"""A `.json` file's records are read one at a time, in bounded memory, whatever its layout:
a collector's array of posts may be gigabytes, on one line."""

import json
import tracemalloc

import pytest

import pipeline.core.jsondoc as jsondoc
from pipeline.core.errors import InputError
from pipeline.core.jsondoc import first_json_record, json_layout, json_records, json_sample

POSTS = [
    {"id": str(i), "thread_id": "t", "text": f'Socialrådgiverne har {i} sager for mange. «Nej» \\ "tak"', "n": i * 1001}
    for i in range(40)
]


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_records_are_the_arrays_elements_with_the_line_each_starts_on(tmp_path, monkeypatch, chunk):
    """However the file is cut into chunks (a record, a string, a number cut at a chunk's
    end), the records are what json.loads reads, each with its line."""
    monkeypatch.setattr(jsondoc, "CHUNK", chunk)
    indented = _write(tmp_path / "posts.json", json.dumps(POSTS, ensure_ascii=False, indent=2))
    records = list(json_records(indented))
    assert [r for _, r in records] == POSTS
    lines = indented.read_text(encoding="utf-8").split("\n")
    assert all(lines[line - 1].strip() == "{" for line, _ in records)
    assert [line for line, _ in records][:2] == [2, 8]
    numbers = _write(tmp_path / "numbers.json", "[12345678, 3.25e-3, true, null]")
    assert [v for _, v in json_records(numbers)] == [12345678, 3.25e-3, True, None]


def test_a_minified_array_on_one_long_line_is_told_from_its_head_without_reading_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(jsondoc, "LINE_LIMIT", 100)
    minified = _write(tmp_path / "posts.json", json.dumps(POSTS, ensure_ascii=False))
    assert jsondoc.first_line(minified) is None
    assert first_json_record(minified) is None
    assert json_layout(minified) == "array"
    assert json_sample(minified) == [POSTS[0]]
    assert [line for line, _ in json_records(minified)] == [1] * len(POSTS)


def test_layouts(tmp_path):
    """One array; {"data": [...]} alone, indented, or one per line as a collector pages;
    JSON lines; and any other object, read whole (Mastodon's context response has two
    arrays)."""
    wrapped = _write(tmp_path / "a.json", json.dumps({"data": POSTS[:3]}, indent=2))
    assert json_layout(wrapped) == "wrapped" and json_sample(wrapped) == [POSTS[0]]
    paged = _write(tmp_path / "b.json", "".join(json.dumps({"data": POSTS[i : i + 2]}) + "\n" for i in (0, 2, 4)))
    assert json_layout(paged) == "wrapped"
    assert [(line, r["id"]) for line, r in json_records(paged)] == [
        (1, "0"),
        (1, "1"),
        (2, "2"),
        (2, "3"),
        (3, "4"),
        (3, "5"),
    ]
    lines = _write(tmp_path / "c.json", "".join(json.dumps(p) + "\n" for p in POSTS[:2]))
    assert json_layout(lines) == "lines" and json_sample(lines) is None
    context = {"ancestors": POSTS[:1], "descendants": POSTS[1:3]}
    two = _write(tmp_path / "d.json", json.dumps(context, indent=2))
    assert json_layout(two) == "document" and json_sample(two) == context
    assert json_layout(_write(tmp_path / "e.json", "hej\n")) is None and json_sample(tmp_path / "e.json") is None
    # Saved by Windows PowerShell 5.1 (UTF-16 with its byte-order mark, Windows line ends):
    # the same layouts, the wrapper's end told from its last bytes all the same.
    for name, text, layout in (
        ("f.json", json.dumps({"data": POSTS[:3]}, indent=2), "wrapped"),
        ("g.json", json.dumps(POSTS[:3], indent=2), "array"),
        ("h.json", json.dumps(context, indent=2), "document"),
    ):
        path = tmp_path / name
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
        assert json_layout(path) == layout, name
        if layout != "document":
            assert [r["id"] for _, r in json_records(path)] == ["0", "1", "2"]


def test_a_broken_file_names_the_line_where_it_stops_being_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(jsondoc, "CHUNK", 16)
    broken = _write(tmp_path / "broken.json", '[\n  {"id": "1"},\n  {"id": "2" "text": "x"},\n  {"id": "3"}\n]')
    with pytest.raises(InputError) as info:
        list(json_records(broken))
    assert info.value.line == 3 and "not valid JSON" in str(info.value)
    unclosed = _write(tmp_path / "unclosed.json", '[\n  {"id": "1"},\n  {"id": "2"}\n')
    with pytest.raises(InputError, match="never closed") as info:
        list(json_records(unclosed))
    assert info.value.line == 4
    with pytest.raises(InputError, match="no records"):
        list(json_records(_write(tmp_path / "empty.json", "[ ]")))


def test_a_large_array_is_read_in_memory_far_below_its_size(tmp_path):
    posts = [
        {"id": str(i), "thread_id": f"t{i % 50}", "text": "Helt enig, det er en skandale. " * 10} for i in range(40_000)
    ]
    path = _write(tmp_path / "big.json", json.dumps(posts, ensure_ascii=False))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        n = sum(1 for _ in json_records(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert n == len(posts)
    # The window holds about a chunk (1 MB of text, two bytes a character for Danish
    # text, held twice while it moves on), whatever the file's size; the whole file as
    # one string would be twice its size.
    assert size > 12_000_000 and peak < 8_000_000, (size, peak)


def test_an_objects_members_come_whole_but_the_streamed_array_an_element_at_a_time(tmp_path, monkeypatch):
    """A Telegram export: the chat's name and id, then its messages one at a time, each
    with its line; a member that follows the array still comes."""
    from pipeline.core.jsondoc import object_members

    monkeypatch.setattr(jsondoc, "CHUNK", 8)
    chat = {"name": "Socialrådgivere", "id": 17, "messages": POSTS[:3], "after": [1, 2]}
    path = _write(tmp_path / "result.json", json.dumps(chat, ensure_ascii=False, indent=1))
    got = list(object_members(path, "messages"))
    assert [(k, v) for k, _, v in got] == [
        ("name", "Socialrådgivere"),
        ("id", 17),
        *[("messages", p) for p in POSTS[:3]],
        ("after", [1, 2]),
    ]
    lines = path.read_text(encoding="utf-8").split("\n")
    assert all(lines[line - 1].strip().startswith(("{", '"name"', '"id"', '"after"')) for _, line, _ in got)
    with pytest.raises(InputError, match="an array of messages"):
        list(object_members(_write(tmp_path / "x.json", '{"messages": 3}'), "messages"))
    with pytest.raises(InputError, match="more after the object"):
        list(object_members(_write(tmp_path / "y.json", '{"messages": []} {}'), "messages"))
