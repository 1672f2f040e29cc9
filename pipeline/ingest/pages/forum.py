"""A forum thread saved as a page, in the two layouts boards print:

- numbered (Flashback, vBulletin and the boards built like them): each post headed by its
  date and number ("2024-03-14, 09:12 #2"), then its author's name and member details
  ("Medlem · Reg: Jan 2010 · Inlägg: 1 234"), then the message;
- phpBB: each post's member profile (name, "Indlæg: 128", "Tilmeldt: ...") and title
  ("Re: ...") above a line that names its author and date ("Indlæg af Mogens » 14. mar
  2024, 21:02"), then the message;
- XenForo: the poster's name and details ("Aktivt medlem", "Tilmeldt: 3 Jan 2019"), the
  date, the number alone on the next line ("#2"), then the message;
- unnumbered (Familjeliv, and small boards copied as text): the poster's name over the
  post's date, the message, then the post's buttons ("Citera", "Svara"), from the top
  of the page (nothing but its title and labels above the first post: under an
  article's text, such posts are its comment list).

The first post opens the thread; the others answer it or, through their quotations
("Citat: Ursprungligen postat av Mia83", "Mogens skrev:"), one another, which reply
inference reads. Pure functions over a page's lines, like `comments`: no file access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.schema import Note
from pipeline.ingest.dates import yearless_date
from pipeline.ingest.pages.article import Furniture, RawComment, furniture_line, load_furniture, preview
from pipeline.ingest.pages.comments import HEADERLESS_AFTER_CHARS, button_row, plausible_name, trailing_date

# The post's number, perhaps labelled ("Inlägg #3"), with its date before or after it.
POST_NUMBER_RE = re.compile(
    r"(?P<before>.*?)\s*(?:(?i:inlägg|indlæg|innlegg|post)\s*)?#(?P<number>\d{1,6})\s*(?P<after>.*)"
)
# vBulletin sets a member's signature under the message, below a rule of underscores: the
# same lines under every post they write, often who they are ("Socialrådgiver i Odense
# Kommune"). It is their self-description, not what the post says.
SIGNATURE_RULE_RE = re.compile(r"_{5,}")
SIGNATURE_CHARS = 200
# XenForo's number on a line of its own, under the post's date.
NUMBER_ALONE_RE = re.compile(r"#(\d{1,6})")
# phpBB's line under a post's title: "Indlæg af Mogens » 14. mar 2024, 21:02", "av Kalle »
# tor 14 mar 2024 09:12", "Post by Anna » ...".
AUTHOR_LINE_RE = re.compile(
    r"(?:(?i:indlæg|inlägg|innlegg|post)\s+)?(?i:af|av|by)\s+(?P<name>[^»]{1,50}?)\s*»\s*(?P<date>.{4,60})"
)
# A weekday before phpBB's date ("tor 14. mar 2024 21:02").
_WEEKDAY_RE = re.compile(r"\w{2,8}\.?,?\s+(?=\d)")
# A reply's title on a board that titles every post ("Re: Hvorfor ...", "SV: ...").
_REPLY_PREFIX = r"(?:re|sv|vs|aw)\s*:\s*"
REPLY_TITLE_RE = re.compile(rf"(?i){_REPLY_PREFIX}\S.*")
REPLY_PREFIX_RE = re.compile(rf"(?i)^{_REPLY_PREFIX}")
# A row of links in a site's footer ("Flashback Forum · Om Flashback · Regler · Kontakt"):
# after the last post, where nothing else marks the end of the thread.
LINK_ROW_RE = re.compile(r"(?:[^.!?·|•\n]{1,30}[·|•]\s*){2,}[^.!?·|•\n]{1,30}")


@dataclass(frozen=True)
class PostHeader:
    number: int | None  # the forum's number for the post; None on boards that print none
    date: str | None  # ISO 8601; None where the page prints it relative to when it was saved
    date_raw: str
    author: str | None = None  # where the header names it (phpBB)
    # Lines above the number's line where the date stands (XenForo prints the date, then
    # the number on a line of its own); 0 where they share a line.
    above: int = 0
    # Lines below the name's line where the date stands (an unnumbered board prints the
    # name over the date); 0 where they share a line.
    below: int = 0


@dataclass
class ForumPosts:
    posts: list[RawComment]
    opening: RawComment | None  # post #1, where the page shows it
    first_number: int | None  # the first post's number, where the board numbers them
    last_number: int | None  # the last post's
    start: int  # index of the first post's first line (its profile, on phpBB and XenForo)
    notes: list[Note]
    numbers: list[int | None]  # each of `posts`' number, where the board numbers them


def _full_date(text: str, furn: Furniture) -> tuple[int, str | None, str] | None:
    """`trailing_date`'s reading where the whole text is the date."""
    tail = trailing_date(text, furn)
    return tail if tail is not None and tail[0] == 0 else None


