"""Segmentation: sentences and units with exact offsets, on the seeds and on hard cases."""

from __future__ import annotations

import pytest

from pipeline.core.config import MODELS_DIR
from pipeline.core.schema import Post
from pipeline.models.examples import UnitSpan, field_text, unit_examples
from pipeline.models.store import load_model
from pipeline.segment.ids import parse_unit_id
from pipeline.segment.sentences import split_sentences
from pipeline.segment.units import segment_post, segment_posts


def sentences(text: str, lang: str = "da") -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, lang)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Der er bl.a. mange, f.eks. i kommunerne. Det er sådan.",
            ["Der er bl.a. mange, f.eks. i kommunerne.", "Det er sådan."],
        ),
        (
            "Det følger jfr. vores råd- og vejledningsforpligtelse. Men også mere.",
            ["Det følger jfr. vores råd- og vejledningsforpligtelse.", "Men også mere."],
        ),
        (
            "Der er ca. 1500 socialrådgivere, dvs. flere end før. De bruger 21 pct. af tiden.",
            ["Der er ca. 1500 socialrådgivere, dvs. flere end før.", "De bruger 21 pct. af tiden."],
        ),
        (
            "Helhedsløsninger, helhedsbetragtninger osv. Det er diffust.",
            ["Helhedsløsninger, helhedsbetragtninger osv.", "Det er diffust."],
        ),
        (
            "Retssikkerhedslovens §3 stk.2 overtrædes. Se også § 7. Den er klar.",
            ["Retssikkerhedslovens §3 stk.2 overtrædes.", "Se også § 7.", "Den er klar."],
        ),
        (
            "Kommentaren er fra 16.09.13 og ikke ældre. Næste sætning.",
            ["Kommentaren er fra 16.09.13 og ikke ældre.", "Næste sætning."],
        ),
        ("Mikael R. Lindholm skrev det. Nick svarede.", ["Mikael R. Lindholm skrev det.", "Nick svarede."]),
        (
            'Han sagde: "Nej!" Og gik. Hvorfor ? Det ved ingen.',
            ['Han sagde: "Nej!"', "Og gik.", "Hvorfor ?", "Det ved ingen."],
        ),
        (
            "en 3,5 års professionsbac-udd. + tiden til bachelor. De kræves intet.",
            ["en 3,5 års professionsbac-udd. + tiden til bachelor.", "De kræves intet."],
        ),
        ("Mvh.\nRikke Wezelenburg\nsocialrådgiver", ["Mvh.", "Rikke Wezelenburg", "socialrådgiver"]),
        # Units and months may end a sentence; a date goes on with a digit.
        ("Sagen tog 4 mdr. Det er for længe.", ["Sagen tog 4 mdr.", "Det er for længe."]),
        ("Han blev ansat i jan. Han stoppede i maj.", ["Han blev ansat i jan.", "Han stoppede i maj."]),
        ("Mødet var d. 5. jan. 2024 kl. 10.", ["Mødet var d. 5. jan. 2024 kl. 10."]),
        # An abbreviation that opens a sentence keeps its capital and its sentence.
        ("Iflg. DS er det slemt. Evt. kunne man spørge.", ["Iflg. DS er det slemt.", "Evt. kunne man spørge."]),
    ],
)
def test_segment_danish_abbreviations_dates_and_initials_do_not_split(text, expected):
    assert sentences(text) == expected


