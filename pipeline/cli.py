"""`python -m pipeline <command>`: thin wrappers that read, call a stage, and write.

Errors in the input (a bad file, a bad row, a missing model) print one message naming
the file and line and exit with status 2; nothing is half-written because every stage
writes through `artifacts.atomic_*`.
"""

from __future__ import annotations

import argparse
import errno
import gc
import logging
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

from pipeline.core.artifacts import display_path
from pipeline.core.config import (
    INTERIM_DIR,
    MODELS_DIR,
    PROCESSED_DIR,
    SEEDS_DIR,
    load_config,
)
from pipeline.core.errors import ModelError, PipelineError
from pipeline.core.tables import FORMATS, count_records, iter_records, stage_file
from pipeline.executors.local import resolve_workers, set_engine

log = logging.getLogger("pipeline")

CORPUS = INTERIM_DIR / "corpus"
SEGMENTS = INTERIM_DIR / "segments"
PREDICTIONS = PROCESSED_DIR / "predictions"
GRAPHS = PROCESSED_DIR / "graphs"


def _optional_model(path: Path | None, what: str):
    """Load a model folder, or None (with a warning) when it is absent."""
    from pipeline.models.store import load_model

    if path is None:
        return None
    if not (Path(path) / "metrics.json").exists():
        log.warning("no %s model at %s: cue rules and defaults decide, and every label says so", what, path)
        return None
    model = load_model(path)
    if model.task != what:
        raise ModelError(f"{path}: is a {model.task} model, not {what}")
    return model


def checked_inputs(stage: str, args) -> dict:
    """Check that --corpus, --segments and --predictions belong together; the manifest of
    the stage that reads them."""
    from pipeline.core import lineage

    folders = {"corpus": args.corpus, "segments": args.segments, "predictions": args.predictions}
    lineage.check(**folders)
    return lineage.manifest(stage, **folders)


# --- stages ----------------------------------------------------------------------------


def cmd_ingest(args, cfg) -> None:
    import os

    # Language ID runs on lingua's own thread pool, sized once from this variable.
    os.environ.setdefault("RAYON_NUM_THREADS", str(resolve_workers(args.workers)))
    from pipeline.ingest.build import write_ingest

    options = None
    if args.threads:
        from pipeline.ingest.files.rows import parse_columns
        from pipeline.ingest.options import ReadOptions

        since, until = _day(args.since, "--since"), _day(args.until, "--until")
        if since and until and since >= until:
            raise PipelineError(f"--since {args.since} is not before --until {args.until}: no post could be kept")
        options = ReadOptions(
            repair_missing_parents=args.repair_missing_parents,
            encoding=args.encoding,
            delimiter=args.delimiter,
            subreddits=frozenset(args.subreddit) if args.subreddit else None,
            since=since,
            until=until,
            columns=parse_columns(args.columns),
            ignore_columns=args.ignore_columns,
            html=args.html,
            infer_replies=args.infer_replies,
            thread_per_file=args.thread_per_file,
            row_ids=args.row_ids,
            threads_from_parents=args.threads_from_parents,
            comments_only=args.comments_only,
            slash_dates=args.slash_dates,
            ids_per_thread=args.ids_per_thread,
            flat_replies=args.flat_replies,
        )
    if not args.manifest and not args.threads:
        raise PipelineError("nothing to ingest: give --manifest and/or --threads")
    if args.parents_by_meaning:
        cfg = _with_meaning_encoder(cfg)
    if args.check:
        return _check_ingest(args, cfg, options)
    storage = args.storage or cfg.scale.storage
    written = write_ingest(
        args.out, cfg, args.manifest, args.threads, options, resolve_workers(args.workers), storage=storage
    )
    counts = written["counts"]
    log.info(
        "ingest: %d threads, %d posts (%d comments), %d participants -> %s; notes: %s",
        counts["threads"],
        counts["posts"],
        counts["comments"],
        counts["participants"],
        args.out,
        written["notes_by_kind"] or "none",
    )


