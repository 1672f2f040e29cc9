"""`make bench-replies`: how far inferred reply links can be trusted, scored against known
parents (the seed gold's parent labels; DAST-format threads with their parents removed)."""

from __future__ import annotations

import json

from conftest import make_post

from pipeline.bench.replies import flattened_dast_links, replies_markdown, score_links, seed_gold_links
from pipeline.core.config import ANNOTATIONS_DIR
from pipeline.core.schema import Evidence, Post


def post(pid: str, position: int, parent: str | None, rule: str | None = None, conf: float | None = None) -> Post:
    evidence = (Evidence(rule=rule, cue="", target_id=parent, score=1.0, decided=True),) if rule else ()
    return make_post(pid, position, parent_id=parent, parent_confidence=conf, parent_evidence=evidence)


def test_links_are_scored_per_deciding_rule_beside_both_baselines():
    posts = [
        post("r", 0, None),
        post("a", 1, "r", "default", 0.5),
        post("b", 2, "a", "quotation", 0.9),  # right: b answers a
        post("c", 3, "r", "default", 0.5),  # wrong: c answers b
        post("d", 4, "b", "address", 0.9),  # wrong: d answers r
    ]
    truth = {"a": "r", "b": "a", "c": "b", "d": "r"}
    s = score_links(posts, truth, {"t": "r"})
    assert s["comments"] == 4 and s["accuracy"] == 0.5
    assert s["baseline_opening_post"] == 0.5  # a and d answer the opening post
    # The post just before: the opening post for a, then a for b and b for c.
    assert s["baseline_previous_comment"] == 0.75
    away = s["links_away_from_opening_post"]
    assert (away["inferred"], away["precision"], away["gold"], away["recall"]) == (2, 0.5, 2, 0.5)
    assert s["rules"]["default"] == {"decided": 2, "right": 1, "precision": 0.5, "mean_confidence": 0.5}
    assert s["rules"]["quotation"]["precision"] == 1.0 and s["rules"]["address"]["precision"] == 0.0
    assert [(b["links"], b["accuracy"]) for b in s["confidence_bins"]] == [(2, 0.5), (2, 0.5)]


def test_the_seed_gold_links_are_scored_on_the_threads_it_was_labelled_on(cfg, tmp_path):
    # No corpus at all: the gold's own kept threads are read.
    s = seed_gold_links(cfg, ANNOTATIONS_DIR, tmp_path / "no-corpus")
    assert s["comments"] == 20
    assert s["baseline_opening_post"] == 0.8
    assert s["accuracy"] == 1.0, "the rules were written on this thread; a change that breaks one of its links shows"
    assert "in-sample" in s["source"]


def test_dast_threads_are_flattened_and_their_parents_inferred_again(cfg, tmp_path):
    rows = [
        {"post_id": "s", "thread_id": "x", "parent_id": None, "is_source": True, "title": "Skal ulven skydes?"},
        {"post_id": "c1", "thread_id": "x", "parent_id": "s", "text": "Ulven hører til i den danske natur, punktum."},
        {"post_id": "c2", "thread_id": "x", "parent_id": "c1", "text": "> Ulven hører til i den danske natur\nNej."},
        {"post_id": "c3", "thread_id": "x", "parent_id": "c1", "text": "Enig med dig."},
    ]
    for i, r in enumerate(rows):
        r.update(created=f"2019-03-04T13:0{i}:00", user_id=f"u{i}", text=r.get("text", ""))
    dast = tmp_path / "dast.jsonl"
    dast.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    s = flattened_dast_links(cfg, dast, tmp_path / "work")
    assert s["comments"] == 3
    # c2 quotes c1 and is found; c3 names nobody and falls back to the opening post.
    quotation = s["rules"]["quotation"]
    assert (quotation["decided"], quotation["right"], quotation["precision"]) == (1, 1, 1.0)
    assert quotation["mean_confidence"] >= cfg.replies.quotation, "the rule's prior, or more with agreeing cues"
    assert s["accuracy"] == round(2 / 3, 4) and s["baseline_opening_post"] == round(1 / 3, 4)
    assert list((tmp_path / "work").iterdir()) == [], "the flattened copy of DAST's texts is not kept"
    text = replies_markdown({"sets": {"DAST flattened": s}})
    assert f"| quotation | 1 | 1 | 1.000 | {quotation['mean_confidence']:.3f} |" in text


