"""Literal words that every match of a regular expression must contain.

The role cues are long alternations of Danish, Swedish and Norwegian job titles, many
behind a leading `\\w*` ("\\w*konsulent", "\\w*handläggare"), which makes Python's engine try
every word start of every post (and the forum quotation headers of `core.quotes` every
character). Python's `re` does no literal prefiltering of its own (the
`regex` package neither), so the rules are screened here: a text that contains none of a
rule's required literals (a plain, C-speed substring test on the lower-cased text) cannot
match it, and its regular expressions are not run. The literals are read from the pattern's
parse tree, so the screen cannot drift from the rule: it only ever skips texts that the
pattern would not match.

Which literal a sequence is screened by is free (each one is required); a function word
("det ", "har ", "ikke ") is in nearly every post and would screen nothing, so the caller
may name such `common` words, and a literal of the pattern's own words is preferred.
"""

from __future__ import annotations

import re

# The parser is private since Python 3.11 (the project pins 3.11, so the tree's shape is
# fixed); the public `sre_parse` alias only warns that it is deprecated.
from re import _constants as sre_c
from re import _parser as sre_parse
from typing import Any

Needles = tuple[str, ...] | None
"""Lower-cased literals, one of which every match contains; None: no such set is known."""


def required_literals(pattern: str, flags: int = re.IGNORECASE, common: frozenset[str] = frozenset()) -> Needles:
    """Literals (lower-cased) of which every match of `pattern` contains at least one, or
    None where the pattern allows a match without any (an optional part, a character class
    alone). Only for case-insensitive patterns: the test is made on lower-cased text.
    `common`: lower-cased words to screen by only where the pattern requires nothing else."""
    if not flags & re.IGNORECASE:
        raise ValueError("required_literals reads case-insensitive patterns only")
    return _Reader(common).sequence(sre_parse.parse(pattern, flags))


def lowered(text: str) -> str:
    """`text` as the screen reads it: lower-cased, and the long s as "s". Python's
    case-insensitive matching takes "ſ" for "s" (and the Kelvin sign for "k", which
    `lower()` already maps), so a pattern's "s" matches it while `"ſ".lower()` stays "ſ"."""
    low = text.lower()
    return low.replace("ſ", "s") if "ſ" in low else low


def contains_any(lowered: str, needles: Needles) -> bool:
    """Whether a text, as `lowered` gives it, holds one of `needles` (None: cannot tell,
    so True)."""
    return needles is None or any(n in lowered for n in needles)


class _Reader:
    def __init__(self, common: frozenset[str]) -> None:
        self.common = common

    def _rank(self, needles: tuple[str, ...]) -> tuple[bool, int, int]:
        weak = any(not n.strip() or n.strip() in self.common for n in needles)
        return (not weak, min(map(len, needles)), -len(needles))

    def better(self, a: Needles, b: Needles) -> Needles:
        """The more selective of two requirements: none of them a common word, then the
        longer shortest literal, then fewer literals."""
        if a is None or b is None:
            return a if b is None else b
        return max((a, b), key=self._rank)

    def sequence(self, items: Any) -> Needles:
        # A sequence must match item by item, so any one item's requirement holds for all
        # of it; adjacent literal characters make one longer literal.
        best: Needles = None
        run: list[str] = []
        for op, av in list(items) + [(None, None)]:
            if op is sre_c.LITERAL:
                run.append(chr(av).lower())
                continue
            if run:
                best = self.better(best, ("".join(run),))
                run = []
            if op is None:
                break
            best = self.better(best, self.item(op, av))
        return best

    def item(self, op: Any, av: Any) -> Needles:
        if op is sre_c.SUBPATTERN:
            return self.sequence(av[-1])
        if op is sre_c.BRANCH:
            out: list[str] = []
            for branch in av[1]:
                need = self.sequence(branch)
                if need is None:
                    return None
                out.extend(need)
            return tuple(dict.fromkeys(out))
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
            return self.sequence(av[2])
        if op is sre_c.IN and len(av) == 1 and av[0][0] is sre_c.LITERAL:
            return (chr(av[0][1]).lower(),)
        # Anchors, lookarounds, character classes, optional parts: no requirement.
        return None
