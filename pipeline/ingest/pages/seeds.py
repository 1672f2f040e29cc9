"""Stage 1, ingest (raw pages): the pages a seed manifest lists -> threads, posts and notes.

Each page is read as text (or as the text a browser shows of HTML), its site furniture
removed and noted, the article and the comment list parsed (`pages`, `comments`), the
comments put oldest first and their parents inferred with the evidence for each link.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.core.artifacts import UTF16_BOMS, code_page_text, display_path, read_bytes, read_text_utf8
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus
from pipeline.core.errors import InputError
from pipeline.core.mojibake import MOJIBAKE_NOTE, decoded_once
from pipeline.core.schema import Author, Evidence, Note, Post, Span, Thread
from pipeline.formats.mail import looks_like_mail
from pipeline.ingest import langid
from pipeline.ingest.dates import (
    normalize_iso,
    page_slash_order,
    relative_age,
    slash_readings,
    yearless_date,
    yearless_iso,
)
from pipeline.ingest.deleted import DELETED_NAMES, deleted_text, deletion_note
from pipeline.ingest.markup import (
    DECOMPOSED_NOTE,
    INVISIBLE_NOTE,
    MARKDOWN_SUFFIXES,
    composed,
    html_text,
    markdown_html,
    markdown_lines_glued,
    without_invisibles,
    without_wayback_toolbar,
)
from pipeline.ingest.pages.article import (
    NO_HEADLINE,
    ArticleParts,
    RawComment,
    furniture_line,
    load_furniture,
    parse_article,
    preview,
)
from pipeline.ingest.pages.comment_markup import marked_thread
from pipeline.ingest.pages.comments import (
    button_row,
    find_comments_header,
    find_headerless_comments,
    find_signature,
    line_break_kept,
    parse_comments,
)
from pipeline.ingest.pages.copied.read import CUES as COPIED_CUES
from pipeline.ingest.pages.copied.read import SOURCES as COPIED_SOURCES
from pipeline.ingest.pages.copied.read import copied_thread
from pipeline.ingest.pages.forum import ForumPosts, find_forum_posts, parse_forum_posts
from pipeline.ingest.pages.frames import frame_file, inline_frames
from pipeline.ingest.pages.frontmatter import (
    front_matter_metadata,
    split_front_matter,
    split_reader_header,
    without_excerpt,
)
from pipeline.ingest.pages.manifest import ManifestEntry, manifest_file, read_manifest
from pipeline.ingest.pages.metadata import PageMetadata, page_metadata, parse_document
from pipeline.ingest.pages.mhtml import is_mhtml, mhtml_html
from pipeline.ingest.pages.pagination import LATER_PAGE_NOTE, PageThread, join_pages
from pipeline.ingest.pages.pdf import PdfText, is_pdf, pdf_text
from pipeline.ingest.pages.saved.bluesky import SOURCE as BSKY_SOURCE
from pipeline.ingest.pages.saved.facebook import SOURCE as FACEBOOK_SOURCE
from pipeline.ingest.pages.saved.linkedin import SOURCE as LINKEDIN_SOURCE
from pipeline.ingest.pages.saved.mastodon import SOURCE as MASTODON_SOURCE
from pipeline.ingest.pages.saved.tiktok import SOURCE as TIKTOK_SOURCE
from pipeline.ingest.pages.saved.x import SOURCE as X_SOURCE
from pipeline.ingest.pages.stated import (
    LAYOUT,
    POSTING_TYPES,
    StatedThread,
    comments_start,
    first_as_opening,
    later_page,
)
from pipeline.ingest.pages.stated import raw_comments as stated_comments
from pipeline.ingest.pages.structured import stated_thread
from pipeline.ingest.pages.unwrap import unwrapped
from pipeline.ingest.pages.word import is_word, word_text
from pipeline.ingest.people import finish_corpus
from pipeline.ingest.quoted import quotes_ended
from pipeline.ingest.replies import ReplyDecision, claimed_author, infer_parents, page_order_votes
from pipeline.ingest.targets import choose_target

log = logging.getLogger(__name__)

HTML_PAGE_RE = re.compile(r"\s*(?:<!doctype html|<html\b)", re.IGNORECASE)


@dataclass(frozen=True)
class PageText:
    """A raw page as the page parser reads it, and what reading it changed."""

    text: str
    markup: str | None = None  # "HTML" or "Markdown": what the text was read from
    meta: PageMetadata = PageMetadata()
    decomposed: bool = False  # composed to NFC
    mangled: bool = False  # decoded twice, and decoded once here
    invisible: int = 0  # soft hyphens and zero-width spaces removed
    dated: tuple[str, ...] = ()  # relative dates ("3 timer siden") read from <time datetime>
    stamped: tuple[str, ...] = ()  # dates printed with slashes, read from their stated ISO stamp
    frames: int = 0  # frames (a comment widget's) read where they stand
    encoding: str | None = None  # where not UTF-8
    stated: StatedThread | None = None  # a discussion its structured data states
    marked: StatedThread | None = None  # comments its HTML names by their classes
    archived_from: str | None = None  # the address a Wayback Machine capture archived ("": not shown)
    wrapped: int | None = None  # the width a text dump wrapped its lines at (rejoined)
    lines_kept: bool = False  # Markdown without blank lines: its line breaks kept
    excerpt: bool = False  # MarkDownload's "Excerpt" quotation under the headline left out
    printed: PdfText | None = None  # a page printed to PDF: what its sheets' margins held
    word: bool = False  # read from a Word document


# An HTML page's declared encoding: <meta charset="iso-8859-1">, or the http-equiv form
# "text/html; charset=windows-1252". Browsers save a page in the encoding it was served in.
_CHARSET_RE = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)


# The encoding a page that declares none is read in where it holds no UTF-8 (named so, and
# no declared charset is spelled so: HTML declares "windows-1252").
GUESSED_ENCODING = "cp1252"

# What a page that is not UTF-8 needs: its manifest entry names the encoding (ingest's
# --encoding is for thread files).
_PAGE_ENCODING_ADVICE = (
    'give the page\'s encoding in its [[document]] of the manifest (encoding = "cp1252"), or re-save it as UTF-8'
)


def _page_source(path: Path, encoding: str = "") -> tuple[str, str | None]:
    """A page's text, and the encoding it was read in when not UTF-8: the manifest's, else
    the charset an HTML page declares where its bytes are not UTF-8."""
    if encoding:
        return read_text_utf8(path, encoding), encoding
    if Path(path).is_file() and _starts_utf16(path):
        # A page Windows Notepad saved as "Unicode": its byte-order mark says UTF-16, and
        # which byte order; the page is read whole, so nothing streams it as UTF-8.
        return read_text_utf8(path, "utf-16"), "utf-16"
    try:
        return read_text_utf8(path, advice=_PAGE_ENCODING_ADVICE), None
    except InputError:
        declared = _CHARSET_RE.search(read_bytes(path)[:4096]) if Path(path).is_file() else None
        name = declared.group(1).decode("ascii").lower() if declared else ""
        if not name and code_page_text(path):
            # No UTF-8 in it at all: Windows Notepad's "ANSI", Windows-1252 in Nordic locales.
            return read_text_utf8(path, GUESSED_ENCODING), GUESSED_ENCODING
        if not name or name.replace("-", "").replace("_", "") == "utf8":
            raise
        return read_text_utf8(path, name), name


def _starts_utf16(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) in UTF16_BOMS


def _frame_document(page: Path, src: str, encoding: str) -> str | None:
    """A frame's document that a page saved as "Webpage, Complete" keeps in its folder of
    resources, in the page's encoding (or its own where it declares one); None where there
    is none to read."""
    found = frame_file(page, src)
    if found is None:
        return None
    try:
        return _page_source(found, encoding)[0]
    except InputError:
        return None


_RAW_TEXT_TAGS = ("title", "script", "style", "textarea")


def read_page(path: Path, encoding: str = "") -> PageText:
    """The text of a page saved as text, HTML (or an MHTML archive of it) or Markdown, as a
    reader saw it; `encoding`: the manifest's, where the page is not UTF-8."""
    archived = Path(path).is_file() and is_mhtml(path)
    if not archived and Path(path).is_file() and looks_like_mail(path):
        # An e-mail's headers name the messages it answers: read as a thread file, where
        # they are the reply links, not as a page whose comment list would be searched for.
        raise InputError(
            path, 0, "an e-mail (a mailing list's mbox or a saved .eml): read it with --threads (make run THREADS=...)"
        )
    frames = 0
    printed = None
    heading: str | None = None
    if archived:
        (raw, frames), read_as = mhtml_html(path), None
    elif Path(path).is_file() and is_pdf(path):
        printed = pdf_text(path)
        raw, read_as = printed.text, None
    elif is_word(path):
        raw, heading = word_text(path)
        read_as = None
    else:
        raw, read_as = _page_source(path, encoding)
    text = composed(raw)
    decomposed = text != raw
    once = decoded_once(text)
    mangled, text = once != text, once
    if not text.strip():
        raise InputError(path, 0, "empty page")
    suffix = Path(path).suffix.lower()
    reader_fields, reader_text = split_reader_header(text)
    markup = (
        "Markdown"
        if suffix in MARKDOWN_SUFFIXES or reader_fields is not None
        else "HTML"
        if archived or suffix in (".html", ".htm") or HTML_PAGE_RE.match(text)
        else None
    )
    meta = PageMetadata()
    glued_lines = excerpt = False
    front: PageMetadata | None = None
    stated = marked = None
    dated: list[str] = []
    stamped: list[str] = []
    if markup == "Markdown":
        # A page a clipper saved as Markdown ("# Headline", "**Name** · date", "[Karen
        # Holm](https://...)") is rendered as HTML, then read as a page saved as HTML is.
        # Jina Reader's header, else a clipper's front matter, states the page's metadata.
        if reader_fields is not None:
            text, front = reader_text, front_matter_metadata(reader_fields, "Jina Reader's")
        else:
            fields, text, _ = split_front_matter(text)
            front = front_matter_metadata(fields) if fields is not None else None
        text, excerpt = without_excerpt(text)
        glued_lines = markdown_lines_glued(text)
        furn = load_furniture()
        text = markdown_html(text, keep_lines=glued_lines, break_between=partial(line_break_kept, furn=furn))
    archived_from = None
    if markup == "HTML":
        text, archived_from = without_wayback_toolbar(text)
        if not archived:
            text, frames = inline_frames(text, lambda src: _frame_document(path, src, read_as or encoding))
    if markup:
        # A page saved as HTML is read as the text a browser shows (blocks on lines of their
        # own), which the page parser then reads like a page saved as text. An entity may
        # spell a combining mark ("a&#778;") or a soft hyphen ("&shy;").
        # One tree for the readers of what the page states (its head, its data, its classes).
        document = parse_document(text)
        meta = page_metadata(document) if document is not None else meta
        if front is not None:
            # What the clipper's front matter states comes before what the rendered
            # Markdown's HTML might (it has no head).
            meta = PageMetadata(
                headlines=front.headlines or meta.headlines,
                headline=front.headline or meta.headline,
                authors=front.authors or meta.authors,
                published=front.published or meta.published,
                site=front.site or meta.site,
            )
        if markup == "HTML" and document is not None:
            stated = stated_thread(document)
            marked = marked_thread(document) if stated is None else None
        shown = html_text(
            text,
            indent_lists=True,
            relative_times=load_furniture().relative_date,
            dated=dated,
            link_addresses=False,
            stamped=stamped,
        )
        visible_text = composed(shown)
        if not visible_text.strip():
            lowered = text.lower()
            # An element whose content is text, not markup, takes in the rest of a page when
            # it is never closed.
            unclosed = (
                next((t for t in _RAW_TEXT_TAGS if lowered.rfind(f"<{t}") > lowered.rfind(f"</{t}")), None)
                if markup == "HTML"
                else None
            )
            why = (
                f": its <{unclosed}> is never closed, so a browser shows none of the page after it" if unclosed else ""
            )
            raise InputError(path, 0, f"empty page (no text in its {markup}{why})")
        text = visible_text
        decomposed = decomposed or text != shown
    if markup is None:
        # A text extractor's metadata above a page saved as text (trafilatura's
        # --with-metadata writes YAML front matter: title, author, url, sitename, date).
        fields, text, _ = split_front_matter(text)
        if fields is not None:
            meta = front_matter_metadata(fields)
    if heading is not None:
        # The Word document's title or top heading: the page's headline, as a <title> is.
        meta = PageMetadata(headlines=(heading,))
    if printed is not None:
        # What a browser printed in the sheets' margins: the page's title and address.
        host = urlsplit(printed.address).hostname if printed.address else None
        meta = PageMetadata(
            headlines=tuple(h for h in (printed.headline, printed.title) if h),
            site=(host.removeprefix("www."), "the address printed under the PDF's pages") if host else None,
        )
    wrapped = None
    if markup is None or glued_lines:
        # A glued Markdown page's lines are kept as lines, and may be a wrapper's (html2text
        # writes Markdown wrapped at 78 characters).
        text, wrapped = unwrapped(text)
    visible = without_invisibles(text)
    if markup is None and printed is None and not is_word(path):
        # A Reddit, X, Bluesky, Mastodon or Instagram page copied from the browser: its lines
        # head each post.
        stated = copied_thread(visible.split("\n"))
    return PageText(
        visible,
        markup,
        meta,
        decomposed,
        invisible=len(text) - len(visible),
        dated=tuple(dated),
        stamped=tuple(stamped),
        frames=frames,
        encoding=read_as,
        mangled=mangled,
        stated=stated,
        marked=marked,
        archived_from=archived_from,
        wrapped=wrapped,
        lines_kept=glued_lines,
        excerpt=excerpt,
        printed=printed,
        word=is_word(path),
    )


