"""Stage 3, classify: target stance, reply stance, respondent role, unit relations.

Input:  data/interim/corpus/, data/interim/segments/units.jsonl, models/{target_stance,
        reply_stance,role}/ (each optional: without a model, cue rules and defaults decide
        and every record says so)
Output: data/processed/predictions/ with
        posts.jsonl         `PostLabels`: target and reply stance of every post
        units.jsonl         `UnitLabels`: target stance of every claim and premise
        participants.jsonl  `ParticipantLabels`: respondent role with the deciding cue
        relations.jsonl     `Relation`: support/attack edges between units
        key_points.jsonl    `KeyPoint`: claims that say the same thing, grouped per thread
        provenance.json     which model or rule produced how many labels, with model scores

The thread's root states the target by definition (target_source says where the target
came from), so its target stance is `favor`. A reply's target stance may follow from its
reply stance: supporting a post that favours the target favours it too, denying it is
against it (rule "reply-composition", recorded beside the model's answer).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pipeline.core.artifacts import atomic_dir, display_path, read_json, write_json
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus
from pipeline.core.lineage import write_manifest
from pipeline.core.schema import (
    KeyPoint,
    Participant,
    ParticipantLabels,
    Post,
    PostLabels,
    Prediction,
    Relation,
    Thread,
    Unit,
    UnitLabels,
)
from pipeline.core.spill import BATCH, SpillDatabase
from pipeline.core.stream import ThreadCursor, by_thread, shards
from pipeline.core.tables import (
    count_records,
    iter_records,
    open_sink,
    read_records,
    stage_file,
    storage_of,
    write_records,
)
from pipeline.executors.local import engine, ordered_map, shard_size
from pipeline.models.cues import QUOTE_RULE, WORD_RE, RuleHit, load_cues, reply_rule, stopwords
from pipeline.models.examples import (
    Example,
    example_hash,
    reply_examples,
    role_cue,
    role_examples,
    role_text,
    target_examples,
)
from pipeline.models.labeling import combine
from pipeline.models.store import LoadedModel

log = logging.getLogger(__name__)

OPPOSITE = {"favor": "against", "against": "favor"}
# texts -> unit-length vectors, one row per text (pipeline.models.embed.Embedder.encode)
Embed = Callable[[list[str]], Any]


@dataclass
class Models:
    target_stance: LoadedModel | None = None
    reply_stance: LoadedModel | None = None
    role: LoadedModel | None = None


@dataclass
class Predictions:
    posts: list[PostLabels]
    units: list[UnitLabels]
    participants: list[ParticipantLabels]
    relations: list[Relation]
    provenance: dict
    key_points: list[KeyPoint] = field(default_factory=list)


# The tables of a predictions folder: each a field of `Predictions`.
PREDICTION_TABLES = {
    "posts": PostLabels,
    "units": UnitLabels,
    "relations": Relation,
    "key_points": KeyPoint,
    "participants": ParticipantLabels,
}


def _predict(model: LoadedModel | None, examples: list[Example]) -> list:
    return model.predict(examples) if model else [None] * len(examples)


def _name(model: LoadedModel | None) -> str | None:
    return model.name if model else None


# What a shard's `InSample` sends back: per task the item counts, and the gold tallies.
Tallies = tuple[dict[str, dict[str, int]], dict[str, Counter[tuple[str, str, str]]]]


class InSample:
    """How many of the items each model labels were in its own training data (by text
    hash): those labels are in-sample, and the report must say so, and only then.

    Texts under `MIN_CHARS` characters are not counted: "Enig." or "Hvorfor?" recur in any
    corpus, and finding them in the training data says nothing about having seen the thread.
    """

    MIN_CHARS = 40

    def __init__(self, hashes: dict[str, frozenset[str]] | None = None) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        # Per task: (held_out or in_training_data, gold, predicted) -> how often, for the
        # gold labels the corpus itself carries.
        self.gold: dict[str, Counter[tuple[str, str, str]]] = {}
        self._hashes: dict[str, frozenset[str]] = hashes if hashes is not None else {}

    def known(self, task: str, model: LoadedModel) -> frozenset[str]:
        if task not in self._hashes:
            self._hashes[task] = model.training_hashes()
        return self._hashes[task]

    def shard(self) -> InSample:
        """A counter for one shard that shares the training hashes read so far."""
        return InSample(self._hashes)

    def tallies(self) -> Tallies:
        """What a shard's counter sends back to be merged."""
        return self.counts, self.gold

    def merge(self, tallies: Tallies) -> None:
        counts, gold = tallies
        for task, entry in counts.items():
            mine = self.counts.setdefault(task, {"items": 0, "in_training_data": 0})
            for k, v in entry.items():
                mine[k] += v
        for task, cells in gold.items():
            self.gold.setdefault(task, Counter()).update(cells)

    def add(self, task: str, model: LoadedModel | None, examples: list[Example]) -> list[bool]:
        """Count the items of `task`; whether each one's text is among the model's training
        texts, short or not (a gold label on such an item is no held-out test)."""
        entry = self.counts.setdefault(task, {"items": 0, "in_training_data": 0})
        entry["items"] += len(examples)
        if model is None:
            return [False] * len(examples)
        known = self.known(task, model)
        seen = [example_hash(e) in known for e in examples]
        entry["in_training_data"] += sum(
            s for s, e in zip(seen, examples, strict=True) if len(" ".join(e.text.split())) >= self.MIN_CHARS
        )
        return seen

    def tally_gold(self, task: str, in_training: bool, gold: str, predicted: str) -> None:
        """One gold label the corpus itself carries, beside the label classify gave."""
        part = "in_training_data" if in_training else "held_out"
        self.gold.setdefault(task, Counter())[part, gold, predicted] += 1

    def gold_agreement(self, labels: Mapping[str, list[str]]) -> dict[str, dict]:
        """Per task with gold in the corpus: how the final labels (model, rule or
        composition) agree with it, on items no model saw and, apart, on items it saw."""
        from pipeline.training.cv import scores

        out: dict[str, dict] = {}
        for task, cells in sorted(self.gold.items()):
            report: dict = {"n_items": sum(cells.values())}
            for part in ("held_out", "in_training_data"):
                y, pred = [], []
                for (where, gold, predicted), n in sorted(cells.items()):
                    if where == part:
                        y += [gold] * n
                        pred += [predicted] * n
                report[part] = scores(y, pred, labels[task]) if y else None
            out[task] = report
        return out


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
    reply_out = dict(zip(ids, _predict(models.reply_stance, reply_ex), strict=True))
    target_out = dict(zip(ids, _predict(models.target_stance, target_ex), strict=True))
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
        reply = combine(
            "reply_stance",
            reply_out[post.id] if written else None,
            _name(models.reply_stance),
            reply_rule(post.full_text) if written else None,
            cfg,
            default_label="comment",
        )
        hit = _composition(post, reply, labels) if written else None
        target = combine(
            "target_stance",
            target_out[post.id] if written else None,
            _name(models.target_stance),
            hit,
            cfg,
            default_label="neutral",
        )
        labels[post.id] = PostLabels(
            post_id=post.id, thread_id=post.thread_id, target_stance=target, reply_stance=reply
        )
        for task, decided in (("reply_stance", reply), ("target_stance", target)):
            gold = getattr(post.gold, task) if post.gold else None
            if gold:
                seen.tally_gold(task, in_training[task][post.id], gold, decided.label)
    return [labels[p.id] for p in corpus.posts]


