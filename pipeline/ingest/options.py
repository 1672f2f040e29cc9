"""How ingest reads researchers' files: the options of `ingest --threads` as one value
that the readers, the row store and thread building share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ReadOptions:
    """How to read researchers' files: repair missing parents, the text encoding and CSV
    delimiter (detected when None), and the filters applied to Reddit dumps."""

    # A reply whose parent is not in the input answers the post its words point to, else
    # its thread's root (an empty one where the thread has none), and a note says so: a
    # deleted or uncollected parent is ordinary in real data (`--refuse-missing-parents`
    # turns it into an error, for files that must be complete).
    repair_missing_parents: bool = True
    encoding: str | None = None
    delimiter: str | None = None
    subreddits: frozenset[str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    # (field, the file's column): `--columns text=body`; see `parse_columns`.
    columns: tuple[tuple[str, str], ...] = ()
    ignore_columns: bool = False
    # Titles, texts and self-descriptions are HTML (`pipeline.ingest.markup`).
    html: bool = False
    # Posts without a parent, but a thread's first, answer a post that is inferred
    # (`pipeline.ingest.build.build_thread`).
    infer_replies: bool = False
    # A file without thread ids holds one thread, named after the file (a video's or a
    # post's comments exported one file each).
    thread_per_file: bool = False
    # A row without an id is named by its file and line ("kommentarer:7"): tables copied from
    # a page or a browser scraper (Instant Data Scraper, Web Scraper) number nothing.
    row_ids: bool = False
    # Files without thread ids whose posts name their parents (a scraper's
    # id and reply-to columns): a post's thread is its reply chain's first post
    # (`RowStore.derive_threads`).
    threads_from_parents: bool = False
    # The files hold comments without the post they comment on: each thread gets an empty
    # root, which the comments without a parent answer (give its statement in `target`).
    comments_only: bool = False
    # How dates with slashes are read: "day-first" (02/01/2024 is 2 January, as British and
    # most European exports write it) or "month-first" (American); None refuses them.
    slash_dates: str | None = None
    # Post ids are unique only within their thread (comments numbered 1, 2, 3 under each
    # article, as news sites' archives and per-article scrapes number them): each id and
    # parent id is read as `<thread id>/<id>` (`scoped_id`).
    ids_per_thread: bool = False
    # The platform files replies to replies under the comment (Facebook, Instagram; YouTube
    # exports are known without it): a reply that opens by naming an earlier replier answers
    # that reply (`replies.addressed_in_section`).
    flat_replies: bool = False


def scoped_id(thread_id: str, post_id: str | None) -> str | None:
    """A post id made unique across threads (`ReadOptions.ids_per_thread`). The thread's own
    id stays as it is: a row that is the thread's opening post often carries it, and replies
    to that post name it."""
    if post_id is None or post_id == thread_id:
        return post_id
    return f"{thread_id}/{post_id}"