def _with_meaning_encoder(cfg):
    """`cfg` with `[replies] meaning_encoder` naming the project's multilingual-e5-small
    folder, unless the config names another."""
    from pipeline.core.config import E5_DIR

    folder = Path(cfg.replies.meaning_encoder) if cfg.replies.meaning_encoder else E5_DIR
    if not (folder / "config.json").exists():
        raise PipelineError(
            f"--parents-by-meaning needs the encoder folder {folder}, which is not built: run `make setup`"
        )
    return cfg.model_copy(update={"replies": cfg.replies.model_copy(update={"meaning_encoder": str(folder)})})


def _check_ingest(args, cfg, options) -> None:
    """`ingest --check`: read the inputs as ingest would, write the corpus to a temporary
    folder only, and print what it would hold, how it was read and its first posts, so
    that options such as --columns can be tried before a run."""
    import tempfile

    from pipeline.core.corpus import notes_summary, read_notes
    from pipeline.core.schema import Post
    from pipeline.ingest.build import write_ingest
    from pipeline.ingest.files.archives import unpack_archives, unpacked_dir
    from pipeline.ingest.files.threads import describe_input, expand_folders
    from pipeline.ingest.options import ReadOptions

    with tempfile.TemporaryDirectory(prefix="ingest-check-") as tmp:
        out = Path(tmp) / "corpus"
        # Archives are unpacked into the temporary folder too, and named as archive/member.
        unpacked = unpack_archives(args.threads, unpacked_dir(out), []) if args.threads else []
        inputs = [
            (str(path).replace(f"{unpacked_dir(out)}/", ""), describe_input(path, options or ReadOptions()))
            for path in expand_folders(unpacked, [])
        ]
        written = write_ingest(out, cfg, args.manifest, args.threads, options, resolve_workers(args.workers))
        notes = read_notes(out)
        first: list[Post] = []
        # What decided each inferred parent (the rules' precision: docs/benchmarks.md).
        decided_by: Counter = Counter()
        for p in iter_records(stage_file(out, "posts"), Post):
            if len(first) < 5:
                first.append(p)
            if (rule := _deciding_rule(p)) is not None:
                decided_by[rule] += 1
    counts = written["counts"]
    lines = [f"{path}: read as {how}" for path, how in inputs]
    lines += [
        f"would write {counts['threads']} threads, {counts['posts']} posts ({counts['comments']} comments), "
        f"{counts['participants']} participants (nothing written: --check)",
        f"notes: {len(notes)}",
    ]
    for r in notes_summary(notes):
        example = f" (e.g. {r['example']})" if r["example"] else ""
        lines.append(f"  {r['kind']:9} {r['count']:>6}  {r['what']}{example}  [{r['where']}]")
    if decided_by:
        said = ", ".join(f"{rule} {n}" for rule, n in sorted(decided_by.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"inferred parents, by the rule that decided: {said}")
    lines.append("first posts:")
    for p in first:
        text = " ".join(f"{p.title} {p.text}".split())
        how = f" ({rule})" if (rule := _deciding_rule(p)) else ""
        lines.append(
            f"  {p.id} thread={p.thread_id} parent={p.parent_id}{how} author={p.author} created={p.created} "
            f"lang={p.lang}: {text[:70]!r}"
        )
    # The temporary folder's archives are named as archive/member.
    print("\n".join(lines).replace(f"{unpacked_dir(out)}/", ""))


def _deciding_rule(post) -> str | None:
    """The rule that chose an inferred parent; None where the input gave the parent."""
    if not post.parent_evidence:
        return None
    rule = post.parent_rule or "default"
    return None if rule == "given" else rule


def _day(value: str | None, option: str):
    """An ISO date (or date-time) from the command line as an aware UTC date-time."""
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise PipelineError(f"{option} {value!r} is not an ISO 8601 date (e.g. 2019-03-01)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def cmd_segment(args, cfg) -> None:
    from pipeline.segment import units as segment

    model = None if args.no_model else _optional_model(args.model, "unit_type")
    n_sent, n_units = segment.run(args.corpus, args.out, model, cfg, resolve_workers(args.workers))
    log.info("segment: %d sentences, %d units -> %s", n_sent, n_units, args.out)


def cmd_classify(args, cfg) -> None:
    from pipeline.classify.modelset import Models
    from pipeline.classify.stage import ClassifyRun, classify_files
    from pipeline.core import lineage

    lineage.check(corpus=args.corpus, segments=args.segments)
    made_from = lineage.manifest("classify", corpus=args.corpus, segments=args.segments)
    reply_model = args.reply_model or _default_reply_model(args, cfg)
    models = Models(
        target_stance=None if args.no_model else _optional_model(args.target_model, "target_stance"),
        reply_stance=None if args.no_model else _optional_model(reply_model, "reply_stance"),
        role=None if args.no_model else _optional_model(args.role_model, "role"),
    )
    unit_model = None if args.no_model else _optional_model(args.unit_model, "unit_type")
    if args.no_encoder:
        for model in (models.target_stance, models.reply_stance, models.role):
            if model is not None and model.encoder_features:
                raise ModelError(
                    f"{display_path(model.path)} reads the embeddings of {model.encoder_features}, and "
                    f"--no-encoder (BACKEND=sklearn) uses no encoder: choose a model without encoder "
                    f"features (the default {model.task} model is {display_path(MODELS_DIR / model.task)})"
                )
    workers = resolve_workers(args.workers)
    if models.reply_stance is not None and models.reply_stance.encoder_features:
        # Said up front: on a CPU this is most of classify's time on a corpus seen first.
        log.info(
            "classify: reply stance reads the embeddings of %s; posts not yet in its cache are encoded "
            "once, %d at a time (about 35-55 texts/s on 2 CPU cores; %d posts here). BACKEND=sklearn "
            "(--no-encoder) uses no encoder",
            models.reply_stance.encoder_features,
            workers,
            count_records(stage_file(Path(args.corpus), "posts")),
        )
    from pipeline.models import embed as embedding

    # The encoder keeps to the cores `-j` grants, like the stage's worker processes.
    embedding.set_threads(workers)
    embed, encoder = _key_point_encoder(args, cfg)
    run = ClassifyRun(models, cfg, unit_model, embed, encoder, workers)
    provenance = classify_files(args.corpus, args.segments, args.out, run, made_from)
    decided = provenance["decided_by"]
    log.info(
        "classify: %d posts, %d units, %d participants, %d relations -> %s; decided by %s",
        sum(decided["target_stance"].values()),
        sum(decided["unit_type"].values()),
        sum(decided["role"].values()),
        sum(provenance["relations_by_origin"].values()),
        args.out,
        decided,
    )


def _default_reply_model(args, cfg) -> Path:
    """The encoder profile's reply model (n-grams plus e5 features, 0.523 against 0.512
    leave-one-topic-out) where its encoder is built and wanted, else the n-gram one."""
    from pipeline.core.artifacts import read_json
    from pipeline.core.config import PROJ_ROOT

    plain, joined = MODELS_DIR / "reply_stance", MODELS_DIR / "reply_stance_e5"
    if args.no_encoder or not (joined / "metrics.json").exists():
        return plain
    encoder = read_json(joined / "metrics.json")["settings"]["params"]["encoder"]
    if not (PROJ_ROOT / encoder / "config.json").exists():
        log.warning("no encoder at %s (run `make setup`): reply stance from %s", encoder, plain)
        return plain
    return joined


def _key_point_encoder(args, cfg):
    """(embed function, encoder path as shown) for key points, or (None, None) without one."""
    from pipeline.core.config import PROJ_ROOT

    if args.no_encoder:
        return None, None
    folder = Path(args.encoder) if args.encoder else PROJ_ROOT / cfg.key_points.encoder
    if not (folder / "config.json").exists():
        log.warning("no encoder at %s (run `make setup`): claims are not grouped into key points", folder)
        return None, None
    from pipeline.models.embed import shared_embedder

    return shared_embedder(folder).encode, display_path(folder)


def cmd_graph(args, cfg) -> None:
    from pipeline.graph.files import write_graph_files

    made_from = checked_inputs("graph", args)
    limit = cfg.graph.max_corpus_nodes
    done = write_graph_files(
        args.corpus,
        args.segments,
        args.predictions,
        args.out,
        cfg.graph.colors,
        limit,
        cfg.scale.shard_posts,
        resolve_workers(args.workers),
        made_from,
    )
    if not done["whole"]:
        log.warning(
            "graph: the corpus graph has %d nodes, more than Gephi handles well ([graph] max_corpus_nodes = %d): "
            "no corpus.graphml/.gexf; open threads/*.graphml or participants.gexf, or load nodes/edges.csv",
            done["nodes"],
            limit,
        )
    if not done.get("participant_gephi", True):
        log.warning(
            "graph: %d participants, more than [graph] max_corpus_nodes = %d: no participants.graphml/.gexf; "
            "load participant_nodes/participant_edges.csv (or .parquet)",
            done["participants"],
            limit,
        )
    log.info("graph: %d nodes -> %s", done["nodes"], args.out)


# --- parser ----------------------------------------------------------------------------


def positive_number(text: str) -> float:
    """An argparse type: a number above 0 (a regularisation strength, a learning rate, a
    number of epochs), a usage error otherwise rather than a library's traceback."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not x > 0 or x == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {text}")
    return x


def at_least(minimum: int):
    """An argparse type: a whole number of at least `minimum` (a clear usage error, exit 2,
    rather than a negative batch size that silently selects nothing)."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {n}")
        return n

    return parse


def file_name(text: str) -> str:
    """An argparse type: a name that can name a file as it is (the report's `--name`), so
    that no output is written outside its folder ("../../x" is refused)."""
    from pipeline.core.artifacts import check_safe_id

    try:
        return check_safe_id(text, "name")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _workers_option(s, what: str = "worker processes over thread shards") -> None:
    s.add_argument(
        "-j",
        "--workers",
        type=at_least(0),
        default=0,
        metavar="N",
        help=f"{what} (default 0: one per core); outputs do not depend on N",
    )


def missing_parents_option(s) -> None:
    s.add_argument(
        "--refuse-missing-parents",
        dest="repair_missing_parents",
        action="store_false",
        help="refuse a reply whose parent is not in the input, or that names itself as its parent "
        "(default: it answers the post its words point to, "
        "else its thread's root, an empty one where the thread has none, and the ingest report says so)",
    )
    # The default since 2026-12-05; kept so that scripts that pass it still run.
    s.add_argument(
        "--repair-missing-parents", dest="repair_missing_parents", action="store_true", help=argparse.SUPPRESS
    )
    s.set_defaults(repair_missing_parents=True)


def ids_per_thread_option(s) -> None:
    s.add_argument(
        "--ids-per-thread",
        action="store_true",
        help="thread files whose post ids are unique only within a thread (comments numbered 1, 2, 3 under each "
        "article): each id and parent id is read as THREAD/ID (a thread's own id stays as it is)",
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline", description="Argument and stance mining for Danish and Swedish debate threads."
    )
    p.add_argument("--config", type=Path, default=None, help="config TOML (default: pipeline/core/config.toml)")
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    p.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="where stages run their thread shards: this machine's cores (default) or Ray (docs/scaling.md)",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("ingest", help="raw pages and thread files -> clean corpus")
    s.add_argument(
        "--manifest",
        type=Path,
        help=f"seed manifest (e.g. {SEEDS_DIR.name}/manifest.toml), or a folder of pages without one "
        "(each page's kind and language read from it)",
    )
    s.add_argument(
        "--threads",
        type=Path,
        nargs="+",
        help="thread files (.jsonl/.csv/.xlsx/.xls/.ods), Reddit dumps (.zst or NDJSON), 4CAT CSV, DAST JSONL, "
        "ConvoKit folders; folders of these, and zip or tar archives of these (unpacked beside --out)",
    )
    missing_parents_option(s)
    s.add_argument(
        "--encoding",
        help="encoding of CSV/JSONL thread files, e.g. cp1252 (default: UTF-8, with or without BOM; a CSV with "
        "no UTF-8 in it is read as cp1252, with a note)",
    )
    s.add_argument("--delimiter", choices=(",", ";", "\t"), help="CSV delimiter (default: detected among , ; and tab)")
    s.add_argument(
        "--columns",
        nargs="+",
        metavar="FIELD=COLUMN",
        help="thread files: read your column COLUMN as the field FIELD, e.g. id=comment_id text=body author=username",
    )
    s.add_argument(
        "--ignore-columns",
        action="store_true",
        help="thread files: leave out columns that are no field (listed in the ingest report) instead of refusing",
    )
    s.add_argument(
        "--html",
        action="store_true",
        help="thread files: titles and texts are HTML (<p>, <br>, &amp;): read them as the text a reader saw",
    )
    s.add_argument(
        "--infer-replies",
        action="store_true",
        help="thread files of flat forums or comment lists: a thread's first post opens it, and the parent of every "
        "other post without one is inferred from quotations and forms of address, with the evidence",
    )
    s.add_argument(
        "--parents-by-meaning",
        action="store_true",
        help="flat comment lists (raw pages, --infer-replies): a comment no cue links answers the earlier comment "
        "closest to it in meaning (multilingual-e5-small), where it is clearly closer than the article; slower, "
        "it encodes every comment ([replies] in config.toml)",
    )
    s.add_argument(
        "--slash-dates",
        choices=("day-first", "month-first"),  # pipeline.ingest.dates.SLASH_ORDERS, not imported for --help
        help="read dates with slashes day first (02/01/2024 is 2 January, as British and most European exports "
        "write them) or month first (American exports); without it they are refused, since one value cannot tell",
    )
    s.add_argument(
        "--thread-per-file",
        action="store_true",
        help="thread files without thread ids: each file is one thread, named after the file",
    )
    s.add_argument(
        "--row-ids",
        action="store_true",
        help="thread files without post ids (a table copied from a page or a browser scraper): a row without an "
        "id is named by its file and line ('kommentarer:7')",
    )
    s.add_argument(
        "--threads-from-parents",
        action="store_true",
        help="thread files without thread ids whose posts name their parents (a scraper's id and reply-to "
        "columns): each post joins the thread its reply chain starts (Mastodon statuses are read so without it)",
    )
    s.add_argument(
        "--comments-only",
        action="store_true",
        help="thread files of comments without the post they comment on (a video, a Facebook post, an article): "
        "each thread gets an empty root, which comments without a parent answer; give its statement in `target`",
    )
    s.add_argument(
        "--flat-replies",
        action="store_true",
        help="the platform files replies to replies under the comment (Facebook, Instagram): a reply that opens by "
        "naming an earlier replier ('@Mette', 'Mette Lund ...') answers that reply, with its evidence (YouTube "
        "exports are read so without it)",
    )
    ids_per_thread_option(s)
    s.add_argument("--subreddit", nargs="+", help="Reddit dumps: keep only these subreddits")
    s.add_argument("--since", help="Reddit dumps: keep posts created on or after this date (UTC)")
    s.add_argument("--until", help="Reddit dumps: keep posts created before this date (UTC)")
    s.add_argument("--out", type=Path, default=CORPUS)
    s.add_argument(
        "--storage",
        choices=FORMATS,
        help="how the corpus, and every later stage after it, keeps its tables: jsonl (one JSON object per line) or "
        "parquet (typed and compressed, for millions of posts); default: [scale] storage in the config (jsonl)",
    )
    s.add_argument(
        "--check",
        action="store_true",
        help="read the inputs and print what the corpus would hold, how it was read and its first posts; nothing is "
        "written to --out (the corpus is built in a temporary folder under TMPDIR, then removed)",
    )
    _workers_option(s)
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("segment", help="corpus -> sentences and typed argumentative units")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--model", type=Path, default=MODELS_DIR / "unit_type")
    s.add_argument("--no-model", action="store_true", help="cue rules only")
    s.add_argument("--out", type=Path, default=SEGMENTS)
    _workers_option(s)
    s.set_defaults(func=cmd_segment)

    s = sub.add_parser("classify", help="target stance, reply stance, role, unit relations")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--segments", type=Path, default=SEGMENTS)
    s.add_argument("--target-model", type=Path, default=MODELS_DIR / "target_stance")
    s.add_argument(
        "--reply-model",
        type=Path,
        help="default: models/reply_stance_e5 (n-grams and the encoder's embeddings), or "
        "models/reply_stance (n-grams only) with --no-encoder or where the encoder is not built",
    )
    s.add_argument("--role-model", type=Path, default=MODELS_DIR / "role")
    s.add_argument("--unit-model", type=Path, default=MODELS_DIR / "unit_type", help="only for provenance")
    s.add_argument("--no-model", action="store_true", help="cue rules only")
    s.add_argument("--encoder", type=Path, help="encoder folder for key points (default: [key_points] in config)")
    s.add_argument("--no-encoder", action="store_true", help="no embeddings: every claim is its own key point")
    s.add_argument("--out", type=Path, default=PREDICTIONS)
    _workers_option(s)
    s.set_defaults(func=cmd_classify)

    s = sub.add_parser("graph", help="reply/argument and participant graphs -> GraphML, GEXF, CSV")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--segments", type=Path, default=SEGMENTS)
    s.add_argument("--predictions", type=Path, default=PREDICTIONS)
    s.add_argument("--out", type=Path, default=GRAPHS)
    _workers_option(s)
    s.set_defaults(func=cmd_graph)

    from pipeline import commands

    commands.add_commands(sub)
    _document_defaults(p)
    return p


def _document_defaults(parser: argparse.ArgumentParser) -> None:
    """Every option whose help does not say its default gets it, so `--help` tells a
    researcher where each command reads and writes without opening the Makefile."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _document_defaults(child)
            continue
        default = action.default
        if not action.option_strings or default is None or default is False or default == argparse.SUPPRESS:
            continue
        if action.const is not None:  # flags (store_true and the like) say what they switch on
            continue
        shown = display_path(default) if isinstance(default, Path) else str(default)
        if isinstance(default, list | tuple):
            shown = " ".join(display_path(d) if isinstance(d, Path) else str(d) for d in default)
        note = f"default: {shown}".replace("%", "%%")
        if not action.help:
            action.help = note
        elif "default" not in action.help:
            action.help = f"{action.help} ({note})"


def _out_of_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return "disk is full" in str(exc)


# The stages stream millions of small objects (records, dicts, labels) that live as long
# as their shard. With CPython's default thresholds (a collection every 700 allocations,
# and full ones over everything alive, imported modules included) the collector took half
# of the report stage's time at 100k posts (45 s -> 24 s with these, same peak memory).
# Reference cycles are still collected, only less often; worker processes inherit this.
GC_THRESHOLDS = (50_000, 20, 20)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    start = time.monotonic()
    default_gc = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cfg = load_config(args.config)
        set_engine(args.engine)
        args.func(args, cfg)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; outputs of the unfinished step were not written", file=sys.stderr)
        return 130
    except (OSError, sqlite3.OperationalError) as exc:
        if not _out_of_space(exc):
            raise
        print(
            f"error: the disk ran out of space ({exc}); outputs of the unfinished step were not written. "
            "Free space, or point TMPDIR at a disk with room (large corpora spill rows there while a stage runs)",
            file=sys.stderr,
        )
        return 2
    finally:
        gc.set_threshold(*default_gc)
    log.debug("%s took %.1fs", args.command, time.monotonic() - start)
    return 0
