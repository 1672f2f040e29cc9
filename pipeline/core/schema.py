"""The one data model shared by all stages.

Every artifact is JSONL of one of these records, keyed by a stable id (never a uuid or
`hash()`): documents and comments keep their ids across runs, sentences and units are
named by their character offsets (`<post id>#u<start>-<end>`), so gold labels keep
pointing at the same text when segmentation rules change. `docs/schema.md` documents
every field; `tests/test_schema.py` checks that the two agree.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.core.bots import is_bot, is_bot_participant

SCHEMA_VERSION = 1

PostKind = Literal["document", "comment"]
ThreadKind = Literal["thread", "article"]
LangSource = Literal["detected", "thread", "given"]
Field_ = Literal["title", "text"]


MAX_ID_CHARS = 200
# The thread id a `ThreadRow` read without one carries until ingest finds its thread (the
# one its reply chain starts): a character of Unicode's private use area (ids refuse
# control characters, and no tool writes this one at the start of an id), then its own id.
PENDING_THREAD = "\ue000"
# Unicode's control characters (category Cc) are exactly these two ranges.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def check_id(value: str | None) -> str | None:
    """An id as input gives it, refused when it could not be shown or stored safely:
    control characters (NUL, line breaks, tabs) or more than MAX_ID_CHARS characters.
    Ids never become file names as they are (see `artifacts.safe_filename`)."""
    if value is None:
        return None
    if len(value) <= MAX_ID_CHARS and not _CONTROL.search(value):
        return value  # the common case, without a Python step per character
    bad = sorted({f"U+{ord(c):04X}" for c in value if unicodedata.category(c) == "Cc"})
    if bad:
        raise ValueError(f"contains control characters ({', '.join(bad)})")
    if len(value) > MAX_ID_CHARS:
        raise ValueError(f"is {len(value)} characters long; ids may have at most {MAX_ID_CHARS}")
    return value


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Record(Frozen):
    schema_version: int = SCHEMA_VERSION


# --- corpus (ingest) -------------------------------------------------------------------


class Author(Frozen):
    """An author as written, and any signature or self-description ("Socialrådgiver og FTR")."""

    name: str | None
    description: str | None = None


class Evidence(Frozen):
    """One cue for who a comment replies to, and whether it decided the parent."""

    rule: str
    cue: str
    target_id: str | None
    score: float = Field(ge=0.0, le=1.0)
    decided: bool


class Span(Frozen):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class GoldLabels(Frozen):
    """Gold labels that arrive with researchers' own thread files (all optional)."""

    target_stance: str | None = None
    reply_stance: str | None = None
    role: str | None = None


class Post(Record):
    """A document (article, op-ed, thread root) or a comment, with its reply link."""

    id: str
    thread_id: str
    kind: PostKind
    position: int = Field(ge=0, description="0 for the root; comments oldest first from 1")
    parent_id: str | None
    parent_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    parent_evidence: tuple[Evidence, ...] = ()
    authors: tuple[Author, ...] = ()
    author_evidence: str | None = None
    created: str | None = None
    title: str = ""
    text: str = ""
    lang: str
    lang_confidence: float = Field(ge=0.0, le=1.0)
    lang_source: LangSource
    keywords: tuple[str, ...] = ()
    signature: Span | None = None
    source: str
    gold: GoldLabels | None = None

    @property
    def author(self) -> str | None:
        names = [a.name for a in self.authors if a.name]
        return " & ".join(names) if names else None

    @property
    def author_description(self) -> str | None:
        descs = [a.description for a in self.authors if a.description]
        return "; ".join(descs) if descs else None

    @property
    def full_text(self) -> str:
        """Headline and body, as a reader sees them; models read this."""
        return f"{self.title}\n{self.text}".strip() if self.title else self.text

    @property
    def has_text(self) -> bool:
        """Whether the post says anything: not when deleted or only a deletion mark (ingest
        reads those as empty)."""
        return bool(self.full_text.strip())

    @property
    def by_bot(self) -> bool:
        """Whether an automated account wrote the post (`pipeline/core/bots.toml`)."""
        return bool(self.authors) and all(is_bot(a.name) for a in self.authors)

    @property
    def parent_rule(self) -> str | None:
        """The rule whose evidence decided the parent ("given", "address", "default", ...);
        None where no evidence decided it (a root)."""
        return next((e.rule for e in self.parent_evidence if e.decided), None)

    @property
    def has_voice(self) -> bool:
        """Whether a person says something in the post: it has text and no bot wrote it.
        A comment without a voice gets default labels and is not offered for review."""
        return self.has_text and not self.by_bot


