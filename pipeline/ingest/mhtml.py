"""A page saved as one MHTML file (Chrome's and Edge's "Webpage, Single File", `.mhtml` or
`.mht`): the page's HTML, taken out of its MIME archive.

The archive is a multipart/related message whose first text/html part is the page (the
images, styles and frames that follow are not read), encoded quoted-printable or base64
in the charset its part names. Python's `email` package reads the archive; nothing here
is written by hand but the choice of part.
"""

from __future__ import annotations

import email
import email.policy
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


def mhtml_html(path: Path) -> str:
    """The HTML of the page an MHTML archive at `path` holds."""
    message = email.message_from_bytes(read_bytes(path), policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset)
        except LookupError:
            raise InputError(path, 0, f"the archive's page names an unknown charset {charset!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(
                path, 0, f"the archive's page is not {charset} as its part says (byte {exc.start}): re-save the page"
            ) from None
    raise InputError(path, 0, "an MHTML archive with no HTML page in it (no text/html part)")
