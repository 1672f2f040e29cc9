"""The tunables from `pipeline/core/config.toml`, read once into frozen models (and the
project paths, from `pipeline.core.paths`)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.core.errors import InputError, validation_message
from pipeline.core.paths import (  # noqa: F401 - re-exported: stages read paths from config
    ANNOTATIONS_DIR,
    DAST_DEFAULT,
    DATA_DIR,
    E5_DIR,
    INTERIM_DIR,
    MODELS_DIR,
    PROCESSED_DIR,
    PROJ_ROOT,
    REPORTS_DIR,
    SEEDS_DIR,
)

DEFAULT_CONFIG = Path(__file__).resolve().parent / "config.toml"

TASKS = ("unit_type", "target_stance", "reply_stance", "role")
# Here rather than in review.py: the command-line parser needs them, and must not import
# the review stage (and with it spaCy) just to print --help.
REVIEW_TASKS = TASKS
REVIEW_STRATEGIES = ("margin", "least-confident", "random")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LanguageConfig(_Frozen):
    candidates: tuple[str, ...]
    min_confidence: float
    min_chars: int


class ReplyConfig(_Frozen):
    own_earlier_post: float
    quotation: float
    address: float
    quoted_author: float
    title_echo: float
    headline_word_echo: float
    author_mention: float
    # Added 2026-12-04: a config copied before then still loads, with the shipped prior.
    commenter_mention: float = 0.7
    # Added 2026-12-05, likewise.
    answered_question: float = 0.6
    article_reference: float
    # Added 2026-12-05 (a config copied before then still loads): off unless an encoder
    # folder is named (`ingest --parents-by-meaning`).
    meaning: float = 0.42
    listed_under: float = 0.6
    meaning_encoder: str = ""
    meaning_min_margin: float = 0.02
    default: float
    quotation_min_words: int
    # Added 2026-12-06 (a config copied before then still loads).
    markdown_quote_min_words: int = 3
    quotation_min_score: float
    address_min_score: float
    title_echo_min_similarity: float
    title_echo_min_margin: float
    echo_word_min_len: int
    echo_word_max_df: int
    candidate_window: int

    def prior(self, rule: str) -> float:
        """The configured confidence of a reply rule ('own-earlier-post' -> own_earlier_post)."""
        return float(getattr(self, rule.replace("-", "_")))


class ClassifyConfig(_Frozen):
    rule_precision: dict[str, float]
    quote_precision: float = 0.95
    default_target_from: str
    role_model_min_confidence: float
    role_min_words: int
    author_consistency_precision: float


class TrainConfig(_Frozen):
    folds: int
    repeats: int
    sklearn: dict[str, dict[str, float | int | bool | str]]
    choice: dict[str, str] = {}


class KeyPointsConfig(_Frozen):
    max_distance: float
    encoder: str


class GraphConfig(_Frozen):
    max_corpus_nodes: int
    colors: dict[str, tuple[int, int, int]]


class ReportConfig(_Frozen):
    max_trees: int
    max_participants: int
    max_thread_rows: int


class ScaleConfig(_Frozen):
    shard_posts: int
    storage: Literal["jsonl", "parquet"] = "jsonl"


class Config(_Frozen):
    seed: int
    languages: LanguageConfig
    labels: dict[str, tuple[str, ...]]
    # Other annotation schemes' spellings of the labels (task -> spelling -> label).
    label_synonyms: dict[str, dict[str, str]] = {}
    replies: ReplyConfig
    classify: ClassifyConfig
    key_points: KeyPointsConfig
    graph: GraphConfig
    report: ReportConfig
    scale: ScaleConfig
    train: TrainConfig

    def labels_for(self, task: str) -> tuple[str, ...]:
        if task not in self.labels:
            raise KeyError(f"no label set for task {task!r}; known: {sorted(self.labels)}")
        return self.labels[task]

    def label_spelt(self, task: str, value: str) -> str | None:
        """The label of `task` that `value` spells, case and surrounding spaces aside
        ("Support", " DENY"), as people type labels into sheets by hand, or in another
        annotation scheme's spelling (`[label_synonyms]`: SDQC's "Supporting"); None if none."""
        wanted = value.strip().lower()
        found = next((label for label in self.labels_for(task) if label.lower() == wanted), None)
        if found is None:
            # A synonym of a label the researcher's label set dropped names nothing.
            synonyms = {k.lower(): v for k, v in self.label_synonyms.get(task, {}).items()}
            found = synonyms.get(wanted) if synonyms.get(wanted) in self.labels_for(task) else None
        return found


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, 0, "config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, getattr(exc, "lineno", 0) or 0, f"not valid TOML: {exc}") from None


def _overlay(base: dict, over: dict) -> dict:
    """`over` on top of `base`: tables merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = value
    return merged


def _line_of(path: Path, loc: tuple) -> int:
    """The line of a user's config where the first offending key is set, else 0 (why: the
    error should point at the line to fix, and tomllib keeps no positions)."""
    keys = [str(part) for part in loc if isinstance(part, str)]
    if not keys:
        return 0
    table, key = ".".join(keys[:-1]), keys[-1]
    in_table = not table
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            name = stripped.strip("[] ")
            if name == ".".join(keys):  # a misspelt table: "[grpah]"
                return number
            in_table = name == table
        elif in_table and stripped.split("=", 1)[0].strip().strip('"') == key:
            return number
    return 0


@lru_cache(maxsize=8)
def load_config(path: Path | None = None) -> Config:
    """The package's config.toml, with the TOML at `path` (if any) laid over it: a
    researcher's file holds only what it changes (`[graph]` `max_corpus_nodes = 500000`);
    tables merge key by key, a list (a label set, a lexicon) replaces the default's."""
    raw = _read_toml(DEFAULT_CONFIG)
    source = DEFAULT_CONFIG
    if path is not None:
        source = Path(path)
        raw = _overlay(raw, _read_toml(source))
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]["loc"] if exc.errors() else ()
        raise InputError(source, _line_of(source, first), validation_message(exc)) from None
    missing = [t for t in TASKS if t not in cfg.labels]
    if missing:
        raise InputError(source, 0, f"[labels] lacks label sets for {missing}")
    return cfg
