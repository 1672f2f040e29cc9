"""Which items a model labels were in its own training data (by text hash), and how the
final labels agree with gold labels that a corpus carries itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from pipeline.models.examples import Example, example_hash
from pipeline.models.store import LoadedModel

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
