"""Reddit dumps (Pushshift / Arctic Shift style) as thread rows, streamed.

A dump is newline-delimited JSON of comments and/or submissions, plain or Zstandard
compressed (`.zst`, as the dumps are distributed). Each line is read, filtered (by
subreddit and date) and converted on the fly, so a multi-gigabyte dump never sits in
memory, nor are the kept posts (ingest spills them to disk). Mapping (docs/input-formats.md):

  submission  id "t3_<id>", thread "t3_<id>", title, text = selftext
  comment     id "t1_<id>", thread = link_id, parent = parent_id ("t1_..." or "t3_..."), text = body
  both        author ("[deleted]" stays deleted), created = created_utc (epoch seconds, an
              int, float or string) as ISO 8601 UTC, topic = subreddit; texts with Reddit's
              escaping of & < > undone (`reddit_text`)

A comment whose parent is not in the dump is attached to its submission, and a thread
whose submission is not in the dump gets an empty root, each with a note: the dumps are
split by month and by type, so both happen in every real extract. A "[removed]" or
"[deleted]" body, or a privacy tool's overwrite (`pipeline.ingest.deleted`), is read as
empty text (the post stays in its thread) and counted.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipeline.core.artifacts import json_object, open_text
from pipeline.core.compressed import compression_of, inner_suffix
from pipeline.core.errors import InputError
from pipeline.core.jsondoc import JSON_LINES_SUFFIXES, first_json_record, json_records, json_sample, text_head
from pipeline.core.schema import Note
from pipeline.ingest.deleted import deleted_text


def _is_reddit_record(obj: object) -> bool:
    return isinstance(obj, dict) and "subreddit" in obj and ("link_id" in obj or "title" in obj)


def _api_records(obj: object) -> list | None:
    """The records of an Arctic Shift or Pushshift API response (`{"data": [...]}`), or of
    a JSON array of records; None for anything else."""
    records = obj.get("data") if isinstance(obj, dict) else obj
    return records if isinstance(records, list) else None


def is_reddit_dump(path: Path) -> bool:
    """A `.zst` file, or JSON lines whose first record has Reddit's fields or is an API
    response (`{"data": [...]}`) of such records; or a `.json` file holding one API
    response or an array of records, indented or not."""
    path = Path(path)
    suffix = inner_suffix(path)
    if suffix not in JSON_LINES_SUFFIXES:
        # As the dumps are named (RC_2023-01.zst, Denmark_comments.zst): a Zstandard file
        # that says it is nothing else.
        return compression_of(path) == "Zstandard" and suffix not in (".csv", ".tsv", ".xml", ".xlsx")
    first = first_json_record(path)  # None too where a minified array is one long line
    if first is None:
        if suffix != ".json":
            return False  # not a dump; the thread-file reader says what is wrong
        first = json_sample(path)
    records = _api_records(first)
    return _is_reddit_record(first) or bool(records) and _is_reddit_record(records[0])


def _lines(path: Path) -> Iterator[str]:
    with open_text(path) as fh:
        yield from fh


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line, record) of a dump; an API response's records (`{"data": [...]}`, one per
    line as a collector pages through them, or one `.json` document, or an array)."""
    if inner_suffix(path) == ".json" and (doc := json_sample(path)) is not None:
        if isinstance(doc, list):
            # An array of records, or {"data": [...]} responses, read a record at a time
            # with the line each starts on.
            yield from _checked(path, json_records(path))
            return
        # One API response (small: a page) has no lines of its own to name: a record's
        # "line" is its place in the file, as for a saved thread page.
        records = [doc] if _is_reddit_record(doc) else _api_records(doc)
        if records is None:
            raise InputError(path, 1, 'not a Reddit API response ({"data": [...]}) nor an array of records')
        yield from _checked(path, enumerate(records, start=1))
        return
    for line, text in enumerate(_lines(path), start=1):
        if not text.strip():
            continue
        rec = json_object(path, line, text)
        records = _api_records(rec) if "data" in rec and "id" not in rec else None
        yield from _checked(path, ((line, r) for r in records) if records is not None else [(line, rec)])


def _checked(path: Path, records: Iterable[tuple[int, object]]) -> Iterator[tuple[int, dict]]:
    for line, record in records:
        if not isinstance(record, dict):
            raise InputError(path, line, f"expected a Reddit record, found {type(record).__name__}")
        yield line, record


def _epoch(value: object, path: Path, line: int) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise InputError(path, line, f"created_utc {value!r} is not epoch seconds") from None


def reddit_text(value: object) -> str:
    """A body, selftext or title as its author wrote it. Reddit's JSON (and so every dump made
    from it) escapes exactly three characters, `&` `<` `>`, as HTML entities: a quotation
    "> ..." arrives as "&gt; ...", "A & B" as "A &amp; B". Undone in reverse order, so an
    entity the author typed ("&amp;gt;" in the dump) comes back as typed ("&gt;"); a full
    HTML unescape would turn it into ">" too."""
    text = str(value or "")
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _fullname(prefix: str, value: str) -> str:
    return value if value.startswith(("t1_", "t3_")) else f"{prefix}{value}"


