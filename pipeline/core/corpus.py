"""The corpus every stage shares: threads, posts and participants, on disk and in memory.

`data/interim/corpus/` holds posts.jsonl (thread by thread, each thread's posts in
position order), threads.jsonl, participants.jsonl and ingest_report.json; see
docs/schema.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.core.artifacts import atomic_dir, read_json, write_json
from pipeline.core.errors import InputError
from pipeline.core.schema import Note, Participant, Post, Thread
from pipeline.core.tables import iter_records, read_records, stage_file, write_records

NON_WORD_RE = re.compile(r"[^\w]+")


@dataclass
class Corpus:
    threads: list[Thread]
    posts: list[Post]
    participants: list[Participant]
    notes: list[Note] = field(default_factory=list)

    def posts_by_id(self) -> dict[str, Post]:
        return {p.id: p for p in self.posts}

    def posts_by_thread(self) -> dict[str, list[Post]]:
        """Every thread's posts in position order, from one pass over the corpus (a loop over
        threads that filtered all posts each time would grow with threads x posts)."""
        out: dict[str, list[Post]] = {t.id: [] for t in self.threads}
        for p in self.posts:
            out.setdefault(p.thread_id, []).append(p)
        for posts in out.values():
            posts.sort(key=lambda p: p.position)
        return out

    def thread_posts(self, thread_id: str) -> list[Post]:
        """One thread's posts; for many threads use `posts_by_thread` (one pass for all)."""
        return sorted((p for p in self.posts if p.thread_id == thread_id), key=lambda p: p.position)


def reply_depths(posts: Mapping[str, Post]) -> dict[str, tuple[int, str]]:
    """Every post's depth in its reply tree (0: a root, or a post whose parent is not among
    `posts`) and the id of that root, in one pass. Walking up from each post instead costs
    the sum of all depths, which a long reply chain (a Reddit "counting" thread runs to
    thousands of levels) makes quadratic. A cycle, which ingest refuses, ends the walk."""
    out: dict[str, tuple[int, str]] = {}
    for start in posts:
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node not in out:
            parent = posts[node].parent_id
            if not parent or parent not in posts or parent in on_path:
                out[node] = (0, node)
                break
            path.append(node)
            on_path.add(node)
            node = parent
        depth, root = out[node]
        for child in reversed(path):
            depth += 1
            out[child] = (depth, root)
    return out


# The names platforms print where a poster gave none (4chan's and 4CAT's "Anonymous", a
# news site's "Anonym" or "Gæst") or that they print for anyone the viewer may not see
# (LinkedIn's "LinkedIn Member" out of one's network, Facebook's "Facebook User" for a
# closed account): every post under such a name may be another person's.
ANONYMOUS_NAMES = frozenset(
    {
        "anonymous",
        "anonym",
        "anon",
        "anonymous coward",
        "gæst",
        "gäst",
        "guest",
        "ukendt",
        "okänd",
        "unknown",
        "linkedin member",
        "linkedin-medlem",
        "linkedin-medlemmer",
        "facebook user",
        "facebook-bruger",
        "facebook-bruker",
        "facebookanvändare",
        "facebook-användare",
    }
)


def participant_id(name: str | None, post_id: str) -> str:
    if name is None:
        # Deleted authors are not one person: merging them would invent a hub.
        return f"participant:deleted:{post_id}"
    # Nor are the posters a platform names "Anonymous": each post is its own participant,
    # under the name as written.
    return _named_participant(name) or f"participant:anonymous:{post_id}"


# Cached: the graph stage asks for every post's authors several times, and a corpus has far
# fewer names than posts.
@lru_cache(maxsize=1 << 16)
def _named_participant(name: str) -> str | None:
    """The participant id a name stands for; None for a name that stands for no one."""
    key = name.strip().lower()
    if key in ANONYMOUS_NAMES:
        return None
    slug = NON_WORD_RE.sub("-", key).strip("-")
    return f"participant:{slug or 'unnamed'}"


def author_ids(post: Post) -> list[str]:
    """Participant ids of a post's authors (a deleted author is a participant of its own;
    an article whose author is unknown has none)."""
    return [participant_id(a.name, post.id) for a in post.authors]


def same_person(a: Post, b: Post) -> bool:
    """Whether the same participants wrote both posts: never where the author is unknown,
    deleted or anonymous (two posts signed "Anonymous" may be two people)."""
    ids = author_ids(a)
    return bool(ids) and ids == author_ids(b)


