"""A Reddit thread, an X conversation or an Instagram post copied from the browser as
text (select all, copy, paste into a .txt file): its posts, read from the lines each
platform prints around them.

A researcher who cannot save a thread's page often copies what the browser shows. The
text keeps every post's author, time and words, but as lines a comment-list parser reads
as prose: Reddit prints each comment's author, a `•` and its age on lines of their own
(`Hyggelig_Bruger` / `•` / `4h ago`), then its words, then a row of buttons (`Upvote`,
its score, `Downvote`, `Reply`, `Share`); old Reddit heads each comment `[–]name 42
points 4 hours ago` and ends it `permalink embed save parent report reply`; X prints the
poster's name over their `@handle`, the time, an optional `Replying to @handle`, the
words, then its counts; Instagram each username over its words, its age (`2w`), its
likes and `Reply`. Where these lines head the posts, they say which line is which
and are read here as the saved page's elements are (`reddit_markup`, `x_markup`).

What the copied text shows of the tree: old Reddit prints `parent` among a reply's
buttons, never a top comment's, so a comment without it answers the post, and a reply
right under a top comment answers that comment (Reddit lists a comment's replies right
under it); X's `Replying to @handle` names whom a reply answers. New Reddit's copied text
shows no nesting at all (it is drawn with lines): those comments are read from their
words, as a flat list is. Ages (`4h ago`) name no date, so such posts have none.

Written by hand: no library reads a platform's copied text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.ingest.dates import read_date, yearless_iso
from pipeline.ingest.deleted import DELETED_NAMES
from pipeline.ingest.stated import StatedPost, StatedThread

REDDIT_SOURCE = "Reddit thread copied as text"
OLD_REDDIT_SOURCE = "thread on old Reddit copied as text"
X_SOURCE = "conversation on X copied as text"
INSTAGRAM_SOURCE = "post on Instagram copied as text"
SOURCES = (REDDIT_SOURCE, OLD_REDDIT_SOURCE, X_SOURCE, INSTAGRAM_SOURCE)
# What in each copy shows a comment's place (evidence `copied-text`).
CUES = {
    REDDIT_SOURCE: "the order of its comments",
    OLD_REDDIT_SOURCE: "a reply prints 'parent' among its buttons and follows what it answers; a top comment does not",
    X_SOURCE: "'Replying to @handle' over the reply",
    INSTAGRAM_SOURCE: "the order of its comments",
}

# An age as Reddit prints it, in English or as its Danish and Swedish interfaces do.
_AGE = (
    r"(?:\d+\s?(?:s|sec|m|min|h|hr|hrs|d|w|wk|mo|y|yr)s?\.?|\d+\s+(?:second|minute|hour|day|week|month|year)s?)"
    r"\s+ago|just now|(?:for|för)\s+\d+\s?[a-zæøåäö]+\.?\s+(?:siden|sedan)"
)
_AGE_RE = re.compile(rf"(?i){_AGE}")
_NAME = r"\[deleted\]|\[removed\]|[\w-]{2,40}"
# `name • 4h ago` on one line, as some browsers copy Reddit's header row.
_REDDIT_HEADER_RE = re.compile(rf"(?i)(?P<name>{_NAME})\s+[•·]\s+(?P<age>{_AGE})")
_DOMAIN_RE = re.compile(r"(?i)(?:[a-z0-9-]+\.)+[a-z]{2,}")
_SUBREDDIT_RE = re.compile(r"r/\w{2,21}")
# What Reddit prints between a post's or comment's name and words: a badge, the poster's
# mark, an edit's age. Dropped, as the page's elements leave them out of the words.
_REDDIT_BADGE_RE = re.compile(
    rf"(?i)OP|MOD|Moderator|Promoted|Edited(?:\s+{_AGE})?|•|·|Top \d+% (?:Commenter|Poster)|"
    r"Profile Badge for the Achievement .*|u/\S+ avatar"
)
# What ends a comment's words on Reddit: its buttons, its score, a link to more replies.
_REDDIT_BUTTON_RE = re.compile(
    r"(?i)Upvote|Downvote|Vote|Reply|Award|Share|Report|Save|Follow|More replies|\d+ more repl(?:y|ies)|"
    r"Continue this thread|View more comments|Load more comments|Sort by:?|Search Comments|"
    r"Expand comment search|Comments Section|Add a Comment|Join the conversation|Go to comments|"
    r"-?\d+(?:[.,]\d+)?\s?(?:k|t\.|tn)?|"
    # Reddit's Danish and Swedish interfaces.
    r"Stem op|Stem ned|Svar|Del|Tildel|Pris|Rapportér|Gem|Flere svar|\d+ svar mere|Fortsæt denne tråd|"
    r"Sortér efter:?|Søg i kommentarer|Tilføj en kommentar|Rösta upp|Rösta ned|Svara|Dela|Rapportera|Spara|"
    r"Fler svar|\d+ svar till|Fortsätt tråden|Sortera efter:?|Sök i kommentarer|Lägg till en kommentar"
)
_VOTES = ("Upvote", "Downvote", "Stem op", "Stem ned", "Rösta upp", "Rösta ned")
_REDDIT_DELETED_RE = re.compile(
    r"(?i)Comment (?:deleted by user|removed by moderator)|\[deleted\]|\[removed\]|"
    r"Kommentar slettet af bruger(?:en)?|Kommentar fjernet af moderator|Kommentaren raderades av användaren|"
    r"Kommentaren togs bort av en moderator"
)
# Old Reddit: `[–]name [S] flair 42 points 4 hours ago (2 children)`, `[+]` where collapsed.
_OLD_HEADER_RE = re.compile(
    rf"\[[–+-]\](?P<name>{_NAME})(?:\s*\[[SM]\])*(?:\s+(?P<flair>.*?))??\s+"
    r"(?:(?P<score>-?\d+)\s+points?|\[score hidden\])\s+(?P<age>.+?\sago|just now)"
    r"(?:\s*\*?\s*\(last edited .*?\))?(?:\s*\(\d+ child(?:ren)?\))?\s*"
)
_OLD_BUTTONS_RE = re.compile(
    r"(?i)(?:permalink|embed|save|unsave|parent|report|reply|give\s?award|give\s?gold|source|edit|delete|"
    r"share|disable inbox replies|hide child comments)+"
)
_OLD_SUBMITTED_RE = re.compile(
    rf"(?i)submitted\s+(?P<age>.+?)\s+(?:\*\s*\(last edited .*?\)\s+)?by\s+(?P<name>{_NAME})"
)
_OLD_END_RE = re.compile(
    r"(?i)\d+ comments?|(?:all|top) \d+ comments?|sorted by:.*|share|save|hide|report|crosspost|"
    r"\d+ points? \(\d+% upvoted\)|(?:load|show) more comments.*|continue this thread.*"
)
# X: `@handle` on a line of its own under the poster's name.
_HANDLE_RE = re.compile(r"@(?P<handle>\w{1,15})")
# A count under a post, as X prints it in English, Danish and Swedish ("12.4K", "12,4 t.",
# "1,2 mio.", "12.4K Views", "Visninger").
_X_COUNT_WORDS = (
    r"Views|Reposts|Quotes|Likes|Bookmarks|Visninger|Visningar|Genopslag|Reposter|Citater|Citat|"
    r"Synes godt om|Likes|Gillamarkeringar|Bogmærker|Bokmärken"
)
_COUNT_RE = re.compile(
    rf"(?i)\d+(?:[.,]\d+)?\s?(?:[KkMm]|t\.|tn|mio\.?|mn)?(?:\s+(?:{_X_COUNT_WORDS}))?|{_X_COUNT_WORDS}"
)
_X_TIME_RE = re.compile(
    r"(?i)(?P<clock>\d{1,2}[:.]\d{2})(?:\s*(?P<half>AM|PM))?\s*·\s*(?P<date>.+?)"
    r"(?:\s*·\s*[\d.,]+\s?(?:[KkMm]|t\.|tn|mio\.?|mn)?\s+(?:Views|Visninger|Visningar))?"
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
# A header line is short: longer lines are words, and are not matched against the
# header patterns (whose lazy parts would take time on a long line).
_HEADER_MAX = 300
_ENGLISH_DAY_RE = re.compile(r"(?P<month>[A-Z][a-z]{2}) (?P<day>\d{1,2})")


def copied_thread(lines: list[str]) -> StatedThread | None:
    """The thread a page saved as text shows as a copied Reddit, X or Instagram page, or None where
    its lines are not such a page's (two or more posts headed as the platform heads them)."""
    stripped = [line.strip() for line in lines]
    return _old_reddit(stripped) or _new_reddit(stripped) or _x(stripped) or _instagram(stripped)


