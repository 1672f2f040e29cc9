"""Flarum discussions as a Flarum forum's JSON API returns them: a discussion with its posts
and users included, or pages of posts. A reply's opening mention names the post it answers."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

USERS = [
    {"type": "users", "id": "7", "attributes": {"username": "mette", "displayName": "Mette Lund"}},
    {"type": "users", "id": "8", "attributes": {"username": "jonas", "displayName": "jonas"}},
]


def post(pid, number, user, html, minute=0, **attrs):
    return {
        "type": "posts",
        "id": str(pid),
        "attributes": {
            "number": number,
            "createdAt": f"2024-03-14T09:{minute:02d}:00+00:00",
            "contentType": attrs.pop("content_type", "comment"),
            "contentHtml": html,
            **attrs,
        },
        "relationships": {
            "user": {"data": {"type": "users", "id": user}},
            "discussion": {"data": {"type": "discussions", "id": "42"}},
        },
    }


MENTION = '<p><a href="https://forum.example/d/42/2" class="PostMention" data-id="502">jonas</a> '
POSTS = [
    post(501, 1, "7", "<p>Vi mangler socialrådgivere i kommunen.</p>"),
    post(502, 2, "8", "<p>Det er lønnen, ikke sagerne.</p>", 4),
    post(503, 3, "7", MENTION + "Nej, det er sagstallet.</p>", 9),
    post(504, 4, "8", "", 12, content_type="discussionRenamed"),
    post(505, 5, "8", "<p>Fjernet.</p>", 15, isHidden=True),
]
DISCUSSION = {
    "data": {
        "type": "discussions",
        "id": "42",
        "attributes": {"title": "Mangel på socialrådgivere", "commentCount": 4},
        "relationships": {"posts": {"data": [{"type": "posts", "id": str(p["id"])} for p in POSTS]}},
    },
    "included": POSTS + USERS,
}


def test_a_discussion_with_its_posts_is_one_thread_whose_mentions_give_the_parents(tmp_path, cfg):
    path = tmp_path / "d-42.json"
    path.write_text(json.dumps(DISCUSSION, ensure_ascii=False, indent=2), encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "Flarum posts (a Flarum forum's JSON API)"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert {p.id: p.parent_id for p in corpus.posts} == {
        "d42-1": None,
        "d42-2": "d42-1",
        "d42-3": "d42-2",
        "d42-5": "d42-1",
    }, "the renaming event is left out; a post without a mention answers the first"
    assert (posts["d42-1"].title, posts["d42-1"].author, posts["d42-1"].author_description) == (
        "Mangel på socialrådgivere",
        "mette",
        "Mette Lund",
    )
    assert posts["d42-2"].author_description is None, "a display name that is the username says nothing"
    assert posts["d42-3"].text == "@jonas Nej, det er sagstallet." and posts["d42-5"].text == ""
    assert any("1 event post(s)" in n.message and "1 hidden post(s)" in n.message for n in corpus.notes)


def test_a_page_of_posts_through_the_cli_and_a_post_without_its_number_refused(tmp_path, cfg):
    page = {"data": POSTS[:3], "included": USERS}
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps(page, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run_cli("ingest", "--threads", str(path), "--out", str(tmp_path / "corpus")) == 0
    rows = [json.loads(x) for x in (tmp_path / "corpus" / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["d42-1", "d42-2", "d42-3"]
    broken = {"data": [dict(POSTS[1], attributes={"contentHtml": "<p>x</p>"})]}
    path.write_text(json.dumps(page) + "\n" + json.dumps(broken) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 2 and "Flarum post 502 without its discussion or number" in str(err.value)
