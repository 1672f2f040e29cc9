"""Post texts that arrive as HTML (comment systems' and scrapers' exports: `<p>`, `<br>`,
`&amp;`), read as the plain text a reader saw.

lxml parses the fragment (entities decoded, broken markup repaired); what a browser shows
as a line or a paragraph break becomes one, and a `<blockquote>` becomes a Markdown
quotation ("> ..."), which segment types as someone else's words, as it does Reddit's.
No library turns an HTML fragment into text with those breaks and quotations: lxml's
`text_content()` runs paragraphs together, and html2text-style converters write Markdown
for every tag (links, emphasis) that the units would then carry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html

from pipeline.ingest.dates import SLASHED_DATE_RE, day_month_re, line_date, normalize_iso, read_date

# Elements a browser shows on lines of their own.
BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table pre section article header footer aside".split()
)
SKIPPED = frozenset(("script", "style", "template", "head", "title"))
# A tag or an entity: what tells HTML from text that merely holds a "<" or an "&".
LOOKS_LIKE_HTML_RE = re.compile(r"<(?:p|br|div|a|span|em|strong|b|i|blockquote|ul|ol|li)\b[^>]*>|&(?:[a-z]+|#\d+);")
_SPACE_RE = re.compile(r"[ \t\r\n\f\v]+")
_BREAKS_RE = re.compile(r"\s*\n\s*\n\s*")
_BODY_END_RE = re.compile(r"(?i)</(?:body|html)\s*>")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_XML_CONTROL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")


def composed(value: str) -> str:
    """`value` in composed Unicode (NFC). Exports from macOS tools and some databases write
    "å" as "a" and a combining ring: it looks the same, but `\\w` stops at the ring, so the
    cue rules, the n-gram models (which learnt from composed text) and the word counts read
    "rådgiver" as "ra" and "dgiver". Composing is canonically equivalent: the text a
    reader sees does not change."""
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


# Characters that show nothing and join what is on either side: soft hyphens (news sites
# put them in long compounds, "social\u00adrådgiver", and they come along when an article
# is pasted into a comment), zero-width spaces, word joiners and zero-width no-break
# spaces. Left in, `\w` stops at them, so the cue rules, the n-gram models and the word
# counts read one word as two. Zero-width (non-)joiners stay: they shape emoji sequences
# and other scripts' letters.
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def without_invisibles(value: str) -> str:
    """`value` without the characters a reader does not see that split words (`_INVISIBLE_RE`)."""
    return _INVISIBLE_RE.sub("", value) if _INVISIBLE_RE.search(value) else value


# The Wayback Machine puts its toolbar (capture dates, "12 captures", "About this capture")
# at the top of every archived page, between these comments; read as the page, its dates
# and labels would be taken for the headline and byline.
_WAYBACK_TOOLBAR_RE = re.compile(
    r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->", re.DOTALL
)
_WAYBACK_URL_RE = re.compile(r'id="wmtbURL"[^>]*?value="([^"]+)"|value="([^"]+)"[^>]*?id="wmtbURL"')


def without_wayback_toolbar(page: str) -> tuple[str, str | None]:
    """An archived page (saved from web.archive.org) without the Wayback Machine's toolbar,
    and the address of the page it archived ("" where the toolbar does not say; None where
    the page has no toolbar)."""
    m = _WAYBACK_TOOLBAR_RE.search(page)
    if m is None:
        return page, None
    url = _WAYBACK_URL_RE.search(m.group(0))
    return page[: m.start()] + page[m.end() :], (url.group(1) or url.group(2)) if url else ""


# What ingest's note says, after what was cleaned of them ("3 post(s)", "the page's text").
INVISIBLE_NOTE = (
    "{what} held characters a reader does not see inside words (soft hyphens, zero-width spaces): "
    "removed, so the words they split read whole for the cue rules, models and word counts"
)


# What ingest's note says, after what was composed ("3 post(s) with text or names", "the page's text").
DECOMPOSED_NOTE = (
    "{what} in decomposed Unicode (a letter and a combining mark, such as 'a' and a ring for 'å'): "
    "composed (NFC), the form the cue rules, models and language ID read"
)


MARKDOWN_SUFFIXES = (".md", ".markdown")


# A Markdown page sets its blocks apart by blank lines; one copied without them (pasted
# from a browser into a .md file) has at most this share of its lines blank.
GLUED_BLANK_SHARE = 0.05


def markdown_lines_glued(text: str) -> bool:
    """True where a Markdown page's blocks stand on lines of their own with no blank line
    between them: CommonMark would join a byline, a picture, a commenter's name and the
    paragraphs under them into one paragraph, so its lines are to be kept as lines."""
    lines = text.strip().split("\n")
    filled = sum(1 for line in lines if line.strip())
    return filled >= 4 and (len(lines) - filled) <= GLUED_BLANK_SHARE * filled


def markdown_html(
    text: str, keep_lines: bool = False, break_between: Callable[[str, str, str, str], bool] | None = None
) -> str:
    """Markdown (CommonMark, as web clippers save pages) rendered as HTML; with `keep_lines`,
    a line break inside a paragraph stays a line break (<br>), as on a page copied without
    blank lines (`markdown_lines_glued`); else one stays where `break_between(the line
    before it, the line, the line after, the line after that)` holds true of the line it ends (a comment's header
    over its text: "Ole Hansen 14. marts 2024 kl. 10.12"), which CommonMark would join to
    the text as one line."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"breaks": keep_lines})
    tokens = md.parse(_day_first_dates_escaped(text))
    if break_between is not None and not keep_lines:
        for token in tokens:
            # The paragraph's lines, and the soft break after each but the last.
            lines, breaks, line = [], [], []
            for child in token.children or ():
                if child.type == "softbreak":
                    lines.append("".join(line).strip())
                    breaks.append(child)
                    line = []
                elif child.type in ("text", "code_inline"):
                    line.append(child.content)
            lines.append("".join(line).strip())
            for k, child in enumerate(breaks):
                beyond = lines[k + 2] if k + 2 < len(lines) else ""
                if break_between(lines[k - 1] if k else "", lines[k], lines[k + 1], beyond):
                    child.type, child.tag = "hardbreak", "br"
    return md.renderer.render(tokens, md.options, {})


