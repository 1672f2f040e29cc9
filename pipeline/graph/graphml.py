"""GraphML as networkx writes it, written as text a batch of nodes or edges at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

import networkx as nx

from pipeline.graph.safe import XML_INVALID_RE, runs_of, xml_escaped_attribute, xml_escaped_text

_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
# networkx's names for Python types (the last of its pairs wins: float is "double").
_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}


def write_graphml(
    fh: IO[bytes], safe: nx.Graph, batch: int = 2000, *, nodes: list | None = None, graph: dict | None = None
) -> None:
    """GraphML of a `gephi_safe` graph into an open binary file: the bytes
    `nx.write_graphml(prettyprint=True)` writes (tests/test_graph.py checks them against
    networkx on the seeds and on hostile text), `batch` nodes or edges at a time.
    `nodes` (a directed graph's): only the subgraph they induce, as `ordered_subgraph`
    makes it, without building it; `graph`: the graph attributes, instead of `safe.graph`.

    Written here rather than by networkx because its writer makes an lxml element for
    every attribute value of every node and edge (2.2 million for 20k posts), a third of
    the graph stage; this is plain string building. Graphs outside what `gephi_safe` makes
    (default attribute values, other value types) go to networkx itself."""
    attrs = safe.graph if graph is None else graph
    if nodes is not None and not safe.is_directed():
        raise ValueError("write_graphml: `nodes` is for directed graphs")

    def by_networkx() -> None:
        sub = safe.copy() if nodes is None else ordered_subgraph(safe, nodes)
        sub.graph = dict(attrs)  # a copy: networkx pops the graph's "id"
        nx.write_graphml(sub, fh, encoding="utf-8", prettyprint=True)

    if attrs.get("node_default") or attrs.get("edge_default"):
        return by_networkx()
    graph_data = {k: v for k, v in attrs.items() if k not in ("id", "node_default", "edge_default")}
    multi = safe.is_multigraph()
    keep = None if nodes is None else set(nodes)

    def node_items() -> Iterable[tuple[object, dict]]:
        return safe.nodes(data=True) if nodes is None else ((n, safe.nodes[n]) for n in nodes)

    def edges() -> Iterator[tuple[object, object, object, dict]]:
        """(source, target, key or None where the graph has no keys, data)."""
        sources = [None] if nodes is None else nodes  # None: all edges, in the graph's order
        for n in sources:
            if multi:
                for u, v, k, d in safe.edges(n, keys=True, data=True):
                    if keep is None or v in keep:
                        yield u, v, k, d
            else:
                for u, v, d in safe.edges(n, data=True):
                    if keep is None or v in keep:
                        yield u, v, None, d

    # networkx numbers the keys in the order it meets them (graph, nodes, edges), and
    # declares each before the ones met earlier: one pass to number them first.
    keys: dict[tuple[str, str, str], str] = {}
    # (attribute, Python type) -> key id, for each scope.
    ids: dict[str, dict[tuple[object, type], str]] = {"graph": {}, "node": {}, "edge": {}}
    try:
        for scope, dicts in (
            ("graph", [graph_data]),
            ("node", (d for _, d in node_items())),
            ("edge", (d for *_, d in edges())),
        ):
            seen = ids[scope]
            for values in dicts:
                for k, v in values.items():
                    if (k, type(v)) not in seen:
                        spec = (str(k), _GRAPHML_TYPES[type(v)], scope)
                        if spec not in keys:
                            keys[spec] = f"d{len(keys)}"
                        seen[k, type(v)] = keys[spec]
    except KeyError:  # a value type networkx would map (numpy numbers) or refuse
        return by_networkx()

    def data(values: dict, scope: str, indent: str) -> str:
        seen = ids[scope]
        return "".join(
            f'{indent}<data key="{seen[k, type(v)]}">{xml_escaped_text(v) if type(v) is str else v}</data>\n'
            for k, v in values.items()
        )

    def write(text: str) -> None:
        if XML_INVALID_RE.search(text):
            raise ValueError("write_graphml: a character XML cannot hold; pass the graph through gephi_safe")
        fh.write(text.encode("utf-8"))

    declared = "".join(
        f'<key id="{kid}" for="{scope}" attr.name="{xml_escaped_attribute(name)}" attr.type="{kind}"/>\n'
        for (name, kind, scope), kid in reversed(keys.items())
    )
    graph_id = f' id="{xml_escaped_attribute(str(attrs["id"]))}"' if "id" in attrs else ""
    edge_default = "directed" if safe.is_directed() else "undirected"
    write(f'{_GRAPHML_HEAD}{declared}<graph edgedefault="{edge_default}"{graph_id}>{data(graph_data, "graph", "")}')
    for run in runs_of(node_items(), batch):
        body = []
        for n, values in run:
            head = f'<node id="{xml_escaped_attribute(str(n))}"'
            body.append(f"{head}>\n{data(values, 'node', '  ')}</node>\n" if values else f"{head}/>\n")
        write("".join(body))
    for run in runs_of(edges(), batch):
        body = []
        for u, v, k, values in run:
            edge_id = "" if k is None else f' id="{xml_escaped_attribute(str(k))}"'
            head = f'<edge source="{xml_escaped_attribute(str(u))}" target="{xml_escaped_attribute(str(v))}"{edge_id}'
            body.append(f"{head}>\n{data(values, 'edge', '  ')}</edge>\n" if values else f"{head}/>\n")
        write("".join(body))
    write("</graph></graphml>")


def ordered_subgraph(g: nx.DiGraph, nodes: list[str]) -> nx.DiGraph:
    """The subgraph induced by `nodes`, nodes in the order given and edges in `g`'s order.
    (networkx's `subgraph` iterates a set of the nodes, whose order changes from one Python
    process to the next, and so would the GraphML files.)"""
    keep = set(nodes)
    h = g.__class__()
    h.graph.update(g.graph)
    for n in nodes:
        h.add_node(n, **g.nodes[n])
    for n in nodes:
        if g.is_multigraph():
            for _, v, key, data in g.out_edges(n, keys=True, data=True):
                if v in keep:
                    h.add_edge(n, v, key=key, **data)
        else:
            for _, v, data in g.out_edges(n, data=True):
                if v in keep:
                    h.add_edge(n, v, **data)
    return h
