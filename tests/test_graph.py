"""Graphs: what the pipeline writes opens in Gephi and reads back unchanged."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import THREAD_ID, run_pipeline

GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"


def test_graph_graphml_reads_back_with_same_nodes_edges_and_types(pipeline_run):
    from pipeline.cli import cmd_graph  # noqa: F401  (the CLI wrote it; rebuild to compare)
    from pipeline.graph.safe import gephi_safe

    path = pipeline_run["graphs"] / "corpus.graphml"
    back = nx.read_graphml(path, force_multigraph=True)
    # Rebuild the in-memory graph the same way the CLI did.
    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.corpus import read_corpus
    from pipeline.graph.build import GraphInputs, build_graph

    pred = read_predictions(pipeline_run["predictions"])
    g = gephi_safe(
        build_graph(GraphInputs(read_corpus(pipeline_run["corpus"]), read_units(pipeline_run["segments"]), pred))
    )
    assert set(back.nodes) == set(g.nodes)
    assert sorted((u, v, k) for u, v, k in back.edges(keys=True)) == sorted((u, v, k) for u, v, k in g.edges(keys=True))
    for n, data in g.nodes(data=True):
        for key, value in data.items():
            assert back.nodes[n][key] == value and type(back.nodes[n][key]) is type(value), (n, key)
    for u, v, k, data in g.edges(keys=True, data=True):
        for key, value in data.items():
            assert back.edges[u, v, k][key] == value and type(back.edges[u, v, k][key]) is type(value)


def test_graph_graphml_is_gephi_clean(pipeline_run):
    root = ET.parse(pipeline_run["graphs"] / "corpus.graphml").getroot()
    keys = root.findall(f"{GRAPHML_NS}key")
    names = [(k.get("for"), k.get("attr.name")) for k in keys]
    assert len(names) == len(set(names)), "an attribute key is declared twice (two types)"
    edge_ids = [e.get("id") for e in root.iter(f"{GRAPHML_NS}edge")]
    assert len(edge_ids) == len(set(edge_ids)) and None not in edge_ids
    values = [d.text for d in root.iter(f"{GRAPHML_NS}data")]
    assert "None" not in values and not any(v and v.startswith(("[", "{")) for v in values if v and len(v) < 3)


def test_graph_contains_every_kind_of_node_and_edge(pipeline_run):
    g = nx.read_graphml(pipeline_run["graphs"] / "corpus.graphml", force_multigraph=True)
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"document", "comment", "unit", "participant", "key_point"}
    edge_kinds = {d["kind"] for *_, d in g.edges(data=True)}
    assert {"reply", "contains", "authored", "support", "states"} <= edge_kinds
    reply = g.edges[f"{THREAD_ID}/c10", f"{THREAD_ID}/c08", f"reply:{THREAD_ID}/c10->{THREAD_ID}/c08"]
    assert reply["evidence_rule"] == "address" and "Kære Majbrit Berlau" in reply["evidence"]
    unit = next(d for n, d in g.nodes(data=True) if d["kind"] == "unit" and n.startswith(f"{THREAD_ID}/c13#u.title"))
    assert unit["text"] == "Nej vi har ikke spillet fallit" and unit["start"] == 0 and unit["end"] == 30
    assert g.nodes["participant:majbrit-berlau"]["role"] == "union"


def test_graph_participant_graph_counts_replies(pipeline_run):
    pg = nx.read_graphml(pipeline_run["graphs"] / "participants.graphml")
    # Nick Allentoft wrote the article, so every reply to it lands on him.
    replies_to_nick = sum(d["weight"] for _, v, d in pg.edges(data=True) if v == "participant:nick-allentoft")
    assert replies_to_nick == 16
    assert pg.edges["participant:peter-hansen", "participant:peter-hansen"]["weight"] == 1.0
    assert pg.edges["participant:nick-allentoft", "participant:majbrit-berlau"]["weight"] == 1.0


def test_graph_gexf_has_colours_and_sizes(pipeline_run):
    g = nx.read_gexf(pipeline_run["graphs"] / "corpus.gexf")
    viz = g.nodes["participant:nick-allentoft"]["viz"]
    assert set(viz["color"]) >= {"r", "g", "b"} and viz["size"] > 4.0
    text = (pipeline_run["graphs"] / "corpus.gexf").read_text(encoding="utf-8")
    assert 'lastmodifieddate="2023-01-20"' in text  # pinned to the newest post (000, 2023), not today


def test_graph_csv_tables_use_gephi_columns(pipeline_run):
    with open(pipeline_run["graphs"] / "nodes.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[:2] == ["Id", "Label"]
    with open(pipeline_run["graphs"] / "edges.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {"Source", "Target", "Type", "Id", "Weight"} <= set(rows[0])
    assert sum(r["kind"] == "reply" for r in rows) == 20


def test_graph_thread_files_exist_per_thread_named_safely_with_an_index(pipeline_run, seed_corpus):
    folder = pipeline_run["graphs"] / "threads"
    with open(folder / "index.csv", encoding="utf-8") as fh:
        index = {r["file"]: r["thread_id"] for r in csv.DictReader(fh)}
    assert sorted(index.values()) == sorted(t.id for t in seed_corpus.threads)
    assert sorted(index) == sorted(p.name for p in folder.glob("*.graphml"))
    for name, thread_id in index.items():
        assert name.startswith(thread_id + "-") and name.endswith(".graphml")  # a safe id keeps its slug
        assert nx.read_graphml(folder / name).graph["thread_id"] == thread_id


def test_graph_pipeline_outputs_are_byte_identical_between_runs(pipeline_run, tmp_path):
    again = run_pipeline(tmp_path)
    for stage in ("corpus", "segments", "predictions", "graphs", "reports"):
        first = sorted(p.relative_to(pipeline_run[stage]) for p in pipeline_run[stage].rglob("*") if p.is_file())
        second = sorted(p.relative_to(again[stage]) for p in again[stage].rglob("*") if p.is_file())
        assert first == second
        for rel in first:
            assert (pipeline_run[stage] / rel).read_bytes() == (again[stage] / rel).read_bytes(), rel


def test_graph_parquet_tables_have_the_csv_columns_and_typed_values(pipeline_run):
    import pyarrow.parquet as pq

    folder = pipeline_run["graphs"]
    for name in ("nodes", "edges", "participant_nodes", "participant_edges"):
        table = pq.read_table(folder / f"{name}.parquet")
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
            rows = sum(1 for _ in fh)
        assert table.column_names == header, name
        assert table.num_rows <= rows  # a CSV row may span lines (texts with line breaks)
    nodes = pq.read_table(folder / "nodes.parquet").to_pylist()
    units = [n for n in nodes if n["kind"] == "unit"]
    assert units and all(isinstance(n["start"], int) and isinstance(n["unit_type_confidence"], float) for n in units)
    assert all(n["start"] is None for n in nodes if n["kind"] == "participant")  # absent is null, not ""


def test_graph_gexf_timeline_replays_the_debate_and_igraph_reads_the_graphml(pipeline_run, tmp_path):
    import igraph

    g = nx.read_gexf(pipeline_run["graphs"] / "corpus.gexf")
    assert g.graph["mode"] == "dynamic"
    c08 = f"{THREAD_ID}/c08"
    assert g.nodes[c08]["start"] == g.nodes[c08]["created"][:10]
    unit = next(n for n, d in g.nodes(data=True) if d.get("post_id") == c08)
    assert g.nodes[unit]["start"] == g.nodes[c08]["start"]  # a unit appears with its post
    p = nx.read_gexf(pipeline_run["graphs"] / "participants.gexf")
    berlau = p.nodes["participant:majbrit-berlau"]
    assert berlau["start"] == berlau["first_post"][:10]
    for name in ("corpus.graphml", "participants.graphml"):
        ours = nx.read_graphml(pipeline_run["graphs"] / name, force_multigraph=True)
        theirs = igraph.Graph.Read_GraphML(str(pipeline_run["graphs"] / name))
        assert (theirs.vcount(), theirs.ecount()) == (ours.number_of_nodes(), ours.number_of_edges())
    # Threads without dates stay a static graph.
    rows = [
        {"id": "r", "thread_id": "r", "title": "Rod uden dato"},
        {"id": "a", "thread_id": "r", "parent_id": "r", "text": "Svar"},
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    static = run_pipeline(out, "--threads", str(path), name="static")
    assert nx.read_gexf(static["graphs"] / "corpus.gexf").graph["mode"] == "static"


@pytest.mark.parametrize("chunk", [1, 7, 5000])
def test_graph_gexf_written_in_runs_is_networkx_s_document_byte_for_byte(pipeline_run, chunk):
    """write_gexf hands networkx's GEXFWriter a run of nodes or edges at a time instead of
    the whole graph (whose element tree took 1 GB at 100k nodes): the file is the one
    GEXFWriter writes from the whole tree, for the corpus graph (multigraph, dynamic) and
    the participant graph, and for an empty graph."""
    import io

    from networkx.readwrite.gexf import GEXFWriter

    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.config import load_config
    from pipeline.core.corpus import read_corpus
    from pipeline.graph.build import GraphInputs, build_graph, build_participant_graph
    from pipeline.graph.gexf import _with_viz, write_gexf

    colors = load_config().graph.colors
    inputs = GraphInputs(
        read_corpus(pipeline_run["corpus"]),
        read_units(pipeline_run["segments"]),
        read_predictions(pipeline_run["predictions"]),
    )

    def whole_tree(g: nx.Graph) -> bytes:
        writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
        writer.add_graph(_with_viz(g, colors))
        writer.xml.find("meta").set("lastmodifieddate", "2024-01-01")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def in_runs(g: nx.Graph) -> bytes:
        out = io.BytesIO()
        write_gexf(out, g, colors, "2024-01-01", chunk=chunk)
        return out.getvalue()

    corpus_graph = build_graph(inputs)
    for g in (corpus_graph, build_participant_graph(inputs), nx.MultiDiGraph(name="empty")):
        assert in_runs(g) == whole_tree(g), g.graph.get("name")
    assert corpus_graph.number_of_nodes() > 500 and b'mode="dynamic"' in in_runs(corpus_graph)


def graphml_bytes(g: nx.Graph) -> bytes:
    """What the pipeline's GraphML writer writes for `g`."""
    import io

    from pipeline.graph.graphml import write_graphml

    buf = io.BytesIO()
    write_graphml(buf, g)
    return buf.getvalue()