# Where a line of Markdown opens with a Danish or Norwegian date ("14. marts 2024 kl.
# 10.12" under a commenter's name), CommonMark reads "14." as an ordered list's number: the
# list item shows "marts 2024 kl. 10.12" and the day is lost.
_BLOCK_LEAD_RE = re.compile(r"(?m)^[ \t]{0,3}(?:>[ \t]?)*(?=\d{1,2}\.[ \t])")


def _day_first_dates_escaped(text: str) -> str:
    """`text` with the full stop after a day that opens a line and a date escaped ("14\\.
    marts"), so the date stays text."""
    out, last = [], 0
    for m in _BLOCK_LEAD_RE.finditer(text):
        day = day_month_re().match(text, m.end())
        if day is not None:
            stop = m.end() + len(day["day"])
            out += [text[last:stop], "\\."]
            last = stop + 1
    out.append(text[last:])
    return "".join(out)


def looks_like_html(text: str) -> bool:
    return bool(LOOKS_LIKE_HTML_RE.search(text))


def _quoted(text: str) -> str:
    lines = [line.strip() for line in text.strip().split("\n")]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


# Marks a line's indentation while the text is built, since collapsing whitespace would
# strip spaces (a private-use character, removed from the input first).
_INDENT = "\ue000"
_LISTS = frozenset(("ul", "ol"))
# Text for screen readers only, which a sighted reader never sees: Drupal's "In reply to
# ... by ..." and "Main menu" headings, Bootstrap's and WordPress's labels.
_UNSEEN_CLASSES = frozenset(
    ("visually-hidden", "sr-only", "screen-reader-text", "element-invisible", "screenreader-only", "a11y-hidden")
)


def _unseen(el: etree._Element) -> bool:
    classes = el.get("class")
    return bool(classes) and not _UNSEEN_CLASSES.isdisjoint(classes.split())


