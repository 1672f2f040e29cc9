"""The report: its numbers come from the pipeline's outputs on the seeds."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter

import networkx as nx
import numpy as np
import pytest
from conftest import THREAD_ID, run_pipeline

from pipeline.classify.claims import main_claims
from pipeline.classify.predictions import read_predictions, read_units
from pipeline.core.artifacts import safe_filename
from pipeline.core.corpus import read_corpus
from pipeline.core.paths import MODELS_DIR
from pipeline.graph.build import ParticipantCounts, first_posts, participant_graph
from pipeline.graph.people import People
from pipeline.models.store import load_model
from pipeline.report.data import build_report_data
from pipeline.report.people import pagerank, participant_summary
from pipeline.report.render import write_report


@pytest.fixture(scope="module")
def outputs(pipeline_run):
    pred = read_predictions(pipeline_run["predictions"])
    return read_corpus(pipeline_run["corpus"]), read_units(pipeline_run["segments"]), pred


@pytest.fixture(scope="module")
def data(outputs):
    return build_report_data("seeds", *outputs)


def test_report_thread_sizes(data, outputs):
    _, units, _ = outputs
    row = next(t for t in data.threads if t["id"] == THREAD_ID)
    assert (row["comments"], row["participants"], row["kind"]) == (20, 19, "thread")
    assert row["units"] == sum(u.thread_id == THREAD_ID for u in units)
    assert row["claims"] == sum(u.thread_id == THREAD_ID and u.unit_type.label == "claim" for u in units)
    assert [t["comments"] for t in data.threads if t["id"] != THREAD_ID] == [0, 0, 0, 0]
    assert data.totals == {
        "threads": 5,
        "posts": 25,
        "comments": 20,
        "silent": 0,  # comments without text: none in the seeds
        "participants": 22,
        "bots": 0,  # automated accounts: none in the seeds
        "deleted": 0,  # participants of posts by deleted authors: none in the seeds
        "units": len(units),
        "relations": len(outputs[2].relations),
    }


def test_report_names_a_thread_without_headline_by_its_target(outputs):
    """Tweets, chat messages and comment exports have no headline: the table shows the
    statement the thread debates instead, shortened; a headline, where there is one, stays."""
    from pipeline.report.data import thread_table

    corpus, units, _ = outputs
    long = "Socialrådgiverne drukner i sager, og kommunerne " + "gør intet ved det " * 10
    untitled = corpus.threads[0].model_copy(update={"id": "x", "title": "", "target": long})
    rows = thread_table(dataclasses.replace(corpus, threads=[untitled, *corpus.threads[1:]]), units)
    assert rows[0]["heading"].startswith("Socialrådgiverne drukner i sager") and rows[0]["heading"].endswith(" …")
    assert len(rows[0]["heading"]) <= 90
    assert [r["heading"] for r in rows[1:]] == [t.title for t in corpus.threads[1:]]


def test_report_stance_by_role_counts_every_comment_by_its_authors_role(data, outputs):
    corpus, _, pred = outputs
    roles = {p.participant_id: p.role.label for p in pred.participants}
    posts = corpus.posts_by_id()
    expected: Counter = Counter()
    for pl in pred.posts:
        post = posts[pl.post_id]
        if post.parent_id:
            pid = "participant:" + re.sub(r"[^\w]+", "-", post.author.lower()).strip("-")
            expected[(roles[pid], pl.target_stance.label)] += 1
    got = Counter({(role, s): n for role, row in data.stance_by_role.items() for s, n in row.items() if n})
    assert got == expected
    assert sum(sum(r.values()) for r in data.stance_by_role.values()) == 20
    # Roles come from self-descriptions: both union representatives are in the table.
    assert sum(data.stance_by_role["union"].values()) == 2


def test_report_reply_stance_by_depth_follows_the_reply_tree(data):
    # 16 comments answer the article; the four replies to comments are one level deeper.
    assert {d: sum(row.values()) for d, row in data.reply_by_depth.items()} == {"1": 16, "2": 4}


def test_report_pools_the_replies_of_a_long_chain_below_depth_ten(tmp_path):
    # A reply chain 30 levels deep (Reddit's "counting" threads run to thousands): the table
    # and the figure keep one row per level up to 9 and pool the deeper 21 replies as "10+".
    rows = [{"id": "r", "thread_id": "t", "author": "a", "title": "Skal socialrådgivere autoriseres?"}]
    for i in range(1, 31):
        parent = rows[-1]["id"]
        rows.append({"id": f"c{i}", "thread_id": "t", "parent_id": parent, "author": "bc"[i % 2],
                     "text": f"Nej, det er jeg ikke enig i, for nummer {i} siger noget andet."})  # fmt: skip
    src = tmp_path / "chain.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    d = run_pipeline(tmp_path, "--threads", str(src), name="chain")
    md = (d["reports"] / "chain.md").read_text(encoding="utf-8")
    table = md.split("## Reply stance by depth", 1)[1].split("\n## ", 1)[0]
    depth_rows = [line.split("|")[1].strip() for line in table.splitlines() if re.match(r"\| (\d|10\+) ", line)]
    assert depth_rows == [str(d) for d in range(1, 10)] + ["10+"]
    pooled = next(line for line in table.splitlines() if line.startswith("| 10+ "))
    assert sum(int(c) for c in pooled.strip(" |").split("|")[1:]) == 21


def test_report_quotes_a_claim_without_the_handles_its_reply_opens_with(tmp_path):
    """A Mastodon or YouTube reply opens with whom it answers: the report quotes what it
    says ("Kommunerne skal ...", not "@mette Kommunerne skal ..."); units.jsonl keeps the
    unit's exact text."""
    rows = [
        {"id": "r", "thread_id": "t", "author": "mette", "text": "Socialrådgiverne har alt for mange sager i dag."},
        {"id": "a", "thread_id": "t", "parent_id": "r", "author": "ole",
         "text": "@mette Kommunerne skal ansætte flere socialrådgivere med det samme, ellers svigter de børnene."},
        {"id": "b", "thread_id": "t", "parent_id": "r", "author": "lis",
         "text": "@mette @ole Sagstallet er ikke problemet, ledelsen af forvaltningerne er problemet."},
    ]  # fmt: skip
    src = tmp_path / "statuses.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    d = run_pipeline(tmp_path, "--threads", str(src), name="handles")
    md = (d["reports"] / "handles.md").read_text(encoding="utf-8")
    quoted = re.findall(r"“([^”]*)”", md)
    assert quoted and not [q for q in quoted if q.startswith("@")]
    assert any(q.startswith("Kommunerne skal ansætte flere socialrådgivere") for q in quoted)


