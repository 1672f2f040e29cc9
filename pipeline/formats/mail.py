"""E-mail debates: a mailing list's archive (an mbox file, as Mailman's Pipermail and
HyperKitty, Thunderbird, Apple Mail and Google Takeout export it) or single messages saved
as `.eml` (or by Outlook as `.msg`: `pipeline.formats.outlook`), as thread rows.

Unions, associations and networks of the field debate on mailing lists, and their archives
are mbox files: every message after a `From ` separator line, its headers, a blank line,
its body. A message names the one it answers in `In-Reply-To` (else the last of its
`References`), so who answers whom is stated, not inferred. Mapping
(docs/input-formats.md):

  Message-ID               id (without the angle brackets)
  In-Reply-To, References  parent_id: In-Reply-To's message, else the last of References
  the chain's first message
                           thread_id: a message that answers none opens a thread; a reply
                           belongs to the thread its chain starts (ingest's row store)
  From                     author: the display name, else the address (a Pipermail
                           archive's "jens at example.dk" read as jens@example.dk)
  Date                     created (with its offset from UTC)
  Subject                  title, without "Re:", "SV:", "VS:", "AW:", "Fwd:" and the list's
                           "[tag]"; left out of a reply whose subject is its parent's
  the body                 text: the plain-text part (else the HTML part read as text)
  the signature            author_description: what follows the "-- " line, where people
                           write who they are ("Socialrådgiver, Aarhus Kommune"), which the
                           respondent roles read

What a body holds of other people's words is kept as quotation, which every stage already
reads as someone else's: lines quoted with ">" stay so, and a top-posted reply's copy of
the message below it (Outlook's "-----Oprindelig meddelelse-----", or a "Fra: ... Sendt:
..." header block) becomes ">" lines too, so that the quoted writer's words are neither
the replier's own (their role, their stance) nor lost. A mailing list's footer (a line of
underscores over the list's name and address) is dropped, and so is the notice of an
attachment Mailman removed ("-------------- next part --------------"). A reply to a
message that is not in the archive (an earlier month's file) gets that message as the
empty root of its chain, and a note says so; the thread's target is then the subject
its replies carry (ingest's build). The archive is read a message at a time. A list's
digest is read as the messages it holds (`digest_messages`). No message takes the
list's name as its topic: a message cross-posted to two lists is one message in both
archives (the same Message-ID), which two topics would make a duplicate id.

No library reads a whole mbox as a stream of (line, message) with Pipermail's separators
and its obfuscated addresses; each message is parsed by the standard library's `email`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import IO

from pipeline.core.compressed import inner_suffix, open_binary, plain_stem, read_errors, readable
from pipeline.core.errors import InputError
from pipeline.core.schema import PENDING_THREAD, Note, check_id
from pipeline.formats.mailtext import text_message, without_mime
from pipeline.formats.outlook import looks_like_outlook, outlook_message
from pipeline.ingest.markup import html_text

MAIL_SUFFIXES = (".mbox", ".mbx", ".eml", ".emlx", ".txt", "")
# Apple Mail keeps each message as `.emlx` (`.partial.emlx` without its attachments): the
# message's length in bytes on the first line, the message, then a property list of flags.
EMLX_LENGTH_RE = re.compile(rb"^\s*(\d{1,12})\s*\r?\n")
# mbox's separator: "From " with the sender and the date as asctime writes it ("From
# jens at example.dk  Mon Mar  4 10:15:02 2024", "From MAILER-DAEMON Fri Jan  5 ...").
SEPARATOR_RE = re.compile(
    rb"^From \S.{0,200}?\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    rb"[ \d]?\d \d?\d:\d\d(?::\d\d)?(?: [+-]\d{4})? \d{4}"
)
# mboxrd escapes a body line that starts with "From " (after any ">") with one more ">".
ESCAPED_FROM_RE = re.compile(rb"^>(>*From )")
HEADER_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]", re.MULTILINE)
MESSAGE_ID_RE = re.compile(r"<([^<>\s]+)>")
# A Pipermail archive hides addresses as "jens at example.dk" (with the name after, in
# parentheses), which `parseaddr` reads as the user name alone.
OBFUSCATED_RE = re.compile(r"^\s*([^\s@()]+) at ([^\s@()]+\.[^\s@()]+)\s*(?:\((.*)\))?\s*$")
# Reply and forward prefixes in the languages of the lists read here, repeated ("SV: Re:"),
# and a list's subject tag ("[debat]").
SUBJECT_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|sv|vs|aw|wg|fw|fwd|vb|vl|antw|odp)\s*(?:\[\d+\])?\s*:\s*|\[[^\]]{1,40}\]\s*)+", re.IGNORECASE
)
# Where a top-posted reply's copy of the message it answers starts.
ORIGINAL_RE = re.compile(
    r"^\s*-{2,}\s*(?:original message|oprindelig (?:meddelelse|besked|mail)|original meddelelse|"
    r"ursprungligt meddelande|ursprungligt mejl|opprinnelig melding|forwarded message|"
    r"videresendt (?:meddelelse|besked|melding)|vidarebefordrat meddelande)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Apple Mail heads a forwarded message with a line of its own, in the user's language.
FORWARDED_RE = re.compile(
    r"^\s*(?:begin forwarded message|start på videresendt (?:besked|meddelelse|e-mail)|"
    r"början på vidarebefordrat (?:meddelande|mejl|brev)|start på videresendt melding)\s*:\s*$",
    re.IGNORECASE,
)
ORIGINAL_FROM_RE = re.compile(r"^\s*\*?(?:fra|from|från)\s*:\*?\s+\S", re.IGNORECASE)
ORIGINAL_SENT_RE = re.compile(r"^\s*\*?(?:sendt|sent|skickat|dato|date|datum)\s*:\*?\s+\S", re.IGNORECASE)
# Mailman's footer: a line of underscores over the list's name, address or web page.
FOOTER_RE = re.compile(r"^_{20,}\s*$")
# Mailman's scrubber puts a notice where it removed an attachment (a file, the HTML copy of
# the message): "-------------- next part --------------", in Danish "næste del", in
# Swedish "nästa del".
NEXT_PART_RE = re.compile(r"^-{5,}\s*(?:next part|næste del|nästa del|neste del)\s*-{5,}\s*$", re.IGNORECASE)
FOOTER_NAME_RE = re.compile(r"mailing ?list|mailliste|postliste|e-?postlista|sändlista|listinfo|mailman", re.IGNORECASE)
# A plain-text digest (RFC 1153; Mailman's, in the list's language): its table of
# contents, and each message's start after a line of dashes; a message ends at the next
# line of 30 dashes.
DIGEST_TOPICS_RE = re.compile(
    r"^\s*(?:today's topics|dagens emner|dagens ämnen|heutige themen)\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
DIGEST_MESSAGE_RE = re.compile(
    r"^-{20,}[ \t]*\n(?:[ \t]*\n)*(?:message|meddelelse|meddelande|melding|besked|nachricht):[ \t]*\d+[ \t]*\n",
    re.IGNORECASE | re.MULTILINE,
)
DIGEST_PART_END_RE = re.compile(r"^-{30,}[ \t]*$", re.MULTILINE)
VIA_RE = re.compile(r"['\"]?\s+via\s+[^<>]+$")
SIGNATURE = "-- "
SIGNATURE_LINES = 6
SIGNATURE_CHARS = 300


def _head(path: Path, size: int = 8192) -> bytes:
    try:
        with readable(path), open_binary(path) as fh:
            return fh.read(size)
    except (InputError, *read_errors()):
        return b""


def _header_block(head: bytes) -> set[str]:
    """The header names of a message's first lines (up to its first blank line)."""
    text = head.decode("latin-1").replace("\r\n", "\n")
    block = text.split("\n\n", 1)[0]
    if not block.strip() or not HEADER_RE.match(block):
        return set()
    return {m.group(1).lower() for m in HEADER_RE.finditer(block)}


