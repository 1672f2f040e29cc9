"""What Gephi and XML can hold: one type per attribute, no empty values, no lists, no
characters XML 1.0 cannot hold (`gephi_safe`); escaping as the XML writers escape.

Gephi (and the GraphML spec) want one type per attribute key, no empty values and no
lists or dicts as attributes, and unique edge ids. `gephi_safe` enforces that from one
declared type per attribute name (strings unless declared), so a key is never written
twice with two types.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

import networkx as nx

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


def _safe_attrs(data: dict, _invalid=XML_INVALID_RE.search) -> dict:
    """`data` with every value of its declared type, None values dropped. One loop without
    a call per value: it runs for every attribute of every node and edge (13.7 million
    values at 100,000 posts), and nearly every string holds nothing XML cannot."""
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in FLOAT_KEYS:
            value = float(value)
        elif key in INT_KEYS:
            value = int(value)
        elif isinstance(value, (list, tuple, set, dict)):
            raise TypeError(f"attribute {key!r} is a {type(value).__name__}; flatten it before export")
        else:
            if type(value) is not str:
                value = str(value)
            if _invalid(value):
                value = xml_text(value)
        out[key] = value
    return out


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


# As libxml2 (networkx's writer) escapes: in text & < > and carriage returns (quotes
# stay); in attribute values also the double quote and the whitespace an attribute value
# would otherwise have normalised away.
TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
ATTRIBUTE_ESCAPES = (*TEXT_ESCAPES, ('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def xml_escaped_text(value: str, escapes: tuple[tuple[str, str], ...] = TEXT_ESCAPES) -> str:
    for char, entity in escapes:
        if char in value:
            value = value.replace(char, entity)
    return value


def xml_escaped_attribute(value: str) -> str:
    return xml_escaped_text(value, ATTRIBUTE_ESCAPES)


def runs_of(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while run := list(itertools.islice(it, size)):
        yield run