def _author(name: str) -> str | None:
    """A post's author: None for a deleted account (`[deleted]`)."""
    return None if name.lower() in DELETED_NAMES else name


def _paragraphs(lines: list[str]) -> str:
    """Lines as a post's words: lines of a paragraph on lines, paragraphs a blank line apart."""
    out: list[str] = []
    for line in lines:
        if line:
            out.append(" ".join(line.split()))
        elif out and out[-1]:
            out.append("")
    return "\n".join(out).strip()


def _nonblank(lines: list[str], i: int) -> int:
    """The index of the first nonblank line at or after `i` (len(lines) where none is)."""
    while i < len(lines) and not lines[i]:
        i += 1
    return i


# -- new Reddit -------------------------------------------------------------------------


def _reddit_header(lines: list[str], i: int) -> tuple[str, int] | None:
    """The name a Reddit comment header at line `i` shows and the index of the line after
    it: `name` / `•` / `4h ago` on lines of their own, or on one line."""
    if m := _REDDIT_HEADER_RE.fullmatch(lines[i]):
        return (m["name"], i + 1) if not m["name"].startswith("r/") else None
    if not re.fullmatch(_NAME, lines[i]) or _REDDIT_BUTTON_RE.fullmatch(lines[i]):
        return None
    j = _nonblank(lines, i + 1)
    if j < len(lines) and lines[j] in ("•", "·"):
        k = _nonblank(lines, j + 1)
        if k < len(lines) and _AGE_RE.fullmatch(lines[k]):
            return lines[i], k + 1
    return None