def test_dast_threads_copied_as_new_reddit_pages_are_read_back_and_their_links_scored(cfg, tmp_path):
    """Each thread written as new Reddit's page copied as text: depth first, a comment's
    replies right under it, no nesting, ages in hours. Read back as a raw page, a comment
    whose words name nothing answers the comment right above it unless its age says it is
    the older (rule `copied-text`): c3 answers c1 (right), c2 answers c3 (wrong: both
    answer c1, which the copy cannot show), and c4, older than c2 above it, falls back to
    the opening post (right), as the first comment does."""
    rows = [
        {"post_id": "s", "parent_id": None, "is_source": True, "title": "Skal ulven skydes?", "t": "09:00"},
        {"post_id": "c1", "parent_id": "s", "text": "Ulven hører til i den danske natur, punktum.", "t": "10:00"},
        {"post_id": "c3", "parent_id": "c1", "text": "Det synes jeg nu ikke, fårene betaler prisen.", "t": "11:00"},
        {"post_id": "c2", "parent_id": "c1", "text": "Enig, den var her før os.", "t": "13:30"},
        {"post_id": "c4", "parent_id": "s", "text": "Hvorfor ikke bare hegn omkring fårene?", "t": "12:00"},
    ]
    for i, r in enumerate(rows):
        r.update(thread_id="x", created=f"2019-03-04T{r.pop('t')}:00", user_id=f"u{i}", text=r.get("text", ""))
    dast = tmp_path / "dast.jsonl"
    dast.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    from pipeline.bench.replies import (
        copied_bluesky_page,
        copied_mastodon_page,
        copied_old_reddit_page,
        copied_reddit_links,
        copied_reddit_page,
    )
    from pipeline.ingest.build import ingest_thread_files

    posts = ingest_thread_files([dast], cfg).posts
    page, order = copied_reddit_page(posts[0], posts[1:])
    # Depth first, replies oldest first under what they answer: c3 (11:00) before c2 (13:30).
    assert order == ["c1", "c3", "c2", "c4"]
    assert "Comments Section" in page and page.count(" ago") == 5
    s = copied_reddit_links(cfg, dast, tmp_path / "work")
    assert s["comments"] == 4
    listed = s["rules"]["copied-text"]
    # c3 answers c1 (right above): right; c2 answers c3 (right above, younger): wrong;
    # c4 (older than c2) answers the opening post by default: right.
    assert (listed["decided"], listed["right"]) == (2, 1)
    assert s["rules"]["default"]["decided"] == 2 and s["accuracy"] == 0.75
    assert list((tmp_path / "work").iterdir()) == [], "the copies of DAST's texts are not kept"
    # As old Reddit's copy: its `parent` buttons say which comments answer a comment; c1 and
    # c4 answer the post, c3 (right under c1) answers c1, and c2, a reply under a reply, the
    # comment right above it in its tree, c3 (wrong: it answers c1).
    page, order = copied_old_reddit_page(posts[0], posts[1:])
    assert order == ["c1", "c3", "c2", "c4"] and page.count("parent") == 2
    old = copied_reddit_links(cfg, dast, tmp_path / "work", "old Reddit")
    assert (old["accuracy"], old["rules"]["copied-text"]["decided"]) == (0.75, 4)
    assert [(b["links"], b["accuracy"]) for b in old["confidence_bins"]] == [(1, 0.0), (3, 1.0)]
    assert "By the confidence given: 0.55-0.75: 1 links, 0.000 right; 0.95-1.00: 3 links, 1.000 right." in (
        replies_markdown({"sets": {"old": old}})
    )
    # As Bluesky's page of the post: the first reply (c1) is shown answering it; c3 answers
    # the reply right above (c1, right), c2 the one right above it (c3, wrong: its age, 1h
    # after c3's, allows it), c4 (older than c2) the post by default (right).
    page, order = copied_bluesky_page(posts[0], posts[1:])
    assert order == ["c1", "c3", "c2", "c4"] and "· 4h" in page and "@u0.bsky.social" in page
    bsky = copied_reddit_links(cfg, dast, tmp_path / "work", "Bluesky")
    assert bsky["accuracy"] == 0.75 and bsky["rules"]["copied-text"]["decided"] == 3
    # As a Mastodon instance's page: each reply's age over its author and account, the same
    # listing, the same links.
    page, order = copied_mastodon_page(posts[0], posts[1:])
    assert order == ["c1", "c3", "c2", "c4"] and "\n4h\n" in page and "@u0@mastodon.social" in page
    masto = copied_reddit_links(cfg, dast, tmp_path / "work", "Mastodon")
    assert masto["accuracy"] == 0.75 and masto["rules"]["copied-text"]["decided"] == 3
    assert list((tmp_path / "work").iterdir()) == []
