"""Items to classify, turned into `Example`s that every model backend reads.

One featurizer per task, used both when training and when predicting, so the two can
never drift apart. An Example carries a text, an optional paired text (the parent for
reply stance, the target statement for target stance), a few numeric features that text
models miss (depth, question marks, negation, whether the author started the thread),
the group it belongs to for grouped cross-validation, and its gold label if known.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipeline.core.corpus import reply_depths, same_person
from pipeline.core.quotes import QUOTE_LINE_RE, unquoted, without_quote_marks
from pipeline.core.schema import Participant, Post, Thread
from pipeline.models.cues import (
    CUES_FILE,
    WORD_RE,
    RuleHit,
    reply_rule,
    role_rule,
    unit_rule,
    without_leading_mentions,
)

PAIR_CHARS = 2000


@dataclass(frozen=True)
class Example:
    id: str
    group: str
    text: str
    pair: str = ""
    features: dict[str, float] = field(default_factory=dict)
    label: str | None = None

    def with_label(self, label: str | None) -> Example:
        return Example(self.id, self.group, self.text, self.pair, self.features, label)


def example_hash(example: Example) -> str:
    """A short hash of what a model reads of an item (its text, whitespace folded): the same
    comment met again in another corpus hashes the same, and the hash gives no text away."""
    flat = " ".join(example.text.split())
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class UnitSpan:
    """Where a unit is, independent of whether it came from `segment` or from gold."""

    id: str
    post_id: str
    field: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _word_lists() -> dict[str, frozenset[str]]:
    raw = tomllib.loads(CUES_FILE.read_text(encoding="utf-8"))["features"]
    return {k: frozenset(v) for k, v in raw.items()}


def _counts(text: str) -> dict[str, float]:
    words = [w.lower() for w in WORD_RE.findall(text)]
    n = max(len(words), 1)
    lists = _word_lists()
    # map() over C-level methods: the same sums as generator expressions, without a Python
    # frame per word or character (this runs for every post and sentence).
    out = {f"rate_{k}": sum(map(v.__contains__, words)) / n for k, v in lists.items()}
    out["n_words_log"] = math.log1p(len(words))
    out["n_questions"] = min(text.count("?"), 5) / 5
    out["n_exclaims"] = min(text.count("!"), 5) / 5
    out["ends_question"] = float(text.rstrip().endswith("?"))
    out["has_quote"] = float(bool(re.search(r'^\s*>|["“»]', text, re.MULTILINE)))
    out["has_url"] = float("http" in text or "www." in text)
    out["upper_ratio"] = sum(map(str.isupper, text)) / max(sum(map(str.isalpha, text)), 1)
    return out


def _overlap(a: str, b: str) -> float:
    wa = {w.lower() for w in WORD_RE.findall(a) if len(w) > 3}
    wb = {w.lower() for w in WORD_RE.findall(b) if len(w) > 3}
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def field_text(post: Post, field_name: str) -> str:
    return post.title if field_name == "title" else post.text


def unit_examples(units: list[UnitSpan], posts: dict[str, Post]) -> list[Example]:
    out = []
    for u in units:
        post = posts[u.post_id]
        full = field_text(post, u.field)
        text = full[u.start : u.end]
        feats = _counts(text)
        feats["is_title"] = float(u.field == "title")
        feats["rel_position"] = u.start / max(len(full), 1)
        # A comment of one sentence is that sentence: its share of the field says so.
        feats["field_share"] = len(text) / max(len(full.strip()), 1)
        # Where the unit sits in its comment: commenters tend to open with their point and
        # close with a verdict, while premises fill the middle. On the seed gold
        # (leave-one-thread-out) these three moved macro-F1 from 0.451 to 0.499
        # (docs/benchmarks.md). Read off the text (no letter before the unit, or after it up to
        # a sign-off), so a gold unit and the segmenter's agree.
        feats["is_first"] = float(not WORD_RE.search(full, 0, u.start))
        # A sign-off is not content: the unit just before it closes the comment.
        sig = post.signature if u.field == "text" else None
        content_end = sig.start if sig is not None and u.end <= sig.start else len(full)
        feats["is_last"] = float(not WORD_RE.search(full, u.end, content_end))
        feats["field_len_log"] = math.log1p(len(full)) / 10
        feats["in_document"] = float(post.kind == "document")
        feats["in_signature"] = float(sig is not None and sig.start <= u.start < sig.end)
        hit = unit_rule(text, u.field)
        if hit:
            feats[f"rule_{hit.label}"] = 1.0
        out.append(Example(id=u.id, group=post.thread_id, text=text, features=feats))
    return out


OPENER_RE = re.compile(r"^\W*(\w+)")


def own_words(post: Post) -> str:
    """Headline and body without lines quoted from others ("> ..."), which repeat the parent,
    and without the @handles a Mastodon, Bluesky, X or YouTube reply opens with: names the
    models never saw in training, which say whom, not what (the features that read how a
    reply opens, "Nej, ...", read its first word after them)."""
    text = without_leading_mentions(QUOTE_LINE_RE.sub("", post.text).strip())
    return f"{post.title}\n{text}".strip() if post.title else text


def _children(posts: dict[str, Post]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in posts.values():
        if p.parent_id:
            counts[p.parent_id] = counts.get(p.parent_id, 0) + 1
    return counts


def _reply_features(
    post: Post, parent: Post | None, root: Post, depth: int, children: dict[str, int]
) -> dict[str, float]:
    own = own_words(post)
    feats = _counts(own)
    lists = _word_lists()
    first = OPENER_RE.match(own.lower())
    opener = first.group(1) if first else ""
    feats["opens_negation"] = float(opener in lists["negation"])
    feats["opens_agreement"] = float(opener in lists["agreement"])
    feats["opens_question_word"] = float(opener in lists["question_words"])
    feats["n_replies_log"] = math.log1p(children.get(post.id, 0))
    # No feature for how long after its parent a reply came: the delay is the platform's
    # pace, and where a page prints no date (the seeds' editorial) it is missing, which a
    # feature would read as "at once". Leave-one-topic-out on DAST it added nothing (0.524
    # with it, 0.522 without, e5 profile), while on the seed thread held out it turned most
    # comments into `support` (macro-F1 0.23 with it, 0.31 without; docs/benchmarks.md).
    feats["depth_log"] = math.log1p(depth)
    feats["parent_is_root"] = float(parent is not None and parent.parent_id is None)
    feats["same_author_as_parent"] = float(parent is not None and same_person(post, parent))
    feats["author_is_submitter"] = float(same_person(post, root))
    if parent is not None:
        feats["parent_ends_question"] = float(parent.full_text.rstrip().endswith("?"))
        feats["parent_n_questions"] = min(parent.full_text.count("?"), 5) / 5
        feats["overlap_with_parent"] = _overlap(post.full_text, parent.full_text)
    hit = reply_rule(post.full_text)
    if hit:
        feats[f"rule_{hit.label}"] = 1.0
    return feats


def reply_examples(
    comments: list[Post], posts: dict[str, Post], targets: Mapping[str, str] | None = None
) -> list[Example]:
    """Reply stance: the comment's own words, paired with the post it replies to. A root
    without words (the empty root of a post an export left out) is paired through its
    thread's target from `targets` (thread id -> target), which says what it stated."""
    children = _children(posts)
    missing = [c for c in comments if c.id not in posts]
    known = {**posts, **{c.id: c for c in missing}} if missing else posts
    tree = reply_depths(known)
    out = []
    for c in comments:
        parent = posts.get(c.parent_id) if c.parent_id else None
        depth, root_id = tree[c.id]
        pair = own_words(parent) if parent else ""
        if not pair and parent is not None and parent.parent_id is None and targets:
            pair = targets.get(c.thread_id, "")
        out.append(
            Example(
                id=c.id,
                group=c.thread_id,
                text=own_words(c),
                pair=pair[:PAIR_CHARS],
                features=_reply_features(c, parent, known[root_id], depth, children),
            )
        )
    return out


