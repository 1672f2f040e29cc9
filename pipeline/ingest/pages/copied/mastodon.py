"""A thread on a Mastodon instance copied from the browser as text (`copied`): Mastodon's
web app prints each post's age (`2h`, `3t`, `14. mar.` past a week) over its author's
display name, over their account (`@anna`, or `@anna@other.social` for another
instance's user), then its words and its reply counter. The post asked for prints no age
but its time in full under its words (`Mar 14, 2024, 10:12 AM`, `14. mar. 2024 10.12`),
with its visibility and app (`· Web`) and its counts in words (`3 boosts · 12
favorites`).

What the copy shows of the tree: Mastodon lists the posts the one asked for answers above
it, each right under the post it answers, then its replies, each reply's own replies
before the next (the order of the instance's conversation): the nesting is drawn with
lines the copy does not keep (`lines.listed_replies`). Written by hand from the web
app's source: no library reads a platform's copied text."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.ingest.dates import read_date
from pipeline.ingest.pages.copied.lines import (
    HEADER_MAX,
    app_age_seconds,
    hidden_between,
    listed_replies,
    more_replies_remark,
    nonblank,
    paragraphs,
    printed_date,
    words_until,
)
from pipeline.ingest.pages.stated import StatedPost, StatedThread

MASTODON_SOURCE = "thread on Mastodon copied as text"

# An account: `@anna` on the instance shown, `@anna@other.social` on another.
_ACCT = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"
_ACCT_RE = re.compile(rf"@(?P<acct>{_ACCT})")
_ONE_LINE_RE = re.compile(rf"(?P<name>\S.*?)\s+@(?P<acct>{_ACCT})")
# An age as Mastodon prints it over a post younger than a week (`now`, `42s`, `5m`, `2h`,
# `2t`, `3d`; ` *` where it was edited); older, its day (`Mar 14`, `14. mar.`, `14 mars`,
# `Mar 14, 2023`).
_RELATIVE_RE = re.compile(r"(?i)(?:now|nu|just now|lige nu|just nu|\d{1,2}\s?(?:s|m|h|t|d))(?:\s*\*)?")
_DAY_RE = re.compile(r"(?i)(?:[A-Z][a-z]{2} \d{1,2}(?:, \d{4})?|\d{1,2}\.? [a-zæøåäö]{3,9}\.?(?: \d{4})?)(?:\s*\*)?")
# The time in full under the post asked for, then its visibility and app (`· Web`).
_FULL_TIME_RE = re.compile(r"(?P<time>[^·]{6,40}?[ ,]\d{1,2}[:.]\d{2}(?:\s*[AP]M)?)(?:\s*·.*)?")
_YEAR_RE = re.compile(r"\b\d{4}\b")
# Its counts in words, and every post's reply counter (`1+`).
_COUNT = (
    r"\d[\d.,]*\+?(?:\s*(?:boosts?|boostar|fremhævelser|fremhævelse|favorites?|favourites?|favoritter|"
    r"favoriter|favorit|quotes?|citater|citat))?"
)
# Counts `·` apart: each count starts after a `·` (a pattern letting one count run into the
# next would try every split of a long number).
_COUNT_RE = re.compile(rf"(?i){_COUNT}(?:\s*·\s*{_COUNT})*(?:\s*·)?|·")
_X_WORDS_RE = re.compile(r"(?i)Replying to|Svarer(?: til)?|Svarar(?: till?)?|and|og|och|.*\bothers?")
_FURNITURE_RE = re.compile(
    r"(?i)Translate|Oversæt|Översätt|Show more|Show less|Vis mere|Vis mindre|Visa mer|Visa mindre|"
    r"Edited|Redigeret|Redigerad|Post|Opslag|Indlæg|Inlägg|Web|Webb"
)


def _age(line: str) -> bool:
    return len(line) <= 40 and bool(_RELATIVE_RE.fullmatch(line) or _DAY_RE.fullmatch(line))


def _full_time(line: str) -> str | None:
    """The date and time in full a line under the post asked for prints, as ISO 8601."""
    if len(line) > HEADER_MAX or not (m := _FULL_TIME_RE.fullmatch(line)) or not _YEAR_RE.search(m["time"]):
        return None
    found = read_date(m["time"])
    return found[0] if found and "T" in found[0] else None


def _heads(lines: list[str]) -> list[tuple[int, int, str, str, str]]:
    """The posts' headers: (its first line, the line its words start after, display name,
    account, age as printed: "" for the post asked for)."""
    heads = []
    previous = -1  # the last nonblank line before the one read
    for j, line in enumerate(lines):
        if not line:
            continue
        found = None
        if (m := _ACCT_RE.fullmatch(line)) and previous >= 0 and not _ACCT_RE.fullmatch(lines[previous]):
            found = (previous, lines[previous], m["acct"])
        elif len(line) <= 120 and (m := _ONE_LINE_RE.fullmatch(line)):
            found = (j, m["name"], m["acct"])
        # X's copy prints a `·` under the handle, and `Replying to` over the handles named.
        x_like = (k := nonblank(lines, j + 1)) < len(lines) and lines[k] == "·"
        if found is not None and not _age(found[1]) and not x_like and not _X_WORDS_RE.fullmatch(found[1]):
            i, name, acct = found
            before = max((k for k in range(max(0, i - 3), i) if lines[k]), default=-1)
            age = lines[before].removesuffix("*").strip() if before >= 0 and _age(lines[before]) else ""
            # A line of words may end with an account (`Tak til @anna`): on one line, a
            # header is one where an age stands over it or that names another instance.
            if i < j or age or "@" in acct:
                heads.append((before if age else i, j, name, acct, age))
        previous = j
    return heads


def _ago(age: str, year: str | None) -> tuple[int, float] | None:
    """An age's place in time, to compare two: (0, seconds ago) for an age under a week,
    (1, -days since the year 1) for a day; None where unread."""
    if _RELATIVE_RE.fullmatch(age):
        seconds = app_age_seconds(age)
        return (0, seconds) if seconds is not None else None
    day = printed_date(age, year)
    return (1, -float(day[:10].replace("-", ""))) if day else None


def mastodon_thread(lines: list[str]) -> StatedThread | None:
    heads = _heads(lines)
    aged = sum(1 for h in heads if h[4])
    if len(heads) < 2 or aged + any(_full_time(line) for line in lines) < 2:
        return None
    ends = [*(h[0] for h in heads[1:]), len(lines)]
    posts: list[StatedPost] = []
    ages: list[str] = []
    asked = 0
    for (start, after, name, acct, age), stop in zip(heads, ends, strict=True):
        words, dating = words_until(
            lines, after + 1, stop, lambda ln: _full_time(ln) is not None, _COUNT_RE, _FURNITURE_RE
        )
        full = _full_time(dating) if dating else None
        asked = asked or (len(posts) if full and not age else 0)
        posts.append(
            StatedPost(
                author=acct,
                created=full,
                title="",
                text=paragraphs(words),
                description=name if name not in (acct, acct.split("@")[0]) else None,
                age=age if _RELATIVE_RE.fullmatch(age) else "",
                line=start,
            )
        )
        ages.append(age)
    asked_on = posts[asked].created
    year = asked_on[:4] if asked_on else None
    # A day printed over a post older than a week: this year's, the year of the post asked for.
    posts = [
        p if p.created or not age or p.age else replace(p, created=printed_date(age, year))
        for p, age in zip(posts, ages, strict=True)
    ]
    places = [_ago(age, year) for age in ages]

    def older(k: int) -> bool:
        mine, theirs = places[k], places[k - 1]
        return mine is not None and theirs is not None and mine > theirs

    comments = listed_replies(posts, asked, older, hidden_between(lines, posts))
    return StatedThread(
        posts[0], comments, MASTODON_SOURCE, "SocialMediaPosting", remarks=more_replies_remark(lines), copied=True
    )