@pytest.mark.parametrize(
    "unit, quoted",
    [
        ("*Det vil de jo være helt fri for.*", "Det vil de jo være helt fri for."),
        ("**Vigtigt**: det er ~~ikke~~ sådan.", "Vigtigt: det er ikke sådan."),
        ("@mette Vi mangler *hænder*.", "Vi mangler hænder."),
        ("2*3*4 er ikke snake_case_navne.", "2*3*4 er ikke snake_case_navne."),  # no paired markers at word edges
        ("En * alene og _x.", "En * alene og _x."),
    ],
)
def test_report_quotes_a_claim_as_a_reader_saw_it_without_emphasis_markers(unit, quoted):
    """Reddit and forum comments mark emphasis with *, ** and ~~: a quoted claim shows the
    words, not the markers (units.jsonl keeps the unit's exact text)."""
    from pipeline.report.render import said

    assert said(unit) == quoted


def test_report_says_who_argues_against_whom_by_role_and_by_participant(data, outputs):
    """Reply stance between roles counts every comment by its author's role and the role of
    the author it answers (Nick Allentoft, the editorial's author, for 16 of them); the pair
    tables list who denies and who supports whom, most first."""
    corpus, _, pred = outputs
    roles = {p.participant_id: p.role.label for p in pred.participants}
    posts = corpus.posts_by_id()

    def role(post):
        return roles["participant:" + re.sub(r"[^\w]+", "-", post.author.lower()).strip("-")]

    expected: Counter = Counter()
    for pl in pred.posts:
        post = posts[pl.post_id]
        if post.parent_id:
            expected[(role(post), role(posts[post.parent_id]), pl.reply_stance.label)] += 1
    got = Counter(
        {
            (r["from"], r["to"], s): r[s]
            for r in data.role_replies
            for s in ("support", "deny", "query", "comment")
            if r[s]
        }
    )
    assert got == expected and sum(r["total"] for r in data.role_replies) == 20
    assert sum(r["total"] for r in data.role_replies if r["to"] == "journalist") == 16
    assert [r["total"] for r in data.role_replies] == sorted((r["total"] for r in data.role_replies), reverse=True)
    denying = Counter(
        (posts[pl.post_id].author, posts[posts[pl.post_id].parent_id].author)
        for pl in pred.posts
        if pl.reply_stance and pl.reply_stance.label == "deny"
    )
    assert denying and len(data.opposed) == min(10, len(denying))
    assert sorted(r["n"] for r in data.opposed) == sorted(denying.values(), reverse=True)[:10][::-1]
    assert all(r["source"] != r["target"] for r in data.opposed + data.allied)
    nick = [r for r in data.opposed if r["target_name"] == "Nick Allentoft"]
    assert nick and all(r["target_role"] == "journalist" for r in nick)
    # Each pair's replies in all are at least its denials or supports, and rows come most first.
    assert all(r["total"] >= r["n"] for r in data.opposed + data.allied)
    assert [r["n"] for r in data.opposed] == sorted((r["n"] for r in data.opposed), reverse=True)


