"""Thread rows and author rows spilled to disk while ingest reads, so its memory does not
grow with the corpus.

Researchers' files list posts in any order (a Reddit dump by time, an export by id), but
every later stage wants a thread's posts together, and the checks that make an input
trustworthy (no duplicate ids, parents that exist and sit in the same thread, one root
per thread) look across files. An indexed SQLite table gives both without holding the
rows: the checks are joins, and the rows come back thread by thread in one indexed scan.
(`pipeline.core.spill` says why SQLite.)
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.core.errors import InputError, Refusals
from pipeline.core.schema import PENDING_THREAD, Note, ThreadRow
from pipeline.core.spill import BATCH, SpillDatabase

log = logging.getLogger(__name__)

# Fewer replies than this without their parent are a few deleted posts, not a sign that the
# file's ids were read wrong.
MOSTLY_MISSING_MIN = 5


class RowStore(SpillDatabase):
    """Validated thread rows, with where each was read; checked across all inputs, then
    read back a thread at a time."""

    def __init__(self) -> None:
        super().__init__("rows")
        self.db.execute(
            "CREATE TABLE rows (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, thread_id TEXT NOT NULL, "
            "parent_id TEXT, path TEXT NOT NULL, line INTEGER NOT NULL, row TEXT NOT NULL, source TEXT)"
        )
        self.count = 0
        # Rows whose thread `derive_threads` is to find (read without a thread id).
        self.pending = 0
        # Rows dropped as exact repeats, per file: (how many, the first one's line, and the
        # place of the row it repeats).
        self.repeats: dict[str, tuple[int, int, str]] = {}
        # Rows that repeated an earlier one with fields it lacked, merged into it, per file:
        # (how many, the first one's line, and the place of the row it completed).
        self.completions: dict[str, tuple[int, int, str]] = {}
        # Rows whose parent the input named but does not hold, repaired: row id -> (the
        # parent named, where it is missing: "input" for a researcher's own file, whose
        # rows then get a parent inferred from their words; else the extract's kind).
        self.missing_parents: dict[str, tuple[str, str]] = {}
        # Rows that named themselves as their parent, stored without one (`check` repairs them).
        self.self_parents: list[str] = []
        # Inputs from platforms that list replies flat under the comment they were posted to
        # (YouTube): whom such a reply answers among them, its words tell (`build_thread`).
        self.flat_reply_paths: set[str] = set()
        # Inputs from forums that name no parents (Språkbanken's corpora): their threads'
        # parents are inferred from the words, as with --infer-replies (`build_thread`).
        self.flat_forum_paths: set[str] = set()

    def add(self, rows: Iterable[tuple[ThreadRow, Path, int, str | None]], refused: Refusals) -> None:
        """Store rows in input order. A row that repeats an earlier one field for field is
        dropped (scrapers that page through a site save some rows twice; `repeat_notes`
        says how many); one that differs only by fields one of them left empty (None; a title "")
        completes it (a post saved once from its own page, once as the post a comment
        carries, without its author); another row with an id already read is refused at its second
        occurrence, into `refused`, and the reading goes on, so that one run names every
        such row. A row's `source` ("dump", "export") marks it as read from a partial
        extract: see `attach_orphans`. None: a researcher's own file, where a missing parent
        is an error."""
        insert = "INSERT INTO rows (id, thread_id, parent_id, path, line, row, source) VALUES (?, ?, ?, ?, ?, ?, ?)"
        with self.db:
            for row, path, line, source in rows:
                data = row.model_dump_json()
                try:
                    self.db.execute(insert, (row.id, row.thread_id, row.parent_id, str(path), line, data, source))
                except sqlite3.IntegrityError:
                    first_path, first_line, first_data, first_thread = self.db.execute(
                        "SELECT path, line, row, thread_id FROM rows WHERE id = ?", (row.id,)
                    ).fetchone()
                    if first_data == data:
                        n, at, of = self.repeats.get(str(path), (0, line, f"{first_path}:{first_line}"))
                        self.repeats[str(path)] = (n + 1, at, of)
                        continue
                    merged = _completed(first_data, data)
                    if merged is not None:
                        if merged != first_data:
                            self.db.execute("UPDATE rows SET row = ? WHERE id = ?", (merged, row.id))
                        n, at, of = self.completions.get(str(path), (0, line, f"{first_path}:{first_line}"))
                        self.completions[str(path)] = (n + 1, at, of)
                        continue
                    other_thread = (
                        f"; the first is in thread {first_thread!r}, this one in {row.thread_id!r}: if ids are unique "
                        "only within a thread (comments numbered 1, 2, 3 under each article), pass --ids-per-thread"
                        if first_thread != row.thread_id and PENDING_THREAD not in first_thread + row.thread_id
                        else ""
                    )
                    refused.add(
                        InputError(
                            path,
                            line,
                            f"duplicate id {row.id!r} (first at {first_path}:{first_line}), with other content; "
                            f"an exact repeat of a row would be dropped{other_thread}",
                        )
                    )
                    continue
                self.count += 1
                self.pending += row.thread_id.startswith(PENDING_THREAD)

    def derive_threads(self) -> list[Note]:
        """Give every row read without a thread id (`PENDING_THREAD`) the thread of its reply
        chain: the id of the chain's first post, or the thread of a post that has one, or
        the id of a missing parent (which then opens the thread, as an empty root where
        missing parents are repaired). One recursive query walks every chain down from its
        start; rows in reply cycles are reached by none and share one thread, which the
        cycle check then names."""
        self.db.execute("CREATE INDEX IF NOT EXISTS rows_parent ON rows (parent_id)")
        pending = f"substr(r.thread_id, 1, 1) = char({ord(PENDING_THREAD)})"
        with self.db:
            self.db.execute(
                "CREATE TEMP TABLE derived AS WITH RECURSIVE up(id, top) AS ("
                f"SELECT r.id, CASE WHEN NOT {pending} THEN r.thread_id "
                "WHEN r.parent_id IS NULL THEN r.id ELSE r.parent_id END FROM rows r "
                f"WHERE NOT {pending} OR r.parent_id IS NULL "
                "OR NOT EXISTS (SELECT 1 FROM rows p WHERE p.id = r.parent_id) "
                f"UNION ALL SELECT r.id, up.top FROM rows r JOIN up ON r.parent_id = up.id WHERE {pending}) "
                "SELECT id, top FROM up"
            )
            self.db.execute("CREATE INDEX derived_id ON derived (id)")
            # Rows in reply cycles share one thread, so that the cycle check names a cycle.
            cyclic = self.db.execute(
                f"SELECT MIN(r.id) FROM rows r WHERE {pending} AND r.id NOT IN (SELECT id FROM derived)"
            ).fetchone()[0]
            # The row's JSON and its thread column change together, and only for pending rows.
            thread = "COALESCE((SELECT top FROM derived d WHERE d.id = r.id), ?)"
            self.db.execute(
                f"UPDATE rows AS r SET row = json_set(r.row, '$.thread_id', {thread}), thread_id = {thread} "
                f"WHERE {pending}",
                (cyclic, cyclic),
            )
            self.db.execute("DROP TABLE derived")
        n, self.pending = self.pending, 0
        threads = self.db.execute("SELECT COUNT(DISTINCT thread_id) FROM rows").fetchone()[0]
        return (
            [
                Note(
                    where="input",
                    kind="inferred",
                    message=f"{n} post(s) without a thread id placed in the thread their reply chain starts; "
                    f"{threads} thread(s)",
                )
            ]
            if n
            else []
        )

    def repeat_notes(self) -> list[Note]:
        """One note per file on the rows `add` dropped as exact repeats, and one on those
        merged into the row they complete."""
        return [
            Note(
                where=f"{path}:{line}",
                kind="repaired",
                message=f"{n} row(s) repeating an earlier row field for field dropped (the first repeats {of})",
            )
            for path, (n, line, of) in sorted(self.repeats.items())
        ] + [
            Note(
                where=f"{path}:{line}",
                kind="repaired",
                message=f"{n} row(s) repeating an earlier row with fields it lacked (an author, a date) merged "
                f"into it (the first completes {of})",
            )
            for path, (n, line, of) in sorted(self.completions.items())
        ]

    def check(self, repair_missing_parents: bool, empty_roots: bool) -> list[Note]:
        """The checks that look across rows and files: parents that exist (or are repaired
        to their thread's root), parents in the same thread, a root in every thread (with
        `empty_roots`, an empty one where a thread of a researcher's own file has none).
        Reply cycles are checked a thread at a time by `threads`."""
        self.db.execute("CREATE INDEX rows_thread ON rows (thread_id, seq)")
        notes = self.attach_orphans(every_row=empty_roots)
        notes += self._repair_self_parents()
        notes += self._repair_type_prefixes()
        roots = self._roots()
        orphans = self.db.execute(
            "SELECT r.seq, r.id, r.thread_id, r.parent_id, r.path, r.line FROM rows r "
            "WHERE r.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rows p WHERE p.id = r.parent_id) "
            "ORDER BY r.seq"
        ).fetchall()
        with self.db:
            for seq, pid_, thread_id, parent, path, line in orphans:
                root = roots.get(thread_id)
                if not repair_missing_parents or root is None:
                    hint = (
                        ""
                        if repair_missing_parents
                        else " (refused as --refuse-missing-parents asks; without it the reply answers the post its "
                        "words point to, else the thread root, an empty one where the thread has none)"
                    )
                    raise InputError(Path(path), line, f"parent_id {parent!r} of post {pid_!r} does not exist{hint}")
                notes.append(
                    Note(
                        where=f"{path}:{line}",
                        kind="repaired",
                        message=f"parent {parent!r} of {pid_!r} is missing; its parent is inferred from its words "
                        f"(else the root {root!r})",
                    )
                )
                self._reparent(seq, root)
                self.missing_parents[pid_] = (parent, "input")
        if orphans and (note := self._mostly_missing(len(orphans), f"{orphans[0][4]}:{orphans[0][5]}")) is not None:
            notes.append(note)
        crossing = Refusals()
        for path, line, parent, thread_id, other in self.db.execute(
            "SELECT r.path, r.line, r.parent_id, r.thread_id, p.thread_id FROM rows r "
            "JOIN rows p ON p.id = r.parent_id WHERE p.thread_id != r.thread_id ORDER BY r.seq"
        ):
            hint = (
                ""
                if crossing.first
                else " (one conversation under two thread ids, such as an article's address with and without a "
                "query string: give its rows one thread id)"
            )
            crossing.add(
                InputError(Path(path), line, f"parent {parent!r} is in thread {other!r}, not {thread_id!r}{hint}")
            )
        crossing.raise_any()
        for (thread_id,) in self.db.execute(
            "SELECT thread_id FROM rows GROUP BY thread_id HAVING COUNT(parent_id) = COUNT(*) ORDER BY thread_id"
        ).fetchall():
            rows = self._thread(thread_id)
            check_cycles(rows)  # every post has a parent in its thread, so there is a cycle to name
            raise InputError(rows[0][1], rows[0][2], f"thread {thread_id!r} has no root (a post with empty parent_id)")
        return notes

    def _repair_type_prefixes(self) -> list[Note]:
        """Reddit's API (PRAW, and the tools built on it) names a comment's parent by its
        "fullname", its id with the type before it ("t1_abc1" a comment, "t3_xyz" a
        submission), where the comment's own id column has none ("abc1"): a parent that is
        not in the input, but is without its prefix, is that post. One note per file."""
        found = self.db.execute(
            "SELECT r.seq, r.parent_id, p.id, r.path, r.line FROM rows r JOIN rows p ON p.id = substr(r.parent_id, 4) "
            "WHERE r.parent_id GLOB 't[1-6]_?*' AND NOT EXISTS (SELECT 1 FROM rows q WHERE q.id = r.parent_id) "
            "ORDER BY r.seq"
        ).fetchall()
        per_file: dict[str, list] = {}
        with self.db:
            for seq, fullname, parent, path, line in found:
                self._reparent(seq, parent)
                per_file.setdefault(path, [0, line, fullname, parent])[0] += 1
        return [
            Note(
                where=f"{path}:{line}",
                kind="repaired",
                message=f"{n} parent id(s) written with Reddit's type prefix read as the post they name "
                f"(e.g. {fullname!r} as {parent!r})",
            )
            for path, (n, line, fullname, parent) in sorted(per_file.items())
        ]

    def _repair_self_parents(self) -> list[Note]:
        """A row that named itself as its parent (stored without one) is a comment whose
        parent its words tell, else its thread's first root that did not name itself; where
        the thread has no such root, the first of them opens it. Exports mark either way: a
        thread's opening post, or every top-level comment."""
        if not self.self_parents:
            return []
        flagged = set(self.self_parents)
        rows = sorted(
            self.select_in(
                "SELECT seq, id, thread_id, path, line, source FROM rows WHERE parent_id IS NULL AND id IN ({ids})",
                self.self_parents,
            )
        )
        roots = self.select_in(
            "SELECT seq, thread_id, id FROM rows WHERE parent_id IS NULL AND thread_id IN ({ids})",
            sorted({r[2] for r in rows}),
        )
        opening: dict[str, str] = {}
        for _, thread_id, row_id in sorted(roots):
            if row_id not in flagged:
                opening.setdefault(thread_id, row_id)
        notes = []
        with self.db:
            for seq, row_id, thread_id, path, line, source in rows:
                root = opening.get(thread_id)
                if root is None:
                    opening[thread_id] = row_id
                    message = (
                        f"post {row_id!r} names itself as its parent: read as the opening post of thread {thread_id!r}"
                    )
                else:
                    self._reparent(seq, root)
                    # As for a missing parent: a researcher's own row's words tell its parent.
                    self.missing_parents[row_id] = (row_id, source or "input")
                    message = f"post {row_id!r} names itself as its parent: " + (
                        f"attached to {root!r}"
                        if source
                        else f"its parent is inferred from its words (else the root {root!r})"
                    )
                notes.append(Note(where=f"{path}:{line}", kind="repaired", message=message))
        return notes

    def _mostly_missing(self, n_orphans: int, first: str) -> Note | None:
        """A warning where most replies name a parent that is not in the input: then the ids
        rarely are missing posts, more often ids numbered per thread or the wrong column
        (`first`: where the first such reply is)."""
        (replies,) = self.db.execute("SELECT COUNT(*) FROM rows WHERE parent_id IS NOT NULL").fetchone()
        if n_orphans < MOSTLY_MISSING_MIN or n_orphans * 2 <= replies:
            return None
        message = (
            f"{n_orphans} of {replies} replies name a parent that is not in the input and were attached by their "
            "words or to their thread's root: if post ids are numbered within each thread, read with "
            "--ids-per-thread; if another column holds the parent, name it with --columns parent_id=COLUMN"
        )
        log.warning("ingest: %s", message)
        return Note(where=first, kind="warning", message=message)

    def attach_orphans(self, every_row: bool = False) -> list[Note]:
        """Dumps and exports are cut by date, type and filters, so a reply's parent or a
        thread's opening post is often not in them. For rows read from such an extract, a
        thread without its opening post gets an empty root (placed at the thread's first
        row, line 0), and a reply without its parent answers that root; a note says so.
        `every_row` (missing parents repaired, the default): a researcher's own file too, e.g. the
        comments of a news article or a Facebook post exported without the article, whose
        top-level comments name it as their parent."""
        notes: list[Note] = []
        rootless = self.db.execute(
            "SELECT r.thread_id, r.path, r.line, r.source FROM rows r WHERE (r.source IS NOT NULL OR ?1) "
            "AND r.seq = (SELECT MIN(x.seq) FROM rows x WHERE x.thread_id = r.thread_id "
            "AND (x.source IS NOT NULL OR ?1)) "
            "AND NOT EXISTS (SELECT 1 FROM rows p WHERE p.id = r.thread_id) "
            "AND NOT EXISTS (SELECT 1 FROM rows p WHERE p.thread_id = r.thread_id AND p.parent_id IS NULL) "
            "ORDER BY r.thread_id",
            (every_row,),
        ).fetchall()
        with self.db:
            for thread_id, path, line, source in rootless:
                root = ThreadRow(id=thread_id, thread_id=thread_id)
                self.db.execute(
                    "INSERT INTO rows (id, thread_id, parent_id, path, line, row, source) "
                    "VALUES (?, ?, NULL, ?, 0, ?, ?)",
                    (thread_id, thread_id, path, root.model_dump_json(), source),
                )
                notes.append(
                    Note(
                        where=f"{path}:{line}",
                        kind="repaired",
                        message=f"thread {thread_id!r}: its opening post is not in the {source or 'input'}; "
                        "it gets an empty root",
                    )
                )
        # A researcher's own rows whose parent is missing are attached by `check`, to these
        # roots among others.
        orphans = self.db.execute(
            "SELECT r.seq, r.id, r.thread_id, r.parent_id, r.path, r.line, r.source FROM rows r "
            "WHERE r.source IS NOT NULL AND r.parent_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM rows p WHERE p.id = r.parent_id) ORDER BY r.seq"
        ).fetchall()
        # A thread's root is usually the post whose id is the thread's (Reddit, DAST), but a
        # file may name its threads otherwise: orphans go to the thread's first root. One
        # scan finds every thread's root (a query per orphan would rescan its thread).
        roots = self._roots() if orphans else {}
        with self.db:
            for seq, row_id, thread_id, parent, path, line, source in orphans:
                root = roots.get(thread_id, thread_id)
                self._reparent(seq, root)
                self.missing_parents[row_id] = (parent, source)
                notes.append(
                    Note(
                        where=f"{path}:{line}",
                        kind="repaired",
                        message=f"parent {parent} of {row_id} is not in the {source}; attached to {root}",
                    )
                )
        return notes

    def _roots(self) -> dict[str, str]:
        # SQLite takes a bare column from the row that MIN() picks: each thread's first root.
        cur = self.db.execute("SELECT thread_id, id, MIN(seq) FROM rows WHERE parent_id IS NULL GROUP BY thread_id")
        return {thread_id: root for thread_id, root, _ in cur}

    def _reparent(self, seq: int, parent: str) -> None:
        self.db.execute(
            "UPDATE rows SET parent_id = ?1, row = json_set(row, '$.parent_id', ?1) WHERE seq = ?2", (parent, seq)
        )

    def _thread(self, thread_id: str) -> list[tuple[ThreadRow, Path, int]]:
        cur = self.db.execute("SELECT row, path, line FROM rows WHERE thread_id = ? ORDER BY seq", (thread_id,))
        return [(_row(r), Path(p), n) for r, p, n in cur]

    def threads(self) -> Iterator[list[tuple[ThreadRow, Path, int]]]:
        """Every thread's rows in input order, threads in id order (code point order, as
        Python sorts strings); a reply cycle is an error naming its rows."""
        cur = self.db.execute("SELECT thread_id, row, path, line FROM rows ORDER BY thread_id, seq")
        current: list[tuple[ThreadRow, Path, int]] = []
        current_id = None
        while batch := cur.fetchmany(BATCH):
            for thread_id, row, path, line in batch:
                if thread_id != current_id:
                    if current:
                        check_cycles(current)
                        yield current
                    current, current_id = [], thread_id
                current.append((_row(row), Path(path), line))
        if current:
            check_cycles(current)
            yield current

    def existing(self, ids: Iterable[str]) -> list[str]:
        """Those of `ids` that some stored row has."""
        ids = list(ids)
        found = {r[0] for r in self.select_in("SELECT id FROM rows WHERE id IN ({ids})", ids)}
        return [i for i in ids if i in found]


def _row(text: str) -> ThreadRow:
    # Stored rows were validated on the way in (and written by `model_dump_json`, or
    # repaired with a parent id that was checked): validating them again took an eighth
    # of ingest's time.
    return ThreadRow.model_construct(**json.loads(text))


def check_cycles(rows: list[tuple[ThreadRow, Path, int]]) -> None:
    """A reply cycle among one thread's rows is an error naming each of its rows' lines."""
    by_id = {r.id: (r, path, line) for r, path, line in rows}
    state: dict[str, int] = {}
    for start in sorted(by_id):
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in by_id and state.get(node, 0) == 0:
            state[node] = 1
            chain.append(node)
            node = by_id[node][0].parent_id
        if node is not None and state.get(node) == 1:
            cycle = chain[chain.index(node) :]
            _, path, line = by_id[node]
            lines = ", ".join(f"{n} (line {by_id[n][2]})" for n in cycle)
            raise InputError(path, line, f"reply cycle: {lines}")
        for n in chain:
            state[n] = 2


AuthorRow = tuple[str, str, str, str | None, str | None, bool]
"""(participant id, post id, thread id, name, description, deleted)."""


class AuthorSpill(SpillDatabase):
    """Every post's authors, read back grouped by participant (for participants.jsonl)."""

    def __init__(self) -> None:
        super().__init__("authors")
        self.db.execute(
            "CREATE TABLE authors (seq INTEGER PRIMARY KEY, pid TEXT, post_id TEXT, thread_id TEXT, "
            "name TEXT, description TEXT, deleted INTEGER)"
        )

    def add(self, rows: Iterable[AuthorRow]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO authors (pid, post_id, thread_id, name, description, deleted) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def sorted_rows(self) -> Iterator[AuthorRow]:
        """Rows by participant id, then post id (ties in the order they were added)."""
        cur = self.db.execute(
            "SELECT pid, post_id, thread_id, name, description, deleted FROM authors ORDER BY pid, post_id, seq"
        )
        while batch := cur.fetchmany(BATCH):
            for pid, post_id, thread_id, name, description, deleted in batch:
                yield pid, post_id, thread_id, name, description, bool(deleted)


def _completed(first: str, second: str) -> str | None:
    """Two serialised rows with one id merged, where every field either agrees or is empty
    in one of them (None; a title also ""); None where they disagree on a field both fill.
    An empty text against a text stays a clash: two posts given one id look so."""
    a, b = json.loads(first), json.loads(second)

    def empty(key: str, value: object) -> bool:
        # A listing saves a forum's opening post without its topic's title ("" as read).
        return value is None or (key == "title" and value == "")

    if a.keys() != b.keys() or any(a[k] != b[k] and not empty(k, a[k]) and not empty(k, b[k]) for k in a):
        return None
    return json.dumps({k: b[k] if empty(k, a[k]) else a[k] for k in a}, ensure_ascii=False, separators=(",", ":"))
