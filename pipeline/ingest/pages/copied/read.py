"""A Reddit thread, an X conversation, a Bluesky or Mastodon thread or an Instagram post
copied from the browser as text (select all, copy, paste into a .txt file): its posts, read from the lines each
platform prints around them.

A researcher who cannot save a thread's page often copies what the browser shows. The
text keeps every post's author, time and words, but as lines a comment-list parser reads
as prose: Reddit prints each comment's author, a `•` and its age on lines of their own
(`Hyggelig_Bruger` / `•` / `4h ago`), then its words, then a row of buttons (`Upvote`,
its score, `Downvote`, `Reply`, `Share`); old Reddit heads each comment `[–]name 42
points 4 hours ago` and ends it `permalink embed save parent report reply`; X prints the
poster's name over their `@handle`, the time, an optional `Replying to @handle`, the
words, then its counts; Bluesky a name over a `@handle` that is a domain name, `·` and an
age; Mastodon an age over a name over an account (`@anna@other.social`); Instagram each
username over its words, its age (`2w`), its likes and `Reply`. Where these lines head
the posts, they say which line is which and are read as the saved page's elements are
(`saved.reddit`, `saved.x`): each platform's reader in its own module of `copied` (`reddit`, `x`,
`bluesky`, `mastodon`, `instagram`).

What the copied text shows of the tree: old Reddit prints `parent` among a reply's
buttons, never a top comment's, so a comment without it answers the post, and a reply
right under a top comment answers that comment (Reddit lists a comment's replies right
under it); X's `Replying to @handle` names whom a reply answers. New Reddit's,
Bluesky's and Mastodon's copied text shows no nesting at all (it is drawn with lines), but both list each
reply right under what it answers: a post whose words name nothing else answers the one
right above it unless its age makes it the older (`follows`); Bluesky's and Mastodon's
chain above the post asked for is certain. Ages (`4h ago`) name no date, so such posts have none.

Written by hand: no library reads a platform's copied text.
"""

from __future__ import annotations

from pipeline.ingest.pages.copied.bluesky import BLUESKY_SOURCE, bluesky_thread
from pipeline.ingest.pages.copied.instagram import INSTAGRAM_SOURCE, instagram_thread
from pipeline.ingest.pages.copied.mastodon import MASTODON_SOURCE, mastodon_thread
from pipeline.ingest.pages.copied.reddit import OLD_REDDIT_SOURCE, REDDIT_SOURCE, new_reddit_thread, old_reddit_thread
from pipeline.ingest.pages.copied.x import X_SOURCE, x_thread
from pipeline.ingest.pages.stated import StatedThread

SOURCES = (REDDIT_SOURCE, OLD_REDDIT_SOURCE, X_SOURCE, INSTAGRAM_SOURCE, BLUESKY_SOURCE, MASTODON_SOURCE)
# What in each copy shows a comment's place (evidence `copied-text`).
CUES = {
    REDDIT_SOURCE: "the order of its comments",
    OLD_REDDIT_SOURCE: "a reply prints 'parent' among its buttons and follows what it answers; a top comment does not",
    X_SOURCE: "'Replying to @handle' over the reply",
    INSTAGRAM_SOURCE: "the order of its comments",
    BLUESKY_SOURCE: "the posts above the one asked for, dated in full, answer each the post right above it, "
    "and the first post under it answers it",
    MASTODON_SOURCE: "the posts above the one asked for, dated in full, answer each the post right above it, "
    "and the first post under it answers it",
}


def copied_thread(lines: list[str]) -> StatedThread | None:
    """The thread a page saved as text shows as a copied Reddit, X, Bluesky, Mastodon or Instagram page, or
    None where its lines are not such a page's (two or more posts headed as the platform
    heads them)."""
    stripped = [line.strip() for line in lines]
    return (
        old_reddit_thread(stripped)
        or new_reddit_thread(stripped)
        or x_thread(stripped)
        or bluesky_thread(stripped)
        or mastodon_thread(stripped)
        or instagram_thread(stripped)
    )
