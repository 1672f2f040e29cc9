"""Raw pages from other sites than the seeds': comment lists whose comments open with a
name and a date, articles written in short paragraphs, a name over a title as byline.

The two pages in tests/pages/ are written for these tests in the layouts Swedish debate
sites and Facebook's comment plugin print when a page is saved as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.core.quotes import unquoted
from pipeline.ingest.pages.article import RawComment
from pipeline.ingest.pages.comments import find_comments_header, parse_comments
from pipeline.ingest.pages.seeds import ingest_seeds, oldest_first

PAGES = Path(__file__).parent / "pages"


def ingest_page(tmp_path, name: str, cfg, kind: str = "thread", lang: str = "da"):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes((PAGES / name).read_bytes())
    (tmp_path / "manifest.toml").write_text(
        f'[[document]]\nfile = "{name}"\nkind = "{kind}"\nlang = "{lang}"\n', encoding="utf-8"
    )
    return ingest_seeds(tmp_path / "manifest.toml", cfg)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_pages_a_text_page_saved_as_utf16_with_its_byte_order_mark_reads_as_the_utf8_page(tmp_path, cfg, encoding):
    """Windows Notepad saves "Unicode" as UTF-16 with a byte-order mark, and Windows line
    ends: the page had been refused; the mark says the encoding, and the page reads as
    saved in UTF-8, with a note."""
    page = COMMENTED_ARTICLE + "".join(
        f"{who} · {when}\n{said}\n\n" for who, when, said in zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    (tmp_path / "utf8").mkdir()
    (tmp_path / "utf8" / "side.txt").write_text(page, encoding="utf-8")
    (tmp_path / "utf16").mkdir()
    data = page.replace("\n", "\r\n").encode(encoding)
    (tmp_path / "utf16" / "side.txt").write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)
    utf8, utf16 = ingest_seeds(tmp_path / "utf8", cfg), ingest_seeds(tmp_path / "utf16", cfg)
    assert [(p.authors, p.created, p.title, p.text) for p in utf16.posts] == [
        (p.authors, p.created, p.title, p.text) for p in utf8.posts
    ]
    assert len(utf16.posts) == 4
    assert "read in utf-16 (as its byte-order mark says), not UTF-8" in {n.message for n in utf16.notes}


def test_pages_a_page_saved_in_decomposed_unicode_reads_as_the_composed_page(tmp_path, cfg):
    """A page whose "ä" is "a" and a combining diaeresis (saved by a macOS tool) is read as
    the same page written composed: the same posts, authors and replies, with a note."""
    import unicodedata

    name = "sv_debatt_kommentarer.txt"
    composed = ingest_page(tmp_path / "nfc", name, cfg, lang="sv")
    (tmp_path / "nfd").mkdir()
    text = unicodedata.normalize("NFD", (PAGES / name).read_text(encoding="utf-8"))
    assert text != (PAGES / name).read_text(encoding="utf-8")
    (tmp_path / "nfd" / name).write_text(text, encoding="utf-8")
    (tmp_path / "nfd" / "manifest.toml").write_text(
        f'[[document]]\nfile = "{name}"\nkind = "thread"\nlang = "sv"\n', encoding="utf-8"
    )
    decomposed = ingest_seeds(tmp_path / "nfd" / "manifest.toml", cfg)

    def view(corpus):
        return [(p.title, p.text, p.parent_id, [a.name for a in p.authors], p.lang) for p in corpus.posts]

    assert view(decomposed) == view(composed) and len(decomposed.posts) > 1
    assert [n.kind for n in decomposed.notes if "decomposed Unicode" in n.message] == ["repaired"]
    assert not [n for n in composed.notes if "decomposed Unicode" in n.message]


def test_pages_an_html_page_reads_its_entities_without_a_false_note_and_without_soft_hyphens(tmp_path, cfg):
    """A page saved as HTML is not called decomposed Unicode because its markup was read
    (every HTML page was, before); an entity that spells a combining mark is composed, and
    the soft hyphens news sites put in long compounds ("&shy;") are removed, with a note."""
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "plain.html"\nkind = "article"\nlang = "da"\n'
        '[[document]]\nfile = "shy.html"\nkind = "article"\nlang = "da"\n',
        encoding="utf-8",
    )
    body = (
        "<p>Kommunerne mangler erfarne {w} over hele landet, og sagsbunkerne vokser hver eneste måned.</p>"
        "<p>Derfor må politikerne nu finde pengene til flere {w} i den kommunale forvaltning.</p>"
    )
    page = "<html><head><title>x</title></head><body><h1>Krisen i {t}</h1>{b}</body></html>"
    plain = page.format(t="socialforvaltningen", b=body.format(w="socialrådgivere"))
    shy = page.format(t="social&shy;forvaltningen", b=body.format(w="social&shy;ra&#778;dgivere"))
    (tmp_path / "plain.html").write_text(plain, encoding="utf-8")
    (tmp_path / "shy.html").write_text(shy, encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    by_thread = {p.thread_id: p for p in corpus.posts if p.kind == "document"}
    assert by_thread["shy"].title == by_thread["plain"].title == "Krisen i socialforvaltningen"
    assert by_thread["shy"].text == by_thread["plain"].text and "socialrådgivere" in by_thread["plain"].text
    repaired = sorted((n.where.rsplit("/", 1)[-1], n.message[:40]) for n in corpus.notes if n.kind == "repaired")
    assert repaired == [
        ("shy.html", "the page's text held characters a reader"),
        ("shy.html", "the page's text in decomposed Unicode (a"),
    ]


def test_pages_swedish_debate_page_with_name_and_date_comments(tmp_path, cfg):
    corpus = ingest_page(tmp_path, "sv_debatt_kommentarer.txt", cfg, lang="sv")
    root, *comments = corpus.posts
    assert root.title == "Socialtjänsten behöver fler erfarna socialsekreterare"
    assert root.created == "2023-03-12T06:00"
    # A name over a title above the text is the byline.
    assert [(a.name, a.description) for a in root.authors] == [("Anna Lindqvist", "Ordförande Vision Stockholm")]
    # Three short paragraphs (none of 200 characters) are the text, not boilerplate.
    assert root.text.startswith("Socialtjänsten i Stockholm tappar erfarna medarbetare")
    assert root.text.endswith("att erfarenhet lönar sig.") and root.text.count("\n\n") == 2
    assert [(c.authors[0].name, c.created, c.text) for c in comments] == [
        (
            "Erik Johansson",
            "2023-03-12T08:14",
            "Helt rätt. Jag har själv jobbat som socialsekreterare i tio år och ser samma sak varje vecka.",
        ),
        ("Maria Berg", "2023-03-12T09:02", "Det handlar inte bara om pengar. Ledningen måste sluta styra med siffror."),
        ("Per Nilsson", "2023-03-12T10:47", "Varför ska kommunen betala mer när resultaten inte blir bättre?"),
        ("Lena Ek", "2023-03-12T11:30", "@Per Nilsson För att barnen får betala priset när ingen stannar kvar."),
    ]
    # The page lists the oldest first (the dates rise), so page order is kept.
    assert [c.position for c in comments] == [1, 2, 3, 4]
    # "@Per Nilsson" followed by the text on the same line answers Per Nilsson.
    assert [c.parent_id for c in comments] == [root.id, root.id, root.id, comments[2].id]
    assert comments[3].parent_evidence[0].rule == "address" and comments[3].parent_evidence[0].cue == "@Per Nilsson"
    messages = [n.message for n in corpus.notes]
    assert "8 row(s) of comment buttons (reply, like)" in messages
    assert "end of comment list at: Läs också" in messages  # not part of Lena Ek's comment


def test_pages_facebook_plugin_comments_with_relative_dates_newest_first(tmp_path, cfg):
    corpus = ingest_page(tmp_path, "da_facebook_kommentarer.txt", cfg)
    root, *comments = corpus.posts
    assert [(a.name, a.description) for a in root.authors] == [
        ("Karen Holm", "Formand for Dansk Socialrådgiverforening")
    ]
    # Newest first on the page: positions count from the oldest, whose date is absolute.
    assert [(c.authors[0].name, c.created, c.text) for c in comments] == [
        ("Henrik Olsen", "2024-02-14T09:12", "Hvem skal betale for det?"),
        ("Birgitte Sørensen", None, "Det handler om ledelse, ikke om flere hænder."),
        ("Jens Madsen", None, "Det er helt rigtigt. Min kone er socialrådgiver og arbejder 50 timer om ugen."),
    ]
    notes = {n.message for n in corpus.notes}
    assert "comment date '3 timer siden' is relative to when the page was saved: left empty" in notes
    assert "before the first comment: Sorter efter: Nyeste" in notes
    assert "3 row(s) of comment buttons (reply, like)" in notes


def test_pages_disqus_comments_in_page_order_when_an_answer_follows_what_it_answers(tmp_path, cfg):
    """No absolute dates ("for 2 år siden" everywhere, sorted by "Bedste"): Anders Bak's
    "Svar til Mette Kjær:" below Mette Kjær's comment shows the page lists the oldest
    first, so page order is kept and the answer finds its parent."""
    corpus = ingest_page(tmp_path, "da_disqus_kommentarer.txt", cfg)
    root, *comments = corpus.posts
    assert root.title == "Debat: Skal socialrådgivere autoriseres?"  # a headline may ask
    # The section's name before the colon is no part of the claim stance is measured toward.
    assert corpus.threads[0].target == "Skal socialrådgivere autoriseres?"
    assert [c.authors[0].name for c in comments] == ["Mette Kjær", "Anders Bak", "Ulla"]
    assert [c.parent_id for c in comments] == [root.id, comments[0].id, root.id]
    assert comments[1].parent_evidence[0].rule == "address"
    assert all(c.created is None for c in comments)
    # Comments not loaded when the page was saved: a gap the note names, not the list's end.
    assert (
        "1 place(s) where the comment list shows replies or comments the saved page does not hold "
        "(e.g. 'Vis flere kommentarer'): open them before saving the page to read them"
    ) in {n.message for n in corpus.notes}


def test_pages_a_page_saved_as_html_reads_as_the_text_a_browser_shows(tmp_path, cfg):
    """Scripts, styles and the <head> are not text; headline, byline, <time> and paragraphs
    are; each comment's author runs into its <time> on one line."""
    corpus = ingest_page(tmp_path, "da_avis.html", cfg)
    root, *comments = corpus.posts
    assert root.title == "Socialrådgivere løber stærkere end nogensinde"
    assert (root.created, [a.name for a in root.authors]) == ("2024-05-02", ["Sofie Dahl"])
    assert root.text.startswith("Et flertal af landets socialrådgivere") and "<" not in root.text
    assert root.text.endswith("hvis ikke arbejdsvilkårene bliver bedre.")
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Hanne Vestergaard", "2024-05-02T10:15"),
        ("Bo Frandsen", "2024-05-02T11:40"),
    ]
    assert comments[1].text == "@Hanne Vestergaard Hvorfor ansætter kommunen så ikke flere?"
    assert comments[1].parent_id == comments[0].id
    assert "read as HTML: line numbers count the lines of the page's text" in {n.message for n in corpus.notes}


def test_pages_an_html_page_whose_byline_carries_a_description_and_a_date(tmp_path, cfg):
    """ "Af Karen Holm, journalist · 14. marts 2024 kl. 08.30" is one line: the author, what
    she is and when the article came out. The headline is the page's <h1> (which its
    <title> repeats before the site's name), not the longer standfirst under the byline,
    which has no full stop either, and the footer's
    "© Avisen 2024 · ..." ends the comment list instead of joining the last comment."""
    corpus = ingest_page(tmp_path, "da_avis_byline_med_dato.html", cfg)
    root, *comments = corpus.posts
    assert root.title == "Kommunerne mangler socialrådgivere"
    assert [(a.name, a.description) for a in root.authors] == [("Karen Holm", "journalist")]
    assert root.created == "2024-03-14T08:30"
    assert root.text.startswith("Flere kommuner kan ikke besætte") and root.text.endswith("frem for flere penge.")
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Lars Jensen", "2024-03-14T09:12"),
        ("Mette Sørensen", "2024-03-14T09:40"),
        ("Peter Nielsen", "2024-03-14T10:05"),
    ]
    assert comments[2].text == "@Mette Sørensen Helt enig. Men uden flere hænder hjælper bedre ledelse ikke meget."
    assert comments[2].parent_id == comments[1].id
    assert "end of comment list at: © Avisen 2024 · Kontakt · Cookiepolitik" in {n.message for n in corpus.notes}


def test_pages_an_html_page_that_prints_no_byline_or_date_takes_them_from_its_head(tmp_path, cfg):
    """A page that prints neither author nor date states them in its head, for search engines:
    the authors from its JSON-LD (article:author is an address, which names no one), the date
    from article:published_time, the site from og:site_name, each with a note saying where
    it came from. A broken JSON-LD block is passed over."""
    corpus = ingest_page(tmp_path, "sv_avis_metadata.html", cfg, kind="article", lang="sv")
    (root,) = corpus.posts
    (thread,) = corpus.threads
    assert root.title == "Socialsekreterarna lämnar – så ska kommunen behålla dem"
    assert [a.name for a in root.authors] == ["Anna Berg", "Olof Lind"]
    assert root.author_evidence == "page metadata (JSON-LD author)"
    assert root.created == "2024-04-09T06:00:00+02:00" and thread.site == "Länstidningen"
    assert root.text.startswith("Var tredje socialsekreterare") and "Copyright" not in root.text
    metadata = sorted(n.message for n in corpus.notes if "page's metadata" in n.message)
    assert metadata == [
        "author from the page's metadata (JSON-LD author): Anna Berg, Olof Lind",
        "publication date from the page's metadata (meta article:published_time)",
    ]


def test_pages_a_fact_dense_paragraph_is_text_and_a_photo_caption_is_not(tmp_path, cfg):
    """jusText judges a paragraph by its share of stopwords; news prose full of names and
    figures has few ("Ifølge rapporten har en socialrådgiver ... 35 sager, mens foreningen
    anbefaler højst 20 sager per medarbejder.": 26%) and was dropped as boilerplate. It is
    the article's text; the picture's caption with its credit, the "Læs også" link and the
    "Mest læste" list are not, each removed with a note naming why."""
    corpus = ingest_page(tmp_path, "da_artikel_tal_og_billedtekst.html", cfg, kind="article")
    (root,) = corpus.posts
    assert root.title == "Socialrådgivere flygter fra børneområdet"
    assert ([a.name for a in root.authors], root.created) == (["Mads Kjær"], "2024-09-03")
    paragraphs = root.text.split("\n\n")
    assert paragraphs[0].startswith("Hver fjerde socialrådgiver") and paragraphs[-1].startswith("KL oplyser")
    assert any(p.startswith("Ifølge rapporten har en socialrådgiver") for p in paragraphs)
    assert not any(word in root.text for word in ("Foto:", "Læs også", "Mest læste", "Aarhus", "©"))
    removed = {n.message.split(":", 1)[0] for n in corpus.notes if n.kind == "removed"}
    assert {"photo-credit", "read-more", "site-sections", "copyright"} <= removed


def test_pages_a_page_whose_text_shows_no_headline_takes_its_heads(tmp_path, cfg):
    """No line of the page's text reads as a headline (it opens with its paragraphs), but
    its head states one: that is the title, with a note, and no "no headline" note."""
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "kris.html"\nkind = "article"\nlang = "sv"\n', encoding="utf-8"
    )
    (tmp_path / "kris.html").write_text(
        '<html><head><meta property="og:title" content="Socialtjänsten i kris"></head><body>'
        "<p>Socialtjänsten i kommunen har förlorat hälften av sina erfarna handläggare på två år, och de "
        "som är kvar har fler ärenden än någonsin tidigare.</p><p>Nämnden vill nu anställa fler, men "
        "budgeten räcker inte till mer än två nya tjänster under nästa år.</p></body></html>",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    (root,) = corpus.posts
    assert root.title == "Socialtjänsten i kris" and root.text.startswith("Socialtjänsten i kommunen")
    messages = {n.message for n in corpus.notes}
    assert "title from the page's metadata (meta og:title)" in messages
    assert not [m for m in messages if "no headline" in m]


def test_pages_relative_comment_dates_are_read_from_their_time_element(tmp_path, cfg):
    """A comment list that prints "for 5 timer siden" states the time itself in its <time
    datetime="...">: that is the comment's date, with a note saying so. A <time> without
    the attribute stays a relative date, left empty with the note it always had. Names
    that link to their profile pages read as the names shown, without the address."""
    corpus = ingest_page(tmp_path, "da_relative_datoer.html", cfg)
    root, *comments = corpus.posts
    assert [a.name for a in root.authors] == ["Trine Juul"]
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Susanne Bech", "2024-10-07T08:10:00+02:00"),
        ("Henrik Lund", "2024-10-07T11:45:00+02:00"),
        ("Ole Krogh", None),
    ]
    assert comments[1].parent_id == comments[0].id
    messages = [n.message for n in corpus.notes]
    assert (
        "2 date(s) printed relative to when the page was saved (e.g. 'for 5 timer siden') read from the "
        "page's <time datetime=...>" in messages
    )
    assert "comment date 'for 1 time siden' is relative to when the page was saved: left empty" in messages


def test_pages_a_page_a_web_clipper_saved_as_markdown(tmp_path, cfg):
    """ "# Headline", a byline whose name links to the author's page, an image, bold names
    over the comments: read as the page it was, not as Markdown's marks."""
    corpus = ingest_page(tmp_path, "da_avis_markdown.md", cfg)
    root, *comments = corpus.posts
    assert root.title == "Kommunerne mangler socialrådgivere"
    assert ([(a.name, a.description) for a in root.authors], root.created) == (
        [("Karen Holm", "journalist")],
        "2024-03-14T08:30",
    )
    assert "**" not in root.text and "](" not in root.text and "Dansk Socialrådgiverforening." in root.text
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Lars Jensen", "2024-03-14T09:12"),
        ("Mette Sørensen", "2024-03-14T09:40"),
    ]
    assert "read as Markdown: line numbers count the lines of the page's text" in {n.message for n in corpus.notes}


def test_pages_a_markdown_page_under_a_clippers_front_matter_takes_its_title_author_date_and_site(tmp_path, cfg):
    """Obsidian's Web Clipper writes the page's title, source, authors ("[[Karen Holm]]")
    and publication date as YAML above the Markdown, and leaves the headline out of the
    body: they had been read as the page's first lines (the title "title: ...")."""
    corpus = ingest_page(tmp_path, "da_obsidian_klip.md", cfg)
    root, *comments = corpus.posts
    thread = corpus.threads[0]
    assert (root.title, [a.name for a in root.authors], root.created, thread.site) == (
        "Kommunerne mangler socialrådgivere",
        ["Karen Holm"],
        "2024-03-14",
        "avisen.example",
    )
    assert root.text.startswith("Flere kommuner") and "clippings" not in root.text
    assert [c.authors[0].name for c in comments] == ["Lars Jensen", "Mette Sørensen"]
    assert "title from the page's metadata (front matter title)" in {n.message for n in corpus.notes}


def test_pages_markdownloads_template_gives_its_headline_and_byline_without_the_excerpt_quotation(tmp_path, cfg):
    """MarkDownload's default template: front matter whose `created` is the day the page was
    clipped (not read as a date), the headline, then the page's description as a quotation
    headed "Excerpt" and a rule: the quotation had become the text's first paragraph."""
    page = (
        "---\ncreated: 2024-03-15T10:02:11 (UTC +01:00)\ntags: []\n"
        "source: https://avisen.example/indland/kommunerne-mangler-socialraadgivere\nauthor: Karen Holm\n---\n\n"
        "# Kommunerne mangler socialrådgivere\n\n> ## Excerpt\n> Flere kommuner kan ikke besætte stillinger.\n\n"
        "---\nAf Karen Holm, journalist · 14. marts 2024 kl. 08.30\n\n"
        "Flere kommuner kan ikke besætte stillinger som socialrådgiver, og sagsbunkerne vokser. Det viser en ny "
        "opgørelse fra Dansk Socialrådgiverforening.\n"
    )
    corpus = _page_corpus(tmp_path, page, cfg, name="klip.md", kind="article")
    root = corpus.posts[0]
    assert (root.title, root.created, corpus.threads[0].site) == (
        "Kommunerne mangler socialrådgivere",
        "2024-03-14T08:30",
        "avisen.example",
    )
    assert root.text.startswith("Flere kommuner kan ikke besætte stillinger som socialrådgiver, og")
    assert "Excerpt" not in root.text
    assert any("'Excerpt' quotation" in n.message for n in corpus.notes)


def test_pages_a_page_fetched_through_jina_reader_is_read_as_its_markdown_with_its_stated_date_and_site(tmp_path, cfg):
    """Jina's Reader (r.jina.ai) writes "Title:", "URL Source:", "Published Time:" and
    "Markdown Content:" above the page as Markdown, saved as .txt or .md: the Markdown is
    read as Markdown (its "=====" and link marks had been read as text), the header as
    the page's metadata."""
    as_md = ingest_page(tmp_path / "md", "da_jina_reader.md", cfg)
    (tmp_path / "txt").mkdir()
    corpus = _page_corpus(tmp_path / "txt", (PAGES / "da_jina_reader.md").read_text(encoding="utf-8"), cfg)
    assert [(p.title, p.text) for p in corpus.posts] == [(p.title, p.text) for p in as_md.posts], ".txt as .md"
    root, *comments = corpus.posts
    assert (root.title, root.created, corpus.threads[0].site) == (
        "Kommunerne mangler socialrådgivere",
        "2024-03-14T08:30:00+01:00",
        "avisen.example",
    )
    assert [(a.name, a.description) for a in root.authors] == [("Karen Holm", "journalist")]
    assert "===" not in root.text and "](" not in root.text and "URL Source" not in root.text
    assert [c.authors[0].name for c in comments] == ["Lars Jensen", "Mette Sørensen"]
    assert "publication date from the page's metadata (Jina Reader's Published Time)" in {
        n.message for n in corpus.notes
    }


def test_pages_a_text_page_under_an_extractors_front_matter_takes_its_title_author_date_and_site(tmp_path, cfg):
    """trafilatura's --with-metadata writes YAML front matter above the text it extracts
    (title, author, url, sitename, date): the page's metadata, not its first lines."""
    page = (
        "---\ntitle: Socialtjänsten måste våga prioritera\nauthor: Lena Holm\n"
        "url: https://www.tidningen.example/debatt/socialtjansten\nhostname: tidningen.example\n"
        "sitename: Tidningen\ndate: 2024-03-13\ncategories: []\nfingerprint: 5ba2c7e1d0f3a9b2\nid: None\n---\n"
        "Var tredje socialsekreterare har arbetat kortare tid än två år i yrket, och det märks varje dag.\n"
        "Det är inte rimligt att de nyutexaminerade får ta de svåraste ärendena utan stöd och handledning.\n"
    )
    corpus = _page_corpus(tmp_path, page, cfg, name="artikel.txt", kind="article")
    root = corpus.posts[0]
    assert (root.title, [a.name for a in root.authors], root.created, corpus.threads[0].site) == (
        "Socialtjänsten måste våga prioritera",
        ["Lena Holm"],
        "2024-03-13",
        "Tidningen",
    )
    assert root.text.startswith("Var tredje") and "fingerprint" not in root.text


def test_pages_a_conversation_saved_from_x_gives_each_post_its_handle_time_and_words(tmp_path, cfg):
    """X's page prints name, handle, time and counts run together; its elements
    (`data-testid` "tweet", "User-Name", "tweetText", `<time datetime>`) say which is which.
    The first post opens the thread, without a headline (the page's first line is its
    author's name); a reply that opens with "@mettekjaer" answers hers."""
    corpus = ingest_page(tmp_path, "da_x_samtale.html", cfg)
    root, *replies = corpus.posts
    assert (root.title, root.authors[0].name, root.authors[0].description, root.created) == (
        "",
        "socialraadgiver",
        "Dansk Socialrådgiverforening",
        "2024-03-14T08:00:00+00:00",
    )
    assert root.text.startswith("Hver femte socialrådgiver") and "431" not in root.text
    assert [(r.authors[0].name, r.created[11:16], r.parent_id.rsplit("/", 1)[-1]) for r in replies] == [
        ("mettekjaer", "08:12", "da_x_samtale"),
        ("oleberg", "08:31", "c01"),
        ("jenslund", "09:05", "da_x_samtale"),
    ]
    assert replies[1].text == "@mettekjaer det koster penge, som kommunerne ikke har."


def test_pages_a_thread_saved_from_bluesky_gives_each_post_its_handle_name_date_and_words(tmp_path, cfg):
    """bsky.app names each post `postThreadItem-by-<handle>` and its words `postText`; a
    reply's time is printed relative ("3t"), its date in the link's tooltip. The printed
    page runs names, handles, times and counts together."""
    corpus = ingest_page(tmp_path, "sv_bluesky_trad.html", cfg, lang="sv")
    root, *replies = corpus.posts
    assert (root.title, root.authors[0].name, root.authors[0].description, root.created) == (
        "",
        "annaberg.bsky.social",
        "Anna Berg",
        "2024-03-14T09:00",
    )
    assert [(r.authors[0].name, r.authors[0].description, r.created) for r in replies] == [
        ("bo.bsky.social", "Bo Lind (S)", "2024-03-14T09:14"),
        ("sara.bsky.social", "Sara", "2024-03-14T09:40"),
    ]
    assert replies[1].parent_id == replies[0].id, "an opening @handle names the reply it answers"
    assert "31" not in root.text and replies[0].text == "Vi har budgeterat för fler tjänster i år."


def _no_furniture(posts) -> None:
    for p in posts:
        assert not re.search(
            r"(?m)^(?:Upvote|Downvote|Reply|Share|permalink|Replying to|Views|"
            r"Stem op|Stem ned|Svar|Del|Visninger|\d+)$",
            p.text,
        ), p.text


# Reddit's English interface words and the Danish interface's.
_REDDIT_IN_DANISH = [
    ("Upvote", "Stem op"),
    ("Downvote", "Stem ned"),
    ("Reply", "Svar"),
    ("reply", "svar"),
    ("Share", "Del"),
    ("Award", "Pris"),
    ("4h ago", "for 4 t. siden"),
    ("3h ago", "for 3 t. siden"),
    ("2h ago", "for 2 t. siden"),
    ("5 hr. ago", "for 5 t. siden"),
    ("Comment deleted by user", "Kommentar slettet af brugeren"),
    ("More replies", "Flere svar"),
    ("Sort by:", "Sortér efter:"),
    ("Search Comments", "Søg i kommentarer"),
]


@pytest.mark.parametrize("interface", ["English", "Danish"])
def test_pages_a_reddit_thread_copied_as_text_gives_each_comment_its_author_and_words(tmp_path, cfg, interface):
    """Copying a Reddit thread from the browser prints each comment's name, `•` and age on
    lines of their own, then its words and a row of buttons: each comment is read from its
    header (it had all been the article's boilerplate). The post's title, author and words
    come from the lines under `r/Denmark` / `•` / `5 hr. ago` (its flair "Politik" left
    out); comments are ordered by the ages they print; a deleted comment keeps its place
    with no author or words; badges ("OP", "Top 1% Commenter") are not words. The copy
    shows no nesting, but Reddit lists each reply right under what it answers: a comment
    whose words name nothing else answers the comment right above it (rule `copied-text`,
    at the configured `listed_under`), the first the post. Reddit's Danish interface reads
    the same."""
    page = (PAGES / "da_reddit_kopieret.txt").read_text(encoding="utf-8")
    for english, danish in _REDDIT_IN_DANISH if interface == "Danish" else []:
        page = page.replace(english, danish)
    corpus = _page_corpus(tmp_path, page, cfg)
    root, *comments = corpus.posts
    assert (root.title, root.authors[0].name, root.created) == (
        "Hver tredje nye socialrådgiver forlader kommunen",
        "Nordisk_bruger42",
        None,
    )
    assert root.text.startswith("Jeg læste i dag i Altinget") and root.text.endswith("uden flere penge?")
    assert "Politik" not in root.text and "\n\n" in root.text
    assert [(c.authors[0].name, c.text[:30]) for c in comments] == [
        ("Hyggelig_Bruger", "Jeg er selv socialrådgiver i e"),
        ("Nordisk_bruger42", "Tak for svaret. Hvor mange sag"),
        (None, ""),
        ("Tredje_Person", "Det er noget vrøvl. Kommunerne"),
    ]
    assert comments[0].text.endswith("\n\nDet er ikke lønnen, det er sagstallet.")
    assert comments[0].parent_id == root.id, "the first comment answers the post"
    assert [(c.parent_id, c.parent_rule) for c in comments[1:]] == [(a.id, "copied-text") for a in comments[:-1]]
    assert comments[1].parent_confidence == cfg.replies.listed_under
    _no_furniture(corpus.posts)
    age = "5 hr. ago" if interface == "English" else "for 5 t. siden"
    assert any(n.message.startswith(f"the opening post's date {age!r} is printed relative") for n in corpus.notes)
    more = "More replies" if interface == "English" else "Flere svar"
    assert any(n.message.startswith(f"1 place(s) where the thread shows replies the copy does not hold (e.g. {more!r})")
               for n in corpus.notes)  # fmt: skip


def test_pages_a_reddit_comment_copied_as_text_that_is_older_than_the_one_above_does_not_answer_it(tmp_path, cfg):
    """A reply is younger than what it answers: a comment whose printed age is greater than
    the age of the comment right above it (4h against 1h) cannot answer that one, and is
    left to its words (here none: the post). Nor does a comment listed after Reddit's link
    to hidden replies ("2 more replies") answer the one above that link: it is past that
    comment's replies."""
    page = "\n".join(
        [
            "r/Denmark", "•", "6h ago", "Nordisk_bruger42", "", "Skal sagstallet ned?", "",
            "Hvad mener I om et loft over sagstallet for socialrådgivere i kommunerne?", "",
            "Upvote", "12", "Downvote", "Comments Section",
            "Anna_K", "•", "5h ago", "", "Ja, et loft er den eneste vej frem for faget.", "",
            "Upvote", "3", "Downvote", "Reply",
            "Bo_L", "•", "1h ago", "", "Men hvem skal betale for flere stillinger?", "",
            "Upvote", "1", "Downvote", "Reply",
            "Carl_M", "•", "4h ago", "", "Det er et spørgsmål om ledelse, ikke om loftet.", "",
            "Upvote", "2", "Downvote", "Reply", "2 more replies",
            "Dorte_S", "•", "2h ago", "", "Kommunerne har pengene, de bruger dem bare forkert.", "",
            "Upvote", "2", "Downvote", "Reply",
        ]
    )  # fmt: skip
    root, *comments = _page_corpus(tmp_path, page, cfg).posts
    parents = {c.authors[0].name: (c.parent_id, c.parent_rule) for c in comments}
    assert parents == {
        "Anna_K": (root.id, "default"),
        "Bo_L": (comments[0].id, "copied-text"),  # younger than Anna_K's, right under it
        "Carl_M": (root.id, "default"),  # older than Bo_L's above it: not its answer
        "Dorte_S": (root.id, "default"),  # past Carl_M's hidden replies: not his answer
    }


@pytest.mark.parametrize("buttons", ["run together", "spaced", "a line each"])
def test_pages_an_old_reddit_thread_copied_as_text_nests_replies_by_their_parent_button(tmp_path, cfg, buttons):
    """Old Reddit heads each comment `[–]name flair 42 points 1 day ago` and prints
    `parent` among a reply's buttons only: a comment without it answers the post, a reply
    right under such a comment answers it (evidence `copied-text`, deciding), and a reply
    under a reply answers one of the comments above it in its tree: the words choose, else
    the one right above (at `listed_under`, with a note). The flair is what the member says
    they are (the author's description); `[S]` marks the poster. The buttons read the same
    however the browser copied them."""
    page = (PAGES / "sv_gamla_reddit_kopierad.txt").read_text(encoding="utf-8")
    words = ("permalink", "embed", "save", "parent", "report", "give award", "reply")
    for row in ("".join(words), "".join(w for w in words if w != "parent")):
        page = page.replace(
            row,
            {
                "run together": row,
                "spaced": " ".join(w for w in words if w in row),
                "a line each": "\n".join(w for w in words if w in row),
            }[buttons],
        )
    (tmp_path / "sv_gamla_reddit_kopierad.txt").write_text(page, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "sv_gamla_reddit_kopierad.txt"\nkind = "thread"\nlang = "sv"\n', encoding="utf-8"
    )
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    root, *comments = corpus.posts
    assert (root.title, root.authors[0].name) == ("Socialsekreterare lämnar kommunerna i rekordtakt", "Karin_L")
    assert root.text == "Vision skriver att var tredje socialsekreterare funderar på att sluta. Hur ser det ut hos er?"
    rows = [
        (
            c.authors[0].name,
            c.authors[0].description,
            c.parent_id.rsplit("/", 1)[-1],
            c.parent_evidence[0].rule,
            c.parent_confidence,
        )
        for c in comments
    ]
    assert rows == [
        ("Socionomen_Erik", "Socialsekreterare", "sv_gamla_reddit_kopierad", "copied-text", 1.0),
        ("Karin_L", None, "c01", "copied-text", 1.0),
        ("Socionomen_Erik", "Socialsekreterare", "c02", "copied-text", cfg.replies.listed_under),
        (None, None, "c03", "copied-text", cfg.replies.listed_under),
        ("Skattebetalaren", None, "sv_gamla_reddit_kopierad", "copied-text", 1.0),
    ]
    assert comments[0].text == (
        "Jag jobbar på barn och unga i Malmö. Vi har 40 ärenden var och cheferna lyssnar inte.\n\n"
        "Det är därför folk slutar."
    )
    assert comments[3].text == ""
    _no_furniture(corpus.posts)
    assert any(n.message.startswith("2 repl(ies) under another reply") for n in corpus.notes)
    assert any("'load more comments (3 replies)'" in n.message for n in corpus.notes), "hidden replies are noted"


def test_pages_a_conversation_copied_from_x_reads_handles_dates_and_whom_each_reply_answers(tmp_path, cfg):
    """X's copied text prints each poster's name over their `@handle`, a day (`Mar 14`) over
    a reply and the full time under the post asked for, an optional `Replying to @a and @b`
    (@a's post is the one answered), then counts. The first post opens the thread; the
    post it quotes (Lars Berg's) is not a reply; `Mar 13` is in the year of the full time;
    what follows "Discover more" is not the conversation."""
    corpus = ingest_page(tmp_path, "da_x_kopieret.txt", cfg)
    root, *replies = corpus.posts
    assert (root.title, root.authors[0].name, root.authors[0].description, root.created) == (
        "",
        "mette_holm",
        "Mette Holm",
        "2024-03-13",
    )
    assert root.text == "Kommunerne kan ikke rekruttere socialrådgivere. Hvad gør vi?"
    rows = [(r.authors[0].name, r.created, r.parent_id.rsplit("/", 1)[-1], r.parent_evidence[0].rule) for r in replies]
    assert rows == [
        ("annalind_dk", "2024-03-14T10:12:00", "da_x_kopieret", "default"),
        ("oleberg", "2024-03-14", "c01", "copied-text"),
        ("mette_holm", "2024-03-14", "c02", "copied-text"),
        ("peterdahl", "2024-03-15", "da_x_kopieret", "default"),
    ]
    assert replies[0].text == (
        "Svaret er enkelt: færre sager per rådgiver.\n\nDet koster penge, men det er billigere end at lade "
        "børnene i stikken."
    )
    assert not any("Lars" in a.name or "lars" in (a.name or "") for p in corpus.posts for a in p.authors)
    assert "fodbold" not in " ".join(p.text for p in corpus.posts)
    _no_furniture(corpus.posts)


X_DANISH_COPY = """Opslag

Se nye opslag
Samtale
Anna Lind
@annalind_dk
Hver tredje socialrådgiver forlader kommunen inden for to år. Det er en skandale, og ministeren gør intet.
10.12 AM · 14. mar. 2024
·
12,4 t.
 Visninger
45
210
1,2 t.
38
Relevante
Se citater
Ole Berg
@oleberg
·
14. mar.
Svarer
@annalind_dk
Enig. Sagstallet skal ned, ellers sker der ingenting.
3
1
24
Mette Holm
@mette_holm
·
15. mar.
Det er ikke ministerens ansvar. Kommunerne bestemmer selv.
12
5
80
Find mere
"""


def test_pages_a_conversation_copied_from_x_in_danish_reads_its_counts_days_and_replies(tmp_path, cfg):
    """X in Danish: counts such as `12,4 t.` over `Visninger` (they had ended the opening
    post's text), `Svarer @handle`, and a reply's day without its year (`14. mar.`: the
    year of the post shown in full)."""
    root, *replies = _page_corpus(tmp_path, X_DANISH_COPY, cfg).posts
    assert (root.authors[0].name, root.created, root.text) == (
        "annalind_dk",
        "2024-03-14T10:12:00",
        "Hver tredje socialrådgiver forlader kommunen inden for to år. Det er en skandale, og ministeren gør intet.",
    )
    assert [(r.authors[0].name, r.created, r.parent_id, r.parent_evidence[0].rule) for r in replies] == [
        ("oleberg", "2024-03-14", root.id, "copied-text"),
        ("mette_holm", "2024-03-15", root.id, "default"),
    ]