def test_segment_swedish_abbreviations_do_not_split():
    text = (
        "Det gäller t.ex. biståndshandläggare, bl.a. i Stockholm. Runt 10-12 procent osv. Vi ses kl. 10. "
        "Enl. SKR är det så."
    )
    assert sentences(text, "sv") == [
        "Det gäller t.ex. biståndshandläggare, bl.a. i Stockholm.",
        "Runt 10-12 procent osv.",
        "Vi ses kl. 10.",
        "Enl. SKR är det så.",
    ]
    # References to bills, reports and pages, as policy debate cites them.
    assert sentences("Enligt prop. 2019/20:1 s. 12 ska det ändras. Det tror jag inte på.", "sv") == [
        "Enligt prop. 2019/20:1 s. 12 ska det ändras.",
        "Det tror jag inte på.",
    ]
    assert sentences("Se bek. nr. 1234 om det. Den er klar.") == ["Se bek. nr. 1234 om det.", "Den er klar."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # DAST's commenters end sentences with a smiley: the two had been one sentence.
        (
            "Jeg har ikke sagt noget af det du skriver :) Jeg gav dig bare en reference.",
            ["Jeg har ikke sagt noget af det du skriver :)", "Jeg gav dig bare en reference."],
        ),
        ("Det hedder Teamviewer :-( De her personer snyder.", ["Det hedder Teamviewer :-(", "De her personer snyder."]),
        ("Edit: typos ;)Hm.", ["Edit: typos ;)", "Hm."]),
        ("Jeg elsker jer <3 Tak for alt.", ["Jeg elsker jer <3", "Tak for alt."]),
        # An emoji, its skin tone and a repeat of it, before a word that opens sentences.
        ("Helt enig 👍 Det er på tide.", ["Helt enig 👍", "Det er på tide."]),
        ("Tak 🙏🏽 Det hjalp.", ["Tak 🙏🏽", "Det hjalp."]),
        ("Super 😂😂 Men seriøst.", ["Super 😂😂", "Men seriøst."]),
        # ... not before a name, which may follow an emoji inside a sentence.
        ("Jeg ❤️ København.", ["Jeg ❤️ København."]),
        ("Hej 👋 Anna, tak.", ["Hej 👋 Anna, tak."]),
        # Inside a sentence, before a lower-case word, or a list's "2)", it ends none.
        ("Jeg er enig :) og det er du også.", ["Jeg er enig :) og det er du også."]),
        ("Vi mangler 1) folk 2) Penge.", ["Vi mangler 1) folk 2) Penge."]),
    ],
)
def test_segment_a_smiley_or_emoji_before_a_capital_ends_its_sentence(text, expected):
    assert sentences(text) == expected


def test_segment_offsets_round_trip_on_every_seed_unit(seed_corpus, cfg):
    posts = {p.id: p for p in seed_corpus.posts}
    sents, units = segment_posts(seed_corpus.posts, None, cfg)
    assert len(units) > 400
    for item in [*sents, *units]:
        assert field_text(posts[item.post_id], item.field)[item.start : item.end] == item.text
        assert item.text == item.text.strip() and item.text
    for u in units:
        assert parse_unit_id(u.id) == (u.post_id, u.field, u.start, u.end)


def test_unit_features_say_which_unit_opens_and_which_closes_its_comment(seed_corpus, cfg):
    posts = {p.id: p for p in seed_corpus.posts}
    _, units = segment_posts(seed_corpus.posts, None, cfg)
    feats = {e.id: e.features for e in unit_examples(units, posts)}
    by_field: dict[tuple[str, str], list] = {}
    for u in units:
        by_field.setdefault((u.post_id, u.field), []).append(u)
    several = before_signoff = 0
    for (post_id, field), field_units in by_field.items():
        ordered = sorted(field_units, key=lambda u: u.start)
        sig = posts[post_id].signature if field == "text" else None
        for u in ordered:
            assert feats[u.id]["is_first"] == float(u is ordered[0])
            # A sign-off ("Mvh. Majbrit Berlau ...") is not content: the unit before it
            # closes the comment, and so does the sign-off's own last unit.
            content_end = (
                sig.start if sig is not None and u.end <= sig.start else len(field_text(posts[post_id], field))
            )
            closes = not any(v.start >= u.end and v.end <= content_end for v in ordered)
            assert feats[u.id]["is_last"] == float(closes)
            before_signoff += closes and u is not ordered[-1]
        several += len(ordered) > 2
    # The seeds have comments of many units, so the middle ones are exercised too, and
    # signed comments.
    assert several > 10
    assert before_signoff >= 5
    # A one-sentence comment is both its first and its last unit.
    one = next(p for p in seed_corpus.posts if p.parent_id).model_copy(update={"text": "  Helt enig.\n"})
    (only,) = unit_examples([UnitSpan("u", one.id, "text", 2, 12)], {one.id: one})
    assert only.features["is_first"] == only.features["is_last"] == 1.0


def test_segment_units_do_not_overlap_and_cover_every_sentence(seed_corpus):
    for post in seed_corpus.posts:
        sents, spans, sentence_of = segment_post(post)
        for field in ("title", "text"):
            fs = sorted((u.start, u.end) for u in spans if u.field == field)
            assert all(a[1] <= b[0] for a, b in zip(fs, fs[1:], strict=False))
        assert set(sentence_of.values()) == {s.id for s in sents}