def _reddit_words(lines: list[str], i: int, stop: int) -> list[str]:
    """The words of a Reddit post or comment from line `i`, up to its buttons or line `stop`."""
    while i < stop and (not lines[i] or _REDDIT_BADGE_RE.fullmatch(lines[i])):
        i += 1
    start = i
    while i < stop and not _REDDIT_BUTTON_RE.fullmatch(lines[i]):
        i += 1
    return lines[start:i]


def _new_reddit(lines: list[str]) -> StatedThread | None:
    headers = [(i, h) for i in range(len(lines)) if (h := _reddit_header(lines, i)) is not None]
    marked = any(_SUBREDDIT_RE.fullmatch(line) or line in _VOTES for line in lines)
    if len(headers) < 2 or not marked:
        return None
    opening = _reddit_opening(lines, headers[0][0])
    comments = []
    for n, (i, (name, after)) in enumerate(headers):
        stop = headers[n + 1][0] if n + 1 < len(headers) else len(lines)
        words = _reddit_words(lines, after, stop)
        text = _paragraphs(words)
        gone = bool(_REDDIT_DELETED_RE.fullmatch(text)) or _author(name) is None
        comments.append(
            StatedPost(
                author=_author(name),
                created=None,
                title="",
                text="" if gone else text,
                deleted=gone,
                age=next((m[0] for k in range(i, after) if (m := _AGE_RE.search(lines[k]))), ""),
            )
        )
    return StatedThread(opening, tuple(comments), REDDIT_SOURCE, "DiscussionForumPosting", copied=True)


def _reddit_opening(lines: list[str], first_comment: int) -> StatedPost:
    """The post above the comments: `r/sub` / `•` / its age / its author, then its title
    and words (a flair, a short line right under the title, left out)."""
    for i in range(first_comment):
        if not _SUBREDDIT_RE.fullmatch(lines[i]):
            continue
        j = _nonblank(lines, i + 1)
        if j < first_comment and lines[j] in ("•", "·"):
            j = _nonblank(lines, j + 1)
        if not (j < first_comment and _AGE_RE.fullmatch(lines[j])):
            continue
        k = _nonblank(lines, j + 1)
        if k >= first_comment or not re.fullmatch(_NAME, lines[k]):
            continue
        words = _reddit_words(lines, k + 1, first_comment)
        words = [w for w in words if w != "Archived post. New comments cannot be posted and votes cannot be cast."]
        title = words[0] if words else ""
        rest = words[1:]
        shared = None
        if rest and _DOMAIN_RE.fullmatch(rest[0]):
            # A link post: the linked site's name under the title, then its button.
            shared, rest = rest[0], [w for w in rest[1:] if w not in ("Open", "Link")]
        elif rest and rest[0] and len(rest[0]) <= 30 and not re.search(r"[.!?:]$", rest[0]) and len(rest) > 1:
            rest = rest[1:]  # the post's flair
        return StatedPost(_author(lines[k]), None, title, _paragraphs(rest), shared=shared, age=lines[j])
    return StatedPost(None, None, "", "")


# -- old Reddit -------------------------------------------------------------------------


