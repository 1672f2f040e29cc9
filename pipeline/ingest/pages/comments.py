"""A page's comment list, in either layout sites print it: bullet items ("• 16.09.13 Name,
description", then an indented headline and body), or comments that each open with a name
and a date and may close with buttons ("Svara", "Gilla"; patterns in `furniture.toml`
[comments]); and the sign-off that closes a comment.

Pure functions over a page's lines: no file access. Article parsing is in `pages`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import islice

from pipeline.core.schema import Note
from pipeline.ingest.dates import (
    NUMBER_FORMS,
    SLASH_RE,
    find_named_date,
    parse_numeric_date,
    read_date,
    starts_english_date,
    weekday_before,
    yearless_date,
)
from pipeline.ingest.pages.article import NAME_WORD, Furniture, RawComment, furniture_line, load_furniture, preview

COMMENT_ITEM_RE = re.compile(r"\s*•\s+(?P<date>\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2}))\s+(?P<who>\S.*?)\s*")
CLOSING_FORMULA_RE = re.compile(
    r"(?i)\b(mvh\.?|med venlig hilsen|venlig hilsen|venlige hilsner|bedste hilsner|"
    r"mange hilsner|kærlig hilsen|hilsen|med vänlig hälsning|vänliga hälsningar|"
    r"hälsningar|med vennlig hilsen|vennlig hilsen)(?=[\s,.:]|$)"
)
# A word every closing formula above holds: a text without any has none.
FORMULA_WORDS = ("mvh", "hilsen", "hilsner", "hälsning")
URL_RE = re.compile(r"https?://\S+|www\.\S+")
# Drupal prints a guest's name with "(not verified)" after it, translated: the name is what
# the guest typed, the mark no part of it.
UNVERIFIED_RE = re.compile(
    r"(?i)\s*\((?:not verified|ikke verificeret|ikke bekræftet|ej verifierad|inte verifierad|ikke verifisert)\)"
)


def find_comments_header(lines: list[str], furn: Furniture | None = None) -> int | None:
    """Index of the line that opens the comment list, or None if the page has none: a
    header line followed by a bullet item, or by a comment that opens with a name and a
    date (blank lines and a few lines of prompts between them allowed). `furn`: the
    furniture with the page's slash order, if any."""
    furn = furn or load_furniture()
    for i, line in enumerate(lines):
        if not furn.comments_header.fullmatch(line.strip()):
            continue
        if any(COMMENT_ITEM_RE.fullmatch(nxt) for nxt in lines[i + 1 : i + 3]):
            return i
        after = islice((j for j in range(i + 1, len(lines)) if lines[j].strip()), 6)
        if any(
            _named_start(lines, j, furn) or _date_over_name(lines, j, furn) or _dateless_start(lines, j, furn)
            for j in after
        ):
            return i
    return None


# A comment list printed with no line over it (the widget's heading not saved, or a page
# copied from its first comment on) opens after the article's text, one paragraph of it
# at least this long (or sentences of HEADERLESS_AFTER_PROSE characters in all, as a
# tabloid's one-sentence paragraphs are), and holds at least HEADERLESS_MIN_COMMENTS
# comments that each open with a name and a date, the next within HEADERLESS_GAP lines of
# the one before.
HEADERLESS_AFTER_CHARS = 150
HEADERLESS_AFTER_PROSE = 200
HEADERLESS_MIN_COMMENTS = 2
HEADERLESS_GAP = 40


def find_headerless_comments(lines: list[str], furn: Furniture | None = None) -> int | None:
    """Index of the blank line over a comment list that no header line opens, or None: the
    first of at least two comments that open with a name and a date, under the article's
    text with no furniture between ("Læs også": teasers of other articles print an author
    and a date too), each with a sentence of text under its header; or, on a site that
    prints no dates, of at least two that are each a name over a sentence over buttons."""
    furn = furn or load_furniture()
    seen_text = False
    prose = 0  # characters of sentences since the last heading
    for i in range(1, len(lines)):
        above = lines[i - 1].strip()
        if len(above) >= HEADERLESS_AFTER_CHARS:
            seen_text = True
        elif above and (furniture_line(above, furn) or not _SENTENCE_END_RE.search(above)):
            # A heading between the text and the list ("Mere om emnet", "Seneste nyt") heads
            # something else: teasers, which print an author and a date too.
            seen_text = False
            prose = 0
        elif above and len(above.split()) >= 6:
            prose += len(above)
            seen_text = seen_text or prose >= HEADERLESS_AFTER_PROSE
        if seen_text and not above:
            start = _dated_start(lines, i, furn)
            if (start and _starts_a_list(lines, i, start, furn)) or (start is None and _dateless_list(lines, i, furn)):
                return i - 1
    return None


def _dateless_list(lines: list[str], i: int, furn: Furniture) -> bool:
    """Whether HEADERLESS_MIN_COMMENTS comments open at `lines[i]`, one right after the
    other, each a name alone over a sentence of text over its buttons (`_dateless_start`:
    a site that prints no dates; the buttons are what tells them from paragraphs)."""
    for _ in range(HEADERLESS_MIN_COMMENTS):
        if i >= len(lines) or not _dateless_start(lines, i, furn):
            return False
        j, said = i + 1, False
        while j < min(len(lines), i + HEADERLESS_GAP) and button_row(lines[j].strip(), furn) is None:
            said = said or _says_something(lines[j].strip())
            j += 1
        if not said:
            return False
        if j >= min(len(lines), i + HEADERLESS_GAP):
            return False  # ended by a date, not buttons: the dated search's to find
        while j < len(lines) and (not lines[j].strip() or button_row(lines[j].strip(), furn) is not None):
            j += 1
        i = j
    return True


_SENTENCE_END_RE = re.compile(r"[.!?…\"»”)]$")


def _says_something(line: str) -> bool:
    """A comment's text, not a teaser's headline: a sentence's end, or a dozen words."""
    return bool(_SENTENCE_END_RE.search(line)) or len(line.split()) >= 12


def _dated_start(lines: list[str], i: int, furn: Furniture) -> _Start | None:
    start = _named_start(lines, i, furn) or _date_over_name(lines, i, furn)
    return start if start is not None and start.date_raw else None


def _starts_a_list(lines: list[str], i: int, start: _Start, furn: Furniture) -> bool:
    """Whether the comment `start` opening at `lines[i]` is followed by text and, within
    HEADERLESS_GAP lines, by the next, HEADERLESS_MIN_COMMENTS in all."""
    found = 1
    while True:
        has_text, nxt = _text_then_next(lines, i, start, furn)
        if not has_text:
            return False
        if found >= HEADERLESS_MIN_COMMENTS:
            return True
        if nxt is None:
            return False
        (i, start), found = nxt, found + 1


