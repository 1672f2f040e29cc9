"""Other tools' formats read (and written): Reddit dumps, 4CAT, ConvoKit, DAST, tweets, Bluesky,
Mastodon statuses, YouTube comments (downloader, Data API), Telegram chats, Disqus and WordPress exports."""

from __future__ import annotations


def profile_description(name: str | None, bio: str | None) -> str | None:
    """A social platform's profile as the self-description the role cues read: "Display
    Name: bio" (either alone where the other is empty), None when both are."""
    parts = [x.strip() for x in (name or "", bio or "") if x and x.strip()]
    return ": ".join(parts) or None
