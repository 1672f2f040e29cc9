"""Lemmy posts and comments as the Lemmy API returns them (feddit.dk, the Danish instance):
a post's view, pages of posts and of comments, or views one per line. A comment's path
names whom it answers."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

COMMUNITY = {"id": 7, "name": "danmark", "title": "Danmark", "actor_id": "https://feddit.dk/c/danmark", "local": True}
PEOPLE = {
    "mette": {
        "id": 31,
        "name": "mette",
        "display_name": "Mette Lund",
        "bio": "Socialrådgiver i Aarhus Kommune.",
        "actor_id": "https://feddit.dk/u/mette",
        "local": True,
        "deleted": False,
    },
    "jonas": {"id": 32, "name": "jonas", "actor_id": "https://lemmy.world/u/jonas", "local": False, "deleted": False},
    "karin": {"id": 33, "name": "karin", "actor_id": "https://feddit.dk/u/karin", "local": True, "deleted": False},
}
POST = {
    "id": 500,
    "name": "Kommunerne mangler socialrådgivere",
    "body": "Hver tredje kommune har ubesatte stillinger. Hvad gør vi?",
    "creator_id": 31,
    "community_id": 7,
    "removed": False,
    "deleted": False,
    "locked": False,
    "published": "2024-03-14T08:30:12.345678Z",
    "ap_id": "https://feddit.dk/post/500",
    "local": True,
    "language_id": 0,
}


def post_view(post=POST, who="mette"):
    return {"post": post, "creator": PEOPLE[who], "community": COMMUNITY, "counts": {"comments": 3}}


def comment_view(cid, who, content, path, minute=0, **extra):
    comment = {
        "id": cid,
        "creator_id": PEOPLE[who]["id"],
        "post_id": POST["id"],
        "content": content,
        "removed": False,
        "deleted": False,
        "published": f"2024-03-14T09:{minute:02d}:00.000000Z",
        "ap_id": f"https://feddit.dk/comment/{cid}",
        "local": True,
        "path": path,
        "distinguished": False,
        "language_id": 0,
        **extra,
    }
    return {"comment": comment, "creator": PEOPLE[who], "post": POST, "community": COMMUNITY, "counts": {}}


C1 = comment_view(601, "jonas", "Det er lønnen, ikke antallet af sager.", "0.601", 5)
C2 = comment_view(602, "mette", "> Det er lønnen\n\nNej, det er sagstallet.", "0.601.602", 9)
C3 = comment_view(603, "karin", "Hvorfor ikke begge dele?", "0.601.602.603", 12)


def write(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_post_and_its_page_of_comments_are_one_thread_whose_paths_give_the_parents(tmp_path, cfg):
    post = write(tmp_path / "post-500.json", {"post_view": post_view(), "community_view": {}, "moderators": []})
    comments = write(tmp_path / "comments-500.json", {"comments": [C3, C1, C2]})
    assert describe_input(comments, ReadOptions()) == "Lemmy posts and comments (Lemmy API)"
    corpus = ingest_thread_files([post, comments], cfg)
    posts = corpus.posts_by_id()
    assert [t.root_id for t in corpus.threads] == ["post-500"]
    assert {p.id: p.parent_id for p in corpus.posts} == {
        "post-500": None,
        "comment-601": "post-500",
        "comment-602": "comment-601",
        "comment-603": "comment-602",
    }
    root = posts["post-500"]
    assert (root.title, root.author, root.created) == (
        "Kommunerne mangler socialrådgivere",
        "mette",
        "2024-03-14T08:30:12.345678+00:00",
    )
    assert root.author_description == "Mette Lund: Socialrådgiver i Aarhus Kommune."
    assert corpus.threads[0].topic == "danmark"
    assert posts["comment-601"].author == "jonas@lemmy.world", "a user of another instance is named with it"
    assert posts["comment-602"].text == "> Det er lønnen\n\nNej, det er sagstallet.", "Markdown kept as written"
    assert posts["comment-603"].created == "2024-03-14T09:12:00+00:00"


def test_comments_saved_without_their_post_stand_under_the_post_they_carry_and_the_post_view_completes_it(
    tmp_path, cfg
):
    """A page of comments carries its post's title and text but not its author: alone, the
    post is the thread's root without one; read with the post's own view (in any order),
    that view completes the same root, with a note, not a clash of two rows."""
    comments = write(tmp_path / "comments.json", {"comments": [C1, C2]})
    alone = ingest_thread_files([comments], cfg).posts_by_id()
    assert (alone["post-500"].title, alone["post-500"].author) == ("Kommunerne mangler socialrådgivere", None)
    assert alone["post-500"].text.startswith("Hver tredje kommune")
    post = write(tmp_path / "post.json", {"post_view": post_view()})
    for order in ([comments, post], [post, comments]):
        corpus = ingest_thread_files(order, cfg)
        assert corpus.posts_by_id()["post-500"].author == "mette"
        assert len(corpus.posts) == 3
    merged = ingest_thread_files([comments, post], cfg)
    assert any("with fields it lacked" in n.message for n in merged.notes)


def test_views_one_per_line_and_deleted_comments_keep_their_place(tmp_path, cfg):
    gone = comment_view(604, "karin", "", "0.601.604", 14, deleted=True)
    path = tmp_path / "feddit.jsonl"
    path.write_text(
        "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in (post_view(), C1, gone)), encoding="utf-8"
    )
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert posts["comment-604"].text == "" and posts["comment-604"].parent_id == "comment-601"
    assert "1 deleted or removed Lemmy post(s) or comment(s) read with empty text" in {n.message for n in corpus.notes}


def test_a_link_post_without_a_body_is_its_title(tmp_path):
    link = dict(POST, id=501, body=None, url="https://www.dr.dk/nyheder/indland/socialraadgivere")
    path = write(tmp_path / "posts.json", {"posts": [post_view(link, "karin")]})
    assert run_cli("ingest", "--threads", str(path), "--out", str(tmp_path / "corpus")) == 0
    rows = [json.loads(x) for x in (tmp_path / "corpus" / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["title"], r["text"]) for r in rows] == [("post-501", "Kommunerne mangler socialrådgivere", "")]


def test_a_comment_whose_path_does_not_end_in_its_id_is_refused_naming_file_and_line(tmp_path, cfg):
    broken = comment_view(605, "jonas", "Enig.", "0.601.999")
    path = tmp_path / "comments.jsonl"
    path.write_text(json.dumps(C1) + "\n" + json.dumps(broken) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 2 and "does not end in its id" in str(err.value)


def test_a_comment_without_its_post_is_refused_naming_it_and_one_without_its_creator_is_anonymous(tmp_path, cfg):
    orphan = dict(C1, comment={k: v for k, v in C1["comment"].items() if k != "post_id"})
    path = tmp_path / "comments.jsonl"
    path.write_text(json.dumps(orphan) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 1 and "Lemmy comment 601 without its post_id" in str(err.value)
    path = write(tmp_path / "anonymous.json", {"comments": [dict(C1, creator=None)]})
    assert ingest_thread_files([path], cfg).posts_by_id()["comment-601"].author is None


def test_a_view_whose_fields_are_of_other_types_is_refused_naming_its_line_not_with_a_traceback(tmp_path, cfg):
    """A file re-saved by a script can put a list where Lemmy writes a name: refused as such,
    at the line the view starts on (a traceback had escaped)."""
    odd = dict(C2, creator={"name": ["mette"], "display_name": {"a": 1}})
    path = tmp_path / "comments.json"
    path.write_text(json.dumps({"comments": [C1, odd]}, indent=2), encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[err.value.line - 1].strip() == "{" and lines[err.value.line].strip() == '"comment": {'
    assert err.value.line > 10, "the second view's line, not the file's first"
    assert "read as Lemmy posts and comments (Lemmy API), but a field is not of the type" in str(err.value)
