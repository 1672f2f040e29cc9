"""Stage 4b, export: graphs to GraphML, GEXF and CSV that Gephi opens cleanly.

Gephi (and the GraphML spec) want one type per attribute key, no empty values and no
lists or dicts as attributes, and unique edge ids. `gephi_safe` enforces that from one
declared type per attribute name (strings unless declared), so a key is never written
twice with two types. GEXF carries `viz` colours by target stance and sizes by degree.
The GEXF header date is pinned to the corpus's newest date: writers stamp today's date
otherwise, and outputs must be byte-identical between runs.

GEXF is version 1.3, dynamic where the corpus has dates, so Gephi's timeline replays the
debate (see `_with_viz`).

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
import itertools
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from pipeline.core.artifacts import safe_filename

_INDENT_3 = "\n      "  # between elements of <nodes>/<edges>, as GEXFWriter.indent puts them
_PLACEHOLDER = "{http://gexf.net/1.3/viz}placeholder"

FLOAT_KEYS = {
    "confidence",
    "cohesion",
    "lang_confidence",
    "parent_confidence",
    "weight",
    "target_stance_confidence",
    "reply_stance_confidence",
    "role_confidence",
    "unit_type_confidence",
}
INT_KEYS = {
    "start",
    "end",
    "n_posts",
    "position",
    "favor",
    "against",
    "neutral",
    "n_support",
    "n_deny",
    "n_query",
    "n_comment",
    "n_comments",
    "n_participants",
}


# Characters XML 1.0 cannot hold at all (C0 controls but tab and line breaks, lone
# surrogates, U+FFFE/U+FFFF): a GraphML or GEXF file with one is unreadable.
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """`value` with every character XML cannot hold replaced by U+FFFD (the corpus files
    keep the exact text; only the graph files need this)."""
    return XML_INVALID_RE.sub("\ufffd", value)


def _cast(key: str, value):
    if value is None:
        return None
    if key in FLOAT_KEYS:
        return float(value)
    if key in INT_KEYS:
        return int(value)
    if isinstance(value, (list, tuple, set, dict)):
        raise TypeError(f"attribute {key!r} is a {type(value).__name__}; flatten it before export")
    return xml_text(str(value))


def _safe_attrs(data: dict) -> dict:
    return {k: _cast(k, v) for k, v in data.items() if v is not None}


def _ids_safe(g: nx.Graph) -> bool:
    """No node id or edge key holds a character XML cannot hold (nearly always)."""
    if any(XML_INVALID_RE.search(str(n)) for n in g):
        return False
    return not g.is_multigraph() or not any(XML_INVALID_RE.search(str(k)) for _, _, k in g.edges(keys=True))


def gephi_safe(g: nx.Graph, in_place: bool = False) -> nx.Graph:
    """A copy with every attribute of its declared type, and None values dropped.

    `in_place`: convert `g` itself where its ids need no change (the same graph, in the
    same order, as the copy), so that a huge thread's graph is not held twice."""
    if in_place and _ids_safe(g):
        g.graph = {k: xml_text(str(v)) for k, v in g.graph.items() if v is not None}
        for data in itertools.chain((d for _, d in g.nodes(data=True)), (d for *_, d in g.edges(data=True))):
            safe = _safe_attrs(data)
            data.clear()
            data.update(safe)
        return g
    h = g.__class__()
    h.graph.update({k: xml_text(str(v)) for k, v in g.graph.items() if v is not None})
    for n, data in g.nodes(data=True):
        h.add_node(xml_text(n), **_safe_attrs(data))
    if g.is_multigraph():
        for u, v, key, data in g.edges(keys=True, data=True):
            h.add_edge(
                xml_text(u),
                xml_text(v),
                key=xml_text(key),
                **_safe_attrs(data),
            )
    else:
        for u, v, data in g.edges(data=True):
            h.add_edge(xml_text(u), xml_text(v), **_safe_attrs(data))
    return h


_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
# networkx's names for Python types (the last of its pairs wins: float is "double").
_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}


# As libxml2 (networkx's writer) escapes: in text & < > and carriage returns (quotes
# stay); in attribute values also the double quote and the whitespace an attribute value
# would otherwise have normalised away.
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def _xml_escaped_text(value: str, escapes: tuple[tuple[str, str], ...] = _TEXT_ESCAPES) -> str:
    for char, entity in escapes:
        if char in value:
            value = value.replace(char, entity)
    return value