MAX_INDENT = 32
# A comment system that nests replies in <div>s rather than lists names the container of a
# comment's replies ("comment-replies", "children", old Reddit's "child"); a browser
# indents it only through CSS, which a saved page's text does not carry. "has-replies" and
# the like mark a comment that has replies (not their container) and are left out. Drupal
# (every version) puts a comment's replies in a <div class="indented"> right after it. An
# <article> in an <article> is, as HTML defines it, a comment on the outer one.
_NESTING_TAGS = frozenset(("div", "section", "ul", "ol", "article"))
_REPLIES_RE = re.compile(
    r"(?<![\w-])(?!(?:has|no|with|without)[-_])(?:[\w-]*[-_])?"
    r"(?:children|child|replies|reply-list|replies-list|answers|subcomments|sub-comments|nested-comments|indented)"
    r"(?![\w-])",
    re.IGNORECASE,
)
# Comment widgets that list every comment flat, side by side, and state each one's depth:
# in a class (WordPress's "depth-2", Coral's "coral-indent-1", "comment-level-3"), in an
# attribute (`data-depth`, `data-level`, ARIA's `aria-level`), or only in an inline margin
# (`style="margin-left: 40px"` on each reply). A browser indents them through CSS. A
# menu's or a heading's level is not a comment's.
_DEPTH_CLASS_RE = re.compile(
    r"(?<![\w-])(?!(?:menu|nav|sub-menu|submenu|toc|heading|title|h)[-_])(?:[\w]+[-_])*?"
    r"(?:depth|level|indent|nesting|lvl)[-_]?(\d{1,2})(?![\w-])",
    re.IGNORECASE,
)
_DEPTH_ATTRS = ("data-depth", "data-level", "data-indent", "aria-level")
_MARGIN_RE = re.compile(
    r"(?:^|;)\s*(?:margin|padding)-left\s*:\s*(\d+(?:\.\d+)?)\s*(px|em|rem)\s*(?:!important\s*)?(?:;|$)"
)
# An inline margin says a comment's depth only on a comment: a layout's padding is not one.
_COMMENTISH_RE = re.compile(r"(?i)comment|kommentar|reply|svar|answer|post|indl(?:æ|ae)g|inl(?:ä|a)gg")
# A comment itself, by its class ("comment", "c-comment", "comment-item", "kommentar"), not
# the list around comments ("comments") nor a comment's parts ("comment-body").
_COMMENT_CLASS_RE = re.compile(
    r"(?i)(?:[a-z0-9]+[-_])*(?:comment|kommentar)(?:[-_](?:item|entry|wrap|wrapper|container|box|card|block|node))?"
)
# The list of comments, even where its class names one ("comment-wrapper" is Drupal's list):
# named in the plural, or headed ("Kommentarer") as a list is and a comment is not.
_COMMENT_LIST_RE = re.compile(r"(?i)(?<![\w-])(?:comments|kommentarer)(?![\w-])")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def _names_a_comment(el: etree._Element) -> bool:
    """Whether an element's class names it a comment (`_COMMENT_CLASS_RE`) and it is no list."""
    classes = el.get("class") or ""
    if not any(_COMMENT_CLASS_RE.fullmatch(t) for t in classes.split()):
        return False
    if _COMMENT_LIST_RE.search(f"{classes} {el.get('id') or ''}"):
        return False
    first = next((c for c in el if isinstance(c.tag, str)), None)
    return first is None or first.tag not in _HEADINGS


_BLANK_INDENT_RE = re.compile(_INDENT + r"+(?=[ \t]*(?:\n|$))")
_LINE_INDENT_RE = re.compile("^(" + _INDENT + r"+)[ \t]*", re.MULTILINE)