def test_pages_a_thread_copied_from_bluesky_reads_handles_the_full_time_and_replies_listed_under_their_parents(
    tmp_path, cfg
):
    """Bluesky's copied text (Danish interface) prints each display name over its `@handle`
    (a domain name), a `·` and the age (`5t`) over a reply, the time in full under the post
    asked for, then counts. Bluesky lists each reply right under what it answers and draws
    the nesting with lines the copy drops: the first reply answers the post; a reply
    answers the one right above unless its age makes it the older (Peter Dahl's, 5t, is
    older than Mette Holm's, 2t) or Bluesky's link to hidden replies stands between
    (Karin Ek's)."""
    corpus = ingest_page(tmp_path, "da_bluesky_kopieret.txt", cfg)
    root, *replies = corpus.posts
    assert (root.authors[0].name, root.authors[0].description, root.created) == (
        "mettehholm.bsky.social",
        "Mette Holm",
        "2024-03-14T10:12:00",
    )
    assert root.text == (
        "Kommunerne kan ikke rekruttere socialrådgivere. Hver tredje vil skifte job inden for to år, viser en ny "
        "rapport fra Dansk Socialrådgiverforening.\n\nHvad gør vi?"
    )
    rows = [(r.authors[0].name, r.parent_id.rsplit("/", 1)[-1], r.parent_evidence[0].rule) for r in replies]
    assert rows == [
        ("annalind.bsky.social", "da_bluesky_kopieret", "copied-text"),
        ("peterdahl.bsky.social", "da_bluesky_kopieret", "default"),
        ("oleberg.dk", "c01", "copied-text"),
        ("mettehholm.bsky.social", "c03", "copied-text"),
        ("karinek.bsky.social", "da_bluesky_kopieret", "default"),
    ]
    assert [r.parent_confidence for r in replies[2:4]] == [cfg.replies.listed_under] * 2
    assert replies[2].text == "Enig. Men hvem skal betale? Kommunerne har ikke pengene."
    assert "Bluesky copied as text lists each reply right under" in replies[2].parent_evidence[0].cue
    _no_furniture(corpus.posts)
    assert all("delinger" not in p.text and "Alle kan svare" not in p.text for p in corpus.posts)
    assert any("'Læs 2 flere svar'" in n.message for n in corpus.notes), "hidden replies are noted"


BLUESKY_ENGLISH_COPY = """Post
Anna Lind
@annalind.bsky.social
· 3d
Social workers in Malmö carry 40 cases each. The city says it has budgeted for more posts.
5
Bo Lind
@bo.bsky.social
· 2d
Budgeted is not hired. Nobody applies at these wages.
2
Sara Ek @sara.bsky.social · 20h
Replying to a thread about Malmö: Bo is right, I left last year.
Karin Holm
@karinholm.se
+ Follow
@annalind.bsky.social The cases are the problem, not the wages.
Mette Holm
@mettehholm.bsky.social
· 1mo
Caseloads of 40 are twice what the union recommends.
10:12 AM · Mar 14, 2024
Everybody can reply
2 reposts
9 likes
1
2
9
Ole Berg
@oleberg.bsky.social
· 5m
@bo.bsky.social Then raise them.
"""


def test_pages_a_reply_copied_from_bluesky_with_the_posts_above_it_answers_down_the_chain(tmp_path, cfg):
    """The page of a reply (English interface) lists the chain of posts it answers above
    it, each under the one it answers (a header copied on one line: `Sara Ek
    @sara.bsky.social · 20h`), and its replies under it: the chain decides over the words'
    `@handle`s. The post asked for is dated in full, under the post it quotes, which is no
    reply."""
    root, *replies = _page_corpus(tmp_path, BLUESKY_ENGLISH_COPY, cfg).posts
    assert (root.authors[0].name, root.text) == (
        "annalind.bsky.social",
        "Social workers in Malmö carry 40 cases each. The city says it has budgeted for more posts.",
    )
    rows = [(r.authors[0].name, r.authors[0].description, r.created, r.parent_id.rsplit("/", 1)[-1]) for r in replies]
    assert rows == [
        ("bo.bsky.social", "Bo Lind", None, "side"),
        ("sara.bsky.social", "Sara Ek", None, "c01"),
        ("karinholm.se", "Karin Holm", "2024-03-14T10:12:00", "c02"),
        ("oleberg.bsky.social", "Ole Berg", None, "c03"),
    ]
    assert [r.parent_evidence[0].rule for r in replies] == ["copied-text"] * 4
    assert replies[2].text == "@annalind.bsky.social The cases are the problem, not the wages."
    assert not any("twice what the union" in p.text for p in [root, *replies]), "the quoted post is no post"


def test_pages_a_thread_copied_from_mastodon_reads_accounts_ages_and_replies_listed_under_their_parents(tmp_path, cfg):
    """Mastodon's copied text (a Swedish instance) prints each post's age (`2t`) over its
    display name over its account (`@bo`, `@sara@mastodon.social`), and the time in full
    under the post asked for, then its app and counts (`· Webb`, `3 boostar`): none of
    them words. Mastodon lists each reply right under what it answers: the first answers
    the post; Sara Ek's `@bo` names whom she answers; Karin Holm's, whose words name no
    one, answers the post right above; Per Nord's (3t) is older than that one (45m), so
    it is read from its words alone."""
    corpus = ingest_page(tmp_path, "sv_mastodon_kopierad.txt", cfg, lang="sv")
    root, *replies = corpus.posts
    assert (root.authors[0].name, root.authors[0].description, root.created) == (
        "annaberg@mastodon.nu",
        "Anna Berg",
        "2024-03-14T10:12",
    )
    assert root.text == (
        "Socialtjänsten i Malmö tappar erfarna socialsekreterare varje månad. Vad gör kommunen åt det?\n\n"
        "Vision har räknat: var tredje funderar på att sluta."
    )
    rows = [(r.authors[0].name, r.parent_id.rsplit("/", 1)[-1], r.parent_evidence[0].rule) for r in replies]
    assert rows == [
        ("bo", "sv_mastodon_kopierad", "copied-text"),
        ("sara@mastodon.social", "c01", "address"),
        ("karin@sigmoid.social", "c02", "copied-text"),
        ("pernord", "sv_mastodon_kopierad", "default"),
    ]
    assert replies[2].parent_confidence == cfg.replies.listed_under
    assert replies[3].text == "Regionen borde ta ett större ansvar för rekryteringen."
    words = " ".join(p.text for p in corpus.posts)
    assert not any(w in words for w in ("boostar", "favoriter", "Webb", "Översätt", "1+"))


def test_pages_a_mastodon_reply_mentioning_an_account_of_another_instance_by_its_user_name_answers_it(tmp_path, cfg):
    """Mastodon shows a mention by the user name alone (`@bo`) though the account is on
    another instance (`@bo@mastodon.social`): Karin Holm's `@bo`, listed under Sara Ek's
    post, answers Bo Lind's."""
    page = (
        "Post\nAnna Berg\n@annaberg@mastodon.nu\nSocialtjänsten i Malmö tappar socialsekreterare.\n"
        "14 mars 2024 10:12\n2t\nBo Lind\n@bo@mastodon.social\nVi har budgeterat för fler tjänster i år.\n"
        "1t\nSara Ek\n@sara@mastodon.social\nLönen är frågan.\n45m\nKarin Holm\n@karin@sigmoid.social\n"
        "@bo Budgeterat räcker inte.\n"
    )
    corpus = _page_corpus(tmp_path, page, cfg)
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    karin = next(p for p in corpus.posts if p.authors[0].name == "karin@sigmoid.social")
    assert (whose[karin.parent_id], karin.parent_evidence[0].rule, karin.parent_evidence[0].cue) == (
        "bo@mastodon.social",
        "address",
        "@bo",
    )


MASTODON_ENGLISH_COPY = """Post
Mar 8
Anna Lind
@anna@mastodon.social
Social workers in Malmö carry 40 cases each.
Mar 10
Bo Lind @bo
@anna Budgeted is not hired.
1+
Sara Ek
@sara@mastodon.nu
Nobody applies at these wages.
Mar 14, 2024, 10:12 AM
· Web
2 boosts
·
9 favorites
5m
Ole Berg
@ole@sigmoid.social
Then raise them.
2h
Karin Holm
@karinholm@mastodon.nu
Caseloads of 40 are twice what the union recommends.
"""


def test_pages_a_reply_copied_from_mastodon_with_the_posts_above_it_answers_down_the_chain(tmp_path, cfg):
    """The page of a reply (English interface) lists the chain of posts it answers above it
    (a header copied on one line: `Bo Lind @bo`; days past a week in the year of the post
    asked for), then its replies: the chain and the first reply decide; a later reply
    older than the one above it (2h against 5m) is read from its words."""
    root, *replies = _page_corpus(tmp_path, MASTODON_ENGLISH_COPY, cfg).posts
    assert (root.authors[0].name, root.created, root.text) == (
        "anna@mastodon.social",
        "2024-03-08",
        "Social workers in Malmö carry 40 cases each.",
    )
    rows = [(r.authors[0].name, r.created, r.parent_id.rsplit("/", 1)[-1], r.parent_evidence[0].rule) for r in replies]
    assert rows == [
        ("bo", "2024-03-10", "side", "copied-text"),
        ("sara@mastodon.nu", "2024-03-14T10:12", "c01", "copied-text"),
        ("ole@sigmoid.social", None, "c02", "copied-text"),
        ("karinholm@mastodon.nu", None, "side", "default"),
    ]


def test_pages_a_youtube_video_copied_as_text_gives_the_channel_date_and_comments_without_their_likes(tmp_path, cfg):
    """A YouTube page copied as text (Danish interface): the channel's name over its
    subscriber count is the author (it had been left out as a section label), the date
    after the views is the video's, and each comment's likes ("42" over "Svar") are a
    count, not its last line; a reply that opens with a commenter's @handle answers them.
    It is no X conversation, though each comment's @handle stands under a line."""
    corpus = ingest_page(tmp_path, "da_youtube_kopieret.txt", cfg)
    root, *comments = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Socialrådgivere i krise: hvorfor siger de op?",
        ["DR Nyheder"],
        "2024-03-14",
    )
    assert root.text == (
        "Hver tredje socialrådgiver overvejer at sige op. Vi har talt med tre af dem om sagstal, løn og "
        "ledelse i kommunerne."
    )
    assert [(c.authors[0].name, c.text.rsplit(" ", 1)[-1], c.parent_id.rsplit("/", 1)[-1]) for c in comments] == [
        ("@mettehansen1234", "år.", "da_youtube_kopieret"),
        ("@olesen_dk", "kommunerne?", "c01"),
        ("@kritiskborger", "sygeplejerskerne.", "da_youtube_kopieret"),
    ]
    assert not any("copied as text" in n.message for n in corpus.notes)


def test_pages_an_instagram_post_copied_as_text_gives_the_caption_and_each_comment(tmp_path, cfg):
    """Instagram's copied text (Swedish interface) prints each username over its words,
    then the age (`2 v`), the likes and `Svara`: the first is the post's caption, by the
    username repeated over it (less `Verifierad` and `Följ`), dated by the date under the
    comments; each comment keeps its words whole ("Visa översättning", the likes and the
    collapsed replies are no words); a reply opening with a commenter's @username answers them."""
    corpus = ingest_page(tmp_path, "sv_instagram_kopierad.txt", cfg, lang="sv")
    root, *comments = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == ("", ["visionfacket"], "2024-03-14")
    assert root.text.startswith("Var tredje socialsekreterare") and root.text.endswith("via länken i bion.")
    assert [(c.authors[0].name, c.text, c.parent_id.rsplit("/", 1)[-1]) for c in comments] == [
        (
            "malin.socionom",
            "Jag slutade själv förra året. 40 ärenden och ingen handledning, det håller inte.",
            "sv_instagram_kopierad",
        ),
        ("erik_j", "@malin.socionom samma här, men lönen var inte problemet för mig.", "c01"),
        (
            "skattebetalare77",
            "Kommunerna har aldrig haft så mycket pengar. Det handlar om prioriteringar.",
            "sv_instagram_kopierad",
        ),
    ]


def test_pages_a_youtube_video_copied_in_swedish_and_a_paragraph_opening_with_views_read_as_printed(tmp_path, cfg):
    """Swedish YouTube groups thousands with a space ("23 456 visningar", "412 tn
    prenumeranter"); a paragraph that opens with a count of views is the article's text,
    not a video's views line."""
    page = (PAGES / "da_youtube_kopieret.txt").read_text(encoding="utf-8")
    swedish = page.replace("412.000 abonnenter", "412 tn prenumeranter").replace(
        "23.456 visninger  14. mar. 2024", "23\u00a0456 visningar  14 mars 2024"
    )
    root = _page_corpus(tmp_path / "sv", swedish, cfg).posts[0]
    assert ([a.name for a in root.authors], root.created) == (["DR Nyheder"], "2024-03-14")
    article = COMMENTED_ARTICLE.replace(
        "Flere kommuner", "1.200 visninger på en uge fik videoen om sagerne, og flere kommuner"
    ).replace("3 kommentarer\n\n", "")
    root = _page_corpus(tmp_path / "da", article, cfg, kind="article").posts[0]
    assert root.text.startswith("1.200 visninger på en uge fik videoen")


FACEBOOK_COPY = "\n".join(
    [
        "Dansk Socialrådgiverforening",
        "14. marts kl. 10:14  · ",
        "Hver tredje socialrådgiver overvejer at sige op. Nu skal politikerne handle og "
        "indføre et loft over sagstallet, før det er for sent.",
        "Alle reaktioner:",
        "234",
        "45 kommentarer",
        "12 delinger",
        "Synes godt om",
        "Kommenter",
        "Del",
        "Mest relevante",
        "",
        "Mette Hansen",
        "Det er helt rigtigt, vi drukner i sager.",
        "3 t",
        "Synes godt om",
        "Svar",
        "12",
        "Ole Berg",
        "Forfatter",
        "Tak for din kommentar Mette. Vi arbejder på det.",
        "2 t",
        "Synes godt om",
        "Svar",
        "Se alle 5 svar",
        "Karen Holm",
        "Hvem skal betale for det?",
        "1 t",
        "Synes godt om",
        "Svar",
        "Skriv en kommentar …",
        "",
    ]
)


def test_pages_a_facebook_post_copied_with_reaction_counts_after_each_comments_buttons_keeps_every_comment(
    tmp_path, cfg
):
    """Facebook prints a comment's reactions counted after its buttons ("Svar" / "12"):
    a count, not the list's end (the comments after it had been lost). Its comments are no
    Instagram post's, though each is a name over its words over its age over "Svar": the
    count "234" and the button "Svar" had been taken for usernames."""
    root, *comments = _page_corpus(tmp_path, FACEBOOK_COPY, cfg).posts
    assert root.authors[0].name == "Dansk Socialrådgiverforening"
    assert [(c.authors[0].name, c.text) for c in comments] == [
        ("Mette Hansen", "Det er helt rigtigt, vi drukner i sager."),
        ("Ole Berg", "Tak for din kommentar Mette. Vi arbejder på det."),
        ("Karen Holm", "Hvem skal betale for det?"),
    ]


def test_pages_a_comment_list_is_not_taken_for_a_copied_platform_page():
    """The copied-page readers need their platform's own headers: a news site's comment
    list with `Navn · 4 t. siden` headers, a name over an @handle once, or YouTube's
    comments (an @handle under the line above, over its age) is not one."""
    from pipeline.ingest.pages.copied.read import copied_thread

    news = "Kommentarer\nOle Berg · 4 t. siden\nEnig.\nSvar\nMette Holm · 3 t. siden\nUenig.\nSvar\n"
    once = "Kommentarer\nOle Berg\n@oleberg\nEnig i det hele.\nMette Holm · 14. marts 2024\nUenig.\n"
    assert copied_thread(news.split("\n")) is None
    assert copied_thread(once.split("\n")) is None
    youtube = (PAGES / "da_youtube_kopieret.txt").read_text(encoding="utf-8")
    assert copied_thread(youtube.split("\n")) is None, "YouTube's @handles over ages are no X posts"
    assert copied_thread(FACEBOOK_COPY.split("\n")) is None, "Facebook's comments are no Instagram post's"
    facebook = (PAGES / "da_facebook_opslag.txt").read_text(encoding="utf-8")
    assert copied_thread(facebook.split("\n")) is None


def test_pages_a_youtube_video_saved_with_its_comments_open_gives_the_video_and_its_comment_threads(tmp_path, cfg):
    """YouTube's watch page: the video's title, channel, date and description open the
    thread; each comment thread's comment answers the video, its replies the comment they
    are filed under, or an earlier replier where they open with that "@handle". The
    comments are numbered from the oldest by the ages they print ("for 2 måneder siden"),
    not in the order of YouTube's "Top comments"."""
    corpus = ingest_page(tmp_path, "da_youtube_video.html", cfg)
    root, *comments = corpus.posts
    assert (root.title, root.authors[0].name, root.created) == (
        "Socialrådgivere i krise: hvorfor siger de op?",
        "DebatKanalen",
        "2024-03-14",
    )
    assert root.text.startswith("Hver femte socialrådgiver")
    by = {c.authors[0].name: c for c in comments}
    assert [c.authors[0].name for c in comments] == ["mettekjaer", "oleberg", "jenslund", "karinek"]
    assert by["mettekjaer"].parent_id == root.id and by["karinek"].parent_id == root.id
    assert by["oleberg"].parent_id == by["mettekjaer"].id and by["jenslund"].parent_id == by["oleberg"].id
    assert (
        by["mettekjaer"].text == "Jeg er selv socialrådgiver, og sagstallet er det største problem. Vi drukner i sager."
    )


def test_pages_a_conversation_saved_from_a_mastodon_instance_gives_each_post_its_account_date_and_words(tmp_path, cfg):
    """Mastodon's web app: `display-name__account`, `<time datetime>` (printed "3t") and
    `status__content` per post; replies open with the accounts they answer."""
    corpus = ingest_page(tmp_path, "sv_mastodon_trad.html", cfg, lang="sv")
    root, *replies = corpus.posts
    assert (root.title, root.authors[0].name, root.authors[0].description, root.created) == (
        "",
        "anna",
        "Anna Berg",
        "2024-03-14T09:00:00+00:00",
    )
    assert (
        root.text == "Socialtjänsten i Malmö tappar erfarna socialsekreterare varje månad.\n\nVad gör kommunen åt det?"
    )
    assert [(r.authors[0].name, r.created[11:16], r.text) for r in replies] == [
        ("bo", "09:14", "@anna Vi har budgeterat för fler tjänster i år."),
        ("sara@other.example", "09:40", "@bo Budgeterat räcker inte, lönen är frågan."),
    ]
    assert replies[1].parent_id == replies[0].id


def _mastodon_status(acct: str, name: str, when: str, words: str, detailed: bool = False) -> str:
    kind = "detailed-status" if detailed else "status status-public status-reply"
    return (
        f'<div class="{kind}"><div class="status__info"><time datetime="{when}">{when[11:16]}</time>'
        f'<span class="display-name"><strong class="display-name__html">{name}</strong> '
        f'<span class="display-name__account">@{acct}</span></span></div>'
        f'<div class="status__content"><div class="status__content__text"><p>{words}</p></div></div></div>\n'
    )


def test_pages_a_mastodon_reply_saved_with_the_posts_above_it_answers_down_the_chain(tmp_path, cfg):
    """Mastodon's page of a reply shows the chain of posts it answers above the post asked
    for (`detailed-status`) and its replies under it, each reply's own replies before the
    next: the chain and the first reply are read as the page shows them, whatever their
    words name; a later reply whose words name no one answers the one right above it,
    unless it is the older (Per's, written before Karin's)."""
    posts = [
        ("anna", "Anna Berg", "2024-03-14T09:00:00.000Z", "Socialtjänsten tappar erfarna socialsekreterare.", False),
        ("bo", "Bo Lind", "2024-03-14T09:14:00.000Z", "Vi har budgeterat för fler tjänster i år.", False),
        ("sara@other.example", "Sara", "2024-03-14T09:40:00.000Z", "Budgeterat räcker inte, Anna.", True),
        ("karin", "Karin Holm", "2024-03-14T10:05:00.000Z", "Lönen är frågan, inte budgeten.", False),
        ("ole", "Ole Nord", "2024-03-14T10:30:00.000Z", "Precis, och arbetsmiljön.", False),
        ("per", "Per Nord", "2024-03-14T10:00:00.000Z", "Regionen borde ta ansvar.", False),
    ]
    page = "<html><body>" + "".join(_mastodon_status(*p) for p in posts) + "</body></html>"
    (tmp_path / "sida.html").write_text(page, encoding="utf-8")
    corpus = ingest_seeds(tmp_path, cfg)
    by = {p.authors[0].name: p for p in corpus.posts}
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    assert {a: whose.get(by[a].parent_id) for a in by} == {
        "anna": None,
        "bo": "anna",
        "sara@other.example": "bo",
        "karin": "sara@other.example",
        "ole": "karin",
        "per": "anna",
    }
    assert by["karin"].parent_confidence == 1.0 and by["ole"].parent_confidence == cfg.replies.listed_under
    assert by["sara@other.example"].parent_evidence[0].rule == "structured-data", "the chain decides, not 'Anna'"


def _bluesky_item(handle: str, name: str, when: str, words: str, asked: bool = False) -> str:
    link = (
        f'<a href="/profile/{handle}/post/x{len(words)}" data-tooltip="{when}"><div>{"" if asked else "2t"}</div></a>'
    )
    return (
        f'<div data-testid="postThreadItem-by-{handle}"><div><a href="/profile/{handle}"><div>{name}</div></a>'
        f'<a href="/profile/{handle}"><div>@{handle}</div></a>{"" if asked else link}</div>'
        f'<div data-testid="postText"><div>{words}</div></div>'
        f"{f'<div>{when}</div>' if asked else ''}</div>\n"
    )


def test_pages_a_bluesky_reply_saved_with_the_posts_above_it_answers_down_the_chain(tmp_path, cfg):
    """bsky.app's page of a reply: the post asked for prints its time in full under its
    words, every other post links its age over its words; the chain above the post asked
    for and its first reply are read as the page shows them, a later reply whose words name
    no one answers the post right above it."""
    posts = [
        ("anna.bsky.social", "Anna Berg", "14 mars 2024 kl. 09:00", "Socialtjänsten tappar folk.", False),
        ("bo.bsky.social", "Bo Lind", "14 mars 2024 kl. 09:14", "Vi har budgeterat för fler tjänster.", False),
        ("sara.bsky.social", "Sara", "14 mars 2024 kl. 09:40", "Budgeterat räcker inte, Anna.", True),
        ("karin.bsky.social", "Karin Holm", "14 mars 2024 kl. 10:05", "Lönen är frågan.", False),
        ("ole.bsky.social", "Ole Nord", "14 mars 2024 kl. 10:30", "Precis, och arbetsmiljön.", False),
    ]
    page = "<html><body>" + "".join(_bluesky_item(*p) for p in posts) + "</body></html>"
    (tmp_path / "sida.html").write_text(page, encoding="utf-8")
    corpus = ingest_seeds(tmp_path, cfg)
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    assert [(p.authors[0].name, whose.get(p.parent_id), p.parent_confidence) for p in corpus.posts] == [
        ("anna.bsky.social", None, None),
        ("bo.bsky.social", "anna.bsky.social", 1.0),
        ("sara.bsky.social", "bo.bsky.social", 1.0),
        ("karin.bsky.social", "sara.bsky.social", 1.0),
        ("ole.bsky.social", "karin.bsky.social", cfg.replies.listed_under),
    ]


def test_pages_a_facebook_post_saved_from_the_browser_reads_its_comments_from_their_labels_and_links(tmp_path, cfg):
    """Facebook's saved page (Danish interface; generated class names): each comment an
    element of `role="article"` labelled `Kommentar fra <name> ...`, a reply `Svar fra
    <name> til <name>s kommentar ...`, nested in the comment that opened the exchange. A
    reply to a reply (Karin Ek's, filed under Mette Kjær's comment) answers the one its
    label names. The post is the page's message block under the page's name; buttons,
    counts and the age links are no words; the sort that hides comments and the replies
    not opened are noted."""
    corpus = ingest_page(tmp_path, "da_facebook_side.html", cfg)
    root, *comments = corpus.posts
    assert (root.title, [a.name for a in root.authors]) == ("", ["Dansk Socialrådgiverforening"])
    assert root.text == (
        "Hver tredje socialrådgiver overvejer at skifte job inden for to år, viser vores nye undersøgelse.\n\n"
        "Sagstallet er for højt. Hvad skal der til, for at I bliver?"
    )
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    assert [(c.authors[0].name, whose[c.parent_id], c.parent_evidence[0].rule) for c in comments] == [
        ("Mette Kjær", "Dansk Socialrådgiverforening", "structured-data"),
        ("Ole Berg", "Mette Kjær", "structured-data"),
        ("Karin Ek", "Ole Berg", "structured-data"),
        ("Peter Dahl", "Dansk Socialrådgiverforening", "structured-data"),
    ]
    assert comments[3].text == (
        "Det er ikke ministerens ansvar. Kommunerne bestemmer selv, hvordan de bruger pengene.\n\n"
        "Stop med at klage og prioritér."
    )
    assert not any(w in c.text for c in comments for w in ("Synes godt om", "Svar", "2 d", "Redigeret", "38"))
    notes = " ".join(n.message for n in corpus.notes)
    assert "'Vis 4 flere svar'" in notes and "sorted 'Mest relevante'" in notes


def test_pages_facebook_replies_listed_after_their_comment_answer_the_comment_their_link_names(tmp_path, cfg):
    """Replies listed flat after the comments (English labels): a reply's link to itself
    names the comment it is filed under (`comment_id=1&reply_comment_id=3`), which its
    label confirms; the post's date in full is read from its link."""

    def comment(label: str, name: str, link: str, words: str) -> str:
        return (
            f'<div role="article" aria-label="{label}"><a href="https://www.facebook.com/{name.lower()}">'
            f'<span dir="auto">{name}</span></a><div dir="auto">{words}</div>'
            f'<a href="https://www.facebook.com/dr/posts/9?{link}">3h</a><div role="button">Like</div></div>'
        )

    page = (
        '<html><body><h2><a href="https://www.facebook.com/dr"><strong>DR Nyheder</strong></a></h2>'
        '<a href="https://www.facebook.com/dr/posts/9">March 14, 2024 at 10:12 AM</a>'
        '<div data-ad-preview="message"><div dir="auto">Kommunerne mangler socialrådgivere.</div></div>'
        + comment("Comment by Anna Berg 3 hours ago", "Anna Berg", "comment_id=1", "Det er lønnen.")
        + comment("Comment by Bo Lind 3 hours ago", "Bo Lind", "comment_id=2", "Det er sagstallet.")
        + comment(
            "Reply by Sara Holm to Anna Berg's comment 2 hours ago",
            "Sara Holm",
            "comment_id=1&amp;reply_comment_id=3",
            "Enig, og arbejdsmiljøet.",
        )
        + "</body></html>"
    )
    corpus = _page_corpus(tmp_path, page, cfg, name="side.html")
    root, *comments = corpus.posts
    assert (root.authors[0].name, root.created, root.text) == (
        "DR Nyheder",
        "2024-03-14T10:12",
        "Kommunerne mangler socialrådgivere.",
    )
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    assert sorted((c.authors[0].name, whose[c.parent_id]) for c in comments) == [
        ("Anna Berg", "DR Nyheder"),
        ("Bo Lind", "DR Nyheder"),
        ("Sara Holm", "Anna Berg"),
    ]


def test_pages_facebook_comments_labelled_in_a_language_not_read_are_found_by_their_links_to_themselves(tmp_path, cfg):
    """Facebook labels comments in the viewer's language; where the label is not one read
    here (German, or a Danish wording not foreseen), a `role="article"` whose own link
    points at a comment (`?comment_id=`) is one: its author the first link that is no age,
    a reply the comment its link names (`reply_comment_id`), a comment on the post the one
    whose link names none."""

    def comment(label: str, name: str, link: str, words: str, nested: str = "") -> str:
        return (
            f'<div role="article" aria-label="{label}"><a href="https://www.facebook.com/{name.split()[0].lower()}">'
            f'<span dir="auto">{name}</span></a><div dir="auto">{words}</div>'
            f'<a href="https://www.facebook.com/dr/posts/9?{link}">2 Std.</a>{nested}</div>'
        )

    page = (
        '<html><body><h2><a href="https://www.facebook.com/dr"><strong>DR Nyheder</strong></a></h2>'
        '<div data-ad-preview="message"><div dir="auto">Kommunerne mangler socialrådgivere.</div></div>'
        + comment(
            "Kommentar von Anna Berg vor 2 Stunden",
            "Anna Berg",
            "comment_id=1",
            "Det er lønnen.",
            comment("Antwort von Bo Lind", "Bo Lind", "comment_id=1&amp;reply_comment_id=2", "Nej, sagstallet."),
        )
        + comment("Kommentar von Sara Holm", "Sara Holm", "comment_id=3", "Begge dele.")
        + "</body></html>"
    )
    corpus = _page_corpus(tmp_path, page, cfg, name="side.html")
    root, *comments = corpus.posts
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    assert sorted((c.authors[0].name, whose[c.parent_id], c.parent_evidence[0].rule) for c in comments) == [
        ("Anna Berg", "DR Nyheder", "structured-data"),
        ("Bo Lind", "Anna Berg", "structured-data"),
        ("Sara Holm", "DR Nyheder", "structured-data"),
    ]
    assert sorted(c.text for c in comments) == ["Begge dele.", "Det er lønnen.", "Nej, sagstallet."]


def test_pages_an_aria_label_longer_than_a_name_and_an_age_labels_no_facebook_comment():
    """A comment's label is a name and an age: one of 200,000 characters that keeps nearly
    saying "Reply by ... to ...'s comment" (which a pattern would scan over and over) is no
    comment's, so the page is no Facebook thread."""
    from pipeline.ingest.pages.metadata import parse_document
    from pipeline.ingest.pages.saved.facebook import facebook_thread

    label = "Reply by " + "a to b " * 30000
    page = (
        "<html><body>"
        + f'<div role="article" aria-label="{label}"><div dir="auto">x</div></div>' * 3
        + "</body></html>"
    )
    assert facebook_thread(parse_document(page)) is None


def test_pages_a_linkedin_post_saved_from_the_browser_gives_headlines_exact_times_and_replies(tmp_path, cfg):
    """LinkedIn's saved page (Danish interface): the post and each comment with its
    author's headline (what the role cues read), dated to the second from its id (the
    page prints only `1 d`), its words without a mention's profile address; a reply nested
    under the comment that opened the exchange answers the reply it names (Ole Berg's
    answers Lars Jensen's). The button to more comments and the sort are noted."""
    corpus = ingest_page(tmp_path, "da_linkedin_side.html", cfg)
    root, *comments = corpus.posts
    assert (root.title, root.authors[0].name, root.authors[0].description, root.created) == (
        "",
        "Mette Holm",
        "Socialrådgiver og tillidsrepræsentant i Aarhus Kommune",
        "2024-03-14T15:50:49+00:00",
    )
    assert root.text == (
        "Kommunerne kan ikke rekruttere socialrådgivere. Hver tredje af os overvejer at skifte job.\n\n"
        "Sagstallet skal ned, ellers sker der ingenting."
    )
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    rows = [(c.authors[0].name, c.authors[0].description, c.created, whose[c.parent_id]) for c in comments]
    assert rows == [
        ("Ole Berg", "Forhandlingsleder i Dansk Socialrådgiverforening", "2024-03-14T18:14:02+00:00", "Mette Holm"),
        ("Lars Jensen", "Byrådsmedlem (V) i Randers", "2024-03-14T19:58:01+00:00", "Ole Berg"),
        ("Ole Berg", "Forhandlingsleder i Dansk Socialrådgiverforening", "2024-03-14T21:10:58+00:00", "Lars Jensen"),
        ("Sara Ek", "Studerende ved Professionshøjskolen Absalon", "2024-03-14T22:31:09+00:00", "Mette Holm"),
    ]
    assert comments[2].text == "Lars Jensen ledelse hjælper ikke, når der er 60 sager per rådgiver."
    notes = " ".join(n.message for n in corpus.notes)
    assert "'Indlæs flere kommentarer'" in notes and "sorted 'Mest relevante'" in notes


def test_pages_a_linkedin_page_saved_before_2024_reads_its_older_comment_elements(tmp_path, cfg):
    """LinkedIn's comment elements before 2024 (`comments-comment-item`, the name in
    `comments-post-meta__name-text` written twice, once hidden from the eye, the headline
    in `comments-post-meta__headline`, replies in the comment's nested items); an id that
    is no LinkedIn id dates nothing."""

    def comment(cid: str, name: str, headline: str, words: str, nested: str = "") -> str:
        return (
            f'<article class="comments-comment-item" data-id="urn:li:comment:(activity:1,{cid})">'
            f'<span class="comments-post-meta__name-text"><span aria-hidden="true">{name}</span>'
            f'<span class="visually-hidden">{name}</span></span>'
            f'<span class="comments-post-meta__headline">{headline}</span>'
            f'<span class="comments-comment-item__main-content">{words}</span>'
            f'<div class="comments-comment-item__nested-items">{nested}</div></article>'
        )

    page = (
        '<html><body><div class="feed-shared-update-v2" data-urn="urn:li:activity:12">'
        '<span class="feed-shared-actor__name">Karin Holm</span>'
        '<div class="feed-shared-text">Kommunerne mangler socialrådgivere.</div>'
        + comment(
            "7174105512367644672",
            "Bo Lind",
            "Journalist på Politiken",
            "Hvad siger KL?",
            comment("7174131680219258880", "Karin Holm", "Chef i Socialforvaltningen", "De siger intet."),
        )
        + comment("99", "Sara Ek", "Socialrådgiver", "Vi mangler hænder.")
        + "</div></body></html>"
    )
    corpus = _page_corpus(tmp_path, page, cfg, name="side.html")
    root, *comments = corpus.posts
    assert (root.authors[0].name, root.created, root.text) == (
        "Karin Holm",
        None,
        "Kommunerne mangler socialrådgivere.",
    )
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    assert sorted((c.authors[0].name, c.authors[0].description, whose[c.parent_id], c.created) for c in comments) == [
        ("Bo Lind", "Journalist på Politiken", "Karin Holm", "2024-03-14T18:14:02+00:00"),
        ("Karin Holm", "Chef i Socialforvaltningen", "Bo Lind", "2024-03-14T19:58:01+00:00"),
        ("Sara Ek", "Socialrådgiver", "Karin Holm", None),
    ]


def test_pages_a_tiktok_video_saved_with_its_comments_reads_them_from_their_data_e2e_attributes(tmp_path, cfg):
    """TikTok's saved page (Swedish interface; generated class names): the caption, its
    author's handle and display name and the video's day from `browse-*` attributes; each
    comment's words `comment-level-1`, a reply's `comment-level-2`, filed under the comment
    that opened the exchange, each headed by its author line (`comment-username-*`: the
    handle from the profile link, the display name its description). Karin H's reply names
    whom it answers after `▸` (Ahmed Y). A comment's day with its year is its date; a day
    of the year the page was saved (`3-16`) stays unread; the link to more replies is
    noted."""
    corpus = ingest_page(tmp_path, "sv_tiktok_video.html", cfg, lang="sv")
    root, *comments = corpus.posts
    assert (root.title, root.authors[0].name, root.authors[0].description, root.created) == (
        "",
        "socionomsara",
        "Sara | socionom",
        "2024-03-14",
    )
    assert root.text.startswith("Därför slutade jag som socialsekreterare efter två år.")
    whose = {p.id: p.authors[0].name for p in corpus.posts}
    rows = sorted((c.authors[0].name, c.authors[0].description, c.created, whose[c.parent_id]) for c in comments)
    assert rows == [
        ("ahmed.y", "Ahmed Y", None, "socionomsara"),
        ("karinh", "Karin H", None, "ahmed.y"),
        ("kommunpolitikern", "Lars Berg (M)", "2024-12-01", "socionomsara"),
        ("socionomsara", "Sara | socionom", None, "ahmed.y"),
    ]
    assert not any(w in c.text for c in comments for w in ("Svara", "214", "Skapare"))
    assert any("'Visa 3 svar till'" in n.message for n in corpus.notes)


def test_pages_a_markdown_page_opening_with_a_rule_or_a_block_that_is_no_yaml_mapping_is_read_as_markdown():
    from pipeline.ingest.pages.frontmatter import split_front_matter

    for page in (
        "---\n\nTekst under en streg.\n",
        "---\nBare en linje\n---\n\nTekst.\n",
        "---\n: [\n---\nTekst\n",
        "---\nKommentar: Jeg er enig\n---\nTekst\n",
    ):
        assert split_front_matter(page) == (None, page, 0)
    fields, rest, lines = split_front_matter("---\ntitle: Overskrift\n---\nTekst.\n")
    assert (fields, rest, lines) == ({"title": "Overskrift"}, "Tekst.\n", 3)


@pytest.mark.parametrize(
    "field, published",
    [
        # YAML's own reading of these had raised through ingest (a traceback, no corpus).
        ("date: 2024-02-30", None),
        ("date: 2024-13-01", None),
        ("title2: " + "1" * 5000, "2024-03-14"),
        ("tags: " + "[" * 3000 + "]" * 3000, None),
        ("date: null", None),
        ("date: 2024-03-14", "2024-03-14"),
        ("date: 2024-03-14T10:12:00+01:00", "2024-03-14T10:12:00+01:00"),
    ],
)
def test_pages_a_clipped_page_whose_front_matter_yaml_cannot_read_as_dates_or_numbers_still_reads(
    tmp_path, cfg, field, published
):
    """Front matter is a person's typing: an impossible date, a number too long for Python
    or a block nested thousands deep leaves the date unread (or the block unread), never
    the page."""
    date = "" if field.startswith("date") else "date: 2024-03-14\n"
    page = f"---\ntitle: Overskrift\nauthor: Karen Holm\n{date}{field}\n---\n" + COMMENT_TEXTS[0] * 3
    (root,) = _page_corpus(tmp_path, page, cfg, name="klip.md", kind="article").posts
    assert root.created == published
    if not field.startswith("tags"):
        assert (root.title, root.authors[0].name) == ("Overskrift", "Karen Holm")


def test_pages_a_markdown_page_pasted_without_blank_lines_reads_as_the_clipped_page(tmp_path, cfg):
    """Pasted into a .md file with no blank lines, Markdown would run the byline, picture,
    paragraphs, commenters' names and comments into one paragraph (the comment list was
    lost): such a page keeps its lines, and reads as the clipped page does, with a note."""
    page = (PAGES / "da_avis_markdown.md").read_text(encoding="utf-8")
    (tmp_path / "glued").mkdir()
    (tmp_path / "glued" / "da_avis_markdown.md").write_text(
        "\n".join(line for line in page.split("\n") if line.strip()) + "\n", encoding="utf-8"
    )

    def reading(corpus) -> list:
        # Paragraphs may stand a line apart rather than a blank line: the words are compared.
        return [
            (p.title, p.created, [(a.name, a.description) for a in p.authors], p.text.split()) for p in corpus.posts
        ]

    clipped = ingest_page(tmp_path / "clipped", "da_avis_markdown.md", cfg)
    glued = ingest_seeds(tmp_path / "glued", cfg)
    assert len(clipped.posts) == 3
    assert reading(glued) == reading(clipped)
    assert any("sets its blocks apart by no blank lines" in n.message for n in glued.notes)
    assert not any("sets its blocks apart by no blank lines" in n.message for n in clipped.notes)


