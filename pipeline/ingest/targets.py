"""A thread's target: the statement target stance is measured against, taken from its
opening post when the input names none."""

from __future__ import annotations

import re

SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)|\n")
MIN_STATEMENT_WORDS = 3


def lead_sentences(text: str) -> list[str]:
    out, start = [], 0
    for m in SENTENCE_END_RE.finditer(text):
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


SECTION_PREFIX_RE = re.compile(
    r"^(?:debat|debatt|kronik|krönika|læserbrev|læserbreve|insändare|ledare|leder|klumme|kolumn|"
    r"analyse|analys|kommentar|opinion|op-ed)\s*[:|–—]\s*(?=\S)",
    re.IGNORECASE,
)


def choose_target(title: str, body: str) -> tuple[str, str]:
    """The statement target stance is measured against, and the rule that chose it.

    A headline that is a statement ("Socialrådgiverne har spillet fallit") is the target.
    A section label or tag ("Social") is no claim: then the body's lead sentence is, as a
    reader takes the lead to state what the piece argues. A sentence splitter is not worth
    loading here; this only needs the first full sentence of a lead paragraph.
    """
    # "Debat: Skal socialrådgivere autoriseres?": the section's name is no part of the claim.
    title = SECTION_PREFIX_RE.sub("", title.strip())
    lead = next((s for s in lead_sentences(body) if len(s.split()) >= MIN_STATEMENT_WORDS), "")
    if title and (len(title.split()) >= MIN_STATEMENT_WORDS or not lead):
        return title, "root_title"
    if lead:
        return lead[:400], "root_lead_sentence" if title else "root_first_sentence"
    return title, "root_title"