def test_report_the_article_author_is_the_most_central_participant(data):
    top = data.central[0]
    assert (top["name"], top["role"], top["replies_received"]) == ("Nick Allentoft", "journalist", 16)
    assert top["pagerank"] == max(r["pagerank"] for r in data.central)


def test_report_claims_for_and_against_come_from_comments_with_that_stance(data, outputs):
    corpus, units, pred = outputs
    stance = {p.post_id: p.target_stance.label for p in pred.posts}
    unit_text = {u.id: u.text for u in units}
    for side in ("favor", "against"):
        assert data.claims[side], side
        for c in data.claims[side]:
            assert stance[c["comment_id"]] == side
            assert unit_text[c["unit_id"]] == c["claim"] and c["unit_id"].startswith(c["comment_id"] + "#")
    # Helle Nøhr Korsholm's headline is her main claim (each side lists only its most
    # confident eight, so she is looked up among every comment's main claim).
    assert main_claims(units)[f"{THREAD_ID}/c13"].text == "Nej vi har ikke spillet fallit"
    assert stance[f"{THREAD_ID}/c13"] == "against"


def test_report_provenance_names_models_data_and_cross_validated_scores(data):
    rows = {r["task"]: r for r in data.provenance}
    assert set(rows) == {"unit_type", "target_stance", "reply_stance", "role"}
    role = rows["role"]["model"]
    assert role["training_data"] == ["data/annotations"] and role["cv_grouping"] == "item"
    assert role["cv_macro_f1_mean"] is not None and role["encoder_features"] is None
    assert "in-sample" in data.in_sample_note
    # Held out one topic at a time, the mean hides the spread: the report gives the worst
    # and best held-out group from the model card (role's folds mix participants: none).
    assert role["cv_group_range"] is None
    reply = rows["reply_stance"]["model"]
    card = json.loads((MODELS_DIR / reply["name"] / "metrics.json").read_text(encoding="utf-8"))
    scores = {g: r["model"]["macro_f1"] for g, r in card["cv"]["per_group"].items()}
    low, high = reply["cv_group_range"]["lowest"], reply["cv_group_range"]["highest"]
    assert (low["group"], low["macro_f1"]) == min(scores.items(), key=lambda kv: kv[1])
    assert (high["group"], high["macro_f1"]) == max(scores.items(), key=lambda kv: kv[1])
    assert low["macro_f1"] < reply["cv_macro_f1_mean"] < high["macro_f1"]
    assert reply["cv_group_text"].startswith(
        f"by group from {low['macro_f1']:.3f} on {low['group']} ({low['n']} items)"
    )
    assert role["cv_group_text"] == ""