def ingest_page(path: Path, entry: ManifestEntry, cfg: Config, listed: bool = True) -> PageThread:
    """One raw page (article, optionally with its comment list) to a thread. `listed`: the
    entry is a manifest's, whose readings (title, date, language) are checked against the
    page's; False for a page found in a folder without one."""
    rel = display_path(path)
    page = read_page(path, entry.encoding)
    text = page.text
    lines = text.split("\n")
    thread_id = Path(path).stem
    # A discussion the page states in structured data is read from there; else a comment
    # list, else a forum thread's posts, from the printed page.
    furn = load_furniture()
    slashes = page_slash_order(text)
    if slashes:
        furn = replace(furn, slash_order=slashes[0])
    header = find_comments_header(lines, furn)
    forum = find_forum_posts(lines) if header is None else []
    headerless = None
    if header is None and not forum and page.stated is None and page.marked is None and entry.kind != "article":
        header = headerless = find_headerless_comments(lines, furn)
    found: list[Note] = []
    stated = page.stated
    if stated is not None and (header is not None or forum):
        # Some sites state only a few comments (the top ones) of the many they print.
        printed = (
            len(parse_comments(lines[header + 1 :], header + 2, rel, furn)[0]) if header is not None else len(forum) - 1
        )
        if printed > len(stated.comments):
            found.append(
                Note(
                    where=rel,
                    kind="metadata",
                    message=f"the page's {stated.source} states {len(stated.comments)} comment(s) of the "
                    f"{printed} it prints: read from the printed page",
                )
            )
            stated = None
        else:
            header, forum = None, []
    if stated is None and header is None and not forum:
        # Comments that print no date nor buttons, named by their classes.
        stated = page.marked
    thread_posts = parse_forum_posts(lines, forum, rel) if forum else None
    lang = entry.lang
    if not lang:
        lang = _page_language(text, cfg)
        found.append(Note(where=rel, kind="metadata", message=f"language detected from the page's text: {lang}"))
    if headerless is not None:
        found.append(
            Note(
                where=f"{rel}:{headerless + 2}",
                kind="inferred",
                message="the comment list has no line over it ('Kommentarer'): it opens at the first of the "
                "comments under the article's text that open with a name and a date (or, where none is dated, "
                "that are a name over text over the comment's buttons)",
            )
        )
    if entry.kind == "auto":
        what = (
            "a thread (a comment list was found)"
            if header is not None
            else f"a thread (a {stated.source})"
            if stated and stated.copied
            else f"a thread (stated in its {stated.source})"
            if stated and stated.source != LAYOUT
            else "a thread (comments named by the page's classes)"
            if stated
            else f"a forum thread ({len(forum)} posts were found)"
            if forum
            else "an article (no comment list was found)"
        )
        found.append(Note(where=rel, kind="metadata", message=f"read as {what}"))
    if entry.kind == "thread" and header is None and not forum and stated is None:
        raise InputError(
            path,
            0,
            "manifest says 'thread' but no comment list was found (a 'Kommentarer' line followed by "
            "'• DD.MM.YY Name' items, or by comments that open with a name and a date, or a forum's "
            "posts headed by their date and number or author; docs/input-formats.md)",
        )
    end = (
        header
        if header is not None
        else thread_posts.start
        if thread_posts
        else comments_start(lines, stated)
        if stated
        else len(lines)
    )
    headlines = page.meta.headlines
    if thread_posts and not headlines:
        # A forum prints the thread's title as the opening post's, or right above the first
        # post, under the site's name and sections, which may be longer, and over its
        # action bar (Flashback's "Svara" and "Sidan 1 av 3", copied as text) and the first
        # post's label ("Trådstartare").
        opening = thread_posts.opening
        title_line = next(
            (
                ln
                for line in reversed(lines[:end])
                if (ln := line.strip())
                and furniture_line(ln, furn) is None
                and button_row(ln, furn) is None
                and not furn.forum_member.fullmatch(ln)
            ),
            None,
        )
        above = (title_line,) if title_line else ()
        headlines = (opening.title,) if opening and opening.title else above
    parts = parse_article(lines[:end], lang, rel, headlines=headlines, furn=furn)
    if thread_posts and thread_posts.opening and thread_posts.opening.title and not page.meta.headlines:
        # phpBB titles the opening post with the thread's title, below the lines above.
        parts.title = thread_posts.opening.title
    # A page that starts later in a forum thread: its opening post's author and date are on
    # another page, which a note says.
    if stated and stated.source != LAYOUT and not stated.kind and not parts.body and len(stated.comments) > 1:
        # Every post marked up as a comment, nothing printed above them: the first opens (a
        # page of comments named only by their classes may be a comment section saved alone).
        stated = first_as_opening(stated)
        found.append(
            Note(
                where=rel,
                kind="inferred",
                message=f"the page marks up every post as a comment and prints no text above them: the "
                f"first, by {stated.opening.author or 'a deleted author'}, is read as the opening post",
            )
        )
    later = later_page(stated) if stated else None
    elsewhere = (thread_posts is not None and thread_posts.opening is None) or later is not None
    if thread_posts:
        _open_with_first_post(parts, thread_posts, rel)
    if stated:
        _open_with_stated(parts, stated, rel, later)
    from_head = _from_metadata(parts, page.meta, rel)
    notes = [*found, *parts.notes, *from_head]
    if page.encoding:
        why = (
            "the manifest's encoding"
            if entry.encoding
            else "as its byte-order mark says"
            if page.encoding == "utf-16"
            else "it holds no UTF-8: Windows' code page in Danish and Swedish, as Notepad saves 'ANSI'"
            if page.encoding == GUESSED_ENCODING
            else "as its <meta charset> declares"
        )
        notes.append(Note(where=rel, kind="metadata", message=f"read in {page.encoding} ({why}), not UTF-8"))
    if page.archived_from is not None:
        of = f" of {page.archived_from}" if page.archived_from else ""
        notes.append(Note(where=rel, kind="removed", message=f"the Wayback Machine's toolbar (a capture{of})"))
    if page.decomposed:
        notes.append(Note(where=rel, kind="repaired", message=DECOMPOSED_NOTE.format(what="the page's text")))
    if page.mangled:
        notes.append(Note(where=rel, kind="repaired", message=MOJIBAKE_NOTE.format(what="the page's text")))
    if page.invisible:
        notes.append(Note(where=rel, kind="repaired", message=INVISIBLE_NOTE.format(what="the page's text")))
    if page.dated:
        notes.append(
            Note(
                where=rel,
                kind="metadata",
                message=f"{len(page.dated)} date(s) printed relative to when the page was saved "
                f"(e.g. {page.dated[0]!r}) read from the page's <time datetime=...>",
            )
        )
    if page.frames:
        notes.append(
            Note(
                where=rel,
                kind="metadata",
                message=f"{page.frames} frame(s) of the page (a comment widget's, an embedded post) read where "
                "they stand, as a browser shows them",
            )
        )
    if page.stamped:
        notes.append(
            Note(
                where=rel,
                kind="metadata",
                message=f"{len(page.stamped)} date(s) printed in a form read two ways or not at all "
                f"(e.g. {page.stamped[0]!r}) read from the ISO 8601 stamp the page states beside each "
                "(<time datetime=...>, content=...)",
            )
        )

    # Where the page shows no headline or date that the parser finds, the researcher's
    # reading in the manifest stands in for it (where it finds one, the two are compared).
    if not parts.title and entry.title:
        parts.title = entry.title
        notes.append(Note(where=rel, kind="metadata", message="title taken from the manifest"))
    if parts.created is None and entry.date:
        parts.created = normalize_iso(entry.date)
        notes.append(Note(where=rel, kind="metadata", message="publication date taken from the manifest"))
    body_lang, body_conf, _ = langid.resolve(parts.body or parts.title, lang, cfg.languages)
    root = Post(
        id=thread_id,
        thread_id=thread_id,
        kind="document",
        position=0,
        parent_id=None,
        authors=tuple(parts.authors),
        author_evidence=parts.author_source,
        created=parts.created,
        title=parts.title,
        text=parts.body,
        lang=body_lang,
        lang_confidence=body_conf,
        lang_source="detected",
        keywords=tuple(parts.keywords),
        source=f"{rel}:1",
    )

    comments: list[Post] = []
    indented: dict[str, Post] = {}  # comment id -> the comment the page indents it under
    named: dict[str, tuple[Post, str]] = {}  # comment id -> the comment its header names, and the name
    within: dict[str, list[Post]] = {}  # comment id -> the comments above it, one of which it answers
    above: dict[str, Post] = {}  # comment id -> the comment right above it, which it answers unless words say
    stated_ids: dict[str, str] = {}  # comment id -> the structured data that nests it so
    raw_comments: list[RawComment] | None = None
    numbers: list[int] | None = None
    if header is not None:
        raw_comments, cnotes = parse_comments(lines[header + 1 :], header + 2, rel, furn)
        notes.extend(cnotes)
        raw_comments = dated_from_article(raw_comments, root.created, rel, notes)
        if slashes:
            notes.append(
                Note(
                    where=rel,
                    kind="metadata",
                    message=f"dates with slashes read {slashes[0].replace('-', ' ')}, as the page's "
                    f"{slashes[1]!r} can only be read",
                )
            )
    elif stated:
        raw_comments, numbers, snotes = stated_comments(lines, stated, root.title, rel)
        notes.extend(snotes)
    if raw_comments is not None:
        # Positions count from the oldest so that a re-scrape with new comments on top keeps
        # every existing id; a forum's post numbers, where it states them, are its order.
        # Data that dates every comment orders them by time whatever order the page shows
        # them in (Reddit's "best" changes between two saves of one thread).
        # A thread copied as text whose posts print ages and dates both (a post older than a
        # week prints its day on Mastodon) lists them in the thread's order, as the platform does.
        by_time = (
            _chronological(raw_comments) or _by_age(raw_comments) or (list(raw_comments) if stated.copied else None)
            if stated and stated.source != LAYOUT
            else None
        )
        if numbers is not None:
            ordered = [rc for _, rc in sorted(zip(numbers, raw_comments, strict=True), key=lambda p: p[0])]
            places = sorted(numbers)
        else:
            ordered = by_time or oldest_first(raw_comments, cfg.replies.address_min_score)
            places = list(range(1, len(ordered) + 1))
        author_from = f"the page's {stated.source}" if stated else "comment header"
        found = _comment_languages(ordered, cfg)
        for pos, rc, detected in zip(places, ordered, found, strict=True):
            comments.append(_comment_post(rc, pos, thread_id, rel, root.lang, cfg, notes, author_from, detected))
        comments = quotes_ended(root, comments, rel, notes, cfg.replies.candidate_window)
        post_of = {id(rc): post for rc, post in zip(ordered, comments, strict=True)}
        stated_ids = {post_of[id(rc)].id: rc.stated_in for rc in ordered if rc.stated_in}
        indented = {
            post_of[id(rc)].id: post_of[id(raw_comments[rc.indented_under])]
            for rc in raw_comments
            if rc.indented_under is not None
        }
        # A comment the data states is on the opening post itself answers it.
        indented.update((post_of[id(rc)].id, root) for rc in ordered if rc.stated_in and rc.indented_under is None)
        named = _answered_by_name(ordered, post_of, rel, notes)
        within = {
            post_of[id(rc)].id: [post_of[id(c)] for c in raw_comments[rc.within : k]]
            for k, rc in enumerate(raw_comments)
            if rc.within is not None and rc.within < k
        }
        above = {
            post_of[id(rc)].id: post_of[id(raw_comments[k - 1])]
            for k, rc in enumerate(raw_comments)
            if k and rc.follows
        }
    elif thread_posts:
        # A forum lists its posts oldest first: page order is the thread's order. Where it
        # numbers them, post #n is reply n - 1, so an id stays the post's when pages of the
        # thread are added later (`pagination`).
        found = _comment_languages(thread_posts.posts, cfg)
        for k, (rc, number) in enumerate(zip(thread_posts.posts, thread_posts.numbers, strict=True), start=1):
            pos = number - 1 if number is not None else k
            comments.append(_comment_post(rc, pos, thread_id, rel, root.lang, cfg, notes, detected=found[k - 1]))
        comments = quotes_ended(root, comments, rel, notes, cfg.replies.candidate_window)
    if comments and not root.authors and not forum and stated is None:
        claim = claimed_author(comments)
        if claim:
            author, why = claim
            root = root.model_copy(update={"authors": (Author(name=author.name),), "author_evidence": why})
            notes.append(Note(where=f"{rel}:1", kind="inferred", message=f"article author {author.name}: {why}"))
    if not root.authors and not elsewhere:
        notes.append(Note(where=f"{rel}:1", kind="missing", message="no author found for the article"))
    if root.created is None and not elsewhere and parts.created_unread is None:
        notes.append(Note(where=f"{rel}:1", kind="missing", message="the page prints no publication date"))

    if comments:
        listed_in = stated.source if stated and above else None
        comments = with_parents(root, comments, cfg, indented, stated_ids, named, within, above, listed_in)

    if page.markup:
        notes.append(
            Note(
                where=rel,
                kind="metadata",
                message=f"read as {page.markup}: line numbers count the lines of the page's text",
            )
        )
    if page.word:
        notes.append(
            Note(
                where=rel,
                kind="metadata",
                message="read from a Word document: line numbers count the lines of its text, its paragraphs a "
                "blank line apart",
            )
        )
    if page.printed is not None:
        notes.append(
            Note(
                where=rel,
                kind="metadata",
                message=f"read from a PDF of {page.printed.sheets} page(s): line numbers count the lines of its text, "
                "a paragraph's lines joined where they ran full",
            )
        )
        if page.printed.margins:
            notes.append(
                Note(
                    where=rel,
                    kind="removed",
                    message=f"{len(page.printed.margins)} line(s) printed in the PDF pages' margins (the time printed, "
                    f"the page's title and address, page numbers), e.g. {preview(page.printed.margins[0])}",
                )
            )
    if page.excerpt:
        notes.append(
            Note(
                where=rel,
                kind="removed",
                message="the clipper's 'Excerpt' quotation under the headline (MarkDownload's: the page's "
                "description, not its text)",
            )
        )
    if page.lines_kept:
        notes.append(
            Note(
                where=rel,
                kind="repaired",
                message="the Markdown sets its blocks apart by no blank lines (a copied page's): each line "
                "read as a line of its own, where Markdown would run them into one paragraph",
            )
        )
    if page.wrapped:
        notes.append(
            Note(
                where=rel,
                kind="repaired",
                message=f"the page's lines were wrapped, none longer than {page.wrapped} characters (a text dump's): "
                "rejoined where the wrapper broke them; line numbers count the rejoined lines",
            )
        )
    if listed:
        notes.extend(_check_manifest(entry, root, rel))
    target, target_source = (entry.target, "manifest") if entry.target else choose_target(root.title, root.text)
    thread = Thread(
        id=thread_id,
        kind="thread" if comments else "article",
        title=root.title,
        target=target,
        target_source=target_source,
        root_id=root.id,
        site=entry.site or (page.meta.site[0] if page.meta.site else None) or parts.site,
        publisher=parts.publisher,
        lang=root.lang,
        created=root.created,
        source=rel,
        n_comments=len(comments),
    )
    if stated and numbers is not None and raw_comments:
        # Numbered posts stated in structured data join with the thread's other pages as a
        # printed forum's do.
        opening = None if later is not None else RawComment(1, root.created, "", None, None, root.title, root.text)
        # A later page may state the opening post again (as search engines ask each page to):
        # its first post's number, not #1, says where it starts.
        first = 1 if min(numbers) == 1 else min(numbers) + 1
        thread_posts = ForumPosts(raw_comments, opening, first, max(numbers) + 1, end, [], [n + 1 for n in numbers])
    return PageThread(thread, [root, *comments], notes, thread_posts)


