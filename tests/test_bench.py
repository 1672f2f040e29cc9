"""`make bench`'s throughput table: both profiles, timed on the real seeds."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.core.config import E5_DIR, MODELS_DIR


@pytest.mark.skipif(not (E5_DIR / "config.json").exists(), reason="the e5 folder is built by `make setup`")
def test_bench_times_the_default_profile_with_an_empty_embedding_cache_and_on_a_rerun(tmp_path, cfg):
    from pipeline.bench.runs import pipeline_benchmark, pipeline_markdown

    assert (MODELS_DIR / "reply_stance_e5" / "metrics.json").exists()
    left = tmp_path / "emb-cold-0"  # what an earlier run in the same work folder left
    left.mkdir()
    (left / "earlier.sqlite").write_bytes(b"")
    result = pipeline_benchmark(cfg, tmp_path, None, repeats=1)
    assert not (left / "earlier.sqlite").exists()
    seeds = result["corpora"]["seeds"]
    assert seeds["posts"] == 25 and seeds["units"] == 469
    default = seeds["default_profile"]
    assert default["classify_cold"] > 0 and default["classify_warm"] > 0
    # The cold run started from an empty cache of its own and encoded the comments, their
    # parents and the claims into it: nothing came from an earlier run.
    (cold,) = (tmp_path / "emb-cold-0").glob("*.sqlite")
    with sqlite3.connect(cold) as db:
        assert db.execute("SELECT COUNT(*) FROM emb").fetchone()[0] > 25
    table = pipeline_markdown(result)
    assert "| seeds | scikit-learn | 25 | 469 |" in table and "| seeds | default | 25 | 469 |" in table


def test_bench_dast_scores_toward_the_submission_as_classify_decides_direct_replies():
    """The bench's "as classify decides" rows: a comment on the source post gets the reply
    model's label toward its parent, fitted on the fold's comments toward their parents;
    every other comment the target model's."""
    from collections import Counter

    from pipeline.bench.runs import DirectReplies
    from pipeline.models.examples import Example

    class Majority:
        def fit(self, X, y):
            self.label = Counter(y).most_common(1)[0][0]
            return self

        def predict(self, X):
            return [self.label] * len(X)

    ids = ["a", "b", "c", "d"]
    toward_parent = {i: Example(i, "t", f"svar {i}", "forælder", {}, "deny") for i in ids}
    toward_source = [Example(i, "t", f"svar {i}", "kilde", {}, None) for i in ids]
    model = DirectReplies(Majority, Majority, toward_parent, direct={"a", "c"})
    model.fit(toward_source, ["comment", "comment", "support", "comment"])
    assert model.reply_.label == "deny" and model.target_.label == "comment"
    assert model.predict(toward_source) == ["deny", "comment", "deny", "comment"]
    # One author's comments in one thread keep one side: "a" denies the source where the
    # author's two other comments support it.
    model = DirectReplies(Majority, Majority, toward_parent, direct={"a"}, authors=[["a", "b", "c"], ["d"]])
    model.fit(toward_source, ["support", "support", "comment", "support"])
    assert model.predict(toward_source) == ["support", "support", "support", "support"]


def test_dast_section_reads_the_same_from_a_run_and_from_its_saved_numbers():
    """`bench-dast --render-only` rewrites the section from the saved JSON, whose keys are
    sorted: rows and label counts keep one order either way, so a rerender is no diff."""
    import json

    from pipeline.bench.runs import AS_CLASSIFY, OURS, OURS_E5, dast_markdown

    def res(f1: float) -> dict:
        per_class = dict.fromkeys(("support", "deny", "query", "comment"), f1)
        return {"macro_f1_mean": f1, "accuracy_mean": f1, "f1_per_class_mean": per_class}

    names = [OURS, "char n-gram logistic regression", OURS_E5, AS_CLASSIFY, "baseline_majority", "baseline_stratified"]
    task = {
        "n": 10,
        "label_counts": {"support": 1, "deny": 2, "query": 3, "comment": 4},
        "leave_one_topic_out": {"results": {n: res(0.1 * (i + 1)) for i, n in enumerate(names)}},
        "random_80_20": {},
    }
    result = {
        "data": {"sha256": "0" * 64},
        "tasks": {"sdqc_parent": task},
        "machine": {"cpu": "x86_64", "cores": 2, "python": "3.11"},
        "seconds_per_1000_comments": {OURS: 0.4, "char n-gram logistic regression": 0.3},
    }
    run = dast_markdown(result)
    assert dast_markdown(json.loads(json.dumps(result, sort_keys=True))) == run
    table = [line.split(" | ")[0] for line in run.splitlines() if line.startswith("| ") and "LOTO" not in line]
    assert table[:3] == ["| majority class", "| stratified random", "| char n-gram logistic regression"]
    assert "support 1, deny 2, query 3, comment 4" in run
