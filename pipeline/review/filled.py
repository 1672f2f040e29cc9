"""Stage 5, review (import): a filled batch back as gold.

Import validates every row of a filled spreadsheet or a Label Studio export against the
batch manifest and the current corpus (unknown or duplicate ids, unknown labels, texts
changed since export, spans out of range) and then writes all labels as one new gold
batch, or nothing: the error lists every bad row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core import cells
from pipeline.core.artifacts import (
    check_safe_id,
    encoding_of,
    read_json,
    read_jsonl,
    read_text_utf8,
)
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus, read_corpus, read_corpus_about
from pipeline.core.errors import InputError, Problem
from pipeline.core.mojibake import MOJIBAKE_NOTE, decoded_once
from pipeline.core.schema import Annotation, ReviewItem
from pipeline.core.tables import stage_file
from pipeline.core.workbooks import WORKBOOK_SUFFIXES, workbook_rows
from pipeline.models.examples import field_text
from pipeline.review.export import item_texts
from pipeline.review.gold import (
    gold_items,
    later_than,
    locked,
    new_event,
    order,
    read_events,
    slug,
    text_hash,
    utc_now,
    write_batch,
)
from pipeline.review.snapshots import batch_corpus_dir, keep_batch_corpus
from pipeline.segment.ids import parse_unit_id, unit_id

log = logging.getLogger("pipeline")


@dataclass
class Filled:
    """A label read back from a file, located for error messages."""

    where: str
    item_id: str
    label: str
    comment: str | None
    text_sha256: str | None
    batch_id: str | None
    span: tuple[str, str, int, int] | None = None  # post, field, start, end (units)
    problem: str | None = None  # what makes the row unusable, found while reading it


def utf16_to_index(text: str, offset: int) -> int | None:
    """The Python string index of a UTF-16 code-unit offset (what a browser counts: an
    emoji outside the Basic Multilingual Plane is two units there, one character here)."""
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text) if units == offset else None


def span_offsets(text: str, start: int, end: int, shown: str | None) -> tuple[int, int] | None:
    """(start, end) in Python characters for a Label Studio span, checked against the text
    the annotator saw (`value.text`): as given, else read as UTF-16 offsets; None if
    neither reproduces that text."""
    if shown is None or text[start:end] == shown:
        return start, end
    s, e = utf16_to_index(text, start), utf16_to_index(text, end)
    if s is not None and e is not None and text[s:e] == shown:
        return s, e
    return None


def _utf8_else_cp1252(path: Path) -> str:
    try:
        return read_text_utf8(path)
    except InputError as exc:
        # The sheet went out as UTF-8; one that comes back otherwise was re-saved as plain
        # "CSV" by an Excel in a Danish or Swedish locale, which writes Windows-1252. A
        # wrong guess cannot slip through: every row's item id and text hash are checked
        # against the batch.
        try:
            text = path.read_bytes().decode("cp1252")
        except UnicodeDecodeError:
            raise exc from None
        log.warning("%s: not UTF-8; read as Windows-1252, as Excel saves plain CSV in Nordic locales", path)
        return text


# Sheets saved as text: CSV, and Excel's "Unicode Text" (UTF-16, tab-separated, .txt) or a
# tab-separated file as LibreOffice or a script writes it.
SHEET_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def read_sheet_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV sheet with the line each starts on; ",", ";" or a tab as Excel or
    LibreOffice saved it, in UTF-8, UTF-16 (with its byte-order mark) or Windows-1252."""
    # Excel's "Unicode Text" and LibreOffice's UTF-16 CSV say so by their byte-order mark.
    encoding = encoding_of(path)
    text = read_text_utf8(path, encoding) if encoding else _utf8_else_cp1252(path)
    if not text.strip():
        raise InputError(path, 0, "empty file")
    first = text.split("\n", 1)[0]
    # Excel in Danish and Swedish locales saves "CSV" with semicolons, "Unicode Text" with
    # tabs; the header's column names hold none of the three.
    delimiter = max(("\t", ";", ","), key=first.count) if any(d in first for d in "\t;") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path, 1, f"header lacks the columns {missing}; is this a review batch file?")
    rows = []
    start = 2
    for row in reader:
        # Texts span several lines; a row is reported at the line where it starts.
        rows.append((start, {k: cells.unprotect(v) if isinstance(v, str) else v for k, v in row.items()}))
        start = reader.line_num + 1
    return _decoded_once(path, rows)


def _read_workbook(path: Path) -> list[tuple[int, dict[str, str]]]:
    header, rows, _ = workbook_rows(path)
    missing = [c for c in ("item_id", "label") if c not in header]
    if missing:
        raise InputError(path, 1, f"header lacks the columns {missing}; is this a review batch file?")
    return _decoded_once(path, [(n, dict(zip(header, values, strict=False))) for n, values in rows])


