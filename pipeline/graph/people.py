"""The graph stage's participants on disk, so that its memory does not grow with them.

A thread shard's graph needs the participants who wrote in it (with their role and their
first post date in the whole corpus), and the participant graph needs reply and stance
counts summed over every shard. At a million posts that is a few hundred thousand people
and about a million reply pairs: held as Python objects in the parent (and touched by
every forked worker), they were the stage's largest cost in memory. Here they live in a
throwaway SQLite database (`SpillDatabase`): each shard is sent with its own people, and
the participant graph is read back in id order, a chunk of participants at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import networkx as nx
import numpy as np

from pipeline.core.bots import is_bot_participant
from pipeline.core.corpus import author_ids
from pipeline.core.schema import Participant, ParticipantLabels, Post
from pipeline.core.spill import SpillDatabase
from pipeline.graph.build import PARTICIPANT_GRAPH, ParticipantCounts, participant_node, reply_edge

# One participant graph node: id, attributes, and the reply edges from it (target, attributes).
ParticipantRecord = tuple[str, dict, list[tuple[str, dict]]]


class People(SpillDatabase):
    """Participants (with role and first post date) and the participant graph's counts."""

    def __init__(self) -> None:
        super().__init__("people")
        self.db.executescript(
            """
            CREATE TABLE people (id TEXT PRIMARY KEY, participant TEXT NOT NULL, role TEXT, first TEXT);
            CREATE TABLE stances (id TEXT, label TEXT, n INTEGER NOT NULL, PRIMARY KEY (id, label));
            CREATE TABLE replies (src TEXT, dst TEXT, stance TEXT, n INTEGER NOT NULL,
                                  PRIMARY KEY (src, dst, stance));
            """
        )

    def load(
        self, participants: Iterable[Participant], roles: Iterable[ParticipantLabels], posts: Iterable[Post] = ()
    ) -> None:
        """Fill the table: every participant, their role, and the date of their first post
        (from `posts`, or later through `add_posts`)."""
        self.executemany(
            "INSERT INTO people (id, participant) VALUES (?, ?)", ((p.id, p.model_dump_json()) for p in participants)
        )
        self.executemany(
            "UPDATE people SET role = ? WHERE id = ?", ((r.model_dump_json(), r.participant_id) for r in roles)
        )
        self.add_posts(posts)

    def add_posts(self, posts: Iterable[Post]) -> None:
        """Take the posts' dates into their authors' first post dates."""
        # ISO dates compare as strings: the smallest is the first post (as `first_posts`).
        self.executemany(
            "UPDATE people SET first = ?1 WHERE id = ?2 AND (first IS NULL OR ?1 < first)",
            ((post.created, pid) for post in posts if post.created for pid in author_ids(post)),
        )

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM people").fetchone()[0]

    def lookup(self, ids: Iterable[str]) -> tuple[list[Participant], list[ParticipantLabels], dict[str, str]]:
        """The participants among `ids` (sorted by id), their roles, and their first post dates."""
        wanted = sorted(set(ids))
        parts: list[Participant] = []
        roles: list[ParticipantLabels] = []
        first: dict[str, str] = {}
        sql = "SELECT id, participant, role, first FROM people WHERE id IN ({ids}) ORDER BY id"
        for pid, part, role, day in self.select_in(sql, wanted):
            parts.append(Participant.model_validate_json(part))
            if role is not None:
                roles.append(ParticipantLabels.model_validate_json(role))
            if day is not None:
                first[pid] = day
        return parts, roles, first

    def add_counts(self, counts: ParticipantCounts) -> None:
        """Add a shard's counts to the sums."""
        self.executemany(
            "INSERT INTO stances VALUES (?, ?, ?) ON CONFLICT (id, label) DO UPDATE SET n = n + excluded.n",
            ((pid, label, n) for pid, c in counts.stances.items() for label, n in c.items()),
        )
        self.executemany(
            "INSERT INTO replies VALUES (?, ?, ?, ?) ON CONFLICT (src, dst, stance) DO UPDATE SET n = n + excluded.n",
            ((src, dst, stance, n) for (src, dst), c in counts.replies.items() for stance, n in c.items()),
        )

    def records(self, ids: Iterable[str] | None = None) -> Iterator[ParticipantRecord]:
        """The participant graph's nodes in id order (all, or those among `ids` that are
        participants), each with its reply edges in target order (the order
        `build.participant_graph` adds them): three sorted scans merged."""
        queries = (
            "SELECT id, participant, role, first FROM people{where} ORDER BY id",
            "SELECT id, label, n FROM stances{where} ORDER BY id",
            "SELECT src, dst, stance, n FROM replies{where_src} ORDER BY src, dst",
        )
        if ids is None:
            people, stances, replies = (self.db.execute(q.format(where="", where_src="")) for q in queries)
        else:
            # Chunks of sorted ids, each sorted: the concatenation stays in id order.
            wanted = sorted(set(ids))
            people, stances, replies = (
                self.select_in(q.format(where=" WHERE id IN ({ids})", where_src=" WHERE src IN ({ids})"), wanted)
                for q in queries
            )
        stances_of = _rows_by_id(stances)
        replies_of = _rows_by_id(replies)
        for pid, part, role, day in people:
            counts = Counter({label: n for _, label, n in stances_of(pid)})
            out = [
                (dst, reply_edge(Counter({stance: n for _, _, stance, n in rows})))
                for dst, rows in groupby(replies_of(pid), key=itemgetter(1))
            ]
            role_pred = ParticipantLabels.model_validate_json(role).role if role is not None else None
            yield pid, participant_node(Participant.model_validate_json(part), role_pred, day, counts), out

    def reply_matrix(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """The participant graph as numbers: its node count, and for every edge the source's
        and target's node number and the number of replies. Node numbers follow id order
        (`node_ids` turns them back into ids); nodes are the participants and anyone
        replied to who is not one, as in the participant graph."""
        self.db.executescript(
            """
            DROP TABLE IF EXISTS temp.nodes;
            CREATE TEMP TABLE nodes (i INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL);
            INSERT INTO nodes (id) SELECT id FROM people UNION SELECT src FROM replies
                UNION SELECT dst FROM replies ORDER BY 1;
            """
        )
        n = self.db.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
        rows = self.db.execute(
            "SELECT a.i - 1, b.i - 1, SUM(r.n) FROM replies r JOIN nodes a ON a.id = r.src "
            "JOIN nodes b ON b.id = r.dst GROUP BY r.src, r.dst ORDER BY r.src, r.dst"
        )
        edges = np.fromiter(rows, dtype=np.dtype((np.float64, 3)))
        return n, edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64), edges[:, 2]

    def bot_numbers(self) -> np.ndarray:
        """The node numbers (from `reply_matrix`) of automated accounts' participants."""
        # The same test as `Participant.bot`, on the stored record's fields.
        self.db.create_function("is_bot_participant", 2, is_bot_participant, deterministic=True)
        rows = self.db.execute(
            "SELECT n.i - 1 FROM nodes n JOIN people p ON p.id = n.id WHERE "
            "is_bot_participant(json_extract(p.participant, '$.name'), json_extract(p.participant, '$.deleted'))"
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def deleted_numbers(self) -> np.ndarray:
        """The node numbers (from `reply_matrix`) of deleted authors' participants: each is
        one post whose author is unknown, no person to rank."""
        rows = self.db.execute(
            "SELECT n.i - 1 FROM nodes n JOIN people p ON p.id = n.id WHERE json_extract(p.participant, '$.deleted')"
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def top_pairs(self, stance: str, k: int) -> list[tuple[str, str, int, int]]:
        """(replier, replied to, replies of `stance`, replies in all) for the `k` pairs with
        the most replies of `stance`, then the most in all, then by ids; replies to oneself
        and pairs with an automated account left out."""
        self.db.create_function("is_bot_participant", 2, is_bot_participant, deterministic=True)
        bot = (
            "EXISTS (SELECT 1 FROM people p WHERE p.id = {side} AND is_bot_participant("
            "json_extract(p.participant, '$.name'), json_extract(p.participant, '$.deleted')))"
        )
        rows = self.db.execute(
            "SELECT r.src, r.dst, r.n, (SELECT SUM(t.n) FROM replies t WHERE t.src = r.src AND t.dst = r.dst) AS total "
            f"FROM replies r WHERE r.stance = ? AND r.src != r.dst AND NOT {bot.format(side='r.src')} "
            f"AND NOT {bot.format(side='r.dst')} ORDER BY r.n DESC, total DESC, r.src, r.dst LIMIT ?",
            (stance, k),
        )
        return [(src, dst, int(n), int(total)) for src, dst, n, total in rows]

    def node_ids(self, numbers: Iterable[int]) -> dict[int, str]:
        """The ids of node numbers from `reply_matrix`."""
        wanted = [int(i) + 1 for i in numbers]
        sql = "SELECT i - 1, id FROM nodes WHERE i IN ({ids})"
        return dict(self.select_in(sql, wanted))


def graph_of(records: Iterable[ParticipantRecord]) -> nx.DiGraph:
    """A participant graph of `records`, nodes first and then edges, as
    `build.participant_graph` adds them (an edge to someone outside adds a bare node)."""
    g = nx.DiGraph(name=PARTICIPANT_GRAPH)
    edges = []
    for pid, attrs, out in records:
        g.add_node(pid, **attrs)
        edges.extend((pid, dst, attrs) for dst, attrs in out)
    g.add_edges_from(edges)
    return g


def participant_graph(people: People) -> nx.DiGraph:
    """The whole participant graph from the spill."""
    return graph_of(people.records())


def _rows_by_id(rows: Iterator[tuple]) -> Callable[[str], list[tuple]]:
    """The rows of a scan sorted by its first column, asked for id by id in increasing
    order (a merge join with the people scan): each id's rows, or none."""
    groups = groupby(rows, key=itemgetter(0))
    current = next(groups, None)

    def rows_of(pid: str) -> list[tuple]:
        nonlocal current
        while current is not None and current[0] < pid:
            current = next(groups, None)
        if current is None or current[0] != pid:
            return []
        found = list(current[1])
        current = next(groups, None)
        return found

    return rows_of
