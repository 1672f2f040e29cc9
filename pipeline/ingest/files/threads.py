"""Researchers' own threads: the generic JSONL/CSV thread format, read and written.

One post per JSONL line or CSV row with the fields of `schema.ThreadRow` (documented in
docs/input-formats.md and pipeline/schemas/thread_post.schema.json); other tools' exports
are recognised and converted by `pipeline.formats`. Reading validates the whole input
before anything is returned: the header (`pipeline.ingest.files.rows`), then every row's dates,
labels and ids, then across rows duplicate ids, parents that do not exist, parents in
another thread and reply cycles (`pipeline.ingest.spill`); each is an error that names
the file and line.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from pipeline.core.artifacts import atomic_path, dumps, is_text_table, open_text
from pipeline.core.compressed import compression_of, inner_suffix
from pipeline.core.config import Config
from pipeline.core.errors import InputError, PipelineError, Refusals, validation_message
from pipeline.core.jsondoc import first_json_record, json_layout, json_sample
from pipeline.core.mojibake import MOJIBAKE_NOTE, decoded_once
from pipeline.core.paths import within
from pipeline.core.schema import PENDING_THREAD, Note, ThreadRow, check_id
from pipeline.core.workbooks import WORKBOOK_SUFFIXES, workbook_rows
from pipeline.formats.bluesky import is_bluesky_record, read_bluesky
from pipeline.formats.convokit import is_convokit_corpus, read_convokit
from pipeline.formats.dast import looks_like_dast
from pipeline.formats.dast import thread_fields as dast_fields
from pipeline.formats.dast import unread_columns as dast_unread
from pipeline.formats.discourse import is_discourse_record, read_discourse
from pipeline.formats.disqus import looks_like_disqus, read_disqus
from pipeline.formats.facebook import is_facebook_record, read_facebook
from pipeline.formats.flarum import is_flarum_record, read_flarum
from pipeline.formats.instaloader import (
    is_instaloader_comment,
    is_instaloader_post,
    read_instaloader,
    read_instaloader_post,
)
from pipeline.formats.kialo import looks_like_kialo, read_kialo
from pipeline.formats.lemmy import is_lemmy_record, read_lemmy
from pipeline.formats.mail import looks_like_mail, read_mail
from pipeline.formats.mastodon import is_mastodon_record, read_mastodon
from pipeline.formats.reddit import is_reddit_dump, is_reddit_thread, read_reddit, read_reddit_thread
from pipeline.formats.sprakbanken import looks_like_sprakbanken, read_sprakbanken
from pipeline.formats.telegram import looks_like_telegram, read_telegram
from pipeline.formats.twitter import is_twitter_record, read_twitter
from pipeline.formats.wordpress import looks_like_wordpress, read_wordpress
from pipeline.formats.youtube import is_comment as is_youtube_comment
from pipeline.formats.youtube import read_youtube
from pipeline.formats.youtube_api import is_youtube_api_record, read_youtube_api
from pipeline.formats.zeeschuimer import is_zeeschuimer_record, read_zeeschuimer
from pipeline.ingest.dates import DATE_FORMS, SLASH_RE, read_date
from pipeline.ingest.files.archives import STAMP as ARCHIVE_STAMP
from pipeline.ingest.files.archives import is_archive
from pipeline.ingest.files.columns import suggested_options
from pipeline.ingest.files.rows import (
    FIELDS,
    REQUIRED,
    data_sheet,
    delimiter_of,
    export_of,
    format_of,
    header_names,
    jsonl_rows,
    raw_rows,
    table_encoding,
)
from pipeline.ingest.markup import (
    DECOMPOSED_NOTE,
    INVISIBLE_NOTE,
    composed,
    html_text,
    looks_like_html,
    without_invisibles,
)
from pipeline.ingest.options import ReadOptions, scoped_id
from pipeline.ingest.spill import RowStore

log = logging.getLogger(__name__)

GOLD_FIELDS = ("target_stance", "reply_stance", "role")
HTML_FIELDS = ("title", "text", "author_description")
# Fields that are shown as text. Control characters in them (NUL, escape, bell: a binary
# export's debris or an encoding mishap) are no one's words, and spreadsheets refuse them
# (an annotator's review workbook could not be written); a vertical tab or form feed stood
# for a line break.
SHOWN_FIELDS = ("title", "text", "author", "author_description", "target", "topic")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# What each repair of a post's shown fields says in the ingest report, with how many posts of
# a file it changed, in the report's order.
_REPAIR_NOTES: dict[str, Callable[[int], str]] = {
    "controls": lambda n: (
        f"{n} post(s) with control characters (NUL, escape and the like) in their text or "
        "names: removed (a vertical tab or form feed read as a line break)"
    ),
    "decomposed": lambda n: DECOMPOSED_NOTE.format(what=f"{n} post(s) with text or names"),
    "invisible": lambda n: INVISIBLE_NOTE.format(what=f"{n} post(s)"),
    "mojibake": lambda n: MOJIBAKE_NOTE.format(what=f"{n} post(s) whose text or names"),
}


def _without_controls(value: str) -> str:
    if not _CONTROL_RE.search(value):
        return value
    return _CONTROL_RE.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", value)


@dataclass(frozen=True)
class LocatedRow:
    row: ThreadRow
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


# JSON exports from APIs often give ids and timestamps as numbers.
# A JSON number where text belongs: ids, a user id as the author, an epoch date, a comment
# that is only a number ("42"). Read as its digits; refusing would reject an export for
# how its writer typed a column.
NUMBER_AS_TEXT = ("id", "thread_id", "parent_id", "created", "author", "title", "text", "topic")


def _clean(raw: dict) -> dict:
    """Empty strings in optional fields mean 'absent' (CSV cannot write null); a whole
    number as an id, or a number as a date (epoch seconds), is read as its digits."""
    out = {}
    for key, value in raw.items():
        if key in NUMBER_AS_TEXT and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value) if isinstance(value, float) and value.is_integer() else value)
        if isinstance(value, str) and key not in ("title", "text"):
            value = value.strip()
            if value == "" and key not in REQUIRED:
                value = None
        out[key] = value
    return out


def _sources(
    paths: list[Path],
    opt: ReadOptions,
    notes: list[Note],
    flat_replies: set[str] | None = None,
    flat_forums: set[str] | None = None,
) -> Iterator[tuple[Path, int, dict, str | None]]:
    """(file, line, raw row, extract kind) of every input, file by file; notes on what
    readers repaired. The extract kind ("dump") marks rows whose missing parents and roots
    the row store repairs (`RowStore.attach_orphans`). `flat_replies` gathers the inputs
    whose platform lists replies flat under the comment they were posted to, `flat_forums`
    those of forums that name no parents at all (their parents are inferred)."""
    dumps = [Path(p) for p in paths if is_reddit_dump(Path(p))]
    dump_flags = [
        f for f, on in (("--subreddit", opt.subreddits), ("--since", opt.since), ("--until", opt.until)) if on
    ]
    if dump_flags and not dumps:
        _unused(notes, "--threads", "no input is a Reddit dump", dump_flags)
    if dumps:
        # Reddit dumps are read together: comments and submissions come in separate files.
        rows = read_reddit(dumps, notes, opt.subreddits, opt.since, opt.until)
        yield from ((path, line, raw, "dump") for path, line, raw in rows)
    for path in paths:
        path = Path(path)
        # --columns maps a generic thread file's columns; a tool's own export has its fields.
        table_flags = [f for f, on in (("--columns", opt.columns), ("--ignore-columns", opt.ignore_columns)) if on]
        if is_convokit_corpus(path):
            _unused(notes, str(path), "read as a ConvoKit corpus", table_flags)
            yield from ((p, line, raw, "corpus") for p, line, raw in read_convokit(path))
        elif looks_like_dast(path):
            _unused(notes, str(path), "read as DAST", table_flags)
            yield from _dast_rows(path, opt, notes)
        elif (whole := _file_export(path)) is not None:
            _unused(notes, str(path), f"read as {whole[2]}", table_flags)
            if flat_forums is not None and whole[0] in FLAT_FORUM_EXPORTS:
                flat_forums.add(str(path))
            yield from ((path, line, raw, "export") for line, raw in whole[1](path, opt, notes))
        elif (found := _json_export(path)) is not None:
            export, document = found
            _unused(notes, str(path), "read as a tool's own export", table_flags)
            if flat_replies is not None and export[1] in FLAT_REPLY_READERS:
                flat_replies.add(str(path))
            if document is None or isinstance(document, list):
                # A JSON array (a timeline) is read record by record, each with its line.
                records = ((line, raw) for line, raw, _ in jsonl_rows(path, opt.encoding, notes))
            else:
                records = iter([(1, document)])
            rows = _typed_rows(path, export, records, notes)
            yield from ((path, line, raw, "export") for line, raw in rows)
        elif path not in dumps:
            yield from ((path, line, raw, extract) for line, raw, extract in raw_rows(path, opt, notes))


def _unused(notes: list[Note], where: str, why: str, flags: list[str]) -> None:
    """A warning that options the researcher gave did nothing here, so that a mapping or a
    filter that did not apply is not believed to have."""
    if flags:
        message = f"{why}: {', '.join(flags)} not used (they apply to {_FLAG_SCOPE[flags[0]]})"
        log.warning("ingest: %s: %s", where, message)
        notes.append(Note(where=where, kind="warning", message=message))


_FLAG_SCOPE = {
    "--columns": "generic thread files: CSV, JSONL, JSON, Excel",
    "--ignore-columns": "generic thread files: CSV, JSONL, JSON, Excel",
    "--subreddit": "Reddit dumps (Pushshift, Arctic Shift)",
    "--since": "Reddit dumps (Pushshift, Arctic Shift)",
    "--until": "Reddit dumps (Pushshift, Arctic Shift)",
}


# Exports that are one document (a chat, a saved thread page, a site's comments), told
# apart by how the file opens: (test of a path, reader of (line, row) pairs, what `ingest
# --check` calls it).
FILE_EXPORTS = (
    (
        looks_like_telegram,
        lambda path, opt, notes: read_telegram(path, opt.encoding, notes),
        "a Telegram chat export (Telegram Desktop, JSON)",
    ),
    (is_reddit_thread, lambda path, opt, notes: read_reddit_thread(path, notes), "a Reddit thread page's JSON"),
    (looks_like_disqus, lambda path, opt, notes: read_disqus(path, notes), "a Disqus comment export (XML)"),
    (
        looks_like_kialo,
        lambda path, opt, notes: read_kialo(path, opt.encoding, notes),
        "a Kialo discussion export (text)",
    ),
    (looks_like_wordpress, lambda path, opt, notes: read_wordpress(path, notes), "a WordPress export (WXR)"),
    (
        looks_like_mail,
        lambda path, opt, notes: read_mail(path, notes),
        "e-mail: a mailing list's archive (mbox) or a saved message (.eml, Outlook's .msg)",
    ),
    (
        looks_like_sprakbanken,
        lambda path, opt, notes: read_sprakbanken(path, notes),
        "a Språkbanken forum corpus (Flashback, Familjeliv; XML)",
    ),
)
# Of those, the forums that name no parents: who answers whom is inferred from the words.
FLAT_FORUM_EXPORTS = (looks_like_sprakbanken,)


def _file_export(path: Path) -> tuple | None:
    return next((e for e in FILE_EXPORTS if e[0](path)), None)


# JSON-lines files that other tools write, told apart by their first record: (test of a
# record, reader of (line, record) pairs, what `ingest --check` calls it).
JSON_EXPORTS = (
    (
        is_zeeschuimer_record,
        read_zeeschuimer,
        "items Zeeschuimer collected (TikTok videos and comments, posts on X, LinkedIn posts), "
        "or 4CAT's NDJSON of them",
    ),
    (is_twitter_record, read_twitter, "tweets (Twitter/X API v2 as twarc2 writes them, or API v1.1)"),
    (is_bluesky_record, read_bluesky, "Bluesky posts (AT Protocol)"),
    (is_mastodon_record, read_mastodon, "Mastodon statuses (Mastodon API)"),
    (is_lemmy_record, read_lemmy, "Lemmy posts and comments (Lemmy API)"),
    (is_discourse_record, read_discourse, "Discourse posts (a Discourse forum's JSON)"),
    (is_flarum_record, read_flarum, "Flarum posts (a Flarum forum's JSON API)"),
    (is_facebook_record, read_facebook, "Facebook posts and comments (Graph API)"),
    (is_youtube_comment, read_youtube, "YouTube comments (youtube-comment-downloader), one video"),
    (is_youtube_api_record, read_youtube_api, "YouTube comments (YouTube Data API v3)"),
    (is_instaloader_comment, read_instaloader, "Instagram comments (Instaloader), one post"),
    (is_instaloader_post, read_instaloader_post, "an Instagram post's metadata (Instaloader)"),
)


# YouTube and Instagram file a reply to a reply under the comment: the replies to a comment
# are one flat list, whose "@jonas ..." openings say whom they answer.
FLAT_REPLY_READERS = (read_youtube, read_youtube_api, read_instaloader)


def _typed_rows(
    path: Path, export: tuple, records: Iterator[tuple[int, object]], notes: list[Note]
) -> Iterator[tuple[int, dict]]:
    """`export`'s reader over `records`, with a record whose fields are not of the types its
    tool writes (a name that is a list, a thread that is a number: a file edited by hand or
    re-saved by a script) refused as such, naming its line, instead of a traceback."""
    line = 0

    def tracked() -> Iterator[tuple[int, object]]:
        nonlocal line
        for item in records:
            line = item[0]
            yield item

    try:
        yield from export[1](path, tracked(), notes)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        if isinstance(exc, PipelineError):
            raise
        raise InputError(
            path, line, f"read as {export[2]}, but a field is not of the type that format has ({exc})"
        ) from None


def _json_export(path: Path) -> tuple[tuple, dict | list | None] | None:
    """Which of `JSON_EXPORTS` wrote `path`, and the file's one JSON document where it is not
    JSON lines (an API response saved indented, as a browser or `jq .` saves it)."""
    record, document = first_json_record(path), None  # read once for every test
    if record is None and inner_suffix(path) == ".json":
        record = document = json_sample(path)
    if isinstance(record, list):
        # An array (a timeline, a script's saved items) is told by its first record.
        document = document if document is not None else record
        record = record[0] if record else None
    export = next((e for e in JSON_EXPORTS if e[0](record)), None) if record is not None else None
    return (export, document) if export is not None else None


def _dast_rows(path: Path, opt: ReadOptions, notes: list[Note]) -> Iterator[tuple[Path, int, dict, str]]:
    unread: set[str] = set()
    for line, raw, _ in jsonl_rows(path, opt.encoding, notes):
        unread |= dast_unread(raw)
        yield path, line, dast_fields(path, line, raw), "DAST file"
    if unread:
        notes.append(
            Note(
                where=str(path),
                kind="note",
                message=f"read in DAST's layout; columns not read: {', '.join(sorted(unread))}",
            )
        )


def describe_input(path: Path, opt: ReadOptions) -> str:
    """How ingest reads `path` (which reader, for CSV the delimiter, and the compression it
    is read through), as `_sources` chooses; for `ingest --check`. A file that cannot be
    read says so when it is read."""
    kind = _reader_of(Path(path), opt)
    compression = compression_of(path)
    return f"{kind}, {compression}-compressed" if compression else kind


def _reader_of(path: Path, opt: ReadOptions) -> str:
    if is_convokit_corpus(path):
        return "a ConvoKit corpus"
    if is_reddit_dump(path):
        return "a Reddit dump"
    if looks_like_dast(path):
        return "a DAST file"
    if (whole := _file_export(path)) is not None:
        return whole[2]
    if (found := _json_export(path)) is not None:
        return found[0][2]
    fmt = format_of(path)
    if fmt == "jsonl":
        if inner_suffix(path) == ".json" and json_layout(path, opt.encoding) in ("array", "wrapped"):
            return "a thread file (one JSON array of posts)"
        return "a thread file (JSONL)"
    try:
        if fmt == "xlsx":
            sheet = data_sheet(path, opt, [])
            header, _, _ = workbook_rows(path, sheet)
            book = {".xls": "Excel 97-2003", ".ods": "OpenDocument"}.get(inner_suffix(path), "Excel")
            kind = book if not sheet else f"{book}, sheet {sheet + 1}"
        else:
            with open_text(path, table_encoding(path, opt)) as fh:
                sample = "".join(line for _, line in zip(range(20), fh, strict=False))
            delimiter = delimiter_of(path, sample, opt.delimiter)
            header = next(csv.reader([sample.split("\n", 1)[0]], delimiter=delimiter), [])
            kind = f"CSV, delimiter {delimiter!r}"
    except (InputError, OSError, csv.Error, StopIteration):
        return "a thread file"
    if export := export_of(header_names(header, opt.columns)):
        return f"a {export} export ({kind})"
    return f"a thread file ({kind})"


def validate_row(
    path: Path,
    line: int,
    raw: dict,
    cfg: Config,
    date_forms: Counter | None = None,
    slash_dates: str | None = None,
    relabelled: dict[str, list] | None = None,
) -> ThreadRow:
    """One raw row as a `ThreadRow` (dates normalised), or an error naming its file and line.
    `date_forms` counts, per (file, form), the dates read from a form other than ISO 8601;
    `slash_dates` is the order of dates with slashes (`ReadOptions.slash_dates`);
    `relabelled` keeps, per file, [how many, the first] gold labels written in another case
    or with spaces around them ("FAVOR", " deny"), read as the label they spell."""
    try:
        row = ThreadRow.model_validate(_clean(raw))
    except ValidationError as exc:
        message = validation_message(exc)
        suggested = suggested_options(list(raw), FIELDS)
        if suggested and any(err["type"] == "extra_forbidden" for err in exc.errors()):
            message += f"; your fields look like: {suggested}"
        raise InputError(path, line, message) from None
    if row.created is not None:
        read = read_date(row.created, slash_dates)
        if read is None:
            raise InputError(path, line, _date_message(row.created, slash_dates))
        iso, form = read
        if form is not None and date_forms is not None:
            date_forms[str(path), form] += 1
        row = row.model_copy(update={"created": iso})
    if row.lang is not None and (len(row.lang) not in (2, 3) or not row.lang.isalpha()):
        raise InputError(path, line, f"lang: {row.lang!r} is not an ISO 639 code")
    for task in GOLD_FIELDS:
        value = getattr(row, task)
        labels = cfg.labels_for(task)
        if value is None or value in labels:
            continue
        spelt = cfg.label_spelt(task, value)
        if spelt is None:
            raise InputError(path, line, f"{task}: unknown label {value!r} (known: {', '.join(labels)})")
        row = row.model_copy(update={task: spelt})
        if relabelled is not None:
            seen = relabelled.setdefault(str(path), [0, f"{value!r} as {spelt}"])
            seen[0] += 1
    return row


def _scope_ids(path: Path, line: int, row: ThreadRow) -> ThreadRow:
    """`row` with its id and parent id made unique across threads (`--ids-per-thread`)."""
    if row.thread_id.startswith(PENDING_THREAD):
        raise InputError(path, line, "--ids-per-thread needs each post's thread id, and this post has none")
    try:
        ids = {k: check_id(scoped_id(row.thread_id, getattr(row, k))) for k in ("id", "parent_id")}
    except ValueError as exc:
        raise InputError(path, line, f"id with its thread (--ids-per-thread) {exc}") from None
    return row.model_copy(update=ids)


def _date_message(value: str, slash_dates: str | None) -> str:
    if SLASH_RE.fullmatch(value.strip()):
        if slash_dates is None:
            return (
                f"created: {value!r} has slashes, which American exports write month first and British and "
                "European ones day first: say which with --slash-dates day-first or --slash-dates month-first"
            )
        return f"created: {value!r} is not a date read {slash_dates} (--slash-dates)"
    return (
        f"created: {value!r} is not a date this pipeline reads (ISO 8601 such as 2024-12-04T10:15, Unix epoch "
        "seconds or milliseconds, day-first 04-12-2024, 04.12.2024 or 04.12.24, (onsdag den) 4. december 2024, "
        "December 4, 2024, "
        "Wed, 04 Dec 2024 10:15:00 GMT, 2024-12-04 10:15:00 UTC, or with slashes given --slash-dates)"
    )


THREAD_FILE_SUFFIXES = (
    *(".jsonl", ".ndjson", ".json", ".csv", ".tsv", *WORKBOOK_SUFFIXES, ".zst", ".xml"),
    *(".mbox", ".eml", ".emlx", ".msg"),
)


def _thread_file(path: Path) -> bool:
    return path.is_file() and (
        inner_suffix(path) in THREAD_FILE_SUFFIXES
        or path.suffix.lower() == ".zst"
        or looks_like_kialo(path)
        or looks_like_mail(path)
        or is_text_table(path)
    )


def _archive_inputs(folder: Path) -> list[Path]:
    """The thread files and ConvoKit corpora anywhere in an unpacked archive, in name order
    (an archive keeps a dataset's own layout: `export/threads/a.csv`)."""
    found: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            found.extend([path] if is_convokit_corpus(path) else _archive_inputs(path))
        elif _thread_file(path):
            found.append(path)
    return found


def expand_folders(paths: list[Path], notes: list[Note]) -> list[Path]:
    """`paths` with each folder that is no ConvoKit corpus replaced by the thread files in
    it (by name; not its subfolders): a folder of exports, one file per video or thread.
    A folder an archive was unpacked to (`pipeline.ingest.files.archives`) gives its thread files
    and corpora at any depth. An archive itself is refused: `write_ingest` unpacks it."""
    out: list[Path] = []
    for path in map(Path, paths):
        if is_archive(path):
            raise InputError(
                path,
                0,
                "an archive: ingest unpacks it (ingest --threads ARCHIVE --out FOLDER); give that folder here",
            )
        if not path.is_dir() or is_convokit_corpus(path):
            out.append(path)
            continue
        unpacked = (path / ARCHIVE_STAMP).is_file()
        files = _archive_inputs(path) if unpacked else sorted(p for p in path.iterdir() if _thread_file(p))
        for f in files:
            # As in a pages folder (`ingest.manifest`): no file read through a link leading out.
            if not within(f, path):
                raise InputError(f, 0, "a link to a file outside the folder given: copy the file into the folder")
        if not files:
            manifest = path / "manifest.toml"
            hint = (
                f": it holds a manifest of raw pages; read it with --manifest {manifest} (make run MANIFEST={manifest})"
                if manifest.is_file()
                else ""
            )
            raise InputError(
                path,
                0,
                f"a folder with no thread files ({', '.join(THREAD_FILE_SUFFIXES)}) and no ConvoKit corpus{hint}",
            )
        read = set(files)
        others = sorted(
            str(p.relative_to(path))
            for p in (path.rglob("*") if unpacked else path.iterdir())
            if not p.name.startswith(".")
            and p not in read
            and not (p.is_dir() and unpacked)
            and not read.intersection(p.parents)
        )
        left = f"; left out: {', '.join(others[:5])}{' ...' if len(others) > 5 else ''}" if others else ""
        notes.append(
            Note(where=str(path), kind="note", message=f"folder read as its {len(files)} thread file(s){left}")
        )
        out.extend(files)
    return out


SELF_PARENT_REFUSED = (
    " (refused as --refuse-missing-parents asks; without it the post answers the post its words point to, else "
    "its thread's opening post, and opens the thread where it has no other)"
)


def spill_thread_files(
    paths: list[Path], cfg: Config, store: RowStore, options: ReadOptions | None = None
) -> list[Note]:
    """Read, validate and store every row of the inputs, then check them across files (see
    `read_thread_files`); the notes on what was repaired. Memory stays flat: rows go to
    `store` as they are read."""
    opt = options or ReadOptions()
    notes: list[Note] = []
    paths = expand_folders(paths, notes)
    if opt.flat_replies:
        store.flat_reply_paths.update(str(p) for p in paths)
    forms: Counter = Counter()
    markup: Counter = Counter()
    # What was repaired in the posts' shown fields: kind -> file -> (posts, the first one's line).
    repaired: dict[str, dict[str, tuple[int, int]]] = {kind: {} for kind in _REPAIR_NOTES}

    def repair(row: ThreadRow, kind: str, fix: Callable[[str], str], path: Path, line: int) -> ThreadRow:
        changed = {k: c for k in SHOWN_FIELDS if (v := getattr(row, k)) and (c := fix(v)) != v}
        if not changed:
            return row
        n, first = repaired[kind].get(str(path), (0, line))
        repaired[kind][str(path)] = (n + 1, first)
        return row.model_copy(update=changed)

    relabelled: dict[str, list] = {}

    def rows() -> Iterator[tuple[ThreadRow, Path, int, str | None]]:
        for path, line, raw, extract in _sources(paths, opt, notes, store.flat_reply_paths, store.flat_forum_paths):
            if opt.row_ids and not str(raw.get("id") or "").strip():
                raw = {**raw, "id": f"{path.stem}:{line}"}
            if not str(raw.get("thread_id") or "").strip():
                if opt.thread_per_file:
                    raw = {**raw, "thread_id": path.stem}
                elif opt.threads_from_parents and str(raw.get("id") or "").strip():
                    raw = {**raw, "thread_id": PENDING_THREAD + str(raw["id"]).strip()}
            try:
                row = validate_row(path, line, raw, cfg, forms, opt.slash_dates, relabelled)
                if opt.ids_per_thread:
                    row = _scope_ids(path, line, row)
                if row.parent_id == row.id:
                    if not opt.repair_missing_parents:
                        raise InputError(path, line, f"post {row.id!r} names itself as its parent{SELF_PARENT_REFUSED}")
                    # Some exports mark a thread's opening post, or every top-level comment,
                    # so: read as no parent here, and `RowStore.check` tells which it is.
                    row = row.model_copy(update={"parent_id": None})
                    store.self_parents.append(row.id)
            except InputError as exc:
                refused.add(exc)
                continue
            if opt.comments_only and row.parent_id is None and row.id != row.thread_id:
                # A comment on the post the export left out: that post is the thread's
                # (empty) root, made by `RowStore.check`.
                row = row.model_copy(update={"parent_id": row.thread_id})
            row = repair(row, "controls", _without_controls, path, line)
            row = repair(row, "mojibake", decoded_once, path, line)
            fields = {k: v for k in HTML_FIELDS if (v := getattr(row, k))}
            if any(looks_like_html(v) for v in fields.values()):
                markup[str(path)] += 1
                if opt.html:
                    row = row.model_copy(update={k: html_text(v) for k, v in fields.items()})
            # After the HTML is read: an entity may spell the combining mark ("a&#778;").
            row = repair(row, "decomposed", composed, path, line)
            row = repair(row, "invisible", without_invisibles, path, line)
            yield row, path, line, extract

    refused = Refusals()
    try:
        store.add(rows(), refused)
    except InputError as exc:
        # What stops the reading (a line that does not parse) comes after the rows refused
        # before it.
        refused.add(exc)
    refused.raise_any()
    notes.extend(
        Note(where=where, kind="repaired", message=f"{n} post(s) read from HTML as text (--html)")
        if opt.html
        else Note(
            where=where,
            kind="note",
            message=f"{n} post(s) look like HTML (tags such as <p> or <br>, entities such as &amp;); "
            "pass --html to read them as the text a reader saw",
        )
        for where, n in sorted(markup.items())
    )
    # Not an error: researchers' exports write dates as their tools do. Saying how each was
    # read lets a researcher check that a day-first reading was the right one.
    notes.extend(
        Note(where=where, kind="repaired", message=f"{n} date(s) read from {DATE_FORMS[form]}")
        for (where, form), n in sorted(forms.items())
    )
    notes.extend(
        Note(
            where=where,
            kind="repaired",
            message=f"{n} gold label(s) in another case, with spaces or in another scheme's spelling "
            f"([label_synonyms]), e.g. {example}",
        )
        for where, (n, example) in sorted(relabelled.items())
    )
    notes.extend(
        Note(where=f"{where}:{first}", kind="repaired", message=said(n))
        for kind, said in _REPAIR_NOTES.items()
        for where, (n, first) in sorted(repaired[kind].items())
    )
    notes.extend(store.repeat_notes())
    if store.pending:  # `--threads-from-parents`, or a reader of a format without thread ids
        notes.extend(store.derive_threads())
    notes.extend(store.check(opt.repair_missing_parents, empty_roots=opt.repair_missing_parents or opt.comments_only))
    return notes


def read_thread_files(
    paths: list[Path], cfg: Config, options: ReadOptions | None = None
) -> tuple[list[LocatedRow], list[Note]]:
    """Read and validate generic thread files and Reddit dumps; all or nothing. Rows come
    thread by thread (threads in id order, a thread's rows in input order).

    Reddit dumps (`.zst`, or JSON lines with Reddit's fields) are converted by
    `pipeline.formats.reddit` (with the filters in `options`) and then validated like any thread
    file; 4CAT exports and ConvoKit folders likewise (pipeline.formats.fourcat, pipeline.formats.convokit).

    With `repair_missing_parents`, a reply whose parent is absent from the input becomes a
    reply to its thread's root (as DAST's README prescribes) and a note says so; without
    it, that is an error. Duplicate ids, parents in another thread, reply cycles and
    threads without a root are errors naming the file and line.
    """
    with RowStore() as store:
        notes = spill_thread_files(paths, cfg, store, options)
        rows = [LocatedRow(row, path, line) for thread in store.threads() for row, path, line in thread]
    return rows, notes


def write_thread_file(path: Path, rows: list[ThreadRow]) -> None:
    """Write rows in the generic format (by extension), atomically."""
    path = Path(path)
    fmt = format_of(path)
    with atomic_path(path) as tmp:
        if fmt == "jsonl":
            tmp.write_text("".join(dumps(r.model_dump(mode="json")) + "\n" for r in rows), encoding="utf-8")
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(FIELDS), lineterminator="\n")
                writer.writeheader()
                for r in rows:
                    writer.writerow({k: ("" if v is None else v) for k, v in r.model_dump().items()})