def with_parents(
    root: Post,
    comments: list[Post],
    cfg: Config,
    indented: dict[str, Post] | None = None,
    stated: dict[str, str] | None = None,
    named: dict[str, tuple[Post, str]] | None = None,
    within: dict[str, list[Post]] | None = None,
    above: dict[str, Post] | None = None,
    listed_in: str | None = None,
) -> list[Post]:
    """`comments` with the parent each answers, inferred from their words (forms of
    address, quotations), or shown by the page where `indented` (comment id -> the comment
    the page indents it under, or nests it in where its structured data states it: `stated`,
    comment id -> that data's form) says so, or said by its header where `named` (comment id
    -> the comment of the one its header says it answers, and the name) says so: that
    decides, and the words' cues stay as evidence. `within` (comment id -> the comments
    above it in its tree, in page order): a reply the page shows answers one of them
    without showing which; the words choose among them, else the one right above it.
    `above` (comment id -> the comment right above it): a page that lists each reply right
    under what it answers and shows no nesting (`listed_in`: new Reddit, Bluesky or Mastodon
    copied as text); where only the words' weak cues (none, or an echo of the article) point to the
    opening post, the comment answers the one above."""
    decisions = infer_parents(root, comments, cfg.replies)
    for cid, nearest in (above or {}).items():
        deciding = next((e.rule for e in decisions[cid].evidence if e.decided), "default")
        if deciding in _WEAK_RULES:
            listed = Evidence(
                rule="copied-text",
                cue=f"the {listed_in or COPIED_SOURCES[0]} lists each reply right under what it answers and "
                "shows no nesting; "
                f"its words name nothing else: {_whose(nearest)}'s comment, right above it",
                target_id=nearest.id,
                score=cfg.replies.listed_under,
                decided=True,
            )
            decisions[cid] = _overruled(decisions[cid], listed)
    for cid, candidates in (within or {}).items():
        if decisions[cid].parent_id not in {c.id for c in candidates}:
            nearest = candidates[-1]
            guess = Evidence(
                rule="copied-text",
                cue=f"a reply under a reply in a {COPIED_SOURCES[1]}, whose words name none of the comments above "
                f"it in its tree: {_whose(nearest)}'s, right above it",
                target_id=nearest.id,
                score=cfg.replies.listed_under,
                decided=True,
            )
            decisions[cid] = _overruled(decisions[cid], guess)
    for cid, (parent, name) in (named or {}).items():
        if cid in (indented or {}):
            continue  # what the page shows decides
        said = Evidence(
            rule="header",
            cue=f"its header says it answers {name}",
            target_id=parent.id,
            score=1.0,
            decided=True,
        )
        decisions[cid] = _overruled(decisions[cid], said)
    for cid, parent in (indented or {}).items():
        whose = _whose(parent)
        stated_in = (stated or {}).get(cid)
        copied = stated_in in COPIED_SOURCES
        if copied:
            on = "the opening post" if parent.id == root.id else f"{whose}'s comment"
            cue = f"answers {on}, as the {stated_in} shows it ({COPIED_CUES[stated_in]})"
        elif stated_in and parent.id == root.id:
            cue = f"a comment on the opening post in the page's {stated_in}"
        elif stated_in:
            cue = f"nested in {whose}'s comment in the page's {stated_in}"
        else:
            cue = f"indented under {whose}'s comment ({parent.source})"
        shown = Evidence(
            rule="copied-text" if copied else "structured-data" if stated_in else "indentation",
            cue=cue,
            target_id=parent.id,
            score=1.0,
            decided=True,
        )
        cues = tuple(
            e.model_copy(update={"decided": e.target_id == parent.id})
            for e in decisions[cid].evidence
            if e.rule != "default"
        )
        decisions[cid] = ReplyDecision(parent.id, 1.0, (shown, *cues))
    return [
        c.model_copy(
            update={
                "parent_id": decisions[c.id].parent_id,
                "parent_confidence": decisions[c.id].confidence,
                "parent_evidence": decisions[c.id].evidence,
            }
        )
        for c in comments
    ]