def target_examples(
    comments: list[Post], posts: dict[str, Post], threads: dict[str, Thread], replies: list[Example] | None = None
) -> list[Example]:
    """Target stance: the comment's own words and reply features, paired with the thread's
    target statement. `replies`: the comments' `reply_examples` when already built (the
    features are the same, and the costly part)."""
    if replies is None:
        replies = reply_examples(comments, posts, {t: thread.target for t, thread in threads.items()})
    return [replace(ex, pair=threads[c.thread_id].target) for ex, c in zip(replies, comments, strict=True)]


def role_text(participant: Participant, posts: dict[str, Post]) -> tuple[list[str], list[str]]:
    """(self-descriptions, texts) of a participant, oldest post first."""
    own = sorted((posts[i] for i in participant.post_ids if i in posts), key=lambda p: (p.created or "", p.id))
    descriptions = list(participant.descriptions)
    texts = [p.full_text for p in own]
    return descriptions, texts


def role_words(participant: Participant, posts: dict[str, Post]) -> tuple[list[str], list[str]]:
    """(self-descriptions, texts) of a participant without the lines and forum blocks they
    quote from others ("> Jeg er socialrådgiver", "Citat: Kalle skrev: ..."): someone
    else's words, for the role model as for the cues. Passages in quotation marks stay
    here: mostly the article's phrases inside the author's own argument, and the role model
    lost by dropping them (seed gold, the card's folds: macro-F1 0.389 -> 0.355)."""
    descriptions, texts = role_text(participant, posts)
    return descriptions, [unquoted(t) for t in texts]


def role_cue(
    part: Participant, posts: dict[str, Post], words: tuple[list[str], list[str]] | None = None
) -> RuleHit | None:
    """The role cue rule's answer for a participant (a deleted author's name is no cue), read
    from their own words (`role_words`, when already known), without passages in quotation
    marks either: a quoted "jeg er socialrådgiver" is no self-description."""
    descriptions, texts = words if words is not None else role_words(part, posts)
    return role_rule(None if part.deleted else part.name, descriptions, [without_quote_marks(t) for t in texts])


def role_examples(
    participants: list[Participant],
    posts: dict[str, Post],
    cues: list[RuleHit | None] | None = None,
    words: list[tuple[list[str], list[str]]] | None = None,
) -> list[Example]:
    """One example per participant, from their own words; `cues` and `words`: their
    `role_cue` and `role_words` answers when already known."""
    out = []
    for i, part in enumerate(participants):
        descriptions, texts = words[i] if words is not None else role_words(part, posts)
        body = "\n".join(texts)[:6000]
        feats = _counts(body)
        feats["n_posts_log"] = math.log1p(len(texts))
        hit = cues[i] if cues is not None else role_cue(part, posts, (descriptions, texts))
        if hit:
            feats[f"rule_{hit.label}"] = 1.0
        head = "\n".join([part.name, *descriptions])
        out.append(Example(id=part.id, group=part.id, text=f"{head}\n{body}", features=feats))
    return out
