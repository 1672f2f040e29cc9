"""`make bench-pages`: one long flat page of comments, in three shapes, read by ingest as a
researcher's saved page is, beside the same posts in a thread file."""

from __future__ import annotations

import json
import random
import re

from pipeline.bench.pages import FORUM, SHAPES, _comments, pages_benchmark, pages_markdown
from pipeline.ingest.replies import _by_first_word, _named_in


def test_each_page_shape_is_read_as_its_comments_by_their_commenters(tmp_path):
    n = 24
    result = pages_benchmark([n], tmp_path)  # raises where ingest finds another number of posts
    (run,) = result["runs"]
    assert set(run) == {"posts", "thread_file", *SHAPES}
    authors = sorted(c["author"] for c in _comments(n))
    for shape in SHAPES:
        out = tmp_path / f"n{n}" / f"{shape.replace(' ', '-')}.out" / "posts.jsonl"
        posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        comments = posts if shape == FORUM else [p for p in posts if p["parent_id"]]
        assert sorted(a["name"] for p in comments for a in p["authors"]) == authors, shape
    by_id = {p["id"]: p for p in posts}
    quoting = [p for p in posts if "Ursprungligen postat av" in p["text"]]
    answered = [
        by_id[p["parent_id"]]["authors"][0]["name"] == re.search(r"postat av (\w+ \w\. \w+)", p["text"]).group(1)
        for p in quoting
    ]
    assert len(answered) >= 4 and sum(answered) >= 0.9 * len(answered), "a quotation names the post it answers"
    text = pages_markdown(result)
    assert re.search(r"\| news comments as HTML \| 24 \| [\d.]+ \| [\d.]+ \| \d+ \| \d+ \|", text)


def test_the_names_a_comment_may_mention_are_found_by_its_words_as_a_scan_of_every_name_finds_them():
    rng = random.Random(3)
    names = ["Karin", "Karin Berg", "Anne-Marie", "Sofia87", "HandicapBarn.dk", "@sara", " Bo Holm", "Øjvind"]
    words = ["Karin", "Berg", "Anne", "Marie", "Sofia87", "sara", "Bo", "Holm", "Øjvind", "og", "enig"]
    mentions = {name: f"author of {name}" for name in names}
    index = _by_first_word(mentions)
    for _ in range(500):
        text = rng.choice(["", "@", " ", "-"]).join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        text = text.replace("og", rng.choice(["og", " @", ".", ", "]))
        pattern = r"(?<![\w@.-])@?{}(?![\w-])"
        scanned = {s for s in mentions if s in text and re.search(pattern.format(re.escape(s)), text)}
        indexed = {s for s, _ in _named_in(text, index) if re.search(pattern.format(re.escape(s)), text)}
        assert indexed == scanned, text


def test_a_stem_matches_a_set_that_holds_it_or_a_compound_of_it_as_a_scan_of_the_set_finds():
    from pipeline.ingest.replies import _StemMatches

    rng = random.Random(5)
    letters = "aeiknorstæø"
    vocabulary = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 12))) for _ in range(300)}
    vocabulary |= {"socialrådgiv", "statsautoris", "socialråd", "rådgiv", "råd"}
    matches = _StemMatches(vocabulary)
    sets = [set(rng.sample(sorted(vocabulary), 8)) for _ in range(60)] + [{"socialrådgiv"}, {"råd", "rådgiv"}]
    stems = [*rng.sample(sorted(vocabulary), 60), "socialrådgiver", "rådgiv", "råd", "xyzxyz"]
    for stem in stems:
        for s in sets:
            scanned = any(stem in t or t in stem for t in s if len(t) >= 5)
            assert matches.in_(stem, s) == scanned, (stem, s)
    assert matches.in_("socialrådgiver", {"socialrådgiv"}) and matches.in_("råd", {"rådgiv"})
    assert not matches.in_("rådgiv", {"råd"}), "a stem under five letters matches nothing inside it"
