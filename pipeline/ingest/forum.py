"""A forum thread saved as a page (Flashback, vBulletin and the boards built like them):
numbered posts, each headed by its date and number ("2024-03-14, 09:12 #2"), then its
author's name and member details ("Medlem · Reg: Jan 2010 · Inlägg: 1 234"), then the
message. Post #1 opens the thread; the others answer it or, through their quotations
("Citat: Ursprungligen postat av Mia83"), one another, which reply inference reads.

Pure functions over a page's lines, like `comments`: no file access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.schema import Note
from pipeline.ingest.comments import button_row, plausible_name, trailing_date
from pipeline.ingest.pages import Furniture, RawComment, furniture_line, load_furniture, preview

# The post's number, perhaps labelled ("Inlägg #3"), with its date before or after it.
POST_NUMBER_RE = re.compile(
    r"(?P<before>.*?)\s*(?:(?i:inlägg|indlæg|innlegg|post)\s*)?#(?P<number>\d{1,6})\s*(?P<after>.*)"
)
# A row of links in a site's footer ("Flashback Forum · Om Flashback · Regler · Kontakt"):
# after the last post, where nothing else marks the end of the thread.
LINK_ROW_RE = re.compile(r"(?:[^.!?·|•\n]{1,30}[·|•]\s*){2,}[^.!?·|•\n]{1,30}")


@dataclass(frozen=True)
class PostHeader:
    number: int
    date: str | None  # ISO 8601; None where the page prints it relative to when it was saved
    date_raw: str


def post_header(line: str, furn: Furniture) -> PostHeader | None:
    """The number and date of the line that heads a forum post, None for other lines. The
    date is required: a "#1" alone is as likely a ranking in an article."""
    if "#" not in line:
        return None
    m = POST_NUMBER_RE.fullmatch(line.strip())
    if m is None:
        return None
    parts = [part.strip(" ,·|•–—-") for part in (m["before"], m["after"])]
    dates = [part for part in parts if part]
    if len(dates) != 1:
        return None
    tail = trailing_date(dates[0], furn)
    if tail is None or tail[0] != 0:
        return None
    return PostHeader(int(m["number"]), tail[1], dates[0])


def find_forum_posts(lines: list[str]) -> list[int]:
    """Indices of the lines that head a forum thread's posts, in page order; empty where
    the page is no forum thread: fewer than two such lines, or numbers that do not rise
    down the page as a forum numbers its posts."""
    furn = load_furniture()
    found = [(i, h) for i, line in enumerate(lines) if (h := post_header(line, furn)) is not None]
    numbers = [h.number for _, h in found]
    if len(found) < 2 or any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)):
        return []
    return [i for i, _ in found]


def parse_forum_posts(
    lines: list[str], headers: list[int], source: str, first_line: int = 1
) -> tuple[list[tuple[int, RawComment]], list[Note]]:
    """The posts headed at `headers` (`find_forum_posts`), as (number, post) in page order.
    Member details and button rows ("Citera", "Svara") are dropped with a count; the last
    post ends at a furniture line or a footer's row of links."""
    furn = load_furniture()
    posts: list[tuple[int, RawComment]] = []
    notes: list[Note] = []
    members = buttons = 0
    for k, at in enumerate(headers):
        header = post_header(lines[at], furn)
        assert header is not None  # `headers` are such lines
        stop = headers[k + 1] if k + 1 < len(headers) else len(lines)
        i = next((j for j in range(at + 1, stop) if lines[j].strip()), stop)
        author = None
        if i < stop and plausible_name(lines[i].strip(), furn):
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
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip()
        where = first_line + at
        if author is None:
            notes.append(
                Note(where=f"{source}:{where}", kind="missing", message=f"forum post #{header.number}: no name")
            )
        if header.date is None:
            notes.append(
                Note(
                    where=f"{source}:{where}",
                    kind="missing",
                    message=f"post date {header.date_raw!r} is relative to when the page was saved: left empty",
                )
            )
        posts.append((header.number, RawComment(where, header.date, header.date_raw, author, None, "", text)))
    if members:
        notes.append(
            Note(where=source, kind="removed", message=f"{members} line(s) of forum member details (status, posts)")
        )
    if buttons:
        notes.append(Note(where=source, kind="removed", message=f"{buttons} row(s) of post buttons (quote, reply)"))
    return posts, notes