def test_report_says_which_model_reads_the_encoders_embeddings(data, pipeline_run):
    from pipeline.core.config import E5_DIR

    reply = {r["task"]: r for r in data.provenance}["reply_stance"]["model"]
    if not (E5_DIR / "config.json").exists():
        pytest.skip("the e5 folder is built by `make setup`")
    # The default profile: the reply model joins the e5 embeddings to its n-grams, and says so.
    assert reply["name"] == "reply_stance_e5" and reply["encoder_features"] == "models/local/multilingual-e5-small"
    md = (pipeline_run["reports"] / "seeds.md").read_text(encoding="utf-8")
    assert "`reply_stance_e5` (sklearn with the embeddings of `models/local/multilingual-e5-small`, 2179 items)" in md


def test_report_html_is_self_contained_and_deterministic(outputs, tmp_path):
    first = write_report(tmp_path / "a", "seeds", *outputs)
    html = first.read_text(encoding="utf-8")
    assert "Socialrådgivernes fallit" in html and "Nick Allentoft" in html
    sources = re.findall(r'src="([^"]+)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r'<link|<script|href="http', html)
    md = (tmp_path / "a" / "seeds.md").read_text(encoding="utf-8")
    assert "| social_worker |" in md and "![stance by role](figures/stance_by_role.png)" in md
    write_report(tmp_path / "b", "seeds", *outputs)
    for f in sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_report_repeats_what_training_warned_of_beside_the_labels(pipeline_run):
    """A model trained on too few items of a label says so in its card; the report says so
    beside the labels that model gave (the committed role model: 22 participants)."""
    card_notes = load_model(MODELS_DIR / "role").card["notes"]
    warned = [n.removeprefix("Warning: ") for n in card_notes if n.startswith("Warning: ")]
    assert warned and "too few to learn those labels from" in warned[0]
    md = (pipeline_run["reports"] / "seeds.md").read_text(encoding="utf-8")
    section = md.split("Warnings from the model cards:", 1)[1].split("\n## ", 1)[0]
    assert [line for line in section.splitlines() if line.startswith("- ")] == [f"- role (`role`): {warned[0]}"]
    html = (pipeline_run["reports"] / "seeds.html").read_text(encoding="utf-8")
    assert "<li>role (<code>role</code>): fewer than 5 items of" in html


def test_report_cli_without_a_name_writes_a_plainly_titled_report(pipeline_run, tmp_path):
    """Run by hand on one's own corpus, the report is not called "seeds" (make names it
    after its inputs)."""
    from conftest import run_cli

    stage = {k: str(pipeline_run[k]) for k in ("corpus", "segments", "predictions")}
    out = tmp_path / "r"
    run_cli("-q", "report", *(x for k, v in stage.items() for x in (f"--{k}", v)), "--out", str(out), "-j", "1")
    assert {p.name for p in out.iterdir()} == {"report.html", "report.md", "figures", "manifest.json"}
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Debate report\n\n")  # a paragraph follows
    assert "<h1>Debate report</h1>" in (out / "report.html").read_text(encoding="utf-8")


def test_report_cli_writes_html_markdown_and_figures(pipeline_run):
    out = pipeline_run["reports"]  # written by the report command in run_pipeline
    assert {p.name for p in out.iterdir()} == {"seeds.html", "seeds.md", "figures", "manifest.json"}
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == [
        "participants.png",
        "reply_stance_between_roles.png",
        "reply_stance_by_depth.png",
        f"reply_tree_{safe_filename(THREAD_ID)}.png",  # named by a slug and a hash, never the raw id
        "stance_by_role.png",
    ]
    assert all((out / "figures" / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in figures)
    # A key point's side is toward its own thread's target: the Markdown names the thread.
    points = (out / "seeds.md").read_text(encoding="utf-8").split("## Key points", 1)[1].split("\n## ", 1)[0]
    listed = [line for line in points.splitlines() if line.startswith("- “")]
    assert listed and all(line.endswith(f"; thread {THREAD_ID})") for line in listed)
    # At most 8 a side, and it says what it leaves out, so a side of "none" is not read as
    # a thread without key points.
    assert all(len(side.split("\n- “")) - 1 <= 8 for side in points.split("\n### ")[1:])
    assert "neutral toward the target are left out (data/processed/predictions/key_points.jsonl lists" in points


def _whole_graph_summary(pg: nx.DiGraph, top: int, figure_nodes: int) -> tuple[list[tuple], list[str], list[tuple]]:
    """What the report used to compute on the whole networkx participant graph."""
    rank = nx.pagerank(pg, weight="weight")
    rows = []
    for n in pg:
        received = sum(d["weight"] for u, _, d in pg.in_edges(n, data=True) if u != n)
        sent = sum(d["weight"] for _, v, d in pg.out_edges(n, data=True) if v != n)
        if received or sent:
            rows.append((n, int(received), int(sent), round(rank[n], 4)))
    rows.sort(key=lambda r: (-r[1], -r[3], r[0]))
    degree = dict(pg.degree(weight="weight"))
    active = sorted(sorted((n for n in pg if degree[n] > 0), key=lambda n: (-degree[n], n))[:figure_nodes])
    edges = [(u, v) for u, v in pg.edges if u in active and v in active]
    return rows[:top], active, sorted(edges)


@pytest.mark.parametrize("top, figure_nodes", [(10, 60), (3, 4)])
def test_report_participant_summary_equals_networkx_on_the_whole_graph(outputs, top, figure_nodes):
    """The report reads participants from the spill (PageRank on a sparse matrix, attributes
    only of those shown): the same numbers as networkx on the whole participant graph."""
    corpus, _, pred = outputs
    counts = ParticipantCounts().add(corpus.posts, {p.post_id: p for p in pred.posts})
    roles = {p.participant_id: p.role for p in pred.participants}
    pg = participant_graph(corpus.participants, roles, first_posts(corpus.posts), counts)
    with People() as people:
        people.load(corpus.participants, pred.participants, corpus.posts)
        people.add_counts(counts)
        got = participant_summary(people, top, figure_nodes)
    rows, active, edges = _whole_graph_summary(pg, top, figure_nodes)
    assert got.n_participants == pg.number_of_nodes() == 22
    assert [(r["participant"], r["replies_received"], r["replies_sent"], r["pagerank"]) for r in got.central] == rows
    assert list(got.figure) == active and sorted(got.figure.edges) == edges
    assert all(got.figure.nodes[n] == pg.nodes[n] for n in active)


def test_report_pagerank_matches_networkx_on_a_random_graph():
    g = nx.gnp_random_graph(300, 0.02, seed=1, directed=True)
    rng = np.random.default_rng(0)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = float(rng.integers(1, 5))
    src, dst = (np.array(x) for x in zip(*g.edges, strict=True))
    w = np.array([g.edges[e]["weight"] for e in g.edges])
    ours = pagerank(300, src, dst, w)
    theirs = nx.pagerank(g, weight="weight")
    assert np.allclose(ours, [theirs[i] for i in range(300)], atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_report_participant_summary_equals_networkx_on_random_reply_counts(outputs, seed):
    """Random who-replies-to-whom counts (ties in replies received, people with many replies
    but little PageRank, people replied to who are not in the participant table): the
    spill's summary picks the same central and active participants as networkx."""
    corpus, _, pred = outputs
    rng = np.random.default_rng(seed)
    people_ids = [p.id for p in corpus.participants]
    outsiders = ["participant:zz-gone-1", "participant:zz-gone-2"]
    counts = ParticipantCounts()
    for _ in range(120):
        src = people_ids[rng.integers(len(people_ids))]
        dst = (people_ids + outsiders)[rng.integers(len(people_ids) + 2)]
        counts.replies[(src, dst)][str(rng.choice(["support", "deny", "comment"]))] += int(rng.integers(1, 4))
    roles = {p.participant_id: p.role for p in pred.participants}
    pg = participant_graph(corpus.participants, roles, first_posts(corpus.posts), counts)
    with People() as people:
        people.load(corpus.participants, pred.participants, corpus.posts)
        people.add_counts(counts)
        got = participant_summary(people, 5, 8)
    rows, active, edges = _whole_graph_summary(pg, 5, 8)
    assert [(r["participant"], r["replies_received"], r["replies_sent"], r["pagerank"]) for r in got.central] == rows
    assert list(got.figure) == active and sorted(got.figure.edges) == edges


def test_report_scores_the_labels_against_gold_the_corpus_carries_held_out_and_in_sample_apart(tmp_path, seed_corpus):
    from sklearn.metrics import f1_score

    seen = seed_corpus.posts_by_id()[f"{THREAD_ID}/c13"]  # a seed comment: in the models' training data

    rows = [
        {"id": "r", "thread_id": "r", "author": "a", "title": "Kommunerne bør ansætte flere socialrådgivere"},
        {"id": "r1", "thread_id": "r", "parent_id": "r", "author": "b", "reply_stance": "support",
         "target_stance": "favor", "text": "Ja, flere hænder i forvaltningen vil give borgerne bedre sagsbehandling."},
        {"id": "r2", "thread_id": "r", "parent_id": "r1", "author": "c", "reply_stance": "deny",
         "target_stance": "against", "text": "Nej, problemet er ikke antallet af ansatte men de mange regler."},
        {"id": "r3", "thread_id": "r", "parent_id": "r2", "author": "b", "reply_stance": "query",
         "target_stance": "neutral", "text": "Hvilke regler tænker du konkret på i den her sammenhæng?"},
        # A text the committed models were trained on: in-sample, scored apart.
        {"id": "r4", "thread_id": "r", "parent_id": "r", "author": "d", "reply_stance": "deny",
         "target_stance": "against", "title": seen.title, "text": seen.text},
    ]  # fmt: skip
    src = tmp_path / "labelled.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    d = run_pipeline(tmp_path, "--threads", str(src), name="labelled")
    gold = json.loads((d["predictions"] / "provenance.json").read_text(encoding="utf-8"))["gold_agreement"]
    labels = {
        p["post_id"]: p
        for p in map(json.loads, (d["predictions"] / "posts.jsonl").read_text(encoding="utf-8").splitlines())
    }
    for task in ("reply_stance", "target_stance"):
        held = ["r1", "r2", "r3"]
        expected = f1_score([r[task] for r in rows[1:4]], [labels[i][task]["label"] for i in held], average="macro")
        assert gold[task]["n_items"] == 4 and gold[task]["held_out"]["n"] == 3
        assert gold[task]["held_out"]["macro_f1"] == round(expected, 4)
        assert gold[task]["in_training_data"]["n"] == 1
    md = (d["reports"] / "labelled.md").read_text(encoding="utf-8")
    assert "## Against the corpus's own gold labels" in md and "| reply_stance | 4 | 3 |" in md


def test_report_without_gold_in_the_corpus_has_no_gold_section(pipeline_run):
    md = (pipeline_run["reports"] / "seeds.md").read_text(encoding="utf-8")
    assert "Against the corpus's own gold labels" not in md
    provenance = json.loads((pipeline_run["predictions"] / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["gold_agreement"] == {}


def test_report_says_how_the_data_was_read_grouping_ingests_notes(data, pipeline_run):
    """What ingest removed, repaired or inferred is in the report, grouped by what the
    notes say with names and numbers left out, most frequent first; every note stays in
    ingest_report.json."""
    from pipeline.core.corpus import notes_summary
    from pipeline.core.schema import Note

    notes = [
        Note(where=f"a.csv:{i}", kind="repaired", message=f"author '[deleted{i}]' read as deleted") for i in (4, 9)
    ]
    notes += [Note(where="a.csv:1", kind="repaired", message="3 date(s) read from Unix epoch seconds (UTC)")]
    notes += [Note(where="b.csv:1", kind="repaired", message="5 date(s) read from Unix epoch seconds (UTC)")]
    notes += [Note(where="b.csv:7", kind="note", message="post 'x' has neither title nor text")]
    rows = notes_summary(notes)
    assert [(r["kind"], r["count"], r["what"], r["where"]) for r in rows] == [
        ("repaired", 2, "author … read as deleted", "a.csv:4"),
        ("repaired", 2, "… date(s) read from Unix epoch seconds (UTC)", "a.csv:1"),
        ("note", 1, "post 'x' has neither title nor text", "b.csv:7"),
    ]
    assert rows[0]["example"] == "author '[deleted4]' read as deleted" and rows[2]["example"] is None
    assert len(notes_summary(notes, limit=1)) == 1
    # On the seeds: the removed site furniture, one row per kind of block, from the corpus folder's notes.
    assert any(r["kind"] == "removed" and r["what"].startswith("opinion-disclaimer") for r in data.data_notes)
    md = (pipeline_run["reports"] / "seeds.md").read_text(encoding="utf-8")
    assert "## How the data was read" in md and "opinion-disclaimer" in md


def test_report_of_articles_without_comments_says_there_are_no_replies(tmp_path):
    """A corpus of articles alone (a news archive without its comments): no empty tables,
    but what is missing and why."""
    rows = [
        {
            "id": f"a{i}",
            "thread_id": f"a{i}",
            "author": "Redaktionen",
            "title": title,
            "text": "Kommunerne mangler hænder.",
        }
        for i, title in enumerate(["Socialrådgivere skal have højere løn", "Sagstallet skal ned"])
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    d = run_pipeline(tmp_path / "out", "--threads", str(path), name="articles")
    summary = (d["reports"] / "articles.md").read_text(encoding="utf-8")
    central = summary.split("## Most central participants", 1)[1].split("\n## ", 1)[0]
    assert (
        "No participant replies to another: centrality needs replies." in central and "| participant |" not in central
    )
    whom = summary.split("## Who argues against whom", 1)[1].split("\n### ", 1)[0]
    assert "No comment with a person's text replies to another post." in whom and "| replier's role |" not in whom
    html = (d["reports"] / "articles.html").read_text(encoding="utf-8")
    assert "<p>No participant replies to another: centrality needs replies.</p>" in html


def test_report_draws_a_reply_label_outside_sdqc_as_one_of_a_researchers_own_label_set(pipeline_run, tmp_path):
    """A researcher's own reply label set ([labels] in the config, a model trained on it):
    a label the report has no colour for had stopped it with a raw KeyError."""
    import shutil

    from conftest import run_cli

    pred = tmp_path / "predictions"
    shutil.copytree(pipeline_run["predictions"], pred)
    rows = [json.loads(line) for line in (pred / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    replies = [r for r in rows if r.get("reply_stance") and r["post_id"].startswith(THREAD_ID)]
    replies[0]["reply_stance"]["label"] = "irony"
    (pred / "posts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    stages = ["--corpus", str(pipeline_run["corpus"]), "--segments", str(pipeline_run["segments"])]
    out = tmp_path / "r"
    assert run_cli("-q", "report", *stages, "--predictions", str(pred), "--out", str(out), "-j", "1") == 0
    assert (out / "report.html").exists()
