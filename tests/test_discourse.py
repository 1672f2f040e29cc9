"""Discourse topics as a Discourse forum's JSON API returns them: the topic's page as JSON,
its later pages and post batches, the site's latest posts, or posts one per line."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions


def post(number, username, cooked, answers=None, minute=0, **extra):
    return {
        "id": 9000 + number,
        "name": extra.pop("name", ""),
        "username": username,
        "avatar_template": f"/letter_avatar_proxy/v4/letter/{username[0]}/e56c9b/{{size}}.png",
        "created_at": f"2024-03-14T09:{minute:02d}:00.000Z",
        "cooked": cooked,
        "post_number": number,
        "post_type": 1,
        "updated_at": f"2024-03-14T09:{minute:02d}:00.000Z",
        "reply_count": 0,
        "reply_to_post_number": answers,
        "quote_count": 0,
        "topic_id": 321,
        "topic_slug": "mangel-paa-socialraadgivere",
        "display_username": "",
        "user_title": None,
        **extra,
    }


QUOTE = (
    '<aside class="quote no-group" data-username="mette" data-post="1" data-topic="321">'
    '<div class="title">mette:</div><blockquote><p>Sagstallet er for højt.</p></blockquote></aside>'
    "<p>Nej, det er lønnen.</p>"
)
P1 = post(1, "mette", "<p>Vi mangler socialrådgivere.</p><p>Sagstallet er for højt.</p>", name="Mette Lund")
P2 = post(2, "jonas", QUOTE, 1, 4, user_title="Socialrådgiver")
P3 = post(3, "karin", "<p>Hvad siger kommunen?</p>", None, 9)
P4 = post(4, "mette", "<p>Lønnen er en del af det.</p>", 2, 12)
CLOSED = post(5, "system", "", None, 20, post_type=3, action_code="closed.enabled")
TOPIC = {
    "post_stream": {"posts": [P1, P2, P3], "stream": [9001, 9002, 9003, 9004, 9005]},
    "id": 321,
    "title": "Mangel på socialrådgivere",
    "fancy_title": "Mangel på socialrådgivere",
    "posts_count": 5,
    "created_at": "2024-03-14T09:00:00.000Z",
    "category_id": 4,
}


def write(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_topic_and_its_next_batch_of_posts_are_one_thread_with_the_posts_they_answer(tmp_path, cfg):
    first = write(tmp_path / "t-321.json", TOPIC)
    batch = write(tmp_path / "t-321-posts.json", {"post_stream": {"posts": [P4, CLOSED]}, "id": 321})
    assert describe_input(first, ReadOptions()) == "Discourse posts (a Discourse forum's JSON)"
    corpus = ingest_thread_files([first, batch], cfg)
    posts = corpus.posts_by_id()
    assert [t.root_id for t in corpus.threads] == ["topic-321-1"]
    assert {p.id: p.parent_id for p in corpus.posts} == {
        "topic-321-1": None,
        "topic-321-2": "topic-321-1",
        "topic-321-3": "topic-321-1",
        "topic-321-4": "topic-321-2",
    }, "a post answering no post answers the topic; the action record is left out"
    root = posts["topic-321-1"]
    assert (root.title, root.author, root.author_description) == ("Mangel på socialrådgivere", "mette", "Mette Lund")
    assert root.text == "Vi mangler socialrådgivere.\n\nSagstallet er for højt."
    assert posts["topic-321-2"].text == "> Sagstallet er for højt.\n\nNej, det er lønnen.", "a quotation as '> '"
    assert posts["topic-321-2"].author_description == "Socialrådgiver", "the user's title is read for roles"
    assert posts["topic-321-4"].created == "2024-03-14T09:12:00+00:00"
    assert any("1 action record(s)" in n.message for n in corpus.notes)


def test_the_sites_latest_posts_and_a_topic_page_saved_beside_them_complete_each_other(tmp_path, cfg):
    """/posts.json names each post's topic title; a batch without it leaves the opening
    post untitled: read together, one opening post with its title, not two rows."""
    latest = write(tmp_path / "posts.json", {"latest_posts": [dict(P1, topic_title="Mangel på socialrådgivere"), P2]})
    untitled = write(tmp_path / "batch.json", {"post_stream": {"posts": [P1, P3]}, "id": 321})
    corpus = ingest_thread_files([untitled, latest], cfg)
    assert corpus.posts_by_id()["topic-321-1"].title == "Mangel på socialrådgivere"
    assert len(corpus.posts) == 3


def test_posts_one_per_line_through_the_cli_with_deleted_posts_kept_empty(tmp_path):
    gone = post(6, "karin", "<p>(indlæg trukket tilbage af forfatteren)</p>", 1, 25, user_deleted=True)
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in (P1, P2, gone)), encoding="utf-8")
    assert run_cli("ingest", "--threads", str(path), "--out", str(tmp_path / "corpus")) == 0
    rows = [json.loads(x) for x in (tmp_path / "corpus" / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: r["text"] for r in rows}["topic-321-6"] == ""
    report = json.loads((tmp_path / "corpus" / "ingest_report.json").read_text(encoding="utf-8"))
    assert any("1 deleted Discourse post(s)" in n["message"] for n in report["notes"])


def test_a_post_without_its_number_is_refused_naming_file_and_line(tmp_path, cfg):
    broken = dict(P2, post_number=None)
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps(P1) + "\n" + json.dumps(broken) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 2 and "post_number" in str(err.value)


def test_numbers_quoted_by_a_script_that_resaved_the_posts_are_read_as_numbers(tmp_path, cfg):
    quoted = [
        dict(
            p,
            post_number=str(p["post_number"]),
            reply_to_post_number=p["reply_to_post_number"] and str(p["reply_to_post_number"]),
        )
        for p in (P1, P2, P4)
    ]
    path = write(tmp_path / "resaved.json", {"post_stream": {"posts": quoted}, "id": 321})
    corpus = ingest_thread_files([path], cfg)
    assert corpus.posts_by_id()["topic-321-4"].parent_id == "topic-321-2"
    path = write(tmp_path / "broken.json", {"post_stream": {"posts": [P1, dict(P4, reply_to_post_number="to")]}})
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert "reply_to_post_number 'to' is no post number" in str(err.value)
