"""A thread on Bluesky copied from the browser as text (`copied`): Bluesky prints each
post's author's display name over their `@handle` (a domain name: `@anna.bsky.social`,
`@dr.dk`), a `·` and its age (`2h`, `3t`, `now`), its words, then its counts. The post
asked for prints no age but its time in full under its words (`10:12 AM · Mar 14, 2024`,
`kl. 10.12 · 14. mar. 2024`), then who may reply and its counts in words (`12 reposts`,
`45 likes`).

What the copy shows of the tree: Bluesky lists the posts the one asked for answers above
it, each right under the post it answers, and each reply right under what it answers (a
reply's replies before the next reply): the nesting is drawn with lines the copy does not
keep. So a post whose words name nothing else answers the post right above it, unless its
age makes it the older or Bluesky's link to hidden replies stands between them. Written by
hand: no library reads a platform's copied text."""

from __future__ import annotations

import re

from pipeline.ingest.dates import read_date
from pipeline.ingest.pages.copied.lines import (
    HEADER_MAX,
    app_age_seconds,
    clock_date,
    clock_stamp,
    hidden_between,
    listed_replies,
    more_replies_remark,
    nonblank,
    paragraphs,
    words_until,
)
from pipeline.ingest.pages.stated import StatedPost, StatedThread

BLUESKY_SOURCE = "thread on Bluesky copied as text"

# A handle is a domain name (`anna.bsky.social`, `dr.dk`); X's have no dot.
_HANDLE = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+"
_HANDLE_RE = re.compile(rf"@(?P<handle>{_HANDLE})")
# An age as Bluesky prints it over a post, in English, Danish and Swedish (`now`, `42s`,
# `5m`, `2h`, `3t`, `4d`, `2mo`, `2md`, `2må`); past a year, the day (`11/23/2025`).
_AGE = r"now|nu|\d{1,2}\s?(?:s|m|h|t|d|mo|md|mdr|må)|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
_DOT_AGE_RE = re.compile(rf"(?i)·\s*(?P<age>{_AGE})")
# The header on one line, as some browsers copy it: `Anna Lind @anna.bsky.social · 2h`.
_ONE_LINE_RE = re.compile(rf"(?i)(?P<name>\S.*?)\s+@(?P<handle>{_HANDLE})(?:\s*·\s*(?P<age>{_AGE}))?")
# A count under the post asked for, in words, and under every post, alone (its buttons').
_COUNT_RE = re.compile(
    r"(?i)\d+(?:[.,]\d+)?\s?(?:[KkMm]|t\.|tn|mio\.?|mn)?"
    r"(?:\s+(?:reposts?|quotes?|likes?|saves?|delinger|deling|citater|citat|gemte|"
    r"återpubliceringar|återpublicering|gillamarkeringar|gillamarkering|sparade))?"
)
_FURNITURE_RE = re.compile(
    r"(?i)Post|Opslag|Inlägg|Follow|\+ Follow|Follow back|Following|Følg|Følg tilbage|Følger|Följ|Följer|"
    r"Translate|Oversæt|Översätt|Everybody can reply|Alle kan svare|Alla kan svara|"
    r"Replies disabled|Write your reply|Skriv dit svar|Skriv ditt svar|Sort replies|"
    r"Show more|Vis mere|Visa mer|Edited|Redigeret|Redigerad|·"
)


def _heads(lines: list[str]) -> list[tuple[int, str, str, str]]:
    """The posts' headers: (line, display name, handle, age as printed, "" where none)."""
    heads = []
    for i, line in enumerate(lines):
        if not line or len(line) > HEADER_MAX or line.startswith("@"):
            continue
        j = nonblank(lines, i + 1)
        if j < len(lines) and (m := _HANDLE_RE.fullmatch(lines[j])):
            k = nonblank(lines, j + 1)
            after = lines[k] if k < len(lines) else ""
            if after == "·":  # `·` and the age on lines of their own
                k = nonblank(lines, k + 1)
                after = "· " + lines[k] if k < len(lines) else ""
            age = a["age"] if (a := _DOT_AGE_RE.fullmatch(after)) else ""
            heads.append((i, line, m["handle"], age))
        elif (m := _ONE_LINE_RE.fullmatch(line)) and not _HANDLE_RE.fullmatch(line):
            age = m["age"] or ""
            if not age and (k := nonblank(lines, i + 1)) < len(lines) and (a := _DOT_AGE_RE.fullmatch(lines[k])):
                age = a["age"]
            heads.append((i, m["name"], m["handle"], age))
    return heads


