"""A Reddit thread saved from the browser as HTML: its posts as Reddit's page elements state them.

Reddit's pages (since 2023) are built of its own elements: the post a `<shreddit-post>`
whose attributes give its title, author, time and linked address, its text in the
`text-body` slot; each comment a `<shreddit-comment>` with its author, time, `thingid`, and
the `parentid` of what it answers, its text in the `comment` slot, replies nested inside it.
A researcher who saves a thread from the browser gets these, and with them the thread's
exact tree, which the printed text (Reddit's elements are not blocks, so comments run
together) does not show. Old Reddit (old.reddit.com), still what many researchers save,
states the same in attributes: each post and comment a `div.thing` with its `data-author`,
its time in the tagline's `<time datetime>`, its text in its `usertext-body`, replies in
its `child` block. Written by hand: no library reads Reddit's saved pages, and its JSON
(`formats.reddit`) is what a page saved as HTML does not carry.
"""

from __future__ import annotations

from lxml import etree

from pipeline.ingest.dates import normalize_iso
from pipeline.ingest.pages.stated import StatedPost, StatedThread, class_names, element_words, own_elements

SOURCE = "Reddit markup"
_POST, _COMMENT = "shreddit-post", "shreddit-comment"


def _slot_text(el: etree._Element, owners: set[etree._Element], slot: str, fallback_id: str) -> str:
    """The text of `el`'s own `slot` (not a nested comment's), else of the element Reddit
    ids after it (`t1_abc-comment-rtjson-content`)."""
    body = _own_first(el, owners, lambda d: d.get("slot") == slot or d.get("id") == fallback_id)
    return element_words(body) if body is not None else ""


def reddit_thread(root: etree._Element) -> StatedThread | None:
    """The thread a saved Reddit page states in its elements, or None where it has no
    comment element. A comment whose parent is the post (or, where it names none, at depth
    0) answers the post; one whose parent is not on the page (a "continue this thread"
    page) is read from its words."""
    elements = [el for el in root.iter(_COMMENT)]
    if not elements:
        return None
    post_el = next(root.iter(_POST), None)
    owners = set(root.iter(_POST, _COMMENT))
    post_id = (post_el.get("id") or "") if post_el is not None else ""
    if post_el is None:
        opening = StatedPost(None, None, "", "")
    else:
        shared = (post_el.get("content-href") or "").strip()
        opening = StatedPost(
            author=(post_el.get("author") or "").strip() or None,
            created=normalize_iso(post_el.get("created-timestamp") or ""),
            title=" ".join((post_el.get("post-title") or "").split()),
            text=_slot_text(post_el, owners, "text-body", f"{post_id}-post-rtjson-content"),
            shared=shared if shared and (post_el.get("post-type") or "") not in ("text", "") else None,
        )
    at = {el.get("thingid"): k for k, el in enumerate(elements) if el.get("thingid")}
    comments = []
    elsewhere = 0
    for el in elements:
        thing = el.get("thingid") or ""
        parent_id = (el.get("parentid") or "").strip()
        parent = at.get(parent_id)
        on_post = parent is None and (parent_id == post_id if parent_id else (el.get("depth") or "0") == "0")
        elsewhere += parent is None and not on_post
        comments.append(
            StatedPost(
                author=(el.get("author") or "").strip() or None,
                created=normalize_iso(el.get("created") or ""),
                title="",
                text=_slot_text(el, owners, "comment", f"{thing}-comment-rtjson-content"),
                deleted=(el.get("is-comment-deleted") or "").lower() == "true",
                # A parent after its reply on the page would make a cycle of the order.
                parent=parent if parent is not None and parent < len(comments) else None,
                answers_opening=on_post and post_el is not None,
            )
        )
    remarks = (
        (
            f"{elsewhere} comment(s) answer a comment that is not on the saved page (behind a "
            "'continue this thread' link): their parents are read from their words",
        )
        if elsewhere
        else ()
    )
    return StatedThread(opening, tuple(comments), SOURCE, "SocialMediaPosting", remarks)


def _own_first(el: etree._Element, things: set[etree._Element], test) -> etree._Element | None:
    """The first element inside `el` that `test` accepts and that is `el`'s own, not a
    nested comment's."""
    return next((d for d in own_elements(el, things) if test(d)), None)


def old_reddit_thread(root: etree._Element) -> StatedThread | None:
    """The thread a saved old Reddit page states in its `div.thing` elements, or None where
    it has no comment among them. A comment nested in another's `child` block answers it;
    a top-level one answers the post, except on a page that shows a single comment's
    thread (a permalink), whose top comment is read from its words."""
    things = [
        el
        for el in root.iter("div")
        if "thing" in class_names(el) and (el.get("data-type") in ("comment", "link") or el.get("data-fullname"))
    ]
    comments_el = [
        el for el in things if el.get("data-type") == "comment" or (el.get("data-fullname") or "").startswith("t1_")
    ]
    if not comments_el:
        return None
    thing_set = set(things)
    post_el = next((el for el in things if el not in comments_el), None)

    def text_of(el: etree._Element) -> str:
        body = _own_first(el, thing_set, lambda d: "usertext-body" in class_names(d))
        return element_words(body) if body is not None else ""

    def time_of(el: etree._Element) -> str | None:
        stamp = _own_first(el, thing_set, lambda d: d.tag == "time" and d.get("datetime"))
        return normalize_iso(stamp.get("datetime") or "") if stamp is not None else None

    def author_of(el: etree._Element) -> str | None:
        name = (el.get("data-author") or "").strip()
        if not name:
            shown = _own_first(el, thing_set, lambda d: "author" in class_names(d))
            name = " ".join(shown.text_content().split()) if shown is not None else ""
        return name or None

    opening = StatedPost(None, None, "", "")
    if post_el is not None:
        title = _own_first(post_el, thing_set, lambda d: d.tag == "a" and "title" in class_names(d))
        shared = (post_el.get("data-url") or "").strip()
        opening = StatedPost(
            author=author_of(post_el),
            created=time_of(post_el),
            title=" ".join(title.text_content().split()) if title is not None else "",
            text=text_of(post_el),
            shared=shared if shared.startswith(("http://", "https://")) else None,
        )
    single = any(
        "single comment" in " ".join(el.text_content().split()).lower()
        for el in root.iter("div")
        if "infobar" in class_names(el)
    )
    at = {el: k for k, el in enumerate(comments_el)}
    comments = []
    for el in comments_el:
        parent = next((at[a] for a in el.iterancestors() if a in at), None)
        comments.append(
            StatedPost(
                author=author_of(el),
                created=time_of(el),
                title="",
                text=text_of(el),
                deleted="deleted" in class_names(el),
                parent=parent,
                answers_opening=parent is None and post_el is not None and not single,
            )
        )
    remarks = (
        ("the page shows a single comment's thread (a permalink): its top comment is read from its words",)
        if single
        else ()
    )
    return StatedThread(opening, tuple(comments), SOURCE, "SocialMediaPosting", remarks)