def _whose(post: Post) -> str:
    return (post.authors[0].name if post.authors else None) or "a deleted author"


def _overruled(decision: ReplyDecision, shown: Evidence) -> ReplyDecision:
    """`decision` with `shown` (what the page shows or says of a comment's parent) deciding
    instead, at its score; the words' cues stay as evidence, deciding nothing."""
    cues = tuple(e.model_copy(update={"decided": False}) for e in decision.evidence if e.rule != "default")
    assert shown.target_id is not None
    return ReplyDecision(shown.target_id, shown.score, (shown, *cues))


# The words' cues that point to the opening post only weakly (none; an echo of the article
# or its headline): on a page that lists each reply under what it answers, the comment
# right above outweighs them (docs/benchmarks.md, "Reply links inferred on flat comment lists").
_WEAK_RULES = ("default", "article-reference", "title-echo", "headline-word-echo")


def _answered_by_name(
    ordered: list[RawComment], post_of: dict[int, Post], rel: str, notes: list[Note]
) -> dict[str, tuple[Post, str]]:
    """Comment id -> the latest earlier comment by the one its header says it answers
    ("Erik Johansson svarar Anna Lind"), and that name; a note for each whose named
    comment the page does not hold."""
    named: dict[str, tuple[Post, str]] = {}
    latest: dict[str, RawComment] = {}
    for rc in ordered:
        if rc.answers:
            target = latest.get(rc.answers.casefold())
            if target is not None:
                named[post_of[id(rc)].id] = (post_of[id(target)], rc.answers)
            else:
                notes.append(
                    Note(
                        where=f"{rel}:{rc.line}",
                        kind="missing",
                        message=f"the comment's header says it answers {rc.answers}, who has no earlier comment on "
                        "the page: its parent is read from its words",
                    )
                )
        if rc.author:
            latest[rc.author.casefold()] = rc
    return named