def _networkx_graphml(g: nx.Graph) -> bytes:
    import io

    buf = io.BytesIO()
    nx.write_graphml(g.copy(), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def test_graph_graphml_writer_writes_networkx_s_document_byte_for_byte(pipeline_run):
    """write_graphml builds the text itself (networkx's writer makes an lxml element per
    value, a third of the graph stage) and must write exactly what networkx writes: for
    the seeds' corpus and participant graphs, every thread's file (a subgraph written
    without building it) and an empty graph; the graph handed in is left as it was."""
    import io

    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.corpus import read_corpus
    from pipeline.graph.build import GraphInputs, build_graph, build_participant_graph, thread_members
    from pipeline.graph.graphml import ordered_subgraph, write_graphml
    from pipeline.graph.safe import gephi_safe

    inputs = GraphInputs(
        read_corpus(pipeline_run["corpus"]),
        read_units(pipeline_run["segments"]),
        read_predictions(pipeline_run["predictions"]),
    )
    corpus_graph = gephi_safe(build_graph(inputs))
    for g in (corpus_graph, gephi_safe(build_participant_graph(inputs)), nx.MultiDiGraph(name="empty")):
        assert graphml_bytes(g) == _networkx_graphml(g), g.graph.get("name")
    threads = thread_members(corpus_graph)
    assert len(threads) >= 5
    for thread_id, nodes in threads.items():
        attrs = {**corpus_graph.graph, "thread_id": thread_id}
        expected = ordered_subgraph(corpus_graph, nodes)
        expected.graph["thread_id"] = thread_id
        buf = io.BytesIO()
        write_graphml(buf, corpus_graph, nodes=nodes, graph=attrs)
        assert buf.getvalue() == _networkx_graphml(expected), thread_id
    assert "thread_id" not in corpus_graph.graph


def test_graph_graphml_writer_matches_networkx_on_hostile_text_and_odd_graphs():
    """Markup, quotes, line breaks, tabs, carriage returns, emoji and XML look-alikes in
    ids, keys, values and edge keys; every kind of networkx graph; a graph id (which
    networkx takes out of the graph it is given); numbers and booleans; default values
    and numpy numbers (handed to networkx). Characters XML cannot hold are refused."""
    import random

    import numpy as np

    rnd = random.Random(7)
    alphabet = "ab<>&\"'\n\r\t æøå\u2028\u0085\u00a0€😀]]>--=&amp;"

    def text() -> str:
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 10)))

    def values(names: list[str]) -> dict:
        pool = [text(), rnd.randint(-9, 9), rnd.random(), True, 1e20, np.float64(0.25)]
        return {rnd.choice(names + [text()]): rnd.choice(pool) for _ in range(rnd.randint(0, 3))}

    checked = 0
    for _ in range(400):
        g = rnd.choice([nx.MultiDiGraph, nx.DiGraph, nx.Graph, nx.MultiGraph])()
        g.graph.update({rnd.choice(["name", "id", "thread_id", text()]): text() for _ in range(rnd.randint(0, 2))})
        if rnd.random() < 0.05:
            g.graph["node_default"] = {"kind": "comment"}
        nodes = [text() for _ in range(rnd.randint(0, 6))]
        for n in nodes:
            g.add_node(n, **values(["text", "kind", "n"]))
        for _ in range(rnd.randint(0, 6) if nodes else 0):
            u, v = rnd.choice(nodes), rnd.choice(nodes)
            if g.is_multigraph():
                g.add_edge(u, v, key=text(), **values(["weight", "label"]))
            else:
                g.add_edge(u, v, **values(["weight", "label"]))
        before = dict(g.graph)
        assert graphml_bytes(g) == _networkx_graphml(g), (g.graph, list(g.nodes(data=True)))
        assert g.graph == before
        checked += 1
    assert checked == 400
    bad = nx.DiGraph()
    bad.add_node("a", text="bell \x07")
    with pytest.raises(ValueError, match="XML cannot hold"):
        graphml_bytes(bad)