def test_segment_splits_a_claim_from_its_reason_clause(cfg):
    post = Post(
        id="p",
        thread_id="p",
        kind="document",
        position=0,
        parent_id=None,
        title="",
        lang="da",
        lang_confidence=1.0,
        lang_source="given",
        source="test",
        text="Det er egentlig super ærgerligt, for socialrådgivere burde spille en nøglerolle i fremtiden.",
    )
    _, spans, _ = segment_post(post)
    assert [post.text[u.start : u.end] for u in spans] == [
        "Det er egentlig super ærgerligt,",
        "for socialrådgivere burde spille en nøglerolle i fremtiden.",
    ]
    _, units = segment_posts([post], None, cfg)
    assert units[1].unit_type.label == "premise" and units[1].unit_type.rule == "unit:premise-connective"


def _typed_comment(text: str, lang: str, cfg) -> list:
    """The typed units of one comment with `text`, by the committed unit model and the rules."""
    post = Post(id="p", thread_id="p", kind="comment", position=1, parent_id="r", title="", lang=lang,
                lang_confidence=1.0, lang_source="given", source="test", text=text)  # fmt: skip
    return segment_posts([post], load_model(MODELS_DIR / "unit_type"), cfg)[1]


def test_segment_text_quoted_with_markdown_is_not_the_authors_argument(cfg):
    text = (
        "> Ulve er farlige for mennesker. Det viser alle tal.\n"
        "og de bør skydes\n"
        "\n"
        "Det passer ikke, for ulve undgår mennesker.\n"
        "Du skrev:\n"
        "   >Ingen har set en ulv.\n"
        "\n"
        "Jeg har selv set en ulv i Thy."
    )
    units = _typed_comment(text, "da", cfg)
    quoted = {u.text for u in units if u.unit_type.rule == "unit:markdown-quote"}
    # The quotation runs on to the blank line (Markdown's lazy continuation), and starts
    # anywhere a line does.
    assert quoted == {
        "> Ulve er farlige for mennesker.",
        "Det viser alle tal.",
        "og de bør skydes",
        ">Ingen har set en ulv.",
    }
    for u in units:
        if u.text in quoted:
            assert (u.unit_type.label, u.unit_type.source, u.unit_type.confidence) == ("none", "rule", 0.95)
            assert u.unit_type.model_label is not None  # the model's answer is kept beside the rule's
    own = {u.text: u.unit_type.label for u in units if u.text not in quoted}
    assert set(own) == {"Det passer ikke, for ulve undgår mennesker.", "Du skrev:", "Jeg har selv set en ulv i Thy."}


def test_segment_a_spacer_line_that_shows_nothing_is_no_sentence_and_no_unit(cfg):
    """Reddit's editor writes an empty paragraph as "&#x200B;" (a zero-width space), others
    "&nbsp;": a reader sees a blank line, so no sentence or unit is made of it; the offsets
    of what follows stay exact."""
    text = "Ulve er ikke farlige.\n\n&#x200B;\n\n&nbsp;\n\u200b\nDe undgår mennesker. Tag &nbsp; det roligt."
    spans = split_sentences(text, "da")
    assert [text[s:e] for s, e in spans] == ["Ulve er ikke farlige.", "De undgår mennesker.", "Tag &nbsp; det roligt."]
    units = _typed_comment(text, "da", cfg)
    assert [u.text for u in units] == ["Ulve er ikke farlige.", "De undgår mennesker.", "Tag &nbsp; det roligt."]
    assert all(text[u.start : u.end] == u.text for u in units)


def test_segment_a_forums_quotation_block_is_not_the_authors_argument(cfg):
    """A forum export's quotation runs from the line after its header ("Citat:", "Ursprungligen
    postat av Kalle") to the next blank line; the header keeps its own rule."""
    text = (
        "Citat:\n"
        "Ursprungligen postat av Kalle\n"
        "Lönerna är det enda problemet i socialtjänsten.\n"
        "Höj dem nu.\n"
        "\n"
        "Det håller jag inte med om, arbetsmiljön är värre."
    )
    units = _typed_comment(text, "sv", cfg)
    rules = {u.text: (u.unit_type.rule, u.unit_type.cue) for u in units}
    assert rules["Lönerna är det enda problemet i socialtjänsten."] == ("unit:markdown-quote", "quotation block")
    assert rules["Höj dem nu."] == ("unit:markdown-quote", "quotation block")
    assert rules["Ursprungligen postat av Kalle"][0] == "unit:quotation-header"
    assert rules["Det håller jag inte med om, arbetsmiljön är värre."][0] != "unit:markdown-quote"


