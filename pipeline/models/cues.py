"""Cue rules from `cues.toml`: what fired, with the exact cue text.

A cue rule never decides alone: callers record its answer beside the model's (see
`labeling.combine`). Functions here are pure and cheap; the TOML is read once.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.core.needles import contains_any, lowered, required_literals

CUES_FILE = Path(__file__).resolve().parent / "cues.toml"
# A word: letters only (no digits or underscores), in any script.
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
# A reply on Mastodon, Bluesky, X or YouTube opens with the handles it answers ("@mette
# @ole@mastodon.social Nej, ..."): the rules that read how a text starts ("Nej ...", a
# bare verdict) read it after them.
LEADING_MENTIONS_RE = re.compile(r"^\s*(?:[@\uff20][\w.\-]+(?:@[\w\-]+(?:\.[\w\-]+)+)?[\s,:;]*)+")


def without_leading_mentions(text: str) -> str:
    """`text` without the @handles it opens with."""
    return LEADING_MENTIONS_RE.sub("", text, count=1)


STOPWORD_LANGS = {"da": ("da",), "sv": ("sv",), "nb": ("nb",), "nn": ("nb",)}
# The structural unit rule: a unit inside a Markdown quotation (`pipeline.segment.units`).
QUOTE_RULE = "unit:markdown-quote"


@lru_cache(maxsize=8)
def _spacy_stopwords(lang: str) -> frozenset[str]:
    # spaCy's hand-made lists, read from its data modules (plain `STOP_WORDS = set(...)`
    # files) without importing spaCy: its package set-up costs about 2 s and loads thinc,
    # which ingest and the report otherwise never need.
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        raise ImportError("spaCy is not installed (run `make setup`)")
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    module_spec = importlib.util.spec_from_file_location(f"_stopwords_{lang}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@lru_cache(maxsize=8)
def stopwords(lang: str | None = None) -> frozenset[str]:
    """Function words of a Danish, Swedish or Norwegian text (spaCy's lists); of Danish and
    Swedish when the language is another or unknown (spaCy's Norwegian list is a frequency
    list with content words in it: "kampen", "kontakt", "store")."""
    langs = STOPWORD_LANGS.get(lang or "", ("da", "sv"))
    return frozenset().union(*(_spacy_stopwords(code) for code in langs))


@dataclass(frozen=True)
class RuleHit:
    label: str
    rule: str
    cue: str
    # A rule that reads the text's structure rather than its words (a Markdown quotation)
    # carries its own precision and decides whatever the model's confidence.
    precision: float | None = None


@dataclass(frozen=True)
class _Rule:
    label: str
    name: str
    pattern: re.Pattern[str]
    zones: tuple[str, ...] = ()
    max_words: int | None = None
    fields: tuple[str, ...] = ("title", "text")
    # A cheaper pattern that matches wherever `pattern` does: a text it misses is skipped.
    gate: re.Pattern[str] | None = None
    # Lower-cased literals one of which every match of `gate` (or of `pattern`, where there
    # is no gate) contains (`pipeline.core.needles`): a text holding none of them is skipped
    # before any regular expression runs. None for case-sensitive patterns.
    needles: tuple[str, ...] | None = None
    # A rule with a precision of its own decides whatever the model's confidence.
    precision: float | None = None


@dataclass(frozen=True)
class Cues:
    unit_split: re.Pattern[str]
    unit_min_words: int
    unit_rules: tuple[_Rule, ...]
    reply_rules: tuple[_Rule, ...]
    reply_verdicts: tuple[_Rule, ...]
    reply_contrast: re.Pattern[str]
    role_rules: tuple[_Rule, ...]
    verdict_words: frozenset[str] = frozenset()
    target_positions: tuple[_Rule, ...] = ()
    target_negation: re.Pattern[str] | None = None


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    # Literals a rule is never screened by where it requires anything else: the function
    # words of every language the cues are written in.
    return stopwords(None) | stopwords("nb")


def _needles(pattern: str, flags: int) -> tuple[str, ...] | None:
    return required_literals(pattern, flags, _common_words()) if flags & re.IGNORECASE else None


def _compile(d: dict, default_name: str, screen: bool = True) -> _Rule:
    flags = 0 if d.get("case_sensitive") else re.IGNORECASE
    return _Rule(
        label=d["label"],
        name=d.get("name", default_name),
        pattern=re.compile(d["pattern"], flags),
        zones=tuple(d.get("zone", ())),
        max_words=d.get("max_words"),
        fields=tuple(d.get("fields", ("title", "text"))),
        needles=_needles(d["pattern"], flags) if screen else None,
        precision=d.get("precision"),
    )


@lru_cache(maxsize=2)
def load_cues(path: Path = CUES_FILE) -> Cues:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    units, reply, role = raw["units"], raw["reply"], raw["role"]
    return Cues(
        unit_split=re.compile(units["split_before"], re.IGNORECASE),
        unit_min_words=int(units["min_words"]),
        # Not screened by their literals: most are anchored at the unit's start and fail at
        # once, and a unit is a sentence, so lower-casing it cost more than the screen saved
        # (37,713 seed, DAST and synthetic sentences: 1.05 s screened, 0.74 s not).
        unit_rules=tuple(_compile(d, d["label"], screen=False) for d in units["rule"]),
        reply_rules=tuple(_compile(d, d["label"]) for d in reply["rule"]),
        reply_verdicts=tuple(_compile(d, d["label"], screen=False) for d in reply.get("verdict", ())),
        reply_contrast=re.compile(reply["contrast"], re.IGNORECASE),
        role_rules=tuple(_role_rules(role)),
        verdict_words=frozenset(w.lower() for w in raw.get("quotable", {}).get("verdict_words", ())),
        target_positions=tuple(
            _compile({**d, "precision": raw["target"]["position_precision"]}, d["label"])
            for d in raw.get("target", {}).get("position", ())
        ),
        target_negation=re.compile(raw["target"]["negation"], re.IGNORECASE) if "target" in raw else None,
    )


def _role_rules(role: dict) -> list[_Rule]:
    rules = []
    for d in role["rule"]:
        rule = _compile(d, d["label"])
        zones = tuple(z for z in rule.zones if z != "first_person")
        rules.append(_Rule(rule.label, rule.name, rule.pattern, zones, needles=rule.needles))
        if "first_person" in rule.zones:
            if d.get("raw"):
                rules.append(_Rule(rule.label, rule.name, rule.pattern, ("first_person",), needles=rule.needles))
                continue
            body = "|".join(f"(?:{t.replace('{cue}', '(?:' + d['pattern'] + ')')})" for t in role["templates"])
            # The templates wrap the bare cue, so a text without the cue cannot match one
            # of them: searching for the cue first skips seven template searches per text.
            # (Compiled as the templates are, whatever the rule's own case setting.)
            gate = re.compile(d["pattern"], re.IGNORECASE)
            rules.append(
                _Rule(
                    rule.label,
                    rule.name,
                    re.compile(body, re.IGNORECASE),
                    ("first_person",),
                    gate=gate,
                    needles=_needles(d["pattern"], re.IGNORECASE),
                )
            )
    return rules


def unit_split_points(sentence: str) -> list[int]:
    """Offsets inside `sentence` where a new unit starts (before a reason/result clause)."""
    cues = load_cues()
    points: list[int] = []
    last = 0
    for m in cues.unit_split.finditer(sentence):
        left, right = sentence[last : m.start()], sentence[m.end() :]
        if len(left.split()) >= cues.unit_min_words and len(right.split()) >= cues.unit_min_words:
            points.append(m.end())
            last = m.end()
    return points


def unit_rule(text: str, field: str = "text") -> RuleHit | None:
    text = text.strip()
    # A unit that is only a mention is read as it is (a fragment).
    text = without_leading_mentions(text) or text
    for rule in load_cues().unit_rules:
        if field not in rule.fields:
            continue
        m = rule.pattern.search(text)
        if m:
            return RuleHit(rule.label, f"unit:{rule.name}", m.group(0).strip() or text, rule.precision)
    return None


# Cached: classify asks twice per comment (for the model's features and for the label).
@lru_cache(maxsize=4096)
def reply_rule(text: str) -> RuleHit | None:
    """The reply-stance cue in a comment (headline and body), if one is clear."""
    cues = load_cues()
    text = without_leading_mentions(text)
    n_words = len(text.split())
    screened = lowered(text)
    for rule in cues.reply_rules:
        if rule.max_words is not None and n_words > rule.max_words:
            continue
        if not contains_any(screened, rule.needles):
            continue
        m = rule.pattern.search(text)
        if not m:
            continue
        if rule.label == "support" and cues.reply_contrast.search(text[m.end() :]):
            return None
        return RuleHit(rule.label, f"reply:{rule.name}", m.group(0).strip())
    return None


# A text's first sentence: up to its first sentence mark (a run of them) or line end.
FIRST_SENTENCE_RE = re.compile(r"[^.!?\n]*[.!?]*")
# What a news comment opens with before its point: a greeting sentence or line ("Kære Nick
# Allentoft.", "Hej Anna!"), or the name it addresses, capitalised, before a comma or colon
# ("Ole, du tager fejl.", "Ole Hansen: Det passer ikke.").
GREETING_RE = re.compile(
    r"^\W*(?:kære|kæreste|kära|hej|hejsa|hei|hallå|dear|hi)\b[^.!?\n]{0,40}[.!?:\n]+\s*", re.IGNORECASE
)
VOCATIVE_RE = re.compile(
    r"^(?!(?:Nej|Nei|Ja|Jo|Jamen|Jep|Nope|Næ|Nä|Nee|Yes|No|Okay|Ok|Okej|Enig|Uenig|Helt|Tja|Hmm)\b)"
    r"[A-ZÆØÅÄÖ][\w.\-]*(?:\s+[A-ZÆØÅÄÖ][\w.\-]*){0,2}\s*[,:]\s+"
)


def reply_verdict(own_words: str, addressed: str | None = None) -> RuleHit | None:
    """The stance a reply's first sentence states as a bare verdict ("Du tager fejl.", "Helt
    enig."), from the reply's own words (no quoted lines, no leading handles), with the
    rule's own precision: it overrules a model that disagrees. Not a model feature.
    `addressed`: the name of the author it answers, which Facebook puts first without a
    comma ("Ole Hansen du tager fejl."), the whole name or its first word."""
    cues = load_cues()
    text = own_words.strip()
    for opening in (GREETING_RE, VOCATIVE_RE):
        m = opening.match(text)
        text = text[m.end() :] if m else text
    for name in (addressed, (addressed or "").split(" ")[0]) if addressed and len(addressed) >= 3 else ():
        if len(name) >= 3 and text.lower().startswith(name.lower() + " "):
            text = text[len(name) :].lstrip()
            break
    first = FIRST_SENTENCE_RE.match(text)
    sentence = first.group(0) if first else ""
    for rule in cues.reply_verdicts:
        if rule.pattern.match(sentence):
            if rule.label == "support" and cues.reply_contrast.search(text, len(sentence)):
                return None  # "Du har ret. Men ...": agreement that goes on to differ
            return RuleHit(rule.label, f"reply:{rule.name}", sentence.strip(), rule.precision)
    return None


# Words of at least this many letters share a content word when they start alike this far
# ("autorisation" ~ "autoriseres", "socialrådgivere" ~ "socialrådgiverne").
STEM_LETTERS = 5


def _stems(text: str) -> set[str]:
    stop = stopwords()
    return {w[:STEM_LETTERS] for w in WORD_RE.findall(text.lower()) if len(w) >= STEM_LETTERS and w not in stop}


@lru_cache(maxsize=256)
def _target_stems(target: str) -> frozenset[str]:
    """The content-word stems of a target that states its claim without a negation; empty
    for any other (and for no target)."""
    negation = load_cues().target_negation
    if not target.strip() or negation is None or negation.search(target):
        return frozenset()
    return frozenset(_stems(target))


def target_position(own_words: str, target: str) -> RuleHit | None:
    """A first-person position on the thread's subject ("Jeg er imod autorisation af
    socialrådgivere"): `against` or `favor` the target where what the writer is for or
    against shares a content word with it and neither holds a negation; with the rule's
    own precision. Not a model feature."""
    target_stems = _target_stems(target)
    low = own_words.lower()
    # A text that holds none of the target's words states no position on it: most do not,
    # and a substring test is far cheaper than the patterns.
    if not target_stems or not any(stem in low for stem in target_stems):
        return None
    cues = load_cues()
    for rule in cues.target_positions:
        if not contains_any(low, rule.needles):
            continue
        for m in rule.pattern.finditer(own_words):
            obj = m.group("object")
            if cues.target_negation.search(obj) or not (_stems(obj) & target_stems):
                continue
            return RuleHit(rule.label, "target:explicit-position", m.group(0).strip(), rule.precision)
    return None


# A handle that is a web domain ("oleberg.dk" on Bluesky, where any domain one owns can be
# the handle). Organisations use their domains, but so do journalists and politicians: the
# domain names an organisation only when it does not spell the person's display name.
DOMAIN_HANDLE_RE = re.compile(r"^@?([^\W_][\w\-]*)(?:\.[\w\-]+)*\.[a-z]{2,}$", re.IGNORECASE)


def personal_domain(name: str | None, descriptions: list[str]) -> bool:
    """Whether a domain-shaped name spells a display name of two or more words ("oleberg.dk"
    of "Ole Berg", "mette-frederiksen.dk" of "Mette Frederiksen"): a person's own domain."""
    m = DOMAIN_HANDLE_RE.match(name.strip()) if name else None
    if not m:
        return False
    label = m.group(1).casefold().replace("-", "")
    for display in descriptions[:1]:
        words = [w.casefold() for w in WORD_RE.findall(display)]
        if len(words) >= 2 and sum(len(w) >= 2 and w in label for w in words) >= 2:
            return True
    return False


def role_rule(name: str | None, descriptions: list[str], first_person_texts: list[str]) -> RuleHit | None:
    """The respondent role a name, self-description or first-person statement shows (a
    person's own web domain as their name is no organisation's)."""
    cues = load_cues()
    if personal_domain(name, descriptions):
        name = None
    zones = (
        ("name", [name] if name else []),
        ("description", [d for d in descriptions if d]),
        ("user_name", [name] if name else []),
        ("first_person", [t for t in first_person_texts if t]),
    )
    screened = {zone: [lowered(t) for t in texts] for zone, texts in zones}
    for zone, texts in zones:
        for rule in cues.role_rules:
            if zone not in rule.zones:
                continue
            for i, text in enumerate(texts):
                if not contains_any(screened[zone][i], rule.needles):
                    continue
                if rule.gate is not None and not rule.gate.search(text):
                    continue
                m = rule.pattern.search(text)
                if m:
                    return RuleHit(rule.label, f"role:{zone}:{rule.name}", _context(text, m.start(), m.end()))
    return None


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    s = max(left, start - width)
    e = min(right, end + width)
    return " ".join(text[s:e].split())
