"""Other tools' formats read (and written): Reddit dumps, 4CAT, ConvoKit, DAST, tweets, Bluesky,
Mastodon statuses, Lemmy posts and comments, Discourse topics, Flarum discussions, Facebook
posts and comments (Graph API), YouTube comments (downloader, Data API), Instagram comments
(Instaloader), Telegram chats, Disqus and WordPress exports, Språkbanken's forum corpora,
Kialo discussions, and what Zeeschuimer collects (TikTok videos and comments, posts on X)."""

from __future__ import annotations


def profile_description(name: str | None, bio: str | None) -> str | None:
    """A social platform's profile as the self-description the role cues read: "Display
    Name: bio" (either alone where the other is empty), None when both are."""
    parts = [x.strip() for x in (name or "", bio or "") if x and x.strip()]
    return ": ".join(parts) or None


def language_code(value: object) -> str | None:
    """A platform's language tag as an ISO 639-1 code ("sv", "sv-SE" -> "sv"); None for
    anything that names no language that way (X's `und`, `zxx` and private `q..` codes, a
    three-letter code), which language ID then decides."""
    if isinstance(value, str):
        code = value.split("-")[0]
        return code.lower() if len(code) == 2 and code.isalpha() else None
    return None
