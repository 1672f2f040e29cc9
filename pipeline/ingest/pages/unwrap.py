"""A page saved as text with its lines wrapped at a fixed width (html2text wraps at 78
characters, `lynx -dump` at 79, `w3m -dump` at 80) rejoined into the lines the page had.

Wrapped, a paragraph is several lines none of which ends a sentence, and the page parser
takes each for a headline, a name or a paragraph of its own. No library rejoins text a
wrapper broke, so it is done here, by the rule the wrapper followed: a greedy wrapper
breaks a line only where the next word would not have fitted, so a line is joined to the
next exactly where the next line's first word would have run past the width.
"""

from __future__ import annotations

# Widths text dumps wrap at lie between these; a page whose longest line is outside them
# was not wrapped (or not so that it can be undone).
MIN_WIDTH, MAX_WIDTH = 64, 100
# A wrapped page fills its lines, and a full line runs on into the next (its paragraph's
# rest): at least MIN_FULL lines end within SLACK characters of the width, this share of
# them goes on on the next line, and half of those end mid-sentence. A page of paragraphs
# a line each, however long, does not.
SLACK, MIN_FULL, RUN_ON_SHARE = 12, 3, 0.75
# Lines that open a list item or a comment are never joined to the line above.
ITEM_MARKS = ("•", "* ", "- ", "– ", "> ")


def wrap_width(lines: list[str]) -> int | None:
    """The width `lines` were wrapped at, or None where they were not wrapped."""
    worded = [n for n, line in enumerate(lines) if " " in line.strip()]
    if not worded:
        return None
    width = max(len(lines[n].rstrip()) for n in worded)
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        return None
    full = [n for n in worded if len(lines[n].rstrip()) >= width - SLACK]
    run_on = [n for n in full if n + 1 < len(lines) and lines[n + 1].strip() and not _opens_item(lines[n + 1])]
    # A wrapper breaks lines mid-sentence; a page of whole sentences a line each (comments
    # over their buttons) ends its long lines with full stops.
    mid_sentence = sum(lines[n].rstrip()[-1:] not in ".!?:" for n in run_on)
    if len(full) < MIN_FULL or len(run_on) < RUN_ON_SHARE * len(full) or mid_sentence < len(run_on) / 2:
        return None
    return width


def _label_after_sentence(before: str, line: str) -> bool:
    """A few words, or a row of them ("Synes godt om · Svar · 3 t"), with no full stop under
    a line that ends a sentence: buttons, a heading or a link ("Svara", "Læs også") after a
    paragraph that happened to fill its last line, not the paragraph's rest (which, wrapped,
    ends a sentence or fills its line)."""
    return (
        before.rstrip()[-1:] in ".!?:"
        and line[-1:] not in ".!?"
        and (len(line.split()) <= 4 or any(sep in line for sep in (" · ", " | ", " • ")))
    )


def _opens_item(line: str) -> bool:
    return line.strip().startswith(ITEM_MARKS)


def unwrapped(text: str) -> tuple[str, int | None]:
    """`text` with the lines a wrapper broke joined again, and the width it wrapped at
    (None, and `text` unchanged, where it was not wrapped)."""
    lines = text.split("\n")
    width = wrap_width(lines)
    if width is None:
        return text, None
    out: list[str] = []
    before = ""  # the line above as the wrapper wrote it (not as joined)
    for line in lines:
        stripped = line.strip()
        if (
            stripped
            and before.strip()
            and not _opens_item(line)
            and len(before.rstrip()) + 1 + len(stripped.split()[0]) > width
            and not _label_after_sentence(before, stripped)
        ):
            out[-1] = f"{out[-1].rstrip()} {stripped}"
        else:
            out.append(line)
        before = line
    return "\n".join(out), width
