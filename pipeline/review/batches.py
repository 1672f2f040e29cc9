"""Stage 5, review: batches of predictions for annotators, and their labels back as gold.

Export writes `data/review/<batch_id>/`:
  items.jsonl              the exported items (ids, texts' hashes, predictions): the batch manifest
  batch.csv, batch.xlsx    spreadsheets with an empty `label` and `comment` column
  labelstudio_tasks.json   Label Studio tasks with the predictions as pre-annotations
  labelstudio_config.xml   the labeling config to paste into a Label Studio project
Items come least certain first (smallest margin between the two most probable labels, or
lowest confidence), or as a reproducible random sample for unbiased evaluation.

Import validates every row of a filled spreadsheet or a Label Studio export against the
batch manifest and the current corpus (unknown or duplicate ids, unknown labels, texts
changed since export, spans out of range) and then writes all labels as one new gold
batch, or nothing: the error lists every bad row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.core import cells
from pipeline.core.artifacts import (
    atomic_dir,
    check_safe_id,
    read_json,
    read_jsonl,
    read_text_utf8,
    write_json,
    write_jsonl,
    write_text,
)
from pipeline.core.config import REVIEW_TASKS, Config
from pipeline.core.corpus import Corpus, read_corpus, read_corpus_about
from pipeline.core.errors import InputError, Problem
from pipeline.core.schema import Annotation, ParticipantLabels, PostLabels, Prediction, ReviewItem, Unit
from pipeline.core.tables import stage_file
from pipeline.models.examples import field_text, role_text
from pipeline.review.gold import (
    gold_items,
    later_than,
    locked,
    new_event,
    order,
    read_events,
    resolve,
    slug,
    text_hash,
    utc_now,
    write_batch,
)
from pipeline.review.snapshots import BATCH_CORPUS, batch_corpus_dir, keep_batch_corpus, save_batch_corpus
from pipeline.segment.ids import parse_unit_id, unit_id

CONTEXT_CHARS = 1500
COLUMNS = [
    "batch_id",
    "position",
    "task",
    "item_id",
    "text",
    "context",
    "author",
    "self_description",
    "predicted_label",
    "confidence",
    "decided_by",
    "allowed_labels",
    "label",
    "comment",
    "text_sha256",
]


@dataclass
class Candidate:
    task: str
    item_id: str
    thread_id: str
    text: str
    context: str
    author: str
    self_description: str
    prediction: Prediction
    unit: Unit | None = None
    extra: dict = field(default_factory=dict)


def _decided_by(p: Prediction) -> str:
    return f"model {p.model}" if p.source == "model" else (f"rule {p.rule}" if p.source == "rule" else p.source)


def _clip(text: str, n: int = CONTEXT_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def candidates(
    task: str, corpus: Corpus, units: list[Unit], posts_pred: list[PostLabels], parts_pred: list[ParticipantLabels]
) -> list[Candidate]:
    """Every item of `task` with what a reviewer needs to decide it."""
    posts = corpus.posts_by_id()
    threads = {t.id: t for t in corpus.threads}
    out: list[Candidate] = []
    if task == "unit_type":
        for u in units:
            post = posts[u.post_id]
            full = field_text(post, u.field)
            a, b = max(0, u.start - 300), min(len(full), u.end + 300)
            context = (
                ("…" if a else "")
                + full[a : u.start]
                + "⟦"
                + full[u.start : u.end]
                + "⟧"
                + full[u.end : b]
                + ("…" if b < len(full) else "")
            )
            out.append(
                Candidate(
                    task,
                    u.id,
                    u.thread_id,
                    u.text,
                    context,
                    post.author or "",
                    post.author_description or "",
                    u.unit_type,
                    unit=u,
                )
            )
    elif task in ("target_stance", "reply_stance"):
        for pl in posts_pred:
            post = posts[pl.post_id]
            # The opening post states the target; a comment with no text, or a bot's, has
            # nothing to review.
            if post.parent_id is None or not post.has_voice:
                continue
            pred = pl.reply_stance if task == "reply_stance" else pl.target_stance
            if task == "reply_stance":
                parent = posts[post.parent_id]
                context = f"REPLY TO {parent.author or 'the article'}: {_clip(parent.full_text)}"
            else:
                context = f"TARGET: {threads[post.thread_id].target}"
            out.append(
                Candidate(
                    task,
                    post.id,
                    post.thread_id,
                    post.full_text,
                    context,
                    post.author or "",
                    post.author_description or "",
                    pred,
                )
            )
    elif task == "role":
        preds = {p.participant_id: p.role for p in parts_pred}
        for part in corpus.participants:
            descriptions, texts = role_text(part, posts)
            out.append(
                Candidate(
                    task,
                    part.id,
                    ";".join(part.thread_ids),
                    _clip("\n---\n".join(texts)),
                    f"{len(texts)} post(s) in {', '.join(part.thread_ids)}",
                    part.name,
                    "; ".join(descriptions),
                    preds[part.id],
                )
            )
    else:
        raise InputError("--task", 0, f"cannot review task {task!r}; choose from {REVIEW_TASKS}")
    return out


def uncertainty(c: Candidate, strategy: str) -> float:
    """How sure the prediction is (smaller: review first): its margin or its confidence."""
    p = c.prediction
    if strategy == "margin" and p.scores:
        return p.margin
    return p.confidence


def batch_id_for(task: str, strategy: str, items: list[Candidate], date: str) -> str:
    digest = hashlib.sha256("\n".join(c.item_id for c in items).encode("utf-8")).hexdigest()[:8]
    return f"{task}-{strategy}-{date}-{digest}"


def item_texts(task: str, corpus: Corpus) -> dict[str, str]:
    """The text a label of each post or participant is given for (hashed at export, checked
    at import): a post's headline and body, or a participant's name. Built once per call
    site: looking items up one by one in the corpus would grow with items x corpus."""
    if task == "role":
        return {p.id: p.name for p in corpus.participants}
    return {p.id: p.full_text for p in corpus.posts}


def review_items(batch_id: str, chosen: list[Candidate], cfg: Config, corpus: Corpus) -> list[ReviewItem]:
    items = []
    texts = {task: item_texts(task, corpus) for task in {c.task for c in chosen if c.unit is None}}
    for pos, c in enumerate(chosen, start=1):
        p = c.prediction
        extra = {}
        if c.unit is not None:
            extra = {"post_id": c.unit.post_id, "field": c.unit.field, "start": c.unit.start, "end": c.unit.end}
        hashed = c.text if c.unit is not None else texts[c.task][c.item_id]
        items.append(
            ReviewItem(
                batch_id=batch_id,
                position=pos,
                task=c.task,
                item_id=c.item_id,
                text=c.text,
                context=c.context,
                author=c.author,
                self_description=c.self_description,
                predicted_label=p.label,
                confidence=p.confidence,
                margin=round(p.margin, 4),
                decided_by=_decided_by(p),
                allowed_labels=list(cfg.labels_for(c.task)),
                text_sha256=text_hash(hashed),
                **extra,
            )
        )
    return items


# --- writers ---------------------------------------------------------------------------


def _row(item: ReviewItem) -> list:
    d = item.model_dump()
    d["allowed_labels"] = " | ".join(item.allowed_labels)
    d["label"] = ""
    d["comment"] = ""
    return [d[c] for c in COLUMNS]


def csv_text(items: list[ReviewItem]) -> str:
    # CRLF and a BOM: Excel then opens UTF-8 with æøå intact; LibreOffice reads it either way.
    # Cells that a spreadsheet would run as formulas get a leading "'" (cells.protect).
    return "\ufeff" + cells.csv_text([COLUMNS, *(_row(it) for it in items)], lineterminator="\r\n")


def write_xlsx(path: Path, items: list[ReviewItem]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for it in items:
        ws.append(_row(it))
    # A typed string is never evaluated, whatever it begins with: "=HYPERLINK(...)" in a
    # comment stays text, and the cell holds exactly the corpus text.
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    widths = {"text": 70, "context": 60, "label": 16, "comment": 30, "item_id": 34, "allowed_labels": 30}
    for i, col in enumerate(COLUMNS, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = widths.get(col, 14)
        if col in ("text", "context"):
            for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")
    if items:
        label_col = ws.cell(row=1, column=COLUMNS.index("label") + 1).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(items[0].allowed_labels) + '"', allow_blank=True)
        dv.error = "Choose one of the allowed labels"
        ws.add_data_validation(dv)
        dv.add(f"{label_col}2:{label_col}{len(items) + 1}")
    ws.freeze_panes = "E2"
    # A fixed creation time keeps the file identical between exports of the same batch.
    wb.properties.created = wb.properties.modified = datetime(2020, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    wb.save(path)


COLORS = {"claim": "#2e8b57", "premise": "#4682b4", "none": "#aaaaaa"}


def labelstudio_config(task: str, labels: list[str]) -> str:
    if task == "unit_type":
        lab = "\n".join(f'    <Label value="{x}" background="{COLORS.get(x, "#999999")}"/>' for x in labels)
        return (
            '<View>\n  <Header value="Argumentative units: label every span"/>\n'
            f'  <Labels name="unit" toName="text">\n{lab}\n  </Labels>\n'
            '  <Text name="text" value="$text"/>\n'
            '  <TextArea name="comment" toName="text" placeholder="comment (optional)"/>\n</View>\n'
        )
    choices = "\n".join(f'    <Choice value="{x}"/>' for x in labels)
    return (
        '<View>\n  <Header value="$task"/>\n  <Text name="context" value="$context"/>\n'
        '  <Text name="author" value="$author_line"/>\n  <Text name="text" value="$text"/>\n'
        f'  <Choices name="label" toName="text" choice="single" showInLine="true">\n{choices}\n'
        '  </Choices>\n  <TextArea name="comment" toName="text" placeholder="comment (optional)"/>\n</View>\n'
    )


def labelstudio_tasks(items: list[ReviewItem], corpus: Corpus, units: list[Unit]) -> list[dict]:
    """One task per item; for units, one task per post field with all its units as spans."""
    tasks: list[dict] = []
    if items and items[0].task == "unit_type":
        posts = corpus.posts_by_id()
        fields = []
        for it in items:
            key = (it.post_id, it.field)
            if key not in fields:
                fields.append(key)
        for k, (post_id, fld) in enumerate(fields, start=1):
            text = field_text(posts[post_id], fld)
            spans = [u for u in units if u.post_id == post_id and u.field == fld]
            result = [
                {
                    "id": f"u{i}",
                    "from_name": "unit",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": u.start, "end": u.end, "text": u.text, "labels": [u.unit_type.label]},
                    "score": u.unit_type.confidence,
                }
                for i, u in enumerate(spans)
            ]
            tasks.append(
                {
                    "id": k,
                    "data": {
                        "text": text,
                        "post_id": post_id,
                        "field": fld,
                        "batch_id": items[0].batch_id,
                        "text_sha256": text_hash(text),
                        "task": "unit_type",
                    },
                    "predictions": [{"model_version": "pipeline", "result": result}],
                }
            )
        return tasks
    for it in items:
        result = [
            {
                "from_name": "label",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [it.predicted_label]},
                "score": it.confidence,
            }
        ]
        author_line = it.author + (f" ({it.self_description})" if it.self_description else "")
        tasks.append(
            {
                "id": it.position,
                "data": {
                    "text": it.text,
                    "context": it.context,
                    "author_line": author_line,
                    "item_id": it.item_id,
                    "batch_id": it.batch_id,
                    "task": it.task,
                    "text_sha256": it.text_sha256,
                },
                "predictions": [{"model_version": it.decided_by, "score": it.confidence, "result": result}],
            }
        )
    return tasks


def write_batch_folder(out_dir: Path, items: list[ReviewItem], cfg: Config, corpus: Corpus, units: list[Unit]) -> Path:
    batch = items[0].batch_id
    folder = Path(out_dir) / batch
    with atomic_dir(folder) as tmp:
        write_jsonl(tmp / "items.jsonl", items)
        write_text(tmp / "batch.csv", csv_text(items))
        write_xlsx(tmp / "batch.xlsx", items)
        write_json(tmp / "labelstudio_tasks.json", labelstudio_tasks(items, corpus, units))
        write_text(tmp / "labelstudio_config.xml", labelstudio_config(items[0].task, items[0].allowed_labels))
        save_batch_corpus(tmp / BATCH_CORPUS, corpus)
    return folder


# --- import ----------------------------------------------------------------------------


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


def read_sheet_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV sheet with the line each starts on; "," or ";" as Excel saved it."""
    text = read_text_utf8(path)
    if not text.strip():
        raise InputError(path, 0, "empty file")
    first = text.split("\n", 1)[0]
    # Excel in Danish and Swedish locales saves "CSV" with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path, 1, f"header lacks the columns {missing}")
    rows = []
    start = 2
    for row in reader:
        # Texts span several lines; a row is reported at the line where it starts.
        rows.append((start, {k: cells.unprotect(v) if isinstance(v, str) else v for k, v in row.items()}))
        start = reader.line_num + 1
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
    header, rows = cells.xlsx_rows(path)
    missing = [c for c in ("item_id", "label") if c not in header]
    if missing:
        raise InputError(path, 1, f"header lacks the columns {missing}; is this a review batch file?")
    return [(n, dict(zip(header, values, strict=False))) for n, values in rows]


