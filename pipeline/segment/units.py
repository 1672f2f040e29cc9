"""Stage 2, segment: every title and text into sentences and typed argumentative units.

Input:  data/interim/corpus/posts.jsonl, the unit_type model (models/unit_type/)
Output: data/interim/segments/sentences.jsonl and units.jsonl

Units are sentences, split once more before a reason or result clause ("..., fordi ...",
"..., derfor ...") when both sides are long enough, so a claim and its premise in one
sentence become two units. Every span satisfies `field_text[start:end] == text`.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache, partial
from pathlib import Path

from pipeline.core.artifacts import atomic_dir
from pipeline.core.config import Config
from pipeline.core.lineage import manifest, write_manifest
from pipeline.core.quotes import QUOTE_HEADER_LINE_RE
from pipeline.core.schema import Post, Sentence, Unit
from pipeline.core.stream import Dumped, by_thread, shards
from pipeline.core.tables import iter_records, open_sink, stage_file, storage_of
from pipeline.executors.local import map_shards, ordered_map, shard_size, shards_by_key
from pipeline.models.cues import QUOTE_RULE, RuleHit, unit_rule, unit_split_points
from pipeline.models.examples import UnitSpan, field_text, unit_examples
from pipeline.models.labeling import combine
from pipeline.models.store import LoadedModel
from pipeline.segment.ids import FIELDS, sentence_id, unit_id
from pipeline.segment.sentences import split_sentences

log = logging.getLogger(__name__)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def segment_post(post: Post) -> tuple[list[Sentence], list[UnitSpan], dict[str, str]]:
    """Sentences and unit spans of one post (title first, then text), and each unit's sentence."""
    sentences: list[Sentence] = []
    units: list[UnitSpan] = []
    sentence_of: dict[str, str] = {}
    for field in FIELDS:
        text = field_text(post, field)
        for s, e in split_sentences(text, post.lang):
            sentences.append(
                Sentence(
                    id=sentence_id(post.id, field, s, e),
                    post_id=post.id,
                    thread_id=post.thread_id,
                    field=field,
                    index=len(sentences),
                    start=s,
                    end=e,
                    text=text[s:e],
                )
            )
            bounds = [s] + [s + p for p in unit_split_points(text[s:e])] + [e]
            for a, b in zip(bounds, bounds[1:], strict=False):
                a, b = _strip(text, a, b)
                if a < b:
                    units.append(UnitSpan(unit_id(post.id, field, a, b), post.id, field, a, b))
                    sentence_of[units[-1].id] = sentences[-1].id
    return sentences, units, sentence_of


# Reddit and most forums mark a quotation of another post with Markdown's ">" at the start
# of a line, and the quotation runs on to the next blank line (Markdown's lazy
# continuation: in DAST, 4 of the 6 lines that follow a ">" line without one of their own
# go on quoting). A forum export's quotation block opens with its header line ("Citat:",
# "Ursprungligen postat av Kalle", "Kalle skrev:") and also runs to the next blank line.
# No library marks this in plain text, and a full Markdown parser would lose the character
# offsets. (What the stance models read, `examples.own_words`, drops
# only the ">" lines themselves: their training texts were built that way.)
QUOTE_START = re.compile(r" {0,3}>")
# A forum quotation header names its author in at most this many words ("Mia83", "Anna
# Karin Ek"); more on the header's line is the quoted text run on after the name.
RUN_ON_NAME_WORDS = 3


# Cached: every unit of a field asks about the same text.
@lru_cache(maxsize=256)
def quoted_line_starts(text: str) -> dict[int, str]:
    """Offsets of the lines of `text` that are inside a quotation, each with its cue: ">" in
    a Markdown quotation, "quotation block" after a forum's quotation header (the header
    line itself says whose words follow, and its own rules type it)."""
    starts: dict[int, str] = {}
    offset, quoting = 0, None
    for line in text.split("\n"):
        if not line.strip():
            quoting = None
        elif QUOTE_START.match(line):
            quoting = ">"
        elif m := QUOTE_HEADER_LINE_RE.match(line):
            # An export that ran the quoted text on after the header ("Kalle skrev: Jag
            # jobbar ...", "Citat: Ursprungligen postat av Mia83 Jag jobbar ...") quotes
            # from this line on: where the quotation ends on it cannot be told.
            after = len(line[m.end() :].split())
            quoting = "quotation block" if after > (0 if m.group("writer") else RUN_ON_NAME_WORDS) else "header"
        elif quoting == "header":
            quoting = "quotation block"
        if quoting in (">", "quotation block"):
            starts[offset] = quoting
        offset += len(line) + 1
    return starts


# A bot's boilerplate argues nothing, whatever its wording.
BOT_UNIT = RuleHit("none", "unit:bot-account", "written by an automated account", precision=1.0)


