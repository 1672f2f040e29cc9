"""Språkbanken's forum corpora (Flashback, Familjeliv: `flashback-samhalle.xml.bz2` and the
like, from spraakbanken.gu.se) as thread rows: each thread a thread, each post a row.

Swedish researchers read these forums through Språkbanken's downloads rather than scraping
them. The corpus is XML, a post's words as tokens:

  <corpus id>                    the corpus ("flashback-samhalle")
    <forum id title url>         topic: the forum's title ("Samhälle > Socialtjänsten")
      <thread id title url>      thread_id "sb-thread-<id>"; its title is the opening post's
        <text id username date url>
                                 a post: id "sb-<id>", author, created (ISO 8601)
          <paragraph>            (where the export has them) paragraphs of the text
            <sentence>
              <w> or <token>     the words, joined as Swedish is written (no space before
                                 ".", ",", ")" ..., none after "(")

The forums print no parents: who answers whom is inferred from the posts' words, as for a
forum's saved pages (quotations, forms of address; `RowStore.flat_forum_paths`). The post
whose id is the thread's opens it; where the corpus holds no such post (a sample), the
thread's first post does, with a note. The words' annotations (lemmas, parts of speech)
are not read. Streamed (`xmlstream.parse_stream`), one post at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from pipeline.core.errors import InputError
from pipeline.core.schema import Note
from pipeline.formats.xmlstream import parse_stream, xml_head

TOKENS = ("w", "token")
# No space before these; none after the opening ones.
CLOSING = set(".,;:!?)]}»%…")
OPENING = set("([{«„")
QUOTES = set('"”“')


def looks_like_sprakbanken(path: Path) -> bool:
    """True for an `.xml` file (or `.xml.bz2`, ...) that is a Språkbanken forum corpus."""
    head = xml_head(path)
    return b"<corpus" in head and b"<thread" in head and b"<text" in head


def detokenize(tokens: list[str]) -> str:
    """A sentence's tokens as written: spaces between words, none before closing
    punctuation or after an opening bracket; a straight or curly quotation mark closes
    the one before it."""
    out: list[str] = []
    glue = True
    open_quote = False
    for tok in tokens:
        if tok in QUOTES:
            closing = open_quote
            open_quote = not open_quote
            out.append(tok if glue or closing else " " + tok)
            glue = not closing
            continue
        out.append(tok if glue or tok[:1] in CLOSING else " " + tok)
        glue = tok in OPENING
    return "".join(out).strip()


def _iso(date: str) -> str | None:
    """Språkbanken's "2008-07-07 22:08:54" as ISO 8601."""
    date = date.strip()
    return date.replace(" ", "T") if len(date) >= 10 and date[4] == "-" else None


def read_sprakbanken(path: Path, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts for a Språkbanken forum corpus, in the corpus's order; the line is
    where the post's <text> opens."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    done: list[tuple[int, dict]] = []
    forum: dict[str, str] = {}
    thread: dict[str, str] = {}
    post: dict | None = None
    paragraphs: list[list[str]] = []
    sentence: list[str] | None = None
    token: list[str] | None = None
    counts: Counter = Counter()
    opened: dict[str, bool] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal post, sentence, token
        if name == "forum":
            forum.clear()
            forum.update(attrs)
        elif name == "thread":
            thread.clear()
            thread.update(attrs)
            if not attrs.get("id", "").strip():
                raise InputError(path, parser.CurrentLineNumber, "a <thread> without an id")
        elif name == "text" and thread:
            post = {"line": parser.CurrentLineNumber, **attrs}
            paragraphs.clear()
            paragraphs.append([])
        elif name == "paragraph" and post is not None and paragraphs[-1]:
            paragraphs.append([])
        elif name == "sentence" and post is not None:
            sentence = []
        elif name in TOKENS and sentence is not None:
            token = []

    def text(data: str) -> None:
        if token is not None:
            token.append(data)

    def end(name: str) -> None:
        nonlocal post, sentence, token
        if name in TOKENS and token is not None and sentence is not None:
            if word := "".join(token).strip():
                sentence.append(word)
            token = None
        elif name == "sentence" and sentence is not None:
            if sentence:
                paragraphs[-1].append(detokenize(sentence))
            sentence = None
        elif name == "text" and post is not None:
            done.append(_row(post, paragraphs, thread, forum, opened, counts))
            post = None
        elif name == "thread":
            thread.clear()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    yield from parse_stream(path, parser, done)
    if not counts["posts"]:
        raise InputError(path, 1, "a Språkbanken corpus without posts (<text> elements inside <thread>s)")
    said = f"{counts['posts']} post(s) in {len(opened)} thread(s) read"
    if counts["without_opening"]:
        said += (
            f"; {counts['without_opening']} thread(s) whose opening post the corpus does not hold open with their "
            "first post"
        )
    notes.append(Note(where=str(path), kind="note", message="Språkbanken forum corpus: " + said))


def _row(
    post: dict, paragraphs: list[list[str]], thread: dict, forum: dict, opened: dict[str, bool], counts: Counter
) -> tuple[int, dict]:
    """One post's row; the thread's first post carries its title (the opening post's, or
    the first the corpus holds)."""
    tid = thread["id"].strip()
    pid = (post.get("id") or "").strip() or f"{tid}-{post['line']}"
    first = tid not in opened
    if first:
        opened[tid] = pid == tid
        counts["without_opening"] += pid != tid
    counts["posts"] += 1
    topic = (forum.get("title") or "").strip() or None
    return (
        post["line"],
        {
            "id": f"sb-{pid}",
            "thread_id": f"sb-thread-{tid}",
            "parent_id": None,
            "author": (post.get("username") or "").strip() or None,
            "created": _iso(post.get("date") or ""),
            "title": (thread.get("title") or "").strip() or None if first else None,
            "text": "\n\n".join(" ".join(p) for p in paragraphs if p),
            "topic": topic,
        },
    )
