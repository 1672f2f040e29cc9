"""Records spilled to disk while a stage streams, so that the stage's memory does not grow
with the corpus: a throwaway SQLite database in a private temporary folder.

SQLite ships with Python, indexes and sorts larger-than-memory tables with its own
temporary files, and answers the joins the checks need; a DataFrame engine would hold the
rows in memory, which is what spilling avoids. `TMPDIR` chooses the disk; the folder is
gone when the database is closed, whatever happened. Nothing in it must survive a crash,
so it runs without a journal and without fsync.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

BATCH = 5000


class SpillDatabase:
    """A throwaway SQLite database in its own temporary folder."""

    def __init__(self, name: str) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix=f"pipeline-{name}-")
        self.db = sqlite3.connect(Path(self._dir.name) / f"{name}.sqlite")
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE", "cache_size = -65536"):
            self.db.execute(f"PRAGMA {pragma}")

    def executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        """`sql` for every row of `rows` (a stream of any length), `BATCH` rows per transaction."""
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                with self.db:
                    self.db.executemany(sql, batch)
                batch = []
        with self.db:
            self.db.executemany(sql, batch)

    def select_in(self, sql: str, ids: Sequence[str | int]) -> Iterator[tuple]:
        """The rows of `sql` (a query with `{ids}` where the list goes: `... WHERE id IN
        ({ids})`) for every id of `ids`, asked 500 at a time (SQLite's limit on variables)."""
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            yield from self.db.execute(sql.format(ids=",".join("?" * len(chunk))), chunk)

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
