"""Stage 4b, the graph stage over stage folders, a thread shard at a time.

The stage streams thread shards through worker processes, each of which builds its
threads' graph, writes their GraphML files and its part of the node and edge tables; the
parts are joined into one table sorted by id (CSV and Parquet), and the participant
graph is built from counts summed over the shards in a spill (pipeline/graph/people.py):
its tables always, its GraphML and GEXF up to `[graph] max_corpus_nodes` participants.
Up to `max_corpus_nodes` nodes the corpus graph is also written as one GraphML and GEXF
(what Gephi opens), composed from the shards' graphs in id order; above that no one file
would open in Gephi, and holding the graph would cost memory in proportion to the corpus.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

import networkx as nx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.classify.predictions import Predictions
from pipeline.classify.records import Shard, shard_records, thread_shards
from pipeline.core.artifacts import atomic_dir, write_text
from pipeline.core.cells import arrow_csv_lines, csv_text
from pipeline.core.corpus import Corpus, author_ids, threads_by_id
from pipeline.core.lineage import write_manifest
from pipeline.core.schema import (
    Participant,
    ParticipantLabels,
    Post,
    Thread,
)
from pipeline.core.tables import count_records, iter_records, stage_file
from pipeline.executors.local import alongside, engine, ordered_map
from pipeline.graph.build import CORPUS_GRAPH, GraphInputs, ParticipantCounts, build_graph, thread_members
from pipeline.graph.export import (
    edge_ids,
    edge_keys,
    edge_table,
    node_keys,
    node_table,
    parquet_bytes,
    write_gephi_files,
    write_thread_files,
)
from pipeline.graph.people import People, graph_of, participant_graph
from pipeline.graph.safe import gephi_safe, xml_text

log = logging.getLogger(__name__)

PART_FILES = ("posts", "units", "relations", "key_points")
TABLE_HEADS = (("nodes", ["Id", "Label"]), ("edges", ["Source", "Target", "Type", "Id", "Label", "Weight"]))
PARTICIPANT_CHUNK = 5000  # participants per part of the participant tables
# Parts open at once while merging tables: 100,000 posts make 266 parts, which one round
# merges. At 128, a second round re-read and re-wrote every row: the node table's merge
# took 15.2 s against 12.6 s, though in 360 MB against 470 MB (512 parts at once: 634 MB).
FAN_IN = 512
PART_ROW_GROUP = 512  # rows of a table part's row group, which a merge holds per open part
PART_ROWS = 20000  # rows of a table part at most
MERGE_ROW_GROUP = 20000


def corpus_nodes(corpus_dir: Path, segments_dir: Path, predictions_dir: Path) -> int:
    """Nodes the corpus graph would have (posts, units, participants, key points), counted
    from the files without reading them."""
    kp = stage_file(predictions_dir, "key_points")
    return (
        count_records(stage_file(corpus_dir, "posts"))
        + count_records(stage_file(corpus_dir, "participants"))
        + count_records(stage_file(segments_dir, "units"))
        + (count_records(kp) if kp.exists() else 0)
    )


def _shard(
    item: tuple[int, Shard, tuple[list[Participant], list[ParticipantLabels], dict[str, str]]],
    *,
    threads: dict[str, Thread],
    folder: Path,
    keep_graph: bool = False,
) -> tuple[ParticipantCounts, list[tuple[str, str]], nx.MultiDiGraph | None]:
    """Build a shard's graph (its threads' records, with the people who wrote in them, their
    roles and first post dates); write its threads' GraphML files and its table parts.
    With `keep_graph`, the shard's `gephi_safe` graph comes back for the corpus files."""
    index, shard, (people, roles, first_post) = item
    thread_items = shard_records(shard)
    posts = [p for t in thread_items for p in t[0]]
    units = [u for t in thread_items for u in t[1]]
    post_labels, unit_labels, rels, points = ([x for t in thread_items for x in t[k]] for k in range(2, 6))
    corpus = Corpus(threads=[threads[t[0][0].thread_id] for t in thread_items], posts=posts, participants=people)
    own = {t.id for t in corpus.threads}
    counts = ParticipantCounts().add(posts, {p.post_id: p for p in post_labels})
    # The records are handed to the graph, which frees each once it is a node or an edge
    # (the shard is this worker's copy, or one the caller is done with): they and the whole
    # graph had been held at once, a thread of 50,000 posts 1.5 GB (records 0.8 of it).
    thread_items.clear()
    g = build_graph(
        GraphInputs(corpus, units, Predictions(post_labels, unit_labels, roles, rels, {}, points)),
        first_post,
        in_place=True,
    )
    del corpus, posts, units, post_labels, unit_labels, rels, points
    members = {tid: nodes for tid, nodes in thread_members(g).items() if tid in own}
    safe = gephi_safe(g, in_place=True)
    del g
    rows = write_thread_files(sorted(members.items()), graph=safe, folder=folder / "threads")
    _write_part(folder, "", index, safe)
    if keep_graph:
        return counts, rows, safe
    # A networkx graph refers to itself (its cached edge view holds it), so it is freed by the
    # cycle collector, whenever that runs, not when its last name goes: emptied here, a huge
    # thread's graph (0.7 GB of 50,000 posts) does not outlive its shard, in this process
    # and in the merge workers forked from it.
    safe.clear()
    return counts, rows, None


