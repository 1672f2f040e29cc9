"""Instagram comments as Instaloader saves them: one post's comments per file, a JSON
array, newest first, each comment's replies under `answers`."""

from __future__ import annotations

import json
import lzma

import pytest

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

POST = "2024-03-01_10-00-00_UTC"


def comment(cid, user, text, t, answers=None):
    out = {"id": cid, "created_at": t, "text": text,
           "owner": {"id": "9" + user, "is_verified": False, "profile_pic_url": "https://x", "username": user},
           "likes_count": 2}  # fmt: skip
    if answers is not None:
        out["answers"] = answers
    return out


COMMENTS = [
    comment(18002, "karin_s", "Lønnen er det egentlige problem.", 1709290000, []),
    comment(18001, "mette.lund", "Vi mangler socialrådgivere i hele landet.", 1709287300, [
        comment(18004, "lis_e", "@jonas_b Hvor har du det fra?", 1709288100),
        comment(18003, "jonas_b", "@mette.lund Nej, sagstallet er faldet.", 1709287900),
    ]),
]  # fmt: skip


def test_one_posts_comments_are_a_thread_with_answers_under_their_comment(tmp_path, cfg):
    path = tmp_path / f"{POST}_comments.json"
    path.write_text(json.dumps(COMMENTS, ensure_ascii=False, indent=4), encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "Instagram comments (Instaloader), one post"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [t.id for t in corpus.threads] == [POST] and posts[POST].text == ""
    assert {p.id: p.parent_id for p in corpus.posts} == {
        POST: None, "18001": POST, "18002": POST, "18003": "18001", "18004": "18003"
    }  # fmt: skip
    assert posts["18004"].parent_rule == "address", "@jonas_b answers Jonas's reply, filed under the comment"
    assert posts["18003"].author == "jonas_b" and posts["18003"].created == "2024-03-01T10:11:40"
    assert [p.id for p in corpus.posts][1:3] == ["18001", "18003"], "oldest first, whatever the file's order"


def test_an_answer_that_is_no_comment_is_refused_naming_file_and_line(tmp_path, cfg):
    bad = [comment(1, "a", "x", 1709287300, [{"id": 2, "text": "y"}])]
    path = tmp_path / f"{POST}_comments.json"
    path.write_text(json.dumps(bad, indent=1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 2 and "an answer that is no Instaloader comment" in str(err.value)


def test_a_folder_of_posts_reads_each_posts_metadata_as_the_opening_post(tmp_path, cfg):
    """With --no-compress-json Instaloader saves the post's metadata beside its comments:
    the caption opens the thread; pictures and caption .txt files are left out, noted."""
    folder = tmp_path / "dr_nyheder"
    folder.mkdir()
    (folder / f"{POST}_comments.json").write_text(json.dumps(COMMENTS, ensure_ascii=False), encoding="utf-8")
    caption = {"edges": [{"node": {"text": "Kommunerne mangler 1.000 socialrådgivere."}}]}
    meta = {"node": {"shortcode": "C4abc", "taken_at_timestamp": 1709287200, "owner": {"id": "1", "username": "dr"},
                     "edge_media_to_caption": caption},
            "instaloader": {"version": "4.13", "node_type": "Post"}}  # fmt: skip
    (folder / f"{POST}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (folder / f"{POST}.txt").write_text("Kommunerne mangler 1.000 socialrådgivere.", encoding="utf-8")
    (folder / f"{POST}.jpg").write_bytes(b"\xff\xd8")
    corpus = ingest_thread_files([folder], cfg)
    posts = corpus.posts_by_id()
    assert [t.id for t in corpus.threads] == [POST]
    assert posts[POST].text == "Kommunerne mangler 1.000 socialrådgivere." and posts[POST].author == "dr"
    assert corpus.threads[0].target == "Kommunerne mangler 1.000 socialrådgivere."
    assert posts["18001"].parent_id == POST and not any("empty root" in n.message for n in corpus.notes)


def test_the_compressed_metadata_instaloader_saves_by_default_opens_the_thread_too(tmp_path, cfg):
    folder = tmp_path / "dr_nyheder"
    folder.mkdir()
    (folder / f"{POST}_comments.json").write_text(json.dumps(COMMENTS, ensure_ascii=False), encoding="utf-8")
    meta = {"node": {"taken_at_timestamp": 1709287200, "owner": {"username": "dr"},
                     "edge_media_to_caption": {"edges": [{"node": {"text": "Mangler kommunerne socialrådgivere?"}}]}},
            "instaloader": {"node_type": "Post"}}  # fmt: skip
    with lzma.open(folder / f"{POST}.json.xz", "wt", encoding="utf-8") as fh:
        json.dump(meta, fh)
    assert describe_input(folder / f"{POST}.json.xz", ReadOptions()) == (
        "an Instagram post's metadata (Instaloader), xz-compressed"
    )
    posts = ingest_thread_files([folder], cfg).posts_by_id()
    assert posts[POST].text == "Mangler kommunerne socialrådgivere?" and posts["18001"].parent_id == POST
