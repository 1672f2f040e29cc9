"""Kialo discussions as Kialo exports them: a thesis and its tree of Pro and Con claims in
a numbered text file, read as a thread whose replies carry the writers' own support and
attack labels as gold reply stance."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

EXPORT = """Discussion Title: Skal socialrådgivere have en autorisation?

1. Socialrådgivere bør have en autorisation, som læger og sygeplejersker har.
1.1. Pro: En autorisation kan fratages den, der svigter udsatte børn \\(som i Tønder-sagen\\).
1.1.1. Con: Sagerne i Tønder skyldtes ledelsen og ikke den enkelte socialrådgiver.
1.1.2. Pro: Borgerne får et sted at klage, der ikke er kommunen selv.
1.2. Con: En autorisation løser ikke, at hver socialrådgiver har 40 sager.
1.2.1. Pro: Det er sagstallet, der får socialrådgiverne til at sige op.
1.2.1.1. Con: -> See 1.1.1.
"""


def write(path, text=EXPORT):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_kialo_export_is_one_thread_whose_numbers_give_the_parents_and_pro_con_the_gold(tmp_path, cfg):
    path = write(tmp_path / "autorisation.txt")
    assert describe_input(path, ReadOptions()) == "a Kialo discussion export (text)"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [t.root_id for t in corpus.threads] == ["autorisation:1"]
    assert {p.id: p.parent_id for p in corpus.posts} == {
        "autorisation:1": None,
        "autorisation:1.1": "autorisation:1",
        "autorisation:1.1.1": "autorisation:1.1",
        "autorisation:1.1.2": "autorisation:1.1",
        "autorisation:1.2": "autorisation:1",
        "autorisation:1.2.1": "autorisation:1.2",
        "autorisation:1.2.1.1": "autorisation:1.2.1",
    }
    root = posts["autorisation:1"]
    assert root.title == "Skal socialrådgivere have en autorisation?"
    assert root.text == "Socialrådgivere bør have en autorisation, som læger og sygeplejersker har."
    gold = {p.id.split(":")[1]: p.gold.reply_stance for p in corpus.posts if p.parent_id}
    assert gold == {
        "1.1": "support",
        "1.1.1": "deny",
        "1.1.2": "support",
        "1.2": "deny",
        "1.2.1": "support",
        "1.2.1.1": "deny",
    }
    assert posts["autorisation:1.1"].text.endswith("udsatte børn (som i Tønder-sagen)."), "Markdown escapes undone"
    assert posts["autorisation:1.2.1.1"].text == posts["autorisation:1.1.1"].text, (
        "'-> See' gives the claim it points to"
    )
    assert any("placed again under another claim" in n.message for n in corpus.notes)
    assert all(p.lang == "da" for p in corpus.posts)


def test_an_export_with_each_claim_under_its_number_reads_as_the_one_line_export(tmp_path, cfg):
    """Some exports write "1.1. Pro:" (and "1. Thesis:") on a line of its own, the claim on
    the next: the same thread, whatever the claim's first word."""
    lines = []
    for line in EXPORT.splitlines():
        number, _, rest = line.partition(" ")
        if number[:1].isdigit():
            label, sep, text = rest.partition(": ")
            if not sep:
                label, text = "Thesis", rest
            lines += [f"{number} {label}:", text]
        else:
            lines.append(line)
    (tmp_path / "two").mkdir()
    two = write(tmp_path / "two" / "autorisation.txt", "\n".join(lines) + "\n")
    one = write(tmp_path / "autorisation.txt")

    def reading(path):
        corpus = ingest_thread_files([path], cfg)
        return [(p.id, p.parent_id, p.title, p.text, p.gold.reply_stance if p.gold else None) for p in corpus.posts]

    assert reading(two) == reading(one)


def test_a_folder_of_exports_runs_through_the_cli_and_other_text_files_are_left_out(tmp_path):
    folder = tmp_path / "kialo"
    folder.mkdir()
    write(folder / "autorisation.txt")
    write(folder / "noter.txt", "Mine noter om debatten.\n")
    assert run_cli("ingest", "--threads", str(folder), "--out", str(tmp_path / "corpus")) == 0
    rows = [json.loads(x) for x in (tmp_path / "corpus" / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 7 and {r["thread_id"] for r in rows} == {"autorisation"}


def test_a_text_file_that_breaks_off_its_numbering_is_refused_naming_the_line(tmp_path, cfg):
    path = write(tmp_path / "brudt.txt", EXPORT + "1.2.1. Con: Det samme nummer igen.\n")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert err.value.line == 10 and "numbered twice" in str(err.value)