def _text_then_next(lines: list[str], i: int, start: _Start, furn: Furniture) -> tuple[bool, tuple[int, _Start] | None]:
    """Whether the comment `start` at `lines[i]` has a sentence of text, and where the next
    dated comment within HEADERLESS_GAP lines opens (with its start), if one does."""
    after = i + start.lines
    has_text = _says_something(start.rest)
    for j in range(after, min(len(lines), after + HEADERLESS_GAP)):
        line = lines[j].strip()
        if not line:
            continue
        if (nxt := _dated_start(lines, j, furn)) is not None:
            return has_text, (j, nxt)
        has_text = has_text or (button_row(line, furn) is None and _says_something(line))
    return has_text, None


def parse_comments(
    lines: list[str], first_line: int, source: str, furn: Furniture | None = None
) -> tuple[list[RawComment], list[Note]]:
    """Parse the comment list that starts at `lines[0]`, in either layout
    (`find_comments_header`), in page order."""
    lines = _unquoted_list(lines)
    first = next((ln for ln in lines if ln.strip()), "")
    if COMMENT_ITEM_RE.fullmatch(first):
        return _parse_bullet_comments(lines, first_line, source)
    furn = furn or load_furniture()
    signed = _signed_after(lines, furn)
    if signed is None:
        return _parse_named_comments(lines, first_line, source, furn)
    moved, origin = signed
    comments, notes = _parse_named_comments(moved, first_line, source, furn)

    def on_page(line: int) -> int:
        return first_line + origin[line - first_line] if 0 <= line - first_line < len(origin) else line

    comments = [replace(c, line=on_page(c.line)) for c in comments]
    notes = [
        n.model_copy(update={"where": _LINE_AT_END_RE.sub(lambda m: f":{on_page(int(m[1]))}", n.where)}) for n in notes
    ]
    notes.append(
        Note(
            where=f"{source}:{first_line}",
            kind="metadata",
            message="comments signed under their text ('– Jens Hansen, 14. marts 2024'): each read with the "
            "text above its signature",
        )
    )
    return comments, notes


_QUOTE_MARK_RE = re.compile(r"^\s*>\s?")


def _unquoted_list(lines: list[str]) -> list[str]:
    """The comment list without the quotation marks of a list quoted whole, as notes quote
    the comments they keep ("> Ole Hansen skrev 14. marts 2024:" / "> Enig."): its lines
    up to the last quoted one all quoted, none after. Else `lines` as they are (a comment
    that quotes another keeps its quotation)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    quoted = [i for i in filled if _QUOTE_MARK_RE.match(lines[i])]
    if not quoted or quoted[0] != filled[0] or len(quoted) != filled.index(quoted[-1]) + 1:
        return lines
    return [_QUOTE_MARK_RE.sub("", line, count=1) if i <= quoted[-1] else line for i, line in enumerate(lines)]


# A signature's mark before a name, as letters and comments signed under their text print it.
_SIGN_MARK_RE = re.compile(r"^(?:[–—-]\s+|/\s*)(?=\w)")
_LINE_AT_END_RE = re.compile(r":(\d+)$")


def _signed_after(lines: list[str], furn: Furniture) -> tuple[list[str], list[int]] | None:
    """A list of comments each signed under its text ("text" / "– Jens Hansen, 14. marts
    2024"), as letters pages print them: its lines with each signature moved above the
    text it closes (without its mark), and for each the index it had; None for any other
    list. Two signatures at least, every comment header one, and text above the first."""
    signatures = [
        i
        for i, line in enumerate(lines)
        if _SIGN_MARK_RE.match(line.strip()) and _named_start([_SIGN_MARK_RE.sub("", line.strip())], 0, furn)
    ]
    if len(signatures) < 2 or not any(line.strip() for line in lines[: signatures[0]]):
        return None
    if any(_named_start(lines, i, furn) for i in range(len(lines)) if i not in signatures):
        return None
    order: list[int] = []
    # What stands above the first comment's text and is the list's furniture (its sort
    # control) stays above it, read as before the first comment.
    above = 0
    while above < signatures[0] and (not lines[above].strip() or furniture_line(lines[above].strip(), furn)):
        above += 1
    order.extend(range(above))
    for sig in signatures:
        order.append(sig)
        order.extend(range(above, sig))
        above = sig + 1
    order.extend(range(above, len(lines)))
    moved = [_SIGN_MARK_RE.sub("", lines[i].strip()) if i in signatures else lines[i] for i in order]
    return moved, order


def _parse_bullet_comments(lines: list[str], first_line: int, source: str) -> tuple[list[RawComment], list[Note]]:
    """The bullet list of DenOffentlige's pages.

    The list ends at the first non-blank line that is neither a bullet item nor indented:
    comment text is always indented under its bullet, site sections after it are not.
    """
    comments: list[RawComment] = []
    notes: list[Note] = []
    current: tuple[int, re.Match[str]] | None = None
    content: list[str] = []

    def flush() -> None:
        if current is None:
            return
        lineno, m = current
        comments.append(_make_comment(lineno, m, content, source, notes))

    end = len(lines)
    for i, line in enumerate(lines):
        m = COMMENT_ITEM_RE.fullmatch(line)
        if m:
            flush()
            current, content = (first_line + i, m), []
            continue
        if line.strip() and not line[:1].isspace():
            end = i
            break
        content.append(line)
    flush()
    if end < len(lines):
        notes.append(end_note(source, first_line + end, lines[end]))
    return comments, notes


def nest_by_indent(comments: list[RawComment], indents: list[int]) -> list[RawComment]:
    """Where comment headers are indented by different amounts (a threaded comment list
    saved with its layout), each comment answers the nearest comment above it that is
    indented less."""
    if len(set(indents)) < 2:
        return comments
    out = []
    open_above: list[tuple[int, int]] = []  # (indent, index) of the comments a next one may answer
    for k, (c, indent) in enumerate(zip(comments, indents, strict=True)):
        while open_above and open_above[-1][0] >= indent:
            open_above.pop()
        out.append(replace(c, indented_under=open_above[-1][1] if open_above else None))
        open_above.append((indent, k))
    return out


def end_note(source: str, lineno: int, line: str) -> Note:
    return Note(where=f"{source}:{lineno}", kind="removed", message=f"end of comment list at: {preview(line)}")


DATE_TAIL_CHARS = 48
# Where a date may start: a digit, or a word (an English month's name).
_DATE_START_RE = re.compile(r"\d|\b[A-Za-z]")
# A time right before a date, with its separator: "· 10:12 ·", "kl. 10:12,".
_TIME_BEFORE_RE = re.compile(
    r"(?i)(?<![\w.:/-])(?P<time>(?:kl\.?\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2}))\s*(?:[·•|,–—-]\s*|\s+)$"
)
_TIME_ONLY_RE = re.compile(r"(?i)(?<![\w.:/-])(?:kl\.?\s*\d{1,2}[:.]\d{2}|\d{1,2}:\d{2})(?:\s*[ap]\.?m\.?)?")


@dataclass(frozen=True)
class _Start:
    lines: int  # how many lines the name and date take
    who: str
    date: str | None
    date_raw: str
    rest: str = ""  # the comment's first words, on its header's line ("Ole Berg (14.03.2024): Enig.")
    answers: str = ""  # whom the header says the comment answers ("Ole Berg svarer Mette Kjær")


def trailing_date(line: str, furn: Furniture) -> tuple[int, str | None, str] | None:
    """Where a date that ends `line` starts, the date as ISO 8601 (None when it is
    relative to when the page was saved: "3 år siden") and the date as printed."""
    # A date is short ("12. september 2023 kl. 10.15"): only a line's end is searched, so a
    # long line costs no more than a short one.
    offset = max(0, len(line.rstrip()) - DATE_TAIL_CHARS)
    for m in furn.relative_date.finditer(line, offset):
        if not line[m.end() :].strip():
            return m.start(), None, m.group(0)
    found = None
    for m in _DATE_START_RE.finditer(line, offset):
        if not m.group(0)[0].isdigit() and not starts_english_date(line[m.start() :]):
            continue
        # The first digit (or English month) from which the rest of the line is one date.
        rest = line[m.start() :].strip()
        iso = parse_numeric_date(rest)
        if iso is None:
            # ISO 8601 and day-first dates with a time ("2023-03-12 08:14", "12-03-2023
            # 08:14"); a number is no date here, even one that reads as epoch seconds.
            read = read_date(rest, furn.slash_order)
            iso = read[0] if read and read[1] not in NUMBER_FORMS else None
        if iso is None:
            named = find_named_date(rest)
            if named and named[1].start() == 0 and not rest[named[1].end() :].strip():
                iso = named[0]
        # A date with slashes in no order the page tells ("11/03/2024 - 10:14": 11 March
        # or 3 November?), or without its year ("15. februar kl. 09.12", this year's date
        # as Facebook prints it), is still the comment's date, left unread here.
        if iso is not None or SLASH_RE.fullmatch(rest) or yearless_date(rest):
            # A weekday before the date is part of it ("tors, 14/03/2024 - 10:32",
            # "Ole Berg · ons 14 mar 10:12"), not a name.
            start = weekday_before(line, m.start())
            if before := _TIME_BEFORE_RE.search(line, 0, start):
                # "Ole Berg · 10:12 · 14. marts 2024": the time printed before its date is
                # the date's, not the end of the name.
                start = before.start("time")
                if iso is not None and "T" not in iso:
                    iso = f"{iso}T{int(before['hour']):02d}:{before['minute']}"
            found = (start, iso, line[start:].strip())
            break
    if found is None:
        # A bare time ("10:12", "kl. 10.12") is today's, relative to when the page was saved.
        for m in _TIME_ONLY_RE.finditer(line, offset):
            if not line[m.end() :].strip():
                return m.start(), None, m.group(0)
    return found


def button_row(line: str, furn: Furniture) -> tuple[str | None, str] | None:
    """A row of a comment's buttons ("Svara · Gilla"), perhaps ending with the comment's
    date ("Svara · Gilla · 14 mars 2024", as sites that print the date below the text
    do), or with the date first ("14. marts 2024 · Svar"): (the date as ISO 8601 or None,
    the date as printed or ""); None for other lines."""
    if furn.comment_action.fullmatch(line) or furn.comment_reactions.fullmatch(line):
        return None, ""
    tail = trailing_date(line, furn)
    if tail is not None and tail[0] > 0 and furn.comment_action.fullmatch(line[: tail[0]].strip()):
        return tail[1], tail[2]
    # The date first, then the buttons ("14. marts 2024 kl. 10:12 · Svar").
    bare = _without_buttons(line, furn)
    if bare != line and (tail := trailing_date(bare, furn)) is not None and tail[0] == 0:
        return tail[1], tail[2]
    return None


def plausible_name(text: str, furn: Furniture) -> bool:
    """A commenter's name, handle or "Name, description": short, no sentence."""
    head = text.partition(", ")[0].strip()
    words = head.split()
    if not 1 <= len(words) <= 5 or len(head) > 50 or not any(ch.isalpha() for ch in head):
        return False
    # A date on a line of its own is when, not who ("12 februari 2024 kl. 14:05").
    if (tail := trailing_date(text, furn)) is not None and tail[0] == 0:
        return False
    if head[-1] in "!?:;" or (head[-1] == "." and len(words[-1]) > 2):
        return False
    # "Name, description" describes in a few words; a sentence's first clause before its
    # comma is no name ("Jeg er selv socialrådgiver, og jeg kan bekræfte hvert ord.").
    description = text.partition(", ")[2].strip()
    if len(description.split()) > 8 or _SENTENCE_BREAK_RE.search(description):
        return False
    return not (
        furn.comment_action.fullmatch(text) or furn.comments_header.fullmatch(text) or furniture_line(text, furn)
    )


# A count of likes as a widget prints it ("42", "1.2K", "1,2 k"): the number alone.
_LIKE_COUNT_RE = re.compile(r"\d{1,3}(?:[.,]\d{1,3})?\s?[KkMm]?|\d{1,9}")
# A sentence's end with more words after it: no self-description holds one.
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+\S")
# A comment's mark that it was edited, after its date ("· Redigeret", "(redigerad)", "edited").
_EDITED_RE = re.compile(
    r"(?i)\s*(?:[·•|–—-]\s*)?\(?(?:redigeret|redigerad|redigert|ændret|ändrad|endret|edited)\)?\s*$"
)
# What a widget prints after a commenter's name to mark who they are on the site (the
# article's author, a moderator, a subscriber): not part of the name, but said of them.
# LinkedIn's mark of how far a commenter is from the reader, on a line of its own under the
# name: "• 2nd", "• 3rd+", "• 2.", "• 3.+", "• 2:a", "• Du", "• You".
_DEGREE_RE = re.compile(r"(?i)[·•]\s*(?:1st|2nd|3rd\+?|[123]\.\+?|[12]:a|3:e\+?|du|dig|you|author|forfatter)")
_BADGES = (
    r"forfatter|författare|artikelforfatter|skribent|moderator|redaktionen|redaktør|redaktör|admin|administrator|"
    r"author|abonnent|prenumerant|subscriber|top-?kommentator|verificeret|verifierad|verified|top-? ?fan|superfan|"
    r"toppfan|top contributor|topbidragyder|fremtrædende bidragyder"
)
_BADGE_RE = re.compile(rf"(?i)\s+[·•|-]?\s*(?P<badge>{_BADGES})$")
# A badge on a line of its own, as Facebook prints "Topfan" over a name and "Forfatter"
# under it.
_BADGE_LINE_RE = re.compile(rf"(?i)(?:{_BADGES})")
# Before a commenter's name: "Skrevet af", "Indsendt af", "Af", "Postat av:", "Kommentar
# från", "Svar fra", "Posted by".
_SAID_BY_RE = re.compile(
    r"^(?:(?:skrevet|indsendt|skrivet|insänt|postet|postat|posted|written|kommentar|kommentaren|indlæg|inlägg|"
    r"innlegg|svar|kommenteret|kommenterad|kommentert|commented)\s+(?:af|av|by|fra|från|frå)\s*:?|af|av|by)\s+(?=\S)",
    re.I,
)
# A label before a comment's date ("Publiceret 14. marts 2024", "Posted: ...").
_DATE_LABEL = (
    r"(?:publiceret|publicerad|publisert|postet|postat|posted|skrevet|skrivet|skrevs|indsendt|insänt|innsendt)"
)
_DATE_LABEL_START_RE = re.compile(rf"(?i)^{_DATE_LABEL}\s*:?\s+(?=\S)")
_DATE_LABEL_END_RE = re.compile(rf"(?i)(?<=\S)\s+(?:[·•|–—-]\s+)?{_DATE_LABEL}\s*:?$")
# A name with its description in parentheses: "Mette Kjær (socialrådgiver)".
_PARENTHESISED_RE = re.compile(r"(?P<name>[^()]+?)\s*\((?P<description>[^()]{2,60}|[A-ZÆØÅÄÖ]{1,4})\)")
# A party's letters in parentheses ("Lars Jensen (S)"), kept with them in the description.
_PARTY_RE = re.compile(r"[A-ZÆØÅÄÖ]{1,4}")
# A platform's mark that an account is verified, after its name ("Lars Jensen ✔").
_VERIFIED_MARK_RE = re.compile(r"\s*[✔✓☑✅]\uFE0F?\s*$")
# The arrows flat comment lists print before a reply's header ("↳ Mette Kjær · 14.03.2024"):
# a reply to the comment above that prints none.
_REPLY_ARROWS = "↳↪⤷└╰"
_REPLY_ARROW_RE = re.compile(rf"(?:[{_REPLY_ARROWS}][─—-]*\s*)*")
REPLY_ARROW_INDENT = 4
# A comment's number before its author's name, as some sites count their comments ("#2
# Ole Berg · 14.03.2024", "2. Ole Berg", "2) Ole Berg", "Kommentar #2: Ole Berg").
_NUMBERED_RE = re.compile(
    r"^(?:#\d{1,5}|\d{1,5}[.)]|(?i:kommentar|kommentaren|comment|indlæg|inlägg|innlegg|svar)\s*(?:#|nr\.?\s*)?\d{1,5}\s*:?)"
    r"\s+(?=\S)"
)
# Initials a widget draws as an avatar, on a line of their own above the name ("MK").
_INITIALS_RE = re.compile(r"[A-ZÆØÅÄÖ]{1,3}")


_LAST_PART_RE = re.compile(r"\s*[·•|]\s*(?P<part>[^·•|]+)$")


def _without_buttons(line: str, furn: Furniture) -> str:
    """A comment's header without the buttons and reaction counts some widgets print at its
    end ("Mette Kjær · 14. marts 2024 10:14 · Svar · Anmeld", "... · 3 synes godt om")."""
    while (
        (m := _LAST_PART_RE.search(line))
        and m.start() > 0
        and (furn.comment_action.fullmatch(part := m["part"].strip()) or furn.comment_reactions.fullmatch(part))
    ):
        line = line[: m.start()].rstrip()
    return line


def _named_start(lines: list[str], i: int, furn: Furniture) -> _Start | None:
    """The comment that opens at `lines[i]` with its author and date: "Name · date" on one
    line, or the name alone (perhaps "Name skriver:") with the date on the next non-blank
    line, or name and date before the text on one line (`_inline_start`)."""
    return _header_start(lines, i, furn) or _inline_start(lines[i], furn)


# Where a header stops and its comment's text goes on, on one line: after a colon, a
# chat log's bracketed date, or a separator ("Ole Berg · 14.03.2024 · Enig.").
_INLINE_SEP_RE = re.compile(r"(?<=\S):\s+|(?<=\])\s*|\s+[·•|–—-]\s+")
_INLINE_HEAD_CHARS = 100
# What stands before a header's date: a name, a title, "skrev d." (never a paragraph).
_HEAD_CHARS = 200
# "Statsministeren sagde 14. marts 2024: ..." quotes speech in a comment's text; a header
# says who wrote.
_SPEECH_RE = re.compile(r"(?i)\b(?:siger|sagde|säger|sade|sier|sa|says|said)\b")
# A chat log's "[14.03.2024 10:12] Ole Berg": the date first, in brackets.
_CHAT_HEAD_RE = re.compile(r"\[(?P<date>[^\[\]]{4,40})\]\s*(?P<who>[^\[\]]+)")


def _inline_start(line: str, furn: Furniture) -> _Start | None:
    """A comment whose author and full date open the line its text starts on, as notes,
    transcripts and chat logs print them: "Ole Berg (14. marts 2024 kl. 10:12): Enig.",
    "Ole Berg, 14.03.2024 10:12: Enig.", "Ole Berg skrev 14.03.2024: Enig.", "[14.03.2024
    10:12] Ole Berg: Enig.", "Ole Berg · 14.03.2024 · Enig."."""
    line = line.strip()
    for m in _INLINE_SEP_RE.finditer(line, 0, _INLINE_HEAD_CHARS):
        head, rest = line[: m.start()].rstrip(), line[m.end() :].strip()
        if not rest or not head:
            continue
        if _SPEECH_RE.search(head):
            return None
        if chat := _CHAT_HEAD_RE.fullmatch(head):
            head = f"{chat['date']} - {chat['who']}"
        start = _header_start([head], 0, furn)
        if start is not None and start.date is not None:
            return replace(start, rest=rest)
    return None


def _header_start(lines: list[str], i: int, furn: Furniture) -> _Start | None:
    """`_named_start`'s header on a line (or two) of its own. A mark that the comment was
    edited, after the date, is left out."""
    line = _without_buttons(_EDITED_RE.sub("", _REPLY_ARROW_RE.sub("", lines[i].strip(), count=1)), furn)
    if not line:
        return None
    # "Mette Kjær (14. marts 2024 kl. 10:14)", "Mette Kjær [14.03.2024]": the date in
    # brackets after the name, as a separator would stand.
    if (bracketed := _BRACKETED_DATE_RE.fullmatch(line)) and trailing_date(bracketed["date"], furn):
        line = f"{bracketed['who']} · {bracketed['date']}"
    # "Mette Kjær skrev d. 14. marts 2024 kl. 10:14:" ends with the colon before the text.
    tail = trailing_date(line.rstrip(":").rstrip(), furn)
    if tail is not None:
        at, iso, raw = tail
        head = line[:at].rstrip()
        if len(head) > _HEAD_CHARS:
            return None  # a paragraph that ends with a date, not a name and its verbs
        # What a site prints around the name ("Skrevet af Mette Kjær den", "Ole Berg skrev
        # d.") says who, as a separator would.
        said = _SAID_BY_RE.sub("", furn.says_at.sub("", _DATE_LABEL_END_RE.sub("", head)))
        who = _NUMBERED_RE.sub("", said.rstrip(" ·•|–—-,:"))
        answers = ""
        if (replying := _ANSWERS_RE.fullmatch(who)) and _name_like(replying["whom"]):
            # "Erik Johansson svarar Anna Lind": who wrote, and whom it answers.
            who, answers = replying["who"], replying["whom"]
        if m := _PARENTHESISED_RE.fullmatch(who):
            if (to := _ANSWERING_RE.fullmatch(m["description"])) and _name_like(to["whom"]):
                # "Mette Kjær (svar til Lars Jensen)": whom it answers, not who she is.
                who, answers = m["name"], to["whom"]
            elif _PARTY_RE.fullmatch(m["description"]):
                who = f"{m['name']}, ({m['description']})"
            else:
                who = f"{m['name']}, {m['description']}"
        # A separator between name and date, or a name of capitalised words and a full date
        # (as a page saved as HTML runs its author and <time> together): a sentence that
        # ends with a date is no header.
        separated = (
            head[-1:] in ("·", "•", "|", "–", "—", "-", ",")
            or said != head
            # "Mette Kjær: 14. marts 2024": a colon after a name of capitalised words.
            or (head[-1:] == ":" and _name_like(head[:-1]))
        )
        named = (
            (iso is not None or yearless_date(raw))
            and 2 <= len(who.split()) <= 4
            and all(w[:1].isupper() for w in who.split())
        ) or (iso is not None and "T" in iso and _HANDLE_RE.fullmatch(who) is not None)
        if (separated or named) and who and plausible_name(who, furn):
            return _Start(1, who, iso, raw, answers=answers)
        return None
    lead = _DATE_FIRST_RE.fullmatch(_DATE_LABEL_START_RE.sub("", line))
    if lead and _name_like(lead["who"]) and plausible_name(lead["who"], furn):
        # "14.03.2024 10:12 - Mette Jensen": the date, then who.
        tail = trailing_date(lead["date"], furn)
        if tail is not None and tail[0] == 0 and tail[1] is not None:
            return _Start(1, lead["who"], tail[1], tail[2])
    line = _NUMBERED_RE.sub("", furn.says.sub("", line))
    if not plausible_name(line, furn):
        return None
    described: str | None = None
    degree = 0  # LinkedIn's connection degree under the name ("• 2.", "• 3rd+")
    for j in range(i + 1, min(i + 4 + degree, len(lines))):
        nxt = lines[j].strip()
        if not nxt:
            continue
        if not degree and not described and _DEGREE_RE.fullmatch(nxt):
            degree = 1
            continue
        tail = trailing_date(_DATE_LABEL_START_RE.sub("", _EDITED_RE.sub("", nxt)), furn)
        if tail is not None and tail[0] == 0:
            # A date with the comment's buttons right under it ends a comment (Facebook
            # prints the time under the text, "3 t", then "Synes godt om", "Svar"): the
            # line above it is that comment's text, not a name.
            after = next((lines[k].strip() for k in range(j + 1, len(lines)) if lines[k].strip()), "")
            if after and button_row(after, furn) is not None:
                return None
            who = f"{line}, {described}" if described else line
            return _Start(j - i + 1, who, tail[1], tail[2])
        if described is None and _name_like(line) and _describes(nxt, furn):
            # "Mette Jensen" / "socialrådgiver" / the date: a name over its title.
            described = nxt
            continue
        return None
    return None


def header_line(line: str, furn: Furniture) -> bool:
    """A line that opens a comment above its text: its author and date ("Ole Hansen 14.
    marts 2024 kl. 10.12", "Mette Kjær skrev d. 14.03.2024:"), or its date alone."""
    if _header_start([line], 0, furn) is not None:
        return True
    return _date_alone(line, furn)


def _date_alone(line: str, furn: Furniture) -> bool:
    tail = trailing_date(line.strip().rstrip(":"), furn)
    return tail is not None and tail[0] == 0


def line_break_kept(before: str, line: str, after: str, beyond: str, furn: Furniture) -> bool:
    """Whether a comment list's line ends where its page breaks it, though Markdown would
    run it into the next: a comment's header over its text, a name under its date
    ("14. marts 2024 kl. 10:12" / "Lars Jensen" / the text), a comment's last line over
    its date and buttons ("14. marts 2024 · Svar"), or over the next commenter's name
    over its date (`beyond`: the line after `after`; "Bo Frandsen" / "2. maj 2024 kl. 11:40")."""
    return (
        header_line(line, furn)
        or (_date_alone(before, furn) and plausible_name(line, furn))
        or _date_alone(after, furn)
        or button_row(after, furn) is not None
        or (_date_alone(beyond, furn) and _name_like(after) and plausible_name(after, furn))
    )


# A header that names whom the comment answers, between the writer's name and the date:
# "Erik Johansson svarar Anna Lind", "Ole Berg svarer Mette Kjær", "Ann replied to Bo",
# "Erik Johansson → Anna Lind".
_ANSWERS_RE = re.compile(
    r"(?P<who>.+?)\s+(?:(?i:svarer|svarede|svarar|svarade|svarte|svarer på|svarar på|replied to|replies to|in reply to)"
    r"|[→➔►▸>])\s+(?P<whom>[^\s·•|,].{0,60}?)"
)
# "(svar til Lars Jensen)", "(reply to Bo Ek)" after a commenter's name.
_ANSWERING_RE = re.compile(r"(?i:svar til|svar till|svar på|svar|reply to|replying to|in reply to)\s+(?P<whom>.+)")
_BRACKETED_DATE_RE = re.compile(r"(?P<who>[^()\[\]]{2,60}?)\s*[(\[](?P<date>[^()\[\]]{4,40})[)\]]")
# "14.03.2024 10:12 - Mette Jensen", "14.03.2024 kl. 10.12 af Mette Jensen" (after a date
# label, "Skrevet 14.03.2024 af ..."): a comment's date before its author's name.
_DATE_FIRST_RE = re.compile(r"(?P<date>.{6,40}?)\s+(?:[-–—·•|]|(?i:af|av|by))\s+(?P<who>[^·•|]{2,50})")


# A user name as forums and comment systems print it, lower case allowed ("karen_h",
# "kh1975"): one word with a digit or an underscore in it, before a date with its time.
_HANDLE_RE = re.compile(r"(?=[\w.\-]*[_\d])(?=[\w.\-]*[^\W\d_])[\w.\-]{2,30}")


def _name_like(text: str) -> bool:
    """One to four capitalised words: a person's name, not a sentence's start ("Helt enig")."""
    words = text.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words)