def _open_with_first_post(parts: ArticleParts, thread: ForumPosts, rel: str) -> None:
    """A forum thread's post #1 is its opening post: its text, author and date are the
    thread's (what stands above it on the page gives only the title). A page that starts
    later in the thread (page 2 of a long one) keeps an empty opening post, titled, with a
    note."""
    parts.notes = [*parts.notes, *thread.notes]
    first = thread.opening
    if first is not None:
        parts.title = parts.title or first.title
        if parts.title:
            parts.notes = [n for n in parts.notes if n.message != NO_HEADLINE]
        parts.body = first.body
        parts.authors = [Author(name=first.author, description=first.description)] if first.author else []
        parts.author_source = "the forum thread's first post" if first.author else None
        parts.created = first.date
        # What the article parser said of the lines above the posts' body (paragraph
        # lengths) is about site furniture, not about the opening post.
        parts.notes = [n for n in parts.notes if n.kind != "metadata" or "paragraph" not in n.message]
        return
    parts.body, parts.authors, parts.author_source, parts.created = "", [], None, None
    where = f"post #{thread.first_number}" if thread.first_number is not None else "a reply"
    parts.notes.append(
        Note(
            where=rel,
            kind="missing",
            message=LATER_PAGE_NOTE.format(where=where),
        )
    )


