"""A Mastodon post with its replies, saved from the browser as HTML (an instance's web
app): the posts as the page's elements state them.

Mastodon's web app shows a conversation as the posts it answers, the post asked for
(`detailed-status`) and its replies (`status`), one after another. Each names its author's
display name (`display-name__html`) and account (`display-name__account`, `@anna` or
`@anna@other.social`), its time in a `<time datetime>` and its words in `status__content`.
Its text alone runs name, account, time and buttons together. Which reply answers which
the page draws with lines it does not keep, but it orders them as the instance orders the
conversation: the chain of posts the one asked for answers above it, its replies under
it, each reply's own replies before the next (`copied.lines.listed_replies`); a reply
opens with the accounts it answers ("@anna"), which ingest's reply rules read. Written by
hand: no library reads Mastodon's saved pages; the API's JSON (`formats.mastodon`) is
what a saved page does not carry.
"""

from __future__ import annotations

from lxml import etree

from pipeline.ingest.dates import normalize_iso
from pipeline.ingest.pages.copied.lines import listed_replies
from pipeline.ingest.pages.stated import StatedPost, StatedThread, class_names, element_words, first_of_class, outermost

SOURCE = "Mastodon markup"
_POSTS = ("status", "detailed-status")


def _post(el: etree._Element) -> StatedPost | None:
    body = first_of_class(el, "status__content")
    account = first_of_class(el, "display-name__account")
    if body is None or account is None:
        return None
    handle = " ".join(account.text_content().split()).removeprefix("@") or None
    shown = first_of_class(el, "display-name__html")
    name = " ".join(shown.text_content().split()) if shown is not None else ""
    time = next((t for t in el.iter("time") if t.get("datetime")), None)
    words = first_of_class(body, "status__content__text")
    return StatedPost(
        author=handle,
        created=normalize_iso(time.get("datetime") or "") if time is not None else None,
        title="",
        text=element_words(words if words is not None else body),
        description=name if name and name != handle else None,
    )


def mastodon_thread(root: etree._Element) -> StatedThread | None:
    """The conversation a saved Mastodon page states in its post elements, or None where it
    holds fewer than two posts. The first post opens the thread; a post shown inside
    another (a quoted or boosted one) is part of it."""
    elements = [el for el in root.iter("div", "article") if not class_names(el).isdisjoint(_POSTS)]
    read = [(el, p) for el in outermost(elements) if (p := _post(el)) is not None]
    if len(read) < 2:
        return None
    posts = [p for _, p in read]
    # The post asked for (`detailed-status`) stands under the chain of posts it answers and
    # over its replies, each reply's own replies before the next, as the instance orders
    # the conversation: the chain and its first reply are shown; a later reply answers the
    # one above where its words name no one and it is the younger.
    asked = next((k for k, (el, _) in enumerate(read) if "detailed-status" in class_names(el)), None)
    if asked is None:
        opening, *replies = posts
        return StatedThread(opening, tuple(replies), SOURCE, "SocialMediaPosting")

    comments = listed_replies(posts, asked)
    return StatedThread(posts[0], comments, SOURCE, "SocialMediaPosting")