@pytest.mark.parametrize(
    "header",
    [
        "{name} ({date}): ",
        "{name}, {date}: ",
        "{name} skrev {date}: ",
        "[{date}] {name}: ",
        "{name} · {date} · ",
    ],
)
def test_pages_comments_whose_author_and_date_open_the_line_of_their_text_are_read(tmp_path, cfg, header):
    """Notes, transcripts and chat logs print a comment on one line, its author and date
    before its words: such lists had been lost (the page read as an article)."""
    body = "".join(
        header.format(name=who, date=when) + said + "\n\n"
        for who, when, said in zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    corpus = _page_corpus(tmp_path, COMMENTED_ARTICLE + body, cfg)
    comments = [p for p in corpus.posts if p.kind == "comment"]
    assert [(c.authors[0].name, c.created, c.text) for c in comments] == [
        ("Lars Jensen", "2024-03-14T10:12", COMMENT_TEXTS[0]),
        ("Mette Sørensen", "2024-03-14T11:40", COMMENT_TEXTS[1]),
        ("Ole Berg", "2024-03-15T08:02", COMMENT_TEXTS[2]),
    ]


def test_pages_a_comment_quoting_what_someone_said_on_a_day_stays_one_comment(tmp_path, cfg):
    """A line of a comment's text that opens with a name and a date is no new comment when
    the name said something then ("sagde 14. marts 2024: ...")."""
    quoting = "Statsministeren sagde 14. marts 2024 kl. 10:00: Vi ansætter flere."
    body = "".join(
        f"{who} · {when}\n{said}\n" + (quoting + "\n" if who == "Lars Jensen" else "") + "\n"
        for who, when, said in zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    comments = [p for p in _page_corpus(tmp_path, COMMENTED_ARTICLE + body, cfg).posts if p.kind == "comment"]
    assert [c.authors[0].name for c in comments] == COMMENTERS
    assert comments[0].text == COMMENT_TEXTS[0] + "\n" + quoting


def test_pages_a_page_printed_to_pdf_reads_as_the_page_without_what_the_printer_added(tmp_path, cfg):
    """A debate page a browser printed to PDF (tests/tools/printed_pdf.py): two sheets, each
    headed by the time printed and the page's title and footed by its address and "1/2";
    paragraphs broken into lines at the sheet's width, one of them across the sheets; two
    replies set in. Read as the page: the article, six comments with their authors and
    dates, the replies under what they answer, each paragraph whole, the margins left out
    (with a note) and the address giving the site."""
    corpus = ingest_page(tmp_path, "da_printet_side.pdf", cfg)
    root, *comments = corpus.posts
    assert (root.title, root.authors[0].name, root.created) == (
        "Kommunerne mangler socialrådgivere",
        "Karen Holm",
        "2024-03-13",
    )
    assert root.text.startswith(
        "Flere kommuner kan ikke besætte stillinger som socialrådgiver, og sagsbunkerne vokser. Det viser en ny "
        "opgørelse fra Dansk Socialrådgiverforening, som har spurgt alle landets kommuner om ubesatte stillinger.\n\n"
    )
    assert "16.02" not in root.text and "avisen.example" not in root.text
    by_name = {c.authors[0].name: c for c in comments}
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Lars Jensen", "2024-03-14T10:12"),
        ("Mette Sørensen", "2024-03-14T11:40"),
        ("Ole Berg", "2024-03-15T08:02"),
        ("Anne Holm", "2024-03-15T09:30"),
        ("Peter Nielsen", "2024-03-15T12:45"),
        ("Karin Ek", "2024-03-16T07:58"),
    ]
    # The paragraph the first sheet's end broke reads whole.
    assert by_name["Anne Holm"].text == (
        "Staten må tage et ansvar. Kommunerne kan ikke løfte det alene, og borgerne betaler prisen, når sagerne "
        "hober sig op på skrivebordene."
    )
    assert by_name["Mette Sørensen"].parent_id == by_name["Lars Jensen"].id
    assert by_name["Karin Ek"].parent_id == by_name["Peter Nielsen"].id
    assert by_name["Ole Berg"].parent_id == root.id
    assert corpus.threads[0].site == "avisen.example"
    messages = [n.message for n in corpus.notes]
    assert any(m.startswith("read from a PDF of 2 page(s)") for m in messages)
    assert any(m.startswith("8 line(s) printed in the PDF pages' margins") for m in messages)


@pytest.mark.parametrize(
    "line, rest, joined",
    [
        # A word a typesetter hyphenated at the line's end.
        ("Der mangler social-", "rådgivere i hele landet", "Der mangler socialrådgivere i hele landet"),
        # A compound's shared half keeps its hyphen and space.
        ("inden for social-", "og sundhedsområdet", "inden for social- og sundhedsområdet"),
        ("för-", "och nackdelar", "för- och nackdelar"),
        # A name or span broken at its own hyphen keeps it.
        ("det er Aarhus-", "Kommune", "det er Aarhus-Kommune"),
        ("fra 2020-", "2024", "fra 2020-2024"),
        ("et ord", "mere", "et ord mere"),
    ],
)
def test_pages_a_printed_paragraphs_lines_join_across_a_hyphen_as_the_words_were(line, rest, joined):
    from pipeline.ingest.pages.pdf import _rejoined

    assert _rejoined(line, rest) == joined


def test_pages_an_article_pdf_in_two_columns_reads_down_each_column_in_turn(tmp_path, cfg):
    """A newspaper article set in two columns under a headline that spans them, the right
    column shorter, under an archive's source line in small type (tests/tools/printed_pdf.py
    --columns): pdfminer's own order had read the right column between the headline and the
    byline, and the source line had been the headline. Read: the headline in the largest
    type, byline, date, the left column's paragraphs, then the right's, each paragraph whole."""
    (root,) = ingest_page(tmp_path, "da_avisartikel_spalter.pdf", cfg, kind="article").posts
    assert (root.title, root.authors[0].name, root.created) == (
        "Kommunerne mangler socialrådgivere",
        "Karen Holm",
        "2024-03-13",
    )
    paragraphs = root.text.split("\n\n")
    assert [p.split()[0] for p in paragraphs] == ["Flere", "Ifølge", "Det", "Kommunernes", "Foreningen"]
    assert all("\n" not in p for p in paragraphs)
    assert paragraphs[3] == (
        "Kommunernes Landsforening erkender problemet, men peger på, at der uddannes flere socialrådgivere end "
        "nogensinde, og at rekrutteringen tager tid."
    )


def test_pages_a_pdf_that_cannot_be_read_is_refused_naming_it_and_why(tmp_path, cfg, monkeypatch):
    """A damaged PDF, one that prints no text (a scan), one whose streams unpack past the
    limit (a "PDF bomb"): each refused with the file named and what to do, nothing read."""
    import zlib

    from pipeline.ingest.pages import pdf

    printed = (PAGES / "da_printet_side.pdf").read_bytes()
    blank = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    blank += b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    bomb = printed.replace(b"%%EOF", b"")
    bomb += (
        b"9 0 obj<</Filter/FlateDecode>>stream\n" + zlib.compress(b"\0" * 3_000_000) + b"\nendstream\nendobj\n%%EOF\n"
    )
    monkeypatch.setattr(pdf, "MAX_UNPACKED_BYTES", 2_000_000)
    _refused_each(
        tmp_path,
        cfg,
        [
            ("skadet.pdf", printed[: len(printed) // 3], "not a readable PDF"),
            ("scannet.pdf", blank, "the PDF prints no text (a scan?"),
            ("bombe.pdf", bomb, "the PDF's streams unpack to more than 1 MB"),
        ],
    )


def _refused_each(tmp_path, cfg, cases: list[tuple[str, bytes, str]]) -> None:
    """Each file (name, bytes), alone in a folder of pages, refused saying what is given."""
    for name, data, says in cases:
        folder = tmp_path / name
        folder.mkdir()
        (folder / name).write_bytes(data)
        with pytest.raises(InputError, match=re.escape(says)) as caught:
            ingest_seeds(folder, cfg)
        assert name in str(caught.value)


def _word_page(path: Path, comments_as: str) -> None:
    """The commented article as a Word document: a heading, paragraphs, then its comments as
    paragraphs (a header paragraph over a text paragraph, the second comment a reply set
    in), as one paragraph with a line break (Shift+Enter), or as a table's rows."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_paragraph("Debat")
    doc.add_heading("Kommunerne mangler socialrådgivere", level=1)
    for line in ("13. marts 2024", "Af Karen Holm, journalist", COMMENTED_ARTICLE.split("\n\n")[4], "3 kommentarer"):
        doc.add_paragraph(line)
    if comments_as == "table":
        table = doc.add_table(rows=3, cols=3)
        for i, cells in enumerate(zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)):
            for j, value in enumerate(cells):
                table.cell(i, j).text = value
    for i, (who, when, said) in enumerate(zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)):
        if comments_as == "table":
            break
        header = doc.add_paragraph(f"{who} · {when}")
        if comments_as == "line break":
            header.add_run().add_break()
            header.add_run(said)
            continue
        text = doc.add_paragraph(said)
        if i == 1:
            header.paragraph_format.left_indent = text.paragraph_format.left_indent = Pt(20)
    doc.save(str(path))


@pytest.mark.parametrize("comments_as", ["paragraphs", "line break", "table"])
def test_pages_a_page_kept_as_a_word_document_reads_as_the_page(tmp_path, cfg, comments_as):
    """An op-ed and its comments pasted into Word (or typed there): read as the page saved
    as text would be, the heading the headline, a reply set in under what it answers."""
    _word_page(tmp_path / "indlaeg.docx", comments_as)
    corpus = ingest_seeds(tmp_path, cfg)
    root, *comments = corpus.posts
    assert (root.title, root.authors[0].name, root.created) == (
        "Kommunerne mangler socialrådgivere",
        "Karen Holm",
        "2024-03-13",
    )
    assert root.text == COMMENTED_ARTICLE.split("\n\n")[4]
    assert [(c.authors[0].name, c.created, c.text) for c in comments] == [
        ("Lars Jensen", "2024-03-14T10:12", COMMENT_TEXTS[0]),
        ("Mette Sørensen", "2024-03-14T11:40", COMMENT_TEXTS[1]),
        ("Ole Berg", "2024-03-15T08:02", COMMENT_TEXTS[2]),
    ]
    if comments_as == "paragraphs":
        assert comments[1].parent_id == comments[0].id and comments[2].parent_id == root.id
    assert any(n.message.startswith("read from a Word document") for n in corpus.notes)


def test_pages_a_word_document_that_cannot_be_read_is_refused_naming_it(tmp_path, cfg, monkeypatch):
    from pipeline.ingest.pages import word

    _word_page(tmp_path / "ok.docx", "paragraphs")
    monkeypatch.setattr(word, "MAX_DOCUMENT_BYTES", 1000)
    _refused_each(
        tmp_path,
        cfg,
        [
            ("tekst.docx", b"Bare tekst, ikke et Word-dokument.", "not a readable Word document"),
            ("bombe.docx", (tmp_path / "ok.docx").read_bytes(), "more than the 0 MB a document may (a zip bomb?)"),
        ],
    )


def _comment_list(header: str | None, between: str = "") -> str:
    """The commented article with its comments ("Name · date" over the text) under `header`
    instead of "3 kommentarer" (None: no line over them), `between` the article and them."""
    body = "".join(
        f"{who} · {when}\n{said}\n\n" for who, when, said in zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    over = f"{header}\n\n" if header is not None else ""
    return COMMENTED_ARTICLE.replace("3 kommentarer\n\n", between + over) + body


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Kommentarer:",
        "Kommentarer · 3",
        "Kommentarer 3",
        "Læsernes kommentarer",
        "Kommentarer fra læserne",
        "Kommentarfeltet",
        "Skriv kommentar",
    ],
)
def test_pages_a_comment_list_under_another_heading_or_none_is_read_as_comments(tmp_path, cfg, header):
    """A comment list under a heading in another form, or with none (the widget's heading
    not saved): its comments had been read as the article's last paragraphs, headers and
    all. Without a heading, at least two comments, each a name and a date over a sentence,
    under the article's text, open the list, with a note."""
    corpus = _page_corpus(tmp_path, _comment_list(header), cfg)
    root, *comments = corpus.posts
    assert root.text.endswith("som har spurgt alle landets kommuner.")
    assert [(c.authors[0].name, c.text) for c in comments] == list(zip(COMMENTERS, COMMENT_TEXTS, strict=True))
    inferred = [n for n in corpus.notes if n.message.startswith("the comment list has no line over it")]
    assert len(inferred) == (header is None)


# A tabloid's story: one short sentence a paragraph, none of 70 characters.
TABLOID_STORY = (
    "Socialrådgivere flygter fra kommunen\n\n14. marts 2024\n\nAf Karen Holm\n\n"
    "Hver fjerde socialrådgiver i Odense har sagt op i år.\n\n"
    "Det viser nye tal fra kommunen, som avisen har fået indsigt i.\n\n"
    "- Vi kan ikke holde til det længere, siger en socialrådgiver.\n\n"
    "Rådmanden vil nu se på arbejdsforholdene.\n\n"
)


@pytest.mark.parametrize("header", [None, "Kommentarer"])
def test_pages_a_tabloids_one_sentence_paragraphs_are_its_text_over_comments_with_or_without_a_heading(
    tmp_path, cfg, header
):
    """No paragraph of 70 characters: the story had been boilerplate whole (an empty
    text), and with no heading over the comments they were not found at all (the page was
    refused as a thread without comments)."""
    comments = "".join(
        f"{who} · {when}\n{said}\n\n" for who, when, said in zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    page = TABLOID_STORY + (f"{header}\n\n" if header else "") + comments
    corpus = _page_corpus(tmp_path, page, cfg)
    root, *replies = corpus.posts
    assert root.text.split("\n\n") == [
        "Hver fjerde socialrådgiver i Odense har sagt op i år.",
        "Det viser nye tal fra kommunen, som avisen har fået indsigt i.",
        "- Vi kan ikke holde til det længere, siger en socialrådgiver.",
        "Rådmanden vil nu se på arbejdsforholdene.",
    ]
    assert (root.title, root.authors[0].name) == ("Socialrådgivere flygter fra kommunen", "Karen Holm")
    assert [(c.authors[0].name, c.text) for c in replies] == list(zip(COMMENTERS, COMMENT_TEXTS, strict=True))
    assert "no paragraph of 70+ characters: paragraphs of 40+ characters with enough stopwords taken as text" in [
        n.message for n in corpus.notes
    ]


def test_pages_a_story_dense_with_names_and_figures_is_its_text_and_a_page_decoded_twice_is_decoded_once(tmp_path, cfg):
    """A story whose one paragraph has 27% stopwords (under jusText's 32%, for text of any
    length) had no text at all; the same page saved after a wrong decoding ("SocialrÃ¥dgivere")
    reads as the page, with a note for each."""
    page = (
        "Socialrådgivere løber stærkt\n\nAf Karen Holm\n\n14. marts 2024\n\n"
        "Kommunerne mangler erfarne socialrådgivere over hele landet, og sagsbunkerne vokser hver måned – "
        "siger foreningen.\n"
    )
    for name, text in (("ren", page), ("dobbelt", page.encode().decode("cp1252"))):
        corpus = _page_corpus(tmp_path / name, text, cfg, kind="article")
        (root,) = corpus.posts
        assert (root.title, root.authors[0].name, root.created) == (
            "Socialrådgivere løber stærkt",
            "Karen Holm",
            "2024-03-14",
        )
        assert root.text == page.rsplit("\n\n", 1)[1].strip()
        messages = [n.message for n in corpus.notes]
        assert "no paragraph of 40+ characters with 32% stopwords: paragraphs with 20% taken as text" in messages
        assert any("decoded twice" in m for m in messages) == (name == "dobbelt")


def test_pages_comments_with_no_heading_open_only_under_sentences_of_200_characters_since_the_last_heading():
    from pipeline.ingest.pages.comments import find_headerless_comments

    comments = ["", "Mette Kjær · 14. marts 2024 10:14", "Det er helt forventeligt.", ""]
    comments += ["Ole Berg · 14. marts 2024 11:02", "Kommunen må tage ansvaret nu.", ""]
    story = TABLOID_STORY.split("\n\n")[3:7]  # the four sentences, 216 characters
    assert find_headerless_comments([*story, *comments]) == len(story)  # the blank line over the list
    # Three sentences (175 characters) are too little text to tell a story from teasers...
    assert find_headerless_comments([*story[1:], *comments]) is None
    # ...and so are four under a heading of their own ("Mest læste"): the count starts over.
    assert find_headerless_comments([*story[:2], "Mest læste", *story[2:], *comments]) is None


@pytest.mark.parametrize("buttons", ["Svar", "Svar · Synes godt om", "Svara"])
def test_pages_undated_comments_with_no_heading_over_them_are_read_by_their_buttons(tmp_path, cfg, buttons):
    """A site that prints neither a heading over its comments nor their dates: each a name
    over its text over the comment's buttons. Two such under the article's text open the
    list (they had been the article's last paragraphs, names and "Svar" and all); one
    name over a line and a share button under an article (an author box) is no list."""
    body = "".join(f"{who}\n{said}\n{buttons}\n\n" for who, said in zip(COMMENTERS, COMMENT_TEXTS, strict=True))
    article = COMMENTED_ARTICLE.replace("3 kommentarer\n\n", "")
    root, *comments = _page_corpus(tmp_path, article + body, cfg).posts
    assert root.text.endswith("som har spurgt alle landets kommuner.")
    # Undated, and no comment answers another by name: the list is taken as newest first.
    assert [(c.authors[0].name, c.created, c.text) for c in reversed(comments)] == [
        (who, None, said) for who, said in zip(COMMENTERS, COMMENT_TEXTS, strict=True)
    ]
    boxed = article + "Karen Holm\nJournalist på Avisen, skriver om velfærd og arbejdsmarked.\nDel\n"
    only = _page_corpus(tmp_path / "box", boxed, cfg, kind="auto").posts
    assert len(only) == 1


@pytest.mark.parametrize("apart, header", [("\n", True), ("\n\n", True), ("\n\n", False)])
def test_pages_comments_printed_date_over_name_over_text_keep_their_own_dates(tmp_path, cfg, apart, header):
    """A widget that prints each comment's date over its author's name over its text, the
    three a line or a blank line apart (as a page copied as text sets each element apart),
    under a heading or none: with blank lines between, the date had been read as the date
    *under* the comment above (each comment got the next one's date, and the first was
    lost)."""
    body = "".join(
        apart.join((when, who, said)) + "\n\n"
        for who, when, said in zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    article = COMMENTED_ARTICLE if header else COMMENTED_ARTICLE.replace("3 kommentarer\n\n", "")
    comments = [p for p in _page_corpus(tmp_path, article + body, cfg).posts if p.kind == "comment"]
    assert [(c.authors[0].name, c.created, c.text) for c in comments] == [
        ("Lars Jensen", "2024-03-14T10:12", COMMENT_TEXTS[0]),
        ("Mette Sørensen", "2024-03-14T11:40", COMMENT_TEXTS[1]),
        ("Ole Berg", "2024-03-15T08:02", COMMENT_TEXTS[2]),
    ]


@pytest.mark.parametrize("answers", ["svarer", "→"])
def test_pages_a_comment_header_naming_whom_it_answers_links_the_reply(tmp_path, cfg, answers):
    """ "Ole Berg svarer Lars Jensen · date": the writer is Ole Berg, and the comment answers
    Lars Jensen's latest earlier comment (the header had been read as the author's name,
    "Ole Berg svarer Lars Jensen", and the reply left to its words). A header naming someone
    with no earlier comment on the page leaves the parent to the words, with a note."""
    heads = ["Lars Jensen", "Mette Sørensen", f"Ole Berg {answers} Lars Jensen", f"Anna Holm {answers} Bo Ek"]
    texts = [*COMMENT_TEXTS, "Det er jeg ikke enig i."]
    dates = [*COMMENT_DATES, "15. marts 2024 kl. 09:00"]
    body = "".join(f"{head} · {when}\n{said}\n\n" for head, when, said in zip(heads, dates, texts, strict=True))
    corpus = _page_corpus(tmp_path, COMMENTED_ARTICLE + body, cfg)
    root, lars, mette, ole, anna = corpus.posts
    assert [c.authors[0].name for c in (lars, mette, ole, anna)] == [
        "Lars Jensen",
        "Mette Sørensen",
        "Ole Berg",
        "Anna Holm",
    ]
    assert (ole.parent_id, ole.parent_rule, ole.parent_evidence[0].cue) == (
        lars.id,
        "header",
        "its header says it answers Lars Jensen",
    )
    assert anna.parent_rule != "header"
    assert any("says it answers Bo Ek, who has no earlier comment" in n.message for n in corpus.notes)


@pytest.mark.parametrize(
    "reply, rule",
    [
        # The arrow flat lists print before a reply: it answers the comment above with none.
        ("↳ Mette Sørensen", "indentation"),
        ("└─ Mette Sørensen", "indentation"),
        # Whom it answers in parentheses after the name, where a title would stand.
        ("Mette Sørensen (svar til Lars Jensen)", "header"),
    ],
)
def test_pages_a_reply_marked_in_its_header_answers_the_comment_it_marks(tmp_path, cfg, reply, rule):
    """The mark had been read as part of the commenter's name or her title, and the reply
    left to its words (which answered the article)."""
    heads = ["Lars Jensen", reply, "Ole Berg"]
    body = "".join(
        f"{head} · {when}\n{said}\n\n" for head, when, said in zip(heads, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    root, lars, mette, ole = _page_corpus(tmp_path, COMMENTED_ARTICLE + body, cfg).posts
    assert [(a.name, a.description) for a in mette.authors] == [("Mette Sørensen", None)]
    assert (mette.parent_id, mette.parent_rule) == (lars.id, rule)
    assert ole.parent_id == root.id


@pytest.mark.parametrize("verb", ["skriver", "svarer", "kommenterer", "writes"])
def test_pages_a_dateless_comment_whose_name_says_it_writes_opens_with_that_name(tmp_path, cfg, verb):
    """ "Anna Lind skriver:" over the text and the buttons, on a site that prints no dates:
    the list had not been found (the colon made the line no name). One list of verbs
    (`[comments] say_verbs`) serves here and between a name and its date ("svarer" and
    "writes" had been known only there)."""
    body = "".join(
        f"{who} {verb}:\n{said}\nSvar · Synes godt om\n\n" for who, said in zip(COMMENTERS, COMMENT_TEXTS, strict=True)
    )
    comments = [p for p in _page_corpus(tmp_path, COMMENTED_ARTICLE + body, cfg).posts if p.kind == "comment"]
    assert sorted((c.authors[0].name, c.text) for c in comments) == sorted(zip(COMMENTERS, COMMENT_TEXTS, strict=True))


@pytest.mark.parametrize(
    "header, author",
    [
        # A party's letters after the name: the commenter's description, as in a byline.
        ("Lars Jensen (S)", ("Lars Jensen", "(S)")),
        # A platform's verified mark is no part of the name.
        ("Lars Jensen ✔", ("Lars Jensen", None)),
        ("Lars Jensen ✅", ("Lars Jensen", None)),
    ],
)
def test_pages_what_a_comment_header_prints_beside_a_name_is_no_part_of_it(tmp_path, cfg, header, author):
    heads = [header, *COMMENTERS[1:]]
    body = "".join(
        f"{head} · {when}\n{said}\nSvar\n\n"
        for head, when, said in zip(heads, COMMENT_DATES, COMMENT_TEXTS, strict=True)
    )
    comments = [p for p in _page_corpus(tmp_path, COMMENTED_ARTICLE + body, cfg).posts if p.kind == "comment"]
    assert [(a.name, a.description) for a in comments[0].authors] == [author]


def test_pages_teasers_of_other_articles_under_an_article_are_no_comments(tmp_path, cfg):
    """Under an article, other articles' teasers print an author and a date over a headline,
    as comments print a name and a date over their text: without a comment list's heading,
    such lines, or lines under a "Læs også", or a page the manifest calls an article, give
    no comments."""
    teasers = "Karen Holm · 12. marts 2024\nSocialrådgivere forlader faget\n\nOle Berg · 11. marts 2024\nNy aftale\n\n"
    page = COMMENTED_ARTICLE.replace("3 kommentarer\n\n", "") + teasers
    assert [p.kind for p in _page_corpus(tmp_path / "a", page, cfg, kind="auto").posts] == ["document"]
    for n, (between, kind) in enumerate((("Læs også\n\n", "auto"), ("Mere om emnet\n\n", "auto"), ("", "article"))):
        page = _comment_list(None, between)
        assert [p.kind for p in _page_corpus(tmp_path / str(n), page, cfg, kind=kind).posts] == ["document"]


@pytest.mark.parametrize("copy", ["as saved", "glued, with connection degrees and counts"])
def test_pages_a_linkedin_post_copied_as_text_gives_its_author_her_title_and_the_comments(tmp_path, cfg, copy):
    """LinkedIn prints who the author is under her name and the time with "•" ("1 d. •
    Redigeret •"), its counts over the comments ("42 reaktioner · 12 kommentarer") and each
    commenter's title under the name: the post had been an article titled "1 d. •
    Redigeret •" with no author, and its comments lost. Copied as a browser copies it, with
    no blank lines, each commenter's connection degree under the name (" • 2.") and a
    reaction count between the buttons: the same (the degree had hidden every comment, and
    the post's text had gone with the buttons under it)."""
    page = (PAGES / "da_linkedin_opslag.txt").read_text(encoding="utf-8")
    if copy != "as saved":
        for name, degree in (("Lars Jensen", "2."), ("Mette Sørensen", "3.+"), ("Ole Berg", "1.")):
            page = page.replace(f"\n{name}\n", f"\n{name}\n • {degree}\n")
        page = page.replace("Synes godt om\nSvar", "Synes godt om\n3\nSvar").replace("\n\n", "\n")
    corpus = _page_corpus(tmp_path, page, cfg)
    root, *comments = corpus.posts
    assert [(a.name, a.description) for a in root.authors] == [("Karen Holm", "Socialrådgiver hos Aarhus Kommune")]
    assert root.text.startswith("Vi mister erfarne socialrådgivere") and "Redigeret" not in root.title
    assert [(c.authors[0].name, c.authors[0].description) for c in comments] == [
        ("Lars Jensen", "Socialrådgiver"),
        ("Mette Sørensen", "Teamleder hos Odense Kommune"),
        ("Ole Berg", "Sagsbehandler"),
    ]
    assert comments[0].text == "Jeg kan genkende hvert ord. Vi drukner i sager."
    assert comments[2].parent_id == comments[0].id, "a reply opens with the name of whom it answers"


def _markdown_comments(header: str, quoted: bool = False, apart: str = "\n\n") -> str:
    """The commented article as a clipped Markdown page whose comments print `header`
    ("{name}", "{date}") over their text, `apart` after each; the list quoted whole with `quoted`."""
    body = COMMENTED_ARTICLE.replace("3 kommentarer", "## 3 kommentarer")
    for who, when, said in zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True):
        comment = header.format(name=who, date=when) + said
        body += ("> " + comment.replace("\n", "\n> ") if quoted else comment) + apart
    return "---\ntitle: Kommunerne mangler socialrådgivere\nauthor: Karen Holm\n---\n" + body


@pytest.mark.parametrize(
    "header, quoted, apart",
    [
        # The header on the line over the text, no blank line between: CommonMark joins them
        # into one paragraph, "Lars Jensen 14. marts 2024 kl. 10:12 Jeg er selv ...".
        ("{name} {date}\n", False, "\n\n"),
        ("**{name}** · {date}\n", False, "\n\n"),
        ("**{name}**\n{date}\n", False, "\n\n"),
        # The date opening a line after a heading: CommonMark read "14." as an ordered list's
        # number, and the day was lost.
        ("### {name}\n{date}\n\n", False, "\n\n"),
        # The list quoted whole, as notes keep comments: the names had kept the quotation mark.
        ("**{name}** skrev {date}:\n", True, "\n\n"),
        # A list of one-line comments, as a researcher's notes write them.
        ("- **{name}** ({date}): ", False, "\n\n"),
        # Date over name over text, and name over text over date, no blank line between.
        ("{date}\n{name}\n", False, "\n\n"),
        # Name alone over date over text, and no blank line between comments either: the
        # next comment's name had run on into the text above it.
        ("{name}\n{date}\n", False, "\n"),
        ("**{name}**\n{date}\n", False, "\n"),
    ],
)
def test_pages_a_markdown_comment_list_reads_its_comments_whichever_way_its_headers_stand(
    tmp_path, cfg, header, quoted, apart
):
    corpus = _page_corpus(tmp_path, _markdown_comments(header, quoted, apart), cfg, name="klip.md")
    comments = [p for p in corpus.posts if p.kind == "comment"]
    assert [(c.authors[0].name, c.created, c.text) for c in comments] == [
        ("Lars Jensen", "2024-03-14T10:12", COMMENT_TEXTS[0]),
        ("Mette Sørensen", "2024-03-14T11:40", COMMENT_TEXTS[1]),
        ("Ole Berg", "2024-03-15T08:02", COMMENT_TEXTS[2]),
    ]


def test_pages_markdown_keeps_a_paragraph_whole_and_a_numbered_list_a_list():
    """What the comment headers change in Markdown leaves prose alone: a line of a wrapped
    paragraph that ends with a date stays in its paragraph, and "1. Flere hænder" stays a
    list item; only a date that opens a line keeps its day."""
    from functools import partial

    from pipeline.ingest.markup import markdown_html
    from pipeline.ingest.pages.article import load_furniture
    from pipeline.ingest.pages.comments import line_break_kept

    def html(text: str) -> str:
        return markdown_html(text, break_between=partial(line_break_kept, furn=load_furniture()))

    prose = "Forslaget blev vedtaget af et flertal i byrådet den\n14. marts 2024, og det træder i kraft straks.\n"
    assert "<br" not in html(prose) and "14. marts 2024, og" in html(prose)
    wrapped = "Det blev besluttet, at sagen skal\nbehandles igen, når der er nyt.\nKommunen svarer senere.\n"
    assert "<br" not in html(wrapped)
    assert "<ol>" in html("Vi mangler:\n\n1. Flere hænder\n2. Bedre ledelse\n")
    assert "<br />\nJeg er enig." in html("Lars Jensen 14. marts 2024 kl. 10:12\nJeg er enig.\n")


def test_pages_a_folder_of_pages_without_a_manifest_reads_as_the_seeds_manifest_does(tmp_path, cfg, seed_corpus):
    """The seed pages copied to a folder without their manifest: each page's kind (a comment
    list or none) and language are read from the page, with notes saying so, and every
    post is what the manifest gives. Only what the manifest alone says differs: the sites
    and the claim that seed 002's target names."""
    import shutil

    from conftest import SEEDS

    for page in SEEDS.glob("*.txt"):
        shutil.copy(page, tmp_path / page.name)
    (tmp_path / ".notes.txt").write_text("not a page", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    corpus = ingest_seeds(tmp_path, cfg)

    def view(c):
        return [(p.id, p.kind, p.lang, p.parent_id, p.title, p.text, [a.name for a in p.authors]) for p in c.posts]

    assert view(corpus) == view(seed_corpus)
    listed = {t.id: t for t in seed_corpus.threads}
    assert [(t.kind, t.lang) for t in corpus.threads] == [
        (listed[t.id].kind, listed[t.id].lang) for t in corpus.threads
    ]
    assert [t.id for t in corpus.threads if t.target != listed[t.id].target] == ["002_bf87ce656931ef12"]
    messages = [n.message for n in corpus.notes if n.where.endswith("002_bf87ce656931ef12.txt")]
    assert "language detected from the page's text: da" in messages
    assert "read as a thread (a comment list was found)" in messages
    assert not [n for n in corpus.notes if n.kind == "manifest-mismatch"]


def test_pages_a_manifest_that_gives_only_the_file_checks_nothing_it_did_not_say(tmp_path, cfg):
    """`date = ""` says the page prints no date, and a page that prints one is then a
    mismatch; an entry that leaves the date out says nothing, so nothing is checked."""
    from conftest import SEEDS

    page = "000_a2146541c2e9de0f.txt"
    (tmp_path / page).write_text((SEEDS / page).read_text(encoding="utf-8"), encoding="utf-8")
    for date_line, mismatches in (("", []), ('date = ""\n', ["date"])):
        (tmp_path / "manifest.toml").write_text(f'[[document]]\nfile = "{page}"\n{date_line}', encoding="utf-8")
        corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
        assert corpus.posts[0].created == "2023-01-20"
        notes = [n.message.split(":")[0] for n in corpus.notes if n.kind == "manifest-mismatch"]
        assert notes == mismatches


def test_pages_a_folder_without_a_manifest_or_pages_is_refused_naming_it(tmp_path, cfg):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(InputError, match="no manifest.toml and no pages"):
        ingest_seeds(tmp_path, cfg)


def test_pages_in_an_older_encoding_are_read_as_declared_or_as_the_manifest_says(tmp_path, cfg):
    """Older Danish and Swedish sites serve Latin-1, and a browser saves the page so: an HTML
    page that declares its charset is read in it, with a note. A text page says nothing of
    its encoding: with no UTF-8 in it, it is read in Windows' code page (Notepad's "ANSI";
    it had been refused), with a note; a UTF-8 page damaged in one place is refused, naming
    the file, the line and what to write; with `encoding = "cp1252"` it reads."""
    body = "Kommunerne mangler erfarne socialrådgivere over hele landet, og sagsbunkerne vokser hver måned."
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
        f"<body><h1>Socialrådgivere løber stærkt</h1><p>{body}</p></body></html>"
    )
    (tmp_path / "latin.html").write_bytes(html.encode("latin-1"))
    (tmp_path / "latin.txt").write_bytes(f"Socialrådgivere løber stærkt\n\n{body}\n".encode("cp1252"))
    entry = '[[document]]\nfile = "{}"\nkind = "article"\nlang = "da"\n{}'
    (tmp_path / "manifest.toml").write_text(entry.format("latin.html", ""), encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    assert (corpus.posts[0].title, corpus.posts[0].text) == ("Socialrådgivere løber stærkt", body)
    assert "read in iso-8859-1 (as its <meta charset> declares), not UTF-8" in {n.message for n in corpus.notes}

    (tmp_path / "manifest.toml").write_text(entry.format("latin.txt", ""), encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    assert (corpus.posts[0].title, corpus.posts[0].text) == ("Socialrådgivere løber stærkt", body)
    assert any(n.message.startswith("read in cp1252 (it holds no UTF-8") for n in corpus.notes)
    (tmp_path / "latin.txt").write_bytes(
        f"Socialrådgivere løber stærkt\n\n{body}\n".encode() + "Søster".encode("cp1252")
    )
    with pytest.raises(InputError, match='latin.txt:4: not valid UTF-8 .*encoding = "cp1252"'):
        ingest_seeds(tmp_path / "manifest.toml", cfg)
    (tmp_path / "latin.txt").write_bytes(f"Socialrådgivere løber stærkt\n\n{body}\n".encode("cp1252"))
    (tmp_path / "manifest.toml").write_text(entry.format("latin.txt", 'encoding = "cp1252"\n'), encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    assert (corpus.posts[0].title, corpus.posts[0].text) == ("Socialrådgivere løber stærkt", body)


def test_pages_a_blog_saved_as_html_with_threaded_comments(tmp_path, cfg):
    """A WordPress blog's page: "Publicerad 12 februari 2024 av Karin Ek" gives the date and
    the author, "3 svar på ”...”" opens the comments, each "Name skriver:" with its date on
    the next line, and a reply nested in its comment's list (as the page indents it)
    answers that comment (rule `indentation`); its "Tack Erik!" names Erik Nilsson by his
    first name, which no other commenter has (rule `commenter-mention`, agreeing)."""
    corpus = ingest_page(tmp_path, "sv_blogg_trådade_svar.html", cfg, lang="sv")
    root, *comments = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Varför lämnar socialsekreterarna?",
        ["Karin Ek"],
        "2024-02-12",
    )
    assert [(c.authors[0].name, c.created, c.text[:16]) for c in comments] == [
        ("Erik Nilsson", "2024-02-12T14:05", "Så sant. Jag slu"),
        ("Karin Ek", "2024-02-12T15:30", "Tack Erik! Vad g"),
        ("Maria Holm", "2024-02-13T08:12", "Jag håller inte "),
    ]
    assert [c.parent_id for c in comments] == [root.id, comments[0].id, root.id]
    assert [e.rule for e in comments[1].parent_evidence if e.decided] == ["indentation", "commenter-mention"]


def test_pages_a_news_site_that_nests_replies_in_divs_threads_them(tmp_path, cfg):
    """A comment widget that nests each reply in its comment's "comment-replies" <div>
    (indented on screen only by CSS): the reply answers the comment it is nested in, and a
    reply to the reply answers that one (rule `indentation`), though neither names whom it
    answers; a comment after the nested ones is top-level again."""
    corpus = ingest_page(tmp_path, "da_debat_svar_i_div.html", cfg)
    root, *comments = corpus.posts
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Lars Madsen", "2024-03-14T09:12"),
        ("Birgitte Holm", "2024-03-14T10:40"),
        ("Lars Madsen", "2024-03-14T11:05"),
        ("Anders Kjær", "2024-03-14T12:20"),
    ]
    assert [c.parent_id for c in comments] == [root.id, comments[0].id, comments[1].id, root.id]
    assert [[e.rule for e in c.parent_evidence if e.decided] for c in comments[1:3]] == [["indentation"]] * 2


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # Old Reddit: a comment's replies sit in its "child" <div>, in a listing <div>.
        (
            '<div class="thing"><p>Erik</p><div class="child"><div class="sitetable">'
            '<div class="thing"><p>Karin</p></div></div></div></div><div class="thing"><p>Maria</p></div>',
            "Erik\n\n  Karin\n\nMaria",
        ),
        # A reply container holding a list is one level, not two.
        (
            '<ul class="comments"><li>Erik<div class="replies"><ul><li>Karin</li></ul></div></li><li>Maria</li></ul>',
            "Erik\n\n  Karin\n\nMaria",
        ),
        # "has-replies" marks a comment with replies, not their container.
        (
            '<div class="comment has-replies"><p>Erik</p><div class="comment-replies">'
            '<div class="comment"><p>Karin</p></div></div></div><div class="comment"><p>Maria</p></div>',
            "Erik\n\n  Karin\n\nMaria",
        ),
        # HTML's own way: a comment on a comment is an <article> in its <article>.
        (
            "<article><p>Story</p><section><article><p>Erik</p><article><p>Karin</p></article></article>"
            "<article><p>Maria</p></article></section></article>",
            "Story\n\n  Erik\n\n    Karin\n\n  Maria",
        ),
        # A class that merely contains the word is not a reply container.
        ('<div class="child-theme"><p>Erik</p><div class="childhood"><p>Karin</p></div></div>', "Erik\n\nKarin"),
    ],
)
def test_pages_reply_containers_named_by_their_class_indent_their_comments(html, text):
    from pipeline.ingest.markup import html_text

    assert html_text(html, indent_lists=True) == text
    assert html_text(html) == text.replace("  ", "")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # A flat list whose comments state their depth in a class (WordPress's depth-N).
        (
            '<div class="comment depth-1"><p>Erik</p></div><div class="comment depth-2"><p>Karin</p></div>'
            '<div class="comment depth-3"><p>Per</p></div><div class="comment depth-1"><p>Maria</p></div>',
            "Erik\n\n  Karin\n\n    Per\n\nMaria",
        ),
        # ... where its replies are also nested in a reply container: one level, not two.
        (
            '<ol class="commentlist"><li class="comment depth-1">Erik<ol class="children">'
            '<li class="comment depth-2">Karin</li></ol></li><li class="comment depth-1">Maria</li></ol>',
            "Erik\n\n  Karin\n\nMaria",
        ),
        # Coral counts from 0; ARIA's aria-level from 1; a page may start deeper than 1.
        (
            '<div class="coral-comment coral-indent-0"><p>Erik</p></div>'
            '<div class="coral-comment coral-indent-1"><p>Karin</p></div>'
            '<div class="coral-comment coral-indent-0"><p>Maria</p></div>',
            "Erik\n\n  Karin\n\nMaria",
        ),
        (
            '<div role="treeitem" aria-level="2"><p>Erik</p></div><div role="treeitem" aria-level="3">'
            '<p>Karin</p></div><div role="heading" aria-level="2"><p>Maria</p></div>',
            "Erik\n\n  Karin\n\nMaria",
        ),
        # An inline margin states a comment's depth, ranked among the page's margins (none is
        # 0); a layout's padding on what is not a comment does not.
        (
            '<div style="padding-left: 12px"><div class="kommentar" style="margin-left: 25px">Karin</div>'
            '<div class="kommentar">Erik</div><div class="kommentar" style="margin-left:3em">Per</div></div>',
            "  Karin\n\nErik\n\n    Per",
        ),
        # A comment's element inside another's: a reply to it, as an <article> in an <article>
        # is; a wrapper opened before any text is the same level, and a comment's parts
        # ("comment-body") and the list around them ("comments") are no comments.
        (
            '<div class="comments"><div class="comment"><p>Mona</p><div class="comment-wrap">'
            '<div class="comment"><div class="comment-body"><p>Erik</p></div></div></div></div>'
            '<div class="comment"><p>Hanne</p></div></div>',
            "Mona\n\n  Erik\n\nHanne",
        ),
        # A menu's levels are not a comment's.
        ('<nav><div class="level-1">Nyheter</div><div class="level-2">Malmö</div></nav>', "Nyheter\n\nMalmö"),
        ('<div class="menu-level-1">Nyheter</div><div class="menu-level-2">Malmö</div>', "Nyheter\n\nMalmö"),
    ],
)
def test_pages_comments_that_state_their_depth_are_indented_by_it(html, text):
    from pipeline.ingest.markup import html_text

    assert html_text(html, indent_lists=True) == text
    assert html_text(html) == text.replace("  ", "")


@pytest.mark.parametrize(
    ("name", "lang", "parents"),
    [
        # Coral's widget: every comment side by side, its depth in "coral-indent-N".
        ("sv_kommentarer_djup.html", "sv", [None, 1, 2, 1, None]),
        # An old site's list: each reply's depth only in its inline margin.
        ("da_kommentarer_margin.html", "da", [None, 1, 2, None]),
    ],
)
def test_pages_a_flat_comment_list_that_states_each_depth_threads_by_it(tmp_path, cfg, name, lang, parents):
    """A comment widget that lists its comments flat and indents them only through CSS,
    from the depth each states: a reply answers the nearest comment above it that is less
    deep (evidence `indentation`), a top-level comment the article."""
    corpus = ingest_page(tmp_path, name, cfg, kind="auto", lang=lang)
    root, *comments = corpus.posts
    index = {c.id: k for k, c in enumerate(comments, start=1)}
    assert [index.get(c.parent_id) for c in comments] == parents
    assert all(
        [e.rule for e in c.parent_evidence if e.decided] == (["indentation"] if p else ["default"])
        for c, p in zip(comments, parents, strict=True)
    )
    assert [c.created for c in comments] == sorted(c.created for c in comments)


def test_pages_a_flashback_thread_saved_as_html_opens_with_post_1_and_threads_by_quotation(tmp_path, cfg):
    """A forum thread (Flashback, vBulletin) has no comment list: numbered posts, each headed
    by its date and number, then the poster's name and member details. Post #1 is the
    opening post (its author and date are the thread's, the <h1> its title); a post that
    quotes "Ursprungligen postat av Mia83" answers Mia83's post (rule `quoted-author`); the
    member details and the footer's links are not text."""
    corpus = ingest_page(tmp_path, "sv_flashback_trad.html", cfg, lang="sv")
    root, mia, sven = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created, root.text[:22]) == (
        "Varför slutar alla socialsekreterare?",
        ["Kalle_B"],
        "2024-03-14T09:12",
        "Min fru jobbar som soc",
    )
    assert [(p.authors[0].name, p.created) for p in (mia, sven)] == [
        ("Mia83", "2024-03-14T09:40"),
        ("Sven_Svensson", "2024-03-14T10:05"),
    ]
    assert (mia.parent_id, sven.parent_id) == (root.id, mia.id)
    assert [e.rule for e in sven.parent_evidence if e.decided] == ["quoted-author"]
    assert sven.text.endswith("Det är ledarskapet som är problemet.")
    assert not any("Inlägg" in p.text or "Flashback" in p.text for p in corpus.posts)
    messages = {n.message for n in corpus.notes}
    assert "3 line(s) of forum member details (status, posts)" in messages
    assert "end of the forum thread at: Flashback Forum · Om Flashback · Regler · Kontakt" in messages
    assert corpus.threads[0].kind == "thread" and corpus.threads[0].n_comments == 2


def test_pages_a_flashback_thread_copied_as_text_is_titled_over_its_action_bar(tmp_path, cfg):
    """Flashback copied as text: the thread's title, then its action bar ("Svara", "Sidan 1
    av 1"), then each post's date over its number, the poster and member details, the text
    and "Citera". The title is the line over the action bar (the page count had been taken
    for the title and the opening post's author), and the action bar under the last post
    ends it (it had been the end of that post's text)."""
    corpus = ingest_page(tmp_path, "sv_flashback_kopierad.txt", cfg, lang="sv")
    root, tomas, gammal, rolle = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created, root.text[:20]) == (
        "Socialsekreterare slutar i rekordtakt – vad beror det på?",
        ["Mia83"],
        "2024-03-04T21:14",
        "Läste i SvD att var ",
    )
    assert [(p.authors[0].name, p.created) for p in (tomas, gammal, rolle)] == [
        ("Tomas_G", "2024-03-04T21:40"),
        ("gammal_socionom", "2024-03-05T07:02"),
        ("Rolle75", "2024-03-05T08:30"),
    ]
    assert rolle.text == "Vilka källor har du på att det är värre nu än på 90-talet?"
    assert corpus.threads[0].target.startswith("Socialsekreterare slutar i rekordtakt")
    # Tomas quotes Mia's last sentence and answers on the next line, with no blank line
    # between: the quotation ends where its copy of her post does (his own words had been
    # read as quoted, and typed `none`).
    assert tomas.text == (
        "Citat:\nUrsprungligen postat av Mia83\nDet handlar inte bara om lönen utan om omöjliga ärendemängder.\n\n"
        "Fast det är ju politikerna som bestämmer budgeten. Kommunerna prioriterar annat."
    )
    assert (
        unquoted(tomas.text).strip()
        == "Fast det är ju politikerna som bestämmer budgeten. Kommunerna prioriterar annat."
    )
    assert (
        "1 comment(s) quote a post above them with no blank line before their own words: the quotation ends where "
        "its copy of that post does (a blank line put there)"
    ) in {n.message for n in corpus.notes}
    assert not any("Sidan" in p.text or "Reg:" in p.text or "Citera" in p.text for p in corpus.posts)


def test_pages_an_unnumbered_forum_copied_as_text_opens_with_its_first_post(tmp_path, cfg):
    """Familjeliv copied as text numbers no posts: each is its poster's name over its date,
    the text and its buttons ("Citera", "Svara"), from right under the thread's title. The
    first post opens the thread (the page had been read as an article, every post run
    into one text with no author); a name signed in parentheses stays the poster's name,
    which the quotations use ("Anonym (Socialsekreterare) skrev:"), and is their
    self-description too; "Trådstartare" is a label, not the title."""
    corpus = ingest_page(tmp_path, "sv_familjeliv_kopierad.txt", cfg, lang="sv")
    root, worker, kattis = corpus.posts
    assert (root.title, root.created, root.text[:21]) == (
        "Socialtjänsten hinner inte med våra barn",
        "2024-03-04T21:14",
        "Mitt barnbarn har haf",
    )
    assert [(a.name, a.description) for p in corpus.posts for a in p.authors] == [
        ("Anonym (Orolig farmor)", "Orolig farmor"),
        ("Anonym (Socialsekreterare)", "Socialsekreterare"),
        ("Kattis78", None),
    ]
    assert [(p.created, p.parent_id) for p in (worker, kattis)] == [
        ("2024-03-04T21:40", root.id),
        ("2024-03-05T07:12", worker.id),
    ]
    assert [e.rule for e in kattis.parent_evidence if e.decided] == ["quoted-author"]
    assert kattis.text.endswith("Ni får säga ifrån till era chefer.")
    assert not any(w in p.text for p in corpus.posts for w in ("Citera", "Svara", "Sidan", "Trådstartare"))


def test_pages_name_over_date_posts_under_an_articles_text_stay_its_comments(tmp_path, cfg):
    """The same posts under an article's paragraph are the article's comments, and a list
    whose dates fall down the page (newest first) is no forum thread."""
    page = (PAGES / "sv_familjeliv_kopierad.txt").read_text(encoding="utf-8").replace("Trådstartare\n", "")
    lines = page.split("\n")
    title = lines.index("Socialtjänsten hinner inte med våra barn")
    article = "Av Eva Lund\n\n" + "Socialtjänsten i Malmö har fått kritik för långa handläggningstider. " * 3 + "\n"
    (tmp_path / "a.txt").write_text("\n".join([*lines[: title + 1], article, *lines[title + 1 :]]), encoding="utf-8")
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "a.txt"\nlang = "sv"\n', encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    root, *comments = corpus.posts
    assert [a.name for a in root.authors] == ["Eva Lund"] and root.text.startswith("Socialtjänsten i Malmö har")
    assert [p.authors[0].name for p in comments] == ["Anonym (Orolig farmor)", "Anonym (Socialsekreterare)", "Kattis78"]
    assert "read as a thread (a comment list was found)" in {n.message for n in corpus.notes}
    from pipeline.ingest.pages.forum import find_forum_posts

    newest_first = page.replace("4 mars 2024, 21:14", "6 mars 2024, 21:14")
    assert find_forum_posts(page.split("\n")) and not find_forum_posts(newest_first.split("\n"))
    # An article of short paragraphs above them is an article too: a sentence of six words
    # or more ends with its full stop, a thread's title does not.
    short = ["Socialtjänsten hinner inte med", "Av Eva Lund", "Var tredje socialsekreterare har slutat i år."]
    assert not find_forum_posts([*short, *lines[title + 1 :]])


@pytest.mark.parametrize(
    "action_bar",
    [
        "Sidan 1 av 12 < 1 2 3 ... 12 >",
        "Sidan 1 av 3 1 2 3 Nästa ›",
        "Side 1 af 3 • 1, 2, 3 • Næste",
        "Svara\nSidan 2 av 2 ‹ Föregående 1 2",
        "Svara",
    ],
)
def test_pages_a_forums_page_count_with_its_page_links_is_furniture(tmp_path, cfg, action_bar):
    """The page count with the links to the thread's pages after it, and a reply button
    alone, are neither the thread's title nor a post's text."""
    page = (PAGES / "sv_flashback_kopierad.txt").read_text(encoding="utf-8")
    (tmp_path / "t.txt").write_text(page.replace("Svara\nSidan 1 av 1\n", action_bar + "\n"), encoding="utf-8")
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "t.txt"\nlang = "sv"\n', encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    assert corpus.posts[0].title == "Socialsekreterare slutar i rekordtakt – vad beror det på?"
    assert [a.name for a in corpus.posts[0].authors] == ["Mia83"]


def test_pages_page_2_of_a_forum_thread_saved_as_text_keeps_an_empty_opening_post(tmp_path, cfg):
    """Page 2 of a Danish forum thread, copied as text: posts #21-#23 are all answers, under
    an empty opening post titled by the line above the first post (not the longer site line
    above it), with a note that post #1 is on another page. "I går, 21:40" is relative to
    when the page was saved: left empty, with a note. Button rows ("Citer Svar") are dropped,
    and a signature under a rule of underscores is its author's self-description."""
    corpus = ingest_page(tmp_path, "da_forum_side_2.txt", cfg)
    root, *posts = corpus.posts
    assert (root.title, root.text, root.authors, root.created) == ("Socialrådgivere i kommunerne", "", (), None)
    assert [(p.authors[0].name, p.created) for p in posts] == [
        ("Jette K", "2024-03-14T20:15"),
        ("Bo_Nielsen", None),
        ("Jette K", "2024-03-15T08:05"),
    ]
    assert posts[2].parent_id == posts[1].id
    assert [p.text.split("\n")[-1] for p in posts] == [
        "Jeg har selv været socialrådgiver i 15 år. Sagstallet er steget hvert eneste år, og ingen lytter.",
        "Det passer simpelthen ikke. Kommunen har ansat flere folk de sidste to år.",
        "De nye stillinger er vikarer, ikke faste folk.",
    ]
    # Jette K's vBulletin signature, under its rule of underscores, is her self-description.
    assert [p.authors[0].description for p in posts] == [
        "Socialrådgiver i Odense Kommune",
        None,
        "Socialrådgiver i Odense Kommune",
    ]
    messages = {n.message for n in corpus.notes}
    assert (
        "2 forum signature(s) under a rule of underscores taken out of the posts' text, as their authors' "
        "self-descriptions" in messages
    )
    assert "the page starts at post #21: the thread's opening post is on another page" in messages
    assert "post date 'I går, 21:40' is relative to when the page was saved: left empty" in messages
    assert "3 row(s) of post buttons (quote, reply)" in messages
    assert "no author found for the article" not in messages


def test_pages_a_phpbb_thread_reads_each_post_under_its_author_line(tmp_path, cfg):
    """A phpBB board prints each post's profile (name, rank, "Indlæg: 128") and title above
    the line "Indlæg af Mogens » 14. mar 2024, 21:02": the profile and the "Re:" title
    belong to the post below, not to the message above them. The first post, titled
    without "Re:", opens the thread; a quotation headed by <cite>Mogens skrev:</cite>
    answers Mogens (rule `quoted-author`); the action bar and the software credit end the
    thread."""
    corpus = ingest_page(tmp_path, "da_phpbb_traad.html", cfg, kind="auto", lang="")
    root, mogens, hanne = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created, root.text) == (
        "Hvorfor siger socialrådgiverne op?",
        ["Hanne_R"],
        "2024-03-14T20:15",
        "I vores kommune har fire ud af ti socialrådgivere sagt op på et år. Er det lønnen, sagstallet eller ledelsen?",
    )
    assert mogens.text == "Det er sagstallet. Ingen kan nå at gøre arbejdet ordentligt med 40 sager."
    assert hanne.text == "> Mogens skrev:\n> Det er sagstallet.\n\nEnig, men lønnen betyder også noget."
    assert [(p.authors[0].name, p.created, p.title) for p in (mogens, hanne)] == [
        ("Mogens", "2024-03-14T21:02", ""),
        ("Hanne_R", "2024-03-15T07:45", ""),
    ]
    assert (mogens.parent_id, hanne.parent_id) == (root.id, mogens.id)
    assert "quoted-author" in [e.rule for e in hanne.parent_evidence]
    messages = {n.message for n in corpus.notes}
    assert {
        "read as a forum thread (3 posts were found)",
        "8 line(s) of forum member details (status, posts)",
    } <= messages

    # The same page copied as text (no head to name the headline) reads the same.
    from pipeline.ingest.pages.seeds import read_page

    copied = tmp_path / "copied"
    copied.mkdir()
    (copied / "traad.txt").write_text(read_page(PAGES / "da_phpbb_traad.html", None).text, encoding="utf-8")
    (copied / "manifest.toml").write_text('[[document]]\nfile = "traad.txt"\nkind = "thread"\nlang = "da"\n')
    as_text = ingest_seeds(copied / "manifest.toml", cfg)

    def view(c):
        return [(p.title, p.text, [a.name for a in p.authors], p.created) for p in c.posts]

    assert view(as_text) == view(corpus)


