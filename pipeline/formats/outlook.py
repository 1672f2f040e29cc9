"""Outlook's saved messages (.msg): each one as the e-mail message it was, so the e-mail
reader (`pipeline.formats.mail`) reads it as it reads a saved `.eml`.

Outlook, which unions, municipalities and associations in Denmark and Sweden mostly use,
saves a message dragged out of it as a `.msg` file: a compound file (the format of old
Office documents, read here with olefile) whose streams hold the message's properties
(MS-OXMSG). A message received over the internet keeps its headers as they came
(`PR_TRANSPORT_MESSAGE_HEADERS`), Message-ID, In-Reply-To and References among them; one
sent from Outlook has them as properties of their own. Either way they become the
headers of one e-mail message with the plain-text body under them (else the HTML body),
so replies are linked by the headers, as for any e-mail. Mapping (docs/input-formats.md):

  transport headers, else           headers (without their MIME ones: the body here is
  the properties below              text already)
  0037 subject                      Subject
  0C1A / 0042 sender's name,        From ("Anna Holm <anna@example.dk>"; an Exchange
  5D01 / 0C1F / 0065 address        address "/O=EXCHANGELABS/..." is no address)
  0039 sent, else 0E06 delivered    Date
  1035, 1042, 1039                  Message-ID, In-Reply-To, References
  1000 body, else 1013 HTML body    the body

No library turns a .msg into an e-mail message without reading its attachments, RTF and
recipients too (extract-msg brings several more packages for what is not used here), and the
properties read are few: the streams are read by hand over olefile. Outlook's conversation
index (0071) is not read: a reply sent from another program starts a new index, where its
In-Reply-To still names the message it answers.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
from email.utils import format_datetime
from pathlib import Path

from pipeline.core.compressed import inner_suffix, open_binary, read_errors, readable
from pipeline.core.errors import InputError
from pipeline.formats.mailtext import text_message, without_mime

MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
STRING, STRING8, BINARY, SYSTIME, LONG = 0x001F, 0x001E, 0x0102, 0x0040, 0x0003
SUBJECT, SENDER_NAME, SENT_FOR_NAME = 0x0037, 0x0C1A, 0x0042
SENDER_ADDRESSES = (0x5D01, 0x0C1F, 0x0065)  # SMTP address, the sender's, the one sent for
SENT, DELIVERED = 0x0039, 0x0E06
MESSAGE_ID, IN_REPLY_TO, REFERENCES = 0x1035, 0x1042, 0x1039
HEADERS, BODY, HTML_BODY, RTF_BODY = 0x007D, 0x1000, 0x1013, 0x1009
INTERNET_CODEPAGE, MESSAGE_CODEPAGE = 0x3FDE, 0x3FFD
# Windows code page numbers of the 8-bit properties (an old Outlook's, or a "Unicode off"
# PST's) as Python names them.
CODEPAGES = {1252: "cp1252", 28591: "latin-1", 28605: "iso8859-15", 65001: "utf-8", 20127: "ascii", 850: "cp850"}
FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)
# What olefile raises on a damaged compound file, besides OSError.
DAMAGED = (ValueError, IndexError, KeyError, struct.error, TypeError, EOFError, RecursionError, OverflowError)


def looks_like_outlook(path: Path) -> bool:
    """A `.msg` file that is a compound file."""
    path = Path(path)
    if inner_suffix(path) != ".msg" or not path.is_file():
        return False
    try:
        with readable(path), open_binary(path) as fh:
            return fh.read(8) == MAGIC
    except (InputError, *read_errors()):
        return False


class _Message:
    """The properties of a .msg's top-level message, read as they are asked for."""

    def __init__(self, ole, fixed: dict[int, bytes]) -> None:
        self.ole = ole
        self.fixed = fixed
        streams = {e[0] for e in ole.listdir(streams=True, storages=False) if len(e) == 1}
        self.streams = {
            (int(name[12:16], 16), int(name[16:20], 16)): name
            for name in streams
            if name.startswith("__substg1.0_") and len(name) == 20 and _hex(name[12:20])
        }
        page = self.long(INTERNET_CODEPAGE) or self.long(MESSAGE_CODEPAGE)
        self.codepage = CODEPAGES.get(page or 1252, f"cp{page}")

    def raw(self, pid: int, kind: int) -> bytes | None:
        name = self.streams.get((pid, kind))
        return None if name is None else self.ole.openstream(name).read()

    def text(self, pid: int) -> str:
        data = self.raw(pid, STRING)
        if data is not None:
            return data.decode("utf-16-le", errors="replace").split("\0", 1)[0]
        data = self.raw(pid, STRING8)
        if data is None:
            return ""
        data = data.split(b"\0", 1)[0]
        try:
            return data.decode(self.codepage)
        except (LookupError, UnicodeDecodeError):
            return data.decode("cp1252", errors="replace")

    def long(self, pid: int) -> int | None:
        value = self.fixed.get((pid << 16) | LONG)
        return struct.unpack("<i", value[:4])[0] if value else None

    def time(self, pid: int) -> dt.datetime | None:
        value = self.fixed.get((pid << 16) | SYSTIME)
        if not value:
            return None
        ticks = struct.unpack("<Q", value)[0]
        try:
            return FILETIME_EPOCH + dt.timedelta(microseconds=ticks // 10)
        except OverflowError:
            return None


def _hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def _fixed_properties(data: bytes) -> dict[int, bytes]:
    """Property tag -> its 8-byte value, from a top-level message's property stream (a
    32-byte header, then 16 bytes a property: tag, flags, value)."""
    out = {}
    for at in range(32, len(data) - 15, 16):
        tag, _flags = struct.unpack_from("<II", data, at)
        out[tag] = data[at + 8 : at + 16]
    return out


def _decoded(data: bytes, codepage: str) -> str:
    """An HTML body's bytes: UTF-8 where they read so, else the message's code page."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode(codepage, errors="replace")
        except LookupError:
            return data.decode("cp1252", errors="replace")


def _one_line(value: str) -> str:
    return " ".join(value.split())


def outlook_message(path: Path) -> tuple[bytes, str | None]:
    """A .msg as the bytes of one e-mail message (headers in UTF-8, a UTF-8 body), and
    what of it could not be read (None when all was)."""
    import olefile

    try:
        with readable(path), open_binary(path) as fh:
            data = fh.read()
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            props = ole.openstream("__properties_version1.0").read() if ole.exists("__properties_version1.0") else b""
            msg = _Message(ole, _fixed_properties(props))
            return _as_email(msg)
        finally:
            ole.close()
    except InputError:
        raise
    except (OSError, *DAMAGED) as e:
        raise InputError(path, 0, f"not a readable Outlook message (.msg): {e}") from None


def _as_email(msg: _Message) -> tuple[bytes, str | None]:
    headers = without_mime(msg.text(HEADERS))
    named = {line.split(":", 1)[0].strip().lower() for line in headers if line[:1] not in (" ", "\t")}
    own = []
    if "from" not in named:
        name = _one_line(msg.text(SENDER_NAME) or msg.text(SENT_FOR_NAME)).replace('"', "'")
        address = next((a for pid in SENDER_ADDRESSES if "@" in (a := _one_line(msg.text(pid)))), "")
        # A name without an address is quoted over an empty one: bare, "Carl Dahl" reads
        # as the address "Carl".
        sender = f'"{name}" <{address}>' if name else address
        if sender:
            own.append(f"From: {sender}")
    if "date" not in named and (when := msg.time(SENT) or msg.time(DELIVERED)):
        own.append(f"Date: {format_datetime(when)}")
    for header, pid in (("Subject", SUBJECT), ("Message-ID", MESSAGE_ID)):
        if header.lower() not in named and (value := _one_line(msg.text(pid))):
            own.append(f"{header}: {value}")
    if not named & {"in-reply-to", "references"}:
        for header, pid in (("In-Reply-To", IN_REPLY_TO), ("References", REFERENCES)):
            if value := _one_line(msg.text(pid)):
                own.append(f"{header}: {value}")
    body, kind, missing = msg.text(BODY), "plain", None
    if not body.strip():
        html = msg.raw(HTML_BODY, BINARY)
        if html is not None:
            body, kind = _decoded(html, msg.codepage), "html"
        elif msg.text(HTML_BODY).strip():
            body, kind = msg.text(HTML_BODY), "html"
        elif (RTF_BODY, BINARY) in msg.streams:
            missing = "its body is kept only as RTF, which is not read: its text is empty"
    return text_message([*own, *headers], body, kind), missing