def _xml_escaped_attribute(value: str) -> str:
    return _xml_escaped_text(value, _ATTRIBUTE_ESCAPES)


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
            f'{indent}<data key="{seen[k, type(v)]}">{_xml_escaped_text(str(v))}</data>\n' for k, v in values.items()
        )

    def write(text: str) -> None:
        if XML_INVALID_RE.search(text):
            raise ValueError("write_graphml: a character XML cannot hold; pass the graph through gephi_safe")
        fh.write(text.encode("utf-8"))

    declared = "".join(
        f'<key id="{kid}" for="{scope}" attr.name="{_xml_escaped_attribute(name)}" attr.type="{kind}"/>\n'
        for (name, kind, scope), kid in reversed(keys.items())
    )
    graph_id = f' id="{_xml_escaped_attribute(str(attrs["id"]))}"' if "id" in attrs else ""
    edge_default = "directed" if safe.is_directed() else "undirected"
    write(f'{_GRAPHML_HEAD}{declared}<graph edgedefault="{edge_default}"{graph_id}>{data(graph_data, "graph", "")}')
    for run in _runs(node_items(), batch):
        body = []
        for n, values in run:
            head = f'<node id="{_xml_escaped_attribute(str(n))}"'
            body.append(f"{head}>\n{data(values, 'node', '  ')}</node>\n" if values else f"{head}/>\n")
        write("".join(body))
    for run in _runs(edges(), batch):
        body = []
        for u, v, k, values in run:
            edge_id = "" if k is None else f' id="{_xml_escaped_attribute(str(k))}"'
            head = f'<edge source="{_xml_escaped_attribute(str(u))}" target="{_xml_escaped_attribute(str(v))}"{edge_id}'
            body.append(f"{head}>\n{data(values, 'edge', '  ')}</edge>\n" if values else f"{head}/>\n")
        write("".join(body))
    write("</graph></graphml>")


def _day(value: object) -> str | None:
    text = str(value or "")
    return text[:10] if len(text) >= 10 and text[4] == "-" and text[7] == "-" else None


def _with_viz(g: nx.Graph, colors: dict[str, tuple[int, int, int]], safe: bool = False) -> nx.Graph:
    """The GEXF view of a graph: colours by target stance, sizes by degree, and a start date
    for every node and edge whose date is known, so Gephi's timeline replays the debate
    (a post from its date, a unit and its `contains` edge from its post's, a participant
    from their first post, a reply edge from the reply's). Without dates it stays static.
    `safe`: `g` is already `gephi_safe`, and is changed in place rather than copied."""
    h = g if safe else gephi_safe(g)
    degree = dict(h.degree())
    start: dict[str, str] = {}
    for n, data in h.nodes(data=True):
        # GEXF reads `start`/`end` as time: a unit's character offsets are renamed here.
        for key in ("start", "end"):
            if key in data:
                data[f"char_{key}"] = data.pop(key)
        day = _day(data.get("created") or data.get("first_post"))
        if day:
            start[n] = day
    for n, data in h.nodes(data=True):
        if n not in start and data.get("post_id") in start:
            start[n] = start[data["post_id"]]
    for n, data in h.nodes(data=True):
        stance = data.get("target_stance") or data.get("main_target_stance") or "none"
        r, gr, b = colors.get(stance, colors["none"])
        data["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}, "size": round(4.0 + 2.0 * degree[n], 2)}
        if n in start:
            data["start"] = start[n]
    edges = h.edges(keys=True, data=True) if h.is_multigraph() else ((u, v, None, d) for u, v, d in h.edges(data=True))
    for u, v, _, data in edges:
        # An edge exists from the later of its two ends (a reply from the reply's date).
        days = [start[x] for x in (u, v) if x in start]
        if days:
            data["start"] = max(days)
    return h


GEXF_CHUNK = 5000  # nodes or edges turned into XML elements at a time


# As ElementTree escapes attribute values (GEXF writes every value as an attribute).
_GEXF_ESCAPES = (*_TEXT_ESCAPES[:3], ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))
_GEXF_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


def _gexf_attribute(value: object) -> str:
    return _xml_escaped_text(str(value), _GEXF_ESCAPES)


