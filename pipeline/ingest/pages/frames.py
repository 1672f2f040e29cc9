"""A saved page's frames, read where they stand, as a browser shows them.

Comment widgets (Disqus, Facebook's comments plugin) live in frames: the article's page
holds only an `<iframe>`, and the comments are the frame's own document. A browser saves
that document beside the page: Chrome's and Edge's "Webpage, Single File" (MHTML) as a
part of the archive that the `<iframe src="cid:frame-...@mhtml.blink">` names, "Webpage,
Complete" as a file in the page's folder of resources (`<iframe
src="./Artikel_files/saved_resource.html">`). Each frame's body takes its `<iframe>`'s
place. No library does this for a saved page; the tags are found by pattern, as the page
is parsed as a whole only after.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

_IFRAME_RE = re.compile(
    r"""<iframe\b[^>]*?\bsrc\s*=\s*(?P<q>["'])(?P<src>[^"'>]*)(?P=q)[^>]*>(?:[^<]*</iframe\s*>)?""",
    re.IGNORECASE,
)
_BODY_RE = re.compile(r"<body\b[^>]*>(?P<body>.*?)(?:</body\s*>|\Z)", re.IGNORECASE | re.DOTALL)
# Frames in frames are read as deep as a page could sensibly nest them, and each once.
MAX_FRAME_DEPTH = 4
# A frame file larger than this is no comment widget's document.
MAX_FRAME_BYTES = 50 * 1024 * 1024
FRAME_SUFFIXES = (".html", ".htm")


def inline_frames(page: str, document: Callable[[str], str | None]) -> tuple[str, int]:
    """`page` with each `<iframe>` whose `src` `document` finds (the frame's saved HTML, or
    None) replaced by that document's body, frames in it too; and how many were read."""
    used: set[str] = set()

    def inline(html: str, depth: int) -> str:
        def frame(m: re.Match[str]) -> str:
            src = m.group("src").strip()
            if src in used or depth >= MAX_FRAME_DEPTH:
                return m.group(0)
            doc = document(src)
            if doc is None:
                return m.group(0)
            used.add(src)
            body = _BODY_RE.search(doc)
            return f'<div class="saved-frame">{inline(body.group("body") if body else doc, depth + 1)}</div>'

        return _IFRAME_RE.sub(frame, html)

    return inline(page, 0), len(used)


def frame_file(page: Path, src: str) -> Path | None:
    """The file a page saved as "Webpage, Complete" keeps a frame's document in: `src`
    relative to the page, inside the page's folder (a page cannot point ingest at a file
    elsewhere: `../`, absolute paths and addresses are not followed), an HTML file."""
    if not src or re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*:|//|/|\\)", src):
        return None
    folder = Path(page).resolve().parent
    path = (folder / unquote(src.split("#", 1)[0].split("?", 1)[0])).resolve()
    if not path.is_relative_to(folder) or path.suffix.lower() not in FRAME_SUFFIXES or not path.is_file():
        return None
    return path if path.stat().st_size <= MAX_FRAME_BYTES else None
