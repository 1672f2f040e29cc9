"""Sentence boundaries for Danish, Swedish and Norwegian text, with exact offsets.

spaCy's tokenizer exceptions keep abbreviations, dates and initials whole ("bl.a.",
"16.09.13", "R."), but its rule-based sentencizer then either never splits after an
abbreviation or always does. Nordic comment text needs the middle ground, which no
library offers for these languages (pysbd has no Swedish, and splits "udd. og"): split
after an abbreviation only when it can end a sentence and an upper-case word follows, and
treat a line break as a hard boundary, because commenters use line breaks as full stops
and sign-offs ("Mvh.\\nRikke Wezelenburg") are lines of their own.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pipeline.core.imports import torch_hidden

with torch_hidden():
    import spacy
from spacy.symbols import ORTH  # noqa: E402

ABBREV_FILE = Path(__file__).resolve().parent / "abbreviations.toml"
SPACY_LANGS = {
    "da": "da",
    "sv": "sv",
    "nb": "nb",
    "nn": "nb",
    "no": "nb",
    "en": "en",
    "de": "de",
    "fi": "fi",
    "is": "is",
}
NORDIC = {"da", "sv", "nb"}
TERMINAL_RE = re.compile(r"^[.!?…]+$")
CLOSERS = set("\"”’'»)]")
OPENERS = set("\"“„«»'(•–-")
ORDINAL_RE = re.compile(r"^\d{1,3}\.$")
# A smiley ends a comment's sentence as a full stop would ("Jeg har ikke sagt noget af det
# du skriver :) Jeg gav dig bare en reference", DAST): where a capital follows it, a new
# sentence begins, and the smiley stays with the sentence it closes.
EMOTICON_RE = re.compile(r"[:;=][-'^o]?[)(\]\[DPp/\\|3*]+|<3|[xX]D")
EMOTICON_FIRST = frozenset(":;=<xX")  # what a smiley opens with: most tokens are ruled out without the pattern
# An emoji ends a sentence too ("Helt enig 👍 Det er på tide."), but a capital after it may be
# a name ("Jeg ❤️ København"): it ends one only before a capitalised function word, which
# opens sentences ("Det", "Men", "Jag"), never names. spaCy cuts an emoji's skin tone and
# variation selector into tokens of their own: each is an emoji token here.
EMOJI_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    raw = tomllib.loads(ABBREV_FILE.read_text(encoding="utf-8"))
    return frozenset(raw["extra"]["words"]), frozenset(raw["may_end"]["words"])


@lru_cache(maxsize=16)
def tokenizer(lang: str):
    """A spaCy blank tokenizer for `lang` (Danish for unknown languages)."""
    code = SPACY_LANGS.get(lang, "da")
    nlp = spacy.blank(code)
    if code in NORDIC:
        extra, _ = _abbreviations()
        # An abbreviation opens sentences too ("Enl. SKR är det så.", "Iflg. DS ..."), and
        # spaCy's special cases match case-sensitively.
        for word in sorted(extra | {w[0].upper() + w[1:] for w in extra}):
            nlp.tokenizer.add_special_case(word, [{ORTH: word}])
    return nlp.tokenizer


@lru_cache(maxsize=16)
def _stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of `lang` (Danish for unknown languages): the function words."""
    return frozenset(spacy.util.get_lang_class(SPACY_LANGS.get(lang, "da")).Defaults.stop_words)


def _face_ends(face: str, capital: str, lang: str) -> bool:
    """Whether a smiley or an emoji (`face`) ends its sentence before `capital`, a word
    that opens with a capital: a smiley always, an emoji before a function word."""
    if face[0] in EMOTICON_FIRST:
        return EMOTICON_RE.fullmatch(face) is not None
    return ord(face[0]) >= 0x2600 and EMOJI_RE.fullmatch(face) is not None and capital.lower() in _stop_words(lang)


def _starts_sentence(text: str) -> bool:
    ch = text[0]
    return ch.isupper() or ch.isdigit() or ch in OPENERS or ch == "§"


def _line_sentences(line: str, lang: str) -> list[tuple[int, int]]:
    # Space tokens (NBSP, thin spaces) are dropped; gaps are read from the offsets.
    toks = [t for t in tokenizer(lang)(line) if not t.is_space]
    _, may_end = _abbreviations()
    n = len(toks)

    def glued(a: int) -> bool:
        return toks[a].idx + len(toks[a].text) == toks[a + 1].idx

    spans: list[tuple[int, int]] = []
    start_tok = 0
    i = 0
    while i < n - 1:
        tok = toks[i]
        split_after: int | None = None
        if TERMINAL_RE.match(tok.text):
            j = i
            # "?!" and "!!" arrive as separate tokens; the run ends the sentence together.
            while j + 1 < n and TERMINAL_RE.match(toks[j + 1].text) and glued(j):
                j += 1
            # Closing quotes and brackets glued to the stop belong to this sentence.
            while j + 1 < n and toks[j + 1].text[0] in CLOSERS and glued(j):
                j += 1
            list_number = i == 1 and toks[0].text.isdigit() and tok.text == "."
            if j + 1 < n and _starts_sentence(toks[j + 1].text) and not list_number:
                split_after = j
            i = j
        elif tok.text.endswith(".") and len(tok.text) > 1:
            nxt = toks[i + 1].text
            if ORDINAL_RE.match(tok.text):
                # "§ 7. Det er nok." ends a sentence; "den 7. januar" does not (months are
                # lower-case in Nordic languages, so an upper-case word means a new sentence).
                # At the start of a line it is a list number ("1. Mer klienttid ...").
                prev = toks[i - 1].text.lower() if i > 0 else ""
                if i > 0 and nxt[0].isupper() and prev not in ("den", "d.", "the"):
                    split_after = i
            elif tok.text in may_end and nxt[0].isupper():
                split_after = i
        elif i > 0 and toks[i + 1].text[0].isupper() and _face_ends(tok.text, toks[i + 1].text, lang):
            split_after = i
        if split_after is not None:
            spans.append((toks[start_tok].idx, toks[split_after].idx + len(toks[split_after].text)))
            start_tok = split_after + 1
        i += 1
    if start_tok < n:
        spans.append((toks[start_tok].idx, toks[n - 1].idx + len(toks[n - 1].text)))
    return spans


# A line that shows nothing: Reddit's editor writes a spacer paragraph as the entity
# "&#x200B;" (a zero-width space; 28 DAST posts have one), other editors "&nbsp;". Left in,
# each became a sentence and a unit of its own that annotators were asked to type.
BLANK_LINE_RE = re.compile(
    r"(?:\s|[\u200b-\u200d\u2060\ufeff]|&(?:#x200[bcd]|#820[345]|#160|nbsp|zwsp|zwj|zwnj);)*", re.I
)


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of every sentence in `text`; `text[start:end]` is it."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not BLANK_LINE_RE.fullmatch(stripped):
            for s, e in _line_sentences(line, lang):
                spans.append((offset + s, offset + e))
        offset += len(line) + 1
    return spans
