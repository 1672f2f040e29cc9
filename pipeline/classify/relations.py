"""Support and attack relations between argumentative units: a premise to its claim, a
reply's claims to the parent's unit they answer."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.classify.claims import main_claims
from pipeline.core.corpus import Corpus
from pipeline.core.schema import Post, PostLabels, Relation, Unit
from pipeline.models.cues import QUOTE_RULE


def relations(units: list[Unit], corpus: Corpus, post_labels: list[PostLabels]) -> list[Relation]:
    """Premise -> claim support inside a post; claim -> parent's unit across a reply.

    Across a reply, each claim carries the reply's own stance toward its parent (support ->
    support, deny -> attack; query and comment make no relation) to the parent's unit it
    answers: the one it follows a quotation of (`quoted_targets`), else the parent's main
    claim. The reply-stance model run on each (claim, parent unit) pair instead agreed less
    with the replies' gold stance on held-out DAST topics (docs/benchmarks.md), and a reply
    labelled `deny` whose claims all supported its parent would contradict itself.
    """
    by_post: dict[str, list[Unit]] = {}
    for u in units:
        by_post.setdefault(u.post_id, []).append(u)
    out: list[Relation] = []
    for _post_id, pu in sorted(by_post.items()):
        claims = [u for u in pu if u.unit_type.label == "claim"]
        for u in pu:
            if u.unit_type.label != "premise" or not claims:
                continue
            # A premise argues for the claim just before it, else the next one after it.
            before = [c for c in claims if (c.field, c.start) < (u.field, u.start)]
            target = before[-1] if before else claims[0]
            conf = round(min(u.unit_type.confidence, target.unit_type.confidence), 4)
            out.append(
                Relation(
                    id=f"{u.id}->{target.id}",
                    source_id=u.id,
                    target_id=target.id,
                    kind="support",
                    confidence=conf,
                    origin="rule:premise-attachment",
                    evidence="premise attached to the nearest preceding claim of the same post",
                )
            )
    mains = main_claims(units)
    posts = corpus.posts_by_id()
    quoted = quoted_targets(by_post, posts)
    stance = {p.post_id: p.reply_stance for p in post_labels if p.reply_stance is not None}
    for u in units:
        post = posts[u.post_id]
        reply = stance.get(u.post_id)
        if u.unit_type.label != "claim" or reply is None or reply.label not in ("support", "deny"):
            continue
        if u.id in quoted:
            target, what = quoted[u.id], "the parent's unit it answers, quoted just before it"
        elif post.parent_id in mains:
            target, what = mains[post.parent_id], "the parent's main claim"
        else:
            continue
        out.append(
            Relation(
                id=f"{u.id}->{target.id}",
                source_id=u.id,
                target_id=target.id,
                kind="support" if reply.label == "support" else "attack",
                confidence=reply.confidence,
                origin=f"reply_stance:{reply.source}",
                evidence=f"the reply's stance toward its parent ({reply.label}), carried by its claim to {what}",
            )
        )
    return sorted(out, key=lambda r: r.id)


# How closely a quotation must match a unit of the parent (rapidfuzz partial ratio, 0-100):
# quoting trims, and a quoted sentence may be one of the parent's units or hold two.
QUOTE_MATCH_MIN = 90


def _quote_norm(text: str) -> str:
    return " ".join(text.lstrip(" >").split()).lower()


def quoted_targets(by_post: Mapping[str, list[Unit]], posts: Mapping[str, Post]) -> dict[str, Unit]:
    """Point-by-point replies (Reddit's "> quote" then an answer): each claim that follows a
    quotation of the parent, up to the next quotation, answers the parent's argumentative
    unit that the quotation reproduces. Claim id -> that parent unit."""
    from rapidfuzz import fuzz, process

    out: dict[str, Unit] = {}
    for post_id, own in by_post.items():
        parent_id = posts[post_id].parent_id
        targets = [u for u in by_post.get(parent_id or "", ()) if u.unit_type.label in ("claim", "premise")]
        if not targets or not any(u.unit_type.rule == QUOTE_RULE for u in own):
            continue
        choices = [_quote_norm(t.text) for t in targets]
        answered: Unit | None = None
        in_quote = False
        for u in sorted(own, key=lambda x: (x.field != "title", x.start)):
            if u.unit_type.rule == QUOTE_RULE:
                # A quotation of several units answers to the last of them found in the parent;
                # one found nowhere there (a quoted article, an earlier post) answers to none.
                if not in_quote:
                    answered, in_quote = None, True
                best = process.extractOne(
                    _quote_norm(u.text), choices, scorer=fuzz.partial_ratio, score_cutoff=QUOTE_MATCH_MIN
                )
                if best is not None:
                    answered = targets[best[2]]
            else:
                in_quote = False
                if answered is not None and u.unit_type.label == "claim":
                    out[u.id] = answered
    return out
