"""Commands beyond the four stages (train, evaluate, review, ...); filled in below."""

from __future__ import annotations


def add_commands(sub) -> None:
    return None