def quote_rule(text: str, start: int, cfg: Config) -> RuleHit | None:
    """The quotation rule for a unit starting at `start` of its field `text` (units never
    cross a line: sentences end at line breaks)."""
    # Each field's lines are read once (cached), not once per unit: a post of 9,000 units
    # would otherwise be read 9,000 times.
    starts = quoted_line_starts(text)
    if not starts:
        return None
    line_start = text.rfind("\n", 0, start) + 1
    cue = starts.get(line_start)
    if cue is None:
        return None
    return RuleHit("none", QUOTE_RULE, cue, precision=cfg.classify.quote_precision)


def type_units(
    spans: list[UnitSpan], posts: dict[str, Post], sentence_of: dict[str, str], model: LoadedModel | None, cfg: Config
) -> list[Unit]:
    """Give every unit span its type, from the model and the cue rules."""
    examples = unit_examples(spans, posts)
    predictions = model.predict(examples) if model else [None] * len(examples)
    units: list[Unit] = []
    index: dict[str, int] = {}
    for span, ex, pred in zip(spans, examples, predictions, strict=True):
        post = posts[span.post_id]
        i = index.get(post.id, 0)
        index[post.id] = i + 1
        hit = (
            BOT_UNIT
            if post.by_bot
            else quote_rule(field_text(post, span.field), span.start, cfg) or unit_rule(ex.text, span.field)
        )
        label = combine("unit_type", pred, model.name if model else None, hit, cfg, default_label="none")
        units.append(
            Unit(
                id=span.id,
                post_id=post.id,
                thread_id=post.thread_id,
                field=span.field,
                index=i,
                start=span.start,
                end=span.end,
                text=ex.text,
                sentence_ids=(sentence_of[span.id],),
                unit_type=label,
            )
        )
    return units


def _segment_shard(
    posts: list[Post], model: LoadedModel | None, cfg: Config, dumped: bool = False
) -> tuple[list[Sentence], list[Unit]] | tuple[Dumped, Dumped]:
    """Sentences and typed units of `posts`; `dumped`: as JSON lines, which the writing
    process only writes (strings pickle for a twentieth of the records' cost; at 100,000
    posts that is 595,000 records)."""
    by_id = {p.id: p for p in posts}
    sentences: list[Sentence] = []
    spans: list[UnitSpan] = []
    sentence_of: dict[str, str] = {}
    for post in posts:
        s, u, of = segment_post(post)
        sentences.extend(s)
        spans.extend(u)
        sentence_of.update(of)
    units = type_units(spans, by_id, sentence_of, model, cfg)
    if dumped:
        return Dumped.of(sentences), Dumped.of(units)
    return sentences, units


def segment_posts(
    posts: list[Post], model: LoadedModel | None, cfg: Config, workers: int = 1
) -> tuple[list[Sentence], list[Unit]]:
    """Sentences and typed units of every post, in post order, on `workers` processes
    (the result does not depend on their number)."""
    shards = shards_by_key(posts, lambda p: p.thread_id, shard_size(len(posts), workers, cfg.scale.shard_posts))
    sentences: list[Sentence] = []
    units: list[Unit] = []
    for s, u in map_shards(partial(_segment_shard, model=model, cfg=cfg), shards, workers, "segment"):
        sentences.extend(s)
        units.extend(u)
    return sentences, units


def run(corpus_dir: Path, out_dir: Path, model: LoadedModel | None, cfg: Config, workers: int = 1) -> tuple[int, int]:
    """Segment the corpus folder into `out_dir`, streaming thread shards through `workers`
    processes; (sentences, units) written."""
    made_from = manifest("segment", corpus=corpus_dir)
    if model is not None and model.backend != "sklearn":
        workers = 1  # torch's thread pools do not survive a fork; torch uses the cores itself
    posts_file = stage_file(corpus_dir, "posts")
    storage = storage_of(corpus_dir)
    threads = by_thread(iter_records(posts_file, Post), posts_file)
    # A post is segmented and typed on its own, so shards may cut a thread: one huge thread
    # (a megathread of 20,000 comments) then costs no more memory than any other.
    posts = (p for thread in threads for p in thread)
    work = shards(posts, cfg.scale.shard_posts, size_of=lambda _: 1)
    fn = partial(_segment_shard, model=model, cfg=cfg, dumped=storage == "jsonl")
    with atomic_dir(Path(out_dir)) as tmp:
        with (
            open_sink(tmp, "sentences", Sentence, storage) as sentences,
            open_sink(tmp, "units", Unit, storage) as units,
        ):
            for _, (s, u) in ordered_map(fn, work, workers, "segment"):
                sentences.write(s)
                units.write(u)
        write_manifest(tmp, made_from)
    return sentences.count, units.count