def read_reddit(
    paths: list[Path],
    notes: list[Note],
    subreddits: set[str] | frozenset[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[tuple[Path, int, dict]]:
    """(path, line, thread-row dict) of every kept post, as the dumps are read; `notes` gets
    what was read as empty. Rows come unrepaired: ingest's row store gives threads without
    their submission an empty root and attaches replies without their parent (rows it
    reads as coming from a "dump"), so that no dump is ever held in memory."""
    wanted = {s.lower() for s in subreddits} if subreddits else None
    gone = Counter()
    for path in paths:
        path = Path(path)
        try:
            for line, rec in _records(path):
                if "id" not in rec:
                    raise InputError(path, line, "not a Reddit record (no 'id')")
                sub = str(rec.get("subreddit") or "")
                if wanted is not None and sub.lower() not in wanted:
                    continue
                when = _epoch(rec.get("created_utc"), path, line)
                if (since and when < since) or (until and when >= until):
                    continue
                yield path, line, _row(rec, when, gone)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, 0, f"cannot read the dump: {exc}") from None
    _gone_notes(gone, paths[0], notes)


def _row(rec: dict, when: datetime, gone: Counter) -> dict:
    """A submission's or comment's thread row; `gone` counts the bodies read as empty."""
    is_comment = "link_id" in rec and "body" in rec
    body = reddit_text(rec.get("body" if is_comment else "selftext"))
    if deleted_text(body):
        # Counted here, a note per kind: a dump holds them by the thousand.
        mark = body.strip()
        gone[mark if mark.startswith("[") else "(a privacy tool's overwrite)"] += 1
        body = ""
    if is_comment:
        row = {
            "id": _fullname("t1_", str(rec["id"])),
            "thread_id": _fullname("t3_", str(rec["link_id"])),
            "parent_id": _fullname("t3_", str(rec.get("parent_id") or rec["link_id"])),
            "text": body,
        }
    else:
        rid = _fullname("t3_", str(rec["id"]))
        row = {"id": rid, "thread_id": rid, "title": reddit_text(rec.get("title")), "text": body}
    row.update(
        author=rec.get("author") or "",
        # A user's flair is what the subreddit shows beside their name ("Socionom").
        author_description=reddit_text(rec.get("author_flair_text")).strip() or None,
        created=when.strftime("%Y-%m-%dT%H:%M:%S"),
        topic=str(rec.get("subreddit") or "") or None,
    )
    return row


def _gone_notes(gone: Counter, where: Path, notes: list[Note]) -> None:
    for what, n in sorted(gone.items()):
        notes.append(Note(where=str(where), kind="repaired", message=f"{n} post(s) with body {what!r} read as empty"))


# A thread as Reddit serves it (the page's address with ".json" appended, as researchers
# save single threads): a JSON array of two Listings, the submission, then its comment
# tree with each comment's replies nested inside it.
THREAD_HEAD_RE = re.compile(r'^\[\s*\{\s*"kind"\s*:\s*"Listing"')


def is_reddit_thread(path: Path) -> bool:
    """A `.json` file that opens as a Reddit thread page's JSON (in UTF-8, or UTF-16 as
    Windows PowerShell 5.1 saves what `curl ... > thread.json` writes)."""
    path = Path(path)
    if inner_suffix(path) != ".json" or not path.is_file():
        return False
    return bool(THREAD_HEAD_RE.match(text_head(path, size=256)))


def read_reddit_thread(path: Path, notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread rows of a saved thread page: the submission, then its comments depth first
    in the page's order; the line is the post's place in the file (1 for the submission),
    as one JSON document has no lines of its own to name. Comments the page did not load
    ("load more comments") are not in the file: counted in a note."""
    try:
        with open_text(path) as fh:
            listings = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(path, 1, "JSON nested too deeply to read") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, 0, f"cannot read the thread: {exc}") from None
    if not (isinstance(listings, list) and listings and all(isinstance(x, dict) for x in listings)):
        raise InputError(path, 1, "a Reddit thread's JSON is an array of Listings")
    gone: Counter = Counter()
    unloaded = 0
    # Depth first without recursion: a reply chain can be hundreds deep.
    stack = [c for listing in reversed(listings) for c in reversed(_children(listing))]
    place = 0
    while stack:
        item = stack.pop()
        kind, data = item.get("kind"), item.get("data")
        if not isinstance(data, dict):
            continue
        if kind == "more":
            count = data.get("count")
            # Reddit writes a whole number; anything else counts no unloaded reply.
            unloaded += count if type(count) is int and count > 0 else 0
            continue
        if kind not in ("t1", "t3") or "id" not in data:
            continue
        place += 1
        when = _epoch(data.get("created_utc"), path, place)
        yield place, _row(data, when, gone)
        replies = data.get("replies")
        if isinstance(replies, dict):
            stack.extend(reversed(_children(replies)))
    if not place:
        raise InputError(path, 1, "a Reddit thread's JSON without a submission or comments")
    _gone_notes(gone, path, notes)
    if unloaded:
        notes.append(
            Note(
                where=str(path),
                kind="missing",
                message=f"{unloaded} comment(s) the saved page had not loaded ('load more comments') are not in the "
                "file",
            )
        )


def _children(listing: object) -> list[dict]:
    data = listing.get("data") if isinstance(listing, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    return [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []
