"""A conversation on X copied from the browser as text (`copied`): X prints each poster's
name over their `@handle`, the time, an optional `Replying to @handle` (which names whom a
reply answers), the words, then its counts. Written by hand: no library reads a
platform's copied text."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.ingest.pages.copied.lines import clock_stamp, nonblank, paragraphs, printed_date
from pipeline.ingest.pages.stated import StatedPost, StatedThread

X_SOURCE = "conversation on X copied as text"

# X: `@handle` on a line of its own under the poster's name.
_HANDLE_RE = re.compile(r"@(?P<handle>\w{1,15})")
# A count under a post, as X prints it in English, Danish and Swedish ("12.4K", "12,4 t.",
# "1,2 mio.", "12.4K Views", "Visninger").
_X_COUNT_WORDS = (
    r"Views|Reposts|Quotes|Likes|Bookmarks|Visninger|Visningar|Genopslag|Reposter|Citater|Citat|"
    r"Synes godt om|Gillamarkeringar|Bogmærker|Bokmärken"
)
_COUNT_RE = re.compile(
    rf"(?i)\d+(?:[.,]\d+)?\s?(?:[KkMm]|t\.|tn|mio\.?|mn)?(?:\s+(?:{_X_COUNT_WORDS}))?|{_X_COUNT_WORDS}"
)
_X_SHORT_TIME_RE = re.compile(
    r"(?i)\d+\s?[smhd]|[A-Z][a-z]{2} \d{1,2}(?:, \d{4})?|\d{1,2}\.? [a-zæøå]{3}\.?(?: \d{4})?"
)
_X_FURNITURE_RE = re.compile(
    r"(?i)Post|See new posts|Conversation|Relevant|View quotes|Show more replies|Show replies|Show more|"
    r"Show translation|Translate post|Quote|Follow|Subscribe|Show probable spam|Replying to|and|"
    r"\d+ others?|Who can reply\?.*|Read \d+ repl(?:y|ies)|Promoted|Ad|Verified account|Views|"
    # Danish and Swedish.
    r"Opslag|Inlägg|Se nye opslag|Visa nya inlägg|Samtale|Konversation|Relevante|Relevanta|Se citater|"
    r"Visa citat|Vis flere svar|Visa fler svar|Vis mere|Visa mer|Vis oversættelse|Visa översättning|"
    r"Oversæt opslag|Översätt inlägg|Følg|Följ|Abonner|Prenumerera|Reklame|Annons|og|och"
)
_X_END_RE = re.compile(
    r"(?i)Discover more|Sourced from across X|More posts|Who to follow|Trending now|Relevant people|"
    r"Find mere|Opdag mere|Upptäck mer|Flere opslag|Fler inlägg|Hvem skal du følge|Vem du kan följa"
)
# Over a reply, in English, Danish, Swedish and Norwegian.
_REPLYING_RE = re.compile(r"(?i)(?:Replying to|Svarer(?: til)?|Svarar(?: till?)?|Som svar til|Svar til)\b")
_AND_RE = re.compile(r"(?i)and|og|och|\d+ (?:others?|andre|andra)")


def _x_heads(lines: list[str]) -> list[int]:
    """The lines that hold a poster's name over their `@handle` (not `Replying to` over
    the handle it names, nor the `and` between two such)."""
    return [
        i
        for i in range(len(lines) - 1)
        if lines[i]
        and not lines[i].startswith("@")
        and not _REPLYING_RE.match(lines[i])
        and not _AND_RE.fullmatch(lines[i])
        and _HANDLE_RE.fullmatch(lines[i + 1])
    ]


def _x_post(lines: list[str], i: int, stop: int) -> tuple[StatedPost, list[str], str]:
    """The post headed at line `i` (name, `@handle`), up to line `stop`: the post, the
    handles its `Replying to` names, and the line that dates it."""
    handle = lines[i + 1][1:]
    answering: list[str] = []
    printed = ""
    words: list[str] = []
    in_reply_to = False
    for line in lines[i + 2 : stop]:
        if not words and _REPLYING_RE.match(line):
            in_reply_to = True
            answering += [h["handle"] for h in _HANDLE_RE.finditer(line)]
        elif in_reply_to and (_HANDLE_RE.fullmatch(line) or _AND_RE.fullmatch(line)):
            answering += [h["handle"] for h in _HANDLE_RE.finditer(line)]
        elif not line:
            words += [""] if words else []
        elif line == "·" or (not words and _X_SHORT_TIME_RE.fullmatch(line)):
            printed = printed or (line if line != "·" else "")
        elif clock_stamp(line):
            printed = line
        elif _COUNT_RE.fullmatch(line) or _X_FURNITURE_RE.fullmatch(line):
            if words and _COUNT_RE.fullmatch(line):
                break
        else:
            in_reply_to = False
            words.append(line)
    shown = lines[i]
    post = StatedPost(
        line=i,
        author=handle,
        created=printed_date(printed, None),
        title="",
        text=paragraphs(words),
        description=shown if shown != handle else None,
    )
    return post, answering, printed


def _quoted(lines: list[str], heads: list[int], end: int) -> set[int]:
    """The heads of posts quoted inside the post X shows in full (the one dated with its
    clock, `10:12 AM · Mar 14, 2024`): those between its head and its date that, as a
    quoted post does, print a short time under their handle."""
    stamp = next((k for k in range(heads[0] + 1, end) if clock_stamp(lines[k])), None)
    if stamp is None:
        return set()
    before = [h for h in heads if h < stamp]
    dated = {h for h in before if nonblank(lines, h + 2) < len(lines) and lines[nonblank(lines, h + 2)] == "·"}
    owner = next((h for h in reversed(before) if h not in dated), None)
    return {h for h in before if owner is not None and h > owner}


def x_thread(lines: list[str]) -> StatedThread | None:
    end = next((i for i, line in enumerate(lines) if _X_END_RE.fullmatch(line)), len(lines))
    heads = [i for i in _x_heads(lines) if i < end]
    # X's own marks: a `·` under a reply's handle, the full time under the post asked for
    # (a YouTube comment's `@handle` over its age is no post on X).
    dotted = sum(lines[k] == "·" for h in heads if (k := nonblank(lines, h + 2)) < len(lines))
    if len(heads) < 2 or dotted + any(clock_stamp(line) for line in lines[:end]) < 2:
        return None
    quoted = _quoted(lines, heads, end)
    # A post's words end where the next post, quoted or not, starts.
    stop_of = dict(zip(heads, [*heads[1:], end], strict=True))
    real = [i for i in heads if i not in quoted]
    posts = []
    for i, after in zip(real, [*real[1:], end], strict=True):
        post, answering, printed = _x_post(lines, i, stop_of[i])
        if not printed:
            # The post X shows in full prints its date under the post it quotes.
            printed = next((ln for ln in lines[i:after] if clock_stamp(ln)), "")
            post = replace(post, created=printed_date(printed, None))
        posts.append((post, answering, printed))
    if len(posts) < 2:
        return None
    (opening, _, _), replies = posts[0], posts[1:]
    # `Mar 14` is this year's: the year of the post X shows in full, dated with its clock.
    stamp = next((ln for ln in lines[:end] if clock_stamp(ln)), "")
    full = printed_date(stamp, None) or opening.created
    year = full[:4] if full else None
    opening = replace(opening, created=opening.created or printed_date(posts[0][2], year))
    out: list[StatedPost] = []
    latest: dict[str | None, int] = {}  # a handle -> the index of its latest reply so far
    for post, answering, printed in replies:
        created = post.created or printed_date(printed, year)
        parent = None
        on_opening = False
        if answering:
            # The first handle named is the answered post's author: X adds the handles that
            # post itself answered after it (`Replying to @a and @b`: @a's post, under @b's).
            whom = answering[0]
            parent = latest.get(whom)
            on_opening = parent is None and whom == opening.author
        latest[post.author] = len(out)
        out.append(replace(post, created=created, parent=parent, answers_opening=on_opening))
    return StatedThread(opening, tuple(out), X_SOURCE, "SocialMediaPosting", copied=True)