def _pages(tmp_path, names: dict[str, str], cfg):
    """The test pages `names` (file in tests/pages -> name saved as), listed in a manifest
    in that order, ingested."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    entries = []
    for source, saved in names.items():
        (tmp_path / saved).write_text((PAGES / source).read_text(encoding="utf-8"), encoding="utf-8")
        entries.append(f'[[document]]\nfile = "{saved}"\nkind = "thread"\nlang = "sv"\n')
    (tmp_path / "manifest.toml").write_text("".join(entries), encoding="utf-8")
    return ingest_seeds(tmp_path / "manifest.toml", cfg)


def test_pages_the_pages_of_one_forum_thread_are_read_as_one_thread(tmp_path, cfg):
    """A long Flashback thread saved one file per page: pages with one title on one site are
    one thread, in the forum's post order whatever the manifest's (page 2 listed first),
    under page 1's id and opening post. Post #n is reply n - 1 (its id the same whether
    page 1 is there or not), and a post on page 2 that quotes Sven_Svensson answers his
    post on page 1 (`quoted-author`)."""
    alone = _pages(tmp_path / "alone", {"sv_flashback_trad_sida2.html": "sida1.html"}, cfg)
    assert [p.id for p in alone.posts] == ["sida1", "sida1/c03", "sida1/c04"]
    corpus = _pages(
        tmp_path, {"sv_flashback_trad_sida2.html": "sida2.html", "sv_flashback_trad.html": "sida1.html"}, cfg
    )
    (thread,) = corpus.threads
    root, *replies = corpus.posts
    assert (thread.id, thread.n_comments, root.authors[0].name) == ("sida1", 4, "Kalle_B")
    assert [(p.id, p.authors[0].name, p.source.rsplit("/", 1)[-1]) for p in replies] == [
        ("sida1/c01", "Mia83", "sida1.html:15"),
        ("sida1/c02", "Sven_Svensson", "sida1.html:23"),
        ("sida1/c03", "Kalle_B", "sida2.html:3"),
        ("sida1/c04", "Mia83", "sida2.html:15"),
    ]
    assert replies[2].parent_id == replies[1].id
    assert "quoted-author" in [e.rule for e in replies[2].parent_evidence if e.decided]
    messages = [n.message for n in corpus.notes]
    assert any(
        m.startswith("2 pages of one forum thread (") and m.endswith("posts #1-#5) read as one thread")
        for m in messages
    )
    assert not any(m.startswith("the page starts at") for m in messages)


def test_pages_a_forum_page_saved_twice_is_not_joined_to_itself(tmp_path, cfg):
    """Two files with the same posts are not pages of one thread: kept apart, with a note
    saying why, rather than doubling every post in one thread. Page 1 twice, or page 2
    twice: their posts overlap. Two threads with one title, each with its own opening
    post: each opens a thread (the same opening post on two pages, as a site's data may
    repeat it, is one thread's)."""
    corpus = _pages(tmp_path / "1", {"sv_flashback_trad.html": "a.html", "da_forum_side_2.txt": "x.txt"}, cfg)
    assert len(corpus.threads) == 2  # another thread's page is not joined
    other = "Min bror jobbar som socialsekreterare i Lund"
    for pair, why in (
        (("a.html", "copy.html"), "share a title but their posts overlap (#1 again): read as separate threads"),
        (("b.html", "b2.html"), "share a title but their posts overlap (#4 again): read as separate threads"),
        (("c.html", "other.html"), "share a title but each opens a thread: read as separate threads"),
    ):
        folder = tmp_path / pair[0]
        folder.mkdir()
        source = "sv_flashback_trad_sida2.html" if pair[0] == "b.html" else "sv_flashback_trad.html"
        for name in pair:
            text = (PAGES / source).read_text(encoding="utf-8")
            text = text.replace("Min fru jobbar som socialsekreterare i Malmö", other) if name == "other.html" else text
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "manifest.toml").write_text(
            "".join(f'[[document]]\nfile = "{name}"\nkind = "thread"\nlang = "sv"\n' for name in pair)
        )
        corpus = ingest_seeds(folder / "manifest.toml", cfg)
        assert len(corpus.threads) == 2 and len({p.id for p in corpus.posts}) == len(corpus.posts)
        assert any(why in n.message for n in corpus.notes), why


def test_pages_a_xenforo_thread_reads_the_name_and_details_above_each_posts_date(tmp_path, cfg):
    """XenForo prints each post's poster and details first ("Aktivt medlem", "Tilmeldt" /
    "3 Jan 2019" as a label and its value), then the date, then the post's number alone
    ("#2"), then the message and its buttons. The name above the details is the author,
    the details are dropped, and a date printed relative to the saving ("I dag kl. 07:45")
    is read from its <time datetime>."""
    corpus = ingest_page(tmp_path, "da_xenforo_traad.html", cfg, kind="auto", lang="")
    root, mogens, hanne = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created, root.text) == (
        "Socialrådgivere flygter fra kommunerne",
        ["Hanne_R"],
        "2024-03-14",
        "I vores kommune har fire ud af ti socialrådgivere sagt op på et år. Er det lønnen, sagstallet eller ledelsen?",
    )
    assert [(p.authors[0].name, p.created, p.text) for p in (mogens, hanne)] == [
        ("Mogens", "2024-03-14", "Det er sagstallet. Ingen kan nå at gøre arbejdet ordentligt med 40 sager."),
        (
            "Hanne_R",
            "2024-03-15T07:45:00+01:00",
            "> Mogens sagde:\n>\n> Det er sagstallet.\n\nEnig, men lønnen betyder også noget.",
        ),
    ]
    assert (mogens.parent_id, hanne.parent_id) == (root.id, mogens.id)
    messages = {n.message for n in corpus.notes}
    assert {"read as a forum thread (3 posts were found)", "10 line(s) of forum member details (status, posts)"} <= (
        messages
    )


def test_pages_label_value_pairs_share_a_line_and_quotes_keep_their_replys_indentation():
    """On a page, a <dt> with its one <dd> is "label: value" (a term with several <dd>s,
    phpBB's profile, is a heading over them); a quotation inside an indented reply is
    indented with it, with no empty quoted lines from the indentation."""
    from pipeline.ingest.markup import html_text

    pairs = "<dl><dt>Tilmeldt</dt><dd>3 Jan 2019</dd><dt>Indlæg</dt><dd>128</dd></dl>"
    assert html_text(pairs, indent_lists=True) == "Tilmeldt: 3 Jan 2019\n\nIndlæg: 128"
    profile = "<dl><dt>Mogens</dt><dd>Medlem</dd><dd>Indlæg: 2045</dd></dl>"
    assert html_text(profile, indent_lists=True) == "Mogens\n\nMedlem\n\nIndlæg: 2045"
    nested = "<ul><li>Erik<ul><li><blockquote><p>Det er lønnen.</p><p>Ja.</p></blockquote>Nej.</li></ul></li></ul>"
    assert html_text(nested, indent_lists=True) == "Erik\n\n  > Det er lønnen.\n  >\n  > Ja.\n\n  Nej."


def test_pages_a_later_page_of_a_phpbb_thread_has_no_opening_post():
    """On page 2 of a phpBB thread every post is titled "Re: ...": none opens the thread."""
    from pipeline.ingest.pages.forum import find_forum_posts, parse_forum_posts

    lines = [
        "Mogens",
        "Indlæg: 2045",
        "Re: Hvorfor siger socialrådgiverne op?",
        "av Mogens » tor 21. mar 2024 10:00",
        "Det er sagstallet.",
        "",
        "Hanne_R",
        "Re: Hvorfor siger socialrådgiverne op?",
        "av Hanne_R » fre 22. mar 2024 08:00",
        "Nej, det er lønnen.",
    ]
    thread = parse_forum_posts(lines, find_forum_posts(lines), "side2.txt")
    assert thread.opening is None and thread.start == 0
    assert [(p.author, p.date, p.body) for p in thread.posts] == [
        ("Mogens", "2024-03-21T10:00", "Det er sagstallet."),
        ("Hanne_R", "2024-03-22T08:00", "Nej, det er lønnen."),
    ]


@pytest.mark.parametrize(
    ("lines", "found"),
    [
        (["2024-03-14, 09:12 #1", "Kalle", "Hej", "2024-03-14, 09:40 #2", "Mia", "Hej"], [0, 3]),
        (["Inlägg #7 · 14 mars 2024 kl. 10.05", "Mia", "Hej", "Inlägg #8 · igår, 10:05", "Bo", "Nej"], [0, 3]),
        (["av Kalle » tor 14 mar 2024 09:12", "Hej", "av Mia » 14 mar 2024 10:00", "Hej"], [0, 2]),
        # A sentence with a guillemet is no author line, nor is a name that is a sentence.
        (["Det sagde af » dem « 14. mar 2024", "Hej", "af Mia » 14. mar 2024", "Hej"], []),
        (["af Mia » 14. mar 2024", "Hej", "af det der skete i går! » 14. mar 2024", "Hej"], []),
        (["Mia", "14 mar 2024", "#1", "Hej", "Bo", "I går kl. 10:00", "", "#2", "Nej"], [2, 7]),
        # A superscript is a digit to str.isdigit, not a number.
        (["14 mar 2024", "#²", "Hej", "14 mar 2024", "#3", "Nej"], []),
        # A ranking in an article: numbers without dates.
        (["#1", "Løn", "#2", "Sagstal"], []),
        # Numbers that do not rise down the page are no forum's posts.
        (["14.03.2024 #2", "Mia", "14.03.2024 #1", "Bo"], []),
        # One numbered post is not a thread.
        (["14.03.2024 #1", "Mia", "Hej"], []),
    ],
)
def test_pages_a_forum_thread_is_numbered_posts_each_with_a_date(lines, found):
    from pipeline.ingest.pages.forum import find_forum_posts

    assert find_forum_posts(lines) == found


def test_pages_html_lists_nested_in_lists_are_indented_only_where_asked():
    from pipeline.ingest.markup import html_text

    nested = "<ol><li>Erik<ul><li>Karin<br>svarar</li></ul></li><li>Maria</li></ol><p>Slut</p>"
    assert html_text(nested, indent_lists=True) == "Erik\n\n  Karin\n  svarar\n\nMaria\n\nSlut"
    assert html_text(nested) == "Erik\n\nKarin\nsvarar\n\nMaria\n\nSlut"


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("4. december 2024 kl. 10.15", "2024-12-04T10:15"),
        ("Publiceret 3. sept. 2024", "2024-09-03"),
        ("3. sep. 2024 kl. 06.00", "2024-09-03T06:00"),
        ("03.09.2024 kl. 06:00", "2024-09-03T06:00"),
        ("Publiceret 03.09.2024 kl. 06.00", "2024-09-03T06:00"),
        ("16.09.13", "2013-09-16"),
        ("2.000", None),
        ("1.2.3", None),
        ("2024-03-14, 09:12", "2024-03-14T09:12"),
        ("Det skete 3. sept. 2024.", None),
        # A weekday before it; the update stamp after it (the first date is the line's).
        ("Torsdag 14. marts 2024", "2024-03-14"),
        ("Publicerad 14 mars 2024 kl. 06.00 · Uppdaterad 14 mars 2024 kl. 08.12", "2024-03-14T06:00"),
        ("Publiceret 14.03.2024 | Opdateret 15.03.2024", "2024-03-14"),
        # How long the page takes to read is no part of its date (the line had read as no
        # date, and became the headline).
        ("14. marts 2024 · 3 min læsetid", "2024-03-14"),
        ("14. marts 2024 · Det var dagen", None),
        # Swedish sites' ISO date with "kl.", stamps without a separator, a dash before the time.
        ("2024-03-14 kl. 06:00", "2024-03-14T06:00:00"),
        ("Uppdaterad 2024-03-14 08:12 Publicerad 2024-03-14 06:00", "2024-03-14T06:00:00"),
        ("Publiceret 14. marts 2024 - 06:00", "2024-03-14T06:00"),
        ("14. marts 2024 - Det var dagen", None),
        # The time apart from its date, between separators (the line had read as no date).
        ("14. marts 2024 · 10:12", "2024-03-14T10:12"),
        ("Publicerad 14 mars 2024 · kl. 06.00 · Uppdaterad 14 mars 2024 · 08.12", "2024-03-14T06:00"),
        ("10:12 · Det var dagen", None),
    ],
)
def test_pages_a_line_that_is_a_date_as_nordic_sites_print_it(line, date):
    from pipeline.ingest.dates import line_date

    assert line_date(line) == date


@pytest.mark.parametrize(
    ("line", "names", "description", "date"),
    [
        ("Af Karen Holm", ["Karen Holm"], None, None),
        ("Af Karen Holm og Jens Bo, journalister", ["Karen Holm", "Jens Bo"], "journalister", None),
        ("Av Anna Berg · 14 mars 2024 kl. 08.30", ["Anna Berg"], None, "2024-03-14T08:30"),
        ("Af Karen Holm, 14. marts 2024", ["Karen Holm"], None, "2024-03-14"),
        ("Af Karen Holm - fredag 14. marts 2024", ["Karen Holm"], None, "2024-03-14"),
        ("Af Karen Holm, journalist, 14. marts 2024", ["Karen Holm"], "journalist", "2024-03-14"),
        ("Af Karen Holm · Politik", ["Karen Holm"], "Politik", None),
        ("Tekst: Karen Holm / Foto: Ida Odgaard", ["Karen Holm"], None, None),
        ("Text: Anna Berg Foto: TT", ["Anna Berg"], None, None),
        ("Skrevet af Karen Holm og Jens Bo", ["Karen Holm", "Jens Bo"], None, None),
        ("Tekst: vi skal have flere hænder", None, None, None),
        ("Af hensyn til borgerne", None, None, None),
        ("Af Karen Holm, der skrev det, og mange andre", None, None, None),
        # Blogs' and Drupal's stamps: "Postat av", "Indsendt af", with a weekday before the date.
        ("Postat av Karin Ek · 14 mars 2024", ["Karin Ek"], None, "2024-03-14"),
        ("Indsendt af Line Thomsen søn, 10/03/2024 - 08:00", ["Line Thomsen"], None, None),
    ],
)
def test_pages_bylines_name_their_authors_and_may_carry_a_description_and_a_date(line, names, description, date):
    from pipeline.ingest.pages.article import Block, _match_byline, load_furniture

    found = _match_byline(Block([line], 1), load_furniture(), kinds=("author",))
    if names is None:
        assert found is None
    else:
        assert (list(found.names), found.description, found.date) == (names, description, date)


def test_pages_replies_indented_under_what_they_answer(tmp_path, cfg):
    """A threaded list saved with its layout: a comment indented under another answers it
    (rule `indentation`, decided), whatever its text says; top-level comments are ordered
    by their dates (here newest first), each followed by its replies."""
    corpus = ingest_page(tmp_path, "da_indrykkede_svar.txt", cfg)
    root, *comments = corpus.posts
    by_id = {c.id: c for c in comments}
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Sara Vang", "2024-03-03T20:15"),
        ("Jonas Berg", "2024-03-04T09:10"),
        ("Lene Holm", "2024-03-04T10:02"),
        ("Jonas Berg", "2024-03-04T10:30"),
        ("Kurt Nørgaard", "2024-03-04T12:45"),
    ]
    parents = {c.authors[0].name + c.created[-5:]: by_id.get(c.parent_id, root).authors[0].name for c in comments}
    assert parents == {
        "Sara Vang20:15": "Mette Lind",
        "Jonas Berg09:10": "Mette Lind",
        "Lene Holm10:02": "Jonas Berg",
        "Jonas Berg10:30": "Lene Holm",
        "Kurt Nørgaard12:45": "Jonas Berg",
    }
    assert comments[4].parent_id == comments[1].id  # Kurt answers Jonas's first comment, not his second
    shown = comments[2].parent_evidence[0]
    assert (shown.rule, shown.decided, comments[2].parent_confidence) == ("indentation", True, 1.0)
    assert comments[2].text == "Det tror jeg ikke på. Vi mangler tid, ikke papirer."


def test_pages_comments_without_dates_open_with_a_name_and_close_with_buttons(tmp_path, cfg):
    corpus = ingest_page(tmp_path, "da_uden_datoer.txt", cfg)
    root, *comments = corpus.posts
    # No dates and no answers: taken as newest first, like most comment lists.
    assert [(c.authors[0].name, c.created, c.text) for c in comments] == [
        ("Anne", None, "Hvem skal betale?\nDet koster jo penge."),
        ("Peter Vind", None, "Enig. Min søster er socialrådgiver og går ned med stress."),
    ]
    notes = {n.message for n in corpus.notes}
    assert "end of comment list at: Relaterede artikler" in notes
    assert not any("relative to when the page was saved" in m for m in notes)


def test_pages_dates_under_the_comments_and_a_header_run_together(tmp_path, cfg):
    """A newspaper that prints each comment's date in its buttons' row ("Svara · Gilla · 14
    mars 2024"), and its section label, headline and dateline without blank lines."""
    corpus = ingest_page(tmp_path, "sv_datum_under_kommentaren.txt", cfg, lang="sv")
    root, *comments = corpus.posts
    assert root.title == "Socialsekreterarna flyr – politikerna måste agera nu"
    assert root.created == "2024-03-14T06:00"
    assert corpus.threads[0].target == root.title
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Johan Ek", "2024-03-14"),
        ("Lisa Berg", "2024-03-14"),
        ("Per Holm", "2024-03-14"),
        ("Anonym", "2024-03-15"),
        ("Karin Ström", "2024-03-15"),
        ("Ahmed Y", "2024-03-15"),
    ]
    assert comments[0].text.endswith("känner igen varenda rad.")
    # "Lisa, ..." answers Lisa; "håller jag inte med Anonym" names the commenter it answers.
    assert [c.parent_id for c in comments] == [root.id, root.id, comments[1].id, root.id, comments[3].id, root.id]
    messages = {n.message for n in corpus.notes}
    assert {"pre-title-label: DEBATT", "date-line: Publicerad 14 mars 2024 kl 06.00"} <= messages
    assert "6 row(s) of comment buttons (reply, like)" in messages