def read_filled(path: Path) -> list[Filled]:
    """Labels from a filled CSV/XLSX batch or a Label Studio JSON export (blank rows skipped)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_labelstudio(path)
    if suffix not in (".csv", ".xlsx"):
        raise InputError(path, 0, "unknown file type: expected .csv, .xlsx or a Label Studio .json export")
    rows = read_sheet_csv(path, ("item_id", "label")) if suffix == ".csv" else _read_xlsx(path)
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


def _read_labelstudio(path: Path) -> list[Filled]:
    data = read_json(path)
    if not isinstance(data, list):
        raise InputError(path, 0, "a Label Studio export is a JSON list of tasks")
    out: list[Filled] = []
    for k, task in enumerate(data):
        if not isinstance(task, dict) or "data" not in task:
            raise InputError(path, 0, f"task #{k + 1} has no 'data': not a Label Studio export")
        d = task["data"]
        where = f"{path}: task {task.get('id', k + 1)}"
        anns = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not anns:
            continue
        result = anns[-1].get("result", [])
        comment = next((" ".join(r["value"].get("text", [])) for r in result if r.get("type") == "textarea"), None)
        if d.get("task") == "unit_type":
            for r in result:
                if r.get("type") != "labels":
                    continue
                v = r.get("value", {})
                labels = v.get("labels") or []
                try:
                    start, end = int(v["start"]), int(v["end"])
                except (KeyError, TypeError, ValueError):
                    out.append(Filled(where, "", "", None, None, d.get("batch_id"), problem="span without start/end"))
                    continue
                task_text = str(d.get("text", ""))
                fixed = span_offsets(task_text, start, end, v.get("text"))
                problem = None
                # UTF-16 offsets (Label Studio's, for text beyond the BMP) run at least as far
                # as characters: past that length, the span is out of range in either reading.
                if not 0 <= start < end <= len(task_text.encode("utf-16-le")) // 2:
                    problem = f"span {start}-{end} out of range (the task text has {len(task_text)} characters)"
                elif fixed is None:
                    problem = (
                        f"span {start}-{end}: its text {v.get('text')!r} is not the task text at those offsets "
                        "(neither as characters nor as UTF-16 code units)"
                    )
                else:
                    start, end = fixed
                out.append(
                    Filled(
                        where,
                        unit_id(d.get("post_id", ""), d.get("field", ""), start, end),
                        labels[0] if len(labels) == 1 else "|".join(labels),
                        comment,
                        d.get("text_sha256"),
                        d.get("batch_id"),
                        (d.get("post_id", ""), d.get("field", ""), start, end),
                        problem,
                    )
                )
        else:
            choice = next((r["value"].get("choices", []) for r in result if r.get("type") == "choices"), [])
            if choice:
                out.append(
                    Filled(
                        where, d.get("item_id", ""), "|".join(choice), comment, d.get("text_sha256"), d.get("batch_id")
                    )
                )
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


def labelled_items(gold_dir: Path, task: str) -> set[str]:
    resolved, conflicts = resolve(read_events(gold_dir), task)
    return set(resolved) | {c.item_id for c in conflicts}
