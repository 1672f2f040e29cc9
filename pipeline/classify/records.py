"""The stage folders read back a thread at a time: a corpus's posts with their units and
every label classify gave them. What the graph stage, the report and the ConvoKit export
stream over, so that none of them holds a corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.core.schema import KeyPoint, Post, PostLabels, Relation, Unit, UnitLabels
from pipeline.core.stream import ThreadCursor, by_thread, handed_over
from pipeline.core.tables import iter_records, stage_file
from pipeline.segment.ids import parse_unit_id

ThreadRecord = tuple[list[Post], list[Unit], list[PostLabels], list[UnitLabels], list[Relation], list[KeyPoint]]


def thread_records(corpus_dir: Path, segments_dir: Path, pred_dir: Path) -> Iterator[ThreadRecord]:
    """(posts, units, post labels, unit labels, relations, key points) of every thread."""
    corpus_dir, segments_dir, pred_dir = Path(corpus_dir), Path(segments_dir), Path(pred_dir)
    posts_file = stage_file(corpus_dir, "posts")
    # Unit labels and relations name a post, not a thread: the current thread's posts are
    # all that is needed to tell where its records end (a later thread's posts are unknown).
    thread_of: dict[str, str] = {}

    def stream(name: str, model: type, thread: Callable) -> ThreadCursor:
        path = stage_file(pred_dir, name)
        return ThreadCursor(iter_records(path, model), thread, path)

    units_file = stage_file(segments_dir, "units")
    units = ThreadCursor(iter_records(units_file, Unit), lambda u: u.thread_id, units_file)
    cursors = [
        stream("posts", PostLabels, lambda x: x.thread_id),
        stream("units", UnitLabels, lambda x: thread_of.get(x.post_id)),
        stream("relations", Relation, lambda r: thread_of.get(parse_unit_id(r.source_id)[0])),
        stream("key_points", KeyPoint, lambda k: k.thread_id),
    ]
    for tposts in by_thread(iter_records(posts_file, Post), posts_file):
        tid = tposts[0].thread_id
        thread_of.clear()
        thread_of.update((p.id, tid) for p in tposts)
        yield (handed_over(tposts), units.take(tid), *(c.take(tid) for c in cursors))
    for c in (units, *cursors):
        c.check_done()
