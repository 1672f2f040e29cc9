"""YouTube comments as youtube-comment-downloader writes them, as thread rows.

`youtube-comment-downloader --url ... --output video.json` writes one comment per line:
`cid`, `text`, `time` ("2 years ago"), `time_parsed` (epoch seconds), `author` (the
@handle), `channel`, `votes`, `replies`, `heart`, `reply`. One file holds one video's
comments and not the video. Mapping (docs/input-formats.md):

  cid           id; a reply's cid is its comment's cid, a dot, and its own
  file name     thread_id: the video's comments are one thread, whose empty root stands
                for the video (its statement can be given as a `target` through a thread
                file of one's own)
  cid           parent_id: a reply answers the comment before the dot, a comment the video
  author        author
  time_parsed   created (epoch seconds, UTC); `time` is relative and left out
  text          text
  everything else (votes, heart, channel, photo) is dropped

A reply whose comment is not in the file answers the video (ingest's row store notes it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.core.compressed import plain_stem
from pipeline.core.errors import InputError
from pipeline.core.schema import Note

REQUIRED = ("cid", "text", "author")


def is_comment(obj: object) -> bool:
    """A youtube-comment-downloader comment: `cid`, `text`, `author`, and its `time_parsed`
    or `votes`."""
    return isinstance(obj, dict) and all(k in obj for k in REQUIRED) and ("time_parsed" in obj or "votes" in obj)


def read_youtube(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for one video's comments, as they are read."""
    video = plain_stem(path)
    n = 0
    for line, record in lines:
        if not is_comment(record):
            raise InputError(path, line, "not a youtube-comment-downloader comment (cid, text, author, time_parsed)")
        cid = str(record["cid"]).strip()
        if not cid:
            raise InputError(path, line, "cid: empty")
        parent = cid.split(".", 1)[0] if "." in cid else video
        n += 1
        yield (
            line,
            {
                "id": cid,
                "thread_id": video,
                "parent_id": parent,
                "author": record.get("author"),
                "created": record.get("time_parsed"),
                "text": record.get("text") or "",
            },
        )
    notes.append(
        Note(
            where=str(path),
            kind="note",
            message=f"{n} YouTube comment(s) read as thread {video!r} (the file's name); the video is its empty root",
        )
    )