def _describes(text: str, furn: Furniture) -> bool:
    """A short title under a commenter's name ("socialrådgiver", "Socialrådgiver i Odense",
    "Socialrådgiver, Aarhus Kommune"): a few words, no sentence, not a name of capitalised
    words (the next commenter's; a title and its workplace, capitalised too, are told from
    one by the comma between them)."""
    words = text.split()
    return (
        1 <= len(words) <= 6
        and text[-1:] not in ".!?:"
        and not (len(words) >= 2 and _name_like(text) and "," not in text)
        and button_row(text, furn) is None
        and furniture_line(text, furn) is None
    )


def _date_over_name(lines: list[str], i: int, furn: Furniture) -> _Start | None:
    """A comment that opens with its date on a line of its own and its author's name on the
    next ("14. marts 2024 kl. 10:14" / "Mette Kjær"), as some widgets print it: a full
    date, then a name, then a line that is no date (the text)."""
    tail = trailing_date(lines[i].strip(), furn)
    if tail is None or tail[0] != 0 or tail[1] is None:
        return None
    # Blank lines may stand between date, name and text (a page copied as text sets each
    # element apart).
    following = [j for j in range(i + 1, min(i + 6, len(lines))) if lines[j].strip()][:2]
    if len(following) < 2:
        return None
    name, after = lines[following[0]].strip(), lines[following[1]].strip()
    if not plausible_name(name, furn) or button_row(name, furn) is not None:
        return None
    if trailing_date(after, furn) is not None or button_row(after, furn) is not None:
        return None
    return _Start(following[0] - i + 1, name, tail[1], tail[2])


