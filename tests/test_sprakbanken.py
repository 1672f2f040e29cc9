"""Språkbanken's forum corpora (Flashback, Familjeliv): each thread a thread, each post's
words joined as Swedish is written, and who answers whom inferred from the words, since
the forums print no parents."""

from __future__ import annotations

import bz2
from html import escape

import pytest

from pipeline.core.errors import InputError
from pipeline.formats.sprakbanken import detokenize
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions


def _sentence(words: str) -> str:
    # As the corpus writes it: one annotated token a line.
    return (
        "<sentence>\n"
        + "".join(
            f'<w pos="X" lemma="|{escape(w.lower())}|" ref="{i:02d}">{escape(w, quote=False)}</w>\n'
            for i, w in enumerate(words.split(), 1)
        )
        + "</sentence>\n"
    )


CORPUS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<corpus id="flashback-samhalle">\n'
    '<forum id="f-227" title="Samhälle &gt; Socialtjänsten" url="https://www.flashback.org/f227">\n'
    '<thread id="3301" title="Socialsekreterare slutar i massor" postcount="3" lastpost="2019-03-14 11:02:00" '
    'url="https://www.flashback.org/t3301">\n'
    '<text id="3301" username="Karin_L" date="2019-03-14 09:12:00" url="https://www.flashback.org/p3301" lix="30">\n'
    + _sentence("Varför slutar så många socialsekreterare ( efter bara två år ) ?")
    + _sentence("Jag jobbar själv inom socialtjänsten .")
    + "</text>\n"
    '<text id="3302" username="Mogens" date="2019-03-14 10:40:00" url="https://www.flashback.org/p3302">\n'
    + _sentence('Arbetsbelastningen , helt enkelt . Chefen säger " prioritera " men allt är akut .')
    + "</text>\n"
    '<text id="3303" username="Lars_H" date="2019-03-14 11:02:00" url="https://www.flashback.org/p3303">\n'
    + _sentence("Mogens , det stämmer inte för oss . Vi har fått fler kollegor .")
    + "</text>\n"
    "</thread>\n"
    '<thread id="4410" title="Lön för socionomer" postcount="2" url="https://www.flashback.org/t4410">\n'
    '<text id="4415" username="Anna_S" date="2019-05-02 08:00:00" url="https://www.flashback.org/p4415">\n'
    + _sentence("Lönen är för låg .")
    + "</text>\n"
    "</thread>\n"
    "</forum>\n"
    "</corpus>\n"
)


def test_a_forum_corpus_reads_as_threads_of_posts_with_inferred_parents(tmp_path, cfg):
    path = tmp_path / "flashback-samhalle.xml"
    path.write_text(CORPUS, encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "a Språkbanken forum corpus (Flashback, Familjeliv; XML)"
    corpus = ingest_thread_files([path], cfg)
    assert [t.id for t in corpus.threads] == ["sb-thread-3301", "sb-thread-4410"]
    posts = corpus.posts_by_id()
    karin, mogens, lars = posts["sb-3301"], posts["sb-3302"], posts["sb-3303"]
    assert (karin.title, karin.author, karin.created, karin.parent_id) == (
        "Socialsekreterare slutar i massor",
        "Karin_L",
        "2019-03-14T09:12:00",
        None,
    )
    assert karin.text == (
        "Varför slutar så många socialsekreterare (efter bara två år)? Jag jobbar själv inom socialtjänsten."
    )
    assert mogens.text == 'Arbetsbelastningen, helt enkelt. Chefen säger "prioritera" men allt är akut.'
    assert corpus.threads[0].topic == "Samhälle > Socialtjänsten"
    # The forum names no parents: Lars answers Mogens by name, Mogens the opening post.
    assert (mogens.parent_id, lars.parent_id) == ("sb-3301", "sb-3302")
    assert "address" in [e.rule for e in lars.parent_evidence if e.decided]
    opens = next(n for n, line in enumerate(CORPUS.splitlines(), 1) if line.startswith('<text id="3303"'))
    assert lars.source == f"{path}:{opens}"  # where its <text> opens
    # A thread whose opening post the corpus does not hold opens with its first post.
    assert posts["sb-4415"].title == "Lön för socionomer"
    said = [n.message for n in corpus.notes if n.message.startswith("Språkbanken")]
    assert said == [
        "Språkbanken forum corpus: 4 post(s) in 2 thread(s) read; 1 thread(s) whose opening post the corpus "
        "does not hold open with their first post"
    ]


def test_a_compressed_corpus_with_the_newer_token_elements_reads_the_same(tmp_path, cfg):
    """Språkbanken distributes the corpora as .xml.bz2; newer exports name a word <token>."""
    path = tmp_path / "flashback-samhalle.xml.bz2"
    path.write_bytes(bz2.compress(CORPUS.replace("<w ", "<token ").replace("</w>", "</token>").encode("utf-8")))
    corpus = ingest_thread_files([path], cfg)
    assert corpus.posts_by_id()["sb-3303"].text == "Mogens, det stämmer inte för oss. Vi har fått fler kollegor."


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("Hej , jag heter Anna .", "Hej, jag heter Anna."),
        ("Se ( bilagan ) och « citatet » !", "Se (bilagan) och «citatet»!"),
        ('Hon sa " nej " och gick .', 'Hon sa "nej" och gick.'),
        ("50 % av alla …", "50% av alla…"),
    ],
)
def test_tokens_are_joined_as_swedish_is_written(tokens, text):
    assert detokenize(tokens.split()) == text


def test_a_broken_corpus_is_refused_naming_the_line(tmp_path, cfg):
    path = tmp_path / "flashback.xml"
    path.write_text(CORPUS.replace('</text>\n<text id="3303"', '<text id="3303"', 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert "not valid XML" in str(err.value) and err.value.line > 20