class Thread(Record):
    id: str
    kind: ThreadKind
    title: str
    target: str = Field(description="the statement target stance is measured against")
    target_source: str
    root_id: str | None
    site: str | None = None
    publisher: str | None = None
    topic: str | None = None
    lang: str
    created: str | None = None
    source: str
    n_comments: int = Field(ge=0)


class Participant(Record):
    id: str
    name: str
    descriptions: tuple[str, ...] = ()
    post_ids: tuple[str, ...]
    thread_ids: tuple[str, ...]
    deleted: bool = False

    @property
    def bot(self) -> bool:
        """An automated account (`pipeline/core/bots.toml`): no respondent role."""
        return is_bot_participant(self.name, self.deleted)


class Note(Frozen):
    """Something the pipeline repaired, removed or could not decide, and where."""

    where: str
    kind: str
    message: str


# --- segmentation ----------------------------------------------------------------------


class Sentence(Record):
    """A sentence of a post's `field` ("title" or "text"): field_text[start:end] == text."""

    id: str
    post_id: str
    thread_id: str
    field: Field_
    index: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Prediction(Frozen):
    """A label with its confidence and what produced it.

    `source` is "model" or "rule"; the model's and the rule's own answers are kept beside
    the decision so a rule never silently overrides a model (or the reverse). "abstain"
    means the evidence was too thin to answer: the label is the task's "don't know"
    (role `unknown`) and the model's guess, if any, is kept beside it.
    """

    label: str
    confidence: float = Field(ge=0.0, le=1.0)
    source: Literal["model", "rule", "gold", "default", "abstain"]
    model: str | None = None
    model_label: str | None = None
    model_confidence: float | None = None
    scores: dict[str, float] = {}
    rule: str | None = None
    rule_label: str | None = None
    cue: str | None = None

    @property
    def margin(self) -> float:
        """Gap between the two most probable labels (1.0 when only one is scored)."""
        top = sorted(self.scores.values(), reverse=True)
        if len(top) < 2:
            return 1.0
        return top[0] - top[1]


class Unit(Record):
    """An argumentative unit: a span of a post's title or text with its type."""

    id: str
    post_id: str
    thread_id: str
    field: Field_
    index: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    sentence_ids: tuple[str, ...]
    unit_type: Prediction


# --- classification --------------------------------------------------------------------


class PostLabels(Record):
    post_id: str
    thread_id: str
    target_stance: Prediction
    reply_stance: Prediction | None = Field(description="None for roots")


class UnitLabels(Record):
    unit_id: str
    post_id: str
    target_stance: Prediction


class ParticipantLabels(Record):
    participant_id: str
    role: Prediction


class Relation(Record):
    """A support/attack edge between two argumentative units."""

    id: str
    source_id: str
    target_id: str
    kind: Literal["support", "attack"]
    confidence: float = Field(ge=0.0, le=1.0)
    origin: str = Field(description="what decided it, e.g. 'rule:premise-attachment', 'reply_stance:model'")
    evidence: str