def post_header(line: str, furn: Furniture) -> PostHeader | None:
    """The number, date (and author, where printed) of a line that heads a forum post; None
    for other lines. The date is required: a "#1" alone is as likely an article's ranking."""
    line = line.strip()
    if "»" in line and (m := AUTHOR_LINE_RE.fullmatch(line)):
        raw = m["date"].strip()
        found = _full_date(raw, furn) or _full_date(_WEEKDAY_RE.sub("", raw, count=1), furn)
        if found is None or not plausible_name(m["name"], furn):
            return None
        return PostHeader(None, found[1], raw, m["name"].strip())
    if "#" not in line or (m := POST_NUMBER_RE.fullmatch(line)) is None:
        return None
    dates = [part for part in (p.strip(" ,·|•–—-") for p in (m["before"], m["after"])) if part]
    found = _full_date(dates[0], furn) if len(dates) == 1 else None
    return PostHeader(int(m["number"]), found[1], dates[0]) if found else None


def _header_at(lines: list[str], i: int, furn: Furniture) -> PostHeader | None:
    """`post_header` of line `i`, or, where it is the post's number alone ("#2"), the
    number with the date on the line above (blank lines between)."""
    head = post_header(lines[i], furn)
    alone = NUMBER_ALONE_RE.fullmatch(lines[i].strip()) if head is None else None
    if alone is None:
        return head or _name_over_date(lines, i, furn)
    j = next((j for j in range(i - 1, max(-1, i - 4), -1) if lines[j].strip()), None)
    found = _full_date(lines[j].strip(), furn) if j is not None else None
    if found is None:
        return None
    return PostHeader(int(alone[1]), found[1], lines[j].strip(), None, i - j)


def find_forum_posts(lines: list[str]) -> list[int]:
    """Indices of the lines that head a forum thread's posts, in page order; empty where
    the page is no forum thread: fewer than two such lines in one layout, or numbers that
    do not rise down the page as a forum numbers its posts."""
    furn = load_furniture()
    # Every header holds a "#" or a "»": other lines are not parsed.
    marked = (i for i, line in enumerate(lines) if "#" in line or "»" in line)
    found = [(i, h) for i in marked if (h := _header_at(lines, i, furn)) is not None]
    numbered = [(i, h.number) for i, h in found if h.number is not None]
    if len(numbered) >= 2:
        numbers = [n for _, n in numbered]
        return [] if any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)) else [i for i, _ in numbered]
    named = [i for i, h in found if h.author is not None]
    return named if len(named) >= 2 else _unnumbered_posts(lines, furn)


# An unnumbered board's posts are told from an article's bylines and a comment list by
# their buttons under each post's text, by their dates rising down the page, and by no
# paragraph of an article above the first.
UNNUMBERED_MIN_POSTS = 2
UNNUMBERED_GAP = 40
_PARAGRAPH_RE = re.compile(r"\S+(?:\s+\S+){5,}[.!][\"”»)]?")
_SIGNED_IN_PARENTHESES_RE = re.compile(r"[^()]+?\s*\((?P<description>[^()]{2,60})\)")