class _Run:
    """A run of a graph's nodes or edges, shaped like the graph for GEXFWriter's
    `add_nodes` and `add_edges` (which read `nodes(data=True)`, `nodes[n]`, `edges(...)`)."""

    def __init__(self, g: nx.Graph, items: list) -> None:
        self._g, self._items, self.graph = g, items, g.graph

    @property
    def nodes(self) -> _Run:
        return self

    def __call__(self, data: bool = True) -> list:
        return self._items

    def __getitem__(self, node: object) -> dict:
        return self._g.nodes[node]

    def edges(self, data: bool = True, keys: bool = False) -> list:
        return self._items

    def is_multigraph(self) -> bool:
        return self._g.is_multigraph()


def test_graph_gexf_elements_are_the_ones_networkx_writes_on_hostile_and_odd_data():
    """The GEXF node and edge elements are built as text (`_GexfText`): for random graphs
    with hostile text, numbers (inf, nan), booleans, explicit and generated edge ids,
    dates, parents, spells and every viz field, the text and the attribute declarations
    are those of GEXFWriter's elements as ElementTree writes them."""
    import random
    from xml.etree.ElementTree import Element, tostring

    from networkx.readwrite.gexf import GEXFWriter

    from pipeline.graph.gexf import _GexfText

    rnd = random.Random(11)
    alphabet = "ab<>&\"'\n\r\t æøå\u2028€😀]]>="

    def text() -> str:
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))

    def values() -> dict:
        pool = [text(), rnd.randint(-9, 9), rnd.random(), True, False, float("inf"), float("nan"), -float("inf")]
        data = {rnd.choice(["text", "kind", "n", "key", text()]): rnd.choice(pool) for _ in range(rnd.randint(0, 3))}
        for extra in ("label", "start", "end", "pid", "weight", "type"):
            if rnd.random() < 0.2:
                data[extra] = rnd.choice(["2024-01-0" + str(rnd.randint(1, 9)), text()])
        if rnd.random() < 0.3:
            data["viz"] = {
                "color": {"r": 1, "g": 2, "b": 3, **({"a": 0.5} if rnd.random() < 0.5 else {})},
                "size": rnd.random(),
                **({"thickness": 2.0} if rnd.random() < 0.3 else {}),
                **({"shape": rnd.choice(["disc", "http://x/y.png"])} if rnd.random() < 0.3 else {}),
                **({"position": {"x": 1.0, "y": -2.0, "z": 0.0}} if rnd.random() < 0.3 else {}),
            }
        if rnd.random() < 0.1:
            data["spells"] = [("2024-01-01", None), (None, "2024-02-01")]
        return data

    def reference(g: nx.Graph, kind: str, run: list) -> tuple[str, bytes]:
        writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
        writer.graph_element = Element("graph", mode="static")
        holder = Element("holder")
        (writer.add_nodes if kind == "nodes" else writer.add_edges)(_Run(g, run), holder)
        elements = list(holder.find(kind))
        for e in elements:
            writer.indent(e, 3)
        wrapper = Element("w")
        wrapper.extend(elements)
        elements[-1].tail = ""
        body = tostring(wrapper, encoding="unicode")
        return body[body.index(">") + 1 : -len("</w>")], tostring(writer.graph_element)

    checked = 0
    for _ in range(300):
        g = rnd.choice([nx.MultiDiGraph, nx.DiGraph, nx.Graph])()
        nodes = [text() or "n" for _ in range(rnd.randint(1, 5))]
        for n in nodes:
            g.add_node(n, **values())
            if rnd.random() < 0.1:
                g.nodes[n]["parents"] = [rnd.choice(nodes)]
        for _ in range(rnd.randint(0, 5)):
            data = values()
            if rnd.random() < 0.2:
                data["id"] = rnd.choice(["0", "1", text()])
            if g.is_multigraph():
                g.add_edges_from([(rnd.choice(nodes), rnd.choice(nodes), text(), data)])  # data may hold "key"
            else:
                g.add_edge(rnd.choice(nodes), rnd.choice(nodes), **data)
        edges = list(g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True))
        for kind, run in (("nodes", list(g.nodes(data=True))), ("edges", edges)):
            if not run:
                continue
            expected, expected_header = reference(g, kind, run)
            writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.3")
            writer.graph_element = Element("graph", mode="static")
            got = (_GexfText(writer, g).nodes if kind == "nodes" else _GexfText(writer, g).edges)(run)
            assert got == expected, (kind, run)
            assert tostring(writer.graph_element) == expected_header
            checked += 1
    assert checked > 400