def write_corpus(corpus: Corpus, out_dir: Path, storage: str = "jsonl") -> None:
    """Write the corpus folder atomically (all files appear together or not at all)."""
    with atomic_dir(Path(out_dir)) as tmp:
        write_records(tmp, "posts", Post, corpus.posts, storage)
        write_records(tmp, "threads", Thread, corpus.threads, storage)
        write_records(tmp, "participants", Participant, corpus.participants, storage)
        counts = {
            "threads": len(corpus.threads),
            "posts": len(corpus.posts),
            "comments": sum(p.kind == "comment" for p in corpus.posts),
            "participants": len(corpus.participants),
        }
        write_ingest_report(tmp / "ingest_report.json", counts, corpus.notes)


def write_ingest_report(path: Path, counts: dict[str, int], notes: list[Note]) -> None:
    """ingest_report.json: what the corpus holds, and every note on what was removed,
    repaired or left undecided, and where."""
    kinds = Counter(n.kind for n in notes)
    write_json(
        path,
        {
            "counts": counts,
            "notes_by_kind": dict(sorted(kinds.items())),
            "notes": [n.model_dump() for n in notes],
        },
    )


def read_notes(corpus_dir: Path) -> list[Note]:
    """The notes of a corpus folder's ingest_report.json (none where it has no report)."""
    path = Path(corpus_dir) / "ingest_report.json"
    if not path.exists():
        return []
    return [Note.model_validate(n) for n in read_json(path).get("notes", [])]


NOTE_DETAIL_RE = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d+\b")


def notes_summary(notes: list[Note], limit: int = 12) -> list[dict]:
    """Ingest's notes grouped by kind and by what they say with names and numbers left out
    ("author '[deleted]' read as deleted" on 500 posts is one row), most frequent first:
    how many, and the first one of each with where it is."""
    groups: dict[tuple[str, str], list] = {}
    for n in notes:
        key = (n.kind, NOTE_DETAIL_RE.sub("…", n.message))
        if key in groups:
            groups[key][0] += 1
        else:
            groups[key] = [1, n]
    rows = sorted(groups.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return [
        {
            "kind": kind,
            "count": count,
            "what": what if count > 1 else first.message,
            "example": first.message if count > 1 and what != first.message else None,
            "where": first.where,
        }
        for (kind, what), (count, first) in rows[:limit]
    ]


class ThreadsById(dict):
    """A corpus's threads by id, as the stages that stream its posts hold them. A post of a
    thread threads.jsonl does not list (a corpus folder changed by hand, or its files of two
    ingests) is an error naming the file: it had stopped classify, graph and report with a
    raw KeyError."""

    def __init__(self, path: Path) -> None:
        super().__init__((t.id, t) for t in iter_records(path, Thread))
        self.path = path

    def __missing__(self, thread_id: str) -> Thread:
        raise InputError(
            self.path,
            0,
            f"posts.jsonl has posts of thread {thread_id!r}, which this file does not list: the corpus folder "
            "holds files of two ingests or was changed by hand; rerun ingest",
        )


def threads_by_id(corpus_dir: Path) -> ThreadsById:
    return ThreadsById(stage_file(Path(corpus_dir), "threads"))


def read_corpus(corpus_dir: Path) -> Corpus:
    corpus_dir = Path(corpus_dir)
    return Corpus(
        threads=read_records(stage_file(corpus_dir, "threads"), Thread),
        posts=read_records(stage_file(corpus_dir, "posts"), Post),
        participants=read_records(stage_file(corpus_dir, "participants"), Participant),
        notes=read_notes(corpus_dir),
    )


def read_corpus_about(corpus_dir: Path, post_ids: set[str], participant_ids: set[str]) -> Corpus:
    """The part of a corpus that labels of `post_ids` and `participant_ids` need: the whole
    threads they appear in (a comment's parent, siblings and target; a participant's
    posts, in every thread they wrote in) with those threads' participants. Gold labels
    cover a few threads of what may be a very large corpus: training and evaluation then
    hold those threads, not the corpus. Posts are read in one pass, a thread at a time."""
    from pipeline.core.stream import by_thread

    corpus_dir = Path(corpus_dir)
    wanted = set(post_ids)
    for part in iter_records(stage_file(corpus_dir, "participants"), Participant):
        if part.id in participant_ids:
            wanted.update(part.post_ids)
    posts_file = stage_file(corpus_dir, "posts")
    posts = [
        p
        for thread in by_thread(iter_records(posts_file, Post), posts_file)
        if any(p.id in wanted for p in thread)
        for p in thread
    ]
    kept = {p.thread_id for p in posts}
    return Corpus(
        threads=[t for t in iter_records(stage_file(corpus_dir, "threads"), Thread) if t.id in kept],
        posts=posts,
        participants=[
            p
            for p in iter_records(stage_file(corpus_dir, "participants"), Participant)
            if kept.intersection(p.thread_ids)
        ],
    )
