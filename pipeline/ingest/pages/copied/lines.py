"""What the readers of pages copied from a platform as text share (`copied`): a post's
words from its lines, its author, and how long a header line may be."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from pipeline.ingest.dates import read_date, relative_age, yearless_iso
from pipeline.ingest.deleted import DELETED_NAMES
from pipeline.ingest.pages.stated import StatedPost

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


# Where Bluesky or Mastodon holds back replies the copy then lacks ("Read 2 more replies", "Show
# more replies", "Show hidden replies"): the post listed next answers none above it.
MORE_REPLIES_RE = re.compile(
    r"(?i)(?:Read|Show|See|View)\s+(?:\d+\s+)?(?:more|other|hidden|further)\s+repl(?:y|ies)|"
    r"(?:Læs|Vis|Se)\s+(?:\d+\s+)?(?:flere|andre|skjulte)\s+svar|(?:Læs|Vis)\s+\d+\s+svar mere|"
    r"(?:Läs|Visa)\s+(?:\d+\s+)?(?:fler|andra|dolda)\s+svar|(?:Läs|Visa)\s+\d+\s+svar till"
)


_ENGLISH_DAY_RE = re.compile(r"[A-Z][a-z]{2} \d{1,2}")  # `Mar 14`: this year's


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


def printed_date(line: str, year: str | None) -> str | None:
    """A date a platform prints over or under a post: the time in full (`10:12 AM · Mar 14,
    2024`), a day in full (`Mar 14, 2023`), or a day of this year (`Mar 14`, `14. mar.`,
    `14 mars`: `year`'s, that of the post shown in full) as ISO 8601; None for an age
    (`3h`)."""
    if m := clock_stamp(line):
        return clock_date(m)
    if (found := read_date(line)) is not None:
        return found[0]
    if year and _ENGLISH_DAY_RE.fullmatch(line) and (found := read_date(f"{line}, {year}")) is not None:
        return found[0]
    if year and len(line) <= HEADER_MAX:
        return yearless_iso(line, f"{year}-01-01")
    return None


def _older_by_time(posts: list[StatedPost]) -> Callable[[int], bool]:
    """Whether `posts[k]` states a time before that of `posts[k - 1]` (both in one form)."""

    def older(k: int) -> bool:
        mine, theirs = posts[k].created, posts[k - 1].created
        return bool(mine and theirs and len(mine) == len(theirs) and mine < theirs)

    return older


def listed_replies(
    posts: list[StatedPost],
    asked: int,
    older: Callable[[int], bool] | None = None,
    hidden: Callable[[int], bool] = lambda _: False,
) -> tuple[StatedPost, ...]:
    """The replies (`posts` after the first, which opens the thread) of a thread its page
    lists as Bluesky and Mastodon do: the chain of posts the one asked for (`posts[asked]`)
    answers above it, each right under the post it answers, then its replies, each reply's
    own replies before the next. So each post above the one asked for answers the post
    right above it, and the first under it answers it (as `parent`: the page shows it);
    a later post answers the post right above it where its words name nothing else
    (`follows`), unless it is the older (`older(k)`: `posts[k]` older than `posts[k - 1]`)
    or a link to hidden replies stands between them (`hidden(k)`). Without `older`, the
    times the posts state say which is the older."""
    older = older or _older_by_time(posts)
    out: list[StatedPost] = []
    for k in range(1, len(posts)):
        n = k - 1  # its index among the replies
        shown = k <= asked or (k == asked + 1 and not hidden(k))
        if shown:
            out.append(replace(posts[k], parent=n - 1 if n else None, answers_opening=not n))
        else:
            out.append(replace(posts[k], follows=not older(k) and not hidden(k)))
    return tuple(out)


def words_until(
    lines: list[str],
    start: int,
    stop: int,
    dated: Callable[[str], bool],
    counts: re.Pattern[str],
    furniture: re.Pattern[str],
) -> tuple[list[str], str | None]:
    """A post's words from line `start` up to `stop`, as Bluesky and Mastodon print them:
    up to the line that dates it in full (the post asked for: `dated`), returned too, or
    to the first count or link to hidden replies under its words; `furniture` (buttons)
    is no words."""
    words: list[str] = []
    for line in lines[start:stop]:
        if dated(line):
            return words, line
        short = len(line) <= HEADER_MAX
        if short and (counts.fullmatch(line) or MORE_REPLIES_RE.fullmatch(line)):
            if words:
                break
        elif not line:
            words += [""] if words else []
        elif not (short and furniture.fullmatch(line)):
            words.append(line)
    return words, None


def app_age_seconds(age: str) -> float | None:
    """How long ago an age as Bluesky and Mastodon print it says (`5m` is five minutes
    there, not months; Swedish `2må` two months)."""
    if re.fullmatch(r"\d+\s?m", age):
        return relative_age(f"{age.rstrip('m').strip()} min")
    if re.fullmatch(r"\d+\s?må", age):
        return relative_age(f"{age[:-2].strip()} md")
    return relative_age(age)


def hidden_between(lines: list[str], posts: list[StatedPost]) -> Callable[[int], bool]:
    """Whether a link to hidden replies (`Read 2 more replies`) stands between the header
    lines of `posts[k - 1]` and `posts[k]`."""

    def hidden(k: int) -> bool:
        return any(MORE_REPLIES_RE.fullmatch(line) for line in lines[posts[k - 1].line or 0 : posts[k].line])

    return hidden


def more_replies_remark(lines: list[str]) -> tuple[str, ...]:
    """The remark on the links to hidden replies a copied Bluesky or Mastodon thread shows."""
    return hidden_replies([line for line in lines if len(line) <= HEADER_MAX and MORE_REPLIES_RE.fullmatch(line)])
