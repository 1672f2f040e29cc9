"""YouTube comments as youtube-comment-downloader writes them: one video's comments per
file, replies named by their comment's cid before a dot."""

from __future__ import annotations

import json

from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions


def comment(cid, text, author, t, reply=False):
    return {
        "cid": cid,
        "text": text,
        "time": "1 år siden",
        "author": author,
        "channel": "UC" + author.strip("@"),
        "votes": "12",
        "replies": "",
        "photo": "https://yt3.ggpht.com/x",
        "heart": False,
        "reply": reply,
        "time_parsed": t,
    }


COMMENTS = [
    comment("UgzA1", "Socialrådgiverne burde have en autorisation.", "@mette_dk", 1709287200.123),
    comment("UgzA1.9zB2", "Nej, det løser ingenting.", "@bo-larsen", 1709290800.5, reply=True),
    comment("UgzC3", "God video, tak.", "@anna", 1709294400),
    comment("UgzGONE.9zD4", "Enig med dig!", "@sara", 1709298000, reply=True),
]


def test_one_videos_comments_are_a_thread_under_an_empty_root_with_replies_by_cid(tmp_path, cfg):
    path = tmp_path / "dr-debat-socialraadgivere.json"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in COMMENTS), encoding="utf-8")
    assert describe_input(path, ReadOptions()).startswith("YouTube comments")
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    video = "dr-debat-socialraadgivere"
    assert [t.id for t in corpus.threads] == [video] and posts[video].text == ""
    assert {c: posts[c].parent_id for c in ("UgzA1", "UgzA1.9zB2", "UgzC3", "UgzGONE.9zD4")} == {
        "UgzA1": video,
        "UgzA1.9zB2": "UgzA1",
        "UgzC3": video,
        "UgzGONE.9zD4": video,  # its comment is not in the file
    }
    assert posts["UgzA1"].author == "@mette_dk" and posts["UgzA1"].created == "2024-03-01T10:00:00"
    messages = " | ".join(n.message for n in corpus.notes)
    assert "4 YouTube comment(s) read as thread 'dr-debat-socialraadgivere'" in messages
    assert "parent UgzGONE of UgzGONE.9zD4 is not in the export" in messages


def test_a_reply_naming_an_earlier_replier_answers_that_reply(tmp_path, cfg):
    """youtube-comment-downloader files replies to replies under the comment too."""
    answer = comment("UgzA1.9zB3", "@bo-larsen Jo, det gør det.", "@mette_dk", 1709291800, reply=True)
    path = tmp_path / "video.json"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in [*COMMENTS, answer]), encoding="utf-8")
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert posts["UgzA1.9zB3"].parent_id == "UgzA1.9zB2" and posts["UgzA1.9zB2"].parent_id == "UgzA1"
    assert posts["UgzA1.9zB3"].parent_rule == "address"