def test_pages_the_manifest_gives_what_the_page_does_not_show(tmp_path, cfg):
    """A page whose headline and date the parser does not find takes the manifest's, with
    a note; a manifest date that is no date is refused, naming the manifest's line."""
    page = "Kommunen sparer igen på socialrådgiverne, og det mærker borgerne hver eneste dag i " * 4
    (tmp_path / "p.txt").write_text(page.strip() + ".\n", encoding="utf-8")
    manifest = tmp_path / "manifest.toml"
    entry = '[[document]]\nfile = "p.txt"\nkind = "article"\nlang = "da"\ntitle = "Spar ikke på de svage"\n'
    manifest.write_text(entry + 'date = "2024-03-01"\n', encoding="utf-8")
    corpus = ingest_seeds(manifest, cfg)
    assert (corpus.posts[0].title, corpus.posts[0].created) == ("Spar ikke på de svage", "2024-03-01")
    messages = {n.message for n in corpus.notes}
    assert {"title taken from the manifest", "publication date taken from the manifest"} <= messages
    manifest.write_text(entry + 'date = "1. marts"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_seeds(manifest, cfg)
    assert err.value.line == 1 and "no ISO 8601 date" in str(err.value)


def test_pages_given_to_the_wrong_option_say_how_to_read_them(tmp_path, cfg):
    """A saved page or a manifest given as a thread file, and a folder of pages, say what
    to do; a folder given as the manifest stands for its manifest.toml."""
    from pipeline.ingest.files.threads import read_thread_files
    from pipeline.ingest.options import ReadOptions

    ingest_page(tmp_path, "sv_datum_under_kommentaren.txt", cfg, lang="sv")
    for name, says in (
        ("sv_datum_under_kommentaren.txt", "a saved page is read through a manifest"),
        ("manifest.toml", "a manifest of raw pages is read with --manifest"),
    ):
        with pytest.raises(InputError) as err:
            read_thread_files([tmp_path / name], cfg, ReadOptions())
        assert says in str(err.value)
    with pytest.raises(InputError) as err:
        read_thread_files([tmp_path], cfg, ReadOptions())
    assert f"it holds a manifest of raw pages; read it with --manifest {tmp_path / 'manifest.toml'}" in str(err.value)
    assert [p.id for p in ingest_seeds(tmp_path, cfg).posts][:2] == [
        "sv_datum_under_kommentaren",
        "sv_datum_under_kommentaren/c01",
    ]


def test_pages_a_sentence_that_ends_with_a_date_opens_no_comment():
    lines = [
        "Kommentarer (2)",
        "",
        "Ole Hansen",
        "3. marts 2023",
        "Reformen blev vedtaget 12. marts 2023",
        "Det skete 12. marts 2023",
        "",
        "Kirsten Bo · 4. marts 2023",
        "Enig.",
    ]
    assert find_comments_header(lines) == 0
    comments, _ = parse_comments(lines[1:], 2, "p.txt")
    assert [(c.author, c.date, c.body) for c in comments] == [
        ("Ole Hansen", "2023-03-03", "Reformen blev vedtaget 12. marts 2023\nDet skete 12. marts 2023"),
        ("Kirsten Bo", "2023-03-04", "Enig."),
    ]


def test_pages_a_comments_header_with_no_comment_after_it_is_no_comment_list(tmp_path, cfg):
    lines = ["Kommentarer", "", "Der er endnu ingen kommentarer til denne artikel.", "Skriv den første!"]
    assert find_comments_header(lines) is None
    (tmp_path / "a.txt").write_text("Overskrift\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "a.txt"\nkind = "thread"\nlang = "da"\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="open with a name and a date"):
        ingest_seeds(tmp_path / "manifest.toml", cfg)


@pytest.mark.parametrize(
    ("dates", "order"),
    [
        (["2013-10-17", "2013-09-16", "2013-09-16"], [2, 1, 0]),  # newest first, as the seeds
        (["2023-03-12T08:14", "2023-03-12T09:02"], [0, 1]),  # oldest first
        ([None, None], [1, 0]),  # no dates: the common newest-first order
        (["2024-01-01", "2024-01-01"], [1, 0]),
        (["2024-01-01", None, "2023-12-31"], [2, 1, 0]),
    ],
)
def test_pages_comments_are_numbered_from_the_oldest(dates, order):
    raw = [
        RawComment(line=i, date=d, date_raw=d or "", author=f"A{i}", description=None, title="", body="")
        for i, d in enumerate(dates)
    ]
    assert [c.line for c in oldest_first(raw)] == order


@pytest.mark.parametrize("oldest_on_top", [True, False])
def test_pages_without_dates_answers_tell_the_page_order(oldest_on_top):
    """An answer comes after what it answers: "Kære Mette Kjær" and "@Anders Bak" below
    their addressees' comments mean the oldest is on top; above them, the newest."""
    chronological = [
        ("Mette Kjær", "Første indlæg."),
        ("Anders Bak", "Kære Mette Kjær, nej."),
        ("Ulla", "@Anders Bak Jo."),
    ]
    page = chronological if oldest_on_top else chronological[::-1]
    raw = [
        RawComment(line=i, date=None, date_raw="", author=a, description=None, title="", body=b)
        for i, (a, b) in enumerate(page)
    ]
    assert [c.author for c in oldest_first(raw)] == [a for a, _ in chronological]


@pytest.mark.parametrize(
    ("line", "who", "date"),
    [
        ("Ole Hansen · 12.03.2023 08:14", "Ole Hansen", "2023-03-12T08:14"),
        ("Ole Hansen, socialrådgiver - 2023-03-12 08:14", "Ole Hansen, socialrådgiver", "2023-03-12T08:14:00"),
        ("Ole Hansen · 12. marts 2023", "Ole Hansen", "2023-03-12"),
        ("Ole Hansen · for 3 dage siden", "Ole Hansen", None),
        ("Ole Hansen · 1700000000", None, None),  # a number, not a date
        ("Reformen blev vedtaget 12. marts 2023", None, None),  # a sentence that ends with a date
        # A forum's lower-case user name, before a date with its time; a word is no name.
        ("karen_h 14.03.2024 10:12", "karen_h", "2024-03-14T10:12"),
        ("kh1975 14.03.2024 10:12", "kh1975", "2024-03-14T10:12"),
        ("fristen 14.03.2024 10:12", None, None),
        ("Kommenteret af Karen Holm den 14. marts 2024", "Karen Holm", "2024-03-14"),
    ],
)
def test_pages_a_comment_opens_with_its_author_and_a_date_in_the_forms_sites_print(line, who, date):
    from pipeline.ingest.pages.article import load_furniture
    from pipeline.ingest.pages.comments import _named_start

    start = _named_start([line], 0, load_furniture())
    assert (start.who, start.date) == (who, date) if who else start is None


@pytest.mark.parametrize(
    ("lines", "who", "date"),
    [
        # The date first, then who.
        (["14.03.2024 10:12 - Mette Jensen"], "Mette Jensen", "2024-03-14T10:12"),
        (["14. marts 2024 · Mette Jensen"], "Mette Jensen", "2024-03-14"),
        (["14.03.2024 kl. 10.12 af Mette Jensen"], "Mette Jensen", "2024-03-14T10:12"),
        (["Skrevet 14.03.2024 af Mette Jensen"], "Mette Jensen", "2024-03-14"),
        # A name over its title over the date.
        (
            ["Mette Jensen", "socialrådgiver", "14. marts 2024 kl. 10.12"],
            "Mette Jensen, socialrådgiver",
            "2024-03-14T10:12",
        ),
        (
            ["Mette Jensen", "Socialrådgiver i Odense", "14.03.2024"],
            "Mette Jensen, Socialrådgiver i Odense",
            "2024-03-14",
        ),
        # A title and its workplace, both capitalised (Altinget's comments): the comma tells
        # them from a name (they had been the author's name and description).
        (
            ["Karen Holm", "Socialrådgiver, Aarhus Kommune", "14. marts 2024 kl. 08:12"],
            "Karen Holm, Socialrådgiver, Aarhus Kommune",
            "2024-03-14T08:12",
        ),
        # The clock's word written out, the time before the date: the date had been unread
        # (no comment opened), or the time taken for the end of the name.
        (["Mette Jensen · 14. marts 2024 klokken 10.12"], "Mette Jensen", "2024-03-14T10:12"),
        (["Karin Ek 14 mars 2024 klockan 10:12"], "Karin Ek", "2024-03-14T10:12"),
        (["Mette Jensen · 10:12 · 14. marts 2024"], "Mette Jensen", "2024-03-14T10:12"),
        (["Mette Jensen", "kl. 10:12, 14. marts 2024"], "Mette Jensen", "2024-03-14T10:12"),
        # A comment's last words over the next commenter's name and date open nothing.
        (["Helt enig", "Peter Lund", "14.03.2024"], None, None),
        (["14. marts 2024 - Det var dagen, hvor reformen blev vedtaget"], None, None),
    ],
)
def test_pages_comment_headers_with_the_date_first_or_a_title_under_the_name(lines, who, date):
    from pipeline.ingest.pages.article import load_furniture
    from pipeline.ingest.pages.comments import _named_start

    start = _named_start(lines, 0, load_furniture())
    assert (start.who, start.date) == (who, date) if who else start is None


@pytest.mark.parametrize(
    ("line", "buttons"),
    [
        ("Svara Gilla", True),  # sv
        ("Svar · Del ›", True),  # da
        ("Svar | Lik | Rapporter", True),  # nb
        ("Lik 3 Svar", True),
        ("Likevel er det feil.", False),
        ("Del 2 av artikkelen", False),
        # Information's recommendations: the count and the button.
        ("Anbefalet af 12 læsere", True),
        ("Anbefal", True),
        ("Rekommenderad av 5 läsare", True),
        ("Anbefaler alle at læse artiklen.", False),
    ],
)
def test_pages_a_row_of_comment_buttons_in_each_language(line, buttons):
    from pipeline.ingest.pages.article import load_furniture
    from pipeline.ingest.pages.comments import button_row

    assert (button_row(line, load_furniture()) is not None) is buttons


def test_pages_a_discourse_thread_is_read_from_the_microdata_it_states(tmp_path, cfg):
    """A Discourse board's saved page states its posts in schema.org microdata (a
    DiscussionForumPosting, each reply an itemprop="comment" with its author, datePublished,
    position and text): they are read from there, not guessed from the printed layout. The
    opening post's author and date are the thread's; a reply's number is its id (post #5 is
    c04); a withdrawn post (creativeWorkStatus Deleted) keeps its author and loses its text;
    an "@birgitte" mention names birgitte's post, though a lowercase handle alone would not."""
    corpus = ingest_page(tmp_path, "da_discourse_traad.html", cfg, kind="auto")
    root, lars, birgitte, withdrawn, mette = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Hvorfor siger så mange socialrådgivere op?",
        ["mette_k"],
        "2024-03-14T07:34:10+00:00",
    )
    assert root.text.startswith("Jeg har været socialrådgiver i seks år") and root.text.endswith(
        "før kommunerne reagerer?"
    )
    assert "\n\n" in root.text and "synes godt om" not in root.text
    assert [(p.id.split("/")[1], p.authors[0].name, p.created) for p in corpus.posts[1:]] == [
        ("c01", "lars.h", "2024-03-14T08:02:44+00:00"),
        ("c02", "birgitte", "2024-03-14T10:15:00+00:00"),
        ("c03", "jens_p", "2024-03-14T12:40:00+00:00"),
        ("c04", "mette_k", "2024-03-14T19:05:31+00:00"),
    ]
    assert (withdrawn.text, withdrawn.parent_id) == ("", root.id)
    assert (birgitte.parent_id, mette.parent_id, lars.parent_id) == (lars.id, birgitte.id, root.id)
    assert [e.rule for e in mette.parent_evidence if e.decided] == ["commenter-mention"]
    assert (root.author_evidence, lars.author_evidence) == (
        "the page's microdata (DiscussionForumPosting author)",
        "the page's microdata",
    )
    # Each post points at the line of the page's text that shows it.
    lines = corpus.posts[0].source.rsplit(":", 1)[0]
    assert lines.endswith("da_discourse_traad.html")
    assert [int(p.source.rsplit(":", 1)[1]) for p in corpus.posts[1:]] == sorted(
        int(p.source.rsplit(":", 1)[1]) for p in corpus.posts[1:]
    )
    messages = {n.message for n in corpus.notes}
    assert "read as a thread (stated in its microdata)" in messages
    assert (
        "4 comment(s) read from the page's microdata (schema.org DiscussionForumPosting): "
        "authors, dates and texts as the site states them"
    ) in messages
    assert "1 comment(s) the page states as deleted read with empty text" in messages
    assert corpus.threads[0].site == "Fagfællesskabet"


def test_pages_a_thread_stated_in_json_ld_keeps_its_nesting_and_its_link_post(tmp_path, cfg):
    """A forum that states the thread in a JSON-LD script (Google's DiscussionForumPosting,
    replies nested in the `comment` of what they answer) while the printed page shows no
    dates: the nesting decides the parents (rule `structured-data`); top-level comments are
    read from their words as on a flat list; HTML in a stated text keeps its paragraphs; a
    deleted author is no one; the opening post is a link post, a title and no text, which a
    note says, with the address it shares."""
    corpus = ingest_page(tmp_path, "sv_forum_jsonld.html", cfg, kind="auto", lang="sv")
    root, anders, sofia, anders_again, deleted, vision = corpus.posts
    assert (root.title, root.text, [a.name for a in root.authors], root.created) == (
        "Socialsekreterare lämnar yrket – ny rapport från Vision",
        "",
        ["Karin_L"],
        "2024-03-14T09:12:00+01:00",
    )
    assert (sofia.parent_id, anders_again.parent_id) == (anders.id, sofia.id)
    assert [e for e in anders_again.parent_evidence if e.decided][0].model_dump(include={"rule", "cue"}) == {
        "rule": "structured-data",
        "cue": "nested in Sofia87's comment in the page's JSON-LD",
    }
    assert (anders.parent_id, vision.parent_id, deleted.parent_id) == (root.id, root.id, root.id)
    assert sofia.text == (
        "Men är det verkligen lönen? Hos oss är det arbetsbelastningen som får folk att gå."
        "\n\nLönen kommer först i andra hand."
    )
    assert (deleted.authors[0].name, deleted.text) == (None, "")
    assert [p.created[11:16] for p in corpus.posts[1:]] == ["10:03", "11:20", "12:45", "13:05", "15:30"]
    # A Person's job title and affiliation are what the role rules read as a self-description.
    assert (anders.authors[0].description, sofia.authors[0].description) == ("Socialsekreterare; Malmö stad", None)
    messages = {n.message for n in corpus.notes}
    assert (
        "the opening post states a title and no text (a link post: it shares "
        "https://vision.se/rapporter/socialsekreterare-2024)"
    ) in messages
    assert corpus.threads[0].n_comments == 5 and corpus.threads[0].target == root.title


def test_pages_structured_data_without_comments_leaves_the_page_to_the_printed_readers(tmp_path, cfg):
    """An article whose JSON-LD states only itself (a news page's usual head) is read from
    its printed comment list as before; the stated data is read only where it states
    comments with words in them."""
    from pipeline.ingest.pages.structured import stated_thread

    assert stated_thread((PAGES / "sv_avis_metadata.html").read_text(encoding="utf-8")) is None
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
        '"comment": [{"@type": "Comment", "author": "A"}]}</script></head><body><p>x</p></body></html>'
    )
    assert stated_thread(page) is None


def test_pages_an_op_eds_short_closing_sentence_is_its_text_not_boilerplate(tmp_path, cfg):
    """jusText judges a short paragraph by its neighbours and counts the text's end as
    boilerplate, so an op-ed's closing line, often its claim, was dropped. A short sentence
    of prose right after the last text paragraph ends the text; one after a removed box
    (a newsletter's heading) does not. A byline's date on a line of its own under the
    author's name and description is the publication date."""
    corpus = ingest_page(tmp_path / "a", "da_kommentarer_margin.html", cfg, kind="auto")
    root = corpus.posts[0]
    assert root.text.endswith("har over fyrre sager hver.\n\nByrådet må finde pengene nu, før endnu flere går.")
    assert (root.authors[0].name, root.authors[0].description, root.created) == (
        "Karen Holm",
        "formand for lokalafdelingen",
        "2024-03-14",
    )
    boxed = ingest_page(tmp_path / "b", "da_avis_byline_med_dato.html", cfg, kind="auto").posts[0]
    assert boxed.text.endswith("bedre arbejdsgange frem for flere penge.")
    assert "indbakke" not in boxed.text


def test_pages_a_short_sentence_after_removed_furniture_does_not_end_the_text():
    """The closing-sentence rule reads only what follows the text directly: a short line
    after a removed "Læs også" link is the next item's teaser, not the article's end."""
    from pipeline.ingest.pages.article import parse_article

    body = (
        "Hver femte socialrådgiver i de fynske kommuner har sagt op inden for det seneste år, viser en "
        "rundspørge, som avisen har lavet blandt alle kommunerne på Fyn og øerne omkring den i denne uge. "
        "Dansk Socialrådgiverforening peger på for mange sager per medarbejder og kræver et loft."
    )
    closing = "Byrådet må finde pengene nu, før endnu flere går."
    direct = parse_article(["Overskrift her", "", body, "", closing], "da", "x.txt")
    assert direct.body.endswith(closing)
    after_link = parse_article(
        ["Overskrift her", "", body, "", "Læs også: Flere børnesager i Odense", "", closing], "da", "x.txt"
    )
    assert after_link.body == body


def test_pages_the_pages_of_a_thread_stated_in_json_ld_join_and_keep_their_nesting(tmp_path, cfg):
    """Pages of one forum thread whose posts state their `position` (post #n) join as a
    printed forum's do, whatever the manifest's order: page 2 alone starts at post #7 with
    an empty opening post; joined, its replies are c06-c08, an "@Vision Stockholm" on page 2
    answers that commenter's post on page 1, and the replies page 2 nests stay nested."""
    alone = _pages(tmp_path / "alone", {"sv_forum_jsonld_sida2.html": "sida2.html"}, cfg)
    root = alone.posts[0]
    assert (root.text, root.authors, root.created) == ("", (), None)
    assert [p.id for p in alone.posts[1:]] == ["sida2/c06", "sida2/c07", "sida2/c08"]
    assert "the page starts at post #7: the thread's opening post is on another page" in {
        n.message for n in alone.notes
    }

    both = _pages(
        tmp_path / "both", {"sv_forum_jsonld_sida2.html": "sida2.html", "sv_forum_jsonld.html": "sida1.html"}, cfg
    )
    assert len(both.threads) == 1 and both.threads[0].n_comments == 8
    posts = both.posts_by_id()
    assert [p.authors[0].name for p in both.posts[6:]] == ["Karin_L", "Mia83", "Karin_L"]
    assert posts["sida1/c06"].parent_id == "sida1/c05" and posts["sida1/c05"].authors[0].name == "Vision Stockholm"
    assert [(posts[c].parent_id, posts[c].parent_rule) for c in ("sida1/c07", "sida1/c08", "sida1/c02")] == [
        ("sida1/c06", "structured-data"),
        ("sida1/c07", "structured-data"),
        ("sida1/c01", "structured-data"),
    ]
    assert not any("starts at post" in n.message for n in both.notes)


def test_pages_a_blog_that_marks_up_each_comment_threads_by_its_lists(tmp_path, cfg):
    """A WordPress theme marks up the post (BlogPosting: headline, author, datePublished,
    articleBody) and each comment on its own (a Comment item, no thread around them): the
    comments are read from the microdata, and a reply the data does not nest answers the
    comment whose list it is nested in, as the page shows it (evidence `indentation`)."""
    corpus = ingest_page(tmp_path, "da_blog_wordpress_microdata.html", cfg, kind="auto")
    root, jonas, sanne, lise = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Derfor forlader vi faget",
        ["Sanne Krogh"],
        "2024-02-20T19:30:00+01:00",
    )
    assert root.text.endswith("Ellers står der snart ingen tilbage.") and "siger:" not in root.text
    assert [(c.authors[0].name, c.created) for c in (jonas, sanne, lise)] == [
        ("Jonas Vestergaard", "2024-02-20T21:04:00+01:00"),
        ("Sanne Krogh", "2024-02-21T07:45:00+01:00"),
        ("Lise Dam", "2024-02-21T12:10:00+01:00"),
    ]
    assert (jonas.parent_id, sanne.parent_id, lise.parent_id) == (root.id, jonas.id, root.id)
    assert sanne.parent_rule == "indentation"
    assert sanne.text == "Enig, men loftet er det, der kan holde på dem, vi har. Så kommer de nye også."
    assert "read as a thread (stated in its microdata)" in {n.message for n in corpus.notes}


def test_pages_a_flat_json_ld_thread_names_each_replys_parent_item():
    """A site that lists its comments flat in JSON-LD may name each reply's parent by its
    `parentItem` (an earlier comment's `@id` or `url`): that nests it. A reference to
    itself, to a later comment or to nothing on the page nests nothing."""
    import json

    from pipeline.ingest.pages.structured import stated_thread

    comments = [
        {"@type": "Comment", "@id": "#c1", "text": "Et loft er vejen frem.", "author": {"name": "Lars"}},
        {"@type": "Comment", "@id": "#c2", "text": "Nej.", "author": "Birgitte", "parentItem": {"@id": "#c1"}},
        {"@type": "Comment", "url": "https://x.dk/t/1#c3", "text": "Hm.", "author": "Ole", "parentItem": "#c4"},
        {"@type": "Comment", "@id": "#c4", "text": "Jo.", "author": "Mette", "parentItem": "https://x.dk/t/1#c3"},
        {"@type": "Comment", "text": "Tja.", "author": "Per", "parentItem": {"@id": "#c4"}},
        {"@type": "Comment", "@id": "#c6", "text": "Selv.", "author": "Ida", "parentItem": "#c6"},
    ]
    data = {"@type": "DiscussionForumPosting", "headline": "Loft over sagstal?", "text": "Ja?", "comment": comments}
    page = f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body></body></html>'
    thread = stated_thread(page)
    assert thread is not None and thread.source == "JSON-LD"
    assert [(c.author, c.parent) for c in thread.comments] == [
        ("Lars", None),
        ("Birgitte", 0),
        ("Ole", None),
        ("Mette", 2),
        ("Per", 3),
        ("Ida", None),
    ]


def test_pages_an_invision_thread_marks_up_every_post_and_the_first_opens_it(tmp_path, cfg):
    """An Invision board marks up every post of a topic as a microdata `Comment` (author,
    dateCreated, text), the topic starter's too, with nothing printed above them but the
    site's furniture and the title: the first post is the opening post, with a note. Its
    quotation ("TR_Aalborg skrev:", Invision's citation) answers TR_Aalborg."""
    corpus = ingest_page(tmp_path, "da_invision_traad.html", cfg, kind="auto")
    root, tr, jesper = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Sagstal i børnefamilieafdelingen",
        ["PernilleH"],
        "2024-03-14T08:12:44+00:00",
    )
    assert root.text.endswith("Jeg overvejer at sige op.") and "indlæg" not in root.text
    assert [p.id.split("/")[1] for p in (tr, jesper)] == ["c01", "c02"]
    assert (tr.parent_id, jesper.parent_id) == (root.id, tr.id)
    assert jesper.text.endswith("Vi skal have et lovkrav.")
    messages = {n.message for n in corpus.notes}
    assert (
        "the page marks up every post as a comment and prints no text above them: the first, by PernilleH, "
        "is read as the opening post"
    ) in messages
    assert not any(n.kind == "missing" for n in corpus.notes)


def test_pages_a_reddit_thread_saved_from_the_browser_keeps_its_exact_tree(tmp_path, cfg):
    """A Reddit thread saved as HTML is built of Reddit's own elements: the post's title,
    author and time are its <shreddit-post>'s attributes, each comment's its
    <shreddit-comment>'s, and `parentid` names what it answers. So every parent is decided
    (rule `structured-data`), a top-level comment's too (it answers the post); a deleted
    comment keeps its place with no author and no text; a comment whose parent is behind a
    "continue this thread" link is read from its words ("@socialraadgiver_aarhus"), with a
    note."""
    corpus = ingest_page(tmp_path, "da_reddit_traad.html", cfg, kind="auto")
    root, kvist, nordlys, kvist_again, deleted, aarhus, gammel = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Socialrådgivere flygter fra kommunerne – hvad skal der til?",
        ["hyggelig_hanne"],
        "2024-03-14T07:41:09.512000+00:00",
    )
    assert root.text == (
        "Min kommune har nu 11 ubesatte stillinger i børne- og familieafdelingen. Dem der er tilbage har 40+ "
        "sager.\n\nHvad skal der til for at folk bliver? Løn, færre sager eller noget helt tredje?"
    )
    parents = [(p.parent_id, p.parent_rule) for p in (kvist, nordlys, kvist_again, deleted, aarhus)]
    assert parents == [
        (root.id, "structured-data"),
        (kvist.id, "structured-data"),
        (nordlys.id, "structured-data"),
        (root.id, "structured-data"),
        (root.id, "structured-data"),
    ]
    assert [e.cue for e in kvist.parent_evidence if e.decided] == [
        "a comment on the opening post in the page's Reddit markup"
    ]
    assert (deleted.authors[0].name, deleted.text) == (None, "")
    assert (gammel.parent_id, gammel.parent_rule) == (aarhus.id, "address")
    assert (
        kvist_again.text
        == "Enig i at det hænger sammen. Men en lønstigning uden loft over sagerne holder ikke på nogen."
    )
    assert "Svar" not in kvist.text and "8 t. siden" not in kvist.text
    messages = {n.message for n in corpus.notes}
    assert (
        "1 comment(s) answer a comment that is not on the saved page (behind a 'continue this thread' link): "
        "their parents are read from their words"
    ) in messages
    assert corpus.threads[0].n_comments == 6


def test_pages_comments_that_print_no_date_or_buttons_are_found_by_their_class_names(tmp_path, cfg):
    """A comment widget whose buttons are icons and whose dates are tooltips prints a name
    over a paragraph, which reads as an article's text; its elements still name a comment,
    its author and its text by their classes. Those are read (before: an article with no
    comments): a reply nested in a comment's element answers it (evidence `indentation`),
    and a date in a tooltip over "3 t." is the comment's."""
    corpus = ingest_page(tmp_path, "da_kommentarer_uden_dato.html", cfg, kind="auto")
    root, *comments = corpus.posts
    assert root.text.endswith("et lovfæstet loft over antallet af sager per rådgiver.")
    assert "Mona Riis" not in root.text
    by_name = {c.authors[0].name: c for c in comments}
    assert set(by_name) == {"Mona Riis", "Erik Lund", "Hanne Bach"}
    mona, erik, hanne = by_name["Mona Riis"], by_name["Erik Lund"], by_name["Hanne Bach"]
    assert (mona.parent_id, erik.parent_id, hanne.parent_id) == (root.id, mona.id, root.id)
    assert erik.parent_rule == "indentation"
    assert (mona.created, erik.created) == ("2024-03-14T09:02", None)
    assert erik.text == "Et loft betyder bare, at børnene kommer på venteliste. Det løser intet."
    assert "read as a thread (comments named by the page's classes)" in {n.message for n in corpus.notes}


@pytest.mark.parametrize(
    "html",
    [
        # One comment alone may be anything.
        '<div class="comment"><span class="author">Mona</span><div class="text"><p>Hej.</p></div></div>',
        # Named comments with no author of their own (a teaser list's comment counts).
        '<div class="comment"><div class="text">12 kommentarer</div></div>'
        '<div class="comment"><div class="text">3 kommentarer</div></div>',
        # The list around comments and its parts are not comments.
        '<div class="comments"><span class="comment-author">Mona</span><div class="comment-text">Hej.</div>'
        '<span class="comment-author">Erik</span><div class="comment-text">Nej.</div></div>',
    ],
)
def test_pages_class_names_that_are_no_comment_list_are_not_read_as_one(html):
    from pipeline.ingest.pages.comment_markup import marked_thread

    assert marked_thread(f"<html><body>{html}</body></html>") is None


def test_pages_structured_data_that_states_fewer_comments_than_printed_leaves_them_to_the_page(tmp_path, cfg):
    """A news page whose JSON-LD states only its top comment while it prints four: the
    printed list is read (all four, threaded as printed), with a note saying why."""
    page = (PAGES / "da_debat_svar_i_div.html").read_text(encoding="utf-8")
    data = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Kommunerne kan ikke holde på '
        'socialrådgiverne", "comment": [{"@type": "Comment", "author": {"name": "Lars Madsen"}, '
        '"text": "Et loft over sagstallet er den eneste vej frem. Ellers fortsætter flugten."}]}</script>'
    )
    (tmp_path / "top.html").write_text(page.replace("</head>", f"{data}</head>"), encoding="utf-8")
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "top.html"\nkind = "thread"\n', encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    plain = ingest_page(tmp_path / "plain", "da_debat_svar_i_div.html", cfg)
    assert [(p.authors[0].name, p.parent_rule) for p in corpus.posts[1:]] == [
        (p.authors[0].name, p.parent_rule) for p in plain.posts[1:]
    ]
    assert len(corpus.posts) == 5
    assert "the page's JSON-LD states 1 comment(s) of the 4 it prints: read from the printed page" in {
        n.message for n in corpus.notes
    }


def test_pages_json_ld_comments_given_as_references_to_graph_nodes_are_read_once():
    """A JSON-LD `@graph` may give each comment as a reference (`{"@id": "#c1"}`) to a node
    of its own: the references are followed, and each node is read once, so references
    that loop (a comment listing itself, or the opening post) end."""
    import json

    from pipeline.ingest.pages.structured import stated_thread

    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "DiscussionForumPosting",
                "@id": "#t",
                "headline": "Loft over sagstal?",
                "text": "Skal der være et loft?",
                "author": {"name": "Mette"},
                "comment": [{"@id": "#c1"}, {"@id": "#c2"}],
            },
            {"@type": "Comment", "@id": "#c1", "text": "Ja.", "author": {"name": "Lars"}, "comment": [{"@id": "#c3"}]},
            {
                "@type": "Comment",
                "@id": "#c2",
                "text": "Nej.",
                "author": {"name": "Ole"},
                "comment": [{"@id": "#c2"}, {"@id": "#t"}],
            },
            {
                "@type": "Comment",
                "@id": "#c3",
                "text": "Hvorfor?",
                "author": {"name": "Ida"},
                "comment": [{"@id": "#c1"}],
            },
        ],
    }
    page = f'<html><head><script type="application/ld+json">{json.dumps(graph)}</script></head></html>'
    thread = stated_thread(page)
    assert thread is not None and thread.opening.author == "Mette"
    assert [(c.author, c.text, c.parent) for c in thread.comments] == [
        ("Lars", "Ja.", None),
        ("Ida", "Hvorfor?", 0),
        ("Ole", "Nej.", None),
    ]


def test_pages_a_comment_section_saved_alone_keeps_an_empty_article(tmp_path, cfg):
    """A page that is only a comment section, its comments named by their classes: the
    first comment is a comment like the others, under an empty article (unlike a board that
    marks up every post as a schema.org Comment, whose first post opens the thread)."""
    body = "".join(
        f'<div class="comment"><span class="comment-author">{name}</span>'
        f'<div class="comment-text"><p>{text}</p></div></div>'
        for name, text in [("Mona Riis", "Loftet er nødvendigt."), ("Erik Lund", "Det løser intet.")]
    )
    (tmp_path / "kommentarer.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "kommentarer.html"\nkind = "thread"\nlang = "da"\ntitle = "Loft over sagstal"\n',
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    root, *comments = corpus.posts
    assert (root.text, root.authors, root.title) == ("", (), "Loft over sagstal")
    assert sorted(c.authors[0].name for c in comments) == ["Erik Lund", "Mona Riis"]
    assert not any("read as the opening post" in n.message for n in corpus.notes)


def test_pages_an_old_reddit_thread_is_read_from_its_things(tmp_path, cfg):
    """Old Reddit states its thread in attributes: each post and comment a `div.thing` with
    its `data-author`, its time in the tagline's <time datetime>, its text in its
    `usertext-body`, replies in its `child` block. So every parent is decided (`structured-
    data`; a top-level comment answers the post). Before, the page's "all 5 comments" was
    read as a comment list of one comment by "all 5 comments"."""
    corpus = ingest_page(tmp_path, "sv_old_reddit_trad.html", cfg, kind="auto", lang="sv")
    root, first, nisse, again, deleted, ombud = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Varför slutar socialsekreterarna?",
        ["tant_gredelin"],
        "2024-03-14T07:41:09+00:00",
    )
    assert root.text == "Min kommun har tappat halva barn- och ungdomsenheten på två år. Vad är det som händer?"
    assert [(c.authors[0].name, c.parent_id, c.parent_rule) for c in (first, nisse, again, ombud)] == [
        ("gammal_soc", root.id, "structured-data"),
        ("Nisse_i_Norrland", first.id, "structured-data"),
        ("gammal_soc", nisse.id, "structured-data"),
        ("SSR_ombud", root.id, "structured-data"),
    ]
    assert (deleted.authors[0].name, deleted.text) == (None, "")
    assert nisse.text == "Men med högre lön kunde man anställa fler, och då sjunker ärendemängden."
    assert not any("permalink" in c.text or "points" in c.text for c in corpus.posts)


def test_pages_an_old_reddit_permalink_page_reads_its_top_comment_from_its_words():
    """A page that shows a single comment's thread (a permalink): its top comment may answer
    another comment, not the post, so the page does not decide its parent, and says so."""
    from pipeline.ingest.pages.structured import stated_thread

    page = (
        '<html><body><div class="infobar">you are viewing a single comment\'s thread.</div>'
        '<div class="thing link" data-type="link" data-author="op"><a class="title">T</a></div>'
        '<div class="thing comment" data-type="comment" data-author="a"><div class="usertext-body">'
        '<div class="md"><p>Ja.</p></div></div><div class="child"><div class="thing comment" '
        'data-type="comment" data-author="b"><div class="usertext-body"><div class="md"><p>Nej.</p>'
        "</div></div></div></div></div></body></html>"
    )
    thread = stated_thread(page)
    assert [(c.author, c.text, c.parent, c.answers_opening) for c in thread.comments] == [
        ("a", "Ja.", None, False),
        ("b", "Nej.", 0, False),
    ]
    assert thread.remarks == (
        "the page shows a single comment's thread (a permalink): its top comment is read from its words",
    )


def test_pages_a_reddit_thread_saved_in_another_order_keeps_its_ids(tmp_path, cfg):
    """Reddit sorts comments by "best", which changes between two saves of one thread: the
    comments are numbered by their stated time, so both saves give every comment the same
    id and parent."""
    page = (PAGES / "da_reddit_traad.html").read_text(encoding="utf-8")
    first = page.index('  <shreddit-comment thingid="t1_kuv01a1"')
    second = page.index('  <shreddit-comment thingid="t1_kuv1c04"')
    last = page.index('  <shreddit-comment thingid="t1_kuv2d55"')
    # The first top-level comment (with its replies) moved below the third.
    resorted = page[:first] + page[second:last] + page[first:second] + page[last:]
    assert resorted != page and len(resorted) == len(page)
    saves = {}
    for name, text in (("a", page), ("b", resorted)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "traad.html").write_text(text, encoding="utf-8")
        (tmp_path / name / "manifest.toml").write_text('[[document]]\nfile = "traad.html"\n', encoding="utf-8")
        corpus = ingest_seeds(tmp_path / name / "manifest.toml", cfg)
        saves[name] = [(p.id, p.authors[0].name if p.authors else None, p.parent_id, p.text) for p in corpus.posts]
    assert saves["a"] == saves["b"]
    assert [author for _, author, _, _ in saves["a"][1:4]] == ["Kvist_DK", "nordlys_", "Kvist_DK"]


def test_pages_microdata_dates_printed_as_the_page_prints_them_are_read():
    """schema.org asks for ISO 8601, but a microdata <time> without a datetime attribute
    gives its text: a Danish date as the page prints it is read as such."""
    from pipeline.ingest.pages.structured import stated_thread

    def comment(name: str, when: str, text: str) -> str:
        return (
            '<div itemprop="comment" itemscope itemtype="http://schema.org/Comment">'
            f'<span itemprop="author">{name}</span><time itemprop="datePublished">{when}</time>'
            f'<div itemprop="text">{text}</div></div>'
        )

    page = (
        '<html><body><div itemscope itemtype="http://schema.org/DiscussionForumPosting">'
        '<meta itemprop="headline" content="Loft over sagstal?"><div itemprop="text">Ja?</div>'
        + comment("Ole", "14.03.2024 09:12", "Ja.")
        + comment("Ida", "14. marts 2024 kl. 10.05", "Nej.")
        + comment("Per", "for længe siden", "Hm.")
        + "</div></body></html>"
    )
    assert [(c.author, c.created) for c in stated_thread(page).comments] == [
        ("Ole", "2024-03-14T09:12"),
        ("Ida", "2024-03-14T10:05"),
        ("Per", None),
    ]


def _mhtml(html: str, location: str, frames: dict[str, str] | None = None) -> bytes:
    """A page as Chrome's "Webpage, Single File" saves it: a MIME archive whose first part is
    the HTML, quoted-printable, then the page's style sheet and an image, and the document
    of each of its `frames` (by Content-ID), as Chrome writes a frame."""
    import base64
    import quopri

    boundary = "----MultipartBoundary--Xq8mD2pLkR3vT7----"
    page = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    image = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode("ascii")
    parts = [
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {location}\r\n"
        "Subject: saved page\r\nDate: Thu, 14 Mar 2024 16:02:11 -0000\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n\r\n\r\n',
        f"--{boundary}\r\nContent-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
        f"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: {location}\r\n\r\n{page}\r\n",
        f"--{boundary}\r\nContent-Type: text/css\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: cid:css-1@mhtml.blink\r\n\r\n.comment { margin-left: 0; }\r\n",
        f"--{boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Location: https://x.dk/a.png\r\n\r\n{image}\r\n",
        *(
            f"--{boundary}\r\nContent-Type: text/html\r\nContent-ID: <{cid}>\r\n"
            f"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: https://widget.example/{k}\r\n\r\n"
            f"{quopri.encodestring(doc.encode('utf-8')).decode('ascii')}\r\n"
            for k, (cid, doc) in enumerate((frames or {}).items())
        ),
        f"--{boundary}--\r\n",
    ]
    return "".join(parts).encode("ascii")


def test_pages_a_page_saved_as_one_mhtml_file_reads_as_the_html_page(tmp_path, cfg):
    """Chrome and Edge save "Webpage, Single File" as MHTML: the page's HTML, quoted-
    printable, in a MIME archive with its styles and images. It is read as the HTML page is
    (the same posts, parents and texts), by its name or, under another name, by its head; a
    folder without a manifest lists it. An archive with no HTML part is refused, by name."""
    html = (PAGES / "da_reddit_traad.html").read_text(encoding="utf-8")
    archive = _mhtml(html, "https://www.reddit.com/r/Denmark/comments/1bf2xk9/")
    as_html = ingest_page(tmp_path / "html", "da_reddit_traad.html", cfg, kind="auto")

    def view(corpus):
        return [
            (p.id.removeprefix(p.thread_id), p.authors[0].name if p.authors else None, p.parent_id is None, p.text)
            for p in corpus.posts
        ]

    for name in ("traad.mhtml", "traad.txt"):
        folder = tmp_path / name.replace(".", "_")
        folder.mkdir()
        (folder / name).write_bytes(archive)
        corpus = ingest_seeds(folder, cfg)
        assert view(corpus) == view(as_html)
        assert len(corpus.posts) == 7 and corpus.threads[0].title.startswith("Socialrådgivere flygter")

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "side.mhtml").write_bytes(archive.replace(b"Content-Type: text/html", b"Content-Type: text/plain"))
    with pytest.raises(InputError, match=r"side\.mhtml.*no HTML page in it"):
        ingest_seeds(broken, cfg)


_FRAME_COMMENT = (
    '<li class="post"><div class="post-content"><header class="comment__header"><span class="author">{name}</span> '
    '<span class="post-meta">· <a class="time-ago" title="{when}">{when}</a></span></header>'
    '<div class="post-message"><p>{text}</p></div><footer><menu><li class="reply"><a>Svar</a></li>'
    "</menu></footer></div>{replies}</li>"
)


