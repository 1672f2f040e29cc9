"""A Facebook post with its comments, saved from the browser as HTML: the posts as the
accessibility labels and links of Facebook's page state them.

Facebook's class names are generated and change from week to week; what its pages keep
is what screen readers and links need. Each comment is an element of `role="article"`
labelled by who wrote it (`aria-label="Comment by Anna Berg 2 days ago"`, Danish and
Norwegian `Kommentar fra ...`, Swedish `Kommentar från ...`), a reply labelled by whose
comment it answers (`Reply by Bo Lind to Anna Berg's comment`, `Svar fra ... til Anna
Bergs kommentar`); its author links to their profile, its words are its `dir="auto"`
blocks, and its age (`2 t`, `45 min`) links to the comment itself:
`?comment_id=10` for a comment, `?comment_id=10&reply_comment_id=11` for a reply to
comment 10. A reply is nested in the comment it answers, or listed after it. The post's
words are its `data-ad-preview="message"` (or `data-ad-rendering-role="story_message"`)
block, its author the profile link over them.

Which comment a reply answers: the comment its link names (`comment_id`), else the
comment it is nested in, else the latest comment by the one its label names; a comment
labelled a comment (not a reply) answers the post. Written by hand: no library reads
Facebook's saved pages; its Graph API's JSON (`formats.facebook`) is what a saved page
does not carry.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from pipeline.ingest.dates import read_date
from pipeline.ingest.pages.stated import StatedPost, StatedThread, element_words, left_out, own_elements

SOURCE = "Facebook markup"

# A comment's label, in English, Danish, Norwegian and Swedish (a label in another
# language: the comment's link to itself says it is one).
_COMMENT_LABEL_RE = re.compile(
    r"(?i)(?:Comment by|Kommentar fra|Kommentar af|Kommentar från|Kommentar av)\s+(?P<rest>.+)"
)
_REPLY_LABEL_RE = re.compile(
    r"(?i)(?:Reply by|Svar fra|Svar af|Svar från|Svar av)\s+(?P<rest>.+?)\s+(?:to|til|till|på)\s+"
    r"(?P<whose>.+?)(?:'s|’s|s|')?\s+(?:comment|kommentar)\b"
)
_LABEL_MAX = 400
_POST_MESSAGE = (("data-ad-preview", "message"), ("data-ad-comet-preview", "message"))
_POST_ROLES = ("story_message", "description")
_HEADINGS = ("h2", "h3", "h4", "strong")
_POST_LINK_RE = re.compile(r"/posts/|/permalink|story_fbid=|/videos/|/photo")
# Facebook's links to comments and replies it has not shown, and its sorts that hide some.
_MORE_RE = re.compile(
    r"(?i)(?:View|See|Vis|Se|Visa)\s+(?:all\s+|alle\s+|alla\s+)?(?:\d+\s+)?(?:more\s+|previous\s+|flere\s+|fler\s+|"
    r"tidligere\s+|tidigare\s+)?(?:comments?|repl(?:y|ies)|kommentarer|kommentar|svar)"
)
_FILTERED_RE = re.compile(r"(?i)Most relevant|Mest relevante|Mest relevanta|Mest relevant")
# A comment's buttons and counts, which are no words.
_BUTTON_RE = re.compile(
    r"(?i)Like|Reply|Share|Edited|See more|See translation|Synes godt om|Liker|Gilla|Svar|Svara|Del|Dela|"
    r"Redigeret|Redigert|Redigerad|Se mere|Se mer|Visa mer|Se oversættelse|Se oversettelse|Visa översättning|"
    r"Author|Forfatter|Författare|Top fan|Topfan|Topp-fan|\d[\d.,]*\s*\w{0,3}"
)


def _label(el: etree._Element) -> tuple[str, str | None] | None:
    """What a comment's label says: the words after `Comment by` (name and age), and, for a
    reply, whose comment it answers; None for an element no comment label names."""
    label = " ".join((el.get("aria-label") or "").split())
    if len(label) > _LABEL_MAX:
        return None  # a name and an age: no label of a comment runs longer
    if m := _REPLY_LABEL_RE.match(label):
        return m["rest"], m["whose"]
    if m := _COMMENT_LABEL_RE.match(label):
        return m["rest"], None
    return None


def _author(el: etree._Element, owners: set[etree._Element], label: str) -> etree._Element | None:
    """The link to the comment's author: its first link whose text its label starts with
    (the label runs name and age together; a profile link may carry `comment_id` too), or,
    with no label read, its first link whose text is no age (`2 d`): the name comes first."""
    for d in own_elements(el, owners):
        if d.tag == "a" and (name := " ".join(d.text_content().split())):
            if label.startswith(name) if label else not name[0].isdigit():
                return d
    return None


def _links_to_itself(el: etree._Element, owners: set[etree._Element]) -> bool:
    """Whether an element links to a comment (`?comment_id=`) as its own, not a nested one's."""
    return any(d.tag == "a" and "comment_id=" in (d.get("href") or "") for d in own_elements(el, owners))


