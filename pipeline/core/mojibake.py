"""Text decoded twice: UTF-8 read as Windows-1252 and saved again, undone.

Ingest repairs it in thread files and pages, review in the sheets annotators fill.
"""

from __future__ import annotations

import re

# UTF-8 read as Windows-1252 and saved again ("SocialrÃ¥dgiver", "Ã¦Ã¸Ã¥", "â€“"), as an
# Excel round trip or a scraper that guessed the page's encoding leaves Danish and Swedish
# text. ftfy undoes it only where its measure of such damage says the text holds it (on
# DAST's and the seeds' 4,361 texts it changes none); the marks keep its cost off clean text.
_MOJIBAKE_MARKS_RE = re.compile("[ÃÂ]|â€")


def decoded_once(value: str) -> str:
    """`value` with what a second decoding as Windows-1252 did to its UTF-8 undone."""
    if not _MOJIBAKE_MARKS_RE.search(value):
        return value
    import ftfy

    return ftfy.fix_encoding(value)


# What ingest's note says, after what was decoded once ("3 post(s) whose text or names", "the page's text").
MOJIBAKE_NOTE = (
    "{what} had been decoded twice (UTF-8 read as Windows-1252: 'SocialrÃ¥dgiver' for 'Socialrådgiver'): "
    "decoded once (ftfy)"
)
