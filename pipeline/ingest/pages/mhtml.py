"""A page saved as one MHTML file (Chrome's and Edge's "Webpage, Single File", `.mhtml` or
`.mht`): the page's HTML, taken out of its MIME archive.

The archive is a multipart/related message whose first text/html part is the page,
encoded quoted-printable or base64 in the charset its part names; its images and styles
are not read. Each frame of the page is a text/html part of its own, which the page's
`<iframe src="cid:frame-...@mhtml.blink">` names, read where it stands
(`pipeline.ingest.pages.frames`). Python's `email` package reads the archive; what is written
here is the choice of part.
"""

from __future__ import annotations

import email
import email.policy
from email.message import Message
from pathlib import Path

from pipeline.core.artifacts import read_bytes
from pipeline.core.compressed import compression_of
from pipeline.core.errors import InputError
from pipeline.ingest.pages.frames import inline_frames

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


def mhtml_html(path: Path) -> tuple[str, int]:
    """The HTML of the page an MHTML archive at `path` holds, each of its frames' bodies in
    place of the frame's `<iframe>`; and how many frames were so read."""
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
        return page, 0
    return inline_frames(page, lambda src: _frame(frames, src, path))


def _frame(frames: dict[str, Message], src: str, path: Path) -> str | None:
    """The document of the frame an `<iframe src="cid:...">` names, if the archive holds it."""
    if not src.lower().startswith("cid:"):
        return None
    part = frames.get(src[4:].lstrip("/"))
    return _decoded(part, path, "frame") or "" if part is not None else None