def _in_id_order(nodes: dict[str, dict], edges: list[tuple]) -> nx.MultiDiGraph:
    """The corpus graph of the shards' nodes and edges, nodes sorted by id and edges by
    (source, target, key): the order of the corpus files, whatever shards they came in."""
    g = nx.MultiDiGraph(name=CORPUS_GRAPH)
    g.add_nodes_from(sorted(nodes.items(), key=lambda n: n[0]))
    nodes.clear()
    edges.sort(key=lambda e: (e[0], e[1], e[2]))
    g.add_edges_from(edges)
    edges.clear()
    return g


def _write_part(folder: Path, prefix: str, index: int, safe: nx.Graph, nodes: set[str] | None = None) -> None:
    """A `gephi_safe` graph's node and edge tables as parts of the whole tables (only the
    `nodes` given, where some of its nodes belong to another part), each sorted by id so
    that the parts merge into one sorted table in one pass. Small row groups: a merge
    decodes one row group of every part at a time."""
    # Each table's ids sorted, then its rows made and converted a part of PART_ROWS rows at a
    # time (consecutive, so each part is sorted and the merge reads them as any other
    # parts). A thread of 50,000 posts makes a node table of 305,000 rows: made whole, its
    # rows and then their Arrow columns had taken the graph stage's largest process from
    # 1.1 to 1.9 GB.
    node_ids = sorted(safe.nodes if nodes is None else (n for n in safe.nodes if n in nodes))
    _write_rows(folder, f"{prefix}nodes-{index:06d}", node_ids, partial(node_table, safe, keys=node_keys(safe)))
    del node_ids
    _write_rows(
        folder, f"{prefix}edges-{index:06d}", sorted(edge_ids(safe)), partial(edge_table, safe, keys=edge_keys(safe))
    )


def _write_rows(folder: Path, stem: str, ids: list, rows_of: Callable[[list], list[list]]) -> None:
    for j, start in enumerate(range(0, max(len(ids), 1), PART_ROWS)):
        part = parquet_bytes(rows_of(ids[start : start + PART_ROWS]), row_group_size=PART_ROW_GROUP)
        (folder / "parts" / f"{stem}-{j:04d}.parquet").write_bytes(part)


def _participant_tables(people: People, folder: Path, chunk: int = PARTICIPANT_CHUNK) -> None:
    """The participant graph's node and edge tables (CSV, Parquet), written from the spill
    a chunk of participants at a time as parts and merged like the corpus tables: memory
    grows with the chunk, not with the participants."""
    records = people.records()
    index = 0
    while True:
        batch = list(itertools.islice(records, chunk))
        if batch or index == 0:  # an empty graph still gets its (header-only) tables
            # An edge to someone in a later chunk adds a bare node here: only the chunk's own are rows.
            own = {xml_text(pid) for pid, _, _ in batch}
            _write_part(folder, "participant_", index, gephi_safe(graph_of(batch)), own)
            index += 1
        if len(batch) < chunk:
            break
    for kind, head in TABLE_HEADS:
        parts = sorted((folder / "parts").glob(f"participant_{kind}-*.parquet"))
        _merge_parts(parts, head, folder / f"participant_{kind}.csv", folder / f"participant_{kind}.parquet")


def _part_tables(path: Path, schema: pa.Schema) -> Iterator[pa.Table]:
    """A table part a row group at a time, with `schema`'s columns in its order (a column the
    part lacks is null): a merge holds one row group of every open part."""
    part = pq.ParquetFile(path)
    for i in range(part.num_row_groups):
        t = part.read_row_group(i)
        if t.num_rows:
            names = set(t.column_names)
            yield pa.Table.from_arrays(
                [t.column(f.name).cast(f.type) if f.name in names else pa.nulls(t.num_rows, f.type) for f in schema],
                schema=schema,
            )