def test_pages_an_mhtml_page_s_comment_widget_frame_is_read_where_it_stands(tmp_path, cfg):
    """A news page whose comments live in a widget's frame (Disqus, Facebook's comments
    plugin): saved as one MHTML file, the frame's document is a part of its own, which the
    page's <iframe src="cid:..."> names; saved as "Webpage, Complete", a file in the page's
    folder of resources. Its body is read where the <iframe> stands, so the comments are
    the page's, threaded as the widget nests them; without the frame the page is the
    article alone."""
    article = (
        "<!DOCTYPE html><html lang='da'><head><title>Socialrådgivere flygter fra kommunerne | Avisen</title></head>"
        "<body><h1>Socialrådgivere flygter fra kommunerne</h1><p>Af Karen Holm · 14. marts 2024</p>"
        "<p>Hver femte socialrådgiver har forladt sit job inden for det seneste år, viser en ny undersøgelse "
        "fra Dansk Socialrådgiverforening.</p><p>Kommunerne peger på økonomien og et stigende antal sager per "
        "rådgiver som de vigtigste årsager til, at så mange forlader faget.</p>"
        '<div id="comments"><iframe id="dsq-app1" src="cid:frame-7F3A@mhtml.blink" title="Disqus"></iframe></div>'
        "<footer><p>© Avisen 2024</p></footer></body></html>"
    )
    reply = _FRAME_COMMENT.format(
        name="Ole Berg", when="14. marts 2024 11:02", text="Det er for nemt at skyde på kommunerne alene.", replies=""
    )
    widget = (
        '<!DOCTYPE html><html><head><script>var thread = {"posts": 3};</script></head><body>'
        '<div id="disqus_thread"><span class="comment-count">3 kommentarer</span><ul id="post-list">'
        + _FRAME_COMMENT.format(
            name="Mette Kjær",
            when="14. marts 2024 10:14",
            text="Kommunerne må tage ansvaret for arbejdsmiljøet.",
            replies=f'<ul class="children">{reply}</ul>',
        )
        + _FRAME_COMMENT.format(
            name="Jens Lund", when="14. marts 2024 12:40", text="Jeg har selv været socialrådgiver i ti år.", replies=""
        )
        + "</ul></div></body></html>"
    )
    framed = tmp_path / "framed"
    framed.mkdir()
    (framed / "artikel.mhtml").write_bytes(
        _mhtml(article, "https://avisen.example/artikel", {"frame-7F3A@mhtml.blink": widget})
    )
    corpus = ingest_seeds(framed, cfg)
    assert [(p.authors[0].name if p.authors else None, p.created, p.parent_id, p.text) for p in corpus.posts] == [
        ("Karen Holm", "2024-03-14", None, corpus.posts[0].text),
        ("Mette Kjær", "2024-03-14T10:14", "artikel", "Kommunerne må tage ansvaret for arbejdsmiljøet."),
        ("Ole Berg", "2024-03-14T11:02", "artikel/c01", "Det er for nemt at skyde på kommunerne alene."),
        ("Jens Lund", "2024-03-14T12:40", "artikel", "Jeg har selv været socialrådgiver i ti år."),
    ]
    assert corpus.posts[0].text.startswith("Hver femte socialrådgiver")
    assert (
        "1 frame(s) of the page (a comment widget's, an embedded post) read where they stand, as a browser "
        "shows them" in [n.message for n in corpus.notes]
    )
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "artikel.mhtml").write_bytes(_mhtml(article, "https://avisen.example/artikel"))
    assert len(ingest_seeds(alone, cfg).posts) == 1

    # "Webpage, Complete" keeps the frame as a file in the page's folder of resources; the
    # same posts. A frame outside that folder, or at an address, is not read.
    complete = tmp_path / "complete"
    (complete / "artikel_files").mkdir(parents=True)
    (complete / "artikel_files" / "saved_resource.html").write_text(widget, encoding="utf-8")
    (complete / "artikel.html").write_text(
        article.replace("cid:frame-7F3A@mhtml.blink", "./artikel_files/saved_resource.html"), encoding="utf-8"
    )
    saved = ingest_seeds(complete, cfg)
    assert [(p.text, p.parent_id) for p in saved.posts] == [(p.text, p.parent_id) for p in corpus.posts]
    (tmp_path / "outside.html").write_text(widget, encoding="utf-8")
    for src in ("../outside.html", str(tmp_path / "outside.html"), "https://disqus.com/embed/comments/"):
        (complete / "artikel.html").write_text(article.replace("cid:frame-7F3A@mhtml.blink", src), encoding="utf-8")
        assert len(ingest_seeds(complete, cfg).posts) == 1, src


_WAYBACK_TOOLBAR = """<!-- BEGIN WAYBACK TOOLBAR INSERT -->
<div id="wm-ipp-base" lang="en" style="display:none;direction:ltr;"><div id="wm-ipp"><div id="wm-ipp-inside">
<div id="wm-logo"><a href="/web/" title="Wayback Machine home page">Wayback Machine</a></div>
<form target="_top" method="get" action="/web/submit" name="wmtb" id="wmtb"><input type="text" name="url"
 id="wmtbURL" value="https://www.fyens.dk/debat/kommunerne-kan-ikke-holde-paa-socialraadgiverne"></form>
<table><tr class="m"><td><a title="01 Mar 2024">FEB</a></td><td>MAR</td><td><a title="02 Apr 2024">APR</a></td></tr>
<tr class="d"><td>13</td><td>14</td><td>15</td></tr><tr class="y"><td>2023</td><td>2024</td><td>2025</td></tr></table>
<div id="wm-nav-captures"><a class="t" title="See a list of every capture for this URL">12 captures</a>
<div class="r" title="Timespan for captures of this URL">02 Feb 2024 - 19 Nov 2024</div></div>
<div id="wm-btns"><a href="#close" title="Close the toolbar">Close</a><a title="Get some help">Help</a></div>
<a href="#" id="wm-expand"><span>About this capture</span></a>
<div id="wm-capinfo"><div>COLLECTED BY</div>Organization: <a href="https://archive.org/details/webwidecrawl">Internet
Archive</a><div>The Internet Archive discovers and captures web pages through many different web crawls.</div></div>
</div></div></div>
<!-- END WAYBACK TOOLBAR INSERT -->
"""


def test_pages_a_page_saved_from_the_wayback_machine_is_read_without_its_toolbar(tmp_path, cfg):
    """An archived page saved from web.archive.org carries the Wayback Machine's toolbar
    (capture dates, "12 captures", "About this capture") at its top; read as the page, its
    "02 Feb 2024 - 19 Nov 2024" was the headline. It is removed, with a note naming the
    page it archived, and the page reads as the live page does."""
    page = (PAGES / "da_debat_svar_i_div.html").read_text(encoding="utf-8")
    (tmp_path / "arkiv").mkdir()
    (tmp_path / "arkiv" / "side.html").write_text(
        page.replace("<body>", "<body>\n" + _WAYBACK_TOOLBAR, 1), encoding="utf-8"
    )
    archived = ingest_seeds(tmp_path / "arkiv", cfg)
    live = ingest_page(tmp_path / "live", "da_debat_svar_i_div.html", cfg, kind="auto")

    def view(corpus):
        return [(p.title, p.text, [a.name for a in p.authors], p.created, p.parent_rule) for p in corpus.posts]

    assert view(archived) == view(live)
    assert archived.posts[0].title == "Kommunerne kan ikke holde på socialrådgiverne"
    messages = {n.message for n in archived.notes}
    assert (
        "the Wayback Machine's toolbar (a capture of "
        "https://www.fyens.dk/debat/kommunerne-kan-ikke-holde-paa-socialraadgiverne)"
    ) in messages
    assert "read as a thread (a comment list was found)" in messages
    assert not any(
        "captures" in n.message for n in archived.notes if n.kind == "removed" and "Wayback" not in n.message
    )


# Which reader reads each test page, and how many posts it gives (the opening post
# included), read together as a folder without a manifest: a change that sends a page to
# another reader (as a dataclass field once did, sending a comment list to the class-name
# reader with the same parents) shows here.
_READINGS = [
    ("da_artikel_tal_og_billedtekst.html", "an article (no comment list was found)", 1),
    ("da_avis.html", "a thread (a comment list was found)", 3),
    ("da_avis_byline_med_dato.html", "a thread (a comment list was found)", 4),
    ("da_avis_markdown.md", "a thread (a comment list was found)", 3),
    ("da_avisartikel_spalter.pdf", "an article (no comment list was found)", 1),
    ("da_blog_wordpress_microdata.html", "a thread (stated in its microdata)", 4),
    ("da_debat_svar_i_div.html", "a thread (a comment list was found)", 5),
    ("da_discourse_traad.html", "a thread (stated in its microdata)", 5),
    ("da_drupal_traad.html", "a thread (a comment list was found)", 6),
    ("da_disqus_kommentarer.txt", "a thread (a comment list was found)", 4),
    ("da_facebook_kommentarer.txt", "a thread (a comment list was found)", 4),
    ("da_facebook_opslag.txt", "a thread (a comment list was found)", 4),
    ("da_flarum_traad.html", "a thread (stated in its Flarum markup)", 5),
    ("da_forum_side_2.txt", "a forum thread (3 posts were found)", 4),
    ("da_indrykkede_svar.txt", "a thread (a comment list was found)", 6),
    ("da_invision_traad.html", "a thread (stated in its microdata)", 3),
    ("da_kommentarer_margin.html", "a thread (a comment list was found)", 5),
    ("da_kommentarer_uden_dato.html", "a thread (comments named by the page's classes)", 4),
    ("da_jina_reader.md", "a thread (a comment list was found)", 3),
    ("da_kommune_nyhed.txt", "an article (no comment list was found)", 1),
    ("da_kronik_forfatterlinje.txt", "an article (no comment list was found)", 1),
    ("da_kronik_med_kommentarer.txt", "a thread (a comment list was found)", 4),
    ("da_nyhed_byline_titel.txt", "an article (no comment list was found)", 1),
    ("da_nyhed_spans.html", "an article (no comment list was found)", 1),
    ("da_nyhed_uden_luft.txt", "an article (no comment list was found)", 1),
    ("da_laeserbrev_kommentarer.txt", "a thread (a comment list was found)", 3),
    ("da_laeserbrev_underskrift.txt", "an article (no comment list was found)", 1),
    ("da_linkedin_opslag.txt", "a thread (a comment list was found)", 4),
    ("da_obsidian_klip.md", "a thread (a comment list was found)", 3),
    ("da_phpbb_traad.html", "a forum thread (3 posts were found)", 3),
    ("da_printet_side.pdf", "a thread (a comment list was found)", 7),
    ("da_reddit_traad.html", "a thread (stated in its Reddit markup)", 7),
    ("da_relative_datoer.html", "a thread (a comment list was found)", 4),
    ("da_uden_datoer.txt", "a thread (a comment list was found)", 3),
    ("da_xenforo_traad.html", "a forum thread (3 posts were found)", 3),
    ("da_x_samtale.html", "a thread (stated in its X markup)", 4),
    ("da_reddit_kopieret.txt", "a thread (a Reddit thread copied as text)", 5),
    ("da_x_kopieret.txt", "a thread (a conversation on X copied as text)", 5),
    ("da_bluesky_kopieret.txt", "a thread (a thread on Bluesky copied as text)", 6),
    ("da_facebook_side.html", "a thread (stated in its Facebook markup)", 5),
    ("da_linkedin_side.html", "a thread (stated in its LinkedIn markup)", 5),
    ("sv_tiktok_video.html", "a thread (stated in its TikTok markup)", 5),
    ("sv_mastodon_kopierad.txt", "a thread (a thread on Mastodon copied as text)", 5),
    ("da_youtube_kopieret.txt", "a thread (a comment list was found)", 4),
    ("sv_instagram_kopierad.txt", "a thread (a post on Instagram copied as text)", 4),
    ("sv_gamla_reddit_kopierad.txt", "a thread (a thread on old Reddit copied as text)", 6),
    ("da_youtube_video.html", "a thread (stated in its YouTube markup)", 5),
    ("sv_avis_metadata.html", "an article (no comment list was found)", 1),
    ("sv_blogg_trådade_svar.html", "a thread (a comment list was found)", 4),
    ("sv_bluesky_trad.html", "a thread (stated in its Bluesky markup)", 3),
    ("sv_datum_under_kommentaren.txt", "a thread (a comment list was found)", 7),
    ("sv_debattartikel_kopierad.txt", "an article (no comment list was found)", 1),
    ("sv_debattartikel_undertecknare.txt", "an article (no comment list was found)", 1),
    ("sv_debatt_kommentarer.txt", "a thread (a comment list was found)", 5),
    ("sv_drupal_traad.html", "a thread (a comment list was found)", 5),
    ("sv_familjeliv_kopierad.txt", "a forum thread (3 posts were found)", 3),
    ("sv_flashback_kopierad.txt", "a forum thread (4 posts were found)", 4),
    ("sv_flashback_trad.html", "a forum thread (3 posts were found)", 5),
    # Joined with its page 2 (sv_forum_jsonld_sida2.html), by title and site.
    ("sv_forum_jsonld.html", "a thread (stated in its JSON-LD)", 9),
    ("sv_kommentarer_djup.html", "a thread (a comment list was found)", 6),
    ("sv_nyhet_kopierad.txt", "an article (no comment list was found)", 1),
    ("sv_mastodon_trad.html", "a thread (stated in its Mastodon markup)", 3),
    ("sv_old_reddit_trad.html", "a thread (stated in its Reddit markup)", 6),
]


def test_pages_each_test_page_is_read_by_its_reader(tmp_path, cfg):
    """Every page in tests/pages, read as a folder without a manifest: the reader each page
    goes to (the ingest report's "read as" note) and the posts it gives."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in PAGES.iterdir():
        (folder / page.name).write_bytes(page.read_bytes())
    corpus = ingest_seeds(folder, cfg)
    read_as = {n.where.rsplit("/", 1)[-1]: n.message for n in corpus.notes if n.message.startswith("read as a")}
    sizes = {t.source.rsplit("/", 1)[-1]: t.n_comments + 1 for t in corpus.threads}
    assert sorted((name, read_as.get(name, "")[len("read as ") :], sizes[name]) for name in sizes) == sorted(_READINGS)
    assert {page.name for page in PAGES.iterdir()} == {name for name, _, _ in _READINGS} | {
        "sv_forum_jsonld_sida2.html",
        "sv_flashback_trad_sida2.html",
    }


def test_pages_a_later_page_that_states_the_opening_post_again_joins_its_thread(tmp_path, cfg):
    """Search engines ask a forum to state the opening post on every page of a thread: a
    page 2 whose data repeats it (its author, date and shared link) still starts at post #7
    and joins page 1, as the page that does not repeat it does."""
    page2 = (PAGES / "sv_forum_jsonld_sida2.html").read_text(encoding="utf-8")
    repeated = page2.replace(
        '"url": "https://socialforum.se/t/8812?sida=2",',
        '"url": "https://socialforum.se/t/8812?sida=2", "author": {"@type": "Person", "name": "Karin_L"}, '
        '"datePublished": "2024-03-14T09:12:00+01:00", "sharedContent": {"@type": "WebPage", '
        '"url": "https://vision.se/rapporter/socialsekreterare-2024"}, "position": 1,',
    )
    assert repeated != page2
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "sida1.html").write_text((PAGES / "sv_forum_jsonld.html").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "sida2.html").write_text(repeated, encoding="utf-8")
    corpus = ingest_seeds(folder, cfg)
    assert len(corpus.threads) == 1 and corpus.threads[0].n_comments == 8
    assert [p.id for p in corpus.posts[-3:]] == ["sida1/c06", "sida1/c07", "sida1/c08"]
    assert any(m.message.startswith("2 pages of one forum thread (") for m in corpus.notes)


def test_pages_a_comment_list_whose_replies_sit_in_their_comments_elements_threads_by_them(tmp_path, cfg):
    """A widget that prints names, dates and buttons (read as a comment list) and nests
    each reply's element inside the comment it answers, with no reply container: the reply
    answers that comment (evidence `indentation`), not whoever its words point to."""
    comment = (
        '<div class="comment"><div class="comment-head">{name} · {when}</div>'
        '<div class="comment-text"><p>{text}</p></div>'
        '<div class="comment-tools">Svar · Synes godt om</div>{inner}</div>'
    )
    erik = comment.format(
        name="Erik Lund", when="14. marts 2024 kl. 09.40", text="Hanne Bach har ret, men det løser intet.", inner=""
    )
    mona = comment.format(
        name="Mona Riis",
        when="14. marts 2024 kl. 09.02",
        text="Loftet er nødvendigt, ellers brænder de unge ud.",
        inner=erik,
    )
    hanne = comment.format(
        name="Hanne Bach", when="14. marts 2024 kl. 08.15", text="Hvorfor spørger man ikke borgerne?", inner=""
    )
    page = (
        "<html><body><article><h1>Hver tredje socialrådgiver overvejer at sige op</h1><p>Af Peter Due</p>"
        "<p>Hver tredje socialrådgiver i kommunerne overvejer at forlade faget inden for to år, viser en ny "
        "rapport fra Dansk Socialrådgiverforening, som bygger på svar fra over 2.000 medlemmer.</p></article>"
        f'<section class="comments"><h2>Kommentarer (3)</h2>{hanne}{mona}</section></body></html>'
    )
    (tmp_path / "side.html").write_text(page, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "side.html"\nlang = "da"\n', encoding="utf-8")
    corpus = ingest_seeds(tmp_path / "manifest.toml", cfg)
    by_name = {p.authors[0].name: p for p in corpus.posts[1:]}
    assert set(by_name) == {"Hanne Bach", "Mona Riis", "Erik Lund"}
    assert (by_name["Erik Lund"].parent_id, by_name["Erik Lund"].parent_rule) == (
        by_name["Mona Riis"].id,
        "indentation",
    )
    assert "read as a thread (a comment list was found)" in {n.message for n in corpus.notes}


def _thread_rows(corpus):
    """Each post as (author, created, index of its parent, deciding rules, text's start)."""
    index = {p.id: i for i, p in enumerate(corpus.posts)}
    return [
        (
            [a.name for a in p.authors],
            p.created,
            index.get(p.parent_id),
            [e.rule for e in p.parent_evidence if e.decided],
            p.text[:30],
        )
        for p in corpus.posts
    ]


def test_pages_a_drupal_7_thread_reads_its_indented_replies_rdfa_dates_and_byline(tmp_path, cfg):
    """Drupal 7 (Bartik, Danish): each comment's replies sit in the <div class="indented">
    after it; its date prints with slashes ("man, 11/03/2024 - 10:14": day or month
    first?) beside an RDFa stamp, which is read; "Permalink" under the date and the
    subject Drupal makes from a comment's first words are no text; a guest's "(ikke
    verificeret)" is no part of the name; the article's byline ("Indsendt af ...") names
    its author and the RDFa states its date."""
    corpus = ingest_page(tmp_path, "da_drupal_traad.html", cfg)
    assert _thread_rows(corpus) == [
        (["Line Thomsen"], "2024-03-10T08:00:00+01:00", None, [], "Hver femte socialrådgiver i de"),
        (["Henrik Vestergaard"], "2024-03-11T10:14:00+01:00", 0, ["default"], "Kommunerne må tage ansvaret fo"),
        (["Maja Krogh"], "2024-03-11T11:02:00+01:00", 1, ["indentation"], "Det er for nemt at skyde på ko"),
        (["Henrik Vestergaard"], "2024-03-11T11:40:00+01:00", 2, ["indentation"], "Enig i at staten har et ansvar"),
        (["Sofie Lund"], "2024-03-11T13:25:00+01:00", 0, ["default"], "Som nyuddannet socialrådgiver "),
        (["Anonym"], "2024-03-11T14:03:00+01:00", 4, ["indentation"], "Hvorfor bliver I så?\n\nHvorfor "),
    ]
    assert not any("Permalink" in p.text for p in corpus.posts)
    # A guest named "Anonym" may be anyone: a participant of one post.
    assert [p.id for p in corpus.participants if p.name == "Anonym"] == ["participant:anonymous:da_drupal_traad/c05"]
    messages = [n.message for n in corpus.notes]
    assert any(
        m.startswith("5 date(s) printed in a form read two ways") and "'man, 11/03/2024 - 10:14'" in m for m in messages
    )
    assert "publication date from the page's metadata (RDFa dc:created)" in messages


def test_pages_a_drupal_10_thread_reads_replies_after_article_comments_and_its_slash_order(tmp_path, cfg):
    """Drupal 10 (Olivero, Swedish, the default date format kept): comments are <article>s
    in the article, replies in the <div class="indented"> after theirs; no date states a
    stamp, but "03/13/2024" can only be month first, so every date on the page is read so
    (a note says which date told); the screen-reader line "Som svar på ... av ..." is no
    text; "Av Lena Holm ons, 03/13/2024 - 20:14" is the article's byline."""
    corpus = ingest_page(tmp_path, "sv_drupal_traad.html", cfg, lang="sv")
    assert _thread_rows(corpus) == [
        (["Lena Holm"], "2024-03-13T20:14", None, [], "Enligt Akademikerförbundet SSR"),
        (["Karin Ek"], "2024-03-14T10:32", 0, ["default"], "Vem ska göra jobbet?\n\nVem ska "),
        (["Erik Svensson"], "2024-03-14T11:05", 1, ["indentation"], "Det handlar om pengar. Utan me"),
        (["Karin Ek"], "2024-03-14T12:40", 2, ["indentation"], "Pengar finns, men de går till "),
        (["Maria"], "2024-03-15T08:15", 0, ["default"], "Jag slutade själv förra året e"),
    ]
    assert not any("Som svar på" in p.text or "Svara" in p.text for p in corpus.posts)
    assert "dates with slashes read month first, as the page's '03/13/2024' can only be read" in [
        n.message for n in corpus.notes
    ]
    # The same page with the dates written day first reads the same dates.
    page = (PAGES / "sv_drupal_traad.html").read_text(encoding="utf-8")
    swapped = re.sub(r"(\d{2})/(\d{2})/(\d{4})", r"\2/\1/\3", page)
    assert swapped != page
    (tmp_path / "dag_först").mkdir()
    (tmp_path / "dag_först" / "sida.html").write_text(swapped, encoding="utf-8")
    again = ingest_seeds(tmp_path / "dag_först", cfg)
    assert [p.created for p in again.posts] == [p.created for p in corpus.posts]


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("tors, 14/03/2024 - 10:32 ... fre, 01/03/2024", ("day-first", "14/03/2024")),
        ("03/14/2024 och 03/01/2024", ("month-first", "03/14/2024")),
        # Every date reads both ways: nothing tells.
        ("11/03/2024 och 12/03/2024", None),
        # A page that writes both ways (or prints something else with slashes) tells nothing.
        ("14/03/2024 och 03/14/2024", None),
        ("version 13/14/2024", None),
        ("ingen dato", None),
    ],
)
def test_pages_a_page_s_dates_with_slashes_are_read_in_the_order_one_of_them_can_only_be(text, order):
    from pipeline.ingest.dates import page_slash_order

    assert page_slash_order(text) == order


def test_pages_text_for_screen_readers_only_is_not_the_page_s_text():
    """What a sighted reader never sees (Drupal's "visually-hidden", Bootstrap's "sr-only",
    WordPress's "screen-reader-text") is left out, as a browser shows the page."""
    from pipeline.ingest.markup import html_text

    html = (
        '<h2 class="visually-hidden">Hovedmenu</h2><p>Synligt <span class="sr-only">(ekstern)</span>'
        'link</p><p class="screen-reader-text">Som svar på X av Y</p><p class="hidden-xs">Vist</p>'
    )
    assert html_text(html) == "Synligt link\n\nVist"


_COLLAPSED = """Socialrådgivere flygter fra kommunerne

Af Karen Holm · 14. marts 2024

Hver femte socialrådgiver har forladt sit job inden for det seneste år, viser en ny undersøgelse fra Dansk
Socialrådgiverforening. Kommunerne peger på økonomien.

Kommentarer (5)

Mette Kjær · 14. marts 2024 10:14
Kommunerne må tage ansvaret for arbejdsmiljøet.
Svar · Synes godt om · 3
{first}

Ole Berg · 14. marts 2024 11:02
Det er for nemt at skyde på kommunerne alene.
Svar · Synes godt om
{second}

Jens Lund · 14. marts 2024 12:40
Jeg har selv været socialrådgiver i ti år.
Svar · Synes godt om

{last}

Mest læste
Ny aftale om ældreplejen
"""


@pytest.mark.parametrize(
    ("first", "second", "last"),
    [
        ("Vis 2 svar", "Se flere svar", "Indlæs flere kommentarer"),
        ("Visa 2 svar", "Dölj svar", "Visa fler kommentarer"),
        ("View 3 replies", "2 svar", "Load more comments"),
    ],
)
def test_pages_collapsed_replies_and_unloaded_comments_neither_end_the_list_nor_become_text(
    tmp_path, cfg, first, second, last
):
    """A widget prints "Vis 2 svar" where a comment's replies are collapsed and "Indlæs
    flere kommentarer" where comments are not loaded yet: the saved page lacks them. Such a
    line is no comment's text and ends no list (it had ended it after the first comment,
    losing the rest); a note says how many such gaps the page has, and how to fill them."""
    (tmp_path / "side.txt").write_text(_COLLAPSED.format(first=first, second=second, last=last), encoding="utf-8")
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", "Kommunerne må tage ansvaret for arbejdsmiljøet."),
        ("Ole Berg", "Det er for nemt at skyde på kommunerne alene."),
        ("Jens Lund", "Jeg har selv været socialrådgiver i ti år."),
    ]
    assert any(
        n.kind == "missing"
        and n.message.startswith("3 place(s) where the comment list shows replies")
        and repr(first) in n.message
        for n in corpus.notes
    )


def test_pages_a_widget_s_avatars_badges_reactions_and_edit_marks_are_no_comment_s_words(tmp_path, cfg):
    """What a comment widget prints around a comment, saved as text: the avatar's initials
    above the name ("MK"), a badge after it ("Forfatter": the commenter's description, so
    the article's author answering is the article's author), "· Redigeret" or "(redigeret)"
    after the date, a row of reactions ("👍 3"), and a sort control above the list. Each
    had cut the list short or become a commenter."""
    (tmp_path / "side.txt").write_text(
        _COLLAPSED.split("Kommentarer (5)")[0]
        + """Kommentarer (4)

Sortér efter: Nyeste

MK
Mette Kjær · 14. marts 2024 10:14 · Redigeret
Kommunerne må tage ansvaret for arbejdsmiljøet.
Svar · Synes godt om · 3

OB
Ole Berg · 14. marts 2024 11:02
Det er for nemt at skyde på kommunerne alene.
👍 3 ❤️ 1
Svar · Synes godt om

KH
Karen Holm Forfatter · 14. marts 2024 11:30
Tak for kommentaren. Tallene kommer fra foreningens egen undersøgelse.
Svar · Synes godt om

JL
Jens Lund · 14. marts 2024 12:40 (redigeret)
Jeg har selv været socialrådgiver i ti år.
Svar · Synes godt om

Mest læste
""",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.authors[0].description, p.created, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", None, "2024-03-14T10:14", "Kommunerne må tage ansvaret for arbejdsmiljøet."),
        ("Ole Berg", None, "2024-03-14T11:02", "Det er for nemt at skyde på kommunerne alene."),
        (
            "Karen Holm",
            "Forfatter",
            "2024-03-14T11:30",
            "Tak for kommentaren. Tallene kommer fra foreningens egen undersøgelse.",
        ),
        ("Jens Lund", None, "2024-03-14T12:40", "Jeg har selv været socialrådgiver i ti år."),
    ]
    assert [p.name for p in corpus.participants if len(p.post_ids) == 2] == ["Karen Holm"]
    assert "before the first comment: Sortér efter: Nyeste" in {n.message for n in corpus.notes}


def test_pages_a_comment_shown_cut_short_keeps_the_list_and_a_first_name_names_its_commenter(tmp_path, cfg):
    """A Swedish widget shows long comments cut short, with "Läs mer" or "Visa hela
    kommentaren" under them: the saved page holds only their start, which is read, and a
    note says so (the line had ended the list, as "Läs också" after it still does). "Håller
    med Karin" names Karin E by the first name no other commenter has: it answers her, and
    being below her says the page lists the oldest first (the dates, two of them relative,
    cannot tell)."""
    (tmp_path / "sida.txt").write_text(
        """Socialsekreterare lämnar yrket i rekordfart

Av Anna Berg · 14 mars 2024

Var tredje socialsekreterare har bytt arbetsplats det senaste året, enligt en ny rapport från
Akademikerförbundet SSR. Kommunerna pekar på ekonomin.

Kommentarer (3)

Karin E, Malmö · 14 mars 2024 kl 10.14
Jag har jobbat i tio år och aldrig sett det så här illa. Ärendena blir fler och tyngre varje år.
Läs mer
Svara · Gilla · Anmäl

Per Olsson · igår 21:40
Visa hela kommentaren
Svara · Gilla · 4

Lena · för 3 timmar sedan
Håller med Karin. Lönen är inte problemet, det är arbetsbelastningen.
Svara · Gilla

Läs också
Ny satsning på socialtjänsten
""",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    root, *comments = corpus.posts
    assert [(c.authors[0].name, c.text[:20]) for c in comments] == [
        ("Karin E", "Jag har jobbat i tio"),
        ("Per Olsson", ""),
        ("Lena", "Håller med Karin. Lö"),
    ]
    assert comments[2].parent_id == comments[0].id
    assert [(e.rule, e.cue) for e in comments[2].parent_evidence if e.decided] == [("commenter-mention", "Karin")]
    notes = {n.message for n in corpus.notes}
    assert (
        "2 comment(s) shown cut short on the saved page (e.g. 'Läs mer'): only their start is read; open them "
        "before saving the page to read them whole"
    ) in notes
    assert "end of comment list at: Läs också" in notes


def test_pages_an_op_ed_signed_by_two_under_its_section_label(tmp_path, cfg):
    """A Swedish op-ed saved as text: "DEBATT" printed on the line above the headline (one
    block: the label is no headline), the site's disclaimer ("Detta är en debattartikel.
    ...") no part of the argument, and two signatories, one "Name, title" line each under
    the text: both are its authors, each with their title (which the role rules read)."""
    corpus = ingest_page(tmp_path, "sv_debattartikel_undertecknare.txt", cfg, kind="article", lang="sv")
    (root,) = corpus.posts
    assert root.title == "Socialsekreterarna behöver en nationell bemanningsnorm"
    assert root.created == "2024-03-12T06:00"
    assert [(a.name, a.description) for a in root.authors] == [
        ("Heike Erkers", "förbundsordförande Akademikerförbundet SSR"),
        ("Lisa Berg", "förbundsjurist Akademikerförbundet SSR"),
    ]
    assert root.text.startswith("Ingen annan yrkesgrupp") and "debattartikel" not in root.text
    assert root.text.endswith("Kommunerna kan inte lösa detta på egen hand.")
    notes = {n.message for n in corpus.notes}
    assert {"pre-title-label: DEBATT", "author from closing-signature: Lisa Berg"} <= notes


def test_pages_the_line_under_an_op_ed_that_says_who_wrote_it_is_its_author(tmp_path, cfg):
    """Danish and Swedish op-eds end with who wrote them, as a sentence ("Mads Bilstrup er
    formand for Dansk Socialrådgiverforening."): its author and their title (which the
    role rules read), not the piece's last argument."""
    corpus = ingest_page(tmp_path, "da_kronik_forfatterlinje.txt", cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, root.created) == ("Socialrådgivere skal have en autorisation", "2024-03-14T05:00")
    assert [(a.name, a.description) for a in root.authors] == [
        ("Mads Bilstrup", "formand for Dansk Socialrådgiverforening")
    ]
    assert root.text.endswith("Og den vil give faget den anerkendelse, det fortjener.")


def test_pages_a_page_top_copied_without_blank_lines_gives_its_headline_date_author_and_first_paragraph(tmp_path, cfg):
    """A browser's copy puts menu, headline, lead, byline, date and share buttons on lines
    of their own with no blank line between, run on into the first paragraph: each is read
    as what it is. The block had been one paragraph of navigation, and the headline, the
    date, the author and the first paragraph went with it."""
    corpus = ingest_page(tmp_path, "da_nyhed_uden_luft.txt", cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, root.created) == (
        "Hver fjerde socialrådgiver på børneområdet overvejer at sige op",
        "2024-03-12",
    )
    assert [(a.name, a.description) for a in root.authors] == [("Susanne Bloch Poulsen", None)]
    paragraphs = root.text.split("\n\n")
    assert paragraphs[0].startswith("Ny undersøgelse fra Dansk Socialrådgiverforening viser")
    assert paragraphs[1].startswith("Hver fjerde socialrådgiver på børne- og ungeområdet har inden for det seneste år")
    # The last paragraph ran on into "Læs også" (which heads the links below it, not the
    # sentence above); the share buttons ("Facebook", "Mail") are no paragraphs.
    assert paragraphs[-1] == "Foreningen foreslår et loft over antallet af sager per socialrådgiver."
    assert len(paragraphs) == 5 and not {"Facebook", "LinkedIn", "Mail", "Del artikel"} & set(paragraphs)
    assert corpus.threads[0].target_source == "root_title"


def test_pages_a_byline_over_its_title_in_a_copied_page_top_keeps_its_title_and_the_tools_go(tmp_path, cfg):
    """ "Af Karen Holm" / "Journalist" / the date, then "Del", "Gem", "Lyt til artiklen",
    all between the lead and the first paragraph with no blank line: the author with her
    title; the page's tools are no paragraphs of the article."""
    corpus = ingest_page(tmp_path, "da_nyhed_byline_titel.txt", cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, root.created) == (
        "Socialrådgivere i Odense får løft efter flugt fra jobcentret",
        "2024-03-14T05:00",
    )
    assert [(a.name, a.description) for a in root.authors] == [("Karen Holm", "Journalist")]
    paragraphs = root.text.split("\n\n")
    assert paragraphs[0].startswith("Efter et år med massive opsigelser") and len(paragraphs) == 4
    assert paragraphs[1].startswith("Det bekræfter Odense Kommune over for avisen.")
    assert not {"Journalist", "Gem", "Lyt til artiklen"} & set(paragraphs)
    # Danish news's quotation dash stays a dash (it had become a list's bullet).
    assert paragraphs[2].startswith("- Vi har mistet for mange dygtige folk, siger rådmand")
    assert "Artiklen er opdateret" not in root.text


def test_pages_a_credit_at_the_end_over_an_ad_label_is_the_bylines_author_once(tmp_path, cfg):
    """ "Text: Anna Berg" over "Annons" at the end of a story whose byline named her: one
    author, and the advertisement's label describes no one; a photo's caption with its
    credit is no paragraph."""
    corpus = ingest_page(tmp_path, "sv_nyhet_kopierad.txt", cfg, kind="article", lang="sv")
    (root,) = corpus.posts
    assert (root.title, root.created) == ("Socialtjänsten i Malmö tappar var femte handläggare", "2024-03-14T06:00")
    assert [(a.name, a.description) for a in root.authors] == [("Anna Berg", None)]
    assert root.text.startswith("Var femte socialsekreterare i Malmö slutade förra året.")
    assert root.text.endswith("nya rekryteringar är på gång.") and "Bild:" not in root.text


@pytest.mark.parametrize(
    "headline",
    [
        "Socialrådgiverne løber bort fra kommunerne. Det er politikernes ansvar",
        "Nej. Det er ikke socialrådgivernes skyld",
    ],
)
def test_pages_a_debate_headline_of_two_sentences_without_a_final_stop_is_the_headline(tmp_path, cfg, headline):
    # As Politiken prints a kronik: the headline had lost to the site's name ("Politiken"),
    # and the target was the text's first sentence.
    page = (
        f"Politiken\nDebat\n{headline}\nKronik\nAf Karen Holm, socialrådgiver\n14. mar. 2024 kl. 05.00\nGem\nDel\n\n"
        "Hver dag møder jeg kolleger, der overvejer at sige op. Sagstallet er for højt, og vi når ikke at se de "
        "børn, vi har ansvaret for.\n\nJeg opfordrer derfor politikerne til at indføre et loft over sagstallet."
    )
    corpus = _page_corpus(tmp_path, page, cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, corpus.threads[0].target) == (headline, headline)
    assert (root.created, root.authors[0].name) == ("2024-03-14T05:00", "Karen Holm")
    assert root.text.startswith("Hver dag møder jeg kolleger")


def test_pages_a_readers_letter_byline_with_title_and_town_over_a_two_sentence_lead(tmp_path, cfg):
    """The headline is "Læserbrev: Lyt til socialrådgiverne", not the lead under it, which
    is longer but two sentences ("... på hjælp. Hvorfor lytter ingen?"); "Af Jonna Madsen,
    pensioneret socialrådgiver, Viborg" names the writer, her title and her town."""
    corpus = ingest_page(tmp_path, "da_laeserbrev_kommentarer.txt", cfg)
    root = corpus.posts[0]
    assert root.title == "Læserbrev: Lyt til socialrådgiverne"
    assert corpus.threads[0].target == "Lyt til socialrådgiverne"
    assert [(a.name, a.description) for a in root.authors] == [("Jonna Madsen", "pensioneret socialrådgiver, Viborg")]
    assert root.text.startswith("Jeg har arbejdet som socialrådgiver i 35 år")
    assert [(a.name, p.created) for p in corpus.posts[1:] for a in p.authors] == [
        ("Peter Lund", "2024-03-12T14:03"),
        ("Lone Berg", "2024-03-13T08:40"),
    ]


@pytest.mark.parametrize(
    ("page", "lang", "read"),
    [
        # The page's first block holds one date and no other furniture it knows ("Nyheter").
        (
            "Nyheter\nSverige\nSocialsekreterare slutar i rekordtakt\nAnna Berg\nReporter\n"
            "Publicerad 14 mars 2024 kl. 06.00 · Uppdaterad 14 mars 2024 kl. 08.12\n"
            "Allt fler socialsekreterare lämnar yrket inom två år, visar en ny rapport från SSR.\n\n"
            "Rapporten bygger på svar från 2 000 medlemmar och visar att arbetsbelastningen är störst.",
            "sv",
            ("Socialsekreterare slutar i rekordtakt", "2024-03-14T06:00", [("Anna Berg", "Reporter")], "Allt fler"),
        ),
        # The date above the name and its title.
        (
            "KRONIK\nSocialrådgivere skal have tid til børnene\n14. marts 2024\nMette Hansen\n"
            "Socialrådgiver i Aarhus Kommune\nJeg har 42 sager. Det betyder, at jeg ser hvert barn mindre end "
            "en gang om måneden.\n\nVi skal have et loft over sagstallet, og det skal være lovfæstet.",
            "da",
            (
                "Socialrådgivere skal have tid til børnene",
                "2024-03-14",
                [("Mette Hansen", "Socialrådgiver i Aarhus Kommune")],
                "Jeg har 42 sager.",
            ),
        ),
        # A weekday before the date.
        (
            "Menu\nSøg\nDebat\nHvorfor forlader socialrådgiverne kommunerne?\n"
            "Af Mads Bilstrup, formand for Dansk Socialrådgiverforening\nTorsdag 14. marts 2024\n"
            "Del på Facebook\nHvert år forlader mange socialrådgivere kommunerne for at arbejde i staten.\n\n"
            "Det er på tide, at kommunerne tager problemet alvorligt.",
            "da",
            (
                "Hvorfor forlader socialrådgiverne kommunerne?",
                "2024-03-14",
                [("Mads Bilstrup", "formand for Dansk Socialrådgiverforening")],
                "Hvert år forlader",
            ),
        ),
    ],
)
def test_pages_a_copied_page_top_gives_headline_date_and_author(page, lang, read):
    from pipeline.ingest.pages.article import parse_article

    parts = parse_article(page.split("\n"), lang, "side.txt")
    title, created, authors, opening = read
    assert (parts.title, parts.created, [(a.name, a.description) for a in parts.authors]) == (title, created, authors)
    assert parts.body.startswith(opening) and len(parts.body.split("\n\n")) == 2


# A Swedish debate piece's two paragraphs, under each test's headline and byline.
SV_BODY = (
    "Var tredje socialsekreterare har arbetat kortare tid än två år i yrket, visar vår undersökning.\n\n"
    "Det är inte rimligt att de nyutbildade får ta de svåraste ärendena utan stöd från erfarna kolleger."
)


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("Av: Anna Berg\n14 mars 2024", ("Anna Berg", None)),
        ("AV ANNA BERG\n14 mars 2024", ("Anna Berg", None)),
        ("av Anna Berg\n14.3.2024", ("Anna Berg", None)),
        ("Av Anna Berg (S), kommunalråd i Malmö\n14 mars 2024", ("Anna Berg", "kommunalråd i Malmö (S)")),
        # No "Av": the name and its title over the date line, or the name and the date.
        ("Anna Berg, socionom och forskare\n14 mars 2024", ("Anna Berg", "socionom och forskare")),
        ("Anna Berg · 14 mars 2024", ("Anna Berg", None)),
        # A reader's letter's address, a party's local branch.
        ("Av Anna Berg, Storgatan 4, 211 34 Malmö\n14 mars 2024", ("Anna Berg", "Storgatan 4, 211 34 Malmö")),
        ("Anna Berg, Storgatan 4, 211 34 Malmö\n14 mars 2024", ("Anna Berg", "Storgatan 4, 211 34 Malmö")),
        (
            "Av Anna Berg, ordförande, Socialdemokraterna i Malmö\n14 mars 2024",
            ("Anna Berg", "ordförande, Socialdemokraterna i Malmö"),
        ),
        # The genre first: these had been the headline, and named no author.
        ("Debattartikel av Anna Berg, socionom\n14 mars 2024", ("Anna Berg", "socionom")),
        ("Krönika av Anna Berg\n14 mars 2024", ("Anna Berg", None)),
        ("Debatindlæg af Anna Berg, socialrådgiver\n14 mars 2024", ("Anna Berg", "socialrådgiver")),
        ("Kronik af Anna Berg\n14 mars 2024", ("Anna Berg", None)),
        # A colon after "Skrevet af", the reading time after the date, the date first:
        # these had named no author, and the last two had been the headline.
        ("Skrevet af: Anna Berg, journalist\n14. marts 2024", ("Anna Berg", "journalist")),
        ("Anna Berg · 14 mars 2024 · 3 min. läsning", ("Anna Berg", None)),
        ("14 mars 2024 | Anna Berg", ("Anna Berg", None)),
        ("14.03.2024 · Anna Berg\nLästid: 4 min", ("Anna Berg", None)),
        # A double surname: these had named no author (the patterns stopped at its second
        # capital), and the two on one line had been the headline.
        ("Anna Berg-Holm\nReporter\n14 mars 2024", ("Anna Berg-Holm", "Reporter")),
        ("Anna Berg-Holm · 14 mars 2024", ("Anna Berg-Holm", None)),
        ("14 mars 2024 | Anna Berg-Holm", ("Anna Berg-Holm", None)),
        ("Anna Berg-Holm, socionom och forskare\n14 mars 2024", ("Anna Berg-Holm", "socionom och forskare")),
        # A name in capitals over a newsroom's title (it had named no author).
        ("ANNA BERG\nReporter\n14 mars 2024", ("Anna Berg", "Reporter")),
    ],
)
def test_pages_bylines_as_swedish_and_danish_sites_print_them(byline, author):
    """Each is the byline, never the headline (a byline longer than the headline had been
    taken for it)."""
    from pipeline.ingest.pages.article import parse_article

    page = f"Socialtjänsten behöver erfarna socionomer\n{byline}\n\n" + SV_BODY
    parts = parse_article(page.split("\n"), "sv", "sida.txt")
    assert (parts.title, parts.created) == ("Socialtjänsten behöver erfarna socionomer", "2024-03-14")
    assert [(a.name, a.description) for a in parts.authors] == [author]
    assert parts.body.startswith("Var tredje socialsekreterare")


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
@pytest.mark.parametrize(
    ("byline", "author"),
    [
        # Under the name and title: no author had been read, and the name was the headline
        # where a blank line stood above it.
        ("Anna Berg\nJournalist\nanna.berg@avisen.dk\n14 mars 2024", ("Anna Berg", "Journalist")),
        ("Anna Berg\nJournalist\nE-post: anna.berg@avisen.dk\n14 mars 2024", ("Anna Berg", "Journalist")),
        # The address had been her title.
        ("Anna Berg\nanna.berg@avisen.dk\n14 mars 2024", ("Anna Berg", None)),
        ("Av Anna Berg | anbe@avisen.dk\n14 mars 2024", ("Anna Berg", None)),
        ("Av Anna Berg, reporter | anbe@avisen.dk\n14 mars 2024", ("Anna Berg", "reporter")),
    ],
)
def test_pages_a_bylines_e_mail_address_is_the_writers_contact_neither_title_nor_text(
    tmp_path, cfg, byline, author, gap
):
    page = f"Socialtjänsten behöver erfarna socionomer{gap}{byline}\n\n" + SV_BODY
    corpus = _page_corpus(tmp_path, page, cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, root.created) == ("Socialtjänsten behöver erfarna socionomer", "2024-03-14")
    assert [(a.name, a.description) for a in root.authors] == [author]
    assert root.text.startswith("Var tredje socialsekreterare") and "@" not in root.text


