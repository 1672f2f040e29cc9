"""What the Zeeschuimer browser extension collects, as its NDJSON export holds it: TikTok
videos and their comments, and posts on X as X's own pages load them."""

from __future__ import annotations

import json

import pytest

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

VIDEO = "7345678901234567890"


def envelope(platform: str, data: dict, n: int) -> dict:
    """One line of Zeeschuimer's export, as it writes it."""
    return {
        "nav_index": f"1:1:{n}",
        "item_id": str(data.get("cid") or data.get("id") or data.get("rest_id")),
        "timestamp_collected": 1710400000000 + n,
        "source_platform": platform,
        "source_platform_url": f"https://www.tiktok.com/@dr_nyheder/video/{VIDEO}",
        "source_url": "https://www.tiktok.com/api/comment/list/",
        "user_agent": "Mozilla/5.0",
        "data": data,
    }


def tiktok_comment(cid: str, text: str, handle: str, t: int, reply_id: str = "0", reply_to: str = "0") -> dict:
    return {
        "cid": cid,
        "aweme_id": VIDEO,
        "text": text,
        "create_time": t,
        "digg_count": 3,
        "reply_id": reply_id,
        "reply_to_reply_id": reply_to,
        "reply_comment_total": 0,
        "comment_language": "da",
        "stick_position": 0,
        "user": {"uid": "6811", "unique_id": handle, "nickname": handle.title(), "signature": ""},
        "share_info": {
            "title": "Hver tredje socialrådgiver vil sige op #socialrådgiver",
            "url": f"https://www.tiktok.com/@dr_nyheder/video/{VIDEO}?share_comment_id={cid}",
        },
    }


COMMENTS = [
    tiktok_comment("7001", "Jeg er selv socialrådgiver, og vi drukner i sager.", "mette.sr", 1710400100),
    tiktok_comment("7002", "Hvem skal så betale for flere?", "skatteyder", 1710400200, reply_id="7001"),
    tiktok_comment("7003", "Kommunerne, selvfølgelig.", "mette.sr", 1710400300, reply_id="7001", reply_to="7002"),
    tiktok_comment("7004", "Godt indslag.", "anna_k", 1710400400),
]
# A re-saved file may hold the ids as numbers: 0 still names no reply.
COMMENTS[3]["reply_id"] = COMMENTS[3]["reply_to_reply_id"] = 0


def write(path, items) -> None:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def test_tiktok_comments_collected_alone_thread_under_their_video_by_reply_ids(tmp_path, cfg):
    """Comments on a TikTok video: a reply answers the reply it names
    (`reply_to_reply_id`), else the comment whose replies it is among (`reply_id`), else
    the video; collected without the video, the video opens the thread with the caption its
    comments quote, and no author (a note says so). A comment a page loaded twice counts once."""
    path = tmp_path / "zeeschuimer-tiktok-comments.ndjson"
    write(path, [envelope("tiktok-comments", c, n) for n, c in enumerate([*COMMENTS, COMMENTS[0]])])
    assert describe_input(path, ReadOptions()).startswith("items Zeeschuimer collected")
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [t.id for t in corpus.threads] == [VIDEO]
    root = posts[VIDEO]
    assert (root.text, root.author) == ("Hver tredje socialrådgiver vil sige op #socialrådgiver", None)
    assert {c: (posts[c].parent_id, posts[c].author) for c in ("7001", "7002", "7003", "7004")} == {
        "7001": (VIDEO, "mette.sr"),
        "7002": ("7001", "skatteyder"),
        "7003": ("7002", "mette.sr"),
        "7004": (VIDEO, "anna_k"),
    }
    assert posts["7001"].created == "2024-03-14T07:08:20" and posts["7001"].lang == "da"
    assert len(corpus.posts) == 5
    assert not any("parent 0 " in n.message for n in corpus.notes), "a reply id 0 names no parent"
    assert any("1 TikTok video(s) whose comments were collected without the video" in n.message for n in corpus.notes)