class KeyPoint(Record):
    """Claims of one thread that say the same thing (near-duplicates and paraphrases),
    grouped by encoder similarity, with who makes them and from which side."""

    id: str
    thread_id: str
    text: str = Field(description="the representative claim: the member closest to all others")
    unit_ids: tuple[str, ...]
    comment_ids: tuple[str, ...]
    participant_ids: tuple[str, ...]
    n_comments: int = Field(ge=1)
    n_participants: int = Field(ge=0)
    stance: dict[str, int] = Field(description="comments by target stance (favor, against, neutral)")
    side: Literal["favor", "against", "contested", "neutral"]
    cohesion: float = Field(ge=-1.0, le=1.0, description="mean pairwise cosine similarity of the members")


# --- annotations -----------------------------------------------------------------------

AnnotationTask = Literal["unit_type", "target_stance", "reply_stance", "role", "parent"]


class Annotation(Record):
    """One gold label event. Gold is append-only: a later event supersedes, never edits."""

    id: str
    task: AnnotationTask
    item_id: str
    label: str
    annotator: str
    timestamp: str
    batch_id: str
    origin: Literal["seed-gold", "review", "adjudication", "import"]
    note: str | None = None
    text_sha256: str | None = None
    post_id: str | None = None
    field: Field_ | None = None
    start: int | None = None
    end: int | None = None

    @field_validator("annotator", "label", "item_id")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v


# --- review batches ---------------------------------------------------------------------


class ReviewItem(Frozen):
    """One item of a review batch (data/review/<batch>/items.jsonl): what the annotator sees."""

    batch_id: str
    position: int
    task: str
    item_id: str
    text: str
    context: str
    author: str
    self_description: str
    predicted_label: str
    confidence: float
    margin: float
    decided_by: str
    allowed_labels: list[str]
    text_sha256: str
    post_id: str | None = None
    field: str | None = None
    start: int | None = None
    end: int | None = None


# --- researchers' own thread files -----------------------------------------------------


class ThreadRow(BaseModel):
    """One post in the generic thread format (JSONL or CSV): see docs/input-formats.md."""

    model_config = ConfigDict(
        extra="forbid",
        title="Thread post",
        json_schema_extra={
            "description": "One post (document or comment) of a debate thread, one per JSONL "
            "line or CSV row. A root has an empty parent_id."
        },
    )

    id: str = Field(
        min_length=1,
        description="unique id of the post across all input files (or within its thread, read with --ids-per-thread)",
    )
    thread_id: str = Field(min_length=1, description="id shared by all posts of a thread")
    parent_id: str | None = Field(
        default=None, description="id of the post this one replies to; empty or null for a root"
    )
    author: str | None = Field(default=None, description="author as written; empty, [deleted] or [slettet] if unknown")
    author_description: str | None = Field(
        default=None,
        description="the author's self-description, signature or flair (e.g. 'Socialrådgiver og FTR'); "
        "respondent roles are read from it",
    )
    created: str | None = Field(
        default=None,
        description="ISO 8601 date or date-time; also read: Unix epoch seconds or milliseconds (UTC), "
        "day-first 04-12-2024 or 04.12.2024, or a Danish, Swedish or Norwegian month name",
    )
    title: str | None = Field(
        default="", description="headline; may be the only content of a link post; null or absent means none"
    )
    text: str | None = Field(default="", description="body text; null or absent means none")
    lang: str | None = Field(default=None, description="ISO 639-1 code; detected when absent")
    topic: str | None = Field(
        default=None, description="optional topic of the thread; cross-validation can group folds by it"
    )
    target: str | None = Field(
        default=None,
        description="optional: the statement the thread debates, toward which target stance is measured (any row of "
        "the thread may give it); default: the opening post's headline or lead sentence",
    )
    target_stance: str | None = Field(default=None, description="optional gold target stance")
    reply_stance: str | None = Field(default=None, description="optional gold reply stance")
    role: str | None = Field(default=None, description="optional gold respondent role")

    @field_validator("id", "thread_id", "parent_id")
    @classmethod
    def _plain_id(cls, v: str | None) -> str | None:
        return check_id(v)

    @field_validator("title", "text")
    @classmethod
    def _null_is_empty(cls, v: str | None) -> str:
        # JSON null for a missing headline or body is common in exports: read it as empty.
        return "" if v is None else v