def test_a_graph_built_from_records_handed_over_is_the_graph_built_from_a_copy(pipeline_run):
    """The graph stage hands a shard's records to `build_graph` (in_place), which frees each
    once it is a node or an edge: a huge thread's records and its graph are then not held
    whole at once. The graph is the one the pure call makes (nodes, attributes, every
    node's edges in the same order, so the same GraphML), and the record lists are emptied.
    A reply whose parent comes later by id (`c9` after `c10`) keeps its edge and its parent
    its attributes."""
    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.corpus import read_corpus
    from pipeline.graph.build import GraphInputs, build_graph

    def inputs() -> GraphInputs:
        corpus = read_corpus(pipeline_run["corpus"])
        last = max((p for p in corpus.posts if p.kind == "comment"), key=lambda p: p.id)
        later = last.model_copy(update={"id": last.id + "~later", "parent_id": None, "position": last.position + 1})
        earlier = last.model_copy(update={"id": last.thread_id + "/!reply", "parent_id": later.id})
        corpus.posts += [later, earlier]
        return GraphInputs(corpus, read_units(pipeline_run["segments"]), read_predictions(pipeline_run["predictions"]))

    copy = build_graph(inputs())
    handed = inputs()
    lists = (handed.corpus.posts, handed.units, handed.predictions.posts, handed.predictions.units)
    lists += (handed.predictions.relations, handed.predictions.key_points)
    assert all(lists)
    graph = build_graph(handed, in_place=True)
    assert not any(lists) and handed.corpus.participants and handed.predictions.participants
    assert sorted(graph.nodes(data=True)) == sorted(copy.nodes(data=True)) and len(graph) > 500
    for n in copy:
        assert list(graph.edges(n, keys=True, data=True)) == list(copy.edges(n, keys=True, data=True)), n
    later = next(n for n in copy if n.endswith("~later"))
    assert graph.nodes[later]["kind"] == "comment" and graph.has_edge(
        next(n for n in copy if n.endswith("/!reply")), later
    )
    assert graphml_bytes(ordered(graph)) == graphml_bytes(ordered(copy))