@pytest.mark.parametrize("label", ["Avisen", "GP Debatt", "Sociala frågor"])
def test_pages_the_sites_or_sections_name_over_the_headline_opening_the_page_leaves_the_headline(tmp_path, cfg, label):
    # One block, no blank line between: it had gone as boilerplate, and the page had no
    # headline.
    page = f"{label}\nSocialtjänsten behöver erfarna socionomer\n\n14 mars 2024\n\n" + SV_BODY
    corpus = _page_corpus(tmp_path, page, cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, root.created) == ("Socialtjänsten behöver erfarna socionomer", "2024-03-14")
    assert root.text.startswith("Var tredje socialsekreterare") and label not in root.text
    assert f"pre-title-label: {label}" in [n.message for n in corpus.notes]


def test_pages_a_greeting_over_a_first_line_opening_the_page_is_no_site_over_a_headline():
    from pipeline.ingest.pages.article import Block, _is_header_block, load_furniture

    furn = load_furniture()
    assert _is_header_block(Block(("Avisen", "Socialtjänsten behöver erfarna socionomer"), 1), furn, first=True)
    assert not _is_header_block(
        Block(("Hej alle,", "Jeg undrer mig over hvorfor kommunen venter"), 1), furn, first=True
    )
    # Below the page's first block, two such lines are left to jusText.
    assert not _is_header_block(Block(("Avisen", "Socialtjänsten behöver erfarna socionomer"), 9), furn)


@pytest.mark.parametrize(
    "line",
    [
        # A headline of the same shape has no date line beside it.
        "Mette Frederiksen, nu må du handle",
        # A breadcrumb names no date.
        "Dansk Socialrådgiverforening · Nyheder",
        "Nyheder · Dansk Socialrådgiverforening",
    ],
)
def test_pages_a_name_shaped_line_without_its_date_is_no_byline(line):
    from pipeline.ingest.pages.article import parse_article

    page = f"{line}\n\nKommunerne mangler socialrådgivere, og politikerne har ikke gjort nok for at holde på dem."
    parts = parse_article(page.split("\n"), "da", "side.txt")
    assert parts.authors == []


@pytest.mark.parametrize("label", ["BARN OCH UNGA", "SOCIALT ARBEJDE"])
@pytest.mark.parametrize("headline", ["Socialtjänsten behöver erfarna socionomer", "Socionomer slutar"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_pages_a_sections_label_in_capitals_over_the_headline_is_neither_author_nor_headline(label, headline, gap):
    # Only a newsroom's title under it ("Reporter") makes a line in capitals a name; a
    # label of as many words as the headline had been taken for the headline.
    from pipeline.ingest.pages.article import parse_article

    page = f"{label}{gap}{headline}{gap}14 mars 2024\n\n" + SV_BODY
    parts = parse_article(page.split("\n"), "sv", "sida.txt")
    assert parts.authors == [] and parts.title == headline


def test_pages_a_scrapers_first_line_with_headline_and_site_names_the_site(tmp_path, cfg):
    """A scraper prints the page's <title> first ("<headline> | <site>"), then the page with
    its headline: the headline is the line without the site's name, and the site is the
    thread's where the manifest names none. A headline with a dash of its own, on no other
    line, stays whole."""
    body = (
        "\n\nHver fjerde socialrådgiver på børne- og ungeområdet har overvejet at finde et andet job, viser en "
        "ny undersøgelse.\n\nDen vigtigste grund er for mange sager, fortæller mange af de adspurgte i "
        "undersøgelsen."
    )
    (tmp_path / "titel.txt").write_text(
        "Hver fjerde socialrådgiver overvejer at sige op | Dansk Socialrådgiverforening\n\nMenu\n\n"
        "Hver fjerde socialrådgiver overvejer at sige op\n\n12. marts 2024" + body,
        encoding="utf-8",
    )
    (tmp_path / "streg.txt").write_text(
        "Socialrådgivere i Odense - nu må kommunen handle\n\n12. marts 2024" + body, encoding="utf-8"
    )
    corpus = ingest_seeds(tmp_path, cfg)
    threads = {t.id: t for t in corpus.threads}
    assert (threads["titel"].title, threads["titel"].site) == (
        "Hver fjerde socialrådgiver overvejer at sige op",
        "Dansk Socialrådgiverforening",
    )
    assert (threads["streg"].title, threads["streg"].site) == ("Socialrådgivere i Odense - nu må kommunen handle", None)


def test_pages_inline_elements_side_by_side_stand_apart_in_a_saved_page(tmp_path, cfg):
    """A byline's name and title in spans with nothing between ("Karen Holm" and
    "Journalist"), share buttons side by side ("Del", "Gem"): apart, as the page's
    stylesheet lays them out (they had run together, "Karen HolmJournalist", one author
    named so); a word split over elements in lower case stays whole."""
    from pipeline.ingest.markup import html_text

    assert html_text("<div><span>Karen Holm</span><span>Journalist</span></div>") == "Karen Holm Journalist"
    assert html_text("<p>social<b>rådgiver</b>ne og <i>Dansk</i> Socialrådgiverforening</p>") == (
        "socialrådgiverne og Dansk Socialrådgiverforening"
    )
    # Two elements the site's classes name are two things, whatever their case.
    assert html_text('<div><span class="name">Anna Berg</span><span class="title">reporter</span></div>') == (
        "Anna Berg reporter"
    )
    corpus = ingest_page(tmp_path, "da_nyhed_spans.html", cfg, kind="article")
    (root,) = corpus.posts
    assert [(a.name, a.description) for a in root.authors] == [("Karen Holm", "Journalist")]
    assert (root.title, root.created, corpus.threads[0].site) == (
        "Socialrådgivere får løft i Odense",
        "2024-03-14T05:00",
        "Fyens.dk",
    )
    assert root.text.startswith("Efter et år med mange opsigelser") and "Gem" not in root.text


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Af Karen Holm", [("Karen Holm", None)]),
        ("Af Karen Holm\nJournalist", [("Karen Holm", "Journalist")]),
        ("Af Karen Holm Journalist", [("Karen Holm", "Journalist")]),
        ("Af Karen Holm og Jens Bo Journalister", [("Karen Holm", "Journalister"), ("Jens Bo", "Journalister")]),
        ("Av Anna Berg och Per Lind Reportrar", [("Anna Berg", "Reportrar"), ("Per Lind", "Reportrar")]),
    ],
)
def test_pages_a_byline_right_under_the_headline_with_no_blank_line(byline, authors):
    """The headline and the byline in one block, no date beside them: read apart (the two
    lines had been kept as the text's first paragraph); a newsroom title run on into the
    name ("Karen Holm Journalist") is the title."""
    from pipeline.ingest.pages.article import parse_article

    lines = ["Lønløft til socialrådgiverne i Odense", *byline.split("\n"), ""]
    lines.append("Det bekræfter Odense Kommune over for avisen, og lønløftet gælder fra 1. april for alle.")
    parts = parse_article(lines, "da", "side.txt")
    assert parts.title == "Lønløft til socialrådgiverne i Odense"
    assert [(a.name, a.description) for a in parts.authors] == authors
    assert parts.body.startswith("Det bekræfter Odense Kommune")


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Mette Jensen har været socialrådgiver i 20 år. (Foto: Ida Odgaard)", "photo-credit"),
        ("FOTO: IDA ODGAARD", "photo-credit"),
        ("Foto af Ida Odgaard", "photo-credit"),
        ("Mette Jensen. (Arkivfoto)", "photo-credit"),
        ("Arkivbild", "photo-credit"),
        ("Han tog et foto af kontoret.", None),
        ("Del · Print", "share"),
        ("Gem", "share"),
        ("Annons", "advertisement"),
        ("Relaterade artiklar", "site-sections"),
        ("Delvis enig", None),
        # A paywall's and an ad slot's words inside the text.
        ("Artiklen fortsætter efter annoncen", "paywall"),
        ("Logga in för att läsa vidare", "paywall"),
        ("Redan prenumerant? Logga in", "paywall"),
        ("Kommentarsfunktionen är stängd", "paywall"),
        ("Kommunen har tegnet et abonnement på rådgivning, som koster 2 mio. kr. om året.", None),
    ],
)
def test_pages_furniture_lines_of_copied_news_pages(line, name):
    from pipeline.ingest.pages.article import furniture_line, load_furniture

    assert furniture_line(line, load_furniture()) == name


def test_pages_an_advertisement_label_between_comments_neither_ends_the_list_nor_is_text(tmp_path, cfg):
    page = (
        "Socialsekreterarna i Växjö får lönelyft\n\nAv Lars Ek\n\n14 mars 2024\n\n"
        "Höjningen är 2 500 kronor i månaden och gäller från den 1 april, skriver kommunen i ett pressmeddelande.\n\n"
        "Kommentarer (2)\n\nKarin Ström · 14 mars 2024 kl. 08.12\nÄntligen! Jag har jobbat här i nio år.\n\n"
        "Annons\n\nPer Olsson · 14 mars 2024 kl. 09.40\nPengar hjälper inte om ärendemängden är densamma.\n"
    )
    (tmp_path / "annons.txt").write_text(page, encoding="utf-8")
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.text) for p in corpus.posts[1:]] == [
        ("Karin Ström", "Äntligen! Jag har jobbat här i nio år."),
        ("Per Olsson", "Pengar hjälper inte om ärendemängden är densamma."),
    ]
    assert "advertisement: Annons" in {n.message for n in corpus.notes}


def test_pages_an_ad_slots_words_between_paragraphs_with_no_blank_line_take_no_paragraph_with_them():
    from pipeline.ingest.pages.article import parse_article

    page = (
        "Socialrådgivere får løft i Odense\n\nAf Karen Holm\n\n14. marts 2024\n\n"
        "Det bekræfter Odense Kommune over for avisen. Lønløftet gælder fra 1. april for alle.\n"
        "Artiklen fortsætter efter annoncen\n"
        "Dansk Socialrådgiverforening kalder lønløftet et skridt i den rigtige retning, men ikke nok.\n\n"
        "Artiklen fortsætter efter annoncen\n"
        "- Vi har mistet for mange dygtige folk, siger rådmand Susanne Crawley Larsen (R)."
    )
    parts = parse_article(page.split("\n"), "da", "side.txt")
    assert parts.body.split("\n\n") == [
        "Det bekræfter Odense Kommune over for avisen. Lønløftet gælder fra 1. april for alle.",
        "Dansk Socialrådgiverforening kalder lønløftet et skridt i den rigtige retning, men ikke nok.",
        "- Vi har mistet for mange dygtige folk, siger rådmand Susanne Crawley Larsen (R).",
    ]


@pytest.mark.parametrize(
    ("ending", "author"),
    [
        (
            "Om skribenten\nAnna Berg är socionom och krönikör i tidningen.",
            ("Anna Berg", "socionom och krönikör i tidningen"),
        ),
        ("ANNA BERG\nsocionom och krönikör", ("Anna Berg", "socionom och krönikör")),
        ("/Anna Berg, socionom", ("Anna Berg", "socionom")),
        ("– Anna Berg, socionom", ("Anna Berg", "socionom")),
    ],
)
def test_pages_how_columns_and_letters_say_who_wrote_them_at_the_end(ending, author):
    """Under "Om skribenten", in capitals over the title, after a slash or a dash: the
    author, not the column's last paragraph."""
    from pipeline.ingest.pages.article import parse_article

    page = (
        "KRÖNIKA\nSocialtjänsten måste våga prioritera\n14 mars 2024\n\n"
        "Var tredje socialsekreterare har arbetat kortare tid än två år i yrket, och det märks varje dag.\n\n"
        f"Det är inte rimligt att de nyutbildade får ta de svåraste ärendena utan stöd.\n\n{ending}"
    )
    parts = parse_article(page.split("\n"), "sv", "sida.txt")
    assert [(a.name, a.description) for a in parts.authors] == [author]
    assert parts.body.endswith("utan stöd.") and "Berg" not in parts.body


def _read_shaped(tmp_path, cfg, pages: list[Path], shape, name: str):
    """The pages as saved, and as `shape` rewrites each (a browser's copy, a text dump, a
    minifier), each read as a folder of pages: (corpus as saved, corpus reshaped), and the
    posts of each by thread."""
    corpora = []
    for folder, change in (("as_saved", lambda t: t), (name, shape)):
        (tmp_path / folder).mkdir()
        for page in pages:
            (tmp_path / folder / page.name).write_text(change(page.read_text(encoding="utf-8")), encoding="utf-8")
        corpus = ingest_seeds(tmp_path / folder, cfg)
        posts: dict[str, list] = {}
        for p in corpus.posts:
            posts.setdefault(p.thread_id, []).append(p)
        corpora.append((corpus, posts))
    return corpora


def test_pages_each_text_page_copied_without_blank_lines_reads_as_with_them(tmp_path, cfg):
    """A browser's copy puts headings, menus, bylines and buttons on lines of their own with
    no blank line between (only a paragraph gets one): every text page in tests/pages so
    copied gives the same headline, date, authors and comments as the page itself."""

    def glued(text: str) -> str:
        out: list[str] = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            if len(line.strip()) > 90 and out and out[-1] != "":
                out.append("")
            out.append(line)
        return "\n".join(out) + "\n"

    pages = sorted(PAGES.glob("*.txt"))

    def reading(corpus, posts: dict) -> dict:
        return {
            t.id: (t.title, t.created, [[(a.name, a.description) for a in p.authors] for p in posts[t.id]])
            for t in corpus.threads
        }

    as_saved, copied = (reading(*read) for read in _read_shaped(tmp_path, cfg, pages, glued, "glued"))
    assert len(as_saved) == len(pages)
    assert {k: v for k, v in copied.items() if v != as_saved[k]} == {}


def test_pages_a_comment_list_of_whole_sentences_a_line_each_is_not_taken_for_wrapped_text():
    from pipeline.ingest.pages.unwrap import unwrapped

    comments = [
        "Det er jo ikke rigtigt at det kun handler om penge for kommunerne i Danmark i dag.",
        "Jeg er helt enig med Mette i at ledelsen også har et ansvar for hele situationen.",
        "Socialrådgiverne har for mange sager og for lidt tid til borgerne i kommunerne.",
        "Det handler om prioriteringer i byrådet og ikke om flere penge til kommunerne nu.",
    ]
    page = "Kommentarer\n" + "".join(f"Navn {n} · 14. marts 2024\n{c}\nSvar\n" for n, c in enumerate(comments))
    assert unwrapped(page) == (page, None)


@pytest.mark.parametrize("width", [72, 78])
def test_pages_each_text_page_wrapped_by_a_text_dump_reads_as_unwrapped(tmp_path, cfg, width):
    """html2text wraps its text at 78 characters, other dumps at 72 to 80: every text page
    in tests/pages and the seeds so wrapped gives the same headline, date, authors, texts
    and parents as the page itself (wrapped, a paragraph's lines had been taken for
    headlines and names), with a note saying the lines were rejoined."""
    import textwrap

    from pipeline.ingest.pages.unwrap import unwrapped

    def wrapped(text: str) -> str:
        out: list[str] = []
        for line in text.split("\n"):
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(
                textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
                if len(line) > width
                else [line]
            )
        return "\n".join(out)

    pages = sorted(PAGES.glob("*.txt")) + sorted(Path("seeds").glob("*.txt"))
    # Pages that were not wrapped are read as they are.
    assert all(unwrapped(page.read_text(encoding="utf-8"))[1] is None for page in pages)

    def reading(corpus, posts: dict) -> tuple[dict, list]:
        notes = [n.message for n in corpus.notes if "were wrapped" in n.message]
        return {
            t.id: (
                t.title,
                t.created,
                [([a.name for a in p.authors], " ".join(p.text.split()), p.parent_id) for p in posts[t.id]],
            )
            for t in corpus.threads
        }, notes

    (as_saved, none), (rejoined, notes) = (
        reading(*read) for read in _read_shaped(tmp_path, cfg, pages, wrapped, "wrapped")
    )
    assert {k: v for k, v in rejoined.items() if v != as_saved[k]} == {}
    assert none == [] and len(notes) >= len(pages) // 2
    assert all(int(re.search(r"none longer than (\d+)", n)[1]) <= width for n in notes)


def test_pages_each_html_page_saved_minified_reads_as_written_out(tmp_path, cfg):
    """Pages a script builds in the browser are saved with no whitespace between their
    elements: every HTML page in tests/pages so saved gives the same headline, date,
    authors, texts and parents as the page itself (Drupal's author and date had run
    together into "Lena Holmons")."""
    pages = sorted(PAGES.glob("*.html"))

    def reading(corpus, posts: dict) -> dict:
        return {
            t.id: (
                t.title,
                t.created,
                [([(a.name, a.description) for a in p.authors], p.text, p.parent_id) for p in posts[t.id]],
            )
            for t in corpus.threads
        }

    def minify(page: str) -> str:
        return re.sub(r">\s+<", "><", page)

    as_saved, minified = (reading(*read) for read in _read_shaped(tmp_path, cfg, pages, minify, "minified"))
    assert len(as_saved) >= len(pages) - 2  # two pages are later pages of a thread, joined
    assert {k: v for k, v in minified.items() if v != as_saved[k]} == {}


def test_pages_a_hyphen_list_becomes_bullets_and_a_quotation_dash_stays():
    from pipeline.ingest.pages.article import parse_article

    page = (
        "Nye krav til kommunerne\n\n"
        "Foreningen foreslår tre ting, som kommunerne skal gøre for at holde på socialrådgiverne:\n\n"
        "- et loft over antallet af sager per socialrådgiver\n- mere tid til supervision og sparring\n\n"
        "- Det er ikke nok at tale om det, siger formanden for Dansk Socialrådgiverforening."
    )
    paragraphs = parse_article(page.split("\n"), "da", "side.txt").body.split("\n\n")
    assert paragraphs[1:] == [
        "• et loft over antallet af sager per socialrådgiver\n• mere tid til supervision og sparring",
        "- Det er ikke nok at tale om det, siger formanden for Dansk Socialrådgiverforening.",
    ]


def test_pages_a_paragraph_run_on_into_the_footer_stays_text(tmp_path, cfg):
    """ "Planen behandles i byrådet den 20. marts." over "Kontakt" and "Sidst opdateret: ..."
    with no blank line between: the sentence is the text's last, the rest furniture (the
    whole block had gone as navigation)."""
    corpus = ingest_page(tmp_path, "da_kommune_nyhed.txt", cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, root.created, root.authors) == ("Ny plan skal holde på socialrådgiverne", "2024-03-05", ())
    assert root.text.startswith("Aarhus Kommune vil med en ny fastholdelsesplan")
    assert root.text.endswith("\n\nPlanen behandles i byrådet den 20. marts.")
    assert "Presseansvarlig" not in root.text and "Kontakt" not in root.text


def test_pages_a_name_over_a_title_under_the_lead_beside_the_date_is_the_author(tmp_path, cfg):
    """ "Heike Erkers" / "ordförande Akademikerförbundet SSR" / "Publicerad: ..." under the
    lead is the byline; the same name signing the end is the same author, not a second."""
    corpus = ingest_page(tmp_path, "sv_debattartikel_kopierad.txt", cfg, kind="article", lang="sv")
    (root,) = corpus.posts
    assert (root.title, root.created) == (
        "Socialsekreterarna lämnar – nu måste arbetsgivarna agera",
        "2024-03-14T06:00",
    )
    assert [(a.name, a.description) for a in root.authors] == [("Heike Erkers", "ordförande Akademikerförbundet SSR")]
    assert root.text.startswith("Personalomsättningen inom socialtjänsten är ohållbar.")
    assert root.text.endswith("betalar för erfarenhet.")


def test_pages_a_name_and_its_title_on_lines_apart_above_the_date_give_the_author(tmp_path, cfg):
    """Each line of the page's top a paragraph of its own (blank lines between): the name,
    then "Socialrådgiver og ph.d.-studerende" (an abbreviation's dots are no sentence's),
    then the date. The closing line that says the same ("... er socialrådgiver og
    ph.d.-studerende ved Aalborg Universitet.") is no argument of the kronik."""
    corpus = ingest_page(tmp_path, "da_kronik_med_kommentarer.txt", cfg)
    root = corpus.posts[0]
    assert (root.title, root.created) == ("Socialrådgivere er ikke robotter", "2024-03-07")
    assert [(a.name, a.description) for a in root.authors] == [
        ("Anne Marie Jensen", "Socialrådgiver og ph.d.-studerende")
    ]
    assert root.text.endswith("belønne de afdelinger, der holder på deres medarbejdere.")
    assert [a.name for p in corpus.posts[1:] for a in p.authors] == ["Jens Hansen", "Karsten Aaen", "Birgitte Olsen"]


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (
            "Anna Berg och Lisa Holm är socionomer i Malmö stad.",
            (("Anna Berg", "Lisa Holm"), "socionomer i Malmö stad"),
        ),
        # How someone is, or what they did, is no title: a news story's last line.
        ("Pernille Rosenkrantz-Theil er ikke vendt tilbage på henvendelser.", None),
        ("Karen Holm er enig.", None),
        (
            "Anne Marie Jensen er socialrådgiver og ph.d.-studerende ved Aalborg Universitet.",
            (("Anne Marie Jensen",), "socialrådgiver og ph.d.-studerende ved Aalborg Universitet"),
        ),
        ("Det er svært at se en løsning.", None),
    ],
)
def test_pages_a_closing_author_line_says_what_its_people_are(line, found):
    from pipeline.ingest.pages.article import Block, _author_line

    assert _author_line(Block([line], 1)) == found


PRESENTING = "Anna Svensson är socionom och arbetar i Göteborg."


@pytest.mark.parametrize(
    "top",
    [
        f"DEBATT\n\nSocialtjänsten behöver erfarna socionomer\n\n14 mars 2024\n\n{PRESENTING}",
        f"DEBATT\n\nSocialtjänsten behöver erfarna socionomer\n\n{PRESENTING}\n\n14 mars 2024",
        f"Debatt\nSocialtjänsten behöver erfarna socionomer\n14 mars 2024\n\n{PRESENTING}",
        # Long enough for jusText to keep it as the text's first paragraph.
        "DEBATT\n\nSocialtjänsten behöver erfarna socionomer\n\n14 mars 2024\n\nAnna Svensson är socionom och har "
        "arbetat med barn och unga i Göteborgs stad i tjugo år, senast som enhetschef i Angered.",
    ],
)
def test_pages_an_op_eds_presenting_line_above_its_text_names_its_author(tmp_path, cfg, top):
    """The line debate pages put between the headline and the text ("Anna Svensson är
    socionom ...") says who wrote the piece: it had gone as boilerplate (or opened the text)
    and the page had no author."""
    corpus = _page_corpus(tmp_path, f"{top}\n\n{SV_BODY}", cfg, kind="article")
    (root,) = corpus.posts
    assert [a.name for a in root.authors] == ["Anna Svensson"]
    assert root.authors[0].description.startswith("socionom och ")
    assert root.text == SV_BODY and corpus.threads[0].title == "Socialtjänsten behöver erfarna socionomer"
    assert "author from presenting line: Anna Svensson" in [n.message for n in corpus.notes]


@pytest.mark.parametrize(
    "top",
    [
        # A news story (no section says opinion): the line is about someone in it.
        f"Socialtjänsten behöver erfarna socionomer\n\n14 mars 2024\n\n{PRESENTING}",
        # The byline names another writer: the line presents no author of the piece.
        f"DEBATT\n\nSocialtjänsten behöver erfarna socionomer\n\n14 mars 2024\n\nAv Lisa Holm\n\n{PRESENTING}",
    ],
)
def test_pages_a_presenting_line_names_no_author_of_a_news_story_or_beside_anothers_byline(tmp_path, cfg, top):
    corpus = _page_corpus(tmp_path, f"{top}\n\n{SV_BODY}", cfg, kind="article")
    (root,) = corpus.posts
    assert "Anna Svensson" not in [a.name for a in root.authors]


def test_pages_a_readers_letter_signed_with_name_title_and_town(tmp_path, cfg):
    """A local paper's reader's letter ends with its signature a line each: the name, the
    writer's title, the town. The writer is its author, described by the other two lines
    (the title is what the role rules read); "Læserbrev:" before the headline is the
    section's name, not part of the claim."""
    corpus = ingest_page(tmp_path, "da_laeserbrev_underskrift.txt", cfg, kind="article")
    (root,) = corpus.posts
    assert [(a.name, a.description) for a in root.authors] == [("Karen Holm", "Socialrådgiver, Viby J")]
    assert corpus.threads[0].target == "Giv socialrådgiverne tid til borgerne"
    assert root.text.endswith("Ellers mister vi de dygtige kolleger, vi har tilbage.")


@pytest.mark.parametrize(
    "header",
    ["Debat (2)", "Diskussion (2)", "Kommentarer til artiklen", "Vis kommentarer (2)", "Skriv en kommentar"],
)
def test_pages_a_comment_list_opens_under_the_headers_nordic_sites_give_it(tmp_path, cfg, header):
    """ "Debat (2)", "Kommentarer til artiklen", a prompt above the list: each opens the
    comment list (before, the comments were read as the article's last paragraphs)."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    (tmp_path / "side.txt").write_text(
        base + f"{header}\n\nMette Kjær · 14. marts 2024 10:14\nKommunerne må tage ansvaret.\nSvar · Synes godt om\n\n"
        "Ole Berg · 14. marts 2024 11:02\nDet er for nemt at skyde på kommunerne.\nSvar · Synes godt om\n",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", "Kommunerne må tage ansvaret."),
        ("Ole Berg", "Det er for nemt at skyde på kommunerne."),
    ]
    assert corpus.posts[0].text.endswith("Kommunerne peger på økonomien.")


@pytest.mark.parametrize("number", ["#{n}", "{n}.", "{n})", "Kommentar #{n}:"])
def test_pages_a_comment_s_number_before_its_author_is_no_part_of_the_name(tmp_path, cfg, number):
    """Sites that count their comments print the number before the name ("#2 Ole Berg ·
    14.03.2024 kl. 11:02", "2. Ole Berg", "Kommentar #2: Ole Berg"): the commenter is Ole
    Berg, and his "Svar til Mette Kjær" answers her."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    first, second = number.format(n=1), number.format(n=2)
    (tmp_path / "side.txt").write_text(
        base + f"Kommentarer (2)\n\n{first} Mette Kjær · 14.03.2024 kl. 10:14\nKommunerne må tage ansvaret.\n"
        "Svar · Anmeld\n\n"
        f"{second} Ole Berg · 14.03.2024 kl. 11:02\nSvar til Mette Kjær\nDet er for nemt.\nSvar · Anmeld\n",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.created) for p in corpus.posts[1:]] == [
        ("Mette Kjær", "2024-03-14T10:14"),
        ("Ole Berg", "2024-03-14T11:02"),
    ]
    assert corpus.posts[2].parent_id == corpus.posts[1].id


def test_pages_a_danish_date_with_one_slash_and_the_year_after_a_dash_is_read_day_first(tmp_path, cfg):
    """ "14/3-2024 kl. 10.14" is how Danish writes 14 March: a comment's date so printed is read."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    (tmp_path / "side.txt").write_text(
        base + "Kommentarer (1)\n\nMette Kjær · 14/3-2024 kl. 10.14\nKommunerne må tage ansvaret.\nSvar\n",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.created) for p in corpus.posts[1:]] == [("Mette Kjær", "2024-03-14T10:14")]


def test_pages_a_facebook_post_copied_as_text_with_its_comments(tmp_path, cfg):
    """A page's Facebook post and its comments, selected and copied as text: the post's
    author and time ("14. marts kl. 10:14 ·", no year: unread, with a note) over its text,
    the buttons and counts under it dropped; "Mest relevante" (the sort) no commenter; each
    comment's time printed under its text ("3 t") and over its buttons, not read as the
    next comment's author and date (the text above it had been taken for a name)."""
    corpus = ingest_page(tmp_path, "da_facebook_opslag.txt", cfg, kind="auto")
    root, *comments = corpus.posts
    assert [a.name for a in root.authors] == ["Dansk Socialrådgiverforening"] and root.created is None
    assert root.text.startswith("Hver femte socialrådgiver") and root.text.endswith("Skriv din mening i kommentarerne.")
    assert [(c.authors[0].name, c.text[:30]) for c in comments] == [
        ("Mette Kjær", "Flere hænder og færre sager pe"),
        ("Ole Berg", "Mette Kjær det koster penge, s"),
        ("Jens Lund", "Jeg har selv været socialrådgi"),
    ]
    assert comments[1].parent_id == comments[0].id
    assert corpus.threads[0].target == "Hver femte socialrådgiver har forladt sit job inden for det seneste år."
    notes = {n.message for n in corpus.notes}
    assert "comment date '3 t' is relative to when the page was saved: left empty" in notes
    assert any(m.startswith("the post's date '14. marts kl. 10:14' is printed without its year") for m in notes)
    # Swedish Facebook: "Gilla", "Svara", "3 tim", "Mest relevanta".
    swedish = (PAGES / "da_facebook_opslag.txt").read_text(encoding="utf-8")
    for da, sv in (
        ("Synes godt om", "Gilla"),
        ("\nSvar\n", "\nSvara\n"),
        (" t\n", " tim\n"),
        ("relevante", "relevanta"),
    ):
        swedish = swedish.replace(da, sv)
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv" / "inlagg.txt").write_text(swedish, encoding="utf-8")
    again = ingest_seeds(tmp_path / "sv", cfg)
    assert [(c.authors[0].name, c.text) for c in again.posts[1:]] == [(c.authors[0].name, c.text) for c in comments]
    assert "comment date '3 tim' is relative to when the page was saved: left empty" in {n.message for n in again.notes}


def test_pages_facebook_badges_over_and_under_a_name_are_no_name_and_no_text(tmp_path, cfg):
    """Facebook prints "Topfan" over a commenter's name and "Forfatter" under it: the badge
    had been the commenter (Mette Kjær's name the first line of her text) or the first line
    of the text. A badge under the name is the commenter's description."""
    page = (PAGES / "da_facebook_opslag.txt").read_text(encoding="utf-8")
    page = page.replace("Mette Kjær\nFlere", "Topfan\nMette Kjær\nFlere").replace(
        "Ole Berg\nMette", "Ole Berg\nForfatter\nMette"
    )
    root, mette, ole, jens = _page_corpus(tmp_path, page, cfg, name="opslag.txt", kind="auto").posts
    assert [(a.name, a.description) for c in (mette, ole) for a in c.authors] == [
        ("Mette Kjær", None),
        ("Ole Berg", "Forfatter"),
    ]
    assert mette.text.startswith("Flere hænder") and ole.text.startswith("Mette Kjær det koster")