def test_a_tiktok_video_collected_with_its_comments_opens_their_thread(tmp_path, cfg):
    """The video's own item (`tiktok.com`): its caption, author and time open the thread,
    wherever in the file it comes."""
    video = {
        "id": VIDEO,
        "desc": "Hver tredje socialrådgiver vil sige op. Hvad skal der til? #dkpol",
        "createTime": "1710400000",
        "author": {"id": "68", "uniqueId": "dr_nyheder", "nickname": "DR Nyheder", "signature": "Nyheder fra DR"},
        "stats": {"diggCount": 1200, "commentCount": 4},
    }
    path = tmp_path / "zeeschuimer.ndjson"
    items = [envelope("tiktok-comments", c, n) for n, c in enumerate(COMMENTS)] + [envelope("tiktok.com", video, 9)]
    write(path, items)
    corpus = ingest_thread_files([path], cfg)
    root = corpus.posts_by_id()[VIDEO]
    assert (root.text, root.author, root.created) == (video["desc"], "dr_nyheder", "2024-03-14T07:06:40")
    assert root.authors[0].description == "DR Nyheder: Nyheder fra DR"
    assert not any("without the video" in n.message for n in corpus.notes)


def x_post(pid: str, text: str, handle: str, conversation: str, replying: str | None, moved: bool = False) -> dict:
    """A post as X's pages load it (GraphQL); `moved`: the handle under the user's `core`,
    where X has put it since 2025, not under `legacy`."""
    user = {"legacy": {"description": "Socialrådgiver i Aarhus"}, "core": {"screen_name": handle, "name": "Anna"}}
    if not moved:
        user = {"legacy": {"screen_name": handle, "name": "Anna", "description": "Socialrådgiver i Aarhus"}}
    legacy = {
        "id_str": pid,
        "full_text": text,
        "created_at": "Thu Mar 14 08:00:00 +0000 2024",
        "conversation_id_str": conversation,
        "lang": "da",
        "user_id_str": "99",
    }
    if replying:
        legacy["in_reply_to_status_id_str"] = replying
    return {"__typename": "Tweet", "rest_id": pid, "core": {"user_results": {"result": user}}, "legacy": legacy}


def test_posts_on_x_collected_by_zeeschuimer_thread_by_conversation_and_reply(tmp_path, cfg):
    """X's posts (`twitter.com`): the conversation is the thread, a reply answers the post
    it names; a long post's whole text (`note_tweet`) over its cut `full_text`, entities
    unescaped; the handle read where X now keeps it too; a repost, and a post X shows as
    deleted (a tombstone), left out."""
    opening = x_post("100", "Socialrådgivere &amp; sagstal: hvad nu?", "annalind", "100", None)
    reply = x_post("101", "Enig, men…", "oleberg", "100", "100", moved=True)
    reply["note_tweet"] = {"note_tweet_results": {"result": {"text": "Enig, men lønnen betyder også noget."}}}
    repost = x_post("102", "RT @annalind: ...", "bo", "102", None)
    repost["legacy"]["retweeted_status_result"] = {"result": opening}
    gone = {"__typename": "TweetTombstone", "tombstone": {"text": {"text": "This Post was deleted."}}, "rest_id": "103"}
    path = tmp_path / "x.ndjson"
    write(path, [envelope("twitter.com", p, n) for n, p in enumerate([opening, reply, repost, gone])])
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [t.id for t in corpus.threads] == ["100"]
    assert (posts["100"].text, posts["100"].author, posts["100"].created) == (
        "Socialrådgivere & sagstal: hvad nu?",
        "annalind",
        "2024-03-14T08:00:00+00:00",
    )
    assert (posts["101"].parent_id, posts["101"].author, posts["101"].text) == (
        "100",
        "oleberg",
        "Enig, men lønnen betyder også noget.",
    )
    assert posts["101"].authors[0].description == "Anna: Socialrådgiver i Aarhus"
    assert "102" not in posts and "103" not in posts
    assert any("2 repost(s) or unavailable post(s) on X left out" in n.message for n in corpus.notes)


