"""Ingest, specified on the real seeds."""

from __future__ import annotations

import pytest
from conftest import THREAD_ID

# (author as written, ISO date) of the 20 reader comments, oldest first as the page's
# newest-first list reversed.
EXPECTED_COMMENTS = [
    ("Lars Brandt", "2013-09-16"),
    ("Christoffer Hansen", "2013-09-16"),
    ("Thomas Jensen", "2013-09-16"),
    ("munch", "2013-09-16"),
    ("Socialjungle", "2013-09-16"),
    ("Thomas Braun", "2013-09-16"),
    ("HandicapBarn.dk", "2013-09-16"),
    ("Majbrit Berlau", "2013-09-16"),
    ("Mikael R. Lindholm", "2013-09-16"),
    ("Nick Allentoft", "2013-09-16"),
    ("P.Sabber", "2013-09-17"),
    ("Rikke Wezelenburg", "2013-09-17"),
    ("Helle Nøhr Korsholm", "2013-09-17"),
    ("Mette", "2013-09-18"),
    ("Peter Johnsen", "2013-09-28"),
    ("Hansalbrechtsen", "2013-10-01"),
    ("Peter Hansen", "2013-10-17"),
    ("Peter Hansen", "2013-10-19"),
    ("S", "2015-12-07"),
    ("Jette Nielsen", "2016-11-05"),
]


def test_ingest_thread_has_exactly_twenty_comments_with_authors_and_dates(thread):
    root, comments = thread
    assert [(c.author, c.created) for c in comments] == EXPECTED_COMMENTS
    assert [c.id for c in comments] == [f"{THREAD_ID}/c{i:02d}" for i in range(1, 21)]
    assert all(c.kind == "comment" and c.thread_id == THREAD_ID for c in comments)


def test_ingest_related_article_bullets_are_not_comments(thread):
    _, comments = thread
    assert not any("Nationalbanken" in c.title or c.author in ("Politik", "Kommunalt") for c in comments)


def test_ingest_comment_headline_body_and_self_descriptions(thread):
    _, comments = thread
    by_author = {c.author: c for c in comments}
    johnsen = by_author["Peter Johnsen"]
    assert johnsen.authors[0].description == "Socialrådgiver og FTR"
    assert johnsen.title == "Socialrådgivernes fallit"
    assert johnsen.text.startswith("Kære Nick Alentoft\nDu har en pointe")
    assert by_author["Nick Allentoft"].authors[0].description == "chefredaktør & stifter"
    berlau = by_author["Majbrit Berlau"]
    assert berlau.authors[0].description == "Formand for Dansk Socialrådgiverforening"
    assert berlau.text[berlau.signature.start : berlau.signature.end] == (
        "Mvh. Majbrit Berlau\nFormand for Dansk Socialrådgiverforening"
    )
    assert by_author["Helle Nøhr Korsholm"].authors[0].description == "Socialrådgiver"
    # Comment bodies are dedented: no line starts with the page's two-space indent.
    assert all(not line.startswith("  ") for c in comments for line in c.text.split("\n"))


def test_ingest_article_is_clean_of_site_furniture(thread):
    root, _ = thread
    assert root.title == "Socialrådgivernes fallit"
    assert root.text.startswith("Det er underligt, at socialrådgiverne accepterer den totale fallit")
    assert root.text.endswith("socialrådgiverne står uden nogen spændende fremtid.")
    for furniture in (
        "Læs om socialkrisen",
        "Læs vores tema",
        "nyhedsbrev",
        "Emneord",
        "Mest læste",
        "Læs også",
        "Aktivitet:",
        "BLIV EN DEL",
        "Kommentarer",
        "Nationalbanken",
    ):
        assert furniture not in root.text
    assert "Kom ind i kampen" in root.text  # a real sub-heading stays
    assert root.keywords[:3] == ("Socialrådgivere", "Privatraadgiver.com", "Dansk Socialrådgiverforening")
    assert len(root.keywords) == 10


def test_ingest_article_author_is_inferred_from_the_comment_that_claims_it(thread, seed_corpus):
    root, _ = thread
    assert root.author == "Nick Allentoft"
    assert "min leder herover" in root.author_evidence
    t = next(t for t in seed_corpus.threads if t.id == THREAD_ID)
    assert t.publisher == "DenOffentlige.dk"
    assert t.target == "Socialrådgiverne har spillet fallit som faggruppe."


