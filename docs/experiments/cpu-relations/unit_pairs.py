"""Experiment: which label a claim carries across a reply (the graph's support/attack
relations): the reply-stance model on the (claim, parent unit) pair, with or without the
reply's thread features, or the reply's own predicted stance.

DAST, leave-one-topic-out: the reply-stance recipe is fitted on the other topics' posts;
each held-out reply's claim units are paired with the parent's main claim (or, after a
Markdown quotation, with the parent's unit it quotes) as classify does, and each unit is
scored against its post's gold SDQC label (a proxy: no unit-level gold exists). Run from
the repository root: python docs/experiments/cpu-relations/unit_pairs.py"""

from collections import defaultdict

import numpy as np
from sklearn.metrics import classification_report, f1_score

from pipeline.classify.claims import main_claims
from pipeline.classify.relations import quoted_targets
from pipeline.core.config import DAST_DEFAULT, MODELS_DIR, load_config
from pipeline.estimators import TextPairClassifier
from pipeline.ingest.build import ingest_thread_files
from pipeline.models.examples import Example, _children, _reply_features, reply_examples
from pipeline.models.store import load_model
from pipeline.segment.units import segment_posts

cfg = load_config()
corpus = ingest_thread_files([DAST_DEFAULT], cfg)  # ingest reads DAST's layout
by_id = corpus.posts_by_id()
topic = {t.id: t.topic for t in corpus.threads}
_, units = segment_posts(corpus.posts, load_model(MODELS_DIR / "unit_type"), cfg, workers=2)
by_post = defaultdict(list)
for u in units:
    by_post[u.post_id].append(u)
mains = main_claims(units)
quoted = quoted_targets(by_post, by_id)

comments = [p for p in corpus.posts if p.parent_id and p.gold and p.gold.reply_stance]
R_ex = reply_examples(comments, by_id)
y = np.array([c.gold.reply_stance for c in comments])
groups = np.array([topic[c.thread_id] for c in comments])
gold_of = {c.id: c.gold.reply_stance for c in comments}

pairs = []
for u in units:
    post = by_id[u.post_id]
    if u.unit_type.label != "claim" or u.post_id not in gold_of:
        continue
    target = quoted.get(u.id) or mains.get(post.parent_id)
    if target is not None:
        pairs.append((u, target))
print(f"{len(pairs)} claim units in {len({u.post_id for u, _ in pairs})} replies; {len(quoted)} answer a quotation")
children = _children(by_id)


def unit_example(unit, target):
    # The reply's features as if the claim were all it said: its words, its place in the thread.
    post = by_id[unit.post_id]
    alone = post.model_copy(update={"title": "", "text": unit.text, "signature": None})
    feats = _reply_features(alone, by_id[post.parent_id], by_id, children)
    return Example(id=unit.id, group=unit.thread_id, text=unit.text, pair=target.text, features=feats)


with_feats = [unit_example(u, t) for u, t in pairs]
without = [Example(id=u.id, group=u.thread_id, text=u.text, pair=t.text) for u, t in pairs]
pair_topic = np.array([topic[u.thread_id] for u, _ in pairs])
gold = np.array([gold_of[u.post_id] for u, _ in pairs])

pred_with = np.empty(len(pairs), dtype=object)
pred_without = np.empty(len(pairs), dtype=object)
pred_inherit = np.empty(len(pairs), dtype=object)
pred_mix = np.empty(len(pairs), dtype=object)
pred_post = np.empty(len(comments), dtype=object)
row_of = {c.id: i for i, c in enumerate(comments)}
for g in sorted(set(groups)):
    tr = np.flatnonzero(groups != g)
    m = TextPairClassifier(random_state=0, **cfg.train.sklearn["reply_stance"]).fit([R_ex[i] for i in tr], y[tr])
    te = np.flatnonzero(pair_topic == g)
    P_unit = m.predict_proba([with_feats[i] for i in te])
    pred_with[te] = m.classes_[P_unit.argmax(1)]
    pred_without[te] = m.predict([without[i] for i in te])
    tp = np.flatnonzero(groups == g)
    P_post = m.predict_proba([R_ex[i] for i in tp])
    pred_post[tp] = m.classes_[P_post.argmax(1)]
    post_row = {comments[i].id: k for k, i in enumerate(tp)}
    P_own = P_post[[post_row[pairs[i][0].post_id] for i in te]]
    pred_inherit[te] = m.classes_[P_own.argmax(1)]
    pred_mix[te] = m.classes_[(P_unit + P_own).argmax(1)]

print(f"post level (the model's own task): macro-F1 {f1_score(y, pred_post, average='macro'):.3f}")
for name, pred in (
    ("units with the reply's features", pred_with),
    ("units, text only (before)", pred_without),
    ("the reply's own label for each of its claims", pred_inherit),
    ("mean of the unit's and the reply's probabilities", pred_mix),
):
    print(f"{name}: macro-F1 {f1_score(gold, pred, average='macro'):.3f}")
    print(classification_report(gold, pred, digits=3, zero_division=0))

# The claims that answer a quotation, where the unit pair is most specific.
q = np.array([u.id in quoted for u, _ in pairs])
for name, pred in (
    ("units with the reply's features", pred_with),
    ("the reply's own label", pred_inherit),
    ("mean of both", pred_mix),
):
    print(
        f"answering a quotation ({q.sum()} claims), {name}: macro-F1 {f1_score(gold[q], pred[q], average='macro'):.3f}"
    )
