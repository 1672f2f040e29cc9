"""An e-mail message made anew from headers and a body that is text already: what the
e-mail reader (`pipeline.formats.mail`) reads of an Outlook message's properties and of
each message a plain-text digest holds."""

from __future__ import annotations

import re

# The headers that describe a body as it travelled (multipart, base64, its character
# set): the body given here is one text, sent on as UTF-8.
MIME_HEADERS = ("content-type", "content-transfer-encoding", "mime-version", "content-disposition")


HEADER_LINE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*[ \t]*:")


def without_mime(headers: str) -> list[str]:
    """A header block's lines without the MIME headers (and their folded lines), and
    without lines that are no header: Outlook heads the headers it kept with "Microsoft
    Mail Internet Headers Version 2.0", which would end the block where it stands."""
    lines, skipping = [], True
    for line in headers.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        if line[:1] in (" ", "\t"):
            if not skipping:
                lines.append(line)
            continue
        skipping = not HEADER_LINE_RE.match(line) or line.split(":", 1)[0].strip().lower() in MIME_HEADERS
        if not skipping:
            lines.append(line)
    return lines


def text_message(headers: list[str], body: str, kind: str = "plain") -> bytes:
    """The bytes of a message of `headers` (lines without MIME ones; 8-bit values stay
    UTF-8, which the e-mail reader tries first) over `body` as UTF-8 text/`kind`."""
    mime = ["MIME-Version: 1.0", f"Content-Type: text/{kind}; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    return ("\n".join([*headers, *mime]) + "\n\n" + body.replace("\r\n", "\n")).encode("utf-8")