def html_text(
    value: str,
    indent_lists: bool = False,
    relative_times: re.Pattern[str] | None = None,
    dated: list[str] | None = None,
    link_addresses: bool = True,
    stamped: list[str] | None = None,
) -> str:
    """The text of an HTML fragment: tags removed, entities decoded, whitespace collapsed
    as a browser does, line breaks for `<br>` and paragraphs, blockquotes as "> " lines.
    `indent_lists`: lines inside a list nested in another, inside a container its class
    names as a comment's replies, or inside an <article> in an <article>, are indented two
    spaces a level, as a browser shows them (a blog's threaded comments are such lists, a
    comment widget's such containers: the page parser reads who answers whom from the
    indentation). `relative_times`: a `<time>` whose text is a date relative to when the
    page was saved ("3 timer siden") is read as its `datetime` attribute, when that is
    ISO 8601; each text so read is added to `dated`. With it, a date printed in a form
    the page parser does not read, or reads two ways ("man, 11/03/2024 - 14:03": day or
    month first?), is read as the ISO 8601 stamp its element states beside it (`<time
    datetime>`, RDFa's or microdata's `content`); each such text is added to `stamped`.
    `link_addresses`: a link's web address follows its text, in parentheses (in a post,
    where it names a source); a saved page's links (authors' profiles, navigation) are
    read as shown, without them."""
    if "<" not in value and "&" not in value:
        return value
    if indent_lists:
        value = value.replace(_INDENT, "")
    # A browser shows what a page puts after its `</body>` (or `</html>`) in the body, as
    # if the end tag were not there; lxml would leave it out of the body it returns.
    value = _BODY_END_RE.sub("", value)
    # libxml2 drops a whole fragment with a lone surrogate in it (JSON can carry one).
    value = _SURROGATE_RE.sub("\ufffd", value)
    # lxml refuses a string with a control character XML does not allow (an e-mail's or an
    # export's debris), where a browser shows nothing for it; a NUL lxml reads as U+FFFD
    # itself, as HTML's parsing rules do.
    value = _XML_CONTROL_RE.sub("", value)
    try:
        root = lxml_html.fragment_fromstring(value, create_parent="div")
    except (AssertionError, etree.ParserError):
        # lxml finds no body in a document that has none (a head or a doctype alone, a
        # frameset, an unclosed <title> that takes in the rest as its text): a browser shows
        # no text of it either.
        return ""
    # One list of pieces per open blockquote (the outermost is the whole text); walked
    # with events rather than recursion, so deeply nested markup cannot exhaust the stack.
    stack: list[list[str]] = [[]]
    skipping = 0
    # With `indent_lists`: per nesting element open around the element (lists, reply
    # containers, articles), (its element, the levels it indents by, its tag, how many
    # texts had been shown when it opened).
    levels: list[tuple[etree._Element, int, str, int]] = []
    depth = 0
    texts = 0
    # With `indent_lists`: each element whose depth the page states, that depth; where the
    # first of them opens, the indentation its depth then stands for.
    stated, least = _stated_depths(root) if indent_lists else ({}, 0)
    anchor: int | None = None
    # Each comment or article closed, the depth its own lines were shown at.
    inside: dict[etree._Element, int] = {}

    def indent() -> str:
        # Capped: a page of lists nested thousands deep would otherwise indent each line by
        # thousands of spaces (quadratic text); no reply thread on a page is that deep.
        return _INDENT * min(depth, MAX_INDENT)

    def open_level(el: etree._Element, tag: str) -> None:
        nonlocal depth, anchor
        if el in stated:
            # A flat list's comment indents as deep as its stated depth, over the depth the
            # first such comment opened at; a reply container around it may already have.
            anchor = depth if anchor is None else anchor
            levels.append((el, max(0, anchor + stated[el] - least - depth), tag, texts))
            depth += levels[-1][1]
            return
        named = tag != "article" and _REPLIES_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}") is not None
        # An element whose class names a comment, inside another's, is a reply to it, as an
        # <article> in an <article> is (a widget that nests its comments' elements).
        if tag != "article" and not named and _names_a_comment(el):
            tag = "comment"
        if tag == "li" or not (tag in _LISTS or named or tag in ("article", "comment")):
            return
        if levels and levels[-1][3] == texts:
            # Opened before anything was shown in the one around it (a reply container
            # holding a list, a list in a list item with no text): the same level.
            by = 0
        elif named:
            # Drupal's replies follow their comment, in a container of their own: one level
            # below what the comment's own lines were (an <article> may already indent it).
            before = _previous_element(el)
            by = inside[before] + 1 - depth if before is not None and before in inside else 1
        else:
            # The outermost list (a page's comment list) and the outermost article or
            # comment (the story, or a comment) are not indented.
            kinds = (tag,) if tag in ("article", "comment") else _LISTS
            by = 1 if any(opened in kinds for _, _, opened, _ in levels) else 0
        levels.append((el, by, tag, texts))
        depth += by

    def close_level(el: etree._Element) -> None:
        nonlocal depth
        if levels and levels[-1][0] is el:
            if levels[-1][2] in ("article", "comment"):
                inside[el] = depth
            depth -= levels.pop()[1]

    def counted(piece: str) -> str:
        nonlocal texts
        if piece.strip():
            texts += 1
        return piece

    def apart(piece: str, el: etree._Element | None = None) -> str:
        # Inline elements side by side with nothing between ("Karen Holm" and "Journalist"
        # in a byline's spans, the buttons "Del" and "Gem") stand apart on the page, where
        # its stylesheet lays them out: a lower-case letter running into a capital joins no
        # Danish or Swedish word, and an element a site's class names after another
        # ("Anna Berg" and "reporter", Drupal's author and "ons, 03/13/2024") is a thing of
        # its own, where markup inside a word ("social<b>rådgiver</b>") names none.
        last = next((p for p in reversed(stack[-1]) if p), "")[-1:]
        if piece[:1].isupper() and last.islower():
            return " " + piece
        if el is not None and piece[:1].isalnum() and last.isalnum() and el.get("class"):
            before = el.getprevious()
            if before is not None and not before.tail:
                return " " + piece
        return piece

    for event, el in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event in ("comment", "pi"):
            if el.tail and not skipping:
                stack[-1].append(counted(_SPACE_RE.sub(" ", el.tail)))
            continue
        if event == "start":
            if tag in SKIPPED or _unseen(el):
                skipping += 1
            elif skipping:
                continue
            elif tag == "br":
                stack[-1].append("\n" + indent())
            elif tag == "blockquote":
                stack.append([])
            elif indent_lists and tag == "dd" and _follows_term(el):
                pass  # on the term's line (see "dt" below)
            elif tag in BLOCKS:
                if indent_lists and (tag in _NESTING_TAGS or tag == "li"):
                    open_level(el, tag)
                stack[-1].append("\n\n" + indent())
            if not skipping and el.text and tag != "br":
                shown = el.text
                if relative_times is not None and len(el) == 0 and (stamp := _stated_stamp(el, tag)):
                    if tag == "time" and relative_times.fullmatch(shown.strip()):
                        if dated is not None:
                            dated.append(shown.strip())
                        shown = stamp
                    elif _unread_date(shown):
                        if stamped is not None:
                            stamped.append(shown.strip())
                        shown = stamp
                shown = _SPACE_RE.sub(" ", shown) if tag != "pre" else shown
                stack[-1].append(counted(shown if tag in BLOCKS else apart(shown, el)))
            continue
        if tag in SKIPPED or _unseen(el):
            skipping -= 1
        elif not skipping:
            if tag == "blockquote":
                # A quotation inside indented replies carries their indentation marks on
                # its blank lines, which would otherwise stay as empty quoted lines.
                inner = _collapse(_BLANK_INDENT_RE.sub("", "".join(stack.pop())))
                if inner:
                    # Indented as the reply it is in, like the reply's own lines.
                    quoted = "\n".join(indent() + line for line in _quoted(inner).split("\n"))
                    stack[-1].append(f"\n\n{quoted}\n\n{indent()}")
            elif indent_lists and tag == "dt" and (after := el.getnext()) is not None and _follows_term(after):
                # A page's label and value ("Tilmeldt" / "3 Jan 2019": a forum member's
                # details, an article's fact box) read as one line, as such pairs are shown.
                stack[-1].append(": ")
            elif tag in BLOCKS:
                if indent_lists and (tag in _NESTING_TAGS or tag == "li"):
                    close_level(el)
                stack[-1].append("\n\n" + indent())
            elif tag == "cite" and _heads_quotation(el):
                # A forum's quotation opens with its author on a line of its own ("Mogens
                # skrev:", phpBB's <cite>, shown as a block), which reply inference reads.
                stack[-1].append("\n")
            elif tag == "a" and link_addresses:
                # A link's address is part of what was said (a source, evidence); a
                # mention's or hashtag's ("@mette", "#dkpol": Mastodon, WordPress) is the
                # profile or tag page, which says nothing.
                href = (el.get("href") or "").strip()
                shown = el.text_content()
                if (
                    href.startswith(("http://", "https://"))
                    and href not in shown
                    and not shown.lstrip().startswith(("@", "#"))
                ):
                    stack[-1].append(f" ({href})")
        if el is not root and el.tail and not skipping:
            stack[-1].append(counted(apart(_SPACE_RE.sub(" ", el.tail))))
    text = "".join(stack[0])
    if not indent_lists:
        return _collapse(text)
    text = _collapse(_BLANK_INDENT_RE.sub("", text))
    return _LINE_INDENT_RE.sub(lambda m: "  " * len(m.group(1)), text).replace(_INDENT, "")


