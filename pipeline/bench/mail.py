"""`make bench-mail N_MAIL="10000 100000"`: ingest of a mailing list's mbox archive at
growing sizes, beside the same posts given as a thread file.

An archive is read a message at a time (`pipeline.formats.mail`): its cost and memory must
grow with the archive as a thread file's do, and the email package's parsing is its own
cost above it (its parsed headers took 130 s for 100,000 messages before 2026-12-07, 46 s
read as written). The archive: threads of 50 messages, each reply naming a recent message
of its thread in In-Reply-To and References, Pipermail's separators and obfuscated
addresses, a signature under some, a quoted line of the parent in most, Mailman's footer
under each; texts drawn from the seeds. The baseline, measured in the same run: the same
posts in a thread file that names their parents (`ingest --threads`).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import random
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from pipeline.bench.runs import render_section, section_saver
from pipeline.bench.scale import measure, run_exponents
from pipeline.bench.synth import seed_sentences
from pipeline.core.artifacts import write_text

log = logging.getLogger(__name__)

THREAD_MESSAGES = 50
INPUTS = ("thread_file", "mbox")
FOOTER = (
    "_______________________________________________\nDebat mailing list\n"
    "https://lists.example.dk/mailman/listinfo/debat\n"
)
START = datetime(2024, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=1)))


def messages(n: int, seed: int = 0) -> list[dict]:
    """`n` messages in threads of `THREAD_MESSAGES`, oldest first: id, parent, thread,
    writer (a user name and a display name), date, subject and words."""
    rng = random.Random(seed)
    pool = seed_sentences()
    out = []
    for i in range(n):
        first = i - i % THREAD_MESSAGES
        parent = None if i == first else rng.randrange(max(first, i - 10), i)
        user = rng.randrange(max(2, n // 5))
        out.append(
            {
                "id": f"{i}@lists.example.dk",
                "parent": None if parent is None else f"{parent}@lists.example.dk",
                "thread": f"{first}@lists.example.dk",
                "user": f"user{user}",
                "name": f"Bruger {user}",
                "date": START + timedelta(minutes=7 * i),
                "subject": f"Tråd {first // THREAD_MESSAGES}: {pool[first % len(pool)][:40]}",
                "text": " ".join(rng.choice(pool) for _ in range(3)),
                "signed": rng.random() < 0.2,
            }
        )
    return out


def mbox(msgs: list[dict]) -> str:
    """The messages as a Pipermail archive's text."""
    by_id = {m["id"]: m for m in msgs}
    out = []
    for m in msgs:
        parent = by_id.get(m["parent"]) if m["parent"] else None
        head = [
            f"From {m['user']} at example.dk  {m['date'].strftime('%a %b %d %H:%M:%S %Y')}",
            f"From: {m['user']} at example.dk ({m['name']})",
            f"Date: {format_datetime(m['date'])}",
            f"Subject: {'Re: ' if parent else ''}[Debat] {m['subject']}",
            f"Message-ID: <{m['id']}>",
        ]
        if parent:
            head += [f"In-Reply-To: <{parent['id']}>", f"References: <{m['thread']}> <{parent['id']}>"]
        body = [m["text"]]
        if parent:
            body = [f"{parent['name']} skrev:", f"> {parent['text'].split('.')[0]}.", "", *body]
        if m["signed"]:
            body += ["", "-- ", m["name"], "Socialrådgiver"]
        out.append("\n".join([*head, "Content-Type: text/plain; charset=utf-8", "", *body, "", FOOTER]))
    return "\n".join(out)


def thread_rows(msgs: list[dict]) -> str:
    """The same posts as a generic thread file (JSONL) naming their parents."""
    rows = [
        {
            "id": m["id"],
            "thread_id": m["thread"],
            "parent_id": m["parent"],
            "author": m["name"],
            "created": m["date"].isoformat(),
            "title": m["subject"] if m["parent"] is None else "",
            "text": m["text"],
        }
        for m in msgs
    ]
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def mail_benchmark(sizes: list[int], work_dir: Path, on_size: Callable[[dict], None] | None = None) -> dict:
    """The archive and the thread file at each size, each ingested in its own process. An
    archive whose messages or reply links ingest does not all read is an error: the
    numbers would time another archive."""
    base = [sys.executable, "-m", "pipeline", "-q", "ingest"]
    runs: list[dict] = []
    result: dict = {}
    for n in sorted(sizes):
        work = Path(work_dir) / f"n{n}"
        msgs = messages(n)
        write_text(work / "threads.jsonl", thread_rows(msgs))
        write_text(work / "debat-2024.txt", mbox(msgs))
        run = {
            "posts": n,
            "thread_file": measure([*base, "--threads", str(work / "threads.jsonl"), "--out", str(work / "threads")]),
            "mbox": measure([*base, "--threads", str(work / "debat-2024.txt"), "--out", str(work / "mbox")]),
        }
        with (work / "mbox" / "posts.jsonl").open(encoding="utf-8") as fh:
            parents = {p["id"]: p["parent_id"] for p in map(json.loads, fh)}
        if parents != {m["id"]: m["parent"] for m in msgs}:
            raise RuntimeError(f"{work / 'debat-2024.txt'}: ingest read other messages or reply links than it holds")
        log.info("bench-mail %d messages: %s", n, run)
        runs.append(run)
        machine = {"cores": os.cpu_count(), "cpu": platform.machine(), "python": platform.python_version()}
        result = {"machine": machine, "runs": runs, "exponents": run_exponents(runs, INPUTS)}
        if on_size is not None:
            on_size(result)
    return result


def mail_markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        "## Scale: a mailing list's archive",
        "",
        f"Produced by `make bench-mail` on {m['cores']} cores ({m['cpu']}, Python {m['python']}). A mailing "
        f"list's archive as Pipermail offers it (mbox; threads of {THREAD_MESSAGES} messages, each reply naming a "
        "recent message of its thread, quoting a line of it, a fifth signed, Mailman's footer under each; texts "
        "drawn from the seeds), read by `ingest --threads` in its own process (start-up included), every reply "
        "link checked against the archive's. **Baseline**, in the same run: the same posts in a thread file that "
        "names their parents. Wall seconds, and times the baseline; memory is the process's peak resident set.",
        "",
        "| input | messages | s | x thread file | messages/s | peak MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in result["runs"]:
        base = r["thread_file"]
        for name, key in (("thread file (baseline)", "thread_file"), ("mbox archive", "mbox")):
            s = r[key]
            lines.append(
                f"| {name} | {r['posts']:,} | {s['wall_s']:.1f} | {s['wall_s'] / base['wall_s']:.2f} | "
                f"{r['posts'] / s['wall_s']:.0f} | {s['peak_mb']:.0f} |"
            )
    if result["exponents"]:
        a, b = result["runs"][0]["posts"], result["runs"][-1]["posts"]
        lines += [
            "",
            f"Growth exponent of wall time from {a:,} to {b:,} messages (1.0 = linear; start-up counts at both "
            "sizes): " + ", ".join(f"{k.replace('_', ' ')} {result['exponents'][k]}" for k in INPUTS) + ".",
        ]
    return "\n".join(lines) + "\n"


def run_mail(sizes: list[int], work_dir: Path, out_json: Path) -> dict:
    return mail_benchmark(sizes, work_dir, on_size=section_saver(out_json, "mail", mail_markdown))


def render(out_json: Path) -> None:
    render_section(out_json, "mail", mail_markdown)
