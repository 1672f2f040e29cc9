"""Key points: claims that say the same thing are one point, with who makes it and from which side."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from conftest import run_pipeline

from pipeline.classify.keypoints import key_points
from pipeline.core.config import E5_DIR
from pipeline.core.corpus import Corpus
from pipeline.core.schema import Author, Post, PostLabels, Prediction, Thread, Unit
from pipeline.ingest.people import build_participants

SAME_A = "Socialrådgiverne har alt for travlt til at hjælpe borgerne ordentligt."
SAME_B = "Socialrådgivere har simpelthen for travlt til at hjælpe borgerne ordentligt."
OTHER = "Kommunen bør ansætte flere jurister i forvaltningen."


def _corpus(authors: list[str | None]) -> Corpus:
    root = dict(id="r", kind="document", position=0, parent_id=None, title="Rod", source="x:1")
    posts = [Post(thread_id="t", lang="da", lang_confidence=1.0, lang_source="given", **root)]
    for i, name in enumerate(authors, start=1):
        posts.append(
            Post(
                id=f"c{i}",
                thread_id="t",
                kind="comment",
                position=i,
                parent_id="r",
                text="...",
                lang="da",
                lang_confidence=1.0,
                lang_source="given",
                source=f"x:{i + 1}",
                authors=(Author(name=name),),
            )  # fmt: skip
        )
    thread = Thread(id="t", kind="thread", title="Rod", target="Rod", target_source="root_title", root_id="r",
                    lang="da", source="x", n_comments=len(authors))  # fmt: skip
    return Corpus([thread], posts, build_participants(posts))


def _claim(post_id: str, text: str) -> Unit:
    pred = Prediction(label="claim", confidence=0.9, source="model")
    return Unit(id=f"{post_id}#u.text.0-{len(text)}", post_id=post_id, thread_id="t", field="text", index=0, start=0,
                end=len(text), text=text, sentence_ids=(), unit_type=pred)  # fmt: skip


def _labels(stances: dict[str, str]) -> list[PostLabels]:
    return [
        PostLabels(
            post_id=p,
            thread_id="t",
            reply_stance=None,
            target_stance=Prediction(label=s, confidence=0.8, source="model"),
        )  # fmt: skip
        for p, s in stances.items()
    ]


def test_keypoints_group_by_similarity_and_count_comments_participants_and_sides():
    corpus = _corpus(["Anna", "Bo", None, "Anna"])
    units = [_claim("c1", SAME_A), _claim("c2", SAME_B), _claim("c3", SAME_A + " Helt sikkert."), _claim("c4", OTHER)]
    # A stand-in encoder: the three "travlt" claims point one way, the jurist claim another.
    vectors = {SAME_A: [1, 0.05, 0], SAME_B: [1, 0, 0.05], SAME_A + " Helt sikkert.": [1, 0.02, 0.02], OTHER: [0, 1, 0]}

    def embed(texts):
        v = np.array([vectors[t] for t in texts], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    stances = {"c1": "against", "c2": "against", "c3": "favor", "c4": "favor"}
    points = key_points(corpus, units, _labels(stances), embed, max_distance=0.06)
    assert [k.id for k in points] == ["t#kp1", "t#kp2"]
    busy, jurists = points
    assert busy.comment_ids == ("c1", "c2", "c3") and busy.n_comments == 3
    # The deleted author of c3 is nobody: two participants make the point.
    assert busy.participant_ids == ("participant:anna", "participant:bo") and busy.n_participants == 2
    assert busy.stance == {"favor": 1, "against": 2, "neutral": 0} and busy.side == "against"
    assert busy.text == SAME_A + " Helt sikkert."  # the member closest to all the others
    assert 0.99 < busy.cohesion <= 1.0
    assert jurists.unit_ids == (units[3].id,) and jurists.side == "favor" and jurists.cohesion == 1.0


def test_keypoints_without_an_encoder_every_claim_stands_alone():
    corpus = _corpus(["Anna", "Bo"])
    units = [_claim("c1", SAME_A), _claim("c2", SAME_B), _claim("c2", "Hvorfor?")]
    points = key_points(corpus, units, _labels({"c1": "favor", "c2": "against"}), None, 0.06)
    assert len(points) == 2 and {k.side for k in points} == {"favor", "against"}  # the question is not quotable


@pytest.mark.skipif(not (E5_DIR / "config.json").exists(), reason="the e5 folder is built by make setup")
def test_keypoints_paraphrases_become_one_point_through_every_stage(tmp_path):
    # "Jeg mener/synes, at ..." makes each sentence a claim (opinion-marker cue), so the
    # test is about grouping, not about unit typing.
    rows = [
        {"id": "r", "thread_id": "t", "author": "Redaktionen", "title": "Socialrådgiverne har for travlt"},
        {
            "id": "a",
            "thread_id": "t",
            "parent_id": "r",
            "author": "Anna",
            "text": "Jeg mener, at " + SAME_A[0].lower() + SAME_A[1:],
        },
        {
            "id": "b",
            "thread_id": "t",
            "parent_id": "r",
            "author": "Bo",
            "text": "Jeg synes, at socialrådgivere simpelthen har for travlt til at hjælpe borgerne ordentligt.",
        },
        {
            "id": "c",
            "thread_id": "t",
            "parent_id": "b",
            "author": "Cecilie",
            "text": "Jeg mener, at " + OTHER[0].lower() + OTHER[1:],
        },
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    paths = run_pipeline(out, "--threads", str(path), name="kp")
    points = [
        json.loads(x) for x in (paths["predictions"] / "key_points.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    by_size = sorted(points, key=lambda k: -k["n_comments"])
    assert by_size[0]["comment_ids"] == ["a", "b"] and by_size[0]["n_participants"] == 2
    assert [k["comment_ids"] for k in by_size[1:]] == [["c"]]
    provenance = json.loads((paths["predictions"] / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["key_points"]["encoder"].endswith("multilingual-e5-small")
    g = nx.read_graphml(paths["graphs"] / "corpus.graphml", force_multigraph=True)
    kp = by_size[0]["id"]
    assert g.nodes[kp]["kind"] == "key_point" and g.nodes[kp]["n_comments"] == 2
    assert {u for u, _, d in g.in_edges(kp, data=True) if d["kind"] == "states"} == set(by_size[0]["unit_ids"])
    md = (paths["reports"] / "kp.md").read_text(encoding="utf-8")
    assert "## Key points" in md and "(2 comment(s), 2 participant(s);" in md


def _planted(n_points: int, n_centres: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_centres, 16))
    v = centres[rng.integers(0, n_centres, n_points)] + 0.1 * rng.normal(size=(n_points, 16))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _as_sets(groups: list[list[int]]) -> set[frozenset[int]]:
    return {frozenset(g) for g in groups}


@pytest.mark.parametrize("seed", [0, 1])
def test_keypoints_a_thread_too_large_for_one_linkage_gets_the_same_groups_in_components(monkeypatch, seed):
    # A megathread's claims are cut into components of "closer than the threshold" before
    # average linkage; no average-linkage cluster spans two components, so the groups are
    # exactly those of one linkage over the whole thread.
    from pipeline.classify import keypoints

    vectors = _planted(600, 90, seed)
    whole = keypoints._average_linkage(vectors, 0.06)
    monkeypatch.setattr(keypoints, "MAX_LINKAGE", 40)
    monkeypatch.setattr(keypoints, "ROW_BLOCK", 64)
    assert max(len(c) for c in keypoints._components(vectors, 0.06)) <= 40
    assert _as_sets(keypoints._clusters(vectors, 0.06)) == _as_sets(whole)
    assert 60 < len(whole) < 200


def test_keypoints_thousands_of_near_identical_claims_become_one_point_without_an_n_by_n_matrix(monkeypatch):
    from pipeline.classify import keypoints

    rng = np.random.default_rng(0)
    base = rng.normal(size=16)
    v = base + 0.01 * rng.normal(size=(300, 16))
    vectors = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
    exact = keypoints._centre(vectors)
    monkeypatch.setattr(keypoints, "MAX_LINKAGE", 40)  # one component of 300: clustered 40 at a time
    assert keypoints._clusters(vectors, 0.06) == [list(range(300))]
    rep, cohesion = keypoints._centre(vectors)  # from sums, not the 300 x 300 similarities
    assert rep == exact[0] and cohesion == pytest.approx(exact[1], abs=1e-5) and cohesion > 0.99