def _comment_link(
    el: etree._Element, owners: set[etree._Element], author: etree._Element | None
) -> tuple[str | None, str | None, str]:
    """The comment's own id, its parent comment's id (a reply's link names it), and the age
    printed on the link to the comment (not its author's)."""
    for d in own_elements(el, owners):
        if d.tag != "a" or d is author:
            continue
        query = parse_qs(urlsplit(d.get("href") or "").query)
        if "comment_id" in query:
            own = query.get("reply_comment_id", query["comment_id"])[0]
            parent = query["comment_id"][0] if "reply_comment_id" in query else None
            return own, parent, " ".join(d.text_content().split())
    return None, None, ""


def _words(el: etree._Element, owners: set[etree._Element], author: str | None) -> str:
    """A comment's words: its own `dir="auto"` blocks but its author's name and buttons."""
    blocks = []
    for d in own_elements(el, owners):
        if d.tag == "div" and d.get("dir") == "auto" and not _inside_block(d, el):
            text = element_words(d)
            if text and text != author and not _BUTTON_RE.fullmatch(text):
                blocks.append(text)
    return "\n\n".join(blocks)


def _inside_block(d: etree._Element, el: etree._Element) -> bool:
    """Whether `d` is inside another `dir="auto"` block of the comment `el` (read with it)."""
    for a in d.iterancestors():
        if a is el:
            return False
        if a.tag == "div" and a.get("dir") == "auto":
            return True
    return False


def _opening(root: etree._Element, items: set[etree._Element]) -> StatedPost:
    """The post over the comments: its message block (not inside a comment) and its
    author, named as such (`data-ad-rendering-role="profile_name"`), else the last name
    linked from a heading (`h2`-`h4`, `strong`) before the message."""
    author = None
    named = False
    dated = None  # the date in full on the last link to a post before the message
    for d in root.iter():
        if not isinstance(d.tag, str) or d in items or any(a in items for a in d.iterancestors()):
            continue
        if d.get("data-ad-rendering-role") == "profile_name":
            author, named = " ".join(d.text_content().split()) or author, True
        elif d.tag == "a" and not named and any(a.tag in _HEADINGS for a in [*d.iterancestors(), *d.iter()]):
            author = " ".join(d.text_content().split()) or author
        elif d.tag == "a" and _POST_LINK_RE.search(d.get("href") or ""):
            # `14. marts 2024 kl. 10:12`; a date without its year (this year's) stays unread.
            found = read_date(" ".join(d.text_content().split()))
            dated = found[0] if found else dated
        if any(d.get(a) == v for a, v in _POST_MESSAGE) or d.get("data-ad-rendering-role") in _POST_ROLES:
            return StatedPost(author, dated, "", element_words(d))
    return StatedPost(None, None, "", "")


def facebook_thread(root: etree._Element) -> StatedThread | None:
    """The post and comments a saved Facebook page states in its comments' labels and
    links, or None where it shows fewer than two comments."""
    articles = [el for el in root.iter() if isinstance(el.tag, str) and el.get("role") == "article"]
    everyone = set(articles)
    labelled = []
    for el in articles:
        said = _label(el)
        if said is None and _links_to_itself(el, everyone):
            # A label in a language not read here: the comment's link to itself says it is one.
            said = ("", None)
        if said is not None:
            labelled.append((el, said))
    if len(labelled) < 2:
        return None
    items = {el for el, _ in labelled}
    index = {el: k for k, (el, _) in enumerate(labelled)}
    ids: dict[str, int] = {}
    latest: dict[str, int] = {}  # an author -> their latest comment so far
    comments: list[StatedPost] = []
    for k, (el, (rest, whose)) in enumerate(labelled):
        owners = items  # its own elements stop at the comments nested in it
        link = _author(el, owners, rest)
        author = " ".join(link.text_content().split()) if link is not None else None
        own, parent_id, age = _comment_link(el, owners, link)
        nested_in = next((index[a] for a in el.iterancestors() if a in items), None)
        # Facebook files a reply to a reply under the comment that opened the exchange (its
        # link and nesting say that one); the label names whose comment it answers.
        shown = ids.get(parent_id) if parent_id is not None else None
        shown = shown if shown is not None else nested_in
        named = latest.get(whose) if whose is not None else None
        parent = named if named is not None and (shown is None or named >= shown) else shown
        if own:
            ids.setdefault(own, k)
        if author:
            latest[author] = k
        comments.append(
            StatedPost(
                author=author,
                created=None,
                title="",
                text=_words(el, owners, author),
                parent=parent,
                # A comment's label, or its link to itself naming no parent comment, says it
                # is one on the post.
                answers_opening=parent is None and whose is None and (bool(rest) or own is not None),
                age=age,
            )
        )
    return StatedThread(_opening(root, items), tuple(comments), SOURCE, "SocialMediaPosting", remarks=_remarks(root))


def _remarks(root: etree._Element) -> tuple[str, ...]:
    """What the saved page shows it left out: comments and replies behind a button, and
    the sort that hides some (`Most relevant`)."""
    shown = [
        " ".join(d.text_content().split())
        for d in root.iter()
        if isinstance(d.tag, str) and d.get("role") == "button" and len(d.text_content()) <= 80
    ]
    filtered = [b for b in shown if _FILTERED_RE.fullmatch(b)]
    return left_out([b for b in shown if _MORE_RE.fullmatch(b)], filtered[0] if filtered else None)