def looks_like_mail(path: Path) -> bool:
    """True for an mbox (a first line that is mbox's separator, headers under it) and for a
    saved message (`.eml`, or a text file that opens with a message's headers: From, Date,
    and a Subject or Message-ID), and for Outlook's (`.msg`) and Apple Mail's (`.emlx`)."""
    path = Path(path)
    suffix = inner_suffix(path)
    if suffix == ".msg":
        return looks_like_outlook(path)
    if suffix not in MAIL_SUFFIXES or not path.is_file():
        return False
    head = _head(path)
    if suffix == ".emlx":
        m = EMLX_LENGTH_RE.match(head)
        return m is not None and "from" in _header_block(head[m.end() :])
    head = head.lstrip(b"\r\n")
    low = head.lower()
    if low.startswith(b"from: <saved by") or b"\nsnapshot-content-location:" in low:
        return False  # a page a browser saved as MHTML: MIME too, but no message
    first, _, rest = head.partition(b"\n")
    if first.startswith(b"From ") and SEPARATOR_RE.match(first):
        return bool(_header_block(rest) & {"from", "message-id", "date", "subject"})
    names = _header_block(head)
    if suffix == ".eml":
        return "from" in names
    return {"from", "date"} <= names and bool(names & {"subject", "message-id"})