def _composition(post: Post, reply: Prediction, labels: dict[str, PostLabels]) -> RuleHit | None:
    parent = labels.get(post.parent_id or "")
    if parent is None or reply.label not in ("support", "deny"):
        return None
    parent_stance = parent.target_stance.label
    if parent_stance not in OPPOSITE:
        return None
    label = parent_stance if reply.label == "support" else OPPOSITE[parent_stance]
    return RuleHit(label, "target:reply-composition", f"{reply.label} of {post.parent_id} ({parent_stance})")


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
    cues = [role_cue(p, posts) for p in people]
    examples = role_examples(people, posts, cues)
    shard_seen = seen.shard()
    shard_seen.add("role", models.role, examples)
    out = []
    for part, pred, hit in zip(people, _predict(models.role, examples) if people else [], cues, strict=True):
        n_words = sum(len(t.split()) for t in role_text(part, posts)[1])
        out.append(participant_role(pred, _name(models.role), hit, n_words, cfg))
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


def _on_torch(*models: LoadedModel | None) -> list[str]:
    """The names of those of `models` that run on torch: a transformers-backend folder, or
    scikit-learn over an encoder's embeddings (texts not yet in the cache are encoded)."""
    return [m.name for m in models if m is not None and (m.backend != "sklearn" or m.encoder_features)]


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
    for (shard, _), (preds, tallies) in ordered_map(fn, items, workers, "roles", gpu=bool(_on_torch(models.role))):
        seen.merge(tallies)
        decided = iter(preds)
        for part in shard:
            role = DELETED_ROLE if part.deleted else BOT_ROLE if part.bot else next(decided)
            yield ParticipantLabels(participant_id=part.id, role=role)