def _merged(parts: list[Path], schema: pa.Schema) -> Iterator[pa.Table]:
    """The rows of table parts (each sorted by `Id`) as tables sorted by `Id`, of rows with
    the same `Id` only the first part's.

    A k-way merge done a slice at a time in Arrow rather than a row at a time in Python: each
    round takes, from the row group every part has open, the rows up to the smallest of
    their last Ids (no row still unread can come before those), sorts them by (Id, part) and
    drops repeated Ids. Shards hold runs of threads, so most rounds take one part's rows."""
    streams = [_part_tables(p, schema) for p in parts]
    heads: dict[int, pa.Table] = {}
    for i, stream in enumerate(streams):
        if (t := next(stream, None)) is not None:
            heads[i] = t
    last: str | None = None
    while heads:
        bound = min(_id(t, -1) for t in heads.values())
        pieces: list[pa.Table] = []
        owners: list[int] = []
        for i in sorted(heads):
            t = heads[i]
            if _id(t, 0) > bound:
                continue
            n = t.num_rows if _id(t, -1) <= bound else pc.sum(pc.less_equal(t.column("Id"), bound)).as_py()
            pieces.append(t.slice(0, n))
            owners.extend([i] * n)
            if n < t.num_rows:
                heads[i] = t.slice(n)
            elif (nxt := next(streams[i], None)) is not None:
                heads[i] = nxt
            else:
                del heads[i]
        chunk = pa.concat_tables(pieces)
        if len(pieces) > 1:
            keys = pa.table({"id": chunk.column("Id"), "part": pa.array(owners, pa.int32())})
            chunk = chunk.take(pc.sort_indices(keys, sort_keys=[("id", "ascending"), ("part", "ascending")]))
        ids = chunk.column("Id").combine_chunks()
        before = pa.concat_arrays([pa.array([last], ids.type), ids.slice(0, len(ids) - 1)])
        last = ids[-1].as_py()
        yield chunk.filter(pc.fill_null(pc.not_equal(ids, before), True))


def _id(table: pa.Table, row: int) -> str:
    return table.column("Id")[row].as_py()


def _merge_parts(parts: list[Path], head: list[str], csv_path: Path, parquet_path: Path) -> int:
    """Table parts (each sorted by `Id`) merged into one table sorted by `Id`, as CSV
    (protected cells) and Parquet: columns united (absent = null), the `head` columns first
    (as `export.tables` puts them), the rest sorted; a row whose `Id` was already written is
    left out (a participant who wrote in several shards is a node of each, equal in all).
    An external merge sort: at most `FAN_IN` parts are open at once (more are merged in
    rounds), each read a row group at a time; the parts are removed. The rows written."""
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="default")
    columns = head + sorted(c for c in schema.names if c not in head)
    schema = pa.schema([schema.field(c) for c in columns])
    level = 0
    while len(parts) > FAN_IN:
        # Groups of consecutive parts, so the first of equal rows stays the first.
        rounds = []
        for i in range(0, len(parts), FAN_IN):
            out = parts[0].parent / f"{parquet_path.stem}-merge{level}-{i // FAN_IN:06d}.parquet"
            _write_tables(_merged(parts[i : i + FAN_IN], schema), schema, out, row_group=PART_ROW_GROUP)
            for p in parts[i : i + FAN_IN]:
                p.unlink()
            rounds.append(out)
        parts, level = rounds, level + 1
    n = _write_tables(_merged(parts, schema), schema, parquet_path, csv_path)
    for p in parts:
        p.unlink()
    return n


def _write_tables(
    tables: Iterable[pa.Table],
    schema: pa.Schema,
    parquet_path: Path,
    csv_path: Path | None = None,
    row_group: int = MERGE_ROW_GROUP,
) -> int:
    """Tables of `schema` to Parquet in row groups of `row_group` rows (the last shorter,
    however the tables were cut) and, given a path, to CSV (cells protected), in one pass;
    the rows written."""
    n = 0
    with pq.ParquetWriter(parquet_path, schema, compression="zstd") as parquet:

        def groups() -> Iterator[pa.Table]:
            pending: list[pa.Table] = []
            size = 0
            for t in tables:
                pending.append(t)
                size += t.num_rows
                while size >= row_group:
                    whole = pa.concat_tables(pending)
                    yield whole.slice(0, row_group)
                    pending, size = [whole.slice(row_group)], size - row_group
            if size:
                yield pa.concat_tables(pending)

        with open(csv_path, "wb") if csv_path is not None else contextlib.nullcontext() as fh:
            if fh is not None:
                fh.write(csv_text([schema.names]).encode("utf-8"))
            for group in groups():
                # One chunk per column: the file's pages do not depend on how the rows came.
                group = group.combine_chunks()
                parquet.write_table(group)
                n += group.num_rows
                if fh is not None:
                    fh.write(arrow_csv_lines(group))
    return n


