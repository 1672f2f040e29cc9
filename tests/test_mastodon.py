"""Mastodon statuses as the Mastodon API returns them: statuses one per line, timelines
(JSON arrays), search and context responses. Threads are found by following replies."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

ACCOUNTS = {
    "mette": {
        "id": "11",
        "username": "mette",
        "acct": "mette",
        "display_name": "Mette Lund",
        "note": "<p>Socialrådgiver i Aarhus Kommune. Skriver om børnesager.</p>",
    },
    "jonas": {"id": "12", "username": "jonas", "acct": "jonas@mastodon.social", "display_name": "", "note": ""},
    "karin": {"id": "13", "username": "karin", "acct": "karin", "display_name": "Karin (S)", "note": ""},
}


def status(sid, who, content, parent=None, minute=0, lang="da", **extra):
    return {
        "id": sid,
        "created_at": f"2025-03-10T08:{minute:02d}:00.000Z",
        "in_reply_to_id": parent,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": lang,
        "uri": f"https://social.example/users/{who}/statuses/{sid}",
        "content": content,
        "reblog": None,
        "account": ACCOUNTS[who],
        "media_attachments": [],
        "mentions": [],
        **extra,
    }


MENTION = (
    '<span class="h-card"><a href="https://social.example/@mette" class="u-url mention">@<span>mette</span></a></span>'
)
ROOT = status("100", "mette", "<p>Vi mangler socialrådgivere.</p><p>Sagstallet er for højt.</p>")
R1 = status("101", "jonas", f"<p>{MENTION} Det er jeg uenig i, for lønnen er problemet.</p>", "100", 4)
R2 = status("102", "mette", "<p>Lønnen er en del af det.</p>", "101", 7)
R3 = status("103", "karin", "<p>Vi har afsat penge til flere stillinger.</p>", "100", 9, spoiler_text="politik")


def write_lines(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_timeline_saved_as_one_json_array_is_read_as_threads_by_following_replies(tmp_path, cfg):
    path = tmp_path / "tag-socialraadgiver.json"
    path.write_text(json.dumps([R3, R2, R1, ROOT], ensure_ascii=False, indent=2), encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "Mastodon statuses (Mastodon API)"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [t.root_id for t in corpus.threads] == ["100"]
    assert {p.id: p.parent_id for p in corpus.posts} == {"100": None, "101": "100", "102": "101", "103": "100"}
    assert posts["100"].text == "Vi mangler socialrådgivere.\n\nSagstallet er for højt."
    assert posts["101"].text == "@mette Det er jeg uenig i, for lønnen er problemet."
    assert posts["101"].author == "jonas@mastodon.social" and posts["101"].author_description is None
    assert posts["100"].author_description == "Mette Lund: Socialrådgiver i Aarhus Kommune. Skriver om børnesager."
    assert posts["103"].title == "politik", "a content warning is what a reader sees first"
    assert posts["102"].created == "2025-03-10T08:07:00+00:00" and posts["102"].lang == "da"
    lines = [int(posts[i].source.rsplit(":", 1)[1]) for i in ("103", "102", "101", "100")]
    assert lines[0] == 2 and lines == sorted(set(lines)), "each status is named by the line it starts on"


def test_the_bio_gives_a_role_and_the_reply_cue_reads_the_status_text(tmp_path):
    path = write_lines(tmp_path / "statuses.jsonl", [ROOT, R1, R2, R3])
    assert run_cli("ingest", "--threads", str(path), "--out", str(tmp_path / "corpus")) == 0
    posts = [json.loads(x) for x in (tmp_path / "corpus" / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in posts] == ["100", "101", "102", "103"]
    assert all(p["thread_id"] == "100" for p in posts)


def test_replies_whose_parent_was_not_collected_get_an_empty_root_standing_for_it(tmp_path, cfg):
    """A hashtag timeline holds replies to statuses without the tag: each chain that leaves
    the file is a thread under the status it leaves for."""
    path = write_lines(tmp_path / "statuses.jsonl", [R1, R2, R3])
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert posts["100"].text == "" and posts["101"].parent_id == "100" and posts["102"].parent_id == "101"
    assert {p.thread_id for p in corpus.posts} == {"100"}
    assert any("opening post is not in the export" in n.message for n in corpus.notes)


def test_a_context_response_joins_the_status_asked_about_saved_beside_it(tmp_path, cfg):
    """/statuses/101/context leaves out 101 itself: saved in another file, it joins its
    ancestors and replies in one thread; alone, its replies open a thread under an empty
    root standing for it."""
    context = {"ancestors": [ROOT], "descendants": [R2, status("104", "karin", "<p>Hvorfor?</p>", "102", 12)]}
    path = tmp_path / "context-101.json"
    path.write_text(json.dumps(context, ensure_ascii=False, indent=2), encoding="utf-8")
    focal = write_lines(tmp_path / "status-101.jsonl", [R1])
    both = ingest_thread_files([path, focal], cfg)
    assert {p.id: p.parent_id for p in both.posts} == {"100": None, "101": "100", "102": "101", "104": "102"}
    assert {p.thread_id for p in both.posts} == {"100"}
    alone = ingest_thread_files([path], cfg)
    assert {p.id: p.thread_id for p in alone.posts} == {"100": "100", "101": "101", "102": "101", "104": "101"}
    assert alone.posts_by_id()["101"].text == ""


@pytest.mark.parametrize("layout", ["array", "context", "lines"])
def test_an_api_response_windows_powershell_saved_in_utf16_is_read_as_the_tools(tmp_path, cfg, layout):
    """Windows PowerShell 5.1 saves what `curl ... > context.json` or `Out-File` writes as
    UTF-16 with a byte-order mark and Windows line ends: a tool's response so saved is read
    as that tool's (it had been taken for a generic thread file and refused field by
    field), as a timeline's array, a context document or JSON lines."""
    if layout == "array":
        text, name = json.dumps([R3, R2, R1, ROOT], ensure_ascii=False, indent=2), "timeline.json"
    elif layout == "context":
        text, name = json.dumps({"ancestors": [ROOT], "descendants": [R1, R2, R3]}, ensure_ascii=False), "ctx.json"
    else:
        text, name = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (ROOT, R1, R2, R3)), "lines.jsonl"
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert describe_input(path, ReadOptions()) == "Mastodon statuses (Mastodon API)"
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert {i: p.parent_id for i, p in posts.items()} == {"100": None, "101": "100", "102": "101", "103": "100"}
    assert posts["100"].text == "Vi mangler socialrådgivere.\n\nSagstallet er for højt."
    assert posts["101"].author == "jonas@mastodon.social"


def test_boosts_are_read_as_the_status_they_boost_and_direct_messages_left_out(tmp_path, cfg):
    boost = status("200", "karin", "", reblog=R1)
    dm = status("201", "jonas", "<p>@mette privat: ring mig</p>", "100", 20, visibility="direct")
    path = write_lines(tmp_path / "home.jsonl", [ROOT, boost, dm, R1])
    corpus = ingest_thread_files([path], cfg)
    assert sorted(p.id for p in corpus.posts) == ["100", "101"]
    messages = " | ".join(n.message for n in corpus.notes)
    assert "1 boost(s) read as the status they boost" in messages
    assert "1 direct message(s) (visibility: direct) left out" in messages


def test_a_line_that_is_no_status_is_refused_naming_file_and_line(tmp_path, cfg):
    path = write_lines(tmp_path / "statuses.jsonl", [ROOT, {"id": "9", "content": "<p>x</p>"}])
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 2 and "not a Mastodon status" in str(err.value)
