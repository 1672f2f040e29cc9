"""Sentence and unit ids: `<post_id>#s.<field>.<start>-<end>` and `<post_id>#u.<field>.<start>-<end>`.

Apart from the segmenter so that the stages reading units (classify's records, graph,
report, review) do not import spaCy to parse an id.
"""

from __future__ import annotations

FIELDS = ("title", "text")


def sentence_id(post_id: str, field: str, start: int, end: int) -> str:
    return f"{post_id}#s.{field}.{start}-{end}"


def unit_id(post_id: str, field: str, start: int, end: int) -> str:
    return f"{post_id}#u.{field}.{start}-{end}"


def parse_unit_id(uid: str) -> tuple[str, str, int, int]:
    """(post_id, field, start, end) from a unit id; ValueError if it is not one."""
    post_id, _, rest = uid.rpartition("#u.")
    field, _, span = rest.partition(".")
    start, _, end = span.partition("-")
    if not post_id or field not in FIELDS or not start.isdigit() or not end.isdigit():
        raise ValueError(f"not a unit id: {uid!r}")
    return post_id, field, int(start), int(end)
