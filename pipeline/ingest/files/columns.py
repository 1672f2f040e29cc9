"""What a researcher's own column names probably mean, for the header error's suggestion.

Exports from scrapers, survey tools and hand-made spreadsheets name the thread fields in
many ways ("comment_id", "post_id", "reply_to", "body"). Ingest never maps them by itself:
a wrong guess ("post_id" as the comment's id or as its thread's?) would silently give a
wrong reply tree. The error for an unknown header instead prints the `--columns` mapping
these names suggest, to check and paste.
"""

from __future__ import annotations

import re
import shlex

# For each thread field, names that often mean it, most specific first. A name may stand
# for two fields ("post_id": the comment's id in some exports, its thread's in others):
# the fields take names in this order, so a file with both "comment_id" and "post_id"
# reads as id=comment_id thread_id=post_id, and one with "post_id" alone as id=post_id.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "comment_id",
        "message_id",
        "msg_id",
        "tweet_id",
        "status_id",
        "reply_id",
        "uid",
        "post_id",
        "kommentar_id",
        "indlæg_id",
        "inlägg_id",
        "inläggs_id",
        "nr",
        "inlägg",
        "indlæg",
    ),
    "thread_id": (
        "thread",
        "conversation_id",
        "article",
        "artikel",
        "discussion",
        "submission",
        "link_id",
        "submission_id",
        "discussion_id",
        "article_id",
        "story_id",
        "video_id",
        "topic_id",
        "post_id",
        # The post a scraper was given, by its address (Apify's Facebook comments).
        "facebook_url",
        "post_url",
        "input_url",
        "tråd_id",
        "artikel_id",
        "tråd",
        "traad",
    ),
    "parent_id": (
        "parent",
        "reply_to",
        "in_reply_to",
        "in_reply_to_id",
        "in_reply_to_status_id",
        "parent_comment_id",
        "reply_to_comment_id",
        "replied_to",
        "reply_to_id",
        "svar_til",
        "svar_till",
        "svar_på",
        "svarer_på",
        "svarar_på",
        "forælder",
        "förälder",
    ),
    "author": (
        "user",
        "username",
        "user_name",
        "screen_name",
        "author_name",
        "profile_name",
        "owner_username",
        "display_name",
        "comment_author",
        "commenter",
        # Facebook's Graph API as Facepager exports it ("from.name").
        "from_name",
        "name",
        "forfatter",
        "författare",
        "navn",
        "namn",
        "bruger",
        "användare",
    ),
    "created": (
        "created_at",
        "created_utc",
        # Facebook's Graph API (Facepager) and Meta's Content Library.
        "created_time",
        "creation_time",
        "timestamp",
        "date",
        "datetime",
        "time",
        "published",
        "published_at",
        "posted",
        "posted_at",
        "post_date",
        "date_posted",
        "comment_date",
        "comment_time",
        "created_date",
        "dato",
        "datum",
        "tidspunkt",
        "tidpunkt",
    ),
    # Not "post_title": a comment export repeats its post's title on every row (Apify's
    # "postTitle"), which as the comments' own would make each a headline.
    "title": ("headline", "subject", "overskrift", "rubrik"),
    "text": (
        "body",
        "comment",
        "comment_text",
        "message",
        "content",
        "text_content",
        "full_text",
        "selftext",
        "kommentar",
        "tekst",
        "indhold",
        "innehåll",
        "meddelande",
        "besked",
        "meddelelse",
        "indlæg",
        "inlägg",
    ),
    "author_description": (
        "user_description",
        "author_description_text",
        "author_title",
        "user_title",
        "author_bio",
        "user_bio",
        "bio",
        "flair",
        "author_flair",
        "signature",
        "titel",
        "stilling",
        "befattning",
        "yrke",
        "erhverv",
    ),
    "lang": ("language", "sprog", "språk"),
}


def _key(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", name.strip().lower())


def _spelt(name: str) -> str:
    """A column's name as the synonyms spell it: scrapers' camelCase ("profileName",
    "replyToCommentId", Apify's) in words ("profile_name", "reply_to_comment_id")."""
    return _key(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip()))


def suggested_options(header: list[str], fields: tuple[str, ...], ignoring: bool = False) -> str | None:
    """The ingest options the header's names suggest ("--columns id=comment_id ...", with
    "--ignore-columns" where other unknown columns remain and `ignoring` is not already
    so), or None when they suggest nothing."""
    specs, rest = suggested_columns(header, fields)
    if not specs:
        return None
    # An export of posts that name their parents but not their thread (Facepager's
    # "parent_id" without a thread column): each tree of replies is a thread.
    mapped = {_key(h) for h in header if _key(h) in fields} | {spec.strip("'").split("=", 1)[0] for spec in specs}
    from_parents = "thread_id" in fields and "thread_id" not in mapped and "parent_id" in mapped
    return (
        f"--columns {' '.join(specs)}"
        + (" --ignore-columns" if rest and not ignoring else "")
        + (" --threads-from-parents" if from_parents else "")
    )


def suggested_columns(header: list[str], fields: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(`--columns` specs, shell-quoted, for the fields the header lacks that its names
    suggest; the columns still unknown after them). `header` as the file spells it."""
    known = {_key(h) for h in header if _key(h) in fields}
    free = {_spelt(h): h for h in header if _key(h) not in fields}
    specs = []
    for field, names in SYNONYMS.items():
        if field in known:
            continue
        # "parentId" is the field's own name in camelCase, which the reader does not take.
        name = next((n for n in (field, *names) if n in free), None)
        if name is not None:
            specs.append(shlex.quote(f"{field}={free.pop(name)}"))
    return specs, sorted(free.values())
