"""Experiment: what a comment's own replies say about it. A query is answered, a claim is
agreed or disagreed with: the reply cues and openers of a comment's direct replies
(the share that open with a negation, with agreement, that end with a question; the cue
rules' labels; whether the comment's author answers in them) as reply-stance features.
The thread is whole when classify runs, so the replies are there to read (their words,
never their labels). Trains the recipe exactly as `make train` does, so the card's
leave-one-topic-out score compares with models/reply_stance_e5's.
Run from the repository root:
    PYTHONPATH=. python docs/experiments/cpu-children/children_cues.py OUT_DIR [--no-e5]"""

import sys

from pipeline.cli import main
from pipeline.core.corpus import same_person
from pipeline.models import examples
from pipeline.models.cues import reply_rule

out = sys.argv[1]
plain = examples._reply_features
replies_of: dict[str, list] = {}
plain_reply_examples = examples.reply_examples


def remember(comments, posts, targets=None):
    replies_of.clear()
    for p in posts.values():
        if p.parent_id:
            replies_of.setdefault(p.parent_id, []).append(p)
    return plain_reply_examples(comments, posts, targets)


def with_children(post, parent, root, depth, children):
    feats = plain(post, parent, root, depth, children)
    kids = replies_of.get(post.id, [])
    if not kids:
        return feats
    lists = examples._word_lists()
    n = len(kids)
    opens = {"negation": 0, "agreement": 0}
    questions = own = 0
    labels: dict[str, int] = {}
    for k in kids:
        words = examples.own_words(k)
        first = examples.OPENER_RE.match(words.lower())
        opener = first.group(1) if first else ""
        opens["negation"] += opener in lists["negation"]
        opens["agreement"] += opener in lists["agreement"]
        questions += words.rstrip().endswith("?")
        own += same_person(k, post)
        hit = reply_rule(k.full_text)
        if hit:
            labels[hit.label] = labels.get(hit.label, 0) + 1
    feats["kids_open_negation"] = opens["negation"] / n
    feats["kids_open_agreement"] = opens["agreement"] / n
    feats["kids_end_question"] = questions / n
    feats["kids_by_author"] = float(own > 0)
    for label, count in labels.items():
        feats[f"kids_rule_{label}"] = count / n
    return feats


examples._reply_features = with_children
examples.reply_examples = remember
import pipeline.training.data as data  # noqa: E402

if hasattr(data, "reply_examples"):
    data.reply_examples = remember
enc = [] if "--no-e5" in sys.argv else ["--encoder-features", "models/local/multilingual-e5-small"]
sys.exit(
    main(
        ["-q", "train", "--task", "reply_stance", "--data", "data/annotations", "../shared/data/dast/dast_train.jsonl"]
        + enc
        + ["--out", out]
    )
)