def test_ingest_the_four_non_root_reply_links_with_their_evidence(thread):
    root, comments = thread
    by_id = {c.id: c for c in comments}
    non_root = {c.id: c.parent_id for c in comments if c.parent_id != root.id}
    assert non_root == {
        f"{THREAD_ID}/c07": f"{THREAD_ID}/c01",  # HandicapBarn.dk: "Til Lars Brandt"
        f"{THREAD_ID}/c10": f"{THREAD_ID}/c08",  # Nick Allentoft: "Kære Majbrit Berlau"
        f"{THREAD_ID}/c18": f"{THREAD_ID}/c17",  # Peter Hansen: "mit nedestående indlæg"
        f"{THREAD_ID}/c20": f"{THREAD_ID}/c17",  # Jette Nielsen echoes "statsautoriserede"
    }

    def decided(cid):
        return {(e.rule, e.cue) for e in by_id[cid].parent_evidence if e.decided}

    assert ("address", "Til Lars Brandt") in decided(f"{THREAD_ID}/c07")
    assert ("address", "Kære Majbrit Berlau") in decided(f"{THREAD_ID}/c10")
    assert ("own-earlier-post", "mit nedestående indlæg") in decided(f"{THREAD_ID}/c18")
    assert any(rule == "quotation" for rule, _ in decided(f"{THREAD_ID}/c18"))
    assert any(rule == "headline-word-echo" and "autoris" in cue for rule, cue in decided(f"{THREAD_ID}/c20"))


def test_ingest_every_comment_has_one_earlier_parent_confidence_and_evidence(thread):
    root, comments = thread
    position = {root.id: 0, **{c.id: c.position for c in comments}}
    for c in comments:
        assert position[c.parent_id] < c.position
        assert 0.0 < c.parent_confidence <= 1.0
        assert any(e.decided and e.target_id == c.parent_id for e in c.parent_evidence)


def test_ingest_misspelt_address_to_the_article_author_links_to_the_article(thread):
    root, comments = thread
    johnsen = next(c for c in comments if c.author == "Peter Johnsen")
    assert johnsen.parent_id == root.id
    address = next(e for e in johnsen.parent_evidence if e.rule == "address")
    assert address.cue == "Kære Nick Alentoft" and address.target_id == root.id and address.score > 0.9


def test_ingest_comment_without_cue_defaults_to_the_article_and_says_so(thread):
    root, comments = thread
    hans = next(c for c in comments if c.author == "Hansalbrechtsen")
    assert hans.parent_id == root.id
    assert [e.rule for e in hans.parent_evidence] == ["default"]
    assert hans.parent_confidence == 0.5


def test_ingest_single_articles_title_date_author_language(seed_corpus):
    roots = {p.thread_id[:3]: p for p in seed_corpus.posts if p.kind == "document"}
    assert (roots["000"].title, roots["000"].created, roots["000"].author, roots["000"].lang) == (
        "Det skal være agtet at være socialarbejder",
        "2023-01-20",
        "Mads Roke Clausen",
        "da",
    )
    assert (roots["001"].title, roots["001"].created, roots["001"].lang) == (
        "Så får vi socialsekreterarna att stanna kvar",
        "2016-02-16T05:01",
        "sv",
    )
    assert [a.name for a in roots["001"].authors] == ["Åsa Lindhagen", "Clara Lindblom"]
    assert (roots["003"].title, roots["003"].created, roots["003"].lang) == ("Social", "2020-09-24", "da")
    assert (roots["004"].created, roots["004"].lang) == (None, "sv")
    assert roots["004"].title.startswith("Rapport från Vision")
    for furniture in (
        "Prenumerera",
        "Annonsera",
        "Det här är opinionsmaterial",
        "Dela artikeln",
        "Välj nyhetsbrev",
        "LÄS MER",
        "Ämnen i artikeln",
        "tisdag6 juni",
    ):
        assert furniture not in roots["001"].text
    assert "Gå til hovedindhold" not in roots["003"].text and "Indhold" not in roots["003"].text.split("\n")
    assert "Senast uppdaterad" not in roots["004"].text
    assert not roots["001"].text.rstrip().endswith("\\")


def test_ingest_extraction_agrees_with_the_manifest(seed_corpus):
    assert [n for n in seed_corpus.notes if n.kind == "manifest-mismatch"] == []


def test_ingest_reports_every_removed_block_with_file_and_line(seed_corpus):
    removed = [n for n in seed_corpus.notes if n.kind == "removed"]
    assert any(n.where == "seeds/002_bf87ce656931ef12.txt:14" and "promo-box" in n.message for n in removed)
    assert any(n.where == "seeds/001_78108456c9f77419.txt:78" and n.message.startswith("share") for n in removed)


