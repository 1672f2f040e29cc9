"""Stage 5, review (export): batches of predictions for annotators.

Export writes `data/review/<batch_id>/`:
  items.jsonl              the exported items (ids, texts' hashes, predictions): the batch manifest
  batch.csv, batch.xlsx    spreadsheets with an empty `label` and `comment` column
  labelstudio_tasks.json   Label Studio tasks with the predictions as pre-annotations
  labelstudio_config.xml   the labeling config to paste into a Label Studio project
Items come least certain first (smallest margin between the two most probable labels, or
lowest confidence), or as a reproducible random sample for unbiased evaluation; items with
gold already are left out. The filled batches come back through `review.filled`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.core import cells
from pipeline.core.artifacts import (
    atomic_dir,
    write_json,
    write_jsonl,
    write_text,
)
from pipeline.core.config import REVIEW_TASKS, Config
from pipeline.core.corpus import Corpus
from pipeline.core.errors import InputError
from pipeline.core.schema import ParticipantLabels, PostLabels, Prediction, ReviewItem, Unit
from pipeline.models.examples import field_text, role_text
from pipeline.review.gold import (
    read_events,
    resolve,
    text_hash,
)
from pipeline.review.snapshots import BATCH_CORPUS, save_batch_corpus

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
            # A deleted author is no one person, and a bot no respondent: neither has a
            # role to give (classify gives them none), so neither is an annotator's item.
            if part.deleted or part.bot:
                continue
            descriptions, texts = role_text(part, posts)
            if not any(t.strip() for t in texts) and not descriptions and preds[part.id].source != "rule":
                # Nothing written and no self-description (only deleted or empty posts), and
                # no name that says a role: nothing an annotator could decide from, as
                # comments without text are not offered for the stances.
                continue
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
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for it in items:
        # Ingest removes control characters from what posts say; anything else that XLSX
        # cannot hold (a corpus from elsewhere) shows as U+FFFD rather than stopping the
        # export. Only the shown cell changes: import checks texts by the corpus's hashes.
        ws.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in _row(it)])
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


def labelled_items(gold_dir: Path, task: str) -> set[str]:
    resolved, conflicts = resolve(read_events(gold_dir), task)
    return set(resolved) | {c.item_id for c in conflicts}
