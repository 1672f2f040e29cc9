"""The tunables from `pipeline/core/config.toml`, read once into frozen models (and the
project paths, from `pipeline.core.paths`)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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
from pipeline.core.tomlfile import read_toml_text

DEFAULT_CONFIG = Path(__file__).resolve().parent / "config.toml"

TASKS = ("unit_type", "target_stance", "reply_stance", "role")
# Here rather than in review.py: the command-line parser needs them, and must not import
# the review stage (and with it spaCy) just to print --help.
REVIEW_TASKS = TASKS
REVIEW_STRATEGIES = ("margin", "least-confident", "random")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# A researcher's own config is checked where it is read, so that a confidence of 5 or a
# shard of 0 posts is an error naming the setting, not a crash (or silent nonsense) stages
# later.
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]
Percent = Annotated[float, Field(ge=0.0, le=100.0)]
Channel = Annotated[int, Field(ge=0, le=255)]


class LanguageConfig(_Frozen):
    candidates: tuple[str, ...] = Field(min_length=1)
    min_confidence: Probability
    min_chars: Count

    @field_validator("candidates")
    @classmethod
    def _known_codes(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        # The language identifier's own codes: another had stopped ingest with lingua's raw
        # "Matching enum member not found". Imported here, and in a millisecond.
        from lingua import IsoCode639_1

        unknown = [c for c in codes if not hasattr(IsoCode639_1, c.upper()) or c != c.strip().lower()]
        if unknown:
            raise ValueError(f"{unknown} are no ISO 639-1 codes the language identifier (lingua) knows")
        return codes


class ReplyConfig(_Frozen):
    own_earlier_post: Probability
    quotation: Probability
    address: Probability
    quoted_author: Probability
    title_echo: Probability
    headline_word_echo: Probability
    author_mention: Probability
    # Added 2026-12-04: a config copied before then still loads, with the shipped prior.
    commenter_mention: Probability = 0.7
    # Added 2026-12-05, likewise.
    answered_question: Probability = 0.6
    article_reference: Probability
    # Added 2026-12-05 (a config copied before then still loads): off unless an encoder
    # folder is named (`ingest --parents-by-meaning`).
    meaning: Probability = 0.42
    listed_under: Probability = 0.6
    meaning_encoder: str = ""
    meaning_min_margin: Probability = 0.02
    default: Probability
    quotation_min_words: Positive
    # Added 2026-12-06 (a config copied before then still loads).
    markdown_quote_min_words: Positive = 3
    quotation_min_score: Percent
    address_min_score: Percent
    title_echo_min_similarity: Probability
    title_echo_min_margin: Probability
    echo_word_min_len: Positive
    echo_word_max_df: Positive
    candidate_window: Positive

    def prior(self, rule: str) -> float:
        """The configured confidence of a reply rule ('own-earlier-post' -> own_earlier_post)."""
        return float(getattr(self, rule.replace("-", "_")))


class ClassifyConfig(_Frozen):
    rule_precision: dict[str, Probability]
    quote_precision: Probability = 0.95
    role_model_min_confidence: Probability
    role_min_words: Count
    author_consistency_precision: Probability


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


# What each setting of a task's scikit-learn recipe (`[train.sklearn]`, the parameters of
# `estimators.TextPairClassifier`, which tests/test_schema.py holds these to) must be, checked
# here: a misspelt name had reached the estimator as a raw TypeError at `make train`, and a
# group weight of nan trained on weights of nan.
RECIPE_SETTINGS: dict[str, tuple[Callable[[object], bool], str]] = {
    "C": (lambda v: _number(v) and 0 < v < float("inf"), "a number above 0"),
    "group_weight": (lambda v: _number(v) and 0 <= v < float("inf"), "a number of 0 or more"),
    "n_features": (lambda v: type(v) is int and v > 0, "a whole number above 0"),
    "k_best": (lambda v: type(v) is int and v > 0, "a whole number above 0"),
    "random_state": (lambda v: type(v) is int, "a whole number"),
    "class_weight": (lambda v: v == "balanced", '"balanced"'),
    "encoder": (lambda v: isinstance(v, str) and bool(v.strip()), "an encoder folder or hub id"),
    **{flag: (lambda v: isinstance(v, bool), "true or false") for flag in ("use_char", "use_pair", "use_features")},
}


class TrainConfig(_Frozen):
    folds: Annotated[int, Field(ge=2)]
    repeats: Positive
    sklearn: dict[str, dict[str, float | int | bool | str]]
    choice: dict[str, str] = {}

    @field_validator("sklearn", mode="before")
    @classmethod
    def _recipes(cls, recipes: object) -> object:
        for task, params in recipes.items() if isinstance(recipes, dict) else ():
            if task not in TASKS:
                raise ValueError(f"{task!r} is no task (known: {', '.join(TASKS)})")
            for name, value in params.items() if isinstance(params, dict) else ():
                if name not in RECIPE_SETTINGS:
                    raise ValueError(f"{task}.{name} is no setting of the recipe (known: {', '.join(RECIPE_SETTINGS)})")
                ok, what = RECIPE_SETTINGS[name]
                if not ok(value):
                    raise ValueError(f"{task}.{name} must be {what}, not {value!r}")
        return recipes


class KeyPointsConfig(_Frozen):
    max_distance: Annotated[float, Field(ge=0.0, le=2.0)]  # a cosine distance
    encoder: str


class GraphConfig(_Frozen):
    max_corpus_nodes: Count
    colors: dict[str, tuple[Channel, Channel, Channel]]


class ReportConfig(_Frozen):
    max_trees: Count
    max_participants: Count
    max_thread_rows: Count


class ScaleConfig(_Frozen):
    shard_posts: Positive
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

    @field_validator("labels")
    @classmethod
    def _label_sets(cls, labels: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for task, names in labels.items():
            if not names:
                raise ValueError(f"the label set of {task} is empty")
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ValueError(f"the label set of {task} names {twice} twice")
        return labels

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
    text = read_toml_text(path, "config file")
    try:
        return tomllib.loads(text)
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