class _GexfText:
    """The text of a run of GEXF node or edge elements, as networkx's GEXFWriter makes the
    elements and ElementTree writes them, indented inside <nodes>/<edges> (GEXFWriter.indent
    at level 3), the last without its trailing indent.

    Built as strings rather than element trees (a tree per node and per value was half of
    the graph stage at 10k posts); the attribute declarations still go through the
    writer's `get_attr_id` and the time format through its `alter_graph_mode_timeformat`,
    so the header networkx writes is unchanged. tests/test_graph.py compares the whole file
    with GEXFWriter's byte for byte."""

    def __init__(self, writer: GEXFWriter, g: nx.Graph) -> None:
        self.writer = writer
        self.g = g
        self.multi = g.is_multigraph()
        self.defaults = {"node": g.graph.get("node_default", {}), "edge": g.graph.get("edge_default", {})}

    def nodes(self, run: list[tuple[object, dict]]) -> str:
        out = []
        for node, data in run:
            data = dict(data)
            head = {"id": str(data.pop("id", node)), "label": str(data.pop("label", node))}
            self._times(head, data, ("pid", "start", "end"))
            out.append(self._element("node", head, data))
        return _INDENT_3.join(out)

    def edges(self, run: list[tuple]) -> str:
        out = []
        writer = self.writer
        for edge in run:
            if self.multi:
                u, v, key, data = edge
                data = {**data, "key": key}
            else:
                u, v, data = edge
                data = dict(data)
            edge_id = data.pop("id", None)
            if edge_id is None:
                # As GEXFWriter: the next number no explicit id took.
                edge_id = next(writer.edge_id)
                while str(edge_id) in writer.all_edge_ids:
                    edge_id = next(writer.edge_id)
                writer.all_edge_ids.add(str(edge_id))
            head = {
                "source": str(self.g.nodes[u].get("id", u)),
                "target": str(self.g.nodes[v].get("id", v)),
                "id": str(edge_id),
            }
            self._times(head, data, ("label", "weight", "type", "start", "end"))
            out.append(self._element("edge", head, data))
        return _INDENT_3.join(out)

    def _times(self, head: dict[str, str], data: dict, keys: tuple[str, ...]) -> None:
        for key in keys:
            if key in data:
                value = data.pop(key)
                head[key] = str(value)
                if key in ("start", "end"):
                    self.writer.alter_graph_mode_timeformat(value)

    def _element(self, tag: str, head: dict[str, str], data: dict) -> str:
        attrs = "".join(f' {k}="{_gexf_attribute(v)}"' for k, v in head.items())
        children = []
        parents = data.pop("parents", None) if tag == "node" else None
        if parents:
            children.append(self._list("parents", [f'<parent for="{_gexf_attribute(p)}" />' for p in parents]))
        spells = data.pop("spells", None)
        if spells:
            children.append(self._list("spells", [self._spell(start, end) for start, end in spells]))
        viz = data.pop("viz", None)
        if viz:
            children.extend(self._viz(viz))
        values = self._attvalues(tag, data)
        if values:
            children.append(self._list("attvalues", values))
        if not children:
            return f"<{tag}{attrs} />"
        return f"<{tag}{attrs}>\n        " + "\n        ".join(children) + f"\n      </{tag}>"

    @staticmethod
    def _list(tag: str, items: list[str]) -> str:
        inner = "\n          ".join(items)
        return f"<{tag}>\n          {inner}\n        </{tag}>"

    def _spell(self, start: object, end: object) -> str:
        attrs = ""
        for key, value in (("start", start), ("end", end)):
            if value is not None:
                attrs += f' {key}="{_gexf_attribute(value)}"'
                self.writer.alter_graph_mode_timeformat(value)
        return f"<spell{attrs} />"

    @staticmethod
    def _viz(viz: dict) -> list[str]:
        out = []
        color = viz.get("color")
        if color is not None:
            rgba = (color.get("r"), color.get("g"), color.get("b"), color.get("a", 1.0))
            out.append('<viz:color r="{}" g="{}" b="{}" a="{}" />'.format(*(_gexf_attribute(x) for x in rgba)))
        for key in ("size", "thickness"):
            if viz.get(key) is not None:
                out.append(f'<viz:{key} value="{_gexf_attribute(viz[key])}" />')
        shape = viz.get("shape")
        if shape is not None:
            if str(shape).startswith("http"):
                out.append(f'<viz:shape value="image" uri="{_gexf_attribute(shape)}" />')
            else:
                out.append(f'<viz:shape value="{_gexf_attribute(shape)}" />')
        position = viz.get("position")
        if position is not None:
            xyz = (position.get("x"), position.get("y"), position.get("z"))
            out.append('<viz:position x="{}" y="{}" z="{}" />'.format(*(_gexf_attribute(x) for x in xyz)))
        return out

    def _attvalues(self, kind: str, data: dict) -> list[str]:
        writer, default = self.writer, self.defaults[kind]
        out = []
        for k, v in data.items():
            if k == "key":
                k = "networkx_key"
            if type(v) not in writer.xml_type or isinstance(v, list):
                # Lists are networkx's dynamic values: never made here.
                raise TypeError(f"attribute value type is not allowed: {type(v)}")
            attr_id = writer.get_attr_id(str(k), writer.xml_type[type(v)], kind, default, "static")
            if isinstance(v, bool):
                text = str(v).lower()
            else:
                text = str(v)
                if type(v) is float:
                    text = _GEXF_FLOATS.get(text, text)
            out.append(f'<attvalue for="{attr_id}" value="{_gexf_attribute(text)}" />')
        return out