def test_segment_a_quotation_run_on_after_its_header_is_quoted_from_the_header_line(cfg):
    """Where an export ran the quoted post on after its header, the quotation starts on the
    header's line; where it ends there cannot be told, so the whole line and the lines up
    to the next blank one are quoted (better to miss a few of the author's words than to
    give them another's claims)."""
    text = (
        "Citat: Ursprungligen postat av Mia83 Lönerna är det enda problemet. Höj dem nu.\n"
        "Resten av citatet.\n"
        "\n"
        "Det håller jag inte med om, arbetsmiljön är värre."
    )
    units = _typed_comment(text, "sv", cfg)
    rules = {u.text: (u.unit_type.rule, u.unit_type.cue) for u in units}
    assert rules["Höj dem nu."] == ("unit:markdown-quote", "quotation block")
    assert rules["Resten av citatet."] == ("unit:markdown-quote", "quotation block")
    assert rules["Det håller jag inte med om, arbetsmiljön är värre."][0] != "unit:markdown-quote"
    assert {u.unit_type.label for u in units if u.text.startswith("Citat")} == {"none"}


def test_segment_headlines_are_units_of_their_own(thread, cfg):
    root, comments = thread
    _, units = segment_posts([root, comments[12]], None, cfg)
    titles = [u.text for u in units if u.field == "title"]
    assert titles == ["Socialrådgivernes fallit", "Nej vi har ikke spillet fallit"]


@pytest.mark.parametrize(
    ("unit", "rule"),
    [
        ("Några av de åtgärder som ingår i planen är:", "unit:lead-in"),
        ("Her er en fin tidslinje og oversigt over sagen:", "unit:lead-in"),
        ("Se evt. links til indlæg her: http://socialrdg.dk/a, http://politiken.dk/b", "unit:link-only"),
        ("https://www.dst.dk/da/Statistik", "unit:link-only"),
        ("Citat: Ursprungligen postat av Kalle_84", "unit:quotation-header"),
        ("Originally posted by Anna", "unit:quotation-header"),
        ("Kalle skrev:", "unit:lead-in"),
        # A smiley is not a lead-in, and a link inside a sentence belongs to the sentence.
        ("Det ligner en fejl alle mennesker laver, det ser bare dumt ud :)", None),
        ("Nu er han sigtet for drab (http://www.bt.dk/krimi/sigtet)", None),
        # A reply's opening handles are not its words: the verdict after them is read.
        ("@mette Helt enig!", "unit:verdict"),
        ("@mette", "unit:fragment"),
        ("@mette Vi burde skrotte hele systemet og starte forfra.", None),
        # Up to three words without a finite verb are a fragment; with one, a sentence.
        ("Bilag.", "unit:fragment"),
        ("Statsautoriserede socialrådgivere.", "unit:fragment"),
        ("Socialrådgivere bør autoriseres.", None),
        ("Banditterne findes da.", None),
        ("Pengene mangler.", None),
    ],
)
def test_segment_links_and_lead_ins_are_none_by_the_guidelines_rules(unit, rule):
    from pipeline.models.cues import unit_rule

    hit = unit_rule(unit)
    assert (hit.rule if hit else None) == rule and (hit is None or hit.label == "none")