def _name_over_date(lines: list[str], i: int, furn: Furniture) -> PostHeader | None:
    """An unnumbered board's post header at line `i`: a name alone over a line that is the
    post's date alone (blank lines between)."""
    name = lines[i].strip()
    if not name or len(name) > 50 or not plausible_name(name, furn):
        return None
    j = next((j for j in range(i + 1, min(len(lines), i + 3)) if lines[j].strip()), None)
    found = _full_date(lines[j].strip(), furn) if j is not None else None
    if found is None:
        return None
    return PostHeader(None, found[1], lines[j].strip(), name, below=j - i)


def _unnumbered_posts(lines: list[str], furn: Furniture) -> list[int]:
    headers: list[int] = []
    dates: list[str] = []
    for i in range(len(lines)):
        line = lines[i].strip()
        if not headers and (len(line) >= HEADERLESS_AFTER_CHARS or _PARAGRAPH_RE.fullmatch(line)):
            # An article's text above (a long line, or a sentence of six words or more: a
            # thread's title ends with no full stop): its comments are a comment list's.
            return []
        if (head := _name_over_date(lines, i, furn)) is None:
            continue
        if headers and (i - headers[-1] > UNNUMBERED_GAP or not _buttons_in(lines[headers[-1] + 1 : i], furn)):
            break
        headers.append(i)
        dates += [head.date] if head.date else []
    if len(headers) < UNNUMBERED_MIN_POSTS or not _buttons_in(lines[headers[-1] + 1 :], furn):
        return []
    return [] if any(b < a for a, b in zip(dates, dates[1:], strict=False)) else headers


def _buttons_in(lines: list[str], furn: Furniture) -> bool:
    return any(button_row(line.strip(), furn) is not None for line in lines)


