"""What the Zeeschuimer browser extension collects (TikTok videos and comments, posts on X),
as thread rows.

Zeeschuimer (the Digital Methods Initiative's, 4CAT's companion) records the items a
platform's pages load while a researcher browses them and exports them as NDJSON, one item
a line: `{"item_id", "timestamp_collected", "source_platform", "source_platform_url",
..., "data": {the platform's own object}}`. 4CAT's own NDJSON of such a dataset keeps each
item's object with that envelope under `__import_meta`; both are read. Which platform wrote
`data` is `source_platform`. Mapping (docs/input-formats.md):

  tiktok-comments   a comment on a TikTok video: `cid` id, `aweme_id` thread (the video),
                    parent: `reply_to_reply_id` (the reply it answers), else `reply_id`
                    (the comment whose replies it is among), else the video;
                    `user.unique_id` author (`nickname`, `signature` its description),
                    `create_time` created (epoch seconds), `text`, `comment_language`
  tiktok.com        a TikTok video, the thread's opening post: `id`, `desc` its text,
                    `createTime`, `author.uniqueId` (or `author` and `nickname`)
  twitter.com, x.com  a post as X's own pages load it (GraphQL): `rest_id` id,
                    `legacy.conversation_id_str` thread, `legacy.in_reply_to_status_id_str`
                    parent, the user's `screen_name` author (`name`, `description` its
                    description), `legacy.created_at`, `note_tweet`'s text (a long post's
                    whole text) or `legacy.full_text`, `legacy.lang`; reposts left out
  linkedin.com      a post in LinkedIn's feed (Voyager's objects): the activity number of
                    `updateMetadata.urn` (else `preDashEntityUrn`) id and thread: each
                    post is a thread of its own, as Zeeschuimer collects posts, not their
                    comments; `actor.name.text` author, `actor.description.text` (the
                    headline: "Socialrådgiver hos Aarhus Kommune") its description,
                    `commentary.text.text` text; no date (LinkedIn prints only how long ago,
                    "18 t", in the reader's language)

A video whose comments were collected without the video itself is the thread's opening
post with the text its comments quote (`share_info.title`, the video's caption), and no
author. Items of platforms whose posts name nothing they answer (Instagram, Threads,
...) are left out, counted in a note; LinkedIn's are read, each a thread of one post,
since its headline says who speaks. Written by hand: no library reads
Zeeschuimer's files; the mapping follows 4CAT's importers of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats import language_code, profile_description

TIKTOK_COMMENTS, TIKTOK, X_PLATFORMS = "tiktok-comments", "tiktok.com", ("twitter.com", "x.com")
LINKEDIN = "linkedin.com"
READ = (TIKTOK_COMMENTS, TIKTOK, *X_PLATFORMS, LINKEDIN)
ACTIVITY_RE = re.compile(r"urn:li:activity:(\d+)")
_NONE = ("", "0")  # TikTok's "no reply id"


def _envelope(obj: object) -> tuple[str, dict] | None:
    """(the platform, its object) of a Zeeschuimer export's line or a 4CAT NDJSON item."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("data"), dict) and isinstance(obj.get("source_platform"), str):
        return obj["source_platform"], obj["data"]
    meta = obj.get("__import_meta")
    if isinstance(meta, dict) and isinstance(meta.get("source_platform"), str):
        return meta["source_platform"], {k: v for k, v in obj.items() if k != "__import_meta"}
    return None


def is_zeeschuimer_record(obj: object) -> bool:
    """A line of Zeeschuimer's export (`source_platform` and the platform's object under
    `data`), or an item of 4CAT's NDJSON of one (`__import_meta`)."""
    return _envelope(obj) is not None


def _tiktok_comment(c: dict) -> dict:
    user = c.get("user") if isinstance(c.get("user"), dict) else {}
    video = str(c["aweme_id"])
    # The ids are strings in TikTok's responses; a script's re-save may make them numbers.
    answered = next(
        (str(x) for x in (c.get("reply_to_reply_id"), c.get("reply_id")) if x is not None and str(x) not in _NONE),
        video,
    )
    return {
        "id": str(c["cid"]),
        "thread_id": video,
        "parent_id": answered,
        "author": user.get("unique_id") or user.get("nickname") or (f"@{user['uid']}" if user.get("uid") else None),
        "author_description": profile_description(user.get("nickname"), user.get("signature")),
        "created": c.get("create_time"),  # epoch seconds, read as the row store reads dates
        "text": c.get("text") or "",
        "lang": language_code(c.get("comment_language")),
    }


def _tiktok_video(v: dict) -> dict:
    author = v.get("author")
    if isinstance(author, dict):
        handle, name, bio = author.get("uniqueId"), author.get("nickname"), author.get("signature")
    else:
        handle, name, bio = author, v.get("nickname"), None
    return {
        "id": str(v["id"]),
        "thread_id": str(v["id"]),
        "parent_id": None,
        "author": handle or None,
        "author_description": profile_description(name, bio),
        "created": v.get("createTime"),
        "text": v.get("desc") or "",
    }


def _x_user(post: dict) -> dict:
    result = ((post.get("core") or {}).get("user_results") or {}).get("result") or {}
    legacy, core = result.get("legacy") or {}, result.get("core") or {}
    return {
        # X has moved the handle and name from `legacy` to `core`: either is read.
        "screen_name": core.get("screen_name") or legacy.get("screen_name"),
        "name": core.get("name") or legacy.get("name"),
        "description": legacy.get("description") or (result.get("profile_bio") or {}).get("description"),
    }