def classify_units(units: list[Unit], corpus: Corpus, models: Models, cfg: Config) -> list[UnitLabels]:
    threads = {t.id: t for t in corpus.threads}
    argumentative = [u for u in units if u.unit_type.label in ("claim", "premise")]
    examples = [
        Example(id=u.id, group=u.thread_id, text=u.text, pair=threads[u.thread_id].target) for u in argumentative
    ]
    preds = _predict(models.target_stance, examples)
    return [
        UnitLabels(
            unit_id=u.id,
            post_id=u.post_id,
            target_stance=combine("target_stance", p, _name(models.target_stance), None, cfg, default_label="neutral"),
        )
        for u, p in zip(argumentative, preds, strict=True)
    ]


MIN_QUOTABLE_WORDS = 4
MIN_CONTENT_WORDS = 1


def content_words(text: str, ignore: frozenset[str] = frozenset()) -> int:
    """How many words of `text` carry content: not Danish or Swedish function words, not in
    `ignore`, and longer than two letters ("øh", "ja")."""
    stop = stopwords()
    return sum(1 for w in WORD_RE.findall(text.lower()) if len(w) > 2 and w not in stop and w not in ignore)


def quotable(unit: Unit) -> bool:
    """Whether a claim unit states a position a researcher could quote: not a question,
    not a one- to three-word verdict ("Enig.", "God artikel"), not a retort made of
    function words ("Det er det altså ikke.", "Jo, det er det."), not a lead-in to what
    follows ("Og så er vi her i argumentationen:"), and not a bare verdict ("Jeg er
    fuldstændigt enig med dig.", "Det er jo ikke rigtigt.": cues.toml [quotable]) that
    says nothing about the matter. A short denial of something stays: "Nej vi har ikke
    spillet fallit" is a position."""
    text = unit.text.strip()
    if len(text.split()) < MIN_QUOTABLE_WORDS or text.endswith(("?", ":")):
        return False
    content = content_words(text, load_cues().verdict_words)
    if content < MIN_CONTENT_WORDS:
        return False
    # Agreement with a short word of praise ("Tak for en god artikel") is no position;
    # agreement with a statement ("Jeg er enig i at kommunerne svigter børnene") is.
    hit = reply_rule(text)
    return hit is None or hit.label != "support" or len(text.split()) > 12 or content >= 3


def main_claims(units: list[Unit]) -> dict[str, Unit]:
    """Each post's main claim: its headline when that is a quotable claim (a headline states
    the author's position), else its most confident quotable claim unit (the earliest on
    ties). Posts without a quotable claim have none."""
    best: dict[str, Unit] = {}
    for u in units:
        if u.unit_type.label != "claim" or not quotable(u):
            continue
        cur = best.get(u.post_id)
        key = (u.field == "title", u.unit_type.confidence)
        if cur is None or key > (cur.field == "title", cur.unit_type.confidence):
            best[u.post_id] = u
    return best


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