# RDFa (Drupal's `property="dc:date dc:created"`) and microdata (`itemprop="dateCreated"`)
# state a printed date's ISO 8601 form in `content`; a modification date is not a post's.
_STAMP_PROPERTY_RE = re.compile(r"(?i)(?:date|created|published|issued)(?![\w-]*modified)")


def _stated_stamp(el: etree._Element, tag: str) -> str | None:
    """The ISO 8601 date-time an element states for the date it prints, if any."""
    if tag == "time":
        return normalize_iso(el.get("datetime") or "")
    named = f"{el.get('property') or ''} {el.get('itemprop') or ''}"
    content = el.get("content")
    return normalize_iso(content) if content and _STAMP_PROPERTY_RE.search(named) else None


def _unread_date(shown: str) -> bool:
    """Whether `shown` is a date that a line of its own would not be read as: with slashes,
    or in a form only a researcher's file is read in (an English month name)."""
    value = shown.strip()
    if not value or len(value) > 48 or line_date(value) is not None:
        return False
    return SLASHED_DATE_RE.search(value) is not None or read_date(value) is not None


def _stated_depths(root: etree._Element) -> tuple[dict[etree._Element, int], int]:
    """The depth each comment of a flat list states (its class or attribute, else its inline
    margin, ranked among the page's margins with none as 0), for block elements that may
    hold a comment, and the depth of a top-level comment (the least stated; 0 for margins,
    as a top-level comment may state none)."""
    by_class: dict[etree._Element, int] = {}
    margins: dict[etree._Element, float] = {}
    for el in root.iter(*_NESTING_TAGS, "li"):
        found = next((v for a in _DEPTH_ATTRS if (v := (el.get(a) or "").strip()).isdigit() and v.isascii()), None)
        if found is not None and el.get("role") == "heading":
            found = None
        if found is None and (m := _DEPTH_CLASS_RE.search(el.get("class") or "")):
            found = m.group(1)
        if found is not None:
            if not any(True for _ in el.iterancestors("nav")):
                by_class[el] = int(found)
            continue
        style = el.get("style")
        if style and (m := _MARGIN_RE.search(style.lower())):
            if _COMMENTISH_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
                margins[el] = float(m.group(1)) * (16 if m.group(2) != "px" else 1)
    if by_class:
        return by_class, min(by_class.values())
    rank = {v: k for k, v in enumerate(sorted({0.0, *margins.values()}))}
    return {el: rank[v] for el, v in margins.items()}, 0


