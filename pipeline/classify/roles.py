"""Respondent roles: a participant's role reads all their posts, across threads, after the
thread shards are done (their texts wait in a spill)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from functools import partial
from typing import Any

from pipeline.classify.insample import InSample, Tallies
from pipeline.classify.modelset import Models, model_name, on_torch, predict
from pipeline.core.config import Config
from pipeline.core.schema import Participant, ParticipantLabels, Post, Prediction
from pipeline.core.spill import BATCH, SpillDatabase
from pipeline.core.stream import shards
from pipeline.executors.local import ordered_map, shard_size
from pipeline.models.cues import RuleHit
from pipeline.models.examples import role_cue, role_examples, role_words
from pipeline.models.labeling import combine


def _no_role(rule: str, cue: str) -> Prediction:
    """A participant who is not one respondent: `unknown`, decided by who they are."""
    return Prediction(label="unknown", confidence=1.0, source="rule", rule=rule, rule_label="unknown", cue=cue)


DELETED_ROLE = _no_role("role:deleted-author", "deleted or removed author: not one person, so no role")
BOT_ROLE = _no_role("role:bot-account", "an automated account (pipeline/core/bots.toml): not a respondent, so no role")


def participant_role(
    model_out: tuple[str, float, dict[str, float]] | None,
    model_name: str | None,
    hit: RuleHit | None,
    n_words: int,
    cfg: Config,
) -> Prediction:
    """A participant's role: the cue (or a more confident model) when there is a cue;
    without one, the model only when it is sure and has enough text, else `unknown`."""
    decided = combine("role", model_out, model_name, hit, cfg, default_label="unknown")
    if hit is not None or decided.source != "model":
        return decided
    c = cfg.classify
    if decided.label == "unknown" or (
        decided.confidence >= c.role_model_min_confidence and n_words >= c.role_min_words
    ):
        return decided
    return decided.model_copy(update={"label": "unknown", "confidence": 0.0, "source": "abstain"})


def _participant_shard(
    item: tuple[list[Participant], Mapping[str, Any]], *, models: Models, cfg: Config, seen: InSample
) -> tuple[list[Prediction], Tallies]:
    """Roles of a shard's participants (but the deleted, no one person, and bots: no role)."""
    shard, posts = item
    people = [p for p in shard if not (p.deleted or p.bot)]
    words = [role_words(p, posts) for p in people]
    cues = [role_cue(p, posts, w) for p, w in zip(people, words, strict=True)]
    examples = role_examples(people, posts, cues, words)
    shard_seen = seen.shard()
    shard_seen.add("role", models.role, examples)
    out = []
    preds = predict(models.role, examples) if people else []
    for pred, hit, (_, texts) in zip(preds, cues, words, strict=True):
        n_words = sum(len(t.split()) for t in texts)
        out.append(participant_role(pred, model_name(models.role), hit, n_words, cfg))
    return out, shard_seen.tallies()


@dataclass(frozen=True)
class PostText:
    """What a participant's role reads of a post: a light stand-in for `Post`."""

    id: str
    created: str | None
    full_text: str


class PostTexts(SpillDatabase):
    """What roles read of every post, on disk until the participants' turn: a role reads all
    of a participant's posts across threads, after the thread shards are done."""

    def __init__(self) -> None:
        super().__init__("post-texts")
        self.db.execute("CREATE TABLE texts (id TEXT PRIMARY KEY, created TEXT, text TEXT NOT NULL)")
        self._pending: list[tuple[str, str | None, str]] = []

    def add(self, post: Post) -> None:
        self._pending.append((post.id, post.created, post.full_text))
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        with self.db:
            self.db.executemany("INSERT INTO texts (id, created, text) VALUES (?, ?, ?)", self._pending)
        self._pending = []

    def get_many(self, ids: list[str]) -> dict[str, PostText]:
        self.flush()
        rows = self.select_in("SELECT id, created, text FROM texts WHERE id IN ({ids})", ids)
        return {pid: PostText(pid, created, text) for pid, created, text in rows}


def classify_participants(
    participants: Iterable[Participant],
    posts: Mapping[str, Any] | PostTexts,
    models: Models,
    cfg: Config,
    seen: InSample,
    workers: int = 1,
    n_participants: int | None = None,
) -> Iterator[ParticipantLabels]:
    """Every participant's role, in the order of `participants`, from all their posts in
    the corpus (across threads); `posts` maps post ids to posts (or `PostText`s), or is the
    `PostTexts` spilled while streaming. A shard of participants is read, labelled and
    let go at a time; `n_participants` (when known) lets small corpora use every worker."""
    if models.role is not None:
        seen.known("role", models.role)
    seen.add("role", models.role, [])

    def texts(ids: list[str]) -> Mapping[str, Any]:
        if isinstance(posts, PostTexts):
            return posts.get_many(ids)
        return {i: posts[i] for i in ids if i in posts}

    if n_participants is None and isinstance(participants, Sized):
        n_participants = len(participants)
    cap = max(1, cfg.scale.shard_posts // 5)
    size = shard_size(n_participants, workers, cap) if n_participants is not None else cap
    # A shard's participants travel with the texts of their posts, read just before.
    items = (
        (shard, texts([i for p in shard if not (p.deleted or p.bot) for i in p.post_ids]))
        for shard in shards(participants, size, lambda _: 1)
    )
    fn = partial(_participant_shard, models=models, cfg=cfg, seen=seen)
    for (shard, _), (preds, tallies) in ordered_map(fn, items, workers, "roles", gpu=bool(on_torch(models.role))):
        seen.merge(tallies)
        decided = iter(preds)
        for part in shard:
            role = DELETED_ROLE if part.deleted else BOT_ROLE if part.bot else next(decided)
            yield ParticipantLabels(participant_id=part.id, role=role)
