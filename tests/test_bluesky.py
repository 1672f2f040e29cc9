"""Bluesky posts as collection tools and the AT Protocol API return them: post views one
per line (searchPosts, feeds), or getPostThread responses, whose posts are walked."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

DID = {"anna": "did:plc:anna", "bo": "did:plc:bo", "sara": "did:plc:sara"}
AUTHORS = {
    "anna": {"did": DID["anna"], "handle": "anna.bsky.social", "displayName": "Anna Holm", "description": "Socionom"},
    "bo": {"did": DID["bo"], "handle": "bo.bsky.social", "displayName": "Bo Ek (S)"},
    "sara": {"did": DID["sara"], "handle": "sara.bsky.social", "displayName": ""},
}


def uri(who: str, rkey: str) -> str:
    return f"at://{DID[who]}/app.bsky.feed.post/{rkey}"


def view(who, rkey, text, root=None, parent=None, minute=0, langs=("sv",)):
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": f"2025-02-03T09:{minute:02d}:00.000Z"}
    if langs is not None:
        record["langs"] = list(langs)
    if root:
        record["reply"] = {"root": {"uri": root, "cid": "c"}, "parent": {"uri": parent or root, "cid": "c"}}
    return {"uri": uri(who, rkey), "cid": "c", "author": AUTHORS[who], "record": record, "replyCount": 0}


ROOT = view("anna", "r1", "Socialtjänsten i Malmö tappar erfarna socialsekreterare varje månad.")
R1 = view("bo", "a1", "Vi har budgeterat för fler tjänster i år.", root=uri("anna", "r1"), minute=3)
R2 = view(
    "anna", "a2", "Tjänster hjälper inte om ingen söker dem.", root=uri("anna", "r1"), parent=uri("bo", "a1"), minute=6
)
R3 = view("sara", "a3", "Lönen är frågan.", root=uri("anna", "r1"), minute=8, langs=("sv-SE",))


def write(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_bluesky_post_views_are_threads_by_their_root_with_handles_and_parents(tmp_path, cfg):
    path = write(tmp_path / "search.jsonl", [R3, R1, ROOT, R2])
    assert describe_input(path, ReadOptions()) == "Bluesky posts (AT Protocol)"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [t.root_id for t in corpus.threads] == [uri("anna", "r1")]
    assert [p.id for p in corpus.posts] == [
        uri(*x) for x in (("anna", "r1"), ("bo", "a1"), ("anna", "a2"), ("sara", "a3"))
    ]
    assert posts[uri("anna", "a2")].parent_id == uri("bo", "a1")
    assert posts[uri("sara", "a3")].parent_id == uri("anna", "r1")
    assert posts[uri("bo", "a1")].author == "bo.bsky.social"
    assert posts[uri("anna", "r1")].author_description == "Anna Holm: Socionom"
    assert posts[uri("sara", "a3")].author_description is None and posts[uri("sara", "a3")].lang == "sv"
    assert posts[uri("bo", "a1")].created == "2025-02-03T09:03:00+00:00"


def test_bluesky_thread_responses_are_walked_and_missing_posts_counted(tmp_path, cfg):
    """getPostThread nests replies under posts; a deleted post is a marker whose replies
    answer the thread's first post, and the repair is noted."""
    gone = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri("bo", "a1"), "notFound": True}
    orphan = view("sara", "a4", "Håller inte med.", root=uri("anna", "r1"), parent=uri("bo", "a1"), minute=9)
    thread = {
        "thread": {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": ROOT,
            "replies": [
                {"$type": "app.bsky.feed.defs#threadViewPost", "post": R3, "replies": []},
                {**gone, "replies": [{"post": orphan, "replies": []}]},
            ],
        }
    }
    path = write(tmp_path / "thread.jsonl", [thread])
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert set(posts) == {uri("anna", "r1"), uri("sara", "a3"), uri("sara", "a4")}
    assert posts[uri("sara", "a4")].parent_id == uri("anna", "r1"), "its parent was deleted"
    messages = " | ".join(n.message for n in corpus.notes)
    assert "1 post(s) of thread responses deleted, blocked or not found: left out" in messages
    assert f"parent {uri('bo', 'a1')} of {uri('sara', 'a4')} is not in the export" in messages


def test_bluesky_replies_of_a_post_not_collected_answer_the_thread_root(tmp_path, cfg):
    path = write(tmp_path / "search.jsonl", [R2, R3])
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    root = uri("anna", "r1")
    assert posts[root].text == "" and posts[uri("anna", "a2")].parent_id == root
    assert any("opening post is not in the export" in n.message for n in corpus.notes)


def test_bluesky_file_runs_through_ingest_and_a_foreign_line_is_refused(tmp_path):
    path = write(tmp_path / "bsky.jsonl", [ROOT, R1])
    assert run_cli("ingest", "--threads", str(path), "--out", str(tmp_path / "corpus")) == 0
    bad = write(tmp_path / "bad.jsonl", [ROOT, {"uri": "https://example.org", "text": "x"}])
    with pytest.raises(InputError) as err:
        from pipeline.core.config import load_config

        ingest_thread_files([bad], load_config())
    assert err.value.line == 2 and "not a Bluesky post view" in str(err.value)


def test_bluesky_search_and_feed_responses_are_read_also_when_saved_indented(tmp_path, cfg):
    """A searchPosts response saved as a browser or `jq .` saves it (one indented JSON
    document), and a feed response as one line: their post views, in order."""
    search = tmp_path / "search.json"
    search.write_text(json.dumps({"posts": [ROOT, R1], "cursor": "25"}, ensure_ascii=False, indent=2), encoding="utf-8")
    assert describe_input(search, ReadOptions()) == "Bluesky posts (AT Protocol)"
    feed = write(tmp_path / "feed.jsonl", [{"feed": [{"post": R2, "reply": {}}, {"post": R3}], "cursor": "x"}])
    corpus = ingest_thread_files([search, feed], cfg)
    posts = corpus.posts_by_id()
    assert sorted(posts) == sorted(uri(*x) for x in (("anna", "r1"), ("bo", "a1"), ("anna", "a2"), ("sara", "a3")))
    assert posts[uri("anna", "a2")].parent_id == uri("bo", "a1")
    assert posts[uri("bo", "a1")].source.startswith(f"{search}:1")
