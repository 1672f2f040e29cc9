"""Target and reply stance of every post of whole threads.

The thread's root states the target by definition (target_source says where the target
came from), so its target stance is `favor`. A comment that answers the root directly
takes its target stance from its reply stance (rule "direct-reply": support favours the
target, denial is against it, a question or a comment is neutral): toward the post that
states the target, the two are one stance, and the reply-stance model learns it from every
reply where the target-stance model has only the direct ones' words (on DAST 244 of 261
direct replies carry the same label toward their parent and the source; on the seed
thread 13 of 16). Deeper, a reply's target stance may follow from its reply stance:
supporting a post that favours the target favours it too, denying it is against it (rule
"reply-composition"). Either way the target-stance model's own answer is recorded beside.

Last, one person keeps one side within a thread: on DAST, of the comments that favour or
oppose the submission and whose author does so elsewhere in the thread too, 229 of 231 take
the side the author's other comments take. So a comment labelled with one side, where more
of its author's comments in the thread are labelled with the other, takes the other (rule
"author-consistency"). It never makes a neutral comment take a side, since most of a
partisan author's comments are neutral (671 of 900 on DAST).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pipeline.classify.insample import InSample
from pipeline.classify.modelset import Models, model_name, predict
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus, author_ids
from pipeline.core.quotes import without_quote_marks
from pipeline.core.schema import Post, PostLabels, Prediction
from pipeline.models.cues import RuleHit, reply_rule, reply_verdict, target_position
from pipeline.models.examples import own_words, reply_examples, target_examples
from pipeline.models.labeling import combine

OPPOSITE = {"favor": "against", "against": "favor"}
# A direct reply's stance toward the root, read as its stance toward the root's target.
TOWARD_TARGET = {"support": "favor", "deny": "against", "query": "neutral", "comment": "neutral"}
# ... and back: a side taken on the target, as a stance toward the post that states it.
TOWARD_ROOT = {"favor": "support", "against": "deny"}


def classify_posts(corpus: Corpus, models: Models, cfg: Config, seen: InSample) -> list[PostLabels]:
    posts = corpus.posts_by_id()
    threads = {t.id: t for t in corpus.threads}
    comments = [p for p in corpus.posts if p.parent_id is not None]
    reply_ex = reply_examples(comments, posts, {t.id: t.target for t in corpus.threads})
    target_ex = target_examples(comments, posts, threads, reply_ex)
    ids = [c.id for c in comments]
    in_training = {
        task: dict(zip(ids, seen.add(task, model, examples), strict=True))
        for task, model, examples in (
            ("reply_stance", models.reply_stance, reply_ex),
            ("target_stance", models.target_stance, target_ex),
        )
    }
    reply_out = dict(zip(ids, predict(models.reply_stance, reply_ex), strict=True))
    target_out = dict(zip(ids, predict(models.target_stance, target_ex), strict=True))
    labels: dict[str, PostLabels] = {}
    # Parents before children: a reply's composed target stance needs its parent's.
    for post in sorted(corpus.posts, key=lambda p: (p.thread_id, p.position)):
        if post.parent_id is None:
            target = Prediction(
                label="favor",
                confidence=1.0,
                source="rule",
                rule="target:root-states-target",
                rule_label="favor",
                cue=threads[post.thread_id].target,
            )
            labels[post.id] = PostLabels(
                post_id=post.id, thread_id=post.thread_id, target_stance=target, reply_stance=None
            )
            continue
        # A comment with no text (deleted, or only a deletion mark) says nothing a model
        # could read, and a bot's says nothing of a person's: it gets the labels of saying
        # nothing, as the default, at confidence 0.
        written = post.has_voice
        # Words in quotation marks are someone else's position ('Ministeren: "Vi er imod ..."').
        position = (
            target_position(without_quote_marks(own_words(post)), threads[post.thread_id].target) if written else None
        )
        reply = combine(
            "reply_stance",
            reply_out[post.id] if written else None,
            model_name(models.reply_stance),
            reply_cue(post, posts.get(post.parent_id), position) if written else None,
            cfg,
            default_label="comment",
        )
        if (
            reply.source == "rule"
            and reply.model_label == reply.label
            and (reply.model_confidence or 0) > reply.confidence
        ):
            # A verdict the model agrees with, more surely: the model's confidence stands.
            reply = reply.model_copy(update={"confidence": reply.model_confidence, "source": "model"})
        hit = (position or _direct_reply(post, reply, posts) or _composition(post, reply, labels)) if written else None
        target = combine(
            "target_stance",
            target_out[post.id] if written else None,
            model_name(models.target_stance),
            hit,
            cfg,
            default_label="neutral",
        )
        labels[post.id] = PostLabels(
            post_id=post.id, thread_id=post.thread_id, target_stance=target, reply_stance=reply
        )
    precision = cfg.classify.author_consistency_precision
    if precision > 0:
        _author_consistency(corpus, labels, precision)
    for post in comments:
        for task in ("reply_stance", "target_stance"):
            gold = getattr(post.gold, task) if post.gold else None
            if gold:
                seen.tally_gold(task, in_training[task][post.id], gold, getattr(labels[post.id], task).label)
    return [labels[p.id] for p in corpus.posts]


def reply_cue(post: Post, parent: Post | None, position: RuleHit | None = None) -> RuleHit | None:
    """The cue rule that speaks for a reply's stance toward its parent: a bare verdict its
    first sentence states (which decides), unless the parent asks a question (then it is
    an answer); for a comment on the opening post, which states the target, the writer's
    explicit `position` on the target (`target_position`: against it denies the post, for
    it supports it); else the reply rules that the models also read as features."""
    if parent is None or not own_words(parent).rstrip().endswith("?"):
        verdict = reply_verdict(own_words(post), parent.author if parent is not None else None)
        if verdict is not None:
            return verdict
    if position is not None and parent is not None and parent.parent_id is None and parent.has_voice:
        return RuleHit(TOWARD_ROOT[position.label], "reply:explicit-position", position.cue, position.precision)
    return reply_rule(post.full_text)


def author_sides(groups: Iterable[list[str]], labels: dict[str, str], opposite: dict[str, str]) -> dict[str, str]:
    """The items whose label is one side of `opposite` while more of their group (one
    author's comments in one thread) take the other side, each with that side. A tie
    changes nothing: one comment for and one against say nothing about which is wrong."""
    out: dict[str, str] = {}
    for ids in groups:
        if len(ids) < 2:
            continue
        counts = Counter(labels[i] for i in ids)
        for i in ids:
            other = opposite.get(labels[i])
            if other is not None and counts[other] > counts[labels[i]]:
                out[i] = other
    return out


def author_groups(posts: Iterable[Post]) -> list[list[str]]:
    """The ids of each author's comments in each thread, in the order of `posts`."""
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for post in posts:
        ids = tuple(author_ids(post))
        # A deleted author is a participant of each post alone, and a post without a
        # person's text has only the default label: neither says what a person holds.
        if post.parent_id is None or not post.has_voice or not ids:
            continue
        groups.setdefault((post.thread_id, ids), []).append(post.id)
    return list(groups.values())


def _author_consistency(corpus: Corpus, labels: dict[str, PostLabels], precision: float) -> None:
    groups = author_groups(corpus.posts)
    group_of = {pid: ids for ids in groups for pid in ids}
    current = {pid: labels[pid].target_stance.label for pid in group_of}
    for pid, side in author_sides(groups, current, OPPOSITE).items():
        own = labels[pid].target_stance
        same = sum(current[q] == side for q in group_of[pid])
        target = own.model_copy(
            update={
                "label": side,
                "confidence": precision,
                "source": "rule",
                "rule": "target:author-consistency",
                "rule_label": side,
                "cue": f"{same} of the author's other comments in this thread: {side} (this one: {own.label})",
            }
        )
        labels[pid] = labels[pid].model_copy(update={"target_stance": target})


def _direct_reply(post: Post, reply: Prediction, posts: dict[str, Post]) -> RuleHit | None:
    """A comment on the root: its reply stance, as a stance toward the target, decided with
    the reply label's own confidence. Not where the root says nothing (an empty root made
    for a post the input left out), no model or cue gave the reply stance, or the reply
    label is none of SDQC's."""
    parent = posts.get(post.parent_id or "")
    if parent is None or parent.parent_id is not None or not parent.has_voice or reply.source == "default":
        return None
    # A label set of a researcher's own config may name reply stances this rule cannot read.
    label = TOWARD_TARGET.get(reply.label)
    if label is None:
        return None
    return RuleHit(
        label,
        "target:direct-reply",
        f"{reply.label} of the opening post {parent.id}",
        precision=reply.confidence,
    )


def _composition(post: Post, reply: Prediction, labels: dict[str, PostLabels]) -> RuleHit | None:
    parent = labels.get(post.parent_id or "")
    if parent is None or reply.label not in ("support", "deny"):
        return None
    parent_stance = parent.target_stance.label
    if parent_stance not in OPPOSITE:
        return None
    label = parent_stance if reply.label == "support" else OPPOSITE[parent_stance]
    return RuleHit(label, "target:reply-composition", f"{reply.label} of {post.parent_id} ({parent_stance})")