def _x_post(post: dict) -> dict | None:
    """A post as X's pages load it; None for a repost, or a post X shows as unavailable
    (deleted, withheld: a `TweetTombstone`)."""
    if post.get("__typename") == "TweetWithVisibilityResults" and isinstance(post.get("tweet"), dict):
        post = post["tweet"]
    if post.get("__typename") in ("TweetTombstone", "TweetUnavailable") and "legacy" not in post:
        return None
    legacy = post["legacy"]
    if legacy.get("retweeted_status_result"):
        return None
    pid = str(post.get("rest_id") or legacy["id_str"])
    conversation = str(legacy.get("conversation_id_str") or pid)
    note = (((post.get("note_tweet") or {}).get("note_tweet_results") or {}).get("result") or {}).get("text")
    user = _x_user(post)
    try:
        created = datetime.strptime(str(legacy["created_at"]), "%a %b %d %H:%M:%S %z %Y").isoformat()
    except (KeyError, ValueError):
        created = legacy.get("created_at")  # left to the date reader, which names it if unreadable
    parent = legacy.get("in_reply_to_status_id_str")
    return {
        "id": pid,
        "thread_id": conversation,
        "parent_id": None if pid == conversation else str(parent) if parent else conversation,
        "author": user["screen_name"],
        "author_description": profile_description(user["name"], user["description"]),
        "created": created,
        "text": html.unescape(note or legacy.get("full_text") or ""),
        "lang": language_code(legacy.get("lang")),
    }


def _text_of(obj: object) -> str:
    """The `text` of one of LinkedIn's text objects (`{"text": ...}`), else ""."""
    return str(obj.get("text") or "") if isinstance(obj, dict) else ""


def _linkedin_post(item: dict) -> dict | None:
    """A post in LinkedIn's feed; None for an item with no author or activity (an ad slot,
    a suggestion)."""
    actor = item.get("actor")
    meta = item.get("updateMetadata") if isinstance(item.get("updateMetadata"), dict) else {}
    # An aggregate names several activities for one post: the first is the post's.
    found = ACTIVITY_RE.search(str(meta.get("urn") or item.get("preDashEntityUrn") or ""))
    if not isinstance(actor, dict) or found is None:
        return None
    commentary = item.get("commentary") if isinstance(item.get("commentary"), dict) else {}
    return {
        "id": found.group(1),
        "thread_id": found.group(1),
        "parent_id": None,
        "author": _text_of(actor.get("name")).strip() or None,
        "author_description": _text_of(actor.get("description")).strip() or None,
        "created": None,
        "text": _text_of(commentary.get("text")),
    }


def read_zeeschuimer(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a Zeeschuimer export's items, as they are read."""
    quoted: dict[str, tuple[int, str]] = {}  # a video only comments were collected on -> (line, caption)
    left: dict[str, int] = {}
    skipped = 0  # reposts, and posts X shows as unavailable
    linkedin = skipped_linkedin = 0
    seen: set[str] = set()
    for line, record in lines:
        found = _envelope(record)
        if found is None:
            raise InputError(path, line, "not a Zeeschuimer item (source_platform and the platform's data)")
        platform, data = found
        if platform == TIKTOK_COMMENTS:
            row = _tiktok_comment(data)
            share = data.get("share_info") if isinstance(data.get("share_info"), dict) else {}
            quoted.setdefault(row["thread_id"], (line, str(share.get("title") or "")))
        elif platform == TIKTOK:
            row = _tiktok_video(data)
        elif platform in X_PLATFORMS:
            row = _x_post(data)
            skipped += row is None
        elif platform == LINKEDIN:
            row = _linkedin_post(data)
            skipped_linkedin += row is None
            linkedin += row is not None and row["id"] not in seen
        else:
            left[platform] = left.get(platform, 0) + 1
            continue
        # Zeeschuimer records an item each time a page loads it: the first is kept.
        if row is not None and row["id"] not in seen:
            seen.add(row["id"])
            yield line, row
    # A video whose own item was read is among the rows read; the others open their threads here.
    missing = [video for video in quoted if video not in seen]
    for video in missing:
        line, caption = quoted[video]
        yield line, {"id": video, "thread_id": video, "parent_id": None, "author": None, "text": caption}
    if missing:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"{len(missing)} TikTok video(s) whose comments were collected without the video: each opens "
                "its thread with the caption its comments quote and no author",
            )
        )
    if skipped:
        notes.append(
            Note(where=str(path), kind="note", message=f"{skipped} repost(s) or unavailable post(s) on X left out")
        )
    if linkedin or skipped_linkedin:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"{linkedin} LinkedIn post(s) read, each a thread of its own (Zeeschuimer collects posts, not "
                "their comments) and without a date (LinkedIn prints only how long ago)"
                + (
                    f"; {skipped_linkedin} item(s) with no author or activity (ads, suggestions) left out"
                    if skipped_linkedin
                    else ""
                ),
            )
        )
    if left:
        counts = ", ".join(f"{n} from {p}" for p, n in sorted(left.items()))
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"Zeeschuimer items left out ({counts}): their posts name nothing they answer; read are "
                + ", ".join(READ),
            )
        )
