"""A forum thread saved one file per page (Flashback shows a dozen posts a page, phpBB ten
to twenty-five; a long thread runs to hundreds of pages): the pages, read as one thread.

Forum pages are one thread's when they carry the same title (a reply's "Re: " aside) on
the same site. Their posts are put in the thread's order: by the forum's post numbers
where it numbers them, else the page with the opening post first and the others by their
first post's date. Pages whose numbered posts overlap (a page saved twice, or two threads
that share a title) are kept apart, with a note. The joined thread keeps the first page's
id and opening post; its replies keep the forum's numbers (post #n is reply n - 1), or
are numbered anew from 1 where it prints none, and who answers whom is inferred again
over all its posts, so a quotation of a post on an earlier page finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from pipeline.core.schema import Note, Post, Thread
from pipeline.ingest.pages.forum import REPLY_PREFIX_RE, ForumPosts

# The note a page gets where it starts later in the thread; a joined thread has its start.
LATER_PAGE_NOTE = "the page starts at {where}: the thread's opening post is on another page"


class PageThread(NamedTuple):
    """A page read as a thread: the thread, its posts (the root first), the notes, and its
    forum posts where it is a forum thread's page."""

    thread: Thread
    posts: list[Post]
    notes: list[Note]
    forum: ForumPosts | None = None


def _key(page: PageThread) -> tuple[str, str]:
    title = REPLY_PREFIX_RE.sub("", " ".join(page.thread.title.split())).casefold()
    return title, page.thread.site or ""


def _order(page: PageThread, index: int) -> tuple:
    forum = page.forum
    assert forum is not None
    first = next((p.created for p in page.posts[1:] if p.created), "")
    return (forum.opening is None, forum.first_number or 0, first, index)


def join_pages(pages: list[PageThread], relink: Callable[[Post, list[Post]], list[Post]]) -> list[PageThread]:
    """`pages` with the pages of each forum thread joined into one, in the place of its
    first page; other pages as they are. `relink(root, comments)` gives the comments with
    the parents inferred from their words."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, page in enumerate(pages):
        if page.forum is not None and page.thread.title:
            groups.setdefault(_key(page), []).append(i)
    joined: dict[int, PageThread] = {}
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda i: _order(pages[i], i))
        clash = _clash([pages[i] for i in ordered])
        if clash:
            first = pages[ordered[0]]
            where = first.thread.source or first.thread.id
            joined[ordered[0]] = first._replace(notes=[*first.notes, Note(where=where, kind="note", message=clash)])
            continue
        joined[min(members)] = _join([pages[i] for i in ordered], relink)
        dropped.update(m for m in members if m != min(members))
    return [joined.get(i, page) for i, page in enumerate(pages) if i not in dropped]


def _clash(pages: list[PageThread]) -> str | None:
    """Why pages with one title cannot be one thread's, or None."""
    names = _listed([p.thread.source or p.thread.id for p in pages])
    # Pages that state the same opening post (its author, date and text) are one thread's:
    # a site's data may repeat it on every page.
    openings = {_opening(p) for p in pages if p.forum is not None and p.forum.opening is not None}
    if len(openings) > 1:
        return f"pages {names} share a title but each opens a thread: read as separate threads"
    spans = [
        (p.forum.first_number, p.forum.last_number)
        for p in pages
        if p.forum is not None and p.forum.first_number is not None and p.forum.last_number is not None
    ]
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start <= end:
            return f"pages {names} share a title but their posts overlap (#{start} again): read as separate threads"
    return None


def _opening(page: PageThread) -> tuple:
    root = page.posts[0]
    return tuple(a.name for a in root.authors), root.created, root.text


def _join(pages: list[PageThread], relink: Callable[[Post, list[Post]], list[Post]]) -> PageThread:
    head = pages[0]
    root = head.posts[0]
    tid = head.thread.id
    replies = [c for page in pages for c in page.posts[1:]]
    # A numbered forum's reply keeps its position, the post's number less one (so its id
    # stays when a missing page is added); others are numbered in the joined order.
    numbered = head.forum is not None and head.forum.first_number is not None
    comments = [
        c.model_copy(update={"id": f"{tid}/c{pos:02d}", "thread_id": tid, "position": pos})
        for pos, c in ((c.position if numbered else k, c) for k, c in enumerate(replies, start=1))
    ]
    renamed = {old.id: new.id for old, new in zip(replies, comments, strict=True)}
    renamed.update((page.posts[0].id, root.id) for page in pages)
    comments = _keep_shown_parents(replies, relink(root, comments), renamed)
    later = {p.thread.source for p in pages[1:]}
    notes = [n for page in pages for n in page.notes if not (n.where in later and _is_later_page_note(n))]
    last = pages[-1].forum
    span = f", posts #{head.forum.first_number}-#{last.last_number}" if numbered and head.forum and last else ""
    names = _listed([p.thread.source or p.thread.id for p in pages])
    notes.append(
        Note(
            where=head.thread.source or tid,
            kind="inferred",
            message=f"{len(pages)} pages of one forum thread ({names}{span}) read as one thread",
        )
    )
    thread = head.thread.model_copy(update={"kind": "thread", "n_comments": len(comments)})
    return PageThread(thread, [root, *comments], notes, head.forum)


# Links a page shows (a reply nested in another in its structured data, or indented under
# it, or named in its header), which the words inferred over the joined pages must not undo.
_SHOWN = ("structured-data", "indentation", "header", "copied-text")


def _keep_shown_parents(replies: list[Post], comments: list[Post], renamed: dict[str, str]) -> list[Post]:
    """`comments` (the joined `replies`, relinked from their words) with the parents their
    page showed, as decided there, under the joined thread's ids."""
    out = []
    for old, new in zip(replies, comments, strict=True):
        if old.parent_rule in _SHOWN and old.parent_id in renamed:
            evidence = tuple(
                e.model_copy(update={"target_id": renamed.get(e.target_id, e.target_id)}) for e in old.parent_evidence
            )
            new = new.model_copy(
                update={
                    "parent_id": renamed[old.parent_id],
                    "parent_confidence": old.parent_confidence,
                    "parent_evidence": evidence,
                }
            )
        out.append(new)
    return out


def _is_later_page_note(note: Note) -> bool:
    head, _, tail = LATER_PAGE_NOTE.partition("{where}")
    return note.message.startswith(head) and note.message.endswith(tail)


def _listed(names: list[str]) -> str:
    """Names for a note: all of a few, the first and last of many (a thread of 300 pages)."""
    return ", ".join(names) if len(names) <= 4 else f"{names[0]}, {names[1]}, ... {names[-1]}"
