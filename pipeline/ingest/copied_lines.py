"""What the readers of pages copied from a platform as text share (`copied`): a post's
words from its lines, its author, and how long a header line may be."""

from __future__ import annotations

import re

from pipeline.ingest.dates import read_date
from pipeline.ingest.deleted import DELETED_NAMES

# A header line is short: longer lines are words, and are not matched against the
# header patterns (whose lazy parts would take time on a long line).
HEADER_MAX = 300

# The time in full under the post asked for, as X and Bluesky print it (`10:12 AM · Mar 14,
# 2024`, Danish `kl. 10.12 · 14. mar. 2024`; X may add its views).
_CLOCK_STAMP_RE = re.compile(
    r"(?i)(?:kl\.\s*)?(?P<clock>\d{1,2}[:.]\d{2})(?:\s*(?P<half>AM|PM))?\s*·\s*(?P<date>.+?)"
    r"(?:\s*·\s*[\d.,]+\s?(?:[KkMm]|t\.|tn|mio\.?|mn)?\s+(?:Views|Visninger|Visningar))?"
)


def author_of(name: str) -> str | None:
    """A post's author: None for a deleted account (`[deleted]`)."""
    return None if name.lower() in DELETED_NAMES else name


def paragraphs(lines: list[str]) -> str:
    """Lines as a post's words: lines of a paragraph on lines, paragraphs a blank line apart."""
    out: list[str] = []
    for line in lines:
        if line:
            out.append(" ".join(line.split()))
        elif out and out[-1]:
            out.append("")
    return "\n".join(out).strip()


def nonblank(lines: list[str], i: int) -> int:
    """The index of the first nonblank line at or after `i` (len(lines) where none is)."""
    while i < len(lines) and not lines[i]:
        i += 1
    return i


def clock_stamp(line: str) -> re.Match[str] | None:
    """The time in full as X and Bluesky print it under the post asked for, matched."""
    return _CLOCK_STAMP_RE.fullmatch(line) if len(line) <= HEADER_MAX else None


def clock_date(stamp: re.Match[str]) -> str | None:
    """A `clock_stamp`'s date and time as ISO 8601 (the day alone where the clock cannot be
    one), None where its date is unread."""
    day = read_date(stamp["date"])
    if day is None:
        return None
    hour, minute = (int(x) for x in re.split(r"[:.]", stamp["clock"]))
    if stamp["half"]:
        hour = hour % 12 + (12 if stamp["half"].upper() == "PM" else 0)
    return f"{day[0][:10]}T{hour:02d}:{minute:02d}:00" if hour < 24 and minute < 60 else day[0][:10]


def hidden_replies(shown: list[str]) -> tuple[str, ...]:
    """A remark on the lines where a copied thread shows replies the copy does not hold
    (`2 more replies`), if any."""
    if not shown:
        return ()
    return (
        f"{len(shown)} place(s) where the thread shows replies the copy does not hold (e.g. {shown[0]!r}): "
        "open them before copying the page to read them",
    )