def _dateless_name(line: str, furn: Furniture) -> str:
    """A dateless comment's opening line as its author's name: without "skriver:" after it
    or a number before it."""
    return _NUMBERED_RE.sub("", furn.says.sub("", line.strip())).strip()


def _dateless_start(lines: list[str], i: int, furn: Furniture) -> bool:
    """A comment that opens with its author's name alone, on a site that prints no dates:
    the name, at least one line of text, then a row of the comment's buttons before any
    other comment opens (the buttons are what tells a name from a short line of text). The
    name may say so ("Anna Lind skriver:")."""
    if not plausible_name(_dateless_name(lines[i], furn), furn):
        return False
    following = islice((j for j in range(i + 1, len(lines)) if lines[j].strip()), 12)
    text_lines = 0
    for j in following:
        nxt = lines[j].strip()
        if button_row(nxt, furn) is not None or (text_lines > 0 and _closing_date(lines, j, furn) is not None):
            return text_lines > 0
        if _named_start(lines, j, furn) or furniture_line(nxt, furn):
            return False
        text_lines += 1
    return False


def _closing_date(lines: list[str], i: int, furn: Furniture) -> tuple[int, str | None, str] | None:
    """A date alone on its line that ends a comment (`trailing_date`'s reading): a blank
    line or the list's end after it, as sites that print the date under the text without
    buttons show it ("Lars Jensen" / text / "14. marts 2024 kl. 10:12")."""
    tail = trailing_date(lines[i].strip(), furn)
    if tail is None or tail[0] != 0 or (i + 1 < len(lines) and lines[i + 1].strip()):
        return None
    return tail