def _messages(fh: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line, bytes) of each message of an mbox (or of the one message of a saved
    message), the line being the separator's (or 1). A "From " line is a separator at the
    start of the file or after a blank line, and only in mbox's date form: archives that
    did not escape a body's "From " lines are still read right."""
    lines: list[bytes] = []
    start, blank, n = 1, True, 0
    for n, raw in enumerate(fh, start=1):
        if raw.startswith(b"From ") and blank and SEPARATOR_RE.match(raw):
            if any(line.strip() for line in lines):  # not the blank lines before the first
                yield start, b"".join(lines)
            lines, start, blank = [], n, False
            continue
        blank = not raw.strip()
        lines.append(ESCAPED_FROM_RE.sub(rb"\1", raw))
    if lines and any(line.strip() for line in lines):
        yield start, b"".join(lines)


def _file_messages(path: Path, unread: list[str]) -> Iterator[tuple[int, bytes]]:
    """(line, bytes) of each message of a mail file: an mbox's, a saved message's (Apple
    Mail's after its length line), or an Outlook message's as the e-mail it was (what of
    it could not be read added to `unread`)."""
    if looks_like_outlook(path):
        raw, missing = outlook_message(path)
        if missing:
            unread.append(f"Outlook message {path.name}: {missing}")
        yield 1, raw
        return
    with readable(path), open_binary(path) as fh:
        if inner_suffix(path) == ".emlx":
            data = fh.read()
            m = EMLX_LENGTH_RE.match(data)
            if m is None:
                raise InputError(path, 1, "not an Apple Mail message (.emlx): no length on its first line")
            yield 2, data[m.end() : m.end() + int(m.group(1))]
            return
        yield from _messages(fh)


