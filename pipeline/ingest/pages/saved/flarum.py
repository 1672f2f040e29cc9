"""A Flarum forum's discussion saved from the browser as HTML: its posts as Flarum's page
elements state them.

Flarum builds its discussion page in the browser: each post a `div.PostStream-item` whose
attributes give its number in the discussion (`data-number`), its time (`data-time`, ISO
8601), its id (`data-id`) and its type (`data-type`: "comment", or an event such as a
renamed or stickied discussion), holding the author's `span.username` in the post's
`PostUser-name` (beside an avatar that may print the name's initial) and the post's text in
`Post-body`. A reply made with the reply button opens with a mention of what it answers,
`<a class="PostMention" data-id="102">`, naming that post's id: an explicit link, as
structured data's. The page also carries the posts without times in a `<noscript>` for
search engines; the stream is read. Written by hand: no library reads saved Flarum pages.
"""

from __future__ import annotations

from lxml import etree

from pipeline.ingest.dates import normalize_iso
from pipeline.ingest.pages.stated import StatedPost, StatedThread, class_names, element_words, first_of_class

SOURCE = "Flarum markup"


def flarum_thread(root: etree._Element) -> StatedThread | None:
    """The discussion a saved Flarum page states in its post stream, or None where it states
    fewer than two posts. A post whose first mention names an earlier post on the page
    answers it; the others are read from their words, as a forum's posts are."""
    items = [
        el
        for el in root.iter("div")
        if "PostStream-item" in class_names(el)
        and (el.get("data-number") or "").isdigit()
        and (el.get("data-type") or "comment") == "comment"
    ]
    if len(items) < 2:
        return None
    posts: list[StatedPost] = []
    at: dict[str, int] = {}  # post id -> index among the comments (the opening post not counted)
    opening: StatedPost | None = None
    for el in items:
        number = int(el.get("data-number") or 0)
        name_el = first_of_class(el, "PostUser-name")
        user = first_of_class(name_el, "username") if name_el is not None else None
        author = " ".join(user.text_content().split()) if user is not None else ""
        body = first_of_class(el, "Post-body")
        mention = next(
            (m.get("data-id") for m in (body.iter() if body is not None else ()) if "PostMention" in class_names(m)),
            None,
        )
        parent = at.get(mention or "")
        post = StatedPost(
            author=author if author and author.lower() not in ("[deleted]", "[slettet]", "[borttagen]") else None,
            created=normalize_iso(el.get("data-time") or ""),
            title="",
            text=element_words(body) if body is not None else "",
            position=number,
            parent=parent,
        )
        if number == 1 and opening is None:
            opening = post
            continue
        at[el.get("data-id") or f"#{number}"] = len(posts)
        posts.append(post)
    hero = first_of_class(root, "DiscussionHero-title")
    title = " ".join(hero.text_content().split()) if hero is not None else ""
    if opening is None:
        # A later stretch of the discussion: its opening post is on another page.
        opening = StatedPost(None, None, title, "")
    else:
        opening = StatedPost(opening.author, opening.created, title, opening.text, position=1)
    return StatedThread(opening, tuple(posts), SOURCE, "DiscussionForumPosting", numbered_from_opening=True)