def _group_range(per_group: Mapping[str, dict]) -> dict | None:
    """The held-out groups the model did worst and best on (leave-one-group-out): one
    mean hides that a topic or a kind of thread unlike the training data scores far lower."""
    scored = sorted((g["model"]["macro_f1"], name, g["model"]["n"]) for name, g in per_group.items() if "model" in g)
    if len(scored) < 2:
        return None
    (lo, lo_name, lo_n), (hi, hi_name, hi_n) = scored[0], scored[-1]
    return {
        "lowest": {"group": lo_name, "macro_f1": lo, "n": lo_n},
        "highest": {"group": hi_name, "macro_f1": hi, "n": hi_n},
    }


def _card_summary(model: LoadedModel | None) -> dict | None:
    if model is None:
        return None
    cv = model.card.get("cv") or {}
    res = (cv.get("results") or {}).get("model", {})
    return {
        "name": model.name,
        "path": display_path(model.path),
        "backend": model.backend,
        "encoder_features": model.encoder_features,
        "trained_at": model.card.get("trained_at"),
        "training_items": model.card.get("n_items"),
        "training_data": [d["path"] for d in model.card.get("data", [])],
        "cv_grouping": cv.get("grouping"),
        "cv_folds": cv.get("folds"),
        "cv_macro_f1_mean": res.get("macro_f1_mean"),
        "cv_macro_f1_std": res.get("macro_f1_std"),
        "cv_group_range": _group_range(cv.get("per_group") or {}),
        "notes": model.card.get("notes", []),
    }


def _classify_shard(
    item: tuple[list[Post], list[Unit]], *, threads: dict[str, Thread], models: Models, cfg: Config, seen: InSample
) -> tuple[list[PostLabels], list[UnitLabels], list[Relation], Tallies]:
    """Post and unit labels and relations of whole threads (`item`: their posts and units):
    everything that needs a parent or sibling, and nothing that needs another thread.
    Relations come thread by thread, by id within a thread."""
    posts, units = item
    sub = Corpus(threads=[threads[t] for t in dict.fromkeys(p.thread_id for p in posts)], posts=posts, participants=[])
    shard_seen = seen.shard()
    post_labels = classify_posts(sub, models, cfg, shard_seen)
    rank = {t.id: i for i, t in enumerate(sub.threads)}
    thread_of = {p.id: p.thread_id for p in posts}
    unit_thread = {u.id: rank[thread_of[u.post_id]] for u in units}
    rels = sorted(relations(units, sub, post_labels), key=lambda r: (unit_thread[r.source_id], r.id))
    return post_labels, classify_units(units, sub, models, cfg), rels, shard_seen.tallies()


def thread_items(
    posts: Iterable[Post], units: Iterable[Unit], where: Path = Path("units.jsonl")
) -> Iterator[tuple[list[Post], list[Unit]]]:
    """(posts, units) of each thread, from posts and units listed thread by thread in the
    same thread order (as ingest and segment write them)."""
    cursor = ThreadCursor(iter(units), lambda u: u.thread_id, where)
    for tposts in by_thread(posts, where):
        yield tposts, cursor.take(tposts[0].thread_id)
    cursor.check_done()


class _Lists:
    """In-memory sinks with the interface of `JsonlSink`."""

    def __init__(self) -> None:
        self.items: list = []

    def write(self, records: Iterable) -> None:
        self.items.extend(records)


def _sources(counter: Counter, preds: Iterable[Prediction]) -> None:
    counter.update(f"{p.source}:{(p.model if p.source == 'model' else p.rule) or ''}" for p in preds)


@dataclass(frozen=True)
class ClassifyRun:
    """The models and settings one classify run uses."""

    models: Models
    cfg: Config
    unit_model: LoadedModel | None = None
    embed: Embed | None = None
    encoder: str | None = None
    workers: int = 1