def write_graph_files(
    corpus_dir: Path,
    segments_dir: Path,
    predictions_dir: Path,
    out_dir: Path,
    colors: dict[str, tuple[int, int, int]],
    max_corpus_nodes: int,
    shard_posts: int,
    workers: int = 1,
    made_from: dict | None = None,
) -> dict:
    """The graph stage over stage folders; what was written (node counts, whether the corpus
    graph was written whole)."""
    corpus_dir, segments_dir, predictions_dir = Path(corpus_dir), Path(segments_dir), Path(predictions_dir)
    n_nodes = corpus_nodes(corpus_dir, segments_dir, predictions_dir)
    whole = n_nodes <= max_corpus_nodes
    threads = threads_by_id(corpus_dir)
    last_day = ""

    def dated_posts() -> Iterator[Post]:
        nonlocal last_day
        for post in iter_records(stage_file(corpus_dir, "posts"), Post):
            if post.created and post.created[:10] > last_day:
                last_day = post.created[:10]
            yield post

    index = [("file", "thread_id")]
    with People() as people, atomic_dir(Path(out_dir)) as tmp:
        # One pass for first post dates: a participant's node says when they first wrote.
        people.load(
            iter_records(stage_file(corpus_dir, "participants"), Participant),
            iter_records(stage_file(predictions_dir, "participants"), ParticipantLabels),
            dated_posts(),
        )
        write_manifest(tmp, made_from)
        (tmp / "threads").mkdir()
        (tmp / "parts").mkdir()

        def items() -> Iterator[tuple]:
            # Lines only where shards go to other processes (`thread_shards`): one thread is
            # one shard, which `ordered_map` works on in this process.
            as_lines = engine() == "ray" or (workers > 1 and len(threads) > 1)
            read = thread_shards(corpus_dir, segments_dir, predictions_dir, shard_posts, as_lines)
            for i, (posts, shard) in enumerate(read):
                authors = people.lookup(pid for p in posts for pid in author_ids(p))
                del posts  # not kept in this frame while the shard is with a worker
                yield i, shard, authors

        # Under the node limit the shards' graphs are kept to write the corpus files: a
        # graph of that size fits in memory, the stage files read as Python objects would
        # take twice as much.
        # (A participant who wrote in several shards is a node of each, equal in all.)
        nodes: dict[str, dict] = {}
        edges: list[tuple] = []
        for _, (shard_counts, rows, shard_graph) in ordered_map(
            partial(_shard, threads=threads, folder=tmp, keep_graph=whole), items(), workers, "graph"
        ):
            people.add_counts(shard_counts)
            index.extend(rows)
            if shard_graph is not None:
                nodes.update(shard_graph.nodes(data=True))
                edges.extend(shard_graph.edges(keys=True, data=True))
                shard_graph.clear()
        write_text(tmp / "threads" / "index.csv", csv_text(index))
        # The corpus tables are merged in other processes while this one writes the corpus
        # graph and the participants' files (from the spill, whose connection stays here).
        merges = [
            partial(
                _merge_parts,
                sorted((tmp / "parts").glob(f"{kind}-*.parquet")),
                head,
                tmp / f"{kind}.csv",
                tmp / f"{kind}.parquet",
            )
            for kind, head in TABLE_HEADS
        ]
        n_people = len(people)
        n_edges = None
        with alongside(merges, workers):
            if whole:
                corpus_graph = _in_id_order(nodes, edges)
                n_edges = corpus_graph.number_of_edges()
                write_gephi_files(tmp, "corpus", corpus_graph, colors, last_day or "1970-01-01")
                corpus_graph.clear()  # see _shard: the graph is freed now, not by the cycle collector
            _participant_tables(people, tmp)
            if n_people <= max_corpus_nodes:
                pg = gephi_safe(participant_graph(people))
                write_gephi_files(tmp, "participants", pg, colors, last_day or "1970-01-01")
        (tmp / "parts").rmdir()
    return {
        "nodes": n_nodes,
        "edges": n_edges,
        "whole": whole,
        "participants": n_people,
        "participant_gephi": n_people <= max_corpus_nodes,
    }
