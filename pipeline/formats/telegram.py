"""Telegram Desktop's chat export (`result.json`, "Export chat history" as JSON) as thread rows.

One file holds one chat (a group, a channel, a channel's discussion group): `{"name",
"type", "id", "messages": [...]}`, written as one indented JSON document, read a message
at a time (`core.jsondoc.object_members`), so that a channel's years of messages fit in
memory. A chat is one long stream; the debate
in it is its reply chains. Mapping (docs/input-formats.md):

  id                     id, as "<chat id>:<message id>" (message ids count per chat)
  reply_to_message_id    parent_id
  the chain's first message
                         thread_id: a message that replies to nothing opens a thread;
                         a reply belongs to the thread its chain starts
  from (from_id)         author: the display name, else the id
  date                   created (the export's local time, as written)
  text                   text: plain, or the parts of a formatted text joined
  the chat's name        topic

Service messages (joins, pins, title changes) say nothing: left out and counted. A reply
whose message is not in the export (deleted, or from before the export's first date) gets
that message as an empty root of its chain, and a note says so (ingest's row store, as
for Reddit dumps). Messages with only a photo or file stay, with empty text, since others
reply to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.compressed import inner_suffix, plain_stem
from pipeline.core.errors import InputError
from pipeline.core.jsondoc import object_members, text_head
from pipeline.core.schema import PENDING_THREAD, Note

CHAT_TYPES = (
    "personal_chat",
    "bot_chat",
    "private_group",
    "private_supergroup",
    "public_supergroup",
    "private_channel",
    "public_channel",
    "saved_messages",
)
# The export's first lines: its name, type and id come before the messages.
HEAD_RE = re.compile(r'^\s*\{\s*"name"\s*:.*?"type"\s*:\s*"(?:' + "|".join(CHAT_TYPES) + r')"', re.DOTALL)


def looks_like_telegram(path: Path) -> bool:
    """True for a `.json` file that opens as a Telegram Desktop chat export."""
    path = Path(path)
    if inner_suffix(path) != ".json" or not path.is_file():
        return False
    head = text_head(path, size=4096)
    return bool(HEAD_RE.match(head)) and '"messages"' in head


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in value if isinstance(p, str | dict))
    return ""


def read_telegram(path: Path, encoding: str | None, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts for a chat export's messages, in the export's order, each with the
    line it starts on; read once, a message at a time, so only the row store holds the
    chat. A reply's thread is the message its chain starts from, which may come later in
    the export than the reply itself: the rows leave it for ingest's row store to find
    (`RowStore.derive_threads`), which also names a reply cycle of a hand-edited export."""
    chat: dict = {}
    chat_id = topic = None
    said = service = 0
    found = False
    for key, line, m in object_members(path, "messages", encoding):
        if key != "messages":
            chat[key] = m
            continue
        if not found:
            # Telegram Desktop writes the chat's name, type and id before its messages.
            found = True
            chat_id = str(chat.get("id", plain_stem(path)))
            topic = chat.get("name") or None
        if not isinstance(m, dict):
            continue
        if m.get("type") != "message":
            service += 1
            continue
        said += 1
        if m.get("id") is None:
            raise InputError(path, line, "a message of the export without an id")
        mid = f"{chat_id}:{m['id']}"
        parent = m.get("reply_to_message_id")
        yield (
            line,
            {
                "id": mid,
                "thread_id": PENDING_THREAD + mid,
                "parent_id": f"{chat_id}:{parent}" if parent else None,
                "author": m.get("from") or m.get("from_id"),
                "created": m.get("date"),
                "text": _text(m.get("text")),
                "topic": topic,
            },
        )
    if not found:
        raise InputError(path, 1, "a Telegram export without a list of messages")
    if service:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"{service} service message(s) (joins, pins, title changes) left out; "
                f"{said} message(s) of chat {topic or chat_id!r} read",
            )
        )