def classify_stream(
    items: Iterable[tuple[list[Post], list[Unit]]],
    threads: dict[str, Thread],
    participants: Iterable[Participant],
    post_texts: Mapping[str, Any] | PostTexts,
    sinks: dict[str, Any],
    run: ClassifyRun,
    n_participants: int | None = None,
) -> dict:
    """Label a corpus given as thread items (posts and units), writing each shard's labels to
    `sinks` (posts, units, relations, key_points, participants) as they come; the
    provenance. `post_texts` maps post ids to objects with `id`, `created` and `full_text`
    (the posts, or the `PostTexts` spilled while streaming): roles read every post of a
    participant."""
    from pipeline.classify.keypoints import key_points

    models, cfg, unit_model, embed, encoder, workers = (
        run.models,
        run.cfg,
        run.unit_model,
        run.embed,
        run.encoder,
        run.workers,
    )

    torch_models = _on_torch(models.target_stance, models.reply_stance, models.role)
    if torch_models and workers > 1 and engine() == "local":
        # torch's thread pools do not survive a fork: a forked worker that runs a torch model
        # can hang. torch uses every core inside one process instead. (Ray tasks are
        # processes of their own, which load the model themselves: they may run it.)
        log.info("classify: %s run on torch; one process (torch uses the cores itself)", ", ".join(torch_models))
        workers = 1
    seen = InSample()
    # Read every model's training hashes before the workers fork, so they share them.
    for task, model in (("reply_stance", models.reply_stance), ("target_stance", models.target_stance)):
        if model is not None:
            seen.known(task, model)
    shard_fn = partial(_classify_shard, threads=threads, models=models, cfg=cfg, seen=seen)

    def shard_items() -> Iterator[tuple[list[Post], list[Unit]]]:
        for shard in shards(items, cfg.scale.shard_posts, size_of=lambda item: len(item[0])):
            yield [p for ps, _ in shard for p in ps], [u for _, us in shard for u in us]

    decided = {task: Counter() for task in ("unit_type", "target_stance", "reply_stance", "role")}
    origins: Counter = Counter()
    n_points = n_claims = 0
    for (posts, units), (p_labels, u_labels, rels, tallies) in ordered_map(
        shard_fn, shard_items(), workers, "classify", gpu=bool(_on_torch(models.target_stance, models.reply_stance))
    ):
        seen.merge(tallies)
        seen.add("unit_type", unit_model, [Example(id=u.id, group=u.thread_id, text=u.text) for u in units])
        _sources(decided["unit_type"], (u.unit_type for u in units))
        _sources(decided["target_stance"], (p.target_stance for p in p_labels))
        _sources(decided["reply_stance"], (p.reply_stance for p in p_labels if p.reply_stance))
        origins.update(r.origin for r in rels)
        sub = Corpus(
            threads=[threads[t] for t in dict.fromkeys(p.thread_id for p in posts)], posts=posts, participants=[]
        )
        points = key_points(sub, units, p_labels, embed, cfg.key_points.max_distance)
        n_points += len(points)
        n_claims += sum(len(k.unit_ids) for k in points)
        sinks["posts"].write(p_labels)
        sinks["units"].write(u_labels)
        sinks["relations"].write(rels)
        sinks["key_points"].write(points)
    part_labels = classify_participants(participants, post_texts, models, cfg, seen, workers, n_participants)
    for shard in shards(part_labels, BATCH, lambda _: 1):
        _sources(decided["role"], (p.role for p in shard))
        sinks["participants"].write(shard)
    return {
        "models": {
            "unit_type": _card_summary(unit_model),
            "target_stance": _card_summary(models.target_stance),
            "reply_stance": _card_summary(models.reply_stance),
            "role": _card_summary(models.role),
        },
        "rule_precision": dict(cfg.classify.rule_precision),
        "decided_by": {task: dict(sorted(c.items())) for task, c in decided.items()},
        "relations_by_origin": dict(sorted(origins.items())),
        "in_sample": dict(sorted(seen.counts.items())),
        "gold_agreement": seen.gold_agreement({t: list(cfg.labels_for(t)) for t in ("reply_stance", "target_stance")}),
        "key_points": {
            "encoder": encoder if embed else None,
            "max_distance": cfg.key_points.max_distance if embed else None,
            "key_points": n_points,
            "claims": n_claims,
            "note": None if embed else "no encoder: every claim is a key point of its own (not grouped)",
        },
    }


