"""`make bench-mail`: a mailing list's mbox archive read by ingest as a researcher's is,
beside the same posts in a thread file."""

from __future__ import annotations

import json
import re

from pipeline.bench.mail import THREAD_MESSAGES, mail_benchmark, mail_markdown, messages


def test_the_archive_is_read_as_its_messages_reply_links_and_writers(tmp_path):
    n = THREAD_MESSAGES + 10
    result = mail_benchmark([n], tmp_path)  # raises where ingest reads other reply links
    (run,) = result["runs"]
    assert set(run) == {"posts", "thread_file", "mbox"}
    posts = [json.loads(line) for line in (tmp_path / f"n{n}" / "mbox" / "posts.jsonl").read_text().splitlines()]
    names = {m["id"]: m["name"] for m in messages(n)}
    assert {p["id"]: p["authors"][0]["name"] for p in posts} == names, "Pipermail's 'user at host (Name)'"
    threads = {p["thread_id"] for p in posts}
    assert threads == {"0@lists.example.dk", f"{THREAD_MESSAGES}@lists.example.dk"}
    quoting = [p for p in posts if p["parent_id"]]
    assert all(p["text"].split("\n")[1].startswith("> ") for p in quoting), "the parent's line stays quoted"
    assert re.search(r"\| mbox archive \| 60 \| [\d.]+ \| [\d.]+ \| \d+ \| \d+ \|", mail_markdown(result))