def digest_messages(msg: Message, parser: BytesParser, body: str | None = None) -> tuple[list[Message], bool] | None:
    """The messages a list's digest holds, and whether it is a plain-text one; None for a
    message that is no digest.

    A list member who takes the digest has each day's messages in one message: a MIME
    digest holds each whole (`multipart/digest` of `message/rfc822` parts, their reply
    headers kept); a plain-text digest (RFC 1153, Mailman's default) lists them in its body
    after "Today's Topics", each after a line of dashes and "Message: 3", under a few of its
    headers (Mailman keeps no In-Reply-To there). Read as one message, a digest would be one
    post by the list of everyone's words. `body`: the message's body as text, where the
    caller has read it already."""
    inner = [
        sub.get_payload()[0]
        for part in msg.walk()
        if part.get_content_type() == "multipart/digest"
        for sub in part.get_payload()
        if isinstance(sub, Message) and sub.get_content_type() == "message/rfc822" and sub.get_payload()
    ]
    if inner:
        return [m for m in inner if isinstance(m, Message)], False
    if msg.is_multipart() or msg.get_content_type() != "text/plain":
        return None
    body = _body(msg)[0] if body is None else body
    starts = list(DIGEST_MESSAGE_RE.finditer(body)) if DIGEST_TOPICS_RE.search(body) else []
    if not starts:
        return None
    messages = []
    for i, m in enumerate(starts):
        block = body[m.end() : starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        head, _, text = block.partition("\n\n")
        # The digest's footer and end line follow its last message, after a line of dashes.
        text = DIGEST_PART_END_RE.split(text, maxsplit=1)[0]
        messages.append(parser.parsebytes(text_message(without_mime(head), text)))
    return messages, True


def _header(msg: Message, name: str) -> str:
    """A header's decoded value ("" where it is absent), read from what the message holds
    as written: MIME's encoded words decoded, and a header written in 8-bit bytes instead
    (as many mail programs did) read as UTF-8, else in the body's character set, else as
    Windows-1252. (The email package's parsed headers take ten times as long, and turn
    Pipermail's "anna at example.dk (Anna Holm)" into a quoted string without the name.)"""
    raw = next((v for k, v in msg.raw_items() if k.lower() == name), None)
    if not isinstance(raw, str):
        return ""
    value = raw if raw.isascii() else _eight_bit(raw.encode("ascii", "surrogateescape"), msg)
    if "=?" in value:
        try:
            value = str(make_header(decode_header(value)))
        except (ValueError, LookupError, UnicodeError, HeaderParseError):
            pass
    return " ".join(value.split())


def _eight_bit(raw: bytes, msg: Message) -> str:
    """A header's 8-bit bytes as text: UTF-8, else the body's character set (looked up only
    then: it parses the Content-Type header), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8", None, "cp1252"):
        encoding = encoding or msg.get_content_charset()
        if encoding:
            try:
                return raw.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return raw.decode("latin-1")


def _author(value: str) -> str | None:
    m = OBFUSCATED_RE.match(value)
    if m:
        return (m.group(3) or "").strip() or f"{m.group(1)}@{m.group(2)}"
    name, address = parseaddr(value)
    # A list that rewrites its senders' addresses (DMARC) names them "Jens Hansen via Debat":
    # one person, whichever list carried the message.
    name = VIA_RE.sub("", name.strip()).strip("'\" ")
    return name or address.strip() or value.strip() or None


def _body(msg: Message) -> tuple[str, bool]:
    """The body as text (the first plain-text part that is no attachment, else the first
    HTML part, read as text), and whether it was not in the character set its headers
    name (then read as UTF-8, else Windows-1252, with replacements)."""
    plain = html = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    part = plain or html
    if part is None:
        return "", False
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    named = part.get_content_charset()
    damaged = False
    try:
        text = data.decode(named or "utf-8")
    except (LookupError, UnicodeDecodeError):
        # No character set named: old Danish and Swedish mail is Windows-1252 or Latin-1.
        damaged = named is not None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if part is html:
        text = html_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n"), damaged


def split_body(text: str) -> tuple[str, str | None, bool]:
    """(text, signature, whether a copy of an earlier message was marked as quoted): the
    body without its list footer, the notice Mailman's scrubber left of an attachment and
    its signature (after a "-- " line), and with a top-posted copy of the message below it
    quoted line by line."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        footer = FOOTER_RE.match(line) and any(FOOTER_NAME_RE.search(x) for x in lines[i + 1 : i + 4])
        if footer or NEXT_PART_RE.match(line):
            lines = lines[:i]
            break
    signature = None
    quoted = False
    for i, line in enumerate(lines):
        if (
            ORIGINAL_RE.match(line)
            or FORWARDED_RE.match(line)
            or (ORIGINAL_FROM_RE.match(line) and any(ORIGINAL_SENT_RE.match(x) for x in lines[i + 1 : i + 4]))
        ):
            lines = lines[:i] + [f"> {x}".rstrip() for x in lines[i:]]
            quoted = True
            break
    if SIGNATURE in lines:
        # The last "-- " line outside the quoted copy: the writer's own signature.
        cut = max(i for i, line in enumerate(lines) if line == SIGNATURE)
        # Netiquette keeps a signature to four lines; a company's disclaimer under it is
        # no self-description.
        own = [x.strip() for x in lines[cut + 1 :] if x.strip() and not x.startswith(">")]
        signature = "; ".join(own[:SIGNATURE_LINES])[:SIGNATURE_CHARS] or None
        lines = lines[:cut] + [x for x in lines[cut + 1 :] if x.startswith(">")]
    return "\n".join(lines).strip(), signature, quoted


def message_id(value: str) -> str:
    """A Message-ID as a post's id; one that no id may be (over `MAX_ID_CHARS` characters, or
    with control characters: a spam tool's, a broken client's) stands as a hash of itself,
    which a reply naming it hashes the same way, so the link holds."""
    try:
        return check_id(value) or value
    except ValueError:
        return "message-id-" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def subject_of(value: str) -> str:
    """A subject without its reply and forward prefixes and its list tag."""
    return SUBJECT_PREFIX_RE.sub("", value).strip()


def read_mail(path: Path, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts for an mbox's messages (or a saved message, Outlook's too), in the file's order,
    each with the line its message starts on. A reply's thread is the message its chain
    starts from, which ingest's row store finds (`RowStore.derive_threads`)."""
    parser = BytesParser(policy=policy.compat32)
    stem = plain_stem(path)
    subjects: dict[str, str] = {}
    read = no_id = quoted = damaged = undated = signed = digests = plain_digests = 0
    unread: list[str] = []
    for line, raw in _file_messages(path, unread):
        msg = parser.parsebytes(raw)
        if msg.defects and not HEADER_RE.match(raw.decode("latin-1")):
            raise InputError(path, line, "not an e-mail message: no headers where the message starts")
        whole = _body(msg)
        digest = digest_messages(msg, parser, whole[0])
        if digest is not None:
            digests += 1
            plain_digests += digest[1]
        for k, one in enumerate(digest[0] if digest is not None else [msg], start=1):
            read += 1
            ids = MESSAGE_ID_RE.findall(_header(one, "message-id"))
            if ids:
                mid = message_id(ids[0])
            else:
                no_id += 1
                mid = f"{stem}:{line}" + (f":{k}" if digest is not None else "")
            answers = (
                MESSAGE_ID_RE.findall(_header(one, "in-reply-to"))
                or MESSAGE_ID_RE.findall(_header(one, "references"))[-1:]
            )
            parent = message_id(answers[0]) if answers else None
            parent = parent if parent != mid else None
            created = None
            if date := _header(one, "date"):
                try:
                    created = parsedate_to_datetime(date).isoformat()
                except (TypeError, ValueError, IndexError, OverflowError):
                    undated += 1
            body, bad = _body(one) if digest is not None else whole
            damaged += bad
            text, signature, was_quoted = split_body(body)
            quoted += was_quoted
            signed += signature is not None
            subject = subject_of(_header(one, "subject"))
            subjects[mid] = subject
            same = parent is not None and subjects.get(parent) == subject
            yield (
                line,
                {
                    "id": mid,
                    "thread_id": PENDING_THREAD + mid,
                    "parent_id": parent,
                    "author": _author(_header(one, "from")),
                    "author_description": signature,
                    "created": created,
                    "title": None if same else subject or None,
                    "text": text,
                },
            )
    if not read:
        raise InputError(path, 1, "an mbox without messages")
    said = [f"{read} message(s) read"]
    if digests:
        said.append(
            f"{digests} digest(s) read as the messages they hold"
            + (
                f" ({plain_digests} of them plain-text digests, which keep no In-Reply-To: their messages are not "
                "linked to what they answer; the list's archive or its MIME digests are)"
                if plain_digests
                else ""
            )
        )
    if quoted:
        said.append(f"{quoted} top-posted reply(ies) whose copy of the message below was marked as quoted")
    if signed:
        said.append(f"{signed} signature(s) read as their writer's self-description")
    if no_id:
        said.append(f"{no_id} message(s) without a Message-ID given '<file>:<line>' as id")
    if undated:
        said.append(f"{undated} Date header(s) that are no date left out")
    if damaged:
        said.append(f"{damaged} body(ies) not in the character set their headers name, read with replacements")
    said += unread
    if len(said) > 1 or read > 1:  # a folder of saved messages: no note per message that says nothing
        notes.append(Note(where=str(path), kind="note", message="e-mail: " + "; ".join(said)))