# Readers of social posts, which have no headline.
POST_SOURCES = (
    X_SOURCE,
    BSKY_SOURCE,
    MASTODON_SOURCE,
    FACEBOOK_SOURCE,
    LINKEDIN_SOURCE,
    TIKTOK_SOURCE,
    *COPIED_SOURCES,
)


def _open_with_stated(parts: ArticleParts, thread: StatedThread, rel: str, later: int | None) -> None:
    """What the page's structured data states of the opening post stands for what the
    printed page showed: its author and date, and its text where it states one or is a
    forum's post (an article's data often leaves the text to the page). A later page of
    the thread (`later`: its first post's number) keeps an empty opening post, titled."""
    first = thread.opening
    # A post on X, Bluesky, Mastodon, Facebook, LinkedIn or TikTok has no headline: the page
    # prints its author's name first.
    parts.title = first.title if thread.source in POST_SOURCES else parts.title or first.title
    if parts.title or thread.copied:
        # A post copied from a social network has no headline to find.
        parts.notes = [n for n in parts.notes if n.message != NO_HEADLINE]
    if later is not None:
        parts.body, parts.authors, parts.author_source, parts.created = "", [], None, None
        parts.notes.append(Note(where=rel, kind="missing", message=LATER_PAGE_NOTE.format(where=f"post #{later}")))
        return
    if first.text or thread.kind in POSTING_TYPES:
        parts.body = first.text
        parts.notes = [n for n in parts.notes if n.kind != "metadata" or "paragraph" not in n.message]
        if not first.text:
            shares = f": it shares {first.shared}" if first.shared else ""
            parts.notes.append(
                Note(
                    where=rel,
                    kind="missing",
                    message=f"the opening post states a title and no text (a link post{shares})",
                )
            )
    if first.author:
        # The printed page's guess at the author (a line its parser took for a signature) gives way.
        parts.notes = [n for n in parts.notes if not n.message.startswith("author from")]
        parts.authors = [Author(name=first.author, description=first.description)]
        parts.author_source = f"the page's {thread.source} ({thread.kind} author)"
    parts.created = first.created or parts.created
    if parts.created is None and first.age:
        parts.created_unread = first.age
        parts.notes.append(
            Note(
                where=rel,
                kind="missing",
                message=f"the opening post's date {first.age!r} is printed relative to when the page was saved: "
                "left empty",
            )
        )


