"""Telegram Desktop's chat export (result.json): one chat per file, its reply chains the
threads of its debate."""

from __future__ import annotations

import json

from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions


def msg(mid, author, text, minute, reply_to=None, **extra):
    m = {
        "id": mid,
        "type": "message",
        "date": f"2024-05-02T20:{minute:02d}:00",
        "date_unixtime": str(1714680000 + 60 * minute),
        "from": author,
        "from_id": f"user{abs(hash(author)) % 1000}",
        "text": text,
        "text_entities": [],
    }
    if reply_to is not None:
        m["reply_to_message_id"] = reply_to
    return {**m, **extra}


CHAT = {
    "name": "Socialrådgivere i Danmark",
    "type": "public_supergroup",
    "id": 1790001234,
    "messages": [
        {"id": 1, "type": "service", "date": "2024-05-02T19:59:00", "actor": "Anna", "action": "join_group_by_link"},
        msg(2, "Anna", "Hvor mange sager har I hver?", 0),
        msg(3, "Bo", ["Over 40. ", {"type": "bold", "text": "Det er for mange."}], 2, reply_to=2),
        msg(4, "Anna", "Enig, Bo.", 4, reply_to=3),
        msg(5, "Carl", "", 5, photo="photos/photo_1.jpg"),
        msg(6, "Dorte", "Hvad er det for et billede?", 6, reply_to=5),
        msg(7, "Eva", "Som jeg skrev i går: vi mangler folk.", 7, reply_to=99),  # 99: deleted
    ],
}


def test_a_chat_export_is_read_as_its_reply_chains(tmp_path, cfg):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(CHAT, ensure_ascii=False, indent=1), encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "a Telegram chat export (Telegram Desktop, JSON)"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    c = "1790001234:"
    assert sorted(t.id for t in corpus.threads) == [c + "2", c + "5", c + "99"]
    assert {p: posts[c + p].thread_id for p in ("3", "4", "6", "7")} == {
        "3": c + "2",
        "4": c + "2",
        "6": c + "5",
        "7": c + "99",
    }
    assert posts[c + "4"].parent_id == c + "3" and posts[c + "3"].parent_id == c + "2"
    assert posts[c + "3"].text == "Over 40. Det er for mange.", "a formatted text's parts joined"
    assert posts[c + "5"].text == "" and posts[c + "6"].parent_id == c + "5", "a photo keeps the replies to it"
    assert posts[c + "99"].text == "" and posts[c + "7"].parent_id == c + "99", "a deleted message: an empty root"
    assert posts[c + "3"].author == "Bo" and posts[c + "3"].created == "2024-05-02T20:02:00"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[int(posts[c + "3"].source.rsplit(":", 1)[1]) - 1] == "  {", "each post names the line it starts on"
    assert '"id": 3,' in lines[int(posts[c + "3"].source.rsplit(":", 1)[1])]
    assert corpus.threads[0].topic == "Socialrådgivere i Danmark"
    messages = " | ".join(n.message for n in corpus.notes)
    assert "1 service message(s) (joins, pins, title changes) left out; 6 message(s)" in messages
    assert "its opening post is not in the export" in messages


def test_a_cut_off_export_is_refused_naming_the_line(tmp_path, cfg):
    import pytest

    from pipeline.core.errors import InputError

    text = json.dumps(CHAT, ensure_ascii=False, indent=1)
    path = tmp_path / "result.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line > 1 and "not valid JSON" in str(err.value)


def test_an_export_nested_too_deeply_is_refused_not_a_crash(tmp_path, cfg):
    import pytest

    from pipeline.core.errors import InputError

    path = tmp_path / "result.json"
    head = '{"name": "x", "type": "public_channel", "id": 1, "messages": ['
    path.write_text(head + "[" * 100000 + "]" * 100000 + "]}", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert "nested too deeply" in str(err.value)


def test_a_reply_listed_before_the_message_it_answers_joins_that_chain(tmp_path, cfg):
    # An export merged from two date ranges lists a chain's later part first.
    chat = {**CHAT, "messages": [msg(8, "Bo", "Ja, det gør vi.", 9, reply_to=7), msg(7, "Eva", "Mangler I folk?", 7)]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat, ensure_ascii=False, indent=1), encoding="utf-8")
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert posts["1790001234:8"].thread_id == posts["1790001234:7"].thread_id == "1790001234:7"


def test_a_reply_cycle_of_a_hand_edited_export_is_refused_naming_both_lines(tmp_path, cfg):
    import pytest

    from pipeline.core.errors import InputError

    chat = {**CHAT, "messages": [msg(2, "Anna", "Hej", 0, reply_to=3), msg(3, "Bo", "Nej", 1, reply_to=2)]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert "reply cycle: 1790001234:2 (line 6), 1790001234:3 (line 17)" in str(err.value)