def parse_forum_posts(lines: list[str], headers: list[int], source: str, first_line: int = 1) -> ForumPosts:
    """The posts headed at `headers` (`find_forum_posts`), in page order, post #1 apart.
    Member details, titles and button rows ("Citera", "Svara") are dropped with a count;
    the last post ends at a furniture line or a footer's row of links."""
    furn = load_furniture()
    heads = [_header_at(lines, at, furn) for at in headers]
    # Where each post's lines start: phpBB prints a post's profile and title above its
    # author line, XenForo its poster's name and details above its date, so they are cut
    # off the end of the post before.
    leads = [
        _lead_start(lines, at, head, furn)
        if head and head.author
        else _profile_start(lines, at - head.above, furn)
        if head and head.above
        else at
        for at, head in zip(headers, heads, strict=True)
    ]
    posts: list[RawComment] = []
    notes: list[Note] = []
    members = buttons = signatures = 0
    reply_titled: list[bool] = []
    for k, (at, head) in enumerate(zip(headers, heads, strict=True)):
        assert head is not None  # `headers` are such lines
        stop = leads[k + 1] if k + 1 < len(headers) else len(lines)
        lead = [ln.strip() for ln in lines[leads[k] : at] if ln.strip()]
        members += sum(bool(furn.forum_member.fullmatch(ln)) for ln in lead)
        reply_titled.append(any(REPLY_TITLE_RE.fullmatch(ln) for ln in lead))
        author = head.author
        if head.above and leads[k] < at - head.above:
            author = lines[leads[k]].strip()  # the name `_profile_start` found
        # A post's own title: the line of its lead that is no name, details, date, button
        # or "Re:".
        title = next(
            (
                ln
                for ln in lead
                if ln != author
                and not furn.forum_member.fullmatch(ln)
                and not REPLY_TITLE_RE.fullmatch(ln)
                and button_row(ln, furn) is None
                and _full_date(ln, furn) is None
            ),
            "",
        )
        i = next((j for j in range(at + head.below + 1, stop) if lines[j].strip()), stop)
        if author is None and i < stop and plausible_name(lines[i].strip(), furn):
            author = lines[i].strip()
            i += 1
        while i < stop and (not lines[i].strip() or furn.forum_member.fullmatch(lines[i].strip())):
            members += bool(lines[i].strip())
            i += 1
        body: list[str] = []
        for j in range(i, stop):
            line = lines[j].strip()
            if line and button_row(line, furn) is not None:
                buttons += 1
                continue
            if k == len(headers) - 1 and line and (furniture_line(line, furn) or LINK_ROW_RE.fullmatch(line)):
                notes.append(
                    Note(
                        where=f"{source}:{first_line + j}",
                        kind="removed",
                        message=f"end of the forum thread at: {preview(line)}",
                    )
                )
                break
            body.append(line)
        where = first_line + at
        label = f"#{head.number}" if head.number is not None else f"{k + 1} on the page"
        if author is None:
            notes.append(Note(where=f"{source}:{where}", kind="missing", message=f"forum post {label}: no name"))
        if head.date is None:
            notes.append(
                Note(
                    where=f"{source}:{where}",
                    kind="missing",
                    message=f"post date {head.date_raw!r} is printed without its year: left empty"
                    if yearless_date(head.date_raw)
                    else f"post date {head.date_raw!r} is relative to when the page was saved: left empty",
                )
            )
        cut = next((n for n, line in enumerate(body) if SIGNATURE_RULE_RE.fullmatch(line)), None)
        signature = " ".join(ln for ln in body[cut + 1 :] if ln)[:SIGNATURE_CHARS] if cut is not None else ""
        if cut is not None:
            body, signatures = body[:cut], signatures + 1
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip()
        # Familjeliv's anonymous posters sign in parentheses ("Anonym (Socialsekreterare)"), a
        # name the thread's quotations use whole and a self-description as well.
        chosen = _SIGNED_IN_PARENTHESES_RE.fullmatch(author or "") if head.below else None
        described = "; ".join(d for d in (chosen["description"] if chosen else "", signature) if d)
        posts.append(RawComment(where, head.date, head.date_raw, author, described or None, title, text))
    if members:
        notes.append(
            Note(where=source, kind="removed", message=f"{members} line(s) of forum member details (status, posts)")
        )
    if buttons:
        notes.append(Note(where=source, kind="removed", message=f"{buttons} row(s) of post buttons (quote, reply)"))
    if signatures:
        notes.append(
            Note(
                where=source,
                kind="metadata",
                message=f"{signatures} forum signature(s) under a rule of underscores taken out of the posts' "
                "text, as their authors' self-descriptions",
            )
        )
    first = heads[0]
    assert first is not None
    # Post #1 by its number; on a board that numbers nothing, the first post where it is
    # titled and not as a reply ("Re: ..."), as every post on a thread's later pages is.
    # An unnumbered board's first post opens the thread: nothing of an article stands above it.
    opens = (
        first.number == 1
        if first.number is not None
        else first.below > 0 or (bool(posts[0].title) and not reply_titled[0])
    )
    last = heads[-1]
    assert last is not None
    numbers = [h.number if h else None for h in heads]
    return ForumPosts(
        posts[1:] if opens else posts,
        posts[0] if opens else None,
        first.number,
        last.number,
        leads[0],
        notes,
        numbers[1:] if opens else numbers,
    )


def _profile_start(lines: list[str], date_at: int, furn: Furniture) -> int:
    """The line of the poster's name above a post's date line (XenForo shows the poster's
    name and details first): member details and blank lines are passed over to it. The
    date's line where no name stands there."""
    j = date_at - 1
    while j >= 0 and (not lines[j].strip() or furn.forum_member.fullmatch(lines[j].strip())):
        j -= 1
    return j if j >= 0 and plausible_name(lines[j].strip(), furn) else date_at


def _lead_start(lines: list[str], at: int, head: PostHeader, furn: Furniture) -> int:
    """The first line of what a phpBB page prints above a post's author line: its author's
    name and member details, its title, its buttons (blank lines between)."""
    start = at
    pending = None  # a line none of those, kept only if the author's name or details are above it
    for j in range(at - 1, -1, -1):
        line = lines[j].strip()
        if not line or REPLY_TITLE_RE.fullmatch(line) or button_row(line, furn) is not None:
            start = j if pending is None else start
            continue
        if line == head.author or furn.forum_member.fullmatch(line):
            start, pending = j, None
            continue
        if pending is not None:
            break
        # The opening post's title is the thread's, no "Re:" marks it: one such line is
        # part of the post where its author's profile stands above it.
        pending = j
    return start