def _from_metadata(parts: ArticleParts, meta: PageMetadata, rel: str) -> list[Note]:
    """Fill what the printed page did not show (headline, author, date) from what its HTML
    head states, saying where each came from."""
    notes = []
    if not parts.title and meta.headline:
        parts.title, where = meta.headline
        parts.notes = [n for n in parts.notes if n.message != NO_HEADLINE]
        notes.append(Note(where=rel, kind="metadata", message=f"title from the page's metadata ({where})"))
    if not parts.authors and meta.authors:
        names, where = meta.authors
        parts.authors = [Author(name=name) for name in names]
        parts.author_source = f"page metadata ({where})"
        notes.append(
            Note(where=rel, kind="metadata", message=f"author from the page's metadata ({where}): {', '.join(names)}")
        )
    if parts.created is None and meta.published:
        parts.created, where = meta.published
        notes.append(Note(where=rel, kind="metadata", message=f"publication date from the page's metadata ({where})"))
    return notes


def dated_from_article(
    comments: list[RawComment], published: str | None, rel: str, notes: list[Note]
) -> list[RawComment]:
    """`comments` with the dates they print without a year ("15. februar kl. 09.12": this
    year's, as Facebook's comments plugin and other widgets print them) read in the year
    that puts each on or after the article's publication day, which they answer; one note
    says how many. Without the article's date they stay unread, each with a note."""
    out, dated = [], []
    for c in comments:
        if c.date is None and c.date_raw and yearless_date(c.date_raw):
            iso = yearless_iso(c.date_raw, published) if published else None
            if iso is None:
                notes.append(
                    Note(
                        where=f"{rel}:{c.line}",
                        kind="missing",
                        message=f"comment date {c.date_raw!r} is printed without its year, and the page prints "
                        "no publication date to count from: left empty",
                    )
                )
            else:
                dated.append(c)
                c = replace(c, date=iso)
        out.append(c)
    if dated:
        notes.append(
            Note(
                where=f"{rel}:{dated[0].line}",
                kind="repaired",
                message=f"{len(dated)} comment date(s) printed without their year (e.g. {dated[0].date_raw!r}) "
                f"read in the year that puts each on or after the article's date, {published}",
            )
        )
    return out


def _chronological(comments: list[RawComment]) -> list[RawComment] | None:
    """`comments` by their time (ties in page order), where every one states an ISO 8601
    time that can be compared with the others (all with an offset, or all without); by
    their day where some state only the day (X prints a reply's day, the post's time)."""
    days = any(c.date and "T" not in c.date for c in comments)
    try:
        stamps = [datetime.fromisoformat(c.date[:10] if days else c.date) for c in comments if c.date]
        if len(stamps) < len(comments) or len({s.tzinfo is None for s in stamps}) > 1:
            return None
    except ValueError:
        return None
    return [c for _, _, c in sorted(zip(stamps, range(len(comments)), comments, strict=True), key=lambda t: t[:2])]


def _by_age(comments: list[RawComment]) -> list[RawComment] | None:
    """`comments` from the oldest by the ages they print (`4h ago`; ties in page order),
    where every one prints one and none a date (a Reddit thread copied as text)."""
    ages = [relative_age(c.date_raw) if not c.date else None for c in comments]
    if not comments or None in ages:
        return None
    return [
        c for _, _, c in sorted(zip(ages, range(len(comments)), comments, strict=True), key=lambda t: (-t[0], t[1]))
    ]


