"""Claims and premises: their stance toward the thread's target, and which claims a
researcher could quote (a comment's main claim, the key points)."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.classify.modelset import Models, model_name, predict
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus
from pipeline.core.schema import Unit, UnitLabels
from pipeline.models.cues import WORD_RE, load_cues, reply_rule, stopwords, without_leading_mentions
from pipeline.models.examples import Example
from pipeline.models.labeling import combine
from pipeline.models.store import PREDICT_BATCH


def classify_units(units: list[Unit], corpus: Corpus, models: Models, cfg: Config) -> list[UnitLabels]:
    return [labels for batch in unit_label_batches(units, corpus, models, cfg) for labels in batch]


def unit_label_batches(units: list[Unit], corpus: Corpus, models: Models, cfg: Config) -> Iterator[list[UnitLabels]]:
    """The target stance of claims and premises, `PREDICT_BATCH` at a time (the model
    predicts that many at a time anyway, so the labels are the same): one thread of 50,000
    posts has 130,000 claims and premises, whose examples and probabilities had been held
    all at once; a caller that writes each batch holds no more than one."""
    threads = {t.id: t for t in corpus.threads}
    argumentative = [u for u in units if u.unit_type.label in ("claim", "premise")]
    for start in range(0, len(argumentative), PREDICT_BATCH):
        batch = argumentative[start : start + PREDICT_BATCH]
        examples = [Example(id=u.id, group=u.thread_id, text=u.text, pair=threads[u.thread_id].target) for u in batch]
        yield [
            UnitLabels(
                unit_id=u.id,
                post_id=u.post_id,
                target_stance=combine(
                    "target_stance", p, model_name(models.target_stance), None, cfg, default_label="neutral"
                ),
            )
            for u, p in zip(batch, predict(models.target_stance, examples), strict=True)
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
    fuldstændigt enig med dig.", "Det er jo ikke rigtigt.", "Det er en super fin og
    tankevækkende artikel.": cues.toml [quotable]) that says nothing about the matter. A
    short denial of something stays: "Nej vi har ikke spillet fallit" is a position. The
    handles a reply opens with ("@mette Enig.") are not its words."""
    text = without_leading_mentions(unit.text.strip())
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