def test_ingest_participants_merge_the_same_author_across_article_and_comments(seed_corpus):
    nick = next(p for p in seed_corpus.participants if p.name == "Nick Allentoft")
    assert nick.id == "participant:nick-allentoft"
    assert set(nick.post_ids) == {THREAD_ID, f"{THREAD_ID}/c10"}
    hansen = next(p for p in seed_corpus.participants if p.name == "Peter Hansen")
    assert len(hansen.post_ids) == 2
    # Articles with no known author have no participant.
    assert not any(pid.startswith("participant:deleted") for pid in (p.id for p in seed_corpus.participants))


def test_ingest_language_of_every_text(seed_corpus):
    langs = {p.id: p.lang for p in seed_corpus.posts}
    assert {lang for pid, lang in langs.items() if pid.startswith(("001", "004"))} == {"sv"}
    assert {lang for pid, lang in langs.items() if pid.startswith(("000", "002", "003"))} == {"da"}


def test_ingest_never_writes_to_the_raw_seeds(tmp_path):
    import hashlib

    from conftest import SEEDS, run_cli

    def snapshot():
        return {f.name: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns) for f in SEEDS.iterdir()}

    before = snapshot()
    assert run_cli("ingest", "--manifest", str(SEEDS / "manifest.toml"), "--out", str(tmp_path / "c")) == 0
    assert snapshot() == before


@pytest.mark.parametrize(
    "entry, message, line",
    [
        (
            '[[document]]\nfile = "nope.txt"\nkind = "article"\nlang = "da"\n',
            "listed file 'nope.txt' does not exist",
            1,
        ),
        ('[[document]]\nfile = "a.txt"\nkind = "essay"\nlang = "da"\n', "kind", 1),
        (
            '[[document]]\nfile = "a.txt"\nkind = "article"\nlang = "da"\n\n'
            '[[document]]\nfile = "a.txt"\nkind = "article"\nlang = "da"\n',
            "listed twice",
            6,
        ),
    ],
)
def test_ingest_bad_manifest_names_file_and_line(tmp_path, cfg, entry, message, line):
    from pipeline.core.errors import InputError
    from pipeline.ingest.pages.seeds import ingest_seeds

    (tmp_path / "a.txt").write_text(
        "Overskrift\n\nEn lang nok brødtekst om socialrådgivere og deres arbejde i kommunerne, "
        "som vi her bruger til at prøve indlæsningen.\n",
        encoding="utf-8",
    )
    (tmp_path / "manifest.toml").write_text(entry, encoding="utf-8")
    with pytest.raises(InputError) as info:
        ingest_seeds(tmp_path / "manifest.toml", cfg)
    assert message in str(info.value) and info.value.line == line
    assert str(tmp_path / "manifest.toml") in str(info.value)


@pytest.mark.parametrize(
    ("page", "why"),
    [
        ("<html><head><title>Socialrådgivere</title></head></html>", ""),
        ("<!DOCTYPE html>", ""),
        (
            "<!DOCTYPE html><html><head><title>Anna på Bluesky<div>x</div><body><p>Hej med dig.</p></body></html>",
            ": its <title> is never closed, so a browser shows none of the page after it",
        ),
        (
            "<html><head><title>t</title><script>var x = 1;</p></head><body><p>Hej med dig.</p></body></html>",
            ": its <script> is never closed, so a browser shows none of the page after it",
        ),
    ],
)
def test_ingest_an_html_page_with_no_body_is_refused_as_empty_naming_the_file(tmp_path, cfg, page, why):
    """A saved page with a head and no body, a doctype alone, or a <title> never closed
    (which takes in the rest of the page as its text, as a browser does) had crashed the
    HTML reader with an assertion from lxml; it is an empty page, said so, with the reason
    where one shows (a <script> never closed hides the rest too). A text field of a thread
    file holding such markup is no text."""
    from pipeline.core.errors import InputError
    from pipeline.ingest.markup import html_text
    from pipeline.ingest.pages.seeds import ingest_seeds

    (tmp_path / "side.html").write_text(page, encoding="utf-8")
    with pytest.raises(InputError) as info:
        ingest_seeds(tmp_path, cfg)
    assert str(info.value).endswith(f"empty page (no text in its HTML{why})")
    assert str(tmp_path / "side.html") in str(info.value)
    assert html_text(page) == ""


def test_ingest_what_a_page_puts_after_its_body_end_tag_is_read_as_a_browser_shows_it():
    """A browser shows text that a sloppy template puts after `</body>` or `</html>` in the
    body, as if the end tag were not there; it had been dropped (a page whose comments all
    came after a stray `</body>` read as empty)."""
    from pipeline.ingest.markup import html_text

    page = "<html><body><h1>Overskrift</h1></body><p>Første afsnit.</p></html><p>Andet afsnit.</p>"
    assert html_text(page) == "Overskrift\n\nFørste afsnit.\n\nAndet afsnit."
    # A page of two bodies (pasted together by a template) is shown as one.
    page = "<html><body><p>Første afsnit.</p></body><body><p>Andet afsnit.</p></body></html>"
    assert html_text(page) == "Første afsnit.\n\nAndet afsnit."


