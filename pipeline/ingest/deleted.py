"""What platforms and privacy tools leave where an author or a text was deleted.

Reddit shows "[deleted]" or "[removed]"; Danish and Swedish sites "[slettet]",
"[borttagen]" or a whole comment saying so ("Kommentaren er fjernet af en moderator.",
"Kommentaren har tagits bort."). Privacy scripts overwrite a comment before deleting it,
and the dumps keep the overwrite: Shreddit's "deleted ^^^^0.9027 [^^^What ^^^is ^^^this?](pastebin link)",
Power Delete Suite's "This comment has been overwritten by an open source script...",
Redact's "This post was mass deleted and anonymized with Redact" (the last followed by
random words). Read as text, such a body would become units, a stance and a key point,
and pull the language detector towards English. No library lists these marks, so they
are kept here, by platform and tool; the post stays in its thread with empty text.
"""

from __future__ import annotations

import re

# What sites print in place of a deleted account's name ("Slettet bruger" on Danish
# boards, "Borttagen användare" on Swedish ones, Discourse's and Flarum's "[deleted]").
DELETED_NAMES = {
    "",
    "[deleted]",
    "[removed]",
    "[slettet]",
    "[fjernet]",
    "[borttagen]",
    "[raderad]",
    "deleted",
    "deleted user",
    "[deleted user]",
    "slettet bruger",
    "bruger slettet",
    "slettet profil",
    "tidligere bruger",
    "borttagen användare",
    "raderad användare",
    "borttaget konto",
    "tidigare användare",
    "slettet bruker",
}

_DELETED_TEXT = re.compile(
    r"""\A\s*(?:
        \[\s*(?:deleted|removed|slettet|fjernet|borttagen|raderad|borttaget)\s*\]
      | \[\s*removed\ by\ reddit\b[^\]]*\]                       # "[ Removed by Reddit ]" and its reasons
      | deleted\s+\^+\s*[0-9.]+\s+\[\^+what\s+\^+is\s+\^+this\?\]\([^)]*\)   # Shreddit
      | (?:denne\ )?(?:kommentar|indlæg)(?:en|get)?\ er\ (?:blevet\ )?(?:slettet|fjernet)
        (?:\ af\ (?:en\ )?(?:moderator|redaktionen|debatredaktionen))?\.?      # Danish sites' moderation
      | (?:den\ här\ )?(?:kommentar|inlägg)(?:en|et)?\ (?:har\ (?:tagits\ bort|raderats)|är\ borttag(?:en|et))
        (?:\ av\ (?:en\ )?(?:moderator|redaktionen))?\.?                        # Swedish sites' moderation
    )\s*\Z
    | \A\s*this\ (?:comment|post)\ (?:has\ been|was)\ overwritten\ by\ an\ open\ source\ script   # Power Delete Suite
    | \A\s*this\ (?:comment|post)\ was\ mass\ deleted\ and\ anonymized\ with\ \[?redact\b   # Redact
    """,
    re.IGNORECASE | re.VERBOSE,
)


def deleted_text(text: str) -> bool:
    """Whether `text` is a deletion mark or a privacy tool's overwrite, not what was written."""
    return bool(text) and len(text) < 2000 and _DELETED_TEXT.match(text) is not None


def deletion_note(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    flat = flat if len(flat) <= limit else flat[: limit - 3] + "..."
    return f"text {flat!r} is a deletion mark; read as empty"