def ordered(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    from pipeline.graph.graphml import ordered_subgraph

    return ordered_subgraph(g, sorted(g))


def test_a_graph_made_gephi_safe_in_place_is_the_copy_the_files_were_written_from(pipeline_run):
    """The graph stage converts a shard's graph in place (a huge thread's graph is then not
    held twice): the same nodes, edges, attributes and order as the copy, and so the same
    GraphML bytes. Where an id holds a character XML cannot hold, it copies instead."""
    from pipeline.classify.predictions import read_predictions, read_units
    from pipeline.core.corpus import read_corpus
    from pipeline.graph.build import GraphInputs, build_graph
    from pipeline.graph.safe import gephi_safe

    def fresh() -> nx.MultiDiGraph:
        pred = read_predictions(pipeline_run["predictions"])
        corpus = read_corpus(pipeline_run["corpus"])
        return build_graph(GraphInputs(corpus, read_units(pipeline_run["segments"]), pred))

    copy = gephi_safe(fresh())
    original = fresh()
    assert gephi_safe(original, in_place=True) is original
    assert graphml_bytes(original) == graphml_bytes(copy)
    assert list(original.nodes(data=True)) == list(copy.nodes(data=True))
    assert list(original.edges(keys=True, data=True)) == list(copy.edges(keys=True, data=True))
    assert all(None not in d.values() for _, d in original.nodes(data=True))

    odd = nx.MultiDiGraph(name="odd")
    odd.add_node("a\x07", text="bell", n=None)
    odd.add_edge("a\x07", "b", key="k\x00", label="x")
    safe = gephi_safe(odd, in_place=True)
    assert (
        safe is not odd
        and set(safe) == {"a\ufffd", "b"}
        and list(safe.edges(keys=True)) == [("a\ufffd", "b", "k\ufffd")]
    )
    assert graphml_bytes(safe) == graphml_bytes(gephi_safe(odd))


def _graph_of_changed_predictions(pipeline_run, tmp_path, capsys, table: str, change: dict) -> tuple[int, str]:
    """The graph stage's exit code and error on predictions whose `table`'s first record
    was changed by hand as `change` says; nothing is written."""
    import shutil

    from conftest import run_cli

    pred = tmp_path / "predictions"
    shutil.copytree(pipeline_run["predictions"], pred)
    lines = (pred / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps({**json.loads(lines[0]), **change})
    (pred / f"{table}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stages = ["--corpus", str(pipeline_run["corpus"]), "--segments", str(pipeline_run["segments"])]
    code = run_cli("graph", *stages, "--predictions", str(pred), "--out", str(tmp_path / "graphs"))
    assert not (tmp_path / "graphs").exists()
    return code, capsys.readouterr().err


def test_graph_a_relation_whose_source_is_no_unit_id_is_an_error_naming_the_file(pipeline_run, tmp_path, capsys):
    """A predictions file changed by hand (or cut): it had stopped the graph stage with a raw
    ValueError from the unit-id parser."""
    code, err = _graph_of_changed_predictions(pipeline_run, tmp_path, capsys, "relations", {"source_id": "x"})
    assert code == 2 and "relations.jsonl: source_id 'x' is no unit id" in err


def test_graph_a_post_label_of_a_post_the_corpus_does_not_hold_is_an_error(pipeline_run, tmp_path, capsys):
    # Predictions of an earlier ingest: it had stopped the graph stage with a raw KeyError.
    code, err = _graph_of_changed_predictions(pipeline_run, tmp_path, capsys, "posts", {"post_id": "an-earlier-post"})
    assert code == 2 and "posts.jsonl: a record of post 'an-earlier-post' in thread" in err


def test_graph_a_count_past_64_bits_is_an_error_naming_the_column(pipeline_run, tmp_path, capsys):
    # It had stopped the stage with pyarrow's raw OverflowError.
    code, err = _graph_of_changed_predictions(pipeline_run, tmp_path, capsys, "key_points", {"n_participants": 10**30})
    assert code == 2 and "n_participants: this graph table column holds what no table column can" in err
    # The same record made a Parquet table (`make parquet`, or a STORAGE=parquet run).
    from conftest import run_cli

    stages = ["--corpus", str(pipeline_run["corpus"]), "--segments", str(pipeline_run["segments"])]
    code = run_cli(
        "export-parquet", *stages, "--predictions", str(tmp_path / "predictions"), "--out", str(tmp_path / "pq")
    )
    assert code == 2 and "key_points.parquet: a record holds what no Parquet column can" in capsys.readouterr().err