def test_ingest_empty_page_or_thread_without_comments_is_refused(tmp_path, cfg):
    from pipeline.core.errors import InputError
    from pipeline.ingest.pages.seeds import ingest_seeds

    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "empty.txt"\nkind = "article"\nlang = "da"\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="empty page"):
        ingest_seeds(tmp_path / "manifest.toml", cfg)
    (tmp_path / "a.txt").write_text("Overskrift\n\nEn tekst uden kommentarer.\n", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nfile = "a.txt"\nkind = "thread"\nlang = "da"\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="no comment list"):
        ingest_seeds(tmp_path / "manifest.toml", cfg)


def test_ingest_a_section_label_is_no_target_so_the_lead_sentence_is(seed_corpus):
    threads = {t.id: t for t in seed_corpus.threads}
    kl = threads["003_2733161b04b5e86f"]
    assert kl.title == "Social" and kl.target_source == "root_lead_sentence"
    assert kl.target.startswith("På socialområdet bør nærhedsreformen handle om") and kl.target.endswith(".")
    assert threads["002_bf87ce656931ef12"].target_source == "manifest"
    assert threads["001_78108456c9f77419"].target == "Så får vi socialsekreterarna att stanna kvar"


def test_reply_depths_are_each_posts_level_and_root_even_on_a_chain_thousands_deep(seed_corpus):
    from pipeline.core.corpus import reply_depths

    posts = seed_corpus.posts_by_id()

    def walk(post):
        depth = 0
        while post.parent_id in posts:
            post, depth = posts[post.parent_id], depth + 1
        return depth, post.id

    assert reply_depths(posts) == {pid: walk(p) for pid, p in posts.items()}
    assert reply_depths(posts)[f"{THREAD_ID}/c01"] == (1, THREAD_ID)

    # One pass, not a walk per post: a 20,000-level chain (a walk per post would take 200M steps).
    root = posts[THREAD_ID]
    chain = {"r": root.model_copy(update={"id": "r", "parent_id": None})}
    for i in range(1, 20001):
        chain[f"c{i}"] = root.model_copy(update={"id": f"c{i}", "parent_id": "r" if i == 1 else f"c{i - 1}"})
    # A reply whose parent is not among the posts counts as a root of its own.
    chain["orphan"] = root.model_copy(update={"id": "orphan", "parent_id": "gone"})
    depths = reply_depths(chain)
    assert depths["c20000"] == (20000, "r") and depths["c1"] == (1, "r") and depths["orphan"] == (0, "orphan")


def test_echo_similarities_a_block_at_a_time_equal_those_row_by_row(monkeypatch):
    """Title echo reads each comment's cosine to the root's opening and to the openings in
    its window; computing them a block of comments at a time must give exactly the values a
    product row by row gives (reply links may not depend on how the work is cut)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pipeline.ingest import replies

    monkeypatch.setattr(replies, "ECHO_BLOCK", 7)
    words = "socialrådgiver kommune sag borger løn ledelse tid barn familie".split()
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(words, size=rng.integers(2, 9))) for _ in range(40)]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    window = 5
    blocked = list(replies._window_similarities(vectors, window))
    assert len(blocked) == len(texts) - 1
    for i, sims in enumerate(blocked):
        lo = max(0, i - window)
        row = vectors[i + 1]
        expected = np.concatenate(
            [(row @ vectors[0].T).toarray().ravel(), (row @ vectors[lo + 1 : i + 1].T).toarray().ravel()]
        )
        assert np.array_equal(sims, expected), i


def _detect_in_child(cfg, out) -> None:
    from pipeline.ingest import langid

    out.put(langid.detect_many(["Socialrådgiverne har alt for mange sager i kommunerne."] * 4, cfg.languages))


def test_language_id_in_a_worker_forked_after_the_main_process_ran_it_answers(cfg):
    """Raw pages are read in the main process (their comments' languages in one batch on
    lingua's thread pool), thread files' shards after them in forked workers: a worker
    inherits the pool's state but not its threads, and a batch there had waited forever."""
    import multiprocessing as mp

    from pipeline.ingest import langid

    assert (
        langid.detect_many(["Vi mangler socialrådgivere i hele landet, og det er et problem."], cfg.languages)[0][0]
        == "da"
    )
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_detect_in_child, args=(cfg, out))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        pytest.fail("language ID in a forked worker never answered")
    assert [lang for lang, _ in out.get(timeout=5)] == ["da"] * 4
