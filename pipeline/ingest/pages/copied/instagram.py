"""An Instagram post copied from the browser as text (`copied`): each username over its
words, its age (`2w`), its likes and `Reply`; the first is the post's caption. Written by
hand: no library reads a platform's copied text."""

from __future__ import annotations

import re

from pipeline.ingest.dates import read_date
from pipeline.ingest.pages.copied.lines import HEADER_MAX, author_of, paragraphs
from pipeline.ingest.pages.stated import StatedPost, StatedThread

INSTAGRAM_SOURCE = "post on Instagram copied as text"

# A username as Instagram allows them: letters, digits, `.` and `_`, no spaces; with a
# letter (a count such as "234" is none).
_USERNAME_RE = re.compile(r"(?=[\w.]*[A-Za-z])[A-Za-z0-9._]{1,30}")
# Instagram's own marks, one of which a copied post shows: a comment's likes counted in
# words ("12 likes"; Facebook prints the count alone), or the poster's badge or button.
_IG_MARK_RE = re.compile(
    r"(?i)\d[\d.,  ]*\s+(?:likes?|synes godt om|gilla-markeringar|gilla-markering|liker)|"
    r"Verified|Bekræftet|Verifierad|Verifisert"
)
# A post's or comment's age under its words, in English, Danish, Swedish and Norwegian.
_IG_AGE_RE = re.compile(r"(?i)\d{1,3}\s?(?:s|m|h|d|w|y|t|u|v|å)\.?")
_IG_REPLY_RE = re.compile(r"(?i)Reply|Svar|Svara|Svare")
_IG_AFTER_RE = re.compile(
    r"(?i)\d[\d.,]*\s+(?:likes?|synes godt om|gilla-markeringar|gilla-markering|liker)|"
    r"See translation|Se oversættelse|Visa översättning|Se oversettelse|"
    r"[—–-]*\s*(?:View|Vis|Se|Visa|Hide|Skjul|Dölj)\s+(?:all\s+|alle\s+|alla\s+)?(?:replies|svar)(?:\s*\(\d+\))?|"
    r"Reply|Svar|Svara|Svare|Edited|Redigeret|Redigerad|Redigert"
)
# Under a username: a badge, the follow button, the dot between them.
_IG_BADGE_RE = re.compile(
    r"(?i)Verified|Bekræftet|Verifierad|Verifisert|Follow|Følg|Följ|•|·|Author|Forfatter|Författare|Original audio"
)


def _ig_post(lines: list[str], i: int, next_age: list[int]) -> tuple[str, list[str], int] | None:
    """The post or comment whose username is on line `i`: (the username, its words, the
    index of the line after its age and the counts and buttons under it), or None where
    no words and age follow the name. `next_age[k]`: the first age line at or after `k`."""
    name = lines[i]
    k = i + 1
    while k < min(i + 12, len(lines)) and (not lines[k] or _IG_BADGE_RE.fullmatch(lines[k]) or lines[k] == name):
        k += 1  # the header repeats the name over the caption
    age = next_age[k] if k < len(lines) else len(lines)
    # Too far from an age before the slice is made: on a long page of another kind each
    # name-like line was sliced to the end (a forum's 8,000 posts copied: 4 s of 17).
    if age >= len(lines) or age - k > 200:
        return None
    words = lines[k:age]
    if not any(words) or any(_ig_after(w) for w in words):
        return None
    k = age + 1
    while k < len(lines) and (not lines[k] or _ig_after(lines[k])):
        k += 1
    return name, words, k


def _ig_after(line: str) -> bool:
    """Whether `line` is a count or button Instagram prints under a comment's age."""
    return len(line) <= HEADER_MAX and _IG_AFTER_RE.fullmatch(line) is not None


def instagram_thread(lines: list[str]) -> StatedThread | None:
    if sum(1 for line in lines if _IG_REPLY_RE.fullmatch(line)) < 2:
        return None
    next_age = [len(lines)] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        next_age[k] = k if len(lines[k]) <= 12 and _IG_AGE_RE.fullmatch(lines[k]) else next_age[k + 1]
    posts: list[tuple[str, list[str], int]] = []
    replies = 0
    i = 0
    while i < len(lines):
        name = lines[i]
        found = (
            _ig_post(lines, i, next_age)
            if _USERNAME_RE.fullmatch(name) and not _IG_BADGE_RE.fullmatch(name) and not _IG_AFTER_RE.fullmatch(name)
            else None
        )
        if found is None:
            i += 1
            continue
        name, words, after = found
        replies += any(_IG_REPLY_RE.fullmatch(line) for line in lines[i:after])
        posts.append((name, words, i))
        i = after
    # Comments with a reply button under their age (the caption has none), and one of
    # Instagram's own marks (a Facebook post copied prints its comments alike).
    if len(posts) < 3 or replies < 2 or not any(len(ln) <= HEADER_MAX and _IG_MARK_RE.fullmatch(ln) for ln in lines):
        return None
    (name, words, _), comments = posts[0], posts[1:]
    dated = next((d for line in reversed(lines) if len(line) <= HEADER_MAX and (d := read_date(line))), None)
    opening = StatedPost(author_of(name), dated[0] if dated else None, "", paragraphs(words))
    return StatedThread(
        opening,
        tuple(StatedPost(author_of(n), None, "", paragraphs(w), line=at) for n, w, at in comments),
        INSTAGRAM_SOURCE,
        "SocialMediaPosting",
        copied=True,
    )
