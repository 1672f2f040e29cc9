"""GEXF 1.3 as networkx's GEXFWriter writes it, dynamic where the corpus has dates so that
Gephi's timeline replays the debate (`_with_viz`), with `viz` colours by target stance and
sizes by degree; written as text a chunk of nodes or edges at a time. The header date is
pinned by the caller (the corpus's newest date): writers stamp today's date otherwise, and
outputs must be byte-identical between runs."""

from __future__ import annotations

import io
import shutil
import tempfile
from typing import IO
from xml.etree.ElementTree import Element, SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from pipeline.graph.safe import TEXT_ESCAPES, gephi_safe, runs_of, xml_escaped_text

_INDENT_3 = "\n      "  # between elements of <nodes>/<edges>, as GEXFWriter.indent puts them
_PLACEHOLDER = "{http://gexf.net/1.3/viz}placeholder"


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
_GEXF_ESCAPES = (*TEXT_ESCAPES[:3], ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))
_GEXF_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


def _gexf_attribute(value: object) -> str:
    # Numbers and booleans print without a character XML escapes: most values of a graph,
    # and a function call each saved.
    return xml_escaped_text(value, _GEXF_ESCAPES) if type(value) is str else str(value)


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
            (nodes_xml, "nodes", gexf.nodes, runs_of(h.nodes(data=True), chunk)),
            (edges_xml, "edges", gexf.edges, runs_of(edges, chunk)),
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
