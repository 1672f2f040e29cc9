"""A `.json` file's records read one at a time, in bounded memory, whatever its layout.

Researchers' exports come as JSON lines, as one JSON array of records (a scraper's posts,
`pandas.to_json(orient="records")`, an API timeline), indented or on one line, or as an
API response whose only member is that array (`{"data": [...]}`). A collector's array can
be gigabytes on one line, so nothing here reads a whole file or a whole line to tell
which layout it is: the head and the tail of the file say it, and the records are decoded
from a sliding window of the text.

Written here rather than taken from a library: `json`'s own `raw_decode` does the decoding;
a streaming parser (ijson) would give the records but not the line each starts on, which
every error and every post's `source` names.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pipeline.core.artifacts import encoding_of, open_text, read_text_utf8, text_stream
from pipeline.core.compressed import compression_of, inner_suffix, read_errors
from pipeline.core.errors import InputError

# A first line longer than this is not read to recognise a file (a minified array of
# posts is one line): the layout is told from the file's head and tail instead.
LINE_LIMIT = 8 << 20
CHUNK = 1 << 20
_WRAPPER_HEAD_RE = re.compile(r'\{\s*"(?:[^"\\]|\\.)*"\s*:\s*\[')
_WHITESPACE = " \t\r\n"

Layout = Literal["array", "wrapped", "lines", "document"]


def first_line(path: Path, encoding: str | None = None, limit: int | None = None) -> str | None:
    """The first non-blank line of a text file, read in chunks; None when the file has none
    or it is longer than `limit` characters (then it is not read further)."""
    limit = LINE_LIMIT if limit is None else limit
    rest = ""
    try:
        with text_stream(path, encoding_of(path, encoding) or "utf-8-sig", errors="replace") as fh:
            while chunk := fh.read(1 << 16):
                rest = (rest + chunk).lstrip(_WHITESPACE)
                end = rest.find("\n")
                if end >= 0:
                    return rest[:end]
                if len(rest) > limit:
                    return None
    except read_errors():
        return None  # a damaged compressed file: its reader says so
    return rest or None


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".json")


def first_json_record(path: Path) -> Any | None:
    """The first record of a JSON-lines file, to tell which tool wrote it; None when the
    file is no JSON-lines file, its first line is not JSON (the reader then says why) or
    is longer than `LINE_LIMIT` (a minified array: `json_sample` reads its first record)."""
    path = Path(path)
    if inner_suffix(path) not in JSON_LINES_SUFFIXES or not path.is_file():
        return None
    line = first_line(path)
    try:
        return json.loads(line) if line is not None else None
    except (ValueError, RecursionError):
        return None


def text_head(path: Path, encoding: str | None = None, size: int = 1 << 16) -> str:
    """The file's first `size` characters after leading whitespace (decompressed; "" where
    a compressed file cannot be read), to tell which tool wrote it."""
    try:
        with text_stream(path, encoding_of(path, encoding) or "utf-8-sig", errors="replace") as fh:
            return fh.read(size).lstrip(_WHITESPACE)
    except read_errors():
        return ""


def _ends_as_wrapper(path: Path, size: int = 4096) -> bool:
    """The file ends as an object around an array ("]}"), from its last bytes (brackets and
    whitespace are the same bytes in every encoding ingest reads, in UTF-16 beside a zero
    byte, which is dropped: no JSON text holds one). A compressed file has no end to seek
    to: True, `_array_only` decides."""
    if compression_of(path):
        return True
    with open(path, "rb") as fh:
        fh.seek(max(0, os.fstat(fh.fileno()).st_size - size))
        return re.search(rb"\]\s*\}\s*$", fh.read().replace(b"\x00", b"")) is not None


def _only_a_list(value: object) -> bool:
    return isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), list)


def json_layout(path: Path, encoding: str | None = None) -> Layout | None:
    """How a JSON file holds its records: "array" (one array), "wrapped" (objects whose only
    member is an array, one or one per line, as an API collector pages), "lines" (one
    object per line), "document" (one other JSON object, indented or not: an API
    response, an export). None for anything else (the reader then says what is wrong)."""
    line = first_line(path, encoding)
    if line is not None:
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, list):
            return "array"
        if isinstance(value, dict):
            return "wrapped" if _only_a_list(value) else "lines"
    head = text_head(path, encoding)
    if head.startswith("["):
        return "array"
    if not head.startswith("{"):
        return None
    # An indented or over-long document: an array its only member if it opens as one and
    # the file ends as one ("]}"), and nothing follows the array (read through once, a
    # record at a time); an object with more members is read whole.
    if _WRAPPER_HEAD_RE.match(head) and _ends_as_wrapper(path) and _array_only(path, encoding):
        return "wrapped"
    return "document"


class _Window:
    """The file's text from the current position on, a chunk at a time, counting lines."""

    def __init__(self, path: Path, fh) -> None:
        self.path, self.fh = path, fh
        self.text, self.pos, self.eof = "", 0, False
        self.line, self.counted = 1, 0  # the line `counted` (an offset into text) is on
        self.decoder = json.JSONDecoder()

    def more(self, at_least: int = CHUNK) -> bool:
        """Read on; False at the end of the file (positions then stay as they were)."""
        chunk = "" if self.eof else self.fh.read(max(at_least, CHUNK))
        if not chunk:
            self.eof = True
            return False
        # Drop what was read: the window holds about one record, not the file.
        self.line_at(self.pos)
        self.text, self.counted, self.pos = self.text[self.pos :] + chunk, 0, 0
        return True

    def line_at(self, offset: int) -> int:
        self.line += self.text.count("\n", self.counted, offset)
        self.counted = offset
        return self.line

    def peek(self) -> str:
        """The next character that is not whitespace (or "" at the end), not consumed."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos : self.pos + 1]

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = self.peek()
            raise InputError(self.path, self.line_at(self.pos), f"not valid JSON: expected {what}, found {found!r}")
        self.pos += 1

    def value(self) -> Any:
        """The JSON value at the position. A value cut by the window's end is read again
        with more text (twice as much each time, so a long one costs linear time); one that
        ends exactly there is too, since a number or `true` may go on."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self.more(len(self.text)):
                    continue
                raise InputError(self.path, self.line_at(exc.pos), f"not valid JSON: {exc.msg}") from None
            except RecursionError:
                raise InputError(self.path, self.line_at(self.pos), "JSON nested too deeply to read") from None
            if end == len(self.text) and self.more(len(self.text)):
                continue
            self.pos = end
            return value

    def key(self) -> str:
        """An object member's name, and the ":" after it."""
        self.peek()
        key = self.value()
        if not isinstance(key, str):
            raise InputError(self.path, self.line_at(self.pos), "not valid JSON: an object's key is not a string")
        self.expect(":", '":"')
        return key

    def elements(self) -> Iterator[tuple[int, Any]]:
        """After an array's "[": (line it starts on, value) of each element, one at a time,
        up to and past the array's "]"."""
        while (c := self.peek()) != "]":
            if c == "":
                raise InputError(self.path, self.line_at(self.pos), "not valid JSON: the array is never closed")
            line = self.line_at(self.pos)
            yield line, self.value()
            if (c := self.peek()) == ",":
                self.pos += 1
            elif c not in ("]", ""):
                raise InputError(self.path, self.line_at(self.pos), "not valid JSON: expected ',' or ']' in an array")
        self.pos += 1


