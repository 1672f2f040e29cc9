"""Records out of a large XML export, streamed: the elements a reader wants, each as the
texts and attributes of what it holds, with the line it opens on.

Comment systems export a whole site as one XML file (Disqus, WordPress). ElementTree can
stream one (`iterparse`) but keeps no line numbers, which every error here must name, so
this walks the file with the standard library's expat parser: it fetches no external
entity and refuses entities nested into a "billion laughs" (expat 2.4 and later).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from pipeline.core.compressed import inner_suffix, open_binary, read_errors
from pipeline.core.errors import InputError

CHUNK = 1 << 16


@dataclass
class Record:
    """A wanted element: its name, the line it opens on, its attributes, and the text of
    every element inside it by path ("author/name"; "" is its own text), and their
    attributes ("thread@dsq:id"). Names are as the file writes them, prefix and all
    ("wp:comment", "content:encoded"): the exports read here use fixed prefixes, and a
    local name alone would run "content:encoded" and "excerpt:encoded" together."""

    name: str
    line: int
    attrs: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)

    def text(self, path: str) -> str:
        return self.texts.get(path, "")


def xml_records(path: Path, wanted: Callable[[tuple[str, ...]], bool]) -> Iterator[Record]:
    """The elements whose path from the root (names as written) `wanted` accepts, in the order
    they close; a wanted element inside another is a record of its own, and its texts are
    its own only. A file that is no well-formed XML is an error naming the line."""
    parser = expat.ParserCreate()
    names: list[str] = []
    # Open records, with the depth each opened at.
    open_records: list[tuple[int, Record]] = []
    done: list[Record] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        names.append(name)
        if wanted(tuple(names)):
            open_records.append((len(names), Record(name, parser.CurrentLineNumber, dict(attrs))))
        elif open_records:
            depth, rec = open_records[-1]
            inner = "/".join(names[depth:])
            for k, v in attrs.items():
                rec.texts[f"{inner}@{k}"] = v

    def end(name: str) -> None:
        if open_records and open_records[-1][0] == len(names):
            done.append(open_records.pop()[1])
        names.pop()

    def text(data: str) -> None:
        if open_records:
            depth, rec = open_records[-1]
            key = "/".join(names[depth:])
            rec.texts[key] = rec.texts.get(key, "") + data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    yield from parse_stream(path, parser, done)


def parse_stream(path: Path, parser: expat.XMLParserType, done: list) -> Iterator:
    """Feed `path` (compressed or not) to `parser` a chunk at a time, yielding what its
    handlers put in `done` after each chunk. A file that is no well-formed XML is an error
    naming the line."""
    with open_binary(path) as fh:
        while True:
            chunk = fh.read(CHUNK)
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as exc:
                raise InputError(path, exc.lineno, f"not valid XML: {expat.errors.messages[exc.code]}") from None
            yield from done
            done.clear()
            if not chunk:
                return


def xml_head(path: Path, suffixes: tuple[str, ...] = (".xml",), size: int = 4096) -> bytes:
    """The first bytes of a file with one of `suffixes` (b"" for any other path), to tell
    which tool wrote it."""
    path = Path(path)
    if inner_suffix(path) not in suffixes or not path.is_file():
        return b""
    try:
        with open_binary(path) as fh:
            return fh.read(size)
    except read_errors():
        return b""
