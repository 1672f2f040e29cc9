"""Tweets as thread rows: Twitter/X API v2 exports (twarc2), and v1.1 tweets.

Debate on X is collected with twarc2 (`twarc2 search`, `twarc2 conversation`), which writes
one API response per line: `{"data": [tweets], "includes": {"users": [...], "tweets":
[...]}, "meta": ...}`; `twarc2 flatten` writes one tweet per line with its author inlined
(`"author": {"username", "name", "description"}`). Both are read. Mapping
(docs/input-formats.md):

  id                      id
  conversation_id         thread_id: a conversation's first tweet has the conversation's id
  referenced_tweets       parent_id: the tweet of type `replied_to`
  author (username)       author, as the handle: display names are not unique
  author name, bio        author_description ("Display Name: bio"), which the role cues read
  created_at              created
  note_tweet.text, text   text: a long tweet's whole text where the API gives it; Twitter
                          escapes &, < and > in texts, which are unescaped
  lang                    lang, when it names a language (not `und`, `zxx` or `qme`-style codes)

twarc-csv's tables (`twarc2 csv`: a tweet a row, columns named by the API's paths,
`referenced_tweets.replied_to.id`, `author.username`) are read with the same mapping.

Tweets of the v1.1 API (twarc 1, the streaming API, the archives collected before 2023:
`id_str`, `full_text` or `extended_tweet.full_text`, `in_reply_to_status_id_str`, `user`,
`created_at` as "Wed Oct 10 20:19:24 +0000 2018") name the tweet replied to but no
conversation: each joins the thread its reply chain starts (`RowStore.derive_threads`).

Retweets repeat another tweet and answer nothing: they are left out and counted. A tweet
that a response's `includes.tweets` holds because a collected tweet replies to it is read
too, so that the reply keeps its parent's text. A reply whose parent is still missing
answers its conversation's first tweet, and a conversation without its first tweet gets an
empty root; both are noted (ingest's row store, as for Reddit dumps).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import PENDING_THREAD, Note
from pipeline.formats import language_code, profile_description


def is_tweet(obj: object) -> bool:
    """An API v2 tweet object as twarc2 writes it: `id`, `text` and `conversation_id`, and no
    `thread_id` (a researcher's own file in the generic format that keeps a conversation id
    as a column is read as that format)."""
    return isinstance(obj, dict) and all(k in obj for k in ("id", "text", "conversation_id")) and "thread_id" not in obj


def is_v1_tweet(obj: object) -> bool:
    """A tweet of the v1.1 API (twarc 1, the streaming API, older archives): `id_str`, a
    text, `created_at` and a `user` with a `screen_name`. It names no conversation."""
    return (
        isinstance(obj, dict)
        and "id_str" in obj
        and "created_at" in obj
        and ("full_text" in obj or "text" in obj)
        and isinstance(obj.get("user"), dict)
        and "screen_name" in obj["user"]
    )


def is_twitter_record(obj: object) -> bool:
    """A flattened tweet, an API response whose `data` holds tweets, or a v1.1 tweet."""
    if is_tweet(obj) or is_v1_tweet(obj):
        return True
    data = obj.get("data") if isinstance(obj, dict) else None
    return isinstance(data, list) and bool(data) and is_tweet(data[0])


def _parent(tweet: dict) -> str | None:
    for ref in tweet.get("referenced_tweets") or ():
        if isinstance(ref, dict) and ref.get("type") == "replied_to" and ref.get("id") is not None:
            return str(ref["id"])
    return None


def _retweet(tweet: dict) -> bool:
    return any(isinstance(r, dict) and r.get("type") == "retweeted" for r in tweet.get("referenced_tweets") or ())


def tweet_row(tweet: dict, author: dict | None) -> dict:
    """One tweet (and its author's user object, when known) as generic thread-row fields."""
    tid = str(tweet["id"])
    conversation = str(tweet.get("conversation_id") or tid)
    parent = _parent(tweet)
    if tid == conversation:
        parent = None
    elif parent is None:
        parent = conversation  # in a conversation, yet answering nothing named: its first tweet
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and note.get("text") else tweet.get("text") or ""
    user = author or {}
    username = user.get("username")
    description = profile_description(user.get("name"), user.get("description"))
    return {
        "id": tid,
        "thread_id": conversation,
        "parent_id": parent,
        "author": username or (str(tweet["author_id"]) if tweet.get("author_id") else None),
        "author_description": html.unescape(description) if description else None,
        "created": tweet.get("created_at"),
        "text": html.unescape(text),
        "lang": language_code(tweet.get("lang")),
    }


def v1_tweet_row(tweet: dict) -> dict:
    """One v1.1 tweet as generic thread-row fields. v1.1 names the tweet replied to but no
    conversation: the thread is left for ingest to find, the thread its reply chain starts
    (`RowStore.derive_threads`, as `--threads-from-parents` does)."""
    tid = str(tweet["id_str"])
    extended = tweet.get("extended_tweet")
    text = (
        extended.get("full_text")
        if isinstance(extended, dict) and extended.get("full_text")
        else tweet.get("full_text") or tweet.get("text") or ""
    )
    user = tweet["user"]
    description = profile_description(user.get("name"), user.get("description"))
    try:
        created = datetime.strptime(str(tweet["created_at"]), "%a %b %d %H:%M:%S %z %Y").isoformat()
    except ValueError:
        created = tweet.get("created_at")  # left to the date reader, which names it if unreadable
    return {
        "id": tid,
        "thread_id": PENDING_THREAD + tid,
        "parent_id": tweet.get("in_reply_to_status_id_str") or None,
        "author": user.get("screen_name"),
        "author_description": html.unescape(description) if description else None,
        "created": created,
        "text": html.unescape(text),
        "lang": language_code(tweet.get("lang")),
    }


# twarc-csv (`twarc2 csv`) flattens each tweet to a row whose columns are the API's paths
# joined by dots; these say a table is one.
TWARC_CSV_COLUMNS = frozenset({"id", "conversation_id", "text", "referenced_tweets.replied_to.id"})


def is_twarc_csv_header(header: list[str]) -> bool:
    """A header as twarc-csv writes it (`twarc2 csv`: `id`, `conversation_id`,
    `referenced_tweets.replied_to.id`, `author.username`, ...), no `thread_id` of the
    generic format."""
    return TWARC_CSV_COLUMNS <= set(header) and "thread_id" not in header


def rows_from_twarc_csv(
    path: Path, header: list[str], rows: Iterator[tuple[int, dict[str, str]]], notes: list[Note]
) -> Iterator[tuple[int, dict]]:
    """A twarc-csv table's rows as thread rows, mapped as a flattened tweet is (a row is
    rebuilt as the tweet it flattens); retweets left out and counted."""
    retweets = first_retweet = 0
    for line, raw in rows:
        if (raw.get("referenced_tweets.retweeted.id") or "").strip():
            retweets += 1
            first_retweet = first_retweet or line
            continue
        tweet: dict = {k: raw.get(k) or None for k in ("id", "conversation_id", "created_at", "lang", "author_id")}
        tweet["text"] = _line_breaks(raw.get("text") or "")
        if replied := (raw.get("referenced_tweets.replied_to.id") or "").strip():
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": replied}]
        if long := raw.get("note_tweet.text"):
            tweet["note_tweet"] = {"text": _line_breaks(long)}
        author = {k: _line_breaks(raw.get(f"author.{k}") or "") or None for k in ("username", "name", "description")}
        yield line, tweet_row(tweet, author)
    _retweets_note(path, retweets, first_retweet, notes)


def _line_breaks(value: str) -> str:
    """A twarc-csv cell's text with its line breaks: twarc-csv writes each as the two
    characters `\\n` so that no row breaks (unless --json-encode-text, rarely used)."""
    return value.replace("\\n", "\n")


def _retweets_note(path: Path, retweets: int, first: int, notes: list[Note]) -> None:
    if retweets:
        notes.append(
            Note(
                where=f"{path}:{first}",
                kind="note",
                message=f"{retweets} retweet(s) left out: a retweet repeats a tweet and answers none",
            )
        )


def read_twitter(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a twarc2 file's records, as they are read."""
    retweets = 0
    first_retweet = 0
    for line, record in lines:
        if not is_twitter_record(record):
            raise InputError(
                path, line, "not a tweet (id, text, conversation_id; or v1.1's id_str, user) nor an API v2 response"
            )
        if is_v1_tweet(record) and not is_tweet(record):
            if "retweeted_status" in record:
                retweets += 1
                first_retweet = first_retweet or line
            else:
                yield line, v1_tweet_row(record)
            continue
        if is_tweet(record):
            tweets, users, parents = [record], {}, []
        else:
            includes = record.get("includes") or {}
            users = {str(u.get("id")): u for u in includes.get("users") or () if isinstance(u, dict)}
            tweets = [t for t in record["data"] if is_tweet(t)]
            collected = {str(t["id"]) for t in tweets}
            wanted = {_parent(t) for t in tweets} - collected - {None}
            parents = [t for t in includes.get("tweets") or () if is_tweet(t) and str(t["id"]) in wanted]
        for tweet in [*tweets, *parents]:
            if _retweet(tweet):
                retweets += 1
                first_retweet = first_retweet or line
                continue
            author = tweet.get("author") if isinstance(tweet.get("author"), dict) else None
            yield line, tweet_row(tweet, author or users.get(str(tweet.get("author_id"))))
    _retweets_note(path, retweets, first_retweet, notes)
