"""Errors that reach the researcher: each names the file (and line) at fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by line (1-based) or by an item id."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PipelineError(Exception):
    """Base class: the CLI turns these into a message and exit status 2."""


@dataclass
class InputError(PipelineError):
    """Bad input: the file, the line (0 when the whole file is at fault) and what is wrong.

    `problems` lists every further bad row when a file is validated as a whole, so an
    annotator can fix all of them in one pass instead of one per run.
    """

    path: Path | str
    line: int
    message: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __reduce__(self):
        # Raised in a worker process, it crosses back pickled: rebuilt from its fields
        # (Exception's default would call __init__ with the message alone).
        return (type(self), (self.path, self.line, self.message, self.problems))

    def __str__(self) -> str:
        head = f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)


class Refusals:
    """Bad rows collected while a file is read on, so that one run names every one (the
    first as the error's file and line, `LISTED` in all, then how many there were) instead
    of one per run: a researcher fixing an export's date column or label spellings sees them
    all at once."""

    LISTED = 20

    def __init__(self) -> None:
        self.first: InputError | None = None
        self.problems: list[Problem] = []
        self.count = 0

    def add(self, exc: InputError) -> None:
        self.count += 1
        if self.first is None:
            self.first = exc
        elif len(self.problems) < self.LISTED - 1:
            where = f"{exc.path}:{exc.line}" if exc.line else str(exc.path)
            self.problems.append(Problem(where, exc.message))

    def raise_any(self) -> None:
        """Raise the first refusal, with the others listed, if there was any."""
        if self.first is None:
            return
        if self.count == 1:
            raise self.first
        listed = len(self.problems) + 1
        more = f" ({self.count - listed} more not listed)" if self.count > listed else ""
        total = Problem("in all", f"{self.count} rows refused{more}; nothing was written")
        raise InputError(self.first.path, self.first.line, self.first.message, [*self.problems, total])


class ModelError(PipelineError):
    """A model folder that is missing, unreadable, or does not fit the data."""


def validation_message(exc: ValidationError) -> str:
    """pydantic's errors as one readable line: `field: problem; field: problem`."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)
