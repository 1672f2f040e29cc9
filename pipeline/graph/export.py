"""Stage 4b, export: graphs to GraphML, GEXF and CSV that Gephi opens cleanly.

Every graph is first made `gephi_safe` (safe.py: one type per attribute, nothing XML
cannot hold), then written as GraphML (graphml.py) and GEXF 1.3 (gexf.py, dynamic where
the corpus has dates), and as node and edge tables (CSV and Parquet) here.

Output (data/processed/graphs/):
  corpus.graphml, corpus.gexf                 reply/argument graph of the whole corpus
  threads/<name>.graphml, threads/index.csv   one per thread; <name> is `safe_filename(thread id)`
                                              (a slug and a hash: ids never become paths), and
                                              index.csv maps every file to its thread id
  participants.graphml, participants.gexf     participant interaction graph
  nodes.csv, edges.csv                        the corpus graph as Gephi spreadsheet tables
  participant_nodes.csv, participant_edges.csv
  *.parquet                                   the same four tables as Parquet (typed columns)
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import networkx as nx

from pipeline.core.artifacts import safe_filename
from pipeline.core.tables import arrow_refusals
from pipeline.graph.gexf import write_gexf
from pipeline.graph.graphml import write_graphml
from pipeline.graph.safe import gephi_safe, xml_text


def tables(g: nx.Graph, safe: bool = False) -> tuple[list[list], list[list]]:
    """(nodes, edges) as rows, each list headed by Gephi's column names (Id, Label, Source,
    Target, ...) and then one column per attribute, sorted. `safe`: `g` is already
    `gephi_safe`."""
    g = g if safe else gephi_safe(g)
    return node_table(g), edge_table(g)


def node_table(safe: nx.Graph, ids: Iterable | None = None, keys: list[str] | None = None) -> list[list]:
    """A `gephi_safe` graph's nodes as rows (see `tables`); `ids`: only these, in this
    order; `keys`: the attribute columns (by default every attribute a node has)."""
    keys = node_keys(safe) if keys is None else keys
    data = safe.nodes
    rows: list[list] = [["Id", "Label", *keys]]
    for n in safe.nodes if ids is None else ids:
        d = data[n]
        rows.append([n, d.get("label", n), *[d.get(k) for k in keys]])
    return rows


def node_keys(safe: nx.Graph) -> list[str]:
    """The node table's attribute columns: every attribute a node has, but its label."""
    return sorted({k for _, d in safe.nodes(data=True) for k in d} - {"label"})


def edge_keys(safe: nx.Graph) -> list[str]:
    """The edge table's attribute columns: every attribute an edge has, but its label and weight."""
    return sorted({k for *_, d in safe.edges(data=True) for k in d} - {"label", "weight"})


def edge_ids(safe: nx.Graph) -> Iterator[tuple[str, object, object]]:
    """(id, source, target) of every edge, in the graph's order: a multigraph's key, else
    `source->target`."""
    if safe.is_multigraph():
        return ((k, u, v) for u, v, k in safe.edges(keys=True))
    return ((f"{u}->{v}", u, v) for u, v in safe.edges())


def edge_table(
    safe: nx.Graph, ids: Iterable[tuple[str, object, object]] | None = None, keys: list[str] | None = None
) -> list[list]:
    """A `gephi_safe` graph's edges as rows (see `tables`); `ids`: only these (from
    `edge_ids`), in this order; `keys`: the attribute columns (by default every attribute
    an edge has)."""
    keys = edge_keys(safe) if keys is None else keys
    multi = safe.is_multigraph()
    rows: list[list] = [["Source", "Target", "Type", "Id", "Label", "Weight", *keys]]
    for key, u, v in edge_ids(safe) if ids is None else ids:
        d = safe.edges[u, v, key] if multi else safe.edges[u, v]
        rows.append(
            [u, v, "Directed", key, d.get("label", d.get("kind", "")), d.get("weight", 1.0), *[d.get(k) for k in keys]]
        )
    return rows


def parquet_bytes(rows: list[list], row_group_size: int | None = None) -> bytes:
    """A table as Parquet with typed columns (numbers stay numbers, absent values are null),
    for pandas, polars, DuckDB and R's arrow; same columns as the CSV."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    header, body = rows[0], rows[1:]
    columns = {}
    for i, name in enumerate(header):
        with arrow_refusals(name, "this graph table column holds what no table column can"):
            columns[name] = pa.array([row[i] for row in body])
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf, compression="zstd", row_group_size=row_group_size)
    return buf.getvalue()


def write_thread_files(
    chunk: list[tuple[str, list[str]]], *, graph: nx.MultiDiGraph, folder: Path
) -> list[tuple[str, str]]:
    """One GraphML file per thread of `chunk` ((thread id, its nodes, named as in the graph
    before `gephi_safe`)); (file, thread id) rows. `graph` is the `gephi_safe` copy its
    callers need for the tables too, so it is converted once."""
    rows = []
    for thread_id, nodes in chunk:
        name = f"{safe_filename(thread_id)}.graphml"
        with open(folder / name, "wb") as fh:
            attrs = {**graph.graph, "thread_id": xml_text(thread_id)}
            write_graphml(fh, graph, nodes=[xml_text(n) for n in nodes], graph=attrs)
        rows.append((name, thread_id))
    return rows


def write_gephi_files(
    folder: Path, name: str, safe: nx.Graph, colors: dict[str, tuple[int, int, int]], date: str
) -> None:
    """`name`.graphml and `name`.gexf of a `gephi_safe` graph (which the GEXF view changes)."""
    with open(folder / f"{name}.graphml", "wb") as fh:
        write_graphml(fh, safe)
    # Last: the GEXF view changes the safe copy in place.
    with open(folder / f"{name}.gexf", "wb") as fh:
        write_gexf(fh, safe, colors, date, safe=True)