def _runs(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while run := list(itertools.islice(it, size)):
        yield run


def write_gexf(
    fh: IO[bytes],
    g: nx.Graph,
    colors: dict[str, tuple[int, int, int]],
    date: str,
    safe: bool = False,
    chunk: int = GEXF_CHUNK,
) -> None:
    """GEXF 1.3 of `g` into an open binary file; `safe`: `g` is already `gephi_safe` and may
    be changed in place.

    networkx's GEXFWriter builds the whole document as one element tree before writing it
    (1 GB for a corpus graph of 100k nodes). Here `chunk` nodes or edges at a time are
    written as the text of the elements it would make (`_GexfText`) and let go; the header
    (attribute declarations, the dynamic mode the dates switch on) is known only at the
    end, so the runs wait in temporary files. The bytes are those of `GEXFWriter.write`
    (tests/test_graph.py)."""
    h = _with_viz(g, colors, safe)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
    # As GEXFWriter.add_graph: explicit edge ids are reserved before any is generated.
    for _, _, d in h.edges(data=True):
        if d.get("id") is not None:
            writer.all_edge_ids.add(str(d["id"]))
    mode = "dynamic" if h.graph.get("mode") == "dynamic" else "static"
    default = "directed" if h.is_directed() else "undirected"
    writer.graph_element = Element("graph", defaultedgetype=default, mode=mode, name=h.graph.get("name", ""))
    edges = h.edges(keys=True, data=True) if h.is_multigraph() else h.edges(data=True)
    with tempfile.TemporaryFile() as nodes_xml, tempfile.TemporaryFile() as edges_xml:
        gexf = _GexfText(writer, h)
        sections = (
            (nodes_xml, "nodes", gexf.nodes, _runs(h.nodes(data=True), chunk)),
            (edges_xml, "edges", gexf.edges, _runs(edges, chunk)),
        )
        for out, tag, text, runs in sections:
            section = SubElement(writer.graph_element, tag)
            for run in runs:
                if out.tell():
                    out.write(_INDENT_3.encode())
                out.write(text(run).encode("utf-8"))
            if out.tell():
                # Where the runs go: a viz element, so that the root declares the viz
                # namespace as it does when the nodes' viz elements are in the tree.
                SubElement(section, _PLACEHOLDER)
        writer.xml.append(writer.graph_element)
        meta = writer.xml.find("meta")
        if meta is not None:
            meta.set("lastmodifieddate", date)
        buf = io.BytesIO()
        writer.write(buf)
        pieces = buf.getvalue().split(b"<viz:placeholder />")
        fh.write(pieces[0])
        for out, piece in zip((f for f in (nodes_xml, edges_xml) if f.tell()), pieces[1:], strict=True):
            out.seek(0)
            shutil.copyfileobj(out, fh)
            fh.write(piece)


def tables(g: nx.Graph, safe: bool = False) -> tuple[list[list], list[list]]:
    """(nodes, edges) as rows, each list headed by Gephi's column names (Id, Label, Source,
    Target, ...) and then one column per attribute, sorted. `safe`: `g` is already
    `gephi_safe`."""
    g = g if safe else gephi_safe(g)
    node_keys = sorted({k for _, d in g.nodes(data=True) for k in d} - {"label"})
    nodes: list[list] = [["Id", "Label", *node_keys]]
    nodes += [[n, d.get("label", n), *[d.get(k) for k in node_keys]] for n, d in g.nodes(data=True)]
    edge_rows = (
        [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)]
        if g.is_multigraph()
        else [(u, v, f"{u}->{v}", d) for u, v, d in g.edges(data=True)]
    )
    edge_keys = sorted({k for *_, d in edge_rows for k in d} - {"label", "weight"})
    edges: list[list] = [["Source", "Target", "Type", "Id", "Label", "Weight", *edge_keys]]
    edges += [
        [u, v, "Directed", key, d.get("label", d.get("kind", "")), d.get("weight", 1.0)] + [d.get(k) for k in edge_keys]
        for u, v, key, d in edge_rows
    ]
    return nodes, edges


def parquet_bytes(rows: list[list], row_group_size: int | None = None) -> bytes:
    """A table as Parquet with typed columns (numbers stay numbers, absent values are null),
    for pandas, polars, DuckDB and R's arrow; same columns as the CSV."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    header, body = rows[0], rows[1:]
    columns = {name: [row[i] for row in body] for i, name in enumerate(header)}
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf, compression="zstd", row_group_size=row_group_size)
    return buf.getvalue()


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
