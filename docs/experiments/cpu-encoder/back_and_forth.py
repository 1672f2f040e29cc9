"""Experiment: whether a reply answers someone who had answered its author (the parent's
parent is the author's own post), alone and with the parent's reply cue. On DAST, such a
reply denies 208 of 897 times (23%, against 20% of all deeper replies), and 114 of 233
times (49%) where the parent denied the author. Trains the recipe exactly as `make train`
does, so the card's leave-one-topic-out score compares with models/reply_stance_e5's.
Run from the repository root:
    python docs/experiments/cpu-encoder/back_and_forth.py TASK OUT_DIR"""

import sys

from pipeline.cli import main
from pipeline.models import examples
from pipeline.models.cues import reply_rule

task, out = sys.argv[1], sys.argv[2]
plain = examples._reply_features
posts_seen: dict = {}
plain_reply_examples = examples.reply_examples


def remember(comments, posts, targets=None):
    posts_seen.clear()
    posts_seen.update(posts)
    return plain_reply_examples(comments, posts, targets)


def with_back(post, parent, root, depth, children):
    feats = plain(post, parent, root, depth, children)
    grand = posts_seen.get(parent.parent_id or "") if parent is not None else None
    back = float(
        grand is not None and grand.parent_id is not None and post.author is not None and grand.author == post.author
    )
    feats["back_and_forth"] = back
    if back:
        hit = reply_rule(parent.full_text)
        if hit:
            feats[f"back_parent_rule_{hit.label}"] = 1.0
    return feats


examples._reply_features = with_back
examples.reply_examples = remember
import pipeline.training.data as data  # noqa: E402

if hasattr(data, "reply_examples"):
    data.reply_examples = remember
sys.exit(
    main(
        ["-q", "train", "--task", task, "--data", "data/annotations", "../shared/data/dast/dast_train.jsonl"]
        + ["--encoder-features", "models/local/multilingual-e5-small", "--out", out]
    )
)
