"""Facebook posts and comments as Meta's Graph API returns them: a page's posts with their
comments edge, or one post's comments (filter=stream, each reply naming its parent)."""

from __future__ import annotations

import json

from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions


def comment(cid, name, message, minute, parent=None, replies=()):
    node = {"id": cid, "created_time": f"2024-03-14T09:{minute:02d}:00+0000", "message": message}
    if name:
        node["from"] = {"name": name, "id": f"u-{name}"}
    if parent:
        node["parent"] = {"id": parent, "created_time": "2024-03-14T09:00:00+0000", "message": "..."}
    if replies:
        node["comments"] = {"data": list(replies)}
    return node


POST = {
    "id": "1500_2600",
    "created_time": "2024-03-14T08:00:00+0000",
    "message": "Hver femte socialrådgiver har forladt sit job inden for det seneste år. Hvad skal der til?",
    "from": {"name": "Dansk Socialrådgiverforening", "id": "1500"},
    "permalink_url": "https://www.facebook.com/1500/posts/2600",
    "comments": {
        "data": [
            comment(
                "2600_1",
                "Mette Kjær",
                "Flere hænder og færre sager per rådgiver.",
                5,
                replies=[comment("2600_2", "Ole Berg", "Mette Kjær det koster penge.", 9)],
            ),
            comment("2600_3", None, "Dokumentationskravene dræber faget.", 12),
        ],
        "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}},
    },
}


def test_a_pages_posts_with_their_comments_edge_are_threads_with_nested_replies(tmp_path, cfg):
    path = tmp_path / "posts.json"
    path.write_text(json.dumps({"data": [POST], "paging": {"next": "https://graph..."}}, indent=2), encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "Facebook posts and comments (Graph API)"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert {p.id: p.parent_id for p in corpus.posts} == {
        "1500_2600": None,
        "2600_1": "1500_2600",
        "2600_2": "2600_1",
        "2600_3": "1500_2600",
    }
    assert posts["1500_2600"].author == "Dansk Socialrådgiverforening"
    assert posts["2600_2"].created == "2024-03-14T09:09:00+00:00"
    assert posts["2600_3"].author is None, "a Page token leaves the commenter out"
    assert any("1 comment(s) without their author" in n.message for n in corpus.notes)


def test_one_posts_comments_streamed_flat_are_its_thread_under_an_empty_root(tmp_path, cfg):
    """/{post-id}/comments?filter=stream lists replies flat, each naming its parent; the
    file holds one post's comments, whose thread is the file's name."""
    stream = [
        comment("2600_1", "Mette Kjær", "Flere hænder og færre sager per rådgiver.", 5),
        comment("2600_2", "Ole Berg", "Mette Kjær det koster penge.", 9, parent="2600_1"),
        comment("2600_3", "Jens Lund", "Dokumentationskravene dræber faget.", 12),
    ]
    path = tmp_path / "post-2600-comments.json"
    path.write_text(json.dumps({"data": stream}, ensure_ascii=False), encoding="utf-8")
    corpus = ingest_thread_files([path], cfg)
    assert {p.id: p.parent_id for p in corpus.posts} == {
        "post-2600-comments": None,
        "2600_1": "post-2600-comments",
        "2600_2": "2600_1",
        "2600_3": "post-2600-comments",
    }
    assert corpus.posts_by_id()["post-2600-comments"].text == ""