def _words(lines: list[str], start: int, stop: int, handle: str, age: str) -> tuple[list[str], str | None, bool]:
    """A post's words from line `start` (its header's) up to `stop`, the date printed in
    full under them (the post asked for), and whether one was printed."""
    words: list[str] = []
    k = start + 1
    # The header's own lines: the handle, the `·` and age, the follow button.
    while k < stop and (
        not lines[k]
        or lines[k] in (f"@{handle}", "·", age, f"· {age}")
        or _DOT_AGE_RE.fullmatch(lines[k])
        or (not words and _FURNITURE_RE.fullmatch(lines[k]))
    ):
        k += 1
    words, dating = words_until(lines, k, stop, lambda ln: clock_stamp(ln) is not None, _COUNT_RE, _FURNITURE_RE)
    stamp = clock_stamp(dating) if dating else None
    return words, clock_date(stamp) if stamp else None, stamp is not None


def bluesky_thread(lines: list[str]) -> StatedThread | None:
    heads = _heads(lines)
    # Bluesky's own marks: an age after the `·` under a handle, or the time in full.
    aged = sum(1 for h in heads if h[3])
    if len(heads) < 2 or aged + any(clock_stamp(line) is not None for line in lines) < 2:
        return None
    # A post quoted in the one asked for stands between its words and its time in full.
    stamp = next((k for k, line in enumerate(lines) if clock_stamp(line) is not None), len(lines))
    owner = next((h[0] for h in reversed(heads) if h[0] < stamp < len(lines) and not h[3]), None)
    quoted = {h[0] for h in heads if owner is not None and owner < h[0] < stamp}
    stamped_at = clock_stamp(lines[stamp]) if stamp < len(lines) else None
    stop_of = dict(zip((h[0] for h in heads), [*(h[0] for h in heads[1:]), len(lines)], strict=True))
    heads = [h for h in heads if h[0] not in quoted]
    ends = [*(h[0] for h in heads[1:]), len(lines)]
    posts: list[tuple[StatedPost, str]] = []
    asked = 0  # the post dated in full: the one asked for
    for (i, name, handle, age), stop in zip(heads, ends, strict=True):
        words, full, stamped = _words(lines, i, stop_of[i], handle, age)
        if i == owner and stamped_at is not None and stop_of[i] < stop:
            # The post it quotes is left out; its own time in full follows that.
            full, stamped = clock_date(stamped_at), True
        # Past a year Bluesky prints the day in the age's place.
        created = full if stamped else (day[0] if age and (day := read_date(age)) else None)
        post = StatedPost(
            author=handle,
            created=created,
            title="",
            text=paragraphs(words),
            description=name if name not in (handle, f"@{handle}") else None,
            age=age if age and not stamped else "",
            line=i,
        )
        asked = asked or (len(posts) if stamped else 0)
        posts.append((post, age))
    ages = [age for _, age in posts]

    def older(k: int) -> bool:
        mine, theirs = app_age_seconds(ages[k]), app_age_seconds(ages[k - 1])
        return mine is not None and theirs is not None and mine > theirs

    read = [p for p, _ in posts]
    comments = listed_replies(read, asked, older, hidden_between(lines, read))
    remarks = more_replies_remark(lines)
    return StatedThread(read[0], comments, BLUESKY_SOURCE, "SocialMediaPosting", remarks=remarks, copied=True)
