"""What the readers of pages copied from a platform as text share (`copied`): a post's
words from its lines, its author, and how long a header line may be."""

from __future__ import annotations

from pipeline.ingest.deleted import DELETED_NAMES

# A header line is short: longer lines are words, and are not matched against the
# header patterns (whose lazy parts would take time on a long line).
HEADER_MAX = 300


def author_of(name: str) -> str | None:
    """A post's author: None for a deleted account (`[deleted]`)."""
    return None if name.lower() in DELETED_NAMES else name


def paragraphs(lines: list[str]) -> str:
    """Lines as a post's words: lines of a paragraph on lines, paragraphs a blank line apart."""
    out: list[str] = []
    for line in lines:
        if line:
            out.append(" ".join(line.split()))
        elif out and out[-1]:
            out.append("")
    return "\n".join(out).strip()


def nonblank(lines: list[str], i: int) -> int:
    """The index of the first nonblank line at or after `i` (len(lines) where none is)."""
    while i < len(lines) and not lines[i]:
        i += 1
    return i