def classify(
    corpus: Corpus,
    units: list[Unit],
    models: Models,
    cfg: Config,
    unit_model: LoadedModel | None = None,
    embed: Embed | None = None,
    encoder: str | None = None,
    workers: int = 1,
) -> Predictions:
    """Every label of an in-memory corpus (`classify_files` streams a corpus folder); with
    `embed` (texts -> unit vectors) also the key points."""
    sinks = {k: _Lists() for k in ("posts", "units", "relations", "key_points", "participants")}
    provenance = classify_stream(
        thread_items(corpus.posts, units),
        {t.id: t for t in corpus.threads},
        corpus.participants,
        corpus.posts_by_id(),
        sinks,
        ClassifyRun(models, cfg, unit_model, embed, encoder, workers),
    )
    return Predictions(
        sinks["posts"].items,
        sinks["units"].items,
        sinks["participants"].items,
        sinks["relations"].items,
        provenance,
        sinks["key_points"].items,
    )


def classify_files(
    corpus_dir: Path, segments_dir: Path, out_dir: Path, run: ClassifyRun, made_from: dict | None = None
) -> dict:
    """Label a corpus folder into `out_dir` a thread shard, then a participant shard, at a
    time (memory grows with the shard size, not with the corpus: post texts wait for the
    roles in a spill); the provenance."""
    corpus_dir, segments_dir = Path(corpus_dir), Path(segments_dir)
    threads = {t.id: t for t in iter_records(stage_file(corpus_dir, "threads"), Thread)}
    participants_file = stage_file(corpus_dir, "participants")
    storage = storage_of(corpus_dir)
    post_texts = PostTexts()

    def posts() -> Iterator[Post]:
        for post in iter_records(stage_file(corpus_dir, "posts"), Post):
            post_texts.add(post)
            yield post

    units_file = stage_file(segments_dir, "units")
    units = iter_records(units_file, Unit)
    with atomic_dir(Path(out_dir)) as tmp:
        sinks = {name: open_sink(tmp, name, model, storage) for name, model in PREDICTION_TABLES.items()}
        try:
            provenance = classify_stream(
                thread_items(posts(), units, units_file),
                threads,
                iter_records(participants_file, Participant),
                post_texts,
                sinks,
                run,
                count_records(participants_file),
            )
        finally:
            post_texts.close()
            for sink in sinks.values():
                sink.close()
        write_json(tmp / "provenance.json", provenance)
        write_manifest(tmp, made_from)
    return provenance


def write_predictions(pred: Predictions, out_dir: Path, made_from: dict | None = None, storage: str = "jsonl") -> None:
    with atomic_dir(Path(out_dir)) as tmp:
        write_manifest(tmp, made_from)
        for name, model in PREDICTION_TABLES.items():
            write_records(tmp, name, model, getattr(pred, name), storage)
        write_json(tmp / "provenance.json", pred.provenance)


def read_predictions(out_dir: Path) -> Predictions:
    """The files `write_predictions` wrote, back as `Predictions`."""
    out_dir = Path(out_dir)
    provenance = out_dir / "provenance.json"
    key_points = stage_file(out_dir, "key_points")
    return Predictions(
        posts=read_records(stage_file(out_dir, "posts"), PostLabels),
        units=read_records(stage_file(out_dir, "units"), UnitLabels),
        participants=read_records(stage_file(out_dir, "participants"), ParticipantLabels),
        relations=read_records(stage_file(out_dir, "relations"), Relation),
        provenance=read_json(provenance) if provenance.exists() else {},
        key_points=read_records(key_points, KeyPoint) if key_points.exists() else [],
    )


def read_units(segments_dir: Path) -> list[Unit]:
    return read_records(stage_file(Path(segments_dir), "units"), Unit)
