"""Forum quotations that run on into the quoter's own words, ended where their copy of the
posts above stops, before anything reads whose words are whose: a page copied as text, and
a forum's posts exported as text (a scraper's table, a corpus), keep no blank line between
a quotation box and the reply under it (`core.quotes.end_copied_quotes`)."""

from __future__ import annotations

from collections import deque

from pipeline.core.quotes import end_copied_quotes, may_quote, spaced
from pipeline.core.schema import Note, Post, Span


def quotes_ended(
    root: Post, comments: list[Post], where: str, notes: list[Note], window: int, thread: str | None = None
) -> list[Post]:
    """`comments` (oldest first, under `root`) with a blank line where each forum quotation
    that runs on into the quoter's words ends: where its lines stop copying the root or one
    of the `window` posts before the quoting one (`[replies] candidate_window`, the posts
    a reply's parent is looked for among); one note (`where`; naming `thread` where the
    note's place does not) for all of them."""
    # The posts above as a window, joined only for a post that may quote: joining the
    # whole thread at each such post grew with the square of a long one (one synthetic
    # thread of 50,000 posts, 2,106 of which hold a word that may start a quotation: its
    # ingest took 42 s instead of 15).
    # Each post is spaced once, and only where a post after it may quote (most threads
    # have none): [text, spaced text or None].
    head = spaced(f"{root.title}\n{root.text}")
    recent: deque[list] = deque(maxlen=window)
    out, ended = [], 0
    for post in comments:
        if post.text and may_quote(post.text):
            for item in recent:
                if item[1] is None:
                    item[1] = spaced(item[0])
            text = end_copied_quotes(post.text, " ".join([head, *(item[1] for item in recent)]))
            if text != post.text:
                ended += 1
                post = post.model_copy(update={"text": text, "signature": _moved(post, text)})
        out.append(post)
        recent.append([post.text, None])
    if ended:
        notes.append(
            Note(
                where=where,
                kind="repaired",
                message=(f"thread {thread!r}: " if thread else "")
                + f"{ended} comment(s) quote a post above them with no blank line before their own words: the "
                "quotation ends where its copy of that post does (a blank line put there)",
            )
        )
    return out


def _moved(post: Post, text: str) -> Span | None:
    """The post's sign-off in `text`, its words with blank lines put into them: the lines
    go in after quotations, which come before a sign-off, so it moves by as many characters
    as the text grew."""
    sig = post.signature
    if sig is None:
        return None
    shift = len(text) - len(post.text)
    if text[sig.start + shift : sig.end + shift] == post.text[sig.start : sig.end]:
        return Span(start=sig.start + shift, end=sig.end + shift)
    return sig
