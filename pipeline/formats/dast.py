"""Importer for the public DAST format (Danish stance on r/Denmark threads) into thread rows.

DAST labels each reply with SDQC stance toward its parent (`sdqc_parent`, our
`reply_stance`) and toward the thread's source post (`sdqc_submission`). The source post
is the thread's target, so `sdqc_submission` also gives a target stance, mapped
Supporting -> favor, Denying -> against, Querying and Commenting -> neutral (asking for
evidence is not taking a side); "Underspecified" gives none.

As DAST's README prescribes, a reply whose parent is missing from the data becomes a
reply to its thread's source post, and the import report lists each such post.
The DAST file lives beside the project; nothing read from it is ever committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.core.artifacts import read_json_lines
from pipeline.core.errors import InputError
from pipeline.core.jsondoc import first_json_record
from pipeline.core.schema import Note, ThreadRow

ATTRIBUTION = (
    'DAST: Lillie, Middelboe and Derczynski, "Joint Rumour Stance and Veracity Prediction", NoDaLiDa 2019; '
    "r/Denmark threads, licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Used for training "
    "only; no text from it is stored in this model."
)

SDQC = {"Supporting": "support", "Denying": "deny", "Querying": "query", "Commenting": "comment"}
TARGET = {"Supporting": "favor", "Denying": "against", "Querying": "neutral", "Commenting": "neutral"}
REQUIRED = ("post_id", "thread_id", "parent_id")
LABELS = ("sdqc_parent", "sdqc_submission")
# DAST's own columns, and the generic thread format's that a researcher's file in DAST's
# layout may carry as well (its threads are then read with their authors' names, language
# and target, not as anonymous Danish ones).
DAST_COLUMNS = frozenset(
    {*REQUIRED, *LABELS, "is_source", "title", "text", "created", "user_id", "is_submitter", "topic"}
    | {"certainty", "evidentiality", "is_rumour", "truth_status"}
)
GENERIC_COLUMNS = ("author", "author_description", "lang", "target")


@dataclass
class DastPost:
    row: ThreadRow
    sdqc_submission: str | None
    line: int


def is_dast_record(obj: object) -> bool:
    """A DAST post: `post_id`, `thread_id` and `parent_id`, and no `id` (which the generic
    format requires). Labels are optional, so that a researcher's unlabelled threads in
    DAST's layout are read like the labelled file."""
    return isinstance(obj, dict) and "id" not in obj and all(k in obj for k in REQUIRED)


def looks_like_dast(path: Path) -> bool:
    """True when the first record of a JSONL file is a DAST post (`is_dast_record`)."""
    return is_dast_record(first_json_record(path))


def thread_fields(path: Path, line: int, obj: dict) -> dict:
    """One DAST record as the generic thread format's fields (parent as given; a missing
    parent is repaired by the caller). The SDQC labels become gold reply and target stance
    of a reply; an unknown label is an error naming the file and line."""
    if not is_dast_record(obj):
        missing = [k for k in REQUIRED if k not in obj]
        raise InputError(path, line, f"not a DAST record: missing {missing}" if missing else "not a DAST record")
    for key in ("sdqc_parent", "sdqc_submission"):
        value = obj.get(key)
        if value is not None and value not in SDQC and value != "Underspecified":
            raise InputError(path, line, f"{key}: unknown SDQC label {value!r}")
    reply = obj["parent_id"] is not None
    given = {k: obj[k] for k in GENERIC_COLUMNS if obj.get(k) not in (None, "")}
    return {
        "id": obj["post_id"],
        "thread_id": obj["thread_id"],
        "parent_id": obj["parent_id"],
        "author": obj.get("user_id"),
        "created": obj.get("created"),
        "title": obj.get("title") or "",
        "text": obj.get("text") or "",
        # DAST is r/Denmark, annotated as Danish; training reads it so too. A file in its
        # layout without its labels may hold any language: detected unless given.
        "lang": "da" if any(k in obj for k in LABELS) else None,
        "topic": obj.get("topic"),
        "reply_stance": SDQC.get(obj.get("sdqc_parent") or "") if reply else None,
        "target_stance": TARGET.get(obj.get("sdqc_submission") or "") if reply else None,
        **given,
    }


def unread_columns(obj: dict) -> set[str]:
    """Columns of a record in DAST's layout that neither DAST nor the generic format defines."""
    return set(obj) - DAST_COLUMNS - set(GENERIC_COLUMNS)


def read_dast(path: Path) -> tuple[list[DastPost], list[Note]]:
    path = Path(path)
    raw = read_json_lines(path)
    if not raw:
        raise InputError(path, 0, "empty file")
    ids = {}
    fields = [thread_fields(path, line, obj) for line, obj in raw]
    for line, obj in raw:
        if obj["post_id"] in ids:
            raise InputError(path, line, f"duplicate post_id {obj['post_id']!r} (first at line {ids[obj['post_id']]})")
        ids[obj["post_id"]] = line
    sources = {obj["thread_id"]: obj["post_id"] for _, obj in raw if obj.get("is_source") or obj["parent_id"] is None}
    posts: list[DastPost] = []
    notes: list[Note] = []
    for (line, obj), row in zip(raw, fields, strict=True):
        parent = obj["parent_id"]
        if parent is not None and parent not in ids:
            root = sources.get(obj["thread_id"])
            if root is None:
                raise InputError(
                    path, line, f"parent {parent!r} is missing and thread {obj['thread_id']!r} has no source"
                )
            notes.append(
                Note(
                    where=f"{path}:{line}",
                    kind="repaired",
                    message=f"parent {parent!r} of {obj['post_id']!r} is missing; attached to the source post "
                    f"{root!r} (as DAST's README prescribes)",
                )
            )
            parent = root
        row = ThreadRow(**{**row, "parent_id": parent})
        sub = obj.get("sdqc_submission")
        posts.append(DastPost(row, SDQC.get(sub) if sub in SDQC and parent is not None else None, line))
    return posts, notes
