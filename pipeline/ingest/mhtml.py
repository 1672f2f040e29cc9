"""A page saved as one MHTML file (Chrome's and Edge's "Webpage, Single File", `.mhtml` or
`.mht`): the page's HTML, taken out of its MIME archive.

The archive is a multipart/related message whose first text/html part is the page,
encoded quoted-printable or base64 in the charset its part names; its images and styles
are not read. Each frame of the page is a text/html part of its own, which the page's
`<iframe src="cid:frame-...@mhtml.blink">` names: comment widgets (Disqus, Facebook's
comments plugin) live in such frames, so each frame's body is read where its `<iframe>`
stands, as a browser shows it. Python's `email` package reads the archive; what is
written here is the choice of part and where its frames go.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message
from pathlib import Path

from pipeline.core.artifacts import read_bytes
from pipeline.core.compressed import compression_of
from pipeline.core.errors import InputError

MHTML_SUFFIXES = (".mhtml", ".mht")


def is_mhtml(path: Path) -> bool:
    """Whether `path` is an MHTML archive: by its name, or by a head that starts as one
    (Chrome writes "From: <Saved by Blink>" and a MIME-Version header first)."""
    path = Path(path)
    if path.suffix.lower() in MHTML_SUFFIXES:
        return True
    if not path.is_file() or compression_of(path) is not None:
        return False
    with open(path, "rb") as fh:
        start = fh.read(2048).lstrip().lower()
    return start.startswith((b"from: <saved by blink>", b"mime-version:")) and b"multipart/related" in start


# A frame's <iframe> in the saved page, naming the part that holds the frame's document.
_IFRAME_RE = re.compile(
    r"""<iframe\b[^>]*?\bsrc\s*=\s*["']cid:(?://)?(?P<cid>[^"'>\s]+)["'][^>]*>(?:[^<]*</iframe\s*>)?""",
    re.IGNORECASE | re.DOTALL,
)
_BODY_RE = re.compile(r"<body\b[^>]*>(?P<body>.*?)(?:</body\s*>|\Z)", re.IGNORECASE | re.DOTALL)
# Frames in frames are read as deep as a page could sensibly nest them, and each once.
_MAX_FRAME_DEPTH = 4


def _decoded(part: Message, path: Path, what: str) -> str | None:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except LookupError:
        raise InputError(path, 0, f"the archive's {what} names an unknown charset {charset!r}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            path, 0, f"the archive's {what} is not {charset} as its part says (byte {exc.start}): re-save the page"
        ) from None


def mhtml_html(path: Path) -> str:
    """The HTML of the page an MHTML archive at `path` holds, each of its frames' bodies in
    place of the frame's `<iframe>`."""
    message = email.message_from_bytes(read_bytes(path), policy=email.policy.compat32)
    page: str | None = None
    frames: dict[str, Message] = {}
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        if page is None:
            page = _decoded(part, path, "page")
            continue
        cid = (part.get("Content-ID") or "").strip().strip("<>")
        if cid:
            frames[cid] = part
    if page is None:
        raise InputError(path, 0, "an MHTML archive with no HTML page in it (no text/html part)")
    if not frames:
        return page
    used: set[str] = set()

    def inline(html: str, depth: int) -> str:
        def frame(m: re.Match[str]) -> str:
            cid = m.group("cid")
            if cid not in frames or cid in used or depth >= _MAX_FRAME_DEPTH:
                return m.group(0)
            used.add(cid)
            doc = _decoded(frames[cid], path, "frame") or ""
            body = _BODY_RE.search(doc)
            return f'<div class="mhtml-frame">{inline(body.group("body") if body else doc, depth + 1)}</div>'

        return _IFRAME_RE.sub(frame, html)

    return inline(page, 0)