def test_segment_a_bare_verdict_or_thanks_is_no_claim_whatever_the_model_says(cfg):
    """ "Enig.", "Nej, slet ikke.", "Mange tak!" answer the parent; they put forward no
    standpoint on the matter, so they are `none` (rule `unit:verdict`), even where the unit
    model, which learnt from news comments, is sure they are claims. A short sentence with
    content stays the model's ("Det er dumt.", "Skrot socialrådgiverne.")."""
    text = (
        "Enig.\n\nNej, slet ikke.\n\nMange tak!\n\nJeg er fuldstændig enig.\n\nJo, det er det.\n\n:-)\n\n"
        "Det er dumt.\n\nSkrot socialrådgiverne."
    )
    post = Post(id="p", thread_id="p", kind="comment", position=1, parent_id="r", title="God artikel", lang="da",
                lang_confidence=1.0, lang_source="given", source="test", text=text)  # fmt: skip
    _, units = segment_posts([post], load_model(MODELS_DIR / "unit_type"), cfg)
    decided = {u.text: (u.unit_type.label, u.unit_type.rule, u.unit_type.source) for u in units}
    for verdict in ("Enig.", "Nej, slet ikke.", "Mange tak!", "Jeg er fuldstændig enig.", "Jo, det er det."):
        assert decided[verdict] == ("none", "unit:verdict", "rule"), verdict
    assert decided[":-)"] == ("none", "unit:no-words", "rule")
    # The model's answer is kept beside the rule's: here it calls "Enig." a claim.
    assert [u.unit_type.model_label for u in units if u.text == "Enig."] == ["claim"]
    # A headline is not read so: "God artikel" over a comment states its position.
    assert decided["God artikel"][1] != "unit:verdict"
    assert decided["Det er dumt."][1] != "unit:verdict" and decided["Skrot socialrådgiverne."][1] != "unit:verdict"


def test_segment_thanks_and_requests_for_a_source_are_no_claims_but_questions_that_argue_are(cfg):
    """Courtesy and genuine questions that ask for information are `none` by the guidelines;
    the unit model, which learnt from news comments full of rhetorical questions, calls them
    claims. Thanks that go on to say something, and questions that assert or challenge,
    stay the model's."""
    from pipeline.models.cues import unit_rule

    none = {
        "Tak for hjælpen ;)": "unit:thanks",
        "Tak for de søde ord :)": "unit:thanks",
        "Tack för svaret!": "unit:thanks",
        "Tack så mycket!": "unit:thanks",
        "Tak skal du have for svaret :)": "unit:thanks",
        "Hvor har du det fra?": "unit:information-request",
        "Har du nogle kilder på det?": "unit:information-request",
        "Og hvad mener du med det?": "unit:information-request",
        "Har du någon källa på det?": "unit:information-request",
        "Kan du utveckla?": "unit:information-request",
    }
    for text, rule in none.items():
        hit = unit_rule(text)
        assert hit is not None and (hit.label, hit.rule, hit.precision) == ("none", rule, 0.9), text
    for text in (
        "Tak for artiklen, det er helt sindssygt at vi lever i et samfund hvor ingen griber ind.",
        "Tak for invitationen - ikke til kamp forhåbentlig, men til dialog og samarbejde",
        "Tror du virkelig folk er i stand til det?",
        "Har du kigget på hans link?",
        "Kan du forklare mig, hvorfor det er forkert at spise kød?",
        "Hvorfor finder standen sig i det?",
    ):
        assert unit_rule(text) is None, text
    text = "Hvor har du det fra?\n\nTak for hjælpen ;)\n\nHvorfor finder standen sig i det?"
    post = Post(id="p", thread_id="p", kind="comment", position=1, parent_id="r", lang="da", lang_confidence=1.0,
                lang_source="given", source="test", text=text)  # fmt: skip
    _, units = segment_posts([post], load_model(MODELS_DIR / "unit_type"), cfg)
    decided = {u.text: (u.unit_type.label, u.unit_type.source) for u in units}
    assert decided["Hvor har du det fra?"] == decided["Tak for hjælpen ;)"] == ("none", "rule")
    assert decided["Hvorfor finder standen sig i det?"] == ("claim", "model")


def test_a_model_predicts_in_batches_with_the_labels_it_gives_all_at_once(seed_corpus, cfg, monkeypatch):
    """Predictions go `PREDICT_BATCH` examples at a time, so that one huge thread's units
    never build their n-gram matrices at once; a unit's label and probabilities do not
    depend on where the batches are cut."""
    import pipeline.models.store as store

    posts = {p.id: p for p in seed_corpus.posts}
    _, units = segment_posts(seed_corpus.posts, None, cfg)
    spans = [UnitSpan(u.id, u.post_id, u.field, u.start, u.end) for u in units]
    examples = unit_examples(spans, posts)
    model = load_model(MODELS_DIR / "unit_type")
    whole = model.predict(examples)
    assert len(examples) < store.PREDICT_BATCH
    monkeypatch.setattr(store, "PREDICT_BATCH", 7)
    assert model.predict(examples) == whole
    assert len({label for label, *_ in whole}) == 3