def _parse_named_comments(
    lines: list[str], first_line: int, source: str, furn: Furniture
) -> tuple[list[RawComment], list[Note]]:
    """Comments that each open with a name and a date (`_named_start`), or with a name
    alone where the site prints no dates (`_dateless_start`).

    A comment's text runs to the next comment. Button rows are dropped; after them, a line
    that opens no new comment ends the list, as does a furniture line: what follows a
    comment section ("Läs också", "Mest læste") is not a comment."""
    comments: list[RawComment] = []
    notes: list[Note] = []
    current: _Start | None = None
    start_line = 0
    body: list[str] = []
    closed = False
    buttons = 0
    hidden: list[str] = []
    cut: list[str] = []

    def flush() -> None:
        if current is None:
            return
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        text = _without_subject(re.sub(r"\n{3,}", "\n\n", "\n".join(ln.strip() for ln in body)))
        who, _, description = _VERIFIED_MARK_RE.sub("", UNVERIFIED_RE.sub("", current.who)).partition(", ")
        if (badge := _BADGE_RE.search(who)) and badge.start() > 0:
            who, description = who[: badge.start()], ", ".join(filter(None, (badge["badge"], description)))
        if current.date is None and current.date_raw and not yearless_date(current.date_raw):
            # A date without its year is dated from the article's (`dated_from_article`).
            notes.append(
                Note(
                    where=f"{source}:{start_line}",
                    kind="missing",
                    message=f"comment date {current.date_raw!r} is relative to when the page was saved: left empty"
                    if furn.relative_date.search(current.date_raw)
                    else f"comment date {current.date_raw!r} reads two ways (day or month first?): left empty",
                )
            )
        comments.append(
            RawComment(
                line=start_line,
                date=current.date,
                date_raw=current.date_raw,
                author=who.strip() or None,
                description=description.strip() or None,
                title="",
                body=text,
                answers=current.answers or None,
            )
        )

    end = len(lines)
    indents: list[int] = []
    date_first = False

    def open_comment(start: _Start, i: int) -> None:
        nonlocal current, start_line, body, closed
        flush()
        current, start_line, body, closed = start, first_line + i, [], False
        lead = len(lines[i]) - len(lines[i].lstrip())
        # A reply's arrow before its header ("↳ Mette Kjær · ...") sets it in as a step of
        # indentation would.
        arrows = _REPLY_ARROW_RE.match(lines[i].lstrip())[0]
        indents.append(lead + REPLY_ARROW_INDENT * sum(ch in _REPLY_ARROWS for ch in arrows))

    i = 0
    while i < len(lines):
        line = lines[i].strip()
        start = _named_start(lines, i, furn)
        if start is not None:
            open_comment(start, i)
            if start.rest:
                body.append(start.rest)
            i += start.lines
            continue
        if not line:
            body.append("")
        elif current is not None and not any(b.strip() for b in body) and _BADGE_LINE_RE.fullmatch(line):
            # A badge under the commenter's name ("Forfatter"): said of them, as after it.
            current = replace(current, who=f"{current.who} {line}")
        elif (_INITIALS_RE.fullmatch(line) or _BADGE_LINE_RE.fullmatch(line)) and (
            (nxt := next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].strip()), None)) is not None
            and (_named_start(lines, nxt, furn) is not None or _dateless_start(lines, nxt, furn))
        ):
            pass  # an avatar's initials, or a badge ("Topfan"), above the commenter's name
        elif current is not None and furn.comment_more.fullmatch(line):
            # Collapsed replies or comments not loaded: a gap in the saved page, not text.
            hidden.append(line)
        elif (
            current is not None
            and not current.date_raw
            and (when := trailing_date(line, furn)) is not None
            and when[0] == 0
            and button_row(next((lines[k].strip() for k in range(i + 1, len(lines)) if lines[k].strip()), ""), furn)
            is not None
        ):
            # The comment's date under its text, over its buttons (Facebook: "3 t").
            current = replace(current, date=when[1], date_raw=when[2])
        elif (
            current is not None
            and not current.date_raw
            and any(b.strip() for b in body)
            and (when := _closing_date(lines, i, furn)) is not None
        ):
            # The comment's date under its text, and nothing under it: it ends the comment.
            current, closed = replace(current, date=when[1], date_raw=when[2]), True
        elif (
            current is not None
            and _LIKE_COUNT_RE.fullmatch(line)
            and button_row(next((lines[k].strip() for k in range(i + 1, len(lines)) if lines[k].strip()), ""), furn)
            is not None
        ):
            # The comment's likes over its buttons (YouTube: "42" over "Reply"): a count, not text.
            buttons += 1
        elif current is not None and closed and _LIKE_COUNT_RE.fullmatch(line):
            # Its reactions counted after its buttons (Facebook: "Svar" / "12"): a count, not
            # the list's end.
            buttons += 1
        elif current is not None and not closed and furn.comment_expand.fullmatch(line):
            # A comment shown cut short: only its start was saved.
            cut.append(line)
        elif (row := button_row(line, furn)) is not None:
            buttons += 1
            # Buttons between a dated comment's header and its text (Drupal's "Permalink"
            # under the date) close nothing: the text is still to come.
            opened_only = current is not None and bool(current.date_raw) and not any(b.strip() for b in body)
            closed = current is not None and not opened_only
            if current is not None and not current.date_raw and row[1]:
                # The site prints the date under the text, in the buttons' row.
                current = replace(current, date=row[0], date_raw=row[1])
        elif (current is None or closed or date_first) and (dated := _date_over_name(lines, i, furn)) is not None:
            # A list whose comments open with the date over the name: the next date over a
            # name opens the next comment, whether or not buttons closed this one.
            open_comment(dated, i)
            date_first = True
            i += dated.lines
            continue
        elif (current is None or closed) and _dateless_start(lines, i, furn):
            # A site that prints no dates: a name, text, then the comment's buttons.
            open_comment(_Start(1, _dateless_name(line, furn), None, ""), i)
        elif current is None:
            # Prompts between the header and the first comment ("Skriv en kommentar").
            notes.append(
                Note(
                    where=f"{source}:{first_line + i}",
                    kind="removed",
                    message=f"before the first comment: {preview(line)}",
                )
            )
        elif furniture_line(line, furn) == "advertisement":
            # An advertisement's label between comments ("Annons"): the list goes on below it.
            notes.append(Note(where=f"{source}:{first_line + i}", kind="removed", message=f"advertisement: {line}"))
        elif closed or furniture_line(line, furn):
            end = i
            break
        else:
            body.append(line)
        i += 1
    flush()
    comments = nest_by_indent(comments, indents)
    if buttons:
        notes.append(
            Note(
                where=f"{source}:{first_line}",
                kind="removed",
                message=f"{buttons} row(s) of comment buttons (reply, like)",
            )
        )
    if hidden:
        notes.append(
            Note(
                where=f"{source}:{first_line}",
                kind="missing",
                message=f"{len(hidden)} place(s) where the comment list shows replies or comments the saved page "
                f"does not hold (e.g. {hidden[0]!r}): open them before saving the page to read them",
            )
        )
    if cut:
        notes.append(
            Note(
                where=f"{source}:{first_line}",
                kind="missing",
                message=f"{len(cut)} comment(s) shown cut short on the saved page (e.g. {cut[0]!r}): only their "
                "start is read; open them before saving the page to read them whole",
            )
        )
    if end < len(lines):
        notes.append(end_note(source, first_line + end, lines[end]))
    return comments, notes


