"""Kialo discussions as Kialo exports them (a discussion's "Export" as a text file) as
thread rows.

Kialo is a debate platform whose discussions are argument trees: a thesis, claims for
(Pro) and against (Con) it, and claims for and against each claim. Schools and
researchers use it, and argument mining reads its trees as support and attack relations.
The export is a plain text file:

    Discussion Title: Skal socialrådgivere autoriseres?

    1. Socialrådgivere bør have en autorisation som læger og sygeplejersker.
    1.1. Pro: En autorisation kan fratages den, der svigter borgerne.
    1.1.1. Con: -> See 1.2.
    1.2. Con: Autorisation løser ikke mangel på tid.

Some exports put a claim's text on the line under its number ("1.1. Pro:" alone, "1.
Thesis:"); a line without a number goes on the claim above. Mapping
(docs/input-formats.md):

  the file                 one thread, `thread_id` the file's name without suffixes
  Discussion Title         the thesis's `title`
  1.                       the thesis: the thread's opening post, id "<thread>:1"
  1.2.1.                   a claim, id "<thread>:1.2.1", `parent_id` "<thread>:1.2"
  Pro / Con                `reply_stance` gold `support` / `deny`: the writer's own label
                           of how the claim bears on the claim it answers (no query or
                           comment: Kialo has none)
  -> See 1.2.              a claim placed again under another: the text of the claim it
                           points to (counted in a note)

The export names no authors and no dates: every claim is its own anonymous participant.
Kialo escapes Markdown's punctuation (`\\(`, `\\[`): read without the backslashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.artifacts import open_text
from pipeline.core.compressed import inner_suffix, plain_stem
from pipeline.core.errors import InputError
from pipeline.core.jsondoc import text_head
from pipeline.core.schema import Note

TITLE_RE = re.compile(r"^\ufeff?\s*Discussion Title:\s*(.*)$")
CLAIM_RE = re.compile(r"^(\d+(?:\.\d+)*)\.(?:\s+(Thesis|Pro|Con):)?(?:\s+(.*))?$")
SEE_RE = re.compile(r"^->\s*See\s+(\d+(?:\.\d+)*)\.?\s*$")
# CommonMark's backslash escapes of ASCII punctuation, as Kialo writes them.
ESCAPED_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
STANCES = {"Pro": "support", "Con": "deny"}


def looks_like_kialo(path: Path) -> bool:
    """A `.txt` file whose first line is Kialo's "Discussion Title: ..."."""
    path = Path(path)
    if inner_suffix(path) != ".txt" or not path.is_file():
        return False
    head = text_head(path, size=1024).lstrip()
    return bool(TITLE_RE.match(head.split("\n", 1)[0]))


def _unescaped(text: str) -> str:
    return ESCAPED_RE.sub(r"\1", text).strip()


def read_kialo(path: Path, encoding: str | None, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts for a Kialo export's thesis and claims, each with its line."""
    thread = plain_stem(path)
    title: str | None = None
    claims: list[list] = []  # [line, number, label, text lines]
    with open_text(path, encoding) as fh:
        for n, raw in enumerate(fh, start=1):
            line = raw.rstrip("\n").strip()
            if title is None:
                if not line:
                    continue
                m = TITLE_RE.match(line)
                if m is None:
                    raise InputError(path, n, "a Kialo export opens with 'Discussion Title: ...'")
                title = _unescaped(m.group(1))
                continue
            m = CLAIM_RE.match(line)
            if line and claims and claims[-1][2] and not any(claims[-1][3]):
                # "1.1. Pro:" alone on its line: the claim is the next line, whatever it opens with.
                claims[-1][3].append(line)
            elif m is not None:
                claims.append([n, m.group(1), m.group(2), [m.group(3) or ""]])
            elif line and claims:
                claims[-1][3].append(line)
            elif line:
                raise InputError(path, n, "a line before the discussion's first numbered claim ('1. ...')")
    if not claims:
        raise InputError(path, 1, "a Kialo export without its numbered claims ('1. ...', '1.1. Pro: ...')")
    texts: dict[str, str] = {}
    seen_again = 0
    for line, number, label, parts in claims:
        text = "\n".join(p for p in parts if p).strip()
        see = SEE_RE.match(text)
        if see is not None and see.group(1) in texts:
            text = texts[see.group(1)]
            seen_again += 1
        else:
            text = _unescaped(text)
        if number in texts:
            raise InputError(path, line, f"claim {number}. is numbered twice")
        texts[number] = text
        parent = number.rsplit(".", 1)[0] if "." in number else None
        yield (
            line,
            {
                "id": f"{thread}:{number}",
                "thread_id": thread,
                "parent_id": f"{thread}:{parent}" if parent else None,
                "title": title if parent is None else "",
                "text": text,
                "reply_stance": STANCES.get(label or "") if parent else None,
            },
        )
    if seen_again:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"{seen_again} claim(s) placed again under another claim ('-> See 1.2.') read with "
                "the text of the claim they point to",
            )
        )
