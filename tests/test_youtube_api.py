"""YouTube comments as the YouTube Data API v3 returns them: commentThreads.list and
comments.list responses (one per line, or one saved .json), or their items."""

from __future__ import annotations

import json

import pytest

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

VIDEO = "dQw4w9WgXcQ"


def comment(cid, author, text, minute, parent=None, video=None, html=None):
    snippet = {
        "channelId": "UCchannel",
        "authorDisplayName": author,
        "authorChannelId": {"value": "UC" + author.strip("@")},
        "textDisplay": html if html is not None else text,
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 3,
        "publishedAt": f"2024-11-20T18:{minute:02d}:00Z",
        "updatedAt": f"2024-11-20T18:{minute:02d}:00Z",
    }
    if html is None:
        snippet["textOriginal"] = text
    if parent:
        snippet["parentId"] = parent
    if video:
        snippet["videoId"] = video
    return {"kind": "youtube#comment", "etag": "e", "id": cid, "snippet": snippet}


def thread(top, replies=()):
    item = {
        "kind": "youtube#commentThread",
        "etag": "e",
        "id": top["id"],
        "snippet": {"channelId": "UCchannel", "videoId": VIDEO, "topLevelComment": top, "canReply": True,
                    "totalReplyCount": len(replies), "isPublic": True},
    }  # fmt: skip
    if replies:
        item["replies"] = {"comments": list(replies)}
    return item


def page(items, kind="youtube#commentThreadListResponse"):
    return {"kind": kind, "etag": "e", "pageInfo": {"totalResults": len(items), "resultsPerPage": 20}, "items": items}


A = comment("UgA", "@mette", "Socialrådgiverne i kommunen har alt for mange sager.", 1)
A1 = comment("UgA.r1", "@jonas", "@mette Nej, det passer ikke.", 4, parent="UgA")
A2 = comment("UgA.r2", "@mette", "@jonas Jo, det gør det. Jeg har selv 45 sager.", 6, parent="UgA")
B = comment("UgB", "@karin", "Hvorfor taler ingen om lønnen?", 9)


def write_lines(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_comment_thread_pages_are_one_thread_per_video_with_replies_under_their_comment(tmp_path, cfg):
    path = write_lines(tmp_path / "threads.jsonl", [page([thread(A, [A1, A2])]), page([thread(B)])])
    assert describe_input(path, ReadOptions()) == "YouTube comments (YouTube Data API v3)"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [t.id for t in corpus.threads] == [VIDEO]
    assert {p.id: p.parent_id for p in corpus.posts} == {
        VIDEO: None, "UgA": VIDEO, "UgA.r1": "UgA", "UgA.r2": "UgA.r1", "UgB": VIDEO
    }  # fmt: skip
    assert posts[VIDEO].text == "", "the video itself is not in the API's comments: an empty root stands for it"
    assert posts["UgA.r1"].author == "@jonas" and posts["UgA.r1"].text == "@mette Nej, det passer ikke."
    assert posts["UgA.r2"].created == "2024-11-20T18:06:00+00:00"
    assert posts["UgA.r1"].source == f"{path}:1" and posts["UgB"].source == f"{path}:2"
    # The items alone, as a script saves them: a JSON array of comment threads.
    items = tmp_path / "items.json"
    items.write_text(json.dumps([thread(A, [A1, A2]), thread(B)], indent=2), encoding="utf-8")
    again = ingest_thread_files([items], cfg)
    assert {p.id: p.parent_id for p in again.posts} == {p.id: p.parent_id for p in corpus.posts}


def test_replies_from_comments_list_join_their_comments_video_and_html_text_is_read(tmp_path, cfg):
    """comments.list (a thread's replies, without the video's id) saved as one indented
    .json beside the threads; with textFormat=html only textDisplay holds the text."""
    top = comment("UgA", "@mette", "", 1, html="Alt for mange sager.<br>Vi <b>drukner</b> &amp; går ned.")
    threads = write_lines(tmp_path / "threads.jsonl", [page([thread(top)])])
    replies = tmp_path / "replies-UgA.json"
    replies.write_text(json.dumps(page([A1, A2], "youtube#commentListResponse"), indent=2), encoding="utf-8")
    assert describe_input(replies, ReadOptions()) == "YouTube comments (YouTube Data API v3)"
    corpus = ingest_thread_files([threads, replies], cfg)
    posts = corpus.posts_by_id()
    assert {p.thread_id for p in corpus.posts} == {VIDEO}
    assert posts["UgA.r1"].parent_id == "UgA" and posts["UgA.r2"].parent_id == "UgA.r1", "@jonas answers Jonas"
    assert posts["UgA"].text == "Alt for mange sager.\nVi drukner & går ned."


def test_a_record_that_is_no_comment_thread_is_refused_naming_file_and_line(tmp_path, cfg):
    path = write_lines(tmp_path / "threads.jsonl", [page([thread(B)]), page([{"kind": "youtube#video", "id": "x"}])])
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 2 and "no youtube#commentThread or youtube#comment" in str(err.value)


def test_a_reply_to_a_reply_answers_the_reply_its_handle_names_with_the_evidence(tmp_path, cfg):
    """YouTube files a reply to a reply under the comment: "@jonas Jo, ..." answers Jonas's
    reply, not Mette's comment, and says so; a reply naming the comment's own author, or no
    one, keeps the comment."""
    a3 = comment("UgA.r3", "@lis", "@mette Tak for at sige det.", 8, parent="UgA")
    path = write_lines(tmp_path / "threads.jsonl", [page([thread(A, [A1, A2, a3])])])
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert {p.id: p.parent_id for p in corpus.posts if p.id.startswith("UgA.")} == {
        "UgA.r1": "UgA", "UgA.r2": "UgA.r1", "UgA.r3": "UgA"
    }  # fmt: skip
    rules = {e.rule: (e.target_id, e.decided) for e in posts["UgA.r2"].parent_evidence}
    assert rules == {"given": ("UgA", False), "address": ("UgA.r1", True)}
    assert [e.rule for e in posts["UgA.r1"].parent_evidence] == ["given"]
    assert any("1 repl(ies) filed under a comment answer the earlier reply" in n.message for n in corpus.notes)