def _previous_element(el: etree._Element) -> etree._Element | None:
    """The element before `el` among its siblings, past anchors (`<a id="comment-7">`) and
    markup comments."""
    before = el.getprevious()
    while before is not None and (
        not isinstance(before.tag, str) or (before.tag == "a" and not len(before) and not (before.text or "").strip())
    ):
        before = before.getprevious()
    return before


def _follows_term(el: etree._Element) -> bool:
    """Whether `el` is the one <dd> of the <dt> right before it: a label and its value. A
    term with several (phpBB's profile: the name, then rank, posts, joined) is a heading."""
    before, after = el.getprevious(), el.getnext()
    return (
        el.tag == "dd"
        and before is not None
        and before.tag == "dt"
        and not (before.tail or "").strip()
        and (after is None or after.tag != "dd")
    )


def _heads_quotation(el: etree._Element) -> bool:
    """Whether `el` is what a blockquote opens with (directly, or in its first <div>)."""
    parent = el.getparent()
    for _ in range(2):
        if parent is None or parent[0] is not el or (parent.text or "").strip():
            return False
        if parent.tag == "blockquote":
            return True
        el, parent = parent, parent.getparent()
    return False


def _collapse(text: str) -> str:
    """Spaces around line breaks removed, runs of blank lines made one."""
    lines = "\n".join(line.strip() for line in text.split("\n"))
    return _BREAKS_RE.sub("\n\n", lines).strip()
