"""Which authors are automated accounts (Reddit's AutoModerator, RemindMeBot, ...).

A bot's post is in every thread of some subreddits; counted as a participant it becomes
the most central "person" of a corpus, and its boilerplate ("Husk at holde en god tone")
gets a stance and a respondent role. The names and the pattern are in `bots.toml` beside
this module, so a platform's own bots are a line there, not code.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

BOTS_FILE = Path(__file__).with_name("bots.toml")


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], re.Pattern[str]]:
    raw = tomllib.loads(BOTS_FILE.read_text(encoding="utf-8"))
    return frozenset(n.casefold() for n in raw["names"]), re.compile(raw["pattern"])


@lru_cache(maxsize=1 << 16)
def is_bot(name: str | None) -> bool:
    """Whether `name` is an automated account's (None, a deleted author, is not)."""
    if not name:
        return False
    names, pattern = _lists()
    name = name.strip()
    return name.casefold() in names or bool(pattern.search(name))


def is_bot_participant(name: str | None, deleted: bool) -> bool:
    """Whether a participant is an automated account: a deleted author is no one, not a bot."""
    return not deleted and is_bot(name)