@pytest.mark.parametrize(
    ("stamps", "oldest"),
    [(("for 3 timer siden", "for 2 timer siden", "for 40 minutter siden"), "Mette Kjær"),
     (("i dag kl. 09:12", "i går kl. 21:40", "for 3 dage siden"), "Jens Lund")],
)  # fmt: skip
def test_pages_dates_relative_to_the_saving_tell_which_comment_is_oldest(tmp_path, cfg, stamps, oldest):
    """No comment has an absolute date and none answers another: the ages the relative dates
    say (3 hours, 2 hours, 40 minutes ago) fall down a page that lists the oldest first and
    rise down one that lists the newest first; comments are numbered from the oldest."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    names = ("Mette Kjær", "Ole Berg", "Jens Lund")
    listing = "".join(
        f"{n} · {s}\nEn kommentar nummer {k}.\nSvar · Synes godt om\n\n"
        for k, (n, s) in enumerate(zip(names, stamps, strict=True))
    )
    (tmp_path / "side.txt").write_text(base + "Kommentarer (3)\n\n" + listing, encoding="utf-8")
    corpus = ingest_seeds(tmp_path, cfg)
    assert corpus.posts[1].authors[0].name == oldest
    assert all(p.created is None for p in corpus.posts[1:])


@pytest.mark.parametrize(
    ("header", "description"),
    [
        ("{name} skriver 14. marts 2024 kl. {time}", None),
        ("{name} skrev d. 14. marts 2024 kl. {time}:", None),
        ("Skrevet af {name} den 14.03.2024 kl. {time}", None),
        ("Indsendt af {name} den 14.03.2024 - {time}", None),
        ("Af {name}, 14. marts 2024 kl. {time}", None),
        ("{name} (socialrådgiver) · 14. marts 2024 kl. {time}", "socialrådgiver"),
        # Swedish blogs and comment systems.
        ("Postat av: {name} · 14 mars 2024 kl {time}", None),
        ("Kommentar av {name} den 14 mars 2024 kl {time}", None),
        ("{name} svarade 14 mars 2024 kl {time}", None),
        ("Svar från {name} · 14 mars 2024 kl {time}", None),
    ],
)
def test_pages_comment_headers_that_say_who_wrote_when_in_words(tmp_path, cfg, header, description):
    """Older Danish debate sites print a comment's header in words ("Skrevet af Mette Kjær den
    14.03.2024 kl. 10:14", "Mette Kjær skrev d. ...:"), or the commenter's title in
    parentheses: each opens a comment by that name, at that time (before, the first four
    found no comment list at all)."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    first = header.format(name="Mette Kjær", time="10:14")
    second = header.format(name="Ole Berg", time="11:02")
    (tmp_path / "side.txt").write_text(
        base + f"Kommentarer (2)\n\n{first}\nKommunerne må tage ansvaret.\nSvar\n\n{second}\nDet er for nemt.\nSvar\n",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.authors[0].description, p.created, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", description, "2024-03-14T10:14", "Kommunerne må tage ansvaret."),
        ("Ole Berg", description, "2024-03-14T11:02", "Det er for nemt."),
    ]


def test_pages_a_flarum_discussion_reads_its_post_stream_and_mentions(tmp_path, cfg):
    """Flarum builds its discussion in the browser: each post a PostStream-item with its
    number, time and id, its author's name beside an avatar that prints the name's initial
    ("KKarin_S" as text), its text in Post-body. A reply made with the reply button opens
    with a mention naming the post it answers ("@Mogens", data-id 102): it answers that
    post (evidence `structured-data`). A deleted account's post keeps its place with no
    author; an event (the discussion stickied) is no post; the copy in <noscript> for search
    engines is not read twice."""
    corpus = ingest_page(tmp_path, "da_flarum_traad.html", cfg, kind="auto")
    root, *comments = corpus.posts
    assert (root.title, [a.name for a in root.authors], root.created) == (
        "Loft over børnesager – realistisk?",
        ["Karin_S"],
        "2024-03-14T08:12:00+00:00",
    )
    assert root.text.startswith("Kommunen vil indføre et loft på 25 børnesager")
    assert [
        (c.id.rsplit("/", 1)[-1], c.authors[0].name if c.authors and c.authors[0].name else None) for c in comments
    ] == [
        ("c01", "Mogens"),
        ("c02", "Lars_H"),
        ("c03", None),
        ("c04", "Mogens"),
    ]
    parents = [c.parent_id.rsplit("/", 1)[-1] if "/" in c.parent_id else "root" for c in comments]
    assert parents == ["root", "c01", "root", "c02"]
    assert [e.rule for e in comments[1].parent_evidence if e.decided][0] == "structured-data"
    assert comments[1].text.startswith("@Mogens Og hvem skal så tage de sager")


def test_pages_a_flarum_page_that_starts_at_post_2_lacks_only_its_opening_post(tmp_path, cfg):
    """Flarum numbers the opening post #1: a page saved from post #2 is a later page of the
    discussion (its opening post elsewhere), not a link post with a title and no text whose
    author and date the page does not print."""
    page = (PAGES / "da_flarum_traad.html").read_text(encoding="utf-8")
    first, second = (page.index(f'<div class="PostStream-item" data-index="{i}"') for i in (0, 1))
    (tmp_path / "side2.html").write_text(page[:first] + page[second:], encoding="utf-8")
    corpus = ingest_seeds(tmp_path, cfg)
    assert [n.message for n in corpus.notes if n.kind == "missing"] == [
        "the page starts at post #2: the thread's opening post is on another page"
    ]
    assert [a.name for p in corpus.posts[1:] for a in p.authors if a.name] == ["Mogens", "Lars_H", "Mogens"]


def test_pages_a_comment_list_laid_out_in_a_table_reads_cell_by_cell(tmp_path, cfg):
    """An older site lays its comments out as table rows, name and date in one cell, the
    text in the next: cells are read apart, as a browser shows them (they had run together,
    "14.03.2024 10:14Kommunerne må ...", and no comment was found)."""
    from pipeline.ingest.markup import html_text

    assert html_text("<table><tr><th>Navn</th><th>Tekst</th></tr><tr><td>Ole</td><td>Hej</td></tr></table>") == (
        "Navn\n\nTekst\n\nOle\n\nHej"
    )
    rows = "".join(
        f'<tr><td class="navn"><b>{name}</b><br>{when}</td><td class="tekst">{text}</td></tr>'
        for name, when, text in (
            ("Mette Kjær", "14.03.2024 10:14", "Kommunerne må tage ansvaret for arbejdsmiljøet."),
            ("Ole Berg", "14.03.2024 11:02", "Det er for nemt at skyde på kommunerne alene."),
        )
    )
    (tmp_path / "side.html").write_text(
        "<!DOCTYPE html><html lang='da'><head><title>Socialrådgivere flygter | Avisen</title></head><body>"
        "<h1>Socialrådgivere flygter</h1><p>Af Karen Holm · 14. marts 2024</p><p>Hver femte socialrådgiver har "
        "forladt sit job inden for det seneste år, viser en ny undersøgelse fra Dansk Socialrådgiverforening.</p>"
        f"<h2>Kommentarer (2)</h2><table>{rows}</table><p>© Avisen 2024</p></body></html>",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.created, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", "2024-03-14T10:14", "Kommunerne må tage ansvaret for arbejdsmiljøet."),
        ("Ole Berg", "2024-03-14T11:02", "Det er for nemt at skyde på kommunerne alene."),
    ]


def test_pages_a_comment_s_date_printed_above_its_author(tmp_path, cfg):
    """Some widgets print a comment's date on the line above its author's name ("14. marts
    2024 kl. 10:14" / "Mette Kjær"): each such pair opens a comment (before, only the first
    comment was found, without its date)."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    (tmp_path / "side.txt").write_text(
        base + "Kommentarer (2)\n\n14. marts 2024 kl. 10:14\nMette Kjær\nKommunerne må tage ansvaret.\nSvar\n\n"
        "14. marts 2024 kl. 11:02\nOle Berg\nDet er for nemt.\nSvar\n",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.created, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", "2024-03-14T10:14", "Kommunerne må tage ansvaret."),
        ("Ole Berg", "2024-03-14T11:02", "Det er for nemt."),
    ]


def test_pages_comments_named_by_camel_case_or_bem_classes(tmp_path, cfg):
    """Widgets name their parts in camelCase (Facebook's comments plugin: "UFIComment",
    "UFICommentActorName", "UFICommentBody", the time as epoch seconds in "data-utime") or
    BEM ("comment__author", "comment__body"): read as the dashed words they are."""
    from pipeline.ingest.pages.comment_markup import marked_thread

    facebook = "".join(
        f'<div class="UFIComment UFIRow"><div class="UFICommentContent"><a class="UFICommentActorName" href="#">{name}'
        f'</a> <span class="UFICommentBody"><span>{text}</span></span></div><div class="UFICommentActions">'
        f'<a class="UFILikeLink">Synes godt om</a> <abbr class="UFISutroCommentTimestamp livetimestamp" '
        f'data-utime="{utime}" title="for 2 år siden">2 år</abbr></div></div>'
        for name, text, utime in (
            ("Mette Kjær", "Kommunerne må tage ansvaret.", 1710411240),
            ("Ole Berg", "Nej.", 1710414120),
        )
    )
    bem = "".join(
        f'<li class="comment"><span class="comment__author">{name}</span>'
        f'<div class="comment__body"><p>{text}</p></div></li>'
        for name, text in (("Mette Kjær", "Kommunerne må tage ansvaret."), ("Ole Berg", "Nej."))
    )
    for page, dates in ((facebook, ["2024-03-14T10:14:00", "2024-03-14T11:02:00"]), (bem, [None, None])):
        thread = marked_thread(f"<html><body><div>{page}</div></body></html>")
        assert [(c.author, c.text, c.created) for c in thread.comments] == [
            ("Mette Kjær", "Kommunerne må tage ansvaret.", dates[0]),
            ("Ole Berg", "Nej.", dates[1]),
        ]


@pytest.mark.parametrize(
    "buttons",
    [
        "Svar ↓",
        "↳ Svar",
        "Svar (3) · Synes godt om (4)",
        "Anmeld kommentar",
        "Anmäl inlägg",
        # Who reacted, on a line of its own.
        "Lone Berg og 2 andre synes godt om dette",
        "5 personer gillar detta",
    ],
)
def test_pages_button_rows_with_arrows_counts_in_parentheses_and_report_links(tmp_path, cfg, buttons):
    """A blog theme's "Svar ↓", a count in parentheses, a "report" link in words, a line of
    who reacted: a row of buttons, not the comment's text (after it, the next comment
    opens)."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    (tmp_path / "side.txt").write_text(
        base + f"Kommentarer (2)\n\nMette Kjær · 14. marts 2024 10:14\nKommunerne må tage ansvaret.\n{buttons}\n\n"
        f"Ole Berg · 14. marts 2024 11:02\nDet er for nemt.\n{buttons}\n",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", "Kommunerne må tage ansvaret."),
        ("Ole Berg", "Det er for nemt."),
    ]


def test_pages_a_first_name_that_is_also_a_function_word_names_no_one():
    """ "Hans argument holder ikke" opens with "hans" (his), not with Hans Jensen's name; "Tak
    Karin" names Karin Ek, the only Karin."""
    from pipeline.ingest.replies import _commenter_mention

    earlier = [("Hans Jensen", "t/c01", True), ("Karin Ek", "t/c02", True)]
    assert _commenter_mention("Hans argument holder ikke.", "Ole Berg", earlier) is None
    assert _commenter_mention("Tak Karin, enig.", "Ole Berg", earlier) == ("Karin", "t/c02")
    assert _commenter_mention("Enig med Hans Jensen.", "Ole Berg", earlier) == ("Hans Jensen", "t/c01")


def test_pages_comment_dates_that_read_two_ways_still_open_and_order_comments(tmp_path, cfg):
    """The Drupal page saved as text: its dates print with slashes and no stamp, and every
    one reads both ways ("man, 11/03/2024 - 10:14": 11 March or 3 November?). Each still
    opens its comment, dated by neither reading (a note says why), and as both readings
    rise down the page the oldest is on top. Before, the list fell apart (a subject line
    read as a commenter, dates as texts)."""
    from pipeline.ingest.markup import html_text

    (tmp_path / "side.txt").write_text(
        html_text((PAGES / "da_drupal_traad.html").read_text(encoding="utf-8")), encoding="utf-8"
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.created, p.text[:20]) for p in corpus.posts[1:]] == [
        ("Henrik Vestergaard", None, "Kommunerne må tage a"),
        ("Maja Krogh", None, "Det er for nemt at s"),
        ("Henrik Vestergaard", None, "Enig i at staten har"),
        ("Sofie Lund", None, "Som nyuddannet socia"),
        ("Anonym", None, "Hvorfor bliver I så?"),
    ]
    assert "comment date 'man, 11/03/2024 - 10:14' reads two ways (day or month first?): left empty" in {
        n.message for n in corpus.notes
    }


def test_pages_buttons_printed_at_the_end_of_a_comment_s_header(tmp_path, cfg):
    """A widget that prints the buttons on the header's line ("Mette Kjær · 14. marts 2024
    10:14 · Svar · Anmeld"): the header still opens the comment (no comment list had been
    found)."""
    base = _COLLAPSED.split("Kommentarer (5)")[0]
    (tmp_path / "side.txt").write_text(
        base + "Kommentarer (2)\n\nMette Kjær · 14. marts 2024 10:14 · Svar · Anmeld\nKommunerne må tage ansvaret.\n\n"
        "Ole Berg · 14. marts 2024 11:02 · Svar · Anmeld\nDet er for nemt.\n",
        encoding="utf-8",
    )
    corpus = ingest_seeds(tmp_path, cfg)
    assert [(p.authors[0].name, p.created, p.text) for p in corpus.posts[1:]] == [
        ("Mette Kjær", "2024-03-14T10:14", "Kommunerne må tage ansvaret."),
        ("Ole Berg", "2024-03-14T11:02", "Det er for nemt."),
    ]


def test_pages_a_news_story_s_last_sentence_about_someone_is_no_author_line(tmp_path, cfg):
    """Only an opinion piece (a section label such as "KRONIK", a headline such as
    "Læserbrev: ...", an opinion page's disclaimer) ends by saying who wrote it: a news
    story's last "X er Y." is about someone in it, and stays its text."""
    page = (PAGES / "da_kronik_forfatterlinje.txt").read_text(encoding="utf-8")
    news = page.replace("KRONIK\n", "").replace(
        "Mads Bilstrup er formand for Dansk Socialrådgiverforening.", "Mette Frederiksen er statsminister."
    )
    assert news != page
    (tmp_path / "nyhed.txt").write_text(news, encoding="utf-8")
    (root,) = ingest_seeds(tmp_path, cfg).posts
    assert root.authors == ()
    assert root.text.endswith("Mette Frederiksen er statsminister.")
    # A menu's "Debat" elsewhere on the page is no section label of this story.
    menu = news.replace("Gå til indhold\nNyheder\nDebat\n", "Gå til indhold\n\nDebat\n\nNyheder\n")
    assert menu != news
    (tmp_path / "nyhed.txt").write_text(menu, encoding="utf-8")
    (root,) = ingest_seeds(tmp_path, cfg).posts
    assert root.authors == () and root.text.endswith("er statsminister.")


def _page_corpus(tmp_path, text: str, cfg, name: str = "side.txt", kind: str = "thread"):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        f'[[document]]\nfile = "{name}"\nkind = "{kind}"\nlang = "da"\n', encoding="utf-8"
    )
    return ingest_seeds(tmp_path / "manifest.toml", cfg)


# An article over a list of three comments, for the tests of how comment lists are printed.
COMMENTED_ARTICLE = (
    "Debat\n\nKommunerne mangler socialrådgivere\n\n13. marts 2024\n\nAf Karen Holm, journalist\n\n"
    "Flere kommuner kan ikke besætte stillinger som socialrådgiver, og sagsbunkerne vokser. Det viser en ny "
    "opgørelse fra Dansk Socialrådgiverforening, som har spurgt alle landets kommuner.\n\n3 kommentarer\n\n"
)
COMMENTERS = ["Lars Jensen", "Mette Sørensen", "Ole Berg"]
COMMENT_DATES = ["14. marts 2024 kl. 10:12", "14. marts 2024 kl. 11:40", "15. marts 2024 kl. 08:02"]
COMMENT_TEXTS = [
    "Jeg er selv socialrådgiver, og jeg kan bekræfte hvert ord. Vi drukner i sager.",
    "Det er jo ikke rigtigt, at det kun handler om penge. Ledelsen har også et ansvar.",
    "Hvem skal betale for flere socialrådgivere i kommunerne, når budgetterne er skåret?",
]


YEARLESS_PAGE = (
    "Debat\n\nVi mangler socialrådgivere i hele landet\n\n{published}\n\nAf Karen Holm\n\n"
    "Der er i dag over 500 ubesatte stillinger som socialrådgiver i landets kommuner, og tallet stiger år for "
    "år. Det betyder, at udsatte børn og familier venter for længe på hjælp.\n\n"
    "3 kommentarer\n\nSorter efter: Nyeste\n\n"
    "Jens Madsen · 2. januar kl. 10.02\nDet er helt rigtigt. Min kone er socialrådgiver.\nSynes godt om · Svar\n\n"
    "Birgitte Sørensen · 31. december kl. 08.15\nDet handler om ledelse, ikke om flere hænder.\n"
    "Synes godt om · Svar\n\n"
    "Henrik Olsen · 30. december kl. 22.40\nHvem skal betale for det?\nSynes godt om · Svar\n\n"
    "Facebook-kommentarplugin\n"
)


def test_pages_comments_dated_without_their_year_are_kept_and_dated_from_the_article(tmp_path, cfg):
    """Facebook's comments plugin prints this year's dates without the year ("2. januar
    kl. 10.02"): such comments had been lost (read as text before the list, or as its
    end). Each is kept, dated in the year that puts it on or after the article's day (a
    comment of 2 January under an article of 30 December is the next year's), and ordered
    by those dates, with a note."""
    corpus = _page_corpus(tmp_path, YEARLESS_PAGE.format(published="30. december 2023"), cfg)
    comments = [p for p in corpus.posts if p.kind == "comment"]
    assert [(c.authors[0].name, c.created) for c in comments] == [
        ("Henrik Olsen", "2023-12-30T22:40"),
        ("Birgitte Sørensen", "2023-12-31T08:15"),
        ("Jens Madsen", "2024-01-02T10:02"),
    ]
    assert any(
        n.message.startswith("3 comment date(s) printed without their year") and "2023-12-30" in n.message
        for n in corpus.notes
    )


def test_pages_comments_dated_without_their_year_under_an_undated_article_are_kept_undated(tmp_path, cfg):
    corpus = _page_corpus(tmp_path, YEARLESS_PAGE.replace("{published}\n\n", ""), cfg)
    comments = [p for p in corpus.posts if p.kind == "comment"]
    assert len(comments) == 3 and all(c.created is None for c in comments)
    assert sum("printed without its year" in n.message for n in corpus.notes) == 3


@pytest.mark.parametrize(
    "dateline, created",
    [
        # How long the story takes to read, beside its date: the line had been taken for
        # the headline, and no date read.
        ("13. marts 2024 kl. 10.12 · 4 min. læsning", "2024-03-13T10:12"),
        ("Læsetid: 4 min · 13. marts 2024", "2024-03-13"),
        ("13 mars 2024 · Läsningstid: 3 min", "2024-03-13"),
        # Labels and forms that had left the date unread.
        ("Udgivet 13-03-2024", "2024-03-13"),
        ("Mar 13, 2024", "2024-03-13"),
        # 13 can only be the day: the page's own dates say it writes slashes day first.
        ("13/03/2024", "2024-03-13"),
        # The publication's stamp, wherever the update's stands.
        ("Opdateret 14. marts 2024 · Publiceret 13. marts 2024", "2024-03-13"),
        ("Opdateret 14. marts 2024\n\nPubliceret 13. marts 2024", "2024-03-13"),
        ("Publiceret 13. marts 2024\n\nSidst opdateret 14. marts 2024", "2024-03-13"),
        # Labels, the clock's word and the time first, which had left the date unread (and
        # the line taken for the headline).
        ("Oprettet 13.03.2024 · Senest ændret 14.03.2024", "2024-03-13"),
        ("Skrevet 13. marts 2024", "2024-03-13"),
        ("13. marts 2024 klokken 10.12", "2024-03-13T10:12"),
        ("kl. 10:12, 13. marts 2024", "2024-03-13T10:12"),
        ("10:12 PM · Mar 13, 2024", "2024-03-13T22:12"),
    ],
)
def test_pages_an_articles_date_line_as_news_sites_print_it(tmp_path, cfg, dateline, created):
    page = COMMENTED_ARTICLE.replace("13. marts 2024\n\n", dateline + "\n\n").replace("3 kommentarer\n\n", "")
    (root,) = _page_corpus(tmp_path, page, cfg, kind="article").posts
    assert (root.title, root.created, root.authors[0].name) == (
        "Kommunerne mangler socialrådgivere",
        created,
        "Karen Holm",
    )


@pytest.mark.parametrize("reading_time", ["Læsetid: 4 min.", "Läsningstid: 3 min", "4 min att läsa", "5 min. at læse"])
def test_pages_how_long_an_article_takes_to_read_on_a_line_of_its_own_is_furniture_in_every_spelling_of_the_dates(
    tmp_path, cfg, reading_time
):
    # One spelling serves the furniture and the date reader: "Läsningstid" and "att läsa",
    # read beside a date, had been the article's first paragraph on a line of their own.
    page = COMMENTED_ARTICLE.replace("13. marts 2024\n\n", f"13. marts 2024\n\n{reading_time}\n\n").replace(
        "3 kommentarer\n\n", ""
    )
    corpus = _page_corpus(tmp_path, page, cfg, kind="article")
    (root,) = corpus.posts
    assert (root.title, root.created, root.authors[0].name) == (
        "Kommunerne mangler socialrådgivere",
        "2024-03-13",
        "Karen Holm",
    )
    assert reading_time not in root.text and "min" not in root.text.split("\n")[0]
    assert f"reading-time: {reading_time}" in [n.message for n in corpus.notes]


@pytest.mark.parametrize(
    "crumbs", ["Forside › Nyheder › Debat", "Du er her: Forside > Debat", "Hjem / Nyheder / Debat"]
)
def test_pages_a_breadcrumb_trail_a_block_above_the_headline_is_no_headline(tmp_path, cfg, crumbs):
    """A breadcrumb trail set apart from the headline by a blank line had been taken for
    the headline (and the headline dropped)."""
    page = COMMENTED_ARTICLE.replace("Debat\n\n", crumbs + "\n\n", 1).replace("3 kommentarer\n\n", "")
    (root,) = _page_corpus(tmp_path, page, cfg, kind="article").posts
    assert root.title == "Kommunerne mangler socialrådgivere"
    assert crumbs not in root.text
    assert any(n.message == f"breadcrumbs: {crumbs}" for n in _page_corpus(tmp_path, page, cfg, kind="article").notes)


@pytest.mark.parametrize("line", ["Han sagde »nej«", "Løn > sager", "Ja / nej", "Kommunen → staten"])
def test_pages_a_comment_line_shaped_like_a_breadcrumb_is_the_comments_words(tmp_path, cfg, line):
    """Danish quotes with »...«, and a ">" or "/" between two words, are a comment's words:
    read as a breadcrumb trail (furniture), such a line would end the comment list."""
    body = "".join(
        f"{who} · {when}\n{said}\n" + (f"{line}\n" if k == 0 else "") + "\n"
        for k, (who, when, said) in enumerate(zip(COMMENTERS, COMMENT_DATES, COMMENT_TEXTS, strict=True))
    )
    comments = [p for p in _page_corpus(tmp_path, COMMENTED_ARTICLE + body, cfg).posts if p.kind == "comment"]
    assert [c.authors[0].name for c in comments] == COMMENTERS
    assert comments[0].text == f"{COMMENT_TEXTS[0]}\n{line}"


def test_dates_a_date_without_its_year_is_read_in_the_first_year_on_or_after_a_given_day():
    from pipeline.ingest.dates import yearless_iso

    assert yearless_iso("15. februar kl. 09.12", "2024-02-14") == "2024-02-15T09:12"
    assert yearless_iso("14 mars", "2024-03-14T08:00") == "2024-03-14"
    assert yearless_iso("tors 2 jan.", "2023-12-30") == "2024-01-02"
    assert yearless_iso("30. februar", "2024-01-01") is None
    assert yearless_iso("15. februar 2024", "2024-01-01") is None, "a date with its year is read as such"


@pytest.mark.parametrize(
    "dates, created",
    [
        # Yearless, as widgets print this year's dates: read from the article's year.
        (("14.3. kl. 10:12", "14.3. kl. 11:40", "15.3. kl. 08:02"), ("2024-03-14T10:12", "2024-03-15T08:02")),
        (("14.03. 10:12", "14.03. 11:40", "15.03. 08:02"), ("2024-03-14T10:12", "2024-03-15T08:02")),
        (("14/3 kl. 10.12", "14/3 kl. 11.40", "15/3 kl. 08.02"), ("2024-03-14T10:12", "2024-03-15T08:02")),
        (("ons 14 mar 10:12", "ons 14 mar 11:40", "tors 15 mar 08:02"), ("2024-03-14T10:12", "2024-03-15T08:02")),
        # Swedish: ISO's date with "kl." or a time written with dots.
        (
            ("2024-03-14 kl. 10.12", "2024-03-14 kl. 11.40", "2024-03-15 kl. 08.02"),
            ("2024-03-14T10:12", "2024-03-15T08:02"),
        ),
        # WordPress in English, and a US date with AM/PM (month first, as 3/15 can only be read).
        (
            ("March 14, 2024 at 10:12 am", "March 14, 2024 at 11:40 am", "March 15, 2024 at 8:02 am"),
            ("2024-03-14T10:12", "2024-03-15T08:02"),
        ),
        (("3/14/2024 10:12 AM", "3/14/2024 11:40 AM", "3/15/2024 8:02 AM"), ("2024-03-14T10:12", "2024-03-15T08:02")),
        # A bare time is today's, relative to when the page was saved: unread, the comments kept.
        (("10:12", "11:40", "08:02"), (None, None)),
    ],
)
def test_pages_comment_headers_dated_as_widgets_print_them_keep_every_comment_and_read_its_date(
    tmp_path, cfg, dates, created
):
    """Each of these date forms after "Name · " had lost the comments (taken for text) or
    put the date into the commenter's name ("Ole Berg · March 15")."""
    names = COMMENTERS
    texts = COMMENT_TEXTS
    page = COMMENTED_ARTICLE + "".join(f"{n} · {d}\n{t}\nSvar\n\n" for n, d, t in zip(names, dates, texts, strict=True))
    corpus = _page_corpus(tmp_path, page, cfg)
    comments = {p.authors[0].name: p for p in corpus.posts if p.kind == "comment"}
    assert sorted(comments) == sorted(names)
    assert (comments["Lars Jensen"].created, comments["Ole Berg"].created) == created
    assert all(c.text in texts for c in comments.values())


def test_dates_an_iso_date_with_a_time_written_with_dots_is_not_read_as_fractions_of_an_hour():
    """Python reads "2024-03-14 10.12" as 10:00:00.12; Swedish writes 10:12 so (a thread
    file's date column too)."""
    from pipeline.ingest.dates import read_date

    assert read_date("2024-03-14 10.12") == ("2024-03-14T10:12", "year first, clock")
    assert read_date("2024-03-14 kl. 10:12") == ("2024-03-14T10:12", "year first, clock")
    assert read_date("2024-03-14 10:12") == ("2024-03-14T10:12:00", None)


@pytest.mark.parametrize(
    "header",
    [
        "{n} ({d})",
        "{n} [{d}]",
        "{n}: {d}",
        "{n} · {d} · 3 synes godt om",
        "{n} · {d} · 2 likes",
        "{n} · Publiceret {d}",
        "{n}\nPubliceret: {d}",
    ],
)
def test_pages_a_comment_header_with_its_date_in_brackets_after_a_colon_or_before_reaction_counts(
    tmp_path, cfg, header
):
    """Such headers had opened no comment: the list was lost (with "Publiceret", the label
    had become part of the name)."""
    names = COMMENTERS
    dates = COMMENT_DATES
    page = COMMENTED_ARTICLE + "".join(
        header.format(n=n, d=d) + f"\nJeg er {n.split()[0]}, og jeg mener noget om sagen.\nSvar\n\n"
        for n, d in zip(names, dates, strict=True)
    )
    corpus = _page_corpus(tmp_path, page, cfg)
    assert sorted((p.authors[0].name, p.created) for p in corpus.posts if p.kind == "comment") == [
        ("Lars Jensen", "2024-03-14T10:12"),
        ("Mette Sørensen", "2024-03-14T11:40"),
        ("Ole Berg", "2024-03-15T08:02"),
    ]


@pytest.mark.parametrize(
    "shape",
    [
        "{n}\n{t}\n{d} · Svar\n\n",  # the date under the text, before its buttons
        "{n}\n{t}\n{d}\n\n",  # the date under the text, and nothing under it
        "{t}\n– {n}, {d}\n\n",  # signed under the text, as letters pages print it
    ],
)
def test_pages_comments_dated_or_signed_under_their_text_each_keep_their_own_words(tmp_path, cfg, shape):
    """These shapes had lost their comments, or given each commenter the next one's words
    ("Jeg er selv socialrådgiver, og jeg kan ..." had been taken for a name over a date)."""
    names = COMMENTERS
    dates = COMMENT_DATES
    texts = COMMENT_TEXTS
    # A sort control above the list, whose note names its line on the page.
    page = (
        COMMENTED_ARTICLE
        + "Sorter efter: Nyeste\n\n"
        + "".join(shape.format(n=n, d=d, t=t) for n, d, t in zip(names, dates, texts, strict=True))
    )
    corpus = _page_corpus(tmp_path, page, cfg)
    sort_line = page.split("\n").index("Sorter efter: Nyeste") + 1
    assert any(n.where.endswith(f":{sort_line}") and "Sorter efter" in n.message for n in corpus.notes)
    comments = sorted((p for p in corpus.posts if p.kind == "comment"), key=lambda p: p.created)
    assert [(c.authors[0].name, c.created[-5:], c.text) for c in comments] == [
        (n, d[-5:], t) for n, d, t in zip(names, dates, texts, strict=True)
    ]
    if shape.startswith("{t}"):
        lines = page.split("\n")
        assert [int(c.source.rsplit(":", 1)[1]) for c in comments] == [
            lines.index(f"– {n}, {d}") + 1 for n, d in zip(names, dates, strict=True)
        ], "each comment is named by its signature's line on the page"


def test_pages_an_html_comment_widget_printing_dates_without_years_names_only_the_commenter(tmp_path, cfg):
    """The commenter's name and a yearless date in two spans read as one line, "Lars Jensen
    14.3. kl. 10:12": the date had become part of the name."""
    comments = "".join(
        f'<div class="comment"><span class="comment-author">{n}</span> <span class="comment-date">{d}</span>'
        f'<p class="comment-text">{t}</p><a href="#">Svar</a></div>'
        for n, d, t in zip(
            COMMENTERS, ["14.3. kl. 10:12", "14.3. kl. 11:40", "15.3. kl. 08:02"], COMMENT_TEXTS, strict=True
        )
    )
    page = (
        '<html lang="da"><head><title>Kommunerne mangler socialrådgivere</title></head><body><article>'
        "<h1>Kommunerne mangler socialrådgivere</h1><p>Af Karen Holm, journalist</p>"
        '<time datetime="2024-03-13T08:00">13. marts 2024</time><p>Flere kommuner kan ikke besætte stillinger som '
        "socialrådgiver, og sagsbunkerne vokser. Det viser en ny opgørelse fra Dansk Socialrådgiverforening, som "
        f'har spurgt alle landets kommuner.</p></article><section class="comments"><h2>3 kommentarer</h2>{comments}'
        "</section></body></html>"
    )
    corpus = _page_corpus(tmp_path, page, cfg, name="side.html")
    assert sorted((p.authors[0].name, p.created) for p in corpus.posts if p.kind == "comment") == [
        ("Lars Jensen", "2024-03-14T10:12"),
        ("Mette Sørensen", "2024-03-14T11:40"),
        ("Ole Berg", "2024-03-15T08:02"),
    ]


def test_pages_an_impossible_clock_under_a_post_copied_from_x_keeps_its_day():
    """`25:99 PM · Mar 14, 2024` (a damaged copy) is no time: the post keeps its day, not an
    impossible ISO time that a later stage would refuse."""
    from pipeline.ingest.pages.copied.lines import printed_date

    assert printed_date("10:12 PM · Mar 14, 2024", None) == "2024-03-14T22:12:00"
    assert printed_date("25:99 PM · Mar 14, 2024", None) == "2024-03-14"
    assert printed_date("14. mar.", "2024") == "2024-03-14" and printed_date("3h", "2024") is None
    assert printed_date("kl. 10.12 · 14. mar. 2024", None) == "2024-03-14T10:12:00", "Bluesky in Danish"


@pytest.mark.parametrize(("opening", "closing"), [('"', '"'), ("”", "”"), ("“", "”"), ("»", "«")])
@pytest.mark.parametrize("blank_lines", [False, True])
def test_pages_a_debate_headline_in_quotation_marks_is_the_headline(tmp_path, cfg, opening, closing, blank_lines):
    """Swedish and Danish debate pages quote their writer in the headline ("”Socialtjänsten
    behöver fler socionomer – inte fler chefer”"): a line wholly in quotation marks with no
    full stop inside is the headline, short or long, copied with or without blank lines
    (it had been read as the first paragraph and the site's name as the headline). A quoted
    sentence that ends with its full stop stays the text's."""
    short = "Socialtjänsten behöver fler socionomer – inte fler chefer"
    long = "Regeringen måste agera nu för att rädda socialtjänsten i landets alla kommuner och regioner"
    body = (
        "Det råder en akut brist på erfarna socialsekreterare i Göteborg. Samtidigt har antalet chefer "
        "ökat med 30 procent på fem år."
    )
    quote = f"{opening}Vi har inte råd att vänta längre på politikerna i den här frågan.{closing}"
    for headline in (short, long):
        lines = ["Göteborgs-Posten", "Debatt", f"{opening}{headline}{closing}", "Publicerad 4 mars 2024 kl 06.00"]
        page = ("\n\n" if blank_lines else "\n").join(lines) + "\n\n" + "\n\n".join([body, quote, body]) + "\n"
        corpus = _page_corpus(tmp_path / headline[:5], page, cfg, kind="article")
        root = corpus.posts[0]
        assert root.title == f"{opening}{headline}{closing}"
        assert root.text == "\n\n".join([body, quote, body])


@pytest.mark.parametrize("order", ["Ældste", "Nyeste", "Mest relevante"])
def test_pages_facebooks_comment_plugin_copied_as_text_skips_its_sort_order_and_comment_box(tmp_path, cfg, order):
    """Facebook's comment plugin copied as text prints its sort control as two lines
    ("Sortér efter" over the order chosen) and its box ("Tilføj en kommentar...") above the
    first comment: neither is a comment (the order had been the first commenter's name, the
    box and the real name the start of her text), so a reply that tags her ("Karen Holm
    hvad ...") answers her."""
    page = (
        "Fyens.dk\nSocialrådgivere flygter fra Odense Kommune\nAf Jens Bo Nielsen\n5. marts 2024 kl. 06:00\n"
        "Hver femte socialrådgiver i Odense Kommunes børneområde har sagt op inden for det seneste år, viser en "
        "opgørelse. Fagforeningen kalder situationen alvorlig.\n\n"
        f"2 kommentarer\nSortér efter\n{order}\nTilføj en kommentar...\n"
        "Karen Holm\nDet undrer mig ikke. Jeg sagde selv op sidste år efter 12 år i faget.\n"
        "Synes godt om · Svar · 1 d\n"
        "Ole Hansen\nKaren Holm hvad laver du så nu?\nSynes godt om · Svar · 1 d\nFacebook-kommentarplugin\n"
    )
    root, karen, ole = _page_corpus(tmp_path, page, cfg).posts
    assert [(p.authors[0].name, p.text) for p in (karen, ole)] == [
        ("Karen Holm", "Det undrer mig ikke. Jeg sagde selv op sidste år efter 12 år i faget."),
        ("Ole Hansen", "Karen Holm hvad laver du så nu?"),
    ]
    assert (karen.parent_id, ole.parent_id) == (root.id, karen.id)


def test_pages_a_debate_page_keeps_its_lead_beside_the_disclaimer_and_reads_its_signers(tmp_path, cfg):
    """DN Debatt copied as text: the quoted headline, the lead, the opinion disclaimer and
    the date with no blank line between, then the text, then the writers' signatures, one
    "Name, title" line each, as a paragraph of their own. The lead is the text's first
    paragraph (it had gone with the disclaimer, whose block was furniture), and the
    signers are the authors (they had been the text's last paragraph and the page had no
    author)."""
    lead = (
        "DN DEBATT 4/3. Socialsekreterare i Stockholm larmar om en ohållbar situation. Vi har i genomsnitt 45 "
        "ärenden var och hinner inte träffa barnen vi ansvarar för."
    )
    body = (
        "Socialtjänsten i Stockholm står inför en kris. Under det senaste året har var tredje socialsekreterare "
        "inom barn och unga slutat, och de som är kvar har fått ta över deras ärenden.\n"
        "Vi kräver att kommunen inför ett tak på 20 ärenden per socialsekreterare och att lönerna höjs så att "
        "erfarna kolleger stannar."
    )
    page = (
        f"DN Debatt\n”Vi kan inte längre garantera barnens säkerhet”\n{lead}\n"
        "Detta är en debattartikel. Åsikterna i texten är skribentens egna.\nPublicerad 2024-03-04 06:00\n"
        f"{body}\n\nAnna Lindqvist, socialsekreterare och skyddsombud, Akademikerförbundet SSR\n"
        "Erik Berg, socialsekreterare, Vision\n"
    )
    (tmp_path / "dn.txt").write_text(page, encoding="utf-8")
    (tmp_path / "manifest.toml").write_text('[[document]]\nfile = "dn.txt"\nlang = "sv"\n', encoding="utf-8")
    root = ingest_seeds(tmp_path / "manifest.toml", cfg).posts[0]
    assert root.title == "”Vi kan inte längre garantera barnens säkerhet”"
    assert root.text.startswith(lead) and root.text.endswith("erfarna kolleger stannar.")
    assert [(a.name, a.description) for a in root.authors] == [
        ("Anna Lindqvist", "socialsekreterare och skyddsombud, Akademikerförbundet SSR"),
        ("Erik Berg", "socialsekreterare, Vision"),
    ]
