"""A Reddit thread copied from the browser as text (`copied`): new Reddit prints each
comment's author, a `•` and its age on lines of their own (`Hyggelig_Bruger` / `•` /
`4h ago`), then its words, then a row of buttons (`Upvote`, its score, `Downvote`,
`Reply`, `Share`), and shows no nesting (it is drawn with lines): those comments are read
from their words, as a flat list is. Old Reddit heads each comment `[–]name 42 points 4
hours ago` and ends it `permalink embed save parent report reply`: it prints `parent`
among a reply's buttons, never a top comment's, so a comment without it answers the post,
and a reply right under a top comment answers that comment (Reddit lists a comment's
replies right under it). Written by hand: no library reads a platform's copied text."""

from __future__ import annotations

import re

from pipeline.ingest.dates import relative_age
from pipeline.ingest.pages.copied.lines import HEADER_MAX, author_of, hidden_replies, nonblank, paragraphs
from pipeline.ingest.pages.stated import StatedPost, StatedThread

REDDIT_SOURCE = "Reddit thread copied as text"
OLD_REDDIT_SOURCE = "thread on old Reddit copied as text"

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
# Old Reddit's links to comments and replies the page does not show.
_OLD_MORE = r"(?:load|show) more comments.*|continue this thread.*"
_OLD_MORE_RE = re.compile(rf"(?i){_OLD_MORE}")
_OLD_END_RE = re.compile(
    r"(?i)\d+ comments?|(?:all|top) \d+ comments?|sorted by:.*|share|save|hide|report|crosspost|"
    rf"\d+ points? \(\d+% upvoted\)|{_OLD_MORE}"
)


def _reddit_header(lines: list[str], i: int) -> tuple[str, int] | None:
    """The name a Reddit comment header at line `i` shows and the index of the line after
    it: `name` / `•` / `4h ago` on lines of their own, or on one line."""
    if m := _REDDIT_HEADER_RE.fullmatch(lines[i]):
        return (m["name"], i + 1) if not m["name"].startswith("r/") else None
    if not re.fullmatch(_NAME, lines[i]) or _REDDIT_BUTTON_RE.fullmatch(lines[i]):
        return None
    j = nonblank(lines, i + 1)
    if j < len(lines) and lines[j] in ("•", "·"):
        k = nonblank(lines, j + 1)
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


def new_reddit_thread(lines: list[str]) -> StatedThread | None:
    headers = [(i, h) for i in range(len(lines)) if (h := _reddit_header(lines, i)) is not None]
    marked = any(_SUBREDDIT_RE.fullmatch(line) or line in _VOTES for line in lines)
    if len(headers) < 2 or not marked:
        return None
    opening = _reddit_opening(lines, headers[0][0])
    comments: list[StatedPost] = []
    for n, (i, (name, after)) in enumerate(headers):
        stop = headers[n + 1][0] if n + 1 < len(headers) else len(lines)
        words = _reddit_words(lines, after, stop)
        text = paragraphs(words)
        gone = bool(_REDDIT_DELETED_RE.fullmatch(text)) or author_of(name) is None
        comments.append(
            StatedPost(
                author=author_of(name),
                created=None,
                title="",
                text="" if gone else text,
                deleted=gone,
                age=(age := next((m[0] for k in range(i, after) if (m := _AGE_RE.search(lines[k]))), "")),
                line=i,
                follows=bool(comments)
                and not _older(age, comments[-1].age)
                and not _more_between(lines, headers[n - 1][0], i),
            )
        )
    hidden = _hidden_replies(lines[headers[0][0] :])
    return StatedThread(opening, tuple(comments), REDDIT_SOURCE, "DiscussionForumPosting", remarks=hidden, copied=True)


# Where Reddit hides a comment's further replies ("2 more replies", "Continue this thread"):
# the comment listed next is past that comment's replies, so answers none of those above it
# down to there.
_MORE_RE = re.compile(
    r"(?i)More replies|\d+ more repl(?:y|ies)|Continue this thread|Flere svar|\d+ svar mere|"
    r"Fortsæt denne tråd|Fler svar|\d+ svar till|Fortsätt tråden"
)


def _hidden_replies(lines: list[str]) -> tuple[str, ...]:
    """A remark on the places where the copy shows replies it does not hold, if any."""
    return hidden_replies([line for line in lines if _MORE_RE.fullmatch(line) or _OLD_MORE_RE.fullmatch(line)])


def _more_between(lines: list[str], previous: int, here: int) -> bool:
    """Whether Reddit's link to hidden replies stands between the header at `previous` and
    the one at `here`."""
    return any(_MORE_RE.fullmatch(line) for line in lines[previous:here])


def _older(age: str, than: str) -> bool:
    """Whether a comment of printed age `age` is older than one of age `than` (`4h ago`
    against `2h ago`): then it cannot answer that one. False where either age is unread."""
    mine, theirs = relative_age(age), relative_age(than)
    return mine is not None and theirs is not None and mine > theirs


def _reddit_opening(lines: list[str], first_comment: int) -> StatedPost:
    """The post above the comments: `r/sub` / `•` / its age / its author, then its title
    and words (a flair, a short line right under the title, left out)."""
    for i in range(first_comment):
        if not _SUBREDDIT_RE.fullmatch(lines[i]):
            continue
        j = nonblank(lines, i + 1)
        if j < first_comment and lines[j] in ("•", "·"):
            j = nonblank(lines, j + 1)
        if not (j < first_comment and _AGE_RE.fullmatch(lines[j])):
            continue
        k = nonblank(lines, j + 1)
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
        return StatedPost(author_of(lines[k]), None, title, paragraphs(rest), shared=shared, age=lines[j])
    return StatedPost(None, None, "", "")


def old_reddit_thread(lines: list[str]) -> StatedThread | None:
    heads = [
        (i, m) for i, line in enumerate(lines) if len(line) <= HEADER_MAX and (m := _OLD_HEADER_RE.fullmatch(line))
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
        words = paragraphs([w for w in lines[i + 1 : end] if not _OLD_END_RE.fullmatch(w)])
        name = m["name"]
        gone = author_of(name) is None and words in ("", "[deleted]", "[removed]")
        # A reply right under a comment that answers the post answers that comment: Reddit
        # lists a comment's replies right under it. Under another reply, it may answer that
        # reply or one above: its words say which.
        parent = len(comments) - 1 if reply and comments and not replies[-1] else None
        unplaced += reply and parent is None
        top = top if reply else len(comments)
        replies.append(reply)
        comments.append(
            StatedPost(
                author=author_of(name),
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
                line=i,
            )
        )
    remarks = (
        (
            f"{unplaced} repl(ies) under another reply: the copied text does not show which of the "
            "comments above in its tree each answers; read from their words, else the one right above",
        )
        if unplaced
        else ()
    ) + _hidden_replies(lines[heads[0][0] :])
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
    return StatedPost(author_of(name), None, title, paragraphs(words), age=submitted["age"])