def _old_reddit(lines: list[str]) -> StatedThread | None:
    heads = [
        (i, m) for i, line in enumerate(lines) if len(line) <= _HEADER_MAX and (m := _OLD_HEADER_RE.fullmatch(line))
    ]
    if len(heads) < 2:
        return None
    opening = _old_opening(lines, heads[0][0])
    comments: list[StatedPost] = []
    replies: list[bool] = []
    unplaced = 0
    top = 0  # the latest comment that answers the post: a reply under a reply is in its tree
    for n, (i, m) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        end = next((k for k in range(i + 1, stop) if _OLD_BUTTONS_RE.fullmatch(lines[k].replace(" ", ""))), stop)
        buttons = "".join(lines[k] for k in range(end, stop) if _OLD_BUTTONS_RE.fullmatch(lines[k].replace(" ", "")))
        reply = "parent" in buttons.lower()
        words = _paragraphs([w for w in lines[i + 1 : end] if not _OLD_END_RE.fullmatch(w)])
        name = m["name"]
        gone = _author(name) is None and words in ("", "[deleted]", "[removed]")
        # A reply right under a comment that answers the post answers that comment: Reddit
        # lists a comment's replies right under it. Under another reply, it may answer that
        # reply or one above: its words say which.
        parent = len(comments) - 1 if reply and comments and not replies[-1] else None
        unplaced += reply and parent is None
        top = top if reply else len(comments)
        replies.append(reply)
        comments.append(
            StatedPost(
                author=_author(name),
                created=None,
                title="",
                text="" if gone else words,
                deleted=gone,
                age=m["age"],
                # The flair a subreddit lets its members set ("Socialrådgiver"): what they say they are.
                description=(m["flair"] or "").strip() or None,
                parent=parent,
                answers_opening=not reply,
                within=top if reply and parent is None and comments else None,
            )
        )
    remarks = (
        (
            f"{unplaced} repl(ies) under another reply: the copied text does not show which of the "
            "comments above in its tree each answers; read from their words, else the one right above",
        )
        if unplaced
        else ()
    )
    return StatedThread(
        opening, tuple(comments), OLD_REDDIT_SOURCE, "DiscussionForumPosting", remarks=remarks, copied=True
    )


def _old_opening(lines: list[str], first_comment: int) -> StatedPost:
    """Old Reddit's post: its title (less `(self.sub)`) over `submitted 5 hours ago by name`, then its words."""
    at = next((i for i in range(first_comment) if _OLD_SUBMITTED_RE.fullmatch(lines[i])), None)
    if at is None:
        return StatedPost(None, None, "", "")
    submitted = _OLD_SUBMITTED_RE.fullmatch(lines[at])
    assert submitted is not None
    name = submitted["name"]
    above = next((lines[i] for i in range(at - 1, -1, -1) if lines[i]), "")
    title = re.sub(r"\s*\((?:self\.\w+|[\w.-]+\.\w+)\)$", "", above)
    words = []
    for line in lines[at + 1 : first_comment]:
        if _OLD_END_RE.fullmatch(line) or _OLD_BUTTONS_RE.fullmatch(line.replace(" ", "")):
            break
        words.append(line)
    return StatedPost(_author(name), None, title, _paragraphs(words), age=submitted["age"])


# -- X ----------------------------------------------------------------------------------


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


def _x_stamp(line: str) -> re.Match[str] | None:
    """The full time X prints under the post asked for (`10:12 AM · Mar 14, 2024`)."""
    return _X_TIME_RE.fullmatch(line) if len(line) <= _HEADER_MAX else None


def _x_date(line: str, year: str | None) -> str | None:
    """A date X prints: `10:12 AM · Mar 14, 2024` under the post asked for, `Mar 14` or
    `14. mar.` (this year's: `year`, the opening post's) or `Mar 14, 2023` over a reply;
    None for an age (`3h`)."""
    if m := _x_stamp(line):
        day = read_date(m["date"])
        if day is None:
            return None
        hour, minute = (int(x) for x in re.split(r"[:.]", m["clock"]))
        if m["half"]:
            hour = hour % 12 + (12 if m["half"].upper() == "PM" else 0)
        return f"{day[0][:10]}T{hour:02d}:{minute:02d}:00"
    if (found := read_date(line)) is not None:
        return found[0]
    if year and (m := _ENGLISH_DAY_RE.fullmatch(line)) and (found := read_date(f"{line}, {year}")) is not None:
        return found[0]
    if year and len(line) <= _HEADER_MAX:
        return yearless_iso(line, f"{year}-01-01")  # `14. mar.`, as X prints it in Danish
    return None


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
        elif _x_stamp(line):
            printed = line
        elif _COUNT_RE.fullmatch(line) or _X_FURNITURE_RE.fullmatch(line):
            if words and _COUNT_RE.fullmatch(line):
                break
        else:
            in_reply_to = False
            words.append(line)
    shown = lines[i]
    post = StatedPost(
        author=handle,
        created=_x_date(printed, None),
        title="",
        text=_paragraphs(words),
        description=shown if shown != handle else None,
    )
    return post, answering, printed