def linkedin_post(urn: str, name: str, headline: str, text: str) -> dict:
    """A post as LinkedIn's feed loads it (Voyager's objects, the fields 4CAT reads)."""
    return {
        "updateMetadata": {"urn": urn, "trackingData": {"trackingId": "x"}},
        "actor": {
            "name": {"text": name, "attributes": []},
            "description": {"text": headline},
            "subDescription": {"text": "18 t • Redigeret • "},
            "navigationContext": {"actionTarget": "https://www.linkedin.com/in/someone?trk=x"},
        },
        "commentary": {"text": {"text": text, "attributes": []}},
        "content": None,
        "*socialDetail": {"*totalSocialActivityCounts": {"numComments": 4, "numShares": 1, "numLikes": 20}},
    }


def test_linkedin_posts_collected_by_zeeschuimer_are_threads_of_one_post_with_their_headline(tmp_path, cfg):
    mette = linkedin_post(
        "urn:li:activity:7170000000000000001",
        "Mette Kjær",
        "Socialrådgiver hos Aarhus Kommune",
        "Vi mangler hænder i børnefamilieafdelingen. Sagstallet er for højt.",
    )
    union = linkedin_post(
        "urn:li:aggregate:(urn:li:activity:7170000000000000002,urn:li:activity:7170000000000000003)",
        "Dansk Socialrådgiverforening",
        "12.345 følgere",
        "Vi kræver et loft over sagstallet.",
    )
    ad = {"updateMetadata": {"urn": "urn:li:sponsoredContentV2:123"}, "commentary": {"text": {"text": "Køb"}}}
    items = [envelope("linkedin.com", d, n) for n, d in enumerate([mette, union, mette, ad])]
    path = tmp_path / "zeeschuimer-linkedin.ndjson"
    write(path, items)
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert sorted(posts) == ["7170000000000000001", "7170000000000000002"], "read once; the ad left out"
    post = posts["7170000000000000001"]
    assert (post.thread_id, post.parent_id, post.created) == ("7170000000000000001", None, None)
    assert post.text.startswith("Vi mangler hænder") and post.author == "Mette Kjær"
    mette_k = next(p for p in corpus.participants if p.name == "Mette Kjær")
    assert mette_k.descriptions == ("Socialrådgiver hos Aarhus Kommune",), "the headline says who speaks"
    said = " | ".join(n.message for n in corpus.notes)
    assert "2 LinkedIn post(s) read, each a thread of its own" in said and "1 item(s) with no author" in said


def test_fourcats_ndjson_of_a_zeeschuimer_dataset_reads_as_the_export(tmp_path, cfg):
    """4CAT keeps each item's object with Zeeschuimer's envelope under `__import_meta`;
    items of platforms whose posts answer nothing are left out with a note."""
    items = [
        {**c, "__import_meta": {k: v for k, v in envelope("tiktok-comments", c, n).items() if k != "data"}}
        for n, c in enumerate(COMMENTS)
    ] + [{"id": "1", "caption": {"text": "x"}, "__import_meta": {"source_platform": "instagram.com"}}]
    path = tmp_path / "4cat-dataset.ndjson"
    write(path, items)
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert {c: posts[c].parent_id for c in ("7002", "7003")} == {"7002": "7001", "7003": "7002"}
    corpus = ingest_thread_files([path], cfg)
    assert any("Zeeschuimer items left out (1 from instagram.com)" in n.message for n in corpus.notes)


def test_a_zeeschuimer_line_whose_data_is_not_the_platforms_object_names_its_line(tmp_path, cfg):
    path = tmp_path / "broken.ndjson"
    write(path, [envelope("tiktok-comments", COMMENTS[0], 0), envelope("tiktok-comments", {"cid": "9"}, 1)])
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert ":2" in str(err.value) and "Zeeschuimer" in str(err.value)