def _without_subject(text: str) -> str:
    """A comment's text without the subject line a CMS made from its first words (Drupal
    titles a comment with its first 29 characters unless the commenter gives one): a first
    line that the next paragraph opens with says nothing twice."""
    first, sep, rest = text.partition("\n\n")
    subject = first.strip().rstrip(".…").rstrip()
    if sep and subject and "\n" not in first and rest.startswith(subject) and len(subject) < len(rest):
        return rest
    return text


def _make_comment(lineno: int, m: re.Match[str], content: list[str], source: str, notes: list[Note]) -> RawComment:
    who = m.group("who")
    author, _, description = who.partition(", ")
    body_lines = [ln.rstrip() for ln in content]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    title = body_lines.pop(0).strip() if body_lines else ""
    indents = [len(ln) - len(ln.lstrip()) for ln in body_lines if ln.strip()]
    cut = min(indents, default=0)
    text_lines: list[str] = []
    for ln in body_lines:
        ln = ln[cut:] if ln.strip() else ""
        if ln == "" and (not text_lines or text_lines[-1] == ""):
            continue
        text_lines.append(ln)
    while text_lines and text_lines[-1] == "":
        text_lines.pop()
    date = parse_numeric_date(m.group("date"))
    if date is None:
        notes.append(
            Note(
                where=f"{source}:{lineno}", kind="unreadable", message=f"comment date {m.group('date')!r} is not a date"
            )
        )
    return RawComment(
        line=lineno,
        date=date,
        date_raw=m.group("date"),
        author=author.strip() or None,
        description=description.strip() or None,
        title=title,
        body="\n".join(text_lines),
    )