def _array_only(path: Path, encoding: str | None) -> bool:
    """The object that opens the file has its array as its only member (Mastodon's context
    response, `{"ancestors": [...], "descendants": [...]}`, has two)."""
    try:
        with open_text(path, encoding) as fh:
            w = _Window(Path(path), fh)
            w.expect("{", "an object")
            w.key()
            w.expect("[", "an array")
            for _ in w.elements():
                pass
            return w.peek() == "}"
    except InputError:
        return False


def json_records(path: Path, encoding: str | None = None) -> Iterator[tuple[int, Any]]:
    """(line it starts on, value) of each element of an "array" or "wrapped" file (every
    wrapper's array in turn, when a collector saved one response per line), decoded one
    at a time; an error names the line where the file stops being readable."""
    with open_text(path, encoding) as fh:
        w = _Window(Path(path), fh)
        n = 0
        while (opening := w.peek()) != "":
            if opening == "{":
                w.pos += 1
                w.key()  # {"data": [ ... ]}: read to reach the array
            w.expect("[", "an array of records")
            for line, value in w.elements():
                n += 1
                yield line, value
            if opening == "{":
                w.expect("}", "the end of an object whose only member is the array")
        if not n:
            raise InputError(w.path, w.line_at(w.pos), "empty array: no records")


def object_members(path: Path, stream: str, encoding: str | None = None) -> Iterator[tuple[str, int, Any]]:
    """(member, line it starts on, value) of the one JSON object a file holds, in the file's
    order, each value whole but the array under `stream`, which comes an element at a time
    as (`stream`, line, element): a chat export of a million messages is never held whole.
    An error names the line where the file stops being readable."""
    with open_text(path, encoding) as fh:
        w = _Window(Path(path), fh)
        w.expect("{", "an object")
        while w.peek() != "}":
            key = w.key()
            if key == stream:
                w.expect("[", f"an array of {stream}")
                for line, value in w.elements():
                    yield key, line, value
            else:
                w.peek()
                line = w.line_at(w.pos)
                yield key, line, w.value()
            if w.peek() == ",":
                w.pos += 1
            elif w.peek() != "}":
                found = w.peek()
                raise InputError(
                    w.path, w.line_at(w.pos), f"not valid JSON: expected ',' or '}}' between members, found {found!r}"
                )
        w.pos += 1
        if w.peek() != "":
            raise InputError(w.path, w.line_at(w.pos), "not valid JSON: more after the object's end")


def json_sample(path: Path, encoding: str | None = None) -> dict | list | None:
    """A `.json` file as one JSON object, or for an array of records (an API's timeline, a
    scraper's posts, `{"data": [...]}`) its first record in a list, enough to tell who
    wrote it: such a file is then read record by record (`json_records`), never loaded
    whole as Python objects. None when the file is neither (the thread-file reader then
    says what is wrong, naming the line). Each reader that tells a `.json` file's maker
    asks this, not `json.load`."""
    try:
        layout = json_layout(path, encoding)
        if layout in ("array", "wrapped"):
            return [next(iter(json_records(path, encoding)))[1]]
        if layout != "document":
            return None
        document = json.loads(read_text_utf8(path, encoding))
    except (InputError, ValueError, RecursionError, StopIteration, OSError):
        return None
    return document if isinstance(document, dict) else None
