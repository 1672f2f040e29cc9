"""What in a post is quoted from someone else: Markdown quotation lines, a forum's quotation
header with the passage after it, and passages in quotation marks.

Reply inference reads quotations to find whom a comment answers; everything that reads a
post as its author's own words (their respondent role, above all) must leave them out: "Jeg
er socialrådgiver" quoted from another comment says nothing of the one who quotes it.
No library marks quotations in scraped Nordic forum text, so the patterns are ours.
"""

from __future__ import annotations

import re

from pipeline.core.needles import contains_any, lowered, required_literals

# Markdown and e-mail quotation: a line starting with ">" (Reddit, many forums' exports).
QUOTE_LINE_RE = re.compile(r"^\s*>.*$\n?", re.MULTILINE)
# Passages in quotation marks, as commenters quote the article or one another (at least 10
# characters: shorter ones are mostly scare quotes, 'et "bedre" system').
QUOTE_MARK_RES = (
    re.compile(r'"([^"]{10,}?)"', re.DOTALL),
    re.compile(r"“([^”]{10,}?)”", re.DOTALL),
    re.compile(r"»([^«]{10,}?)«", re.DOTALL),
    re.compile(r"„([^“”]{10,}?)[“”]", re.DOTALL),
)
# Forums (Flashback, phpBB, vBulletin and the sites built on them) head a quotation with
# its author; exports keep the header as text. The name ends at the line's end or a colon.
_HEADER = (
    r"(?:ursprungligen postat av|ursprungligen skrivet av|oprindeligt skrevet af|oprindelig skrevet af|"
    r"opprinnelig skrevet av|originally posted by|citat från|sitat fra|citat fra|quote from)"
)
# The label some forums print before the header ("Citat:", "Quote:").
_LABEL = r"(?:citat|sitat|quote)\s*:\s*"
# "Kalle skrev:", "Kalle wrote:": the writer's name, then the verb and a colon.
_WRITER = r"(?P<writer>[^\n:»«\"]{1,40}?)\s+(?:skrev|skriver|skrev følgende|wrote|writes)\s*:"
QUOTED_AUTHOR_RE = re.compile(
    _HEADER + r"\s+(?P<name>[^\n:»«\"]{1,60}?)\s*(?::|\n|$)|^\s*" + _WRITER,
    re.IGNORECASE | re.MULTILINE,
)
# A header whose export lost the line break after the name ("Ursprungligen postat av Mia83
# Jag jobbar ..."): the name is one of the first words, found as a mention's is.
QUOTED_AUTHOR_RUN_ON_RE = re.compile(_HEADER + r"\s+(?P<words>[^\s:»«\"]+(?:\s+[^\s:»«\"]+){0,2})", re.IGNORECASE)
# Where a forum quotation starts, whether or not the export kept the line break after the
# quoted author's name ("Citat: Ursprungligen postat av Mia83 Jag jobbar ...").
_QUOTE_START_RE = re.compile(f"(?:{_LABEL})?{_HEADER}\\b|^\\s*{_WRITER}", re.IGNORECASE | re.MULTILINE)
# Literals one of which every quotation start holds: most posts hold none, and the search
# above tries its alternation of headers at every character (a third of the role cues'
# reading time on 10,000 posts).
_QUOTE_START_NEEDLES = required_literals(_QUOTE_START_RE.pattern, _QUOTE_START_RE.flags)
# A line that opens a forum quotation block: a bare "Citat:" line, a header, "Kalle skrev:".
QUOTE_HEADER_LINE_RE = re.compile(f"\\s*(?:{_LABEL}$|(?:{_LABEL})?{_HEADER}\\b|{_WRITER})", re.IGNORECASE)
# Where a forum quotation ends: an export keeps the quoted block apart from the reply by a
# blank line, if by anything. Without one, where it ends cannot be told, and the rest of
# the post counts as quoted: better to miss the quoter's own words than to take another
# person's for theirs.
_BLOCK_END_RE = re.compile(r"\n\s*\n")


def may_quote(text: str) -> bool:
    """Whether `text` holds a literal that every forum quotation start holds: false for
    most posts, which then need no search for one."""
    return contains_any(lowered(text), _QUOTE_START_NEEDLES)


def unquoted(text: str) -> str:
    """`text` without the lines and forum blocks it quotes from others (see the module's
    docstring); passages in quotation marks stay (`without_quote_marks`): they are the
    likeliest to be the author's own words after all (a phrase of the article they argue
    with, inside their sentence)."""
    if ">" in text:
        text = QUOTE_LINE_RE.sub("", text)
    if not may_quote(text):
        return text
    while m := _QUOTE_START_RE.search(text):
        end = _BLOCK_END_RE.search(text, m.end())
        text = text[: m.start()] + (text[end.end() :] if end else "")
    return text


def spaced(text: str) -> str:
    """`text` with each run of whitespace (line breaks too) one space, trimmed."""
    return " ".join(text.split())


def end_copied_quotes(text: str, earlier: str) -> str:
    """`text` with a blank line after each forum quotation block that runs straight on into
    the quoter's own words, where the block ends: after the last of its lines that is a copy
    of `earlier` (the thread's posts above, joined, each run of whitespace one space:
    `spaced`, which the caller keeps as it goes, so a long page is not joined again for
    every quoting post). A page copied as text keeps no blank line between a quotation box
    and the reply under it; the quoted lines are the quoted post's own, word for word, so
    where the copy stops the quoter's words begin. A block none of whose lines is such a
    copy is left as it is (`unquoted` then takes the rest as quoted)."""
    if not may_quote(text):
        return text
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not QUOTE_HEADER_LINE_RE.match(lines[i]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and QUOTE_HEADER_LINE_RE.match(lines[j]):
            j += 1  # "Citat:" over "Ursprungligen postat av Mia83"
        start = j
        while j < len(lines) and lines[j].strip() and spaced(lines[j]) in earlier:
            j += 1
        if start < j < len(lines) and lines[j].strip():
            lines.insert(j, "")
        i = j
    return "\n".join(lines)


def without_quote_marks(text: str) -> str:
    """`text` without its passages in quotation marks (the last step of `unquoted`)."""
    for pattern in QUOTE_MARK_RES:
        text = pattern.sub(" ", text)
    return text