# The line e-mail and Usenet put above a signature ("-- "); some commenters keep it.
SIG_DELIMITER_RE = re.compile(r"^--\s*$")
# What closes a sign-off line's name: a comma, a dash or colon between spaces, or brackets
# round the rest ("Karen, socialrådgiver i Aarhus", "Eva Berg (pensionist)").
_NAME_REST_RE = re.compile(r"^[^,()]*?(?:\(([^()]{2,80})\)\s*$|(?:,|\s[-–—:]\s)\s*(.+)$)")
# A sign mark before a name on a closing line ("/Anna", "– Anna", "~Anna").
_SIGN_PREFIX = r"[-–—/~*\s]*"


def _name_line_description(line: str, name_norm: str) -> str | None:
    """The self-description a sign-off line gives after the name ("Karen, socialrådgiver i
    Aarhus" -> "socialrådgiver i Aarhus"), reading from the name where it is known."""
    rest = line.strip()
    at = rest.lower().find(name_norm) if name_norm else -1
    if at >= 0:
        rest = rest[at + len(name_norm) :]
    m = _NAME_REST_RE.match(rest)
    found = (m.group(1) or m.group(2)).strip(" .") if m else ""
    return found if found and len(found.split()) <= 8 and not URL_RE.search(found) else None


# A signing name: two to four capitalised words ("Karen Holm", "Anna-Lena Berg"); one word
# signs too often as a first name only to tell a person from a place or a title.
SIGNED_NAME_RE = re.compile(rf"{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}}")


def signed_name(text: str, start: int) -> str | None:
    """The name a sign-off that starts at `start` (`find_signature`) signs with: after its
    closing formula on the same line ("Mvh Karen Holm, socialrådgiver") or on the next
    line with words ("Med venlig hilsen" / "Karen Holm"), or the first line after "-- ";
    None where that is no name of two to four capitalised words."""
    lines = [ln.strip() for ln in text[start:].split("\n")]
    head = lines[0]
    m = CLOSING_FORMULA_RE.match(head)
    rest = head[m.end() :].strip(" ,:.") if m else ""
    following = next((ln for ln in lines[1:] if ln), "")
    candidate = rest or (following if m or SIG_DELIMITER_RE.match(head) else "")
    name = re.sub(f"^{_SIGN_PREFIX}", "", re.split(r"\s*[,(]|\s[-–—:]\s", candidate, maxsplit=1)[0]).strip()
    return name if SIGNED_NAME_RE.fullmatch(name) else None


def find_signature(text: str, author: str | None) -> tuple[int, int, list[str]] | None:
    """Where a comment's sign-off is (start, end) and the self-descriptions in it.

    A sign-off is a closing formula ("Mvh.", "Med venlig hilsen", "Med vänlig hälsning")
    in the last lines, the signature line "-- " over the last lines, or the author's own
    name on one of the last two lines (after a sign mark: "/Anna"). The lines right after
    the name ("Formand for Dansk Socialrådgiverforening", "socialrådgiver") are
    self-descriptions, and so is what follows the name on its own line after a comma or in
    brackets ("Mvh Karen, socialrådgiver i Aarhus", "Eva Berg (pensionist)"); URLs and
    attachments after them are not. A formula inside a line ("... mulighederne. Mange
    hilsner fra en socialrådgiver, der ...") signs off only to the end of its sentence:
    what follows is argument again.
    """
    name_norm = (author or "").strip().lower()
    if len(name_norm) < 3:
        # A one- or two-letter pseudonym ("S") matches the start of too many lines.
        name_norm = ""
    # Most posts have no sign-off: substring tests on the lower-cased text tell (every
    # closing formula holds one of `FORMULA_WORDS`), before any line is split or searched.
    low = text.lower()
    if not (any(w in low for w in FORMULA_WORDS) or "--" in text or (name_norm and name_norm in low[-600:])):
        return None
    lines = text.split("\n")
    offsets = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    start_line: int | None = None
    start_char = end_char = len(text)
    formula_end = 0
    for i in range(max(0, len(lines) - 20), len(lines)):
        m = CLOSING_FORMULA_RE.search(lines[i])
        if m and (m.start() == 0 or lines[i][: m.start()].rstrip().endswith((".", "!", "?"))):
            start_line, start_char = i, offsets[i] + m.start()
            # A formula opening its line may have the name and a description after it.
            formula_end = m.end() if m.start() == 0 else 0
            if m.start() > 0:
                stop = re.search(r"[.!?]\s+(?=[A-ZÆØÅÄÖ])", lines[i][m.end() :])
                end_char = offsets[i] + m.end() + stop.end() if stop else offsets[i] + len(lines[i])
                end_char = len(text[:end_char].rstrip())
            break
    delimited = False
    if start_line is None:
        tail = [i for i in range(max(0, len(lines) - 6), len(lines)) if SIG_DELIMITER_RE.match(lines[i])]
        after = [ln for ln in lines[tail[-1] + 1 :] if ln.strip()] if tail else []
        if after and len(after) <= 3 and all(len(ln.split()) <= 8 for ln in after):
            start_line, start_char, delimited = tail[-1], offsets[tail[-1]], True
    if start_line is None and name_norm:
        for i in range(max(0, len(lines) - 2), len(lines)):
            if re.match(rf"{_SIGN_PREFIX}{re.escape(name_norm)}\b", lines[i].strip().lower()):
                start_line, start_char = i, offsets[i]
                break
    if start_line is None:
        return None
    descriptions: list[str] = []
    after_name = False
    for n, ln in enumerate(lines[start_line:]):
        stripped = ln.strip()
        if not stripped or (delimited and n == 0):
            continue
        # The name's line: after "-- ", the first line; else one holding the author's name,
        # or the closing formula's own line where a name and more follow it ("Mvh Karen, ...").
        formula_line = n == 0 and formula_end > 0
        if (name_norm and name_norm in stripped.lower()) or (delimited and not after_name) or formula_line:
            rest = ln[formula_end:] if formula_line else ln
            described = _name_line_description(rest.strip().lstrip(",:"), "" if formula_line else name_norm)
            if described and described not in descriptions:
                descriptions.append(described)
            after_name = after_name or not formula_line or bool(name_norm and name_norm in stripped.lower())
            continue
        if URL_RE.search(stripped) or len(stripped.split()) > 8:
            break
        if after_name and not CLOSING_FORMULA_RE.match(stripped):
            descriptions.append(stripped)
            if len(descriptions) == 2:
                break
    return start_char, end_char, descriptions