def _quoted(lines: list[str], heads: list[int], end: int) -> set[int]:
    """The heads of posts quoted inside the post X shows in full (the one dated with its
    clock, `10:12 AM · Mar 14, 2024`): those between its head and its date that, as a
    quoted post does, print a short time under their handle."""
    stamp = next((k for k in range(heads[0] + 1, end) if _x_stamp(lines[k])), None)
    if stamp is None:
        return set()
    before = [h for h in heads if h < stamp]
    dated = {h for h in before if _nonblank(lines, h + 2) < len(lines) and lines[_nonblank(lines, h + 2)] == "·"}
    owner = next((h for h in reversed(before) if h not in dated), None)
    return {h for h in before if owner is not None and h > owner}


def _x(lines: list[str]) -> StatedThread | None:
    end = next((i for i, line in enumerate(lines) if _X_END_RE.fullmatch(line)), len(lines))
    heads = [i for i in _x_heads(lines) if i < end]
    # X's own marks: a `·` under a reply's handle, the full time under the post asked for
    # (a YouTube comment's `@handle` over its age is no post on X).
    dotted = sum(lines[k] == "·" for h in heads if (k := _nonblank(lines, h + 2)) < len(lines))
    if len(heads) < 2 or dotted + any(_x_stamp(line) for line in lines[:end]) < 2:
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
            printed = next((ln for ln in lines[i:after] if _x_stamp(ln)), "")
            post = replace(post, created=_x_date(printed, None))
        posts.append((post, answering, printed))
    if len(posts) < 2:
        return None
    (opening, _, _), replies = posts[0], posts[1:]
    # `Mar 14` is this year's: the year of the post X shows in full, dated with its clock.
    stamp = next((ln for ln in lines[:end] if _x_stamp(ln)), "")
    full = _x_date(stamp, None) or opening.created
    year = full[:4] if full else None
    opening = replace(opening, created=opening.created or _x_date(posts[0][2], year))
    out: list[StatedPost] = []
    latest: dict[str | None, int] = {}  # a handle -> the index of its latest reply so far
    for post, answering, printed in replies:
        created = post.created or _x_date(printed, year)
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


# -- Instagram --------------------------------------------------------------------------

# A username as Instagram allows them: letters, digits, `.` and `_`, no spaces.
_USERNAME_RE = re.compile(r"[A-Za-z0-9._]{1,30}")
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
    words = lines[k:age]
    if age >= len(lines) or not any(words) or len(words) > 200 or any(_ig_after(w) for w in words):
        return None
    k = age + 1
    while k < len(lines) and (not lines[k] or _ig_after(lines[k])):
        k += 1
    return name, words, k


def _ig_after(line: str) -> bool:
    """Whether `line` is a count or button Instagram prints under a comment's age."""
    return len(line) <= _HEADER_MAX and _IG_AFTER_RE.fullmatch(line) is not None


def _instagram(lines: list[str]) -> StatedThread | None:
    if sum(1 for line in lines if _IG_REPLY_RE.fullmatch(line)) < 2:
        return None
    next_age = [len(lines)] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        next_age[k] = k if len(lines[k]) <= 12 and _IG_AGE_RE.fullmatch(lines[k]) else next_age[k + 1]
    posts: list[tuple[str, list[str]]] = []
    replies = 0
    i = 0
    while i < len(lines):
        found = (
            _ig_post(lines, i, next_age)
            if _USERNAME_RE.fullmatch(lines[i]) and not _IG_BADGE_RE.fullmatch(lines[i])
            else None
        )
        if found is None:
            i += 1
            continue
        name, words, after = found
        replies += any(_IG_REPLY_RE.fullmatch(line) for line in lines[i:after])
        posts.append((name, words))
        i = after
    # Instagram's mark: comments with a reply button under their age (the caption has none).
    if len(posts) < 3 or replies < 2:
        return None
    (name, words), comments = posts[0], posts[1:]
    dated = next((d for line in reversed(lines) if len(line) <= _HEADER_MAX and (d := read_date(line))), None)
    opening = StatedPost(_author(name), dated[0] if dated else None, "", _paragraphs(words))
    return StatedThread(
        opening,
        tuple(StatedPost(_author(n), None, "", _paragraphs(w)) for n, w in comments),
        INSTAGRAM_SOURCE,
        "SocialMediaPosting",
        copied=True,
    )