def oldest_first(comments: list[RawComment], address_min_score: float = 85) -> list[RawComment]:
    """Comments from the oldest. Dates decide where they rise or fall down the page (dates
    relative to the page's saving, where no comment has another, by the ages they say); else
    answers do (a comment that addresses someone comes after that person's comment); else
    the page is taken to list the newest first, as most comment lists (DenOffentlige's
    among them) do. Where replies are indented under what they answer, the top-level
    comments are ordered so, each followed by its replies as the page shows them."""
    if any(c.indented_under is not None for c in comments):
        blocks: list[list[RawComment]] = []
        for c in comments:
            if c.indented_under is None or not blocks:
                blocks.append([c])
            else:
                blocks[-1].append(c)
        heads = oldest_first([b[0] for b in blocks], address_min_score)
        by_head = {id(b[0]): b for b in blocks}
        return [c for head in heads for c in by_head[id(head)]]
    dates = [c.date for c in comments if c.date]
    if len(dates) >= 2 and dates[0] != dates[-1]:
        if dates == sorted(dates):
            return list(comments)
        if dates == sorted(dates, reverse=True):
            return list(reversed(comments))
    # Dates with slashes that read two ways still order the comments where both readings
    # put them in one order ("11/03/2024 - 10:14", "11/03/2024 - 11:02": the same day).
    if not dates and all(c.date_raw for c in comments) and len(comments) >= 2:
        readings = [list(seq) for seq in zip(*(slash_readings(c.date_raw) for c in comments), strict=True)]
        if all(None not in seq and seq[0] != seq[-1] for seq in readings):
            ways = {
                "up" if seq == sorted(seq) else "down" if seq == sorted(seq, reverse=True) else None for seq in readings
            }
            if ways == {"up"}:
                return list(comments)
            if ways == {"down"}:
                return list(reversed(comments))
    # Dates relative to the page's saving ("3 t", "2 t", "1 t") order the comments too,
    # where no comment has an absolute one: the ages fall down a page that lists the oldest first.
    ages = [relative_age(c.date_raw) for c in comments if c.date_raw and not c.date]
    if not dates and len(ages) >= 2 and None not in ages and ages[0] != ages[-1]:
        if ages == sorted(ages, reverse=True):
            return list(comments)
        if ages == sorted(ages):
            return list(reversed(comments))
    votes = page_order_votes(
        [c.author for c in comments], [f"{c.title}\n{c.body}".strip() for c in comments], address_min_score
    )
    return list(comments) if votes > 0 else list(reversed(comments))


def _comment_words(rc) -> str:
    """A comment's headline and words (none where its text is a deletion mark), whose
    language it is read in."""
    return f"{rc.title}\n{'' if deleted_text(rc.body) else rc.body}".strip()


def _comment_languages(raw_comments: list, cfg: Config) -> list[tuple[str | None, float]]:
    """Each comment's detected language, all in one batch over lingua's thread pool (one at
    a time, a page of 2,000 comments spent 2.8 s on it, on one core)."""
    return langid.detect_many([_comment_words(rc) for rc in raw_comments], cfg.languages)


def _comment_post(
    rc,
    pos: int,
    thread_id: str,
    rel: str,
    thread_lang: str,
    cfg: Config,
    notes: list[Note],
    author_from: str = "comment header",
    detected: tuple[str | None, float] | None = None,
) -> Post:
    """A comment read off a page as a post; `detected`: its language, where detected already
    (`_comment_languages`)."""
    name = rc.author if rc.author and rc.author.strip().lower() not in DELETED_NAMES else None
    descriptions = [rc.description] if rc.description else []
    body = rc.body
    if deleted_text(body):
        notes.append(Note(where=f"{rel}:{rc.line}", kind="repaired", message=deletion_note(body)))
        body = ""
    signature = None
    sig = find_signature(body, name)
    if sig:
        start, end, sig_descs = sig
        signature = Span(start=start, end=end)
        descriptions.extend(d for d in sig_descs if d not in descriptions)
    lang, conf, lang_source = langid.resolve(_comment_words(rc), thread_lang, cfg.languages, detected)
    if name is None:
        notes.append(Note(where=f"{rel}:{rc.line}", kind="repaired", message="deleted or empty author"))
    return Post(
        id=f"{thread_id}/c{pos:02d}",
        thread_id=thread_id,
        kind="comment",
        position=pos,
        parent_id=None,
        authors=(Author(name=name, description="; ".join(descriptions) or None),),
        author_evidence=author_from if name else None,
        created=rc.date,
        title=rc.title,
        text=body,
        lang=lang,
        lang_confidence=conf,
        lang_source=lang_source,
        signature=signature,
        source=f"{rel}:{rc.line}",
    )


def _check_manifest(entry: ManifestEntry, root: Post, rel: str) -> list[Note]:
    notes = []
    if entry.title and entry.title != root.title:
        notes.append(
            Note(
                where=rel,
                kind="manifest-mismatch",
                message=f"title: extracted {root.title!r}, manifest {entry.title!r}",
            )
        )
    # A manifest may give the day of a page that prints the time as well.
    if (
        entry.date is not None
        and (entry.date or None) != root.created
        and not (entry.date and (root.created or "").startswith(entry.date + "T"))
    ):
        notes.append(
            Note(
                where=rel,
                kind="manifest-mismatch",
                message=f"date: extracted {root.created!r}, manifest {entry.date!r}",
            )
        )
    if entry.lang and entry.lang != root.lang:
        notes.append(
            Note(
                where=rel,
                kind="manifest-mismatch",
                message=f"language: detected {root.lang!r}, manifest {entry.lang!r}",
            )
        )
    return notes


def _page_language(text: str, cfg: Config) -> str:
    """The language of a page's text (boilerplate and all), among the configured ones; the
    first of them where the text is too short to tell."""
    lang, _ = langid.detect(text, cfg.languages)
    return lang or cfg.languages.candidates[0]


def ingest_seeds(manifest_path: Path, cfg: Config) -> Corpus:
    """Every page in a seed manifest, or in a folder without one, to one corpus."""
    manifest_path = manifest_file(manifest_path)
    listed = not manifest_path.is_dir()
    folder = manifest_path.parent if listed else manifest_path
    threads: list[Thread] = []
    posts: list[Post] = []
    notes: list[Note] = []
    entries = read_manifest(manifest_path)
    pages = []
    for entry in entries:
        log.info("ingest %s (%s)", entry.file, entry.kind)
        pages.append(ingest_page(folder / entry.file, entry, cfg, listed))
    for page in join_pages(pages, lambda root, comments: with_parents(root, comments, cfg)):
        threads.append(page.thread)
        posts.extend(page.posts)
        notes.extend(page.notes)
    return finish_corpus(threads, posts, notes)