def _decoded_once(path: Path, rows: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """A sheet's cells with text decoded twice decoded once, with a warning: a sheet opened
    in Excel as Windows-1252 and saved again as UTF-8 (or as a workbook) turns an
    annotator's note into 'SvÃ¦rt at afgÃ¸re' and an item id with a Danish letter into one
    no corpus holds."""
    n = 0
    for _, row in rows:
        for k, v in row.items():
            if isinstance(v, str) and (once := decoded_once(v)) != v:
                row[k] = once
                n += 1
    if n:
        log.warning("%s: %s", path, MOJIBAKE_NOTE.format(what=f"{n} cell(s)"))
    return rows


def read_filled(path: Path) -> list[Filled]:
    """Labels from a filled CSV or workbook batch (saved by Excel or LibreOffice: .xlsx, .xls,
    .ods) or a Label Studio JSON export (blank rows skipped)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_labelstudio(path)
    if suffix not in (*SHEET_TEXT_SUFFIXES, *WORKBOOK_SUFFIXES):
        raise InputError(
            path,
            0,
            "unknown file type: expected .csv (or Excel's Unicode Text .txt, a .tsv), a workbook (.xlsx, .xls, .ods)"
            " or a Label Studio .json export",
        )
    rows = read_sheet_csv(path, ("item_id", "label")) if suffix in SHEET_TEXT_SUFFIXES else _read_workbook(path)
    out = []
    for line, row in rows:
        label = (row.get("label") or "").strip()
        if not label:
            continue
        out.append(
            Filled(
                f"{path}:{line}",
                (row.get("item_id") or "").strip(),
                label,
                (row.get("comment") or "").strip() or None,
                (row.get("text_sha256") or "").strip() or None,
                (row.get("batch_id") or "").strip() or None,
            )
        )
    return out


class _Shapes:
    """Checks that a Label Studio export has the shapes Label Studio writes: a file edited by
    hand or by a script may not, and is refused naming the task, not read half-way."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def of(self, value: object, kind: type | tuple[type, ...], where: str, what: str) -> Any:
        if not isinstance(value, kind):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            shown = type(value).__name__ if value is not None else "null"
            raise InputError(self.path, 0, f"{where}: {what} is {shown}, not {names}, as Label Studio writes it")
        return value

    def strings(self, value: object, where: str, what: str) -> list[str]:
        """A list of strings (a lone string as a one-item list, as in a textarea's text)."""
        if isinstance(value, str):
            return [value]
        items = self.of(value, list, where, what)
        return [self.of(v, str, where, f"an item of {what}") for v in items]

    def text(self, d: dict, key: str, where: str) -> str:
        value = d.get(key)
        return "" if value is None else str(self.of(value, (str, int), where, f"data.{key}"))

    def optional(self, d: dict, key: str, where: str) -> str | None:
        value = d.get(key)
        return None if value is None else self.of(value, str, where, f"data.{key}")


def _read_labelstudio(path: Path) -> list[Filled]:
    data = read_json(path)
    if not isinstance(data, list):
        raise InputError(path, 0, "a Label Studio export is a JSON list of tasks")
    shapes = _Shapes(path)
    out: list[Filled] = []
    for k, task in enumerate(data):
        if not isinstance(task, dict) or "data" not in task:
            raise InputError(path, 0, f"task #{k + 1} has no 'data': not a Label Studio export")
        tid = task.get("id", k + 1)
        where = f"{path}: task {tid if isinstance(tid, (str, int)) else k + 1}"
        here = f"task {tid if isinstance(tid, (str, int)) else k + 1}"
        d = shapes.of(task["data"], dict, here, "data")
        annotations = shapes.of(task.get("annotations") or [], list, here, "annotations")
        anns = [a for a in annotations if not shapes.of(a, dict, here, "an annotation").get("was_cancelled")]
        if not anns:
            continue
        result = [
            shapes.of(r, dict, here, "a result") for r in shapes.of(anns[-1].get("result") or [], list, here, "result")
        ]
        values = [(r.get("type"), shapes.of(r.get("value") or {}, dict, here, "a result's value")) for r in result]
        comment = next(
            (
                " ".join(shapes.strings(v.get("text") or [], here, "a textarea's text"))
                for t, v in values
                if t == "textarea"
            ),
            None,
        )
        batch_id, sha = shapes.optional(d, "batch_id", here), shapes.optional(d, "text_sha256", here)
        if d.get("task") == "unit_type":
            post_id, field = shapes.text(d, "post_id", here), shapes.text(d, "field", here)
            task_text = shapes.text(d, "text", here)
            for kind, v in values:
                if kind != "labels":
                    continue
                labels = shapes.strings(v.get("labels") or [], here, "a span's labels")
                try:
                    start, end = int(v["start"]), int(v["end"])
                except (KeyError, TypeError, ValueError, OverflowError):
                    out.append(Filled(where, "", "", None, None, batch_id, problem="span without start/end"))
                    continue
                shown = v.get("text")
                fixed = span_offsets(task_text, start, end, shown if isinstance(shown, str) else None)
                problem = None
                # UTF-16 offsets (Label Studio's, for text beyond the BMP) run at least as far
                # as characters: past that length, the span is out of range in either reading.
                if not 0 <= start < end <= len(task_text.encode("utf-16-le")) // 2:
                    problem = f"span {start}-{end} out of range (the task text has {len(task_text)} characters)"
                elif fixed is None:
                    problem = (
                        f"span {start}-{end}: its text {shown!r} is not the task text at those offsets "
                        "(neither as characters nor as UTF-16 code units)"
                    )
                else:
                    start, end = fixed
                out.append(
                    Filled(
                        where,
                        unit_id(post_id, field, start, end),
                        labels[0] if len(labels) == 1 else "|".join(labels),
                        comment,
                        sha,
                        batch_id,
                        (post_id, field, start, end),
                        problem,
                    )
                )
        else:
            choice = next(
                (
                    shapes.strings(v.get("choices") or [], here, "a result's choices")
                    for t, v in values
                    if t == "choices"
                ),
                [],
            )
            if choice:
                out.append(Filled(where, shapes.text(d, "item_id", here), "|".join(choice), comment, sha, batch_id))
    return out


def load_batch(review_dir: Path, batch_id: str) -> list[ReviewItem]:
    try:
        # The batch id comes from the filled file: it must not lead out of review_dir.
        check_safe_id(batch_id, "batch id")
    except ValueError as exc:
        raise InputError(review_dir, 0, str(exc)) from None
    path = Path(review_dir) / batch_id / "items.jsonl"
    if not path.exists():
        raise InputError(path, 0, f"no exported batch {batch_id!r} under {review_dir}")
    return read_jsonl(path, ReviewItem)


def validate(filled: list[Filled], items: list[ReviewItem], corpus: Corpus, cfg: Config, task: str) -> list[Problem]:
    """Every problem with every row; an empty list means the whole file can be imported."""
    problems: list[Problem] = []
    known = {it.item_id: it for it in items}
    posts = corpus.posts_by_id()
    texts = item_texts(task, corpus) if task != "unit_type" else {}
    labels = set(cfg.labels_for(task))
    seen: dict[str, str] = {}
    for f in filled:
        if f.problem:
            problems.append(Problem(f.where, f.problem))
            continue
        if f.batch_id and items and f.batch_id != items[0].batch_id:
            problems.append(Problem(f.where, f"belongs to batch {f.batch_id!r}, not {items[0].batch_id!r}"))
            continue
        if f.label not in labels:
            problems.append(Problem(f.where, f"unknown label {f.label!r} (allowed: {', '.join(sorted(labels))})"))
        if f.item_id in seen:
            problems.append(Problem(f.where, f"item {f.item_id!r} is labelled twice (also {seen[f.item_id]})"))
        seen.setdefault(f.item_id, f.where)
        if task == "unit_type":
            if f.span is None:
                try:
                    post_id, fld, start, end = parse_unit_id(f.item_id)
                except ValueError:
                    problems.append(Problem(f.where, f"unknown item id {f.item_id!r}"))
                    continue
            else:
                post_id, fld, start, end = f.span
            post = posts.get(post_id)
            if post is None or fld not in ("title", "text"):
                problems.append(Problem(f.where, f"unknown post {post_id!r}"))
                continue
            text = field_text(post, fld)
            if not 0 <= start < end <= len(text):
                problems.append(
                    Problem(f.where, f"span {start}-{end} out of range (the text has {len(text)} characters)")
                )
                continue
            if f.span is not None and f.text_sha256 and text_hash(text) != f.text_sha256:
                problems.append(Problem(f.where, "the post's text changed since export"))
            elif f.span is None and f.item_id in known and text_hash(text[start:end]) != known[f.item_id].text_sha256:
                problems.append(Problem(f.where, "the unit's text changed since export"))
            elif f.span is None and f.item_id not in known:
                problems.append(Problem(f.where, f"unknown item id {f.item_id!r} (not in this batch)"))
        else:
            if f.item_id not in known:
                problems.append(Problem(f.where, f"unknown item id {f.item_id!r} (not in this batch)"))
                continue
            current = texts.get(f.item_id)
            if current is None:
                problems.append(Problem(f.where, f"item {f.item_id!r} is no longer in the corpus"))
            elif text_hash(current) != known[f.item_id].text_sha256 or (
                f.text_sha256 and f.text_sha256 != known[f.item_id].text_sha256
            ):
                problems.append(Problem(f.where, "the text changed since export"))
    return problems


def import_labels(
    path: Path,
    annotator: str,
    review_dir: Path,
    gold_dir: Path,
    corpus: Corpus | Path,
    cfg: Config,
    origin: str = "review",
    batch_id: str | None = None,
    now: str | None = None,
) -> tuple[str | None, int]:
    """Validate and add the labels of a filled file as a new gold batch. `corpus` is the
    corpus or its folder; given a folder, the threads the batch folder kept at export are
    read instead where it has them, else only the threads of the batch's items. The
    batch folder's threads are kept with the gold (review/snapshots.py).

    Returns (gold batch id, number of labels); (None, n) when the identical labels were
    imported before (a no-op). A file with changed labels becomes a new revision batch:
    nothing earlier is overwritten.
    """
    if not annotator.strip():
        raise InputError("--annotator", 0, "an annotator name is required")
    filled = read_filled(path)
    if not filled:
        raise InputError(path, 0, "no labels found (the label column is empty everywhere)")
    batch = batch_id or next((f.batch_id for f in filled if f.batch_id), None)
    if batch is None:
        raise InputError(path, 0, "the file names no batch_id; pass --batch")
    items = load_batch(review_dir, batch)
    task = items[0].task
    if not isinstance(corpus, Corpus):
        kept = batch_corpus_dir(review_dir, batch)
        # The threads as they were exported come first: a later `make run` on other inputs
        # does not make the batch unimportable.
        corpus = (
            read_corpus(kept) if stage_file(kept, "posts").exists() else read_corpus_about(corpus, *gold_items(items))
        )
    # "Support" or "DENY" typed into a sheet by hand is the label it spells.
    for f in filled:
        f.label = cfg.label_spelt(task, f.label) or f.label
    problems = validate(filled, items, corpus, cfg, task)
    if problems:
        rows = len({p.where for p in problems})
        raise InputError(path, 0, f"{rows} bad row(s); nothing was imported", problems)
    posts = corpus.posts_by_id()
    texts = item_texts(task, corpus) if task != "unit_type" else {}
    labels: list[tuple[str, str, str | None, dict]] = []  # item, label, note, event fields
    for f in filled:
        extra: dict = {}
        if task == "unit_type":
            post_id, fld, start, end = f.span or parse_unit_id(f.item_id)
            text = field_text(posts[post_id], fld)[start:end]
            extra = {"post_id": post_id, "field": fld, "start": start, "end": end}
        else:
            text = texts[f.item_id]
        labels.append((f.item_id, f.label, f.comment, {"text_sha256": text_hash(text), **extra}))
    with locked(gold_dir):
        # Under the lock: a concurrent import has either finished (and is seen here) or
        # not started, so the revision number and "current state" below are both right.
        # The threads first: gold is never without the text its labels were given on.
        keep_batch_corpus(review_dir, batch, gold_dir)
        events = read_events(gold_dir)
        prior = [e for e in events if e.task == task and e.annotator == annotator]
        current = {e.item_id: (e.label, e.note) for e in sorted(prior, key=order)}
        if all(current.get(item) == (label, note) for item, label, note, _ in labels):
            # Every label is already this annotator's current answer: a true repeat.
            return None, len(labels)
        base = gold_batch_base(events, batch, annotator)
        revisions = {e.batch_id for e in events if e.batch_id == base or e.batch_id.startswith(base + "--r")}
        gold_batch = base if not revisions else f"{base}--r{len(revisions) + 1}"
        ts = later_than(now or utc_now(), prior)
        new = [
            new_event(task, item, label, annotator, gold_batch, ts, origin, note=note, **extra)
            for item, label, note, extra in labels
        ]
        write_batch(gold_dir, gold_batch, sorted(new, key=lambda e: e.item_id))
    return gold_batch, len(new)


def gold_batch_base(events: list[Annotation], batch: str, annotator: str) -> str:
    """The gold file name stem for an annotator's labels of `batch` (a batch file is named
    by the batch id of its events).

    Annotators are told apart by their exact name; the slug only makes a file name. When
    another annotator's name slugs alike ("Anna Holm", "anna.holm"), a short hash of the
    exact name keeps their files apart."""
    check_safe_id(batch, "batch id")
    base = f"{batch}--{slug(annotator)}"
    owners = {e.annotator for e in events if e.batch_id == base or e.batch_id.startswith(base + "--r")}
    if owners - {annotator}:
        base = f"{base}-{hashlib.sha256(annotator.encode('utf-8')).hexdigest()[:6]}"
    return base
