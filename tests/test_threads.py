"""Researchers' own thread files: the generic JSONL/CSV format, good and bad."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import make_post, run_cli, run_pipeline, stage_args

from pipeline.core.config import E5_DIR
from pipeline.core.errors import InputError, PipelineError
from pipeline.core.schema import ThreadRow
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.dates import DATE_FORMS
from pipeline.ingest.files.rows import FIELDS, parse_columns
from pipeline.ingest.files.threads import describe_input, read_thread_files, write_thread_file
from pipeline.ingest.options import ReadOptions

ROWS = [
    {
        "id": "t1",
        "thread_id": "t1",
        "parent_id": "",
        "author": "Redaktionen",
        "created": "2024-03-01",
        "title": "Skal socialrådgivere autoriseres?",
        "text": "",
        "target_stance": "favor",
    },
    {
        "id": "t1-a",
        "thread_id": "t1",
        "parent_id": "t1",
        "author": "Anna",
        "created": "2024-03-02T10:15:00",
        "title": "",
        "text": "Ja, helt enig. Det vil styrke retssikkerheden, fordi ansvaret bliver personligt.",
        "reply_stance": "support",
        "role": "social_worker",
    },
    {
        "id": "t1-b",
        "thread_id": "t1",
        "parent_id": "t1-a",
        "author": "[slettet]",
        "created": "2024-03-02",
        "title": "",
        "text": "Nej, det tror jeg ikke på.",
        "reply_stance": "deny",
    },
    {
        "id": "t1-c",
        "thread_id": "t1",
        "parent_id": "t1-a",
        "author": "Bo",
        "created": "",
        "title": "",
        "text": "Hvad mener du med personligt ansvar?",
        "lang": "da",
    },
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    write_thread_file(
        path,
        [
            ThreadRow.model_validate({k: (v or None) if k not in ("title", "text") else v for k, v in r.items()})
            for r in rows
        ],
    )
    return path


def test_threads_generic_jsonl_keeps_given_parents_and_gold(tmp_path, cfg):
    corpus = ingest_thread_files([write_jsonl(tmp_path / "t.jsonl", ROWS)], cfg)
    posts = corpus.posts_by_id()
    assert {p.id: p.parent_id for p in corpus.posts} == {"t1": None, "t1-a": "t1", "t1-b": "t1-a", "t1-c": "t1-a"}
    assert posts["t1-b"].parent_evidence[0].rule == "given" and posts["t1-b"].parent_confidence == 1.0
    assert posts["t1-a"].gold.reply_stance == "support" and posts["t1-a"].gold.role == "social_worker"
    assert posts["t1"].kind == "document" and posts["t1"].text == ""  # a link post: title, no body
    assert posts["t1-c"].lang == "da" and posts["t1-c"].lang_source == "given"
    assert corpus.threads[0].target == "Skal socialrådgivere autoriseres?"


def _workbook(path: Path, header: list, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_threads_an_excel_workbook_reads_as_the_same_thread_file(tmp_path, cfg):
    # What a researcher's own spreadsheet holds: ids typed as numbers, dates as Excel dates,
    # an empty row, and a formula cell (never evaluated; openpyxl stores no value for it).
    from datetime import date, datetime

    # Column names as people type them in a spreadsheet: capitalised, with stray spaces.
    header = ["ID", "Thread_ID", "parent_id", "Author ", "created", "Title", "text", "target_stance",
              "reply_stance", "role", "lang"]  # fmt: skip
    rows = [
        [1, 1, None, "Redaktionen", date(2024, 3, 1), "Skal socialrådgivere autoriseres?", None, "favor"],
        [2, 1, 1, "Anna", datetime(2024, 3, 2, 10, 15), None, ROWS[1]["text"], None, "support", "social_worker"],
        [],
        [3, 1, 2, "[slettet]", date(2024, 3, 2), None, ROWS[2]["text"], None, "deny"],
        [4, 1, 2, '=HYPERLINK("http://x")', None, None, ROWS[3]["text"], None, None, None, "da"],
    ]
    book = _workbook(tmp_path / "t.xlsx", header, rows)
    as_jsonl = [dict(r, id=str(i), thread_id="1", parent_id={1: "", 2: "1", 3: "2", 4: "2"}[i]) for i, r in
                zip((1, 2, 3, 4), ROWS, strict=True)]  # fmt: skip
    as_jsonl[0]["created"], as_jsonl[3]["author"] = "2024-03-01", ""
    from_book = ingest_thread_files([book], cfg)
    from_jsonl = ingest_thread_files([write_jsonl(tmp_path / "t.jsonl", as_jsonl)], cfg)
    assert [p.model_dump(exclude={"source"}) for p in from_book.posts] == [
        p.model_dump(exclude={"source"}) for p in from_jsonl.posts
    ]
    posts = from_book.posts_by_id()
    assert posts["2"].created == "2024-03-02T10:15:00" and posts["1"].created == "2024-03-01"
    assert posts["4"].author is None  # the formula cell holds no stored value: no author
    assert posts["3"].source.endswith("t.xlsx:5")  # the sheet's row number, the empty row counted


def test_threads_an_excel_sheet_may_start_below_empty_rows(tmp_path, cfg):
    """A sheet made by hand often leaves the first rows empty: the header is the first row
    with a value, rows keep the sheet's numbers, and a header error names its row."""
    from openpyxl import Workbook

    def book(name: str, header: list[str]) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append([])
        ws.append([None, None])
        ws.append(header)
        ws.append(["a", "t", "Socialrådgiverne har for mange sager."])
        wb.save(tmp_path / name)
        return tmp_path / name

    posts = ingest_thread_files([book("low.xlsx", ["id", "thread_id", "text"])], cfg).posts
    assert [(p.id, p.text, p.source) for p in posts] == [
        ("a", "Socialrådgiverne har for mange sager.", f"{tmp_path / 'low.xlsx'}:4")
    ]
    with pytest.raises(InputError) as err:
        ingest_thread_files([book("bad.xlsx", ["id", "thread_id", "tekst"])], cfg)
    assert err.value.line == 3 and "unknown columns ['tekst']" in str(err.value)


def test_threads_an_excel_workbook_is_read_from_the_sheet_that_holds_the_posts(tmp_path, cfg):
    """A workbook made by hand may open with a sheet of explanations (a codebook): the posts
    are read from the first sheet whose first rows name an id and a thread column."""
    from openpyxl import Workbook

    wb = Workbook()
    info = wb.active
    info.title = "Kodebog"
    info.append(["Kolonne", "Betydning"])
    info.append(["id", "kommentarens id"])
    data = wb.create_sheet("Data")
    data.append(["id", "thread_id", "text"])
    data.append(["a", "t", "Socialrådgiverne har for mange sager."])
    wb.save(tmp_path / "book.xlsx")
    corpus = ingest_thread_files([tmp_path / "book.xlsx"], cfg)
    assert [(p.id, p.source) for p in corpus.posts] == [("a", f"{tmp_path / 'book.xlsx'}:2")]
    assert [n.message for n in corpus.notes if n.message.startswith("read sheet")] == [
        "read sheet 'Data': sheet(s) 'Kodebog' before it name no id and thread columns; row numbers are that sheet's"
    ]
    from pipeline.ingest.files.threads import describe_input

    assert describe_input(tmp_path / "book.xlsx", ReadOptions()) == "a thread file (Excel, sheet 2)"


def test_threads_excel_workbook_errors_name_the_file_and_row(tmp_path, cfg):
    book = _workbook(tmp_path / "extra.xlsx", ["id", "thread_id", "text"], [["a", "a", "Hej", "stray"]])
    with pytest.raises(InputError, match=r"extra\.xlsx:2: a value beyond the header's 3 columns: 'stray'"):
        ingest_thread_files([book], cfg)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match=r"bad\.xlsx.*not a readable \.xlsx file"):
        ingest_thread_files([bad], cfg)
    unknown = _workbook(tmp_path / "cols.xlsx", ["id", "thread_id", "tekst"], [["a", "a", "Hej"]])
    with pytest.raises(InputError, match=r"cols\.xlsx:1: header does not parse: unknown columns \['tekst'\]"):
        ingest_thread_files([unknown], cfg)
    twice = _workbook(tmp_path / "twice.xlsx", ["id", "thread_id", "Text", "text"], [["a", "a", "Hej", "Hej"]])
    with pytest.raises(InputError, match=r"twice\.xlsx:1: header does not parse: duplicate columns \['text'\]"):
        ingest_thread_files([twice], cfg)


def test_threads_an_authors_self_description_is_read_for_their_role(tmp_path, cfg):
    from pipeline.models.examples import role_cue

    rows = [
        {"id": "r", "thread_id": "r", "author": "Redaktionen", "title": "Skal socialrådgivere autoriseres?"},
        {"id": "a", "thread_id": "r", "parent_id": "r", "author": "Mette K",
         "author_description": " Socialrådgiver og FTR ", "text": "Det vil ikke ændre noget for borgerne."},
        {"id": "b", "thread_id": "r", "parent_id": "a", "author": "[deleted]", "author_description": "Journalist",
         "text": "Hvorfor ikke?"},
    ]  # fmt: skip
    for path in (write_jsonl(tmp_path / "t.jsonl", rows), write_csv(tmp_path / "t.csv", rows)):
        corpus = ingest_thread_files([path], cfg)
        posts = corpus.posts_by_id()
        assert posts["a"].authors[0].description == "Socialrådgiver og FTR"
        assert posts["b"].authors[0].description is None  # a deleted author is no one person
        mette = next(p for p in corpus.participants if p.name == "Mette K")
        assert mette.descriptions == ("Socialrådgiver og FTR",)
        assert role_cue(mette, posts).label == "union"  # the shop steward (FTR) cue in the description


def test_threads_a_reply_that_repeats_its_parents_title_has_none_of_its_own(tmp_path, cfg):
    rows = [
        {"id": "r", "thread_id": "r", "title": "Skal socialrådgivere autoriseres?", "text": "Ja, mener vi."},
        {"id": "a", "thread_id": "r", "parent_id": "r", "title": "Skal socialrådgivere autoriseres?", "text": "Nej."},
        {"id": "b", "thread_id": "r", "parent_id": "a", "title": "skal socialrådgivere autoriseres?", "text": "Jo."},
        {"id": "c", "thread_id": "r", "parent_id": "a", "title": "Lønnen er problemet", "text": "Helt enig."},
    ]  # fmt: skip
    corpus = ingest_thread_files([write_csv(tmp_path / "t.csv", rows)], cfg)
    posts = corpus.posts_by_id()
    assert [posts[i].title for i in "rabc"] == ["Skal socialrådgivere autoriseres?", "", "", "Lønnen er problemet"], (
        "an export's thread title on every row is no reply's headline; a title of the reply's own stays"
    )
    assert any("2 reply(ies) repeat their parent's title" in n.message for n in corpus.notes)


def test_threads_deleted_author_is_its_own_participant_and_reported(tmp_path, cfg):
    corpus = ingest_thread_files([write_jsonl(tmp_path / "t.jsonl", ROWS)], cfg)
    deleted = [p for p in corpus.participants if p.deleted]
    assert [p.id for p in deleted] == ["participant:deleted:t1-b"]
    assert any("read as deleted" in n.message and n.where.endswith(":3") for n in corpus.notes)


@pytest.mark.parametrize("name", ["Slettet bruger", "Borttagen användare", "Deleted user", "[slettet]"])
def test_threads_what_sites_print_for_a_deleted_account_is_a_deleted_author(tmp_path, cfg, name):
    """Danish and Swedish boards print "Slettet bruger" or "Borttagen användare" where an
    account was deleted: two such posts are two unknown people, not one participant."""
    rows = [dict(r) for r in ROWS]
    rows[1]["author"] = rows[2]["author"] = name
    corpus = ingest_thread_files([write_jsonl(tmp_path / "t.jsonl", rows)], cfg)
    assert sorted(p.id for p in corpus.participants if p.deleted) == [
        "participant:deleted:t1-a",
        "participant:deleted:t1-b",
    ]


def test_threads_posters_named_anonymous_are_each_their_own_participant(tmp_path, cfg):
    """4chan (and 4CAT's exports of it) sign nearly every post "Anonymous", news sites a
    guest's "Anonym" or "Gæst", LinkedIn anyone outside the viewer's network "LinkedIn
    Member" ("LinkedIn-medlem"): every such post may be another person's. Merged, they would
    make one participant who answers themself all thread long, the graph's largest hub; so
    each post is its own participant under the name as written, and a reply between two of
    them is not a reply to oneself."""
    from pipeline.models.examples import reply_examples

    rows = [
        {"id": "t", "thread_id": "t", "author": "Redaktionen", "title": "Skal socialrådgivere autoriseres?"},
        {"id": "a1", "thread_id": "t", "parent_id": "t", "author": "Anonymous", "text": "Ja, det er på tide."},
        {"id": "a2", "thread_id": "t", "parent_id": "a1", "author": "Anonymous", "text": "Nej, det hjælper ikke."},
        {"id": "g1", "thread_id": "t", "parent_id": "a2", "author": "Gæst", "text": "Hvad koster det?"},
        {"id": "o1", "thread_id": "t", "parent_id": "g1", "author": "Ole", "text": "Ikke meget."},
        {"id": "o2", "thread_id": "t", "parent_id": "o1", "author": "ole", "text": "Og det betaler sig."},
        {"id": "l1", "thread_id": "t", "parent_id": "t", "author": "LinkedIn-medlem", "text": "Enig."},
        {"id": "l2", "thread_id": "t", "parent_id": "l1", "author": "LinkedIn Member", "text": "Uenig."},
    ]
    corpus = ingest_thread_files([write_jsonl(tmp_path / "t.jsonl", rows)], cfg)
    people = {p.id: p.name for p in corpus.participants}
    assert people == {
        "participant:anonymous:a1": "Anonymous",
        "participant:anonymous:a2": "Anonymous",
        "participant:anonymous:g1": "Gæst",
        "participant:anonymous:l1": "LinkedIn-medlem",
        "participant:anonymous:l2": "LinkedIn Member",
        "participant:ole": "Ole",
        "participant:redaktionen": "Redaktionen",
    }
    posts = corpus.posts_by_id()
    same = {e.id: e.features["same_author_as_parent"] for e in reply_examples(corpus.posts[1:], posts)}
    assert same == {"a1": 0.0, "a2": 0.0, "g1": 0.0, "o1": 0.0, "o2": 1.0, "l1": 0.0, "l2": 0.0}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_threads_generic_format_round_trips(tmp_path, cfg, suffix):
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    rows, _ = read_thread_files([src], cfg)
    out = tmp_path / f"out{suffix}"
    write_thread_file(out, [lr.row for lr in rows])
    again, _ = read_thread_files([out], cfg)
    assert [lr.row for lr in again] == [lr.row for lr in rows]
    if suffix == ".csv":
        assert out.read_text(encoding="utf-8").split("\n")[0] == ",".join(FIELDS)
        assert "socialrådgivere" in out.read_text(encoding="utf-8")


def test_threads_json_schema_file_matches_the_model():
    from pipeline.core.config import PROJ_ROOT

    committed = json.loads((PROJ_ROOT / "pipeline" / "schemas" / "thread_post.schema.json").read_text(encoding="utf-8"))
    generated = ThreadRow.model_json_schema()
    assert committed == generated
    assert set(committed["required"]) == {"id", "thread_id"}


def _error(tmp_path, cfg, name: str, content: bytes | str, **kw) -> InputError:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputError) as info:
        read_thread_files([path], cfg, ReadOptions(**kw))
    return info.value


def test_threads_a_json_file_of_json_lines_is_streamed_not_read_whole(tmp_path, cfg, monkeypatch):
    import pipeline.core.jsondoc as jsondoc

    def whole(*_):
        raise AssertionError("a JSON-lines file was read whole")

    monkeypatch.setattr(jsondoc, "read_text_utf8", whole)
    path = write_jsonl(tmp_path / "posts.json", ROWS)
    assert sorted(p.id for p in ingest_thread_files([path], cfg).posts) == sorted(r["id"] for r in ROWS)


def test_threads_a_json_file_may_hold_one_array_of_posts(tmp_path, cfg, capsys):
    """Scrapers and pandas save a JSON array (indented or not), or an object whose only
    member is one (`{"data": [...]}`): each object is a post, read with the line it starts
    on; a broken element is an error naming its line."""
    rows = [
        {"id": "1", "thread_id": "t", "author": "Anna", "text": "Socialrådgiverne har for mange sager."},
        {"id": "2", "thread_id": "t", "parent_id": "1", "author": "Bo", "text": "Helt enig."},
    ]
    indented = tmp_path / "posts.json"
    indented.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    wrapped = tmp_path / "export.json"
    wrapped.write_text(json.dumps({"data": rows}, ensure_ascii=False), encoding="utf-8")
    for path in (indented, wrapped):
        posts = ingest_thread_files([path], cfg, ReadOptions()).posts
        assert [(p.id, p.parent_id, p.author, p.text) for p in posts] == [
            ("1", None, "Anna", rows[0]["text"]),
            ("2", "1", "Bo", "Helt enig."),
        ]
    assert [p.source for p in ingest_thread_files([indented], cfg, ReadOptions()).posts] == [
        f"{indented}:2",
        f"{indented}:8",
    ]
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"id": "1", "thread_id": "t"},\n  {"id": "2" "thread_id": "t"}\n]', encoding="utf-8")
    err = _error(tmp_path, cfg, "broken.json", broken.read_text(encoding="utf-8"))
    assert err.line == 3 and "not valid JSON" in str(err)
    assert run_cli("ingest", "--threads", str(wrapped), "--check") == 0
    assert f"{wrapped}: read as a thread file (one JSON array of posts)" in capsys.readouterr().out
    err = _error(tmp_path, cfg, "strings.json", '["1", "2"]')
    assert err.line == 1 and "expected a JSON object in the array, found str" in str(err)


def test_threads_an_unknown_header_error_suggests_the_mapping_its_names_mean(tmp_path, cfg):
    """A scraper's names for the fields are not guessed silently (is "post_id" the comment
    or its thread?), but the error prints the --columns mapping they suggest."""
    err = _error(
        tmp_path, cfg, "scraped.csv", "comment_id,post_id,reply_to,user,timestamp,body,likes\n1,P,,Anna,2024,Hej,3\n"
    )
    assert "your columns look like: --columns id=comment_id thread_id=post_id parent_id=reply_to author=user" in str(
        err
    )
    assert str(err).endswith("created=timestamp text=body --ignore-columns")
    err = _error(tmp_path, cfg, "sheet.csv", "Comment ID;Article;Reply to;Comment\n1;A;;Hej\n")
    assert str(err).endswith("--columns 'id=Comment ID' thread_id=Article 'parent_id=Reply to' text=Comment")
    err = _error(tmp_path, cfg, "posts.jsonl", '{"post_id": "1", "thread": "T", "message": "Hej"}\n')
    assert err.line == 1 and str(err).endswith(
        "your fields look like: --columns id=post_id thread_id=thread text=message"
    )
    # A Swedish forum's export: the post number, its thread, the message.
    err = _error(tmp_path, cfg, "fb.csv", "Inlägg;Tråd;Användare;Datum;Meddelande\n1;T;Kalle;2024-11-02;Hej\n")
    assert str(err).endswith("--columns 'id=Inlägg' 'thread_id=Tråd' 'author=Användare' created=Datum text=Meddelande")
    # ... and where an id is given, "Indlæg" is the post's words.
    err = _error(tmp_path, cfg, "dk.csv", "id;tråd;indlæg\n1;T;Hej\n")
    assert str(err).endswith("--columns 'thread_id=tråd' 'text=indlæg'")
    # Facepager's export: posts name their parents, not their thread.
    err = _error(
        tmp_path,
        cfg,
        "facepager.csv",
        "level;id;parent_id;object_id;message;created_time;from.name\n0;1;;4711_1;Hej;2024-03-14T08:30:00+0000;Avisen\n",
    )
    assert str(err).endswith(
        "--columns author=from.name created=created_time text=message --ignore-columns --threads-from-parents"
    )
    # A news site's comment export: when it was posted, and the commenter's title.
    err = _error(
        tmp_path,
        cfg,
        "news.csv",
        "comment_id;article_id;parent_comment_id;user_name;user_title;posted_at;body\n1;A;;Ole;Socialrådgiver;2024;Hej\n",
    )
    assert str(err).endswith(
        "--columns id=comment_id thread_id=article_id parent_id=parent_comment_id author=user_name "
        "created=posted_at text=body author_description=user_title"
    )
    # A scraper's camelCase names (Apify's Facebook comments): they had suggested only the
    # date. The post's title, on every comment's row, is no comment's title.
    err = _error(
        tmp_path,
        cfg,
        "apify.json",
        '[{"facebookUrl": "https://facebook.com/p/1", "id": "c2", "replyToCommentId": "c1", "date": "2024-03-14", '
        '"profileName": "Ole", "text": "Enig.", "postTitle": "Socialrådgivere flygter", "parentId": "x"}]',
    )
    assert str(err).endswith(
        "--columns thread_id=facebookUrl parent_id=parentId author=profileName created=date --ignore-columns"
    )
    # Names that suggest nothing get no suggestion.
    err = _error(tmp_path, cfg, "header.csv", "id;thread_id;txet\nx;x;hej\n")
    assert "look like" not in str(err)


def test_threads_gold_labels_in_another_case_are_read_and_reported(tmp_path, cfg):
    path = tmp_path / "gold.csv"
    path.write_text(
        "id,thread_id,parent_id,text,reply_stance,target_stance\n"
        "1,T,,Rod,,\n2,T,1,Enig,Support,FAVOR\n3,T,1,Nej, deny ,against\n",
        encoding="utf-8",
    )
    rows, notes = read_thread_files([path], cfg)
    assert [(r.row.reply_stance, r.row.target_stance) for r in rows] == [
        (None, None),
        ("support", "favor"),
        ("deny", "against"),
    ]
    assert [n.message for n in notes if n.kind == "repaired"] == [
        "2 gold label(s) in another case, with spaces or in another scheme's spelling ([label_synonyms]), "
        "e.g. 'FAVOR' as favor"
    ]
    # Other schemes' spellings: SDQC as RumourEval and DAST write it, SemEval-2016's NONE.
    path.write_text(
        "id,thread_id,parent_id,text,reply_stance,target_stance\n"
        "1,T,,Rod,,\n2,T,1,Enig,Supporting,NONE\n3,T,1,Hvorfor?,Querying,Favour\n",
        encoding="utf-8",
    )
    rows, _ = read_thread_files([path], cfg)
    assert [(r.row.reply_stance, r.row.target_stance) for r in rows][1:] == [
        ("support", "neutral"),
        ("query", "favor"),
    ]
    # A label that is no known label in any case or scheme stays an error.
    path.write_text("id,thread_id,parent_id,text,reply_stance\n1,T,,Rod,\n2,T,1,Enig,agree\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold\.csv:3: reply_stance: unknown label 'agree'"):
        read_thread_files([path], cfg)


def test_threads_a_title_above_the_header_is_left_out_and_said(tmp_path, cfg):
    """Exports made for people put a title, the post's address or the export date above
    the header row (a semicolon CSV from a Danish Excel here, and a workbook): the header
    is the first of the first ten rows that names an id and a thread, the rows above it
    are left out with a note, and lines keep their numbers."""
    from openpyxl import Workbook

    path = tmp_path / "export.csv"
    path.write_text(
        "Kommentarer eksporteret 4. december 2024\nOpslag: https://example.com/p/1\n\n"
        "id;thread_id;parent_id;author;text\n1;T;;Anna;Vi mangler hænder\n2;T;1;Bo;Enig\n",
        encoding="utf-8",
    )
    rows, notes = read_thread_files([path], cfg)
    assert [(r.row.id, r.row.parent_id, r.line) for r in rows] == [("1", None, 5), ("2", "1", 6)]
    assert [(n.where, n.message) for n in notes if n.message.startswith("header found")] == [
        (
            f"{path}:4",
            "header found on line 4; the 3 line(s) above it left out: "
            "'Kommentarer eksporteret 4. december 2024 | Opslag: https://example.com/p/1'",
        )
    ]
    wb = Workbook()
    for row in (["Comments of one post"], [], ["Comment ID", "Article", "Comment"], ["c1", "A", "Hej"]):
        wb.active.append(row)
    wb.save(tmp_path / "export.xlsx")
    columns = parse_columns(["id=Comment ID", "thread_id=Article", "text=Comment"])
    rows, _ = read_thread_files([tmp_path / "export.xlsx"], cfg, ReadOptions(columns=columns))
    assert [(r.row.id, r.row.text, r.line) for r in rows] == [("c1", "Hej", 4)]
    # No header in the first ten rows: the first row's error stands.
    path.write_text("Kommentarer\nid;thread;txt\n1;T;Hej\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"export\.csv:1: header does not parse"):
        read_thread_files([path], cfg)


def test_threads_json_in_utf16_reads_as_its_byte_order_mark_says(tmp_path, cfg):
    """Windows PowerShell's `ConvertTo-Json | Out-File` (and `>`) writes UTF-16 with a
    byte-order mark and Windows line ends: an indented array, or lines, is read as it is
    (it had been refused until --encoding utf-16 was given), with the --columns given."""
    rows = [
        {"ID": "r", "Tråd": "r", "author": "Anna", "text": "Skal socialrådgivere autoriseres?"},
        {"ID": "c", "Tråd": "r", "parent_id": "r", "author": "Bø", "text": "Ja og før i dag."},
    ]
    array = json.dumps(rows, indent=4, ensure_ascii=False).replace("\n", "\r\n")
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in rows)
    columns = parse_columns(["id=ID", "thread_id=Tråd"])
    for name, data in (("array.json", array.encode("utf-16")), ("lines.jsonl", lines.encode("utf-16-be"))):
        path = tmp_path / name
        path.write_bytes(data if name.endswith(".json") else b"\xfe\xff" + data)
        posts = ingest_thread_files([path], cfg, ReadOptions(columns=columns)).posts
        assert [(p.id, p.parent_id, p.author, p.text) for p in posts] == [
            ("r", None, "Anna", "Skal socialrådgivere autoriseres?"),
            ("c", "r", "Bø", "Ja og før i dag."),
        ], name
        kind = "one JSON array of posts" if name.endswith(".json") else "JSONL"
        assert describe_input(path, ReadOptions()) == f"a thread file ({kind})"


def test_threads_a_table_in_utf16_reads_as_its_byte_order_mark_says(tmp_path, cfg):
    """Excel's "Unicode Text" and LibreOffice's UTF-16 CSV start with a byte-order mark: the
    table is read as it says, tabs or commas, plain or compressed (it had been refused)."""
    text = "id\tthread_id\tauthor\ttext\nr\tr\tAnna\tSkal socialrådgivere autoriseres?\nc\tr\tBø\tJa og før i dag.\n"
    for name, data in (
        ("unicode.tsv", text.encode("utf-16")),
        ("le.csv", text.replace("\t", ",").encode("utf-16-le").join([b"\xff\xfe", b""])),
        ("be.csv.gz", gzip.compress(text.replace("\t", ";").encode("utf-16"))),
    ):
        (tmp_path / name).write_bytes(data)
        posts = ingest_thread_files([tmp_path / name], cfg).posts
        assert [(p.id, p.author, p.text) for p in posts] == [
            ("r", "Anna", "Skal socialrådgivere autoriseres?"),
            ("c", "Bø", "Ja og før i dag."),
        ], name


def test_threads_excel_text_tables_saved_under_their_default_txt_name_are_read(tmp_path, cfg):
    """Excel names its "Unicode Text" and "Text (Tab delimited)" files `.txt`: a `.txt` whose
    first line is a tab-separated header is a table (it had been refused as a saved page),
    read in UTF-16 by its byte-order mark or in the encoding given; in a folder it is read
    beside the other thread files, while a page saved as text is left out."""
    text = "id\tthread_id\tauthor\ttext\nr\tr\tAnna\tSkal socialrådgivere autoriseres?\nc\tr\tBø\tJa og før i dag.\n"
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "unicode.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "ansi.txt").write_bytes(
        text.replace("\nr\tr\t", "\ns\ts\t").replace("\tr\tBø", "\ts\tBø").encode("cp1252")
    )
    (folder / "side.txt").write_bytes("Socialrådgivernes fallit\n\nAf Anna\tHansen\n".encode("utf-16"))
    expected = [("r", "Anna", "Skal socialrådgivere autoriseres?"), ("c", "Bø", "Ja og før i dag.")]
    assert [(p.id, p.author, p.text) for p in ingest_thread_files([folder / "unicode.txt"], cfg).posts] == expected
    for opt in (ReadOptions(), ReadOptions(encoding="cp1252")):
        rows, notes = read_thread_files([tmp_path / "ansi.txt"], cfg, opt)
        assert [(lr.row.id, lr.row.author) for lr in rows] == [("s", "Anna"), ("c", "Bø")]
    rows, notes = read_thread_files([folder], cfg)
    assert [lr.row.id for lr in rows] == ["r", "c"]
    assert "left out: side.txt" in " ".join(n.message for n in notes)
    err = _error(tmp_path, cfg, "side.txt", "Socialrådgivernes fallit\n\nEn side.\n".encode("utf-16"))
    assert "a saved page is read through a manifest" in str(err)


def test_threads_a_post_signed_at_its_end_describes_its_author_as_a_pages_comment_does(tmp_path, cfg):
    """Researchers' exports keep a comment's sign-off in its text ("Mvh Karen, socialrådgiver
    i Aarhus"): it is read as on a saved page, so the author's self-description (and with it
    the role cue) is not lost; the span is the post's signature, and the report says how
    many posts were read so. A post without one, and a deleted author, get none."""
    from pipeline.models.cues import role_rule

    signed = {
        "c1": ("Karen", "Sagstallet er alt for højt.\n\nMvh Karen, socialrådgiver i Aarhus", "socialrådgiver i Aarhus"),
        "c2": ("Ole Hansen", "Det er ikke rigtigt.\n\nOle Hansen\nByrådsmedlem (V), Vejle", "Byrådsmedlem (V), Vejle"),
        "c3": ("Anna", "Vi orkar inte mer.\n\n/Anna, socionom", "socionom"),
        "c4": ("Bo", "Lad os få flere hænder.\n\n-- \nBo Nielsen, afdelingsleder", "afdelingsleder"),
        "c5": ("Eva", "Det er vigtigt at lytte.\n\nEva Berg (pensionist)", "pensionist"),
        "c6": ("Lise", "Hvorfor?\n\nLise, 5. semester på socionomprogrammet", "5. semester på socionomprogrammet"),
        "c7": ("Kim", "Helt enig med artiklen, Karen.", None),
        "c8": ("[deleted]", "Forkert.\n\nMvh Jens, socialrådgiver", None),
    }  # fmt: skip
    rows = [{"id": "t", "thread_id": "t", "author": "Red", "title": "Socialrådgiverne har for mange sager"}]
    rows += [{"id": i, "thread_id": "t", "parent_id": "t", "author": a, "text": x} for i, (a, x, _) in signed.items()]
    corpus = ingest_thread_files([write_jsonl(tmp_path / "t.jsonl", rows)], cfg)
    posts = {p.id: p for p in corpus.posts}
    for pid, (_, text, description) in signed.items():
        assert posts[pid].authors[0].description == description, pid
        sig = posts[pid].signature
        assert (sig is not None) == (description is not None), pid
        if sig is not None:
            assert description in text[sig.start : sig.end] and text[sig.end :].strip() == ""
    roles = {pid: role_rule(None, [d], []) for pid, (_, _, d) in signed.items() if d}
    assert {pid: hit.label for pid, hit in roles.items()} == {
        "c1": "social_worker", "c2": "politician", "c3": "social_worker",
        "c4": "employer", "c5": "citizen", "c6": "student",
    }  # fmt: skip
    assert "6 post(s) end in a sign-off" in " ".join(n.message for n in corpus.notes)


def test_threads_a_post_with_no_author_given_is_by_the_name_its_sign_off_signs(tmp_path, cfg):
    """A letters page's export has the text only, signed at its end: the sign-off's name of
    two to four capitalised words is the author ("sign-off in the text"), with the
    self-description after it. A deleted author stays deleted, a first name alone names no
    one, and the report says how many posts were named so."""
    rows = [
        {"id": "t", "thread_id": "t", "title": "Læserbreve om socialrådgivere"},
        {"id": "a", "thread_id": "t", "parent_id": "t", "text": "Højt.\n\nMvh Karen Holm, socialrådgiver i Aarhus"},
        {"id": "b", "thread_id": "t", "parent_id": "t", "text": "Nej.\n\nHilsen\nOle Hansen\nByrådsmedlem (V)"},
        {"id": "c", "thread_id": "t", "parent_id": "t", "author": "[deleted]", "text": "Nej.\n\nMvh Jens Berg"},
        {"id": "d", "thread_id": "t", "parent_id": "t", "text": "Ja.\n\nMvh Karen"},
    ]  # fmt: skip
    corpus = ingest_thread_files([write_jsonl(tmp_path / "letters.jsonl", rows)], cfg)
    posts = {p.id: p for p in corpus.posts}
    read = {pid: (p.authors[0].name, p.authors[0].description, p.author_evidence) for pid, p in posts.items()}
    assert read["a"] == ("Karen Holm", "socialrådgiver i Aarhus", "sign-off in the text")
    assert read["b"] == ("Ole Hansen", "Byrådsmedlem (V)", "sign-off in the text")
    assert read["c"] == (None, None, None) and read["d"] == (None, None, None)
    assert "2 post(s) with no author given are by the name it signs" in " ".join(n.message for n in corpus.notes)


def test_threads_options_that_do_not_apply_to_an_input_are_named_as_unused(tmp_path, cfg, caplog):
    """--columns on a tool's own export, --subreddit with no Reddit dump: the corpus is read
    as it would be without them, and a warning (log and report) says they did nothing, so
    that a mapping or filter that did not apply is not believed to have."""
    telegram = tmp_path / "result.json"
    telegram.write_text(
        json.dumps(
            {
                "name": "Socialrådgivere",
                "type": "public_supergroup",
                "id": 7,
                "messages": [
                    {"id": 1, "type": "message", "date": "2024-03-14T10:00:00", "from": "Anna", "text": "Hej"}
                ],
            }
        ),
        encoding="utf-8",
    )
    options = ReadOptions(columns=(("text", "body"),), subreddits=frozenset({"denmark"}))
    with caplog.at_level("WARNING"):
        rows, notes = read_thread_files([telegram], cfg, options)
    assert [lr.row.text for lr in rows] == ["Hej"]
    warnings = sorted(n.message for n in notes if n.kind == "warning")
    assert warnings == [
        "no input is a Reddit dump: --subreddit not used (they apply to Reddit dumps (Pushshift, Arctic Shift))",
        "read as a Telegram chat export (Telegram Desktop, JSON): --columns not used (they apply to generic thread "
        "files: CSV, JSONL, JSON, Excel)",
    ]
    assert "--columns not used" in caplog.text


def test_threads_bad_input_names_file_and_line(tmp_path, cfg):
    err = _error(tmp_path, cfg, "empty.jsonl", "")
    assert err.line == 0 and "empty file" in str(err) and "empty.jsonl" in str(err)
    err = _error(tmp_path, cfg, "empty.csv", "\n")
    assert "empty file" in str(err)
    # UTF-8 letters, then a byte no UTF-8 text holds: a damaged file, not one to read in
    # another encoding whole.
    damaged = "id,thread_id,text\nx,x,Søren\n".encode() + "y,x,s\xf8ster\n".encode("latin-1")
    err = _error(tmp_path, cfg, "latin1.csv", damaged)
    assert err.line == 3 and "not valid UTF-8" in str(err)
    assert "--encoding cp1252" in str(err)  # what a Danish Excel saves, and how to read it
    # The same file saved with a byte-order mark (Excel's "CSV UTF-8"): the bad byte is
    # named as it is, where it is (it had been named three bytes early).
    err = _error(tmp_path, cfg, "bom.csv", b"\xef\xbb\xbf" + damaged)
    bad = (b"\xef\xbb\xbf" + damaged).index(b"\xf8")
    assert err.line == 3 and f"(byte 0xf8 at offset {bad})" in str(err)
    err = _error(tmp_path, cfg, "header.csv", "id;thread_id;txet\nx;x;hej\n")
    assert err.line == 1 and "header does not parse" in str(err) and "unknown columns ['txet']" in str(err)
    for bad_id, why in (("a\x00b", "U+0000"), ("a\nb", "U+000A"), ("x" * 201, "at most 200")):
        err = _error(tmp_path, cfg, "ids.jsonl", json.dumps({"id": bad_id, "thread_id": "t"}) + "\n")
        assert err.line == 1 and why in str(err) and "ids.jsonl" in str(err)
    err = _error(tmp_path, cfg, "typo.jsonl", '{"id": "a", "thread_id": "a", "parrent_id": "b"}\n')
    assert err.line == 1 and "parrent_id" in str(err)
    err = _error(
        tmp_path, cfg, "dup.jsonl", '{"id": "a", "thread_id": "a"}\n\n{"id": "a", "thread_id": "a", "text": "x"}\n'
    )
    assert err.line == 3 and "duplicate id 'a'" in str(err) and "dup.jsonl:1" in str(err)
    err = _error(
        tmp_path,
        cfg,
        "orphan.jsonl",
        '{"id": "a", "thread_id": "a"}\n{"id": "b", "thread_id": "a", "parent_id": "zz"}\n',
        repair_missing_parents=False,
    )
    assert err.line == 2 and "'zz'" in str(err) and "--refuse-missing-parents" in str(err)
    err = _error(
        tmp_path,
        cfg,
        "cycle.jsonl",
        '{"id": "r", "thread_id": "r"}\n'
        '{"id": "a", "thread_id": "r", "parent_id": "b"}\n{"id": "b", "thread_id": "r", "parent_id": "a"}\n',
    )
    assert "reply cycle" in str(err) and "a (line 2)" in str(err) and "b (line 3)" in str(err)
    err = _error(tmp_path, cfg, "label.jsonl", '{"id": "a", "thread_id": "a", "reply_stance": "agree"}\n')
    assert err.line == 1 and "unknown label 'agree'" in str(err)
    err = _error(tmp_path, cfg, "date.jsonl", '{"id": "a", "thread_id": "a", "created": "i går kl. 14.03"}\n')
    assert "not a date this pipeline reads" in str(err) and "04-12-2024" in str(err)


@pytest.mark.parametrize(
    "created, iso",
    [
        ("2024-12-04T10:15:00+01:00", "2024-12-04T10:15:00+01:00"),
        ("1733307300", "2024-12-04T10:15:00"),  # epoch seconds, UTC
        ("1733307300.25", "2024-12-04T10:15:00"),
        ("1733307300000", "2024-12-04T10:15:00"),  # epoch milliseconds (JavaScript's)
        ("04-12-2024 10:15", "2024-12-04T10:15"),  # a Danish Excel's CSV
        ("4.12.2024", "2024-12-04"),  # Norwegian and Finnish
        ("04.12.2024 kl. 10.15", "2024-12-04T10:15"),
        ("04-12-2024 10:15:30", "2024-12-04T10:15:30"),
        ("4. december 2024 kl. 10.15", "2024-12-04T10:15"),
        ("16 februari 2016, 05:01", "2016-02-16T05:01"),
        # Database exports, feeds and English-language tools.
        ("2024-12-04 10:15:00 UTC", "2024-12-04T10:15:00+00:00"),
        ("Wed, 04 Dec 2024 10:15:00 GMT", "2024-12-04T10:15:00+00:00"),
        ("04 Dec 2024 10:15:00 +0100", "2024-12-04T10:15:00+01:00"),
        ("December 4, 2024", "2024-12-04"),
        ("Dec 4, 2024 10:15", "2024-12-04T10:15"),
        ("December 4, 2024 at 10:15 pm", "2024-12-04T22:15"),  # WordPress's English default
        ("Dec 4, 2024, 12:05 AM", "2024-12-04T00:05"),
        ("4 December 2024", "2024-12-04"),
        ("Wed Dec 04 10:15:00 +0000 2024", "2024-12-04T10:15:00+00:00"),  # Twitter's API v1.1
        # A spreadsheet's date cell that lost its format shows Excel's serial day number.
        ("45630.4270833", "2024-12-04T10:15:00"),
        ("45630", "2024-12-04"),
        # A weekday and "den" in front, as Danish and Norwegian sites print dates.
        ("onsdag den 4. december 2024 kl. 10.15", "2024-12-04T10:15"),
        ("den 4. december 2024", "2024-12-04"),
        ("Ons. 4. dec. 2024", "2024-12-04"),
        ("onsdag 4 december 2024 kl. 10:15", "2024-12-04T10:15"),  # Swedish
        ("04.12.24", "2024-12-04"),  # a comment's date on a Danish site, two-digit year
        # Danish with one slash and the year after a dash: day first, no other order writes it so.
        ("4/12-2024", "2024-12-04"),
        ("4/12-2024 kl. 10.15", "2024-12-04T10:15"),
        ("4/12 24", "2024-12-04"),
    ],
)
def test_threads_dates_in_researchers_formats_are_read_as_iso_and_reported(tmp_path, cfg, created, iso):
    path = tmp_path / "dates.csv"
    path.write_text(f"id;thread_id;created;text\nr;r;{created};Hej\n", encoding="utf-8")
    rows, notes = read_thread_files([path], cfg)
    assert rows[0].row.created == iso
    said = [n.message for n in notes if n.kind == "repaired" and "date(s) read from" in n.message]
    assert len(said) == (0 if created == iso else 1) and all(m.startswith("1 date(s)") for m in said)


def test_threads_dates_no_one_can_read_for_sure_are_refused_naming_the_line(tmp_path, cfg):
    """Slashes are month first in American exports and day first in British ones; a date
    that does not exist is not a date; a date with words around it is not a date field."""
    # Two-digit years with dashes: Danish "04-12-24" is day first, Swedish "24-12-04" year first.
    for created in (
        "31-02-2024", "4. december 2024 om aftenen", "2024-13-01", "February 30, 2024", "Dec 2024", "31.02.24",
        "04-12-24", "onsdag", "den 12",
    ):  # fmt: skip
        err = _error(tmp_path, cfg, "d.csv", f"id;thread_id;created\nr;r;\na;r;{created}\n")
        assert err.line == 3 and "not a date this pipeline reads" in str(err) and created in str(err)
    err = _error(tmp_path, cfg, "d.csv", "id;thread_id;created\nr;r;\na;r;12/04/2024\n")
    assert err.line == 3 and "12/04/2024" in str(err)
    assert "--slash-dates day-first" in str(err) and "--slash-dates month-first" in str(err), "the way out is named"


@pytest.mark.parametrize(
    "order, created, iso",
    [
        ("day-first", "02/01/2024", "2024-01-02"),  # a British or European export: 2 January
        ("day-first", "31/12/2023 23:59", "2023-12-31T23:59"),
        ("month-first", "02/01/2024", "2024-02-01"),  # an American export: 1 February
        ("month-first", "12/31/2023 23:59:30", "2023-12-31T23:59:30"),
        (None, "2024/01/02 08:15", "2024-01-02T08:15"),  # year first cannot be misread
    ],
)
def test_threads_dates_with_slashes_are_read_in_the_order_the_researcher_names(tmp_path, cfg, order, created, iso):
    path = tmp_path / "dates.csv"
    path.write_text(f"id;thread_id;created;text\nr;r;{created};Hej\n", encoding="utf-8")
    rows, notes = read_thread_files([path], cfg, ReadOptions(slash_dates=order))
    assert rows[0].row.created == iso
    said = [n.message for n in notes if "date(s) read from" in n.message]
    assert said == [f"1 date(s) read from {DATE_FORMS['slashes, ' + (order or 'year-first').replace('-', ' ')]}"]


def test_threads_dates_with_slashes_that_do_not_exist_in_the_named_order_are_refused(tmp_path, cfg):
    path = tmp_path / "dates.csv"
    path.write_text("id;thread_id;created\nr;r;\na;r;31/12/2023\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_thread_files([path], cfg, ReadOptions(slash_dates="month-first"))
    assert err.value.line == 3 and "'31/12/2023' is not a date read month-first" in str(err.value)


def test_threads_rows_repeated_field_for_field_are_dropped_once_and_reported_per_file(tmp_path, cfg):
    """A scraper paging through a site saves some rows twice: the same post, kept once. The
    ingest report says how many were dropped and where the first repeat is."""
    path = tmp_path / "scraped.csv"
    path.write_text(
        "id,thread_id,parent_id,author,text\n"
        "r,r,,Anna,Socialrådgiverne har for mange sager.\n"
        "a,r,r,Bo,Enig.\n"
        "a,r,r,Bo,Enig.\n"
        "b,r,a,Carl,Nej.\n"
        "a,r,r,Bo,Enig.\n",
        encoding="utf-8",
    )
    rows, notes = read_thread_files([path], cfg)
    assert [lr.row.id for lr in rows] == ["r", "a", "b"]
    repeats = [n for n in notes if "repeating an earlier row" in n.message]
    assert len(repeats) == 1 and repeats[0].kind == "repaired" and repeats[0].where == f"{path}:4"
    assert repeats[0].message.startswith("2 row(s)") and f"{path}:3" in repeats[0].message


def test_threads_a_row_repeated_with_fields_the_first_left_empty_completes_it_and_a_clash_is_refused(tmp_path, cfg):
    """The same post saved twice, once without its author or date (as the post a comment
    carries): one row with every field either gave, and a note. Two rows that fill one
    field differently are still refused: only the researcher can tell which is right."""
    path = write_jsonl(
        tmp_path / "saved.jsonl",
        [
            {"id": "r", "thread_id": "r", "title": "Mangel på socialrådgivere", "author": None},
            {"id": "a", "thread_id": "r", "parent_id": "r", "text": "Enig."},
            {
                "id": "r",
                "thread_id": "r",
                "title": "Mangel på socialrådgivere",
                "author": "Anna",
                "created": "2024-03-14",
            },
        ],
    )
    rows, notes = read_thread_files([path], cfg)
    root = next(lr.row for lr in rows if lr.row.id == "r")
    assert (len(rows), root.author, root.created, root.title) == (2, "Anna", "2024-03-14", "Mangel på socialrådgivere")
    assert any(n.message.startswith("1 row(s) repeating an earlier row with fields it lacked") for n in notes)
    clash = write_jsonl(
        tmp_path / "clash.jsonl",
        [{"id": "r", "thread_id": "r", "author": "Anna"}, {"id": "r", "thread_id": "r", "author": "Bo"}],
    )
    with pytest.raises(InputError) as err:
        read_thread_files([clash], cfg)
    assert err.value.line == 2 and "duplicate id 'r'" in str(err.value)


def test_threads_a_missing_parent_is_repaired_by_default_and_reported(tmp_path, cfg):
    """A deleted or uncollected parent is ordinary in real data: the reply is kept, and the
    report says where and what it named."""
    path = write_jsonl(
        tmp_path / "orphan.jsonl",
        [
            {"id": "a", "thread_id": "a", "title": "Root"},
            {"id": "b", "thread_id": "a", "parent_id": "gone", "text": "x"},
        ],
    )
    rows, notes = read_thread_files([path], cfg)
    assert {lr.row.id: lr.row.parent_id for lr in rows} == {"a": None, "b": "a"}
    assert notes[0].kind == "repaired" and notes[0].where.endswith("orphan.jsonl:2") and "'gone'" in notes[0].message
    assert not [n for n in notes if n.kind == "warning"]  # one missing parent is no sign of a misread file


def test_threads_a_thread_deleted_whole_with_its_parents_missing_is_read(tmp_path, cfg):
    """A dump's thread whose every post was deleted or removed, replies naming parents not
    collected: the replies answer the opening post (nothing they say points elsewhere). It
    had stopped ingest with scikit-learn's "empty vocabulary"."""
    path = write_jsonl(
        tmp_path / "deleted.jsonl",
        [
            {"id": "r", "thread_id": "t", "author": "[deleted]", "text": "[deleted]"},
            {"id": "a", "thread_id": "t", "parent_id": "gone", "author": "Bo", "text": "[removed]"},
            {"id": "b", "thread_id": "t", "parent_id": "gone2", "author": "Cy", "text": "\u200b"},
        ],
    )
    corpus = ingest_thread_files([path], cfg)
    assert {p.id: (p.parent_id, p.text) for p in corpus.posts} == {"r": (None, ""), "a": ("r", ""), "b": ("r", "")}


def test_threads_most_parents_missing_warns_of_ids_numbered_per_thread(tmp_path, cfg):
    """Comments numbered 1, 2, 3 under each article, read without --ids-per-thread: the
    second article's replies name parents that are not in it. The warning says what to pass."""
    rows = []
    for t in ("a1", "a2"):
        rows.append({"id": t, "thread_id": t, "title": "Artikel"})
        rows += [{"id": f"{t}-{i}", "thread_id": t, "parent_id": str(i - 1), "text": "Enig."} for i in range(2, 6)]
    path = write_jsonl(tmp_path / "numbered.jsonl", rows)
    _, notes = read_thread_files([path], cfg)
    (warning,) = [n for n in notes if n.kind == "warning"]
    assert warning.where.endswith("numbered.jsonl:2") and warning.message.startswith("8 of 8 replies")
    assert "--ids-per-thread" in warning.message


def test_threads_a_repaired_reply_answers_whom_its_words_address_and_says_its_parent_is_missing(tmp_path, cfg):
    """A reply whose named parent is not in the file is not simply the article's: its words
    decide where they can ("Svar til Ole" answers Ole's comment), else the root; either way
    its evidence says the parent the file named is missing (never 'given')."""
    path = tmp_path / "orphans.csv"
    path.write_text(
        "id,thread_id,parent_id,author,text\n"
        "1,t1,,Redaktionen,Kommunerne skal ansætte flere socialrådgivere nu.\n"
        "2,t1,1,Mette K,Helt enig. Vi drukner i sager.\n"
        "3,t1,2,Ole,Nej det passer ikke. Problemet er ledelsen.\n"
        "6,t1,7,Per,Svar til Ole: du tager fejl.\n"
        "8,t1,9,Per,Det handler om penge.\n",
        encoding="utf-8",
    )
    corpus = ingest_thread_files([path], cfg, ReadOptions())
    posts = corpus.posts_by_id()
    assert (posts["6"].parent_id, posts["6"].parent_rule) == ("3", "address")
    assert (posts["8"].parent_id, posts["8"].parent_rule) == ("1", "default")
    for pid, named in (("6", "'7'"), ("8", "'9'")):
        first = posts[pid].parent_evidence[0]
        assert (first.rule, first.decided) == ("missing-parent", False) and named in first.cue
    assert (posts["3"].parent_id, posts["3"].parent_rule) == ("2", "given")
    notes = [n for n in corpus.notes if "is missing" in n.message]
    assert [n.where.rsplit(":", 1)[1] for n in notes] == ["5", "6"]
    assert "inferred from its words (else the root '1')" in notes[0].message


def test_threads_every_bad_row_is_named_in_one_run_and_nothing_is_written(tmp_path, cfg):
    """A researcher fixing an export's dates or label spellings sees every bad row at once
    (the first as the error's file and line, up to 20 listed, then how many in all), not one
    per run; the corpus folder is not written."""
    path = tmp_path / "bad.csv"
    rows = ["id,thread_id,parent_id,created,text,reply_stance", "1,t1,,2024-03-01,Socialrådgivere mangler.,"]
    rows += [f"{i},t1,1,32.13.2024,Nej.," for i in range(2, 25)]
    rows += ["25,t1,1,2024-03-02,Tja.,disagree"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_thread_files([path], cfg)
    err = info.value
    assert (err.line, len(err.problems)) == (3, 20) and "'32.13.2024' is not a date" in err.message
    assert [p.where for p in err.problems[:2]] == [f"{path}:4", f"{path}:5"]
    assert str(err.problems[-1]) == "in all: 24 rows refused (4 more not listed); nothing was written"
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(path), "--out", str(out)) == 2
    assert not out.exists()
    # An id that an earlier row has, with other content, is one more bad row: the reading goes on.
    dup = tmp_path / "dup.csv"
    dup.write_text(
        "id,thread_id,parent_id,created,text\n1,t1,,2024-03-01,A.\n1,t1,,2024-03-01,B.\n2,t1,1,32.13.2024,C.\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_thread_files([dup], cfg)
    assert info.value.line == 3 and "duplicate id '1'" in info.value.message
    assert [p.where for p in info.value.problems] == [f"{dup}:4", "in all"]


def test_threads_a_post_naming_itself_as_its_parent_is_a_comment_or_its_threads_opening_post(tmp_path, cfg):
    """Some exports mark a top-level comment, or a thread's opening post, by naming the post
    itself as its parent. Read as a comment on the thread's opening post (or on whom its words
    address, as a missing parent is), or as the opening post where the thread has no other;
    each repair reported with its line. With --refuse-missing-parents it is an error naming
    the line, as before."""
    path = tmp_path / "self.csv"
    path.write_text(
        "id,thread_id,parent_id,author,text\n"
        "c1,t1,c1,Anna,Det er helt galt med sagsmængden.\n"
        "a1,t1,,Redaktionen,Kommunerne skal ansætte flere socialrådgivere.\n"
        "c2,t1,c2,Bo,Svar til Anna: du tager fejl.\n"
        "s1,t2,s1,Carl,Socialrådgivere er vigtige for velfærden.\n"
        "s2,t2,s1,Dorte,Helt enig.\n"
        "s3,t2,s3,Erik,Det er jeg ikke enig i.\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_thread_files([path], cfg, ReadOptions(repair_missing_parents=False))
    assert info.value.line == 2 and "names itself as its parent" in str(info.value)
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert {p: posts[p].parent_id for p in ("a1", "c1", "c2", "s1", "s2", "s3")} == {
        "a1": None,
        "c1": "a1",
        "c2": "c1",
        "s1": None,
        "s2": "s1",
        "s3": "s1",
    }
    assert posts["c2"].parent_rule == "address"
    first = posts["c1"].parent_evidence[0]
    assert (first.rule, first.decided) == ("missing-parent", False) and "the post itself" in first.cue
    assert {t.id: t.root_id for t in corpus.threads} == {"t1": "a1", "t2": "s1"}
    notes = sorted((n.where.rsplit(":", 1)[1], n.message) for n in corpus.notes if "names itself" in n.message)
    assert [line for line, _ in notes] == ["2", "4", "5", "7"]
    assert "read as the opening post of thread 't2'" in notes[2][1] and "else the root 'a1'" in notes[0][1]


def test_threads_comments_exported_without_their_article_get_an_empty_root_when_repairing(tmp_path, cfg):
    """A news site's or a Facebook post's comments exported without the article: the
    top-level comments name it as their parent: the thread gets an empty root, as a Reddit
    dump's does. With --refuse-missing-parents that is an error that says why."""
    path = tmp_path / "comments.csv"
    path.write_text(
        "id,thread_id,parent_id,author,text\n"
        "c1,art9,art9,Anna,Det er helt galt med sagsmængden.\n"
        "c2,art9,art9,Bo,Enig. Vi mangler folk.\n"
        "c3,art9,c1,Carl,Nej det passer ikke.\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_thread_files([path], cfg, ReadOptions(repair_missing_parents=False))
    assert info.value.line == 2 and "--refuse-missing-parents" in str(info.value) and "empty one" in str(info.value)
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert posts["art9"].parent_id is None and (posts["art9"].title, posts["art9"].text) == ("", "")
    assert [posts[c].parent_id for c in ("c1", "c2", "c3")] == ["art9", "art9", "c1"]
    assert [p.kind for p in corpus.posts].count("comment") == 3
    assert any("'art9': its opening post is not in the input; it gets an empty root" in n.message for n in corpus.notes)


def test_threads_cli_bad_input_exits_nonzero_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "thread_id": "a"}\n{"id": "a", "thread_id": "a", "text": "x"}\n', encoding="utf-8")
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(bad), "--out", str(out)) == 2
    assert f"{bad}:2: duplicate id 'a'" in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_threads_cli_failure_leaves_an_earlier_output_untouched(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", ROWS)
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(good), "--out", str(out)) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    assert run_cli("ingest", "--threads", str(bad), "--out", str(out)) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_threads_a_researchers_file_goes_through_every_stage(tmp_path):
    import networkx as nx

    src = write_jsonl(tmp_path / "mine.jsonl", ROWS)
    d = run_pipeline(tmp_path, "--threads", str(src), name="mine")
    g = nx.read_graphml(d["graphs"] / "corpus.graphml", force_multigraph=True)
    assert g.nodes["participant:deleted:t1-b"]["label"] == "[deleted]"
    assert {(u, v) for u, v, k in g.edges(keys=True) if k.startswith("reply:")} == {
        ("t1-a", "t1"),
        ("t1-b", "t1-a"),
        ("t1-c", "t1-a"),
    }
    labels = {
        json.loads(x)["post_id"]: json.loads(x) for x in (d["predictions"] / "posts.jsonl").read_text().splitlines()
    }
    assert labels["t1"]["reply_stance"] is None and labels["t1-c"]["reply_stance"]["label"] in (
        "support",
        "deny",
        "query",
        "comment",
    )
    assert "Skal socialrådgivere autoriseres?" in (d["reports"] / "mine.html").read_text(encoding="utf-8")


def test_threads_mixed_languages_are_detected_per_post(tmp_path, cfg):
    rows = [
        {
            "id": "r",
            "thread_id": "r",
            "title": "Socialrådgiverne forlader kommunerne",
            "text": "Flere og flere socialrådgivere forlader de kommunale forvaltninger, "
            "fordi arbejdspresset er for stort.",
        },
        {
            "id": "sv",
            "thread_id": "r",
            "parent_id": "r",
            "text": "Samma sak i Sverige: socialsekreterarna lämnar socialtjänsten "
            "eftersom arbetsbelastningen är för hög.",
        },
        {"id": "kort", "thread_id": "r", "parent_id": "r", "text": "Enig."},
    ]
    corpus = ingest_thread_files([write_jsonl(tmp_path / "mixed.jsonl", rows)], cfg)
    posts = corpus.posts_by_id()
    assert (posts["r"].lang, posts["r"].lang_source) == ("da", "detected")
    assert (posts["sv"].lang, posts["sv"].lang_source) == ("sv", "detected")
    # Too short to tell Danish from Norwegian: it takes the thread's language, and says so.
    assert (posts["kort"].lang, posts["kort"].lang_source) == ("da", "thread")


def test_threads_of_short_posts_take_the_language_their_words_say_together(tmp_path, cfg):
    """No post of these threads is long enough to tell Danish from Norwegian or Swedish
    alone; together their words are."""
    rows = [
        {"id": "d1", "thread_id": "d", "text": "Jeg er uenig med dig, Per."},
        {"id": "d2", "thread_id": "d", "parent_id": "d1", "text": "Nej, du tager fejl."},
        {"id": "d3", "thread_id": "d", "parent_id": "d2", "text": "Hvad mener I?"},
        {"id": "s1", "thread_id": "s", "text": "Jag håller inte med dig."},
        {"id": "s2", "thread_id": "s", "parent_id": "s1", "text": "Det är fel, tycker jag."},
        {"id": "s3", "thread_id": "s", "parent_id": "s2", "text": "Varför då?"},
        {"id": "u1", "thread_id": "u", "text": "Ok."},
    ]
    corpus = ingest_thread_files([write_jsonl(tmp_path / "short.jsonl", rows)], cfg)
    assert {t.id: t.lang for t in corpus.threads} == {"d": "da", "s": "sv", "u": "und"}
    assert {(p.thread_id, p.lang, p.lang_source) for p in corpus.posts} == {
        ("d", "da", "thread"),
        ("s", "sv", "thread"),
        ("u", "und", "thread"),
    }


def test_threads_excel_csv_with_semicolons_in_windows_1252_is_read(tmp_path, cfg):
    rows = "id;thread_id;parent_id;author;text\nt;t;;Søren;Kære alle\nt-a;t;t;Åsa;Jeg er uenig, så det så.\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(rows.encode("cp1252"))
    for opt in (ReadOptions(encoding="cp1252"), ReadOptions()):
        corpus = ingest_thread_files([path], cfg, opt)
        posts = corpus.posts_by_id()
        assert posts["t-a"].author == "Åsa" and posts["t-a"].text == "Jeg er uenig, så det så."
        assert posts["t-a"].parent_id == "t"
    # Without --encoding it is read so where no byte of it is UTF-8's, and the report says so
    # (it had been refused until --encoding cp1252).
    assert [n.message for n in corpus.notes if "Windows-1252" in n.message] == [
        "not UTF-8: read as Windows-1252, as a Danish or Swedish Excel saves CSV (--encoding says otherwise)"
    ]
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeff".encode() + rows.encode("utf-8"))  # UTF-8 with BOM, as Excel's "CSV UTF-8"
    assert ingest_thread_files([bom], cfg).posts_by_id()["t"].author == "Søren"


def test_threads_null_title_and_text_are_empty(tmp_path, cfg):
    path = write_jsonl(
        tmp_path / "nulls.jsonl",
        [
            {"id": "r", "thread_id": "r", "title": "Link", "text": None},
            {"id": "a", "thread_id": "r", "parent_id": "r", "title": None, "text": "Ja"},
        ],
    )
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert (posts["r"].text, posts["a"].title) == ("", "")


def test_threads_deletion_marks_and_privacy_overwrites_are_read_as_empty_text_and_reported(tmp_path, cfg):
    from pipeline.segment.units import segment_post

    shreddit = "deleted  ^^^^^^^^^^^^^^^^0.9027  [^^^What ^^^is ^^^this?](https://pastebin.com/FcrFs94k/89977)"
    redact = "This post was mass deleted and anonymized with [Redact](https://redact.dev)\n\nsix pear grab tub"
    kept = (
        "Han skrev [deleted] i sin kommentar, men det passer ikke. "
        "Ulvene er ikke farlige for mennesker, og de fleste danskere vil gerne have dem i naturen."
    )
    rows = [
        {"id": "r", "thread_id": "r", "title": "Skal ulve skydes?", "text": "[removed]"},
        {"id": "a", "thread_id": "r", "parent_id": "r", "text": shreddit},
        {"id": "b", "thread_id": "r", "parent_id": "a", "text": redact},
        {"id": "c", "thread_id": "r", "parent_id": "r", "text": "[ Removed by Reddit ]"},
        {"id": "d", "thread_id": "r", "parent_id": "r", "text": kept},
        {"id": "e", "thread_id": "r", "parent_id": "d", "text": "Kommentaren er fjernet af en moderator."},
    ]
    corpus = ingest_thread_files([write_jsonl(tmp_path / "t.jsonl", rows)], cfg)
    posts = corpus.posts_by_id()
    # The posts stay in the thread (their replies still have a parent), with no text to label.
    assert [posts[i].text for i in "rabce"] == ["", "", "", "", ""] and posts["d"].text == kept
    assert posts["b"].parent_id == "a" and posts["r"].title == "Skal ulve skydes?"
    # The overwrite's English does not decide a post's language: the thread's does.
    assert posts["a"].lang == posts["d"].lang == "da"
    marks = sorted(n.where.rsplit(":", 1)[1] for n in corpus.notes if "deletion mark" in n.message)
    assert marks == ["1", "2", "3", "4", "6"]
    assert [len(segment_post(posts[i])[1]) for i in "abc"] == [0, 0, 0] and segment_post(posts["d"])[1]


def test_threads_a_comment_with_no_text_or_by_a_bot_gets_the_labels_of_saying_nothing_and_no_review(tmp_path):
    bot_text = (
        "Husk at holde en god tone i debatten. Jeg er socialrådgiver og en bot, "
        "og denne handling blev udført automatisk, fordi reglerne siger det."
    )
    rows = [
        {"id": "r", "thread_id": "r", "title": "Skal ulve skydes?", "text": ""},
        {"id": "a", "thread_id": "r", "parent_id": "r", "text": "[removed]"},
        {"id": "b", "thread_id": "r", "parent_id": "a", "text": "Nej, det er helt forkert. Ulve er ikke farlige.",
         "author": "Talbot"},
        # Reddit's moderation bot and a bot by naming convention: posts kept, no voice.
        {"id": "m", "thread_id": "r", "parent_id": "r", "author": "AutoModerator", "text": bot_text},
        {"id": "n", "thread_id": "r", "parent_id": "b", "author": "timezone_bot", "text": bot_text},
    ]  # fmt: skip
    d = run_pipeline(tmp_path, "--threads", str(write_jsonl(tmp_path / "t.jsonl", rows)), name="t")
    labels = {
        json.loads(x)["post_id"]: json.loads(x) for x in (d["predictions"] / "posts.jsonl").read_text().splitlines()
    }
    for silent in ("a", "m", "n"):
        gone = labels[silent]
        assert (gone["reply_stance"]["label"], gone["reply_stance"]["source"]) == ("comment", "default")
        assert (gone["target_stance"]["label"], gone["target_stance"]["source"]) == ("neutral", "default")
        assert gone["reply_stance"]["confidence"] == 0.0 and gone["reply_stance"].get("model") is None
    assert labels["b"]["reply_stance"]["source"] in ("model", "rule")
    # The bots' units are typed by who wrote them, not by their wording ("Jeg er socialrådgiver").
    units = [json.loads(x) for x in (d["segments"] / "units.jsonl").read_text().splitlines()]
    bot_units = [u for u in units if u["post_id"] in ("m", "n")]
    assert bot_units and {(u["unit_type"]["label"], u["unit_type"]["rule"]) for u in bot_units} == {
        ("none", "unit:bot-account")
    }
    roles = {
        json.loads(x)["participant_id"]: json.loads(x)["role"]
        for x in (d["predictions"] / "participants.jsonl").read_text().splitlines()
    }
    assert roles["participant:automoderator"]["rule"] == roles["participant:timezone_bot"]["rule"] == "role:bot-account"
    assert roles["participant:automoderator"]["label"] == "unknown"
    assert roles["participant:talbot"]["rule"] != "role:bot-account"  # a name, not a bot
    summary = (d["reports"] / "t.md").read_text(encoding="utf-8")
    assert "5 posts (4 comments; 3 of them without a person's text (deleted, a deletion mark, or a bot's)" in summary
    central = summary.split("## Most central participants", 1)[1].split("\n## ", 1)[0]
    # The article and the "[removed]" comment have no author: each is its own participant,
    # no one person to rank, and left out like the bots.
    assert (
        "2 automated accounts and 2 posts by deleted authors (each its own participant, no one person) are left "
        "out of this table and the figure" in central
    )
    assert "| Talbot |" in central and "AutoModerator" not in central and "timezone_bot" not in central
    assert "deleted" not in central.split("| participant |", 1)[1]
    out = tmp_path / "review"
    assert run_cli("review", "export", "--task", "reply_stance", "--out", str(out), *stage_args(d)) == 0
    (batch,) = out.glob("reply_stance-*/items.jsonl")
    assert [json.loads(x)["item_id"] for x in batch.read_text().splitlines()] == ["b"]
    # Nor is an author with no role to give (the deleted, bots) an item of role review.
    assert run_cli("review", "export", "--task", "role", "--out", str(out), *stage_args(d)) == 0
    (batch,) = out.glob("role-*/items.jsonl")
    assert [json.loads(x)["item_id"] for x in batch.read_text().splitlines()] == ["participant:talbot"]


def test_bots_are_known_names_or_named_by_convention():
    from pipeline.core.bots import is_bot

    assert all(map(is_bot, ["AutoModerator", "automoderator", "RemindMeBot", "timezone_bot", "converter-bot"]))
    assert not any(map(is_bot, ["Talbot", "Abbot", "robot", "Mette", None, "", "[deleted]"]))


def test_threads_rows_in_any_order_across_files_give_the_same_corpus(tmp_path, cfg):
    """A dump lists posts by time, not by thread, and a reply may sit in another file than
    its parent: ingest (which spills rows to disk rather than holding them) must give the
    corpus that one tidy file gives, streamed to a folder or built in memory."""
    import random

    from pipeline.bench.synth import write_synthetic
    from pipeline.core.corpus import write_corpus
    from pipeline.ingest.build import write_ingest

    tidy = tmp_path / "tidy.jsonl"
    write_synthetic(tidy, 120, seed=3, thread_sizes=(20, 40))
    lines = tidy.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(0).shuffle(lines)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(lines[::2]), encoding="utf-8")
    b.write_text("".join(lines[1::2]), encoding="utf-8")

    write_ingest(tmp_path / "tidy", cfg, paths=[tidy])
    written = write_ingest(tmp_path / "shuffled", cfg, paths=[a, b], workers=2)
    write_corpus(ingest_thread_files([tidy], cfg), tmp_path / "in_memory")
    assert written["counts"]["posts"] == 120
    for name in ("posts.jsonl", "threads.jsonl", "participants.jsonl"):
        tidy_bytes = (tmp_path / "tidy" / name).read_bytes()
        assert (tmp_path / "in_memory" / name).read_bytes() == tidy_bytes
        shuffled = (tmp_path / "shuffled" / name).read_text(encoding="utf-8")
        # Only `source` (file:line) differs: the same posts, threads and participants.
        assert _without_source(shuffled) == _without_source(tidy_bytes.decode("utf-8"))


def _without_source(jsonl: str) -> list[dict]:
    return [{k: v for k, v in json.loads(x).items() if k != "source"} for x in jsonl.splitlines()]


def test_threads_cross_file_checks_name_the_file_and_line(tmp_path, cfg):
    """A reply whose parent is in another thread is refused, each such reply named in one
    run, the first with what usually causes it."""
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "r", "thread_id": "r"}, {"id": "x", "thread_id": "s"}])
    b = write_jsonl(
        tmp_path / "b.jsonl",
        [
            {"id": "s", "thread_id": "s"},
            {"id": "c", "thread_id": "r", "parent_id": "x"},
            {"id": "d", "thread_id": "r", "parent_id": "s"},
        ],
    )
    with pytest.raises(InputError) as info:
        read_thread_files([a, b], cfg)
    assert str(info.value).startswith(f"{b}:2:") and "parent 'x' is in thread 's', not 'r'" in str(info.value)
    assert "one conversation under two thread ids" in info.value.message
    assert [str(p) for p in info.value.problems] == [
        f"{b}:3: parent 's' is in thread 's', not 'r'",
        "in all: 2 rows refused; nothing was written",
    ]
    c = write_jsonl(tmp_path / "c.jsonl", [{"id": "s", "thread_id": "t"}])
    with pytest.raises(InputError) as info:
        read_thread_files([b, c], cfg)
    assert str(info.value).startswith(f"{c}:1:") and f"duplicate id 's' (first at {b}:1)" in str(info.value)


def test_threads_line_separators_inside_json_text_do_not_split_a_line(tmp_path, cfg):
    # U+2028 may stand unescaped in JSON; str.splitlines() would cut the record in two.
    path = tmp_path / "sep.jsonl"
    path.write_text(
        json.dumps({"id": "r", "thread_id": "r", "text": "Første\u2028anden\x85tredje"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    rows, _ = read_thread_files([path], cfg)
    assert rows[0].row.text == "Første\u2028anden\x85tredje"


def test_threads_cli_out_of_disk_space_is_a_clear_error(tmp_path, capsys, monkeypatch):
    """Large corpora spill rows to TMPDIR: running out of space there (or in the output
    folder) says so and where to make room, instead of a traceback."""
    import errno
    import sqlite3

    from pipeline.ingest import build

    good = write_jsonl(tmp_path / "good.jsonl", ROWS)
    for exc in (OSError(errno.ENOSPC, "No space left on device"), sqlite3.OperationalError("database or disk is full")):

        def full(*args, _exc=exc, **kwargs):
            raise _exc

        monkeypatch.setattr(build, "write_ingest", full)
        assert run_cli("ingest", "--threads", str(good), "--out", str(tmp_path / "corpus")) == 2
        err = capsys.readouterr().err
        assert "ran out of space" in err and "TMPDIR" in err
    monkeypatch.setattr(build, "write_ingest", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EACCES, "denied")))
    with pytest.raises(OSError):
        run_cli("ingest", "--threads", str(good), "--out", str(tmp_path / "corpus"))


EXPORT = (
    "Comment ID;Post;Reply to;User name;Body;Likes;Published\n"
    "11;p1;;Anna;Socialrådgiverne drukner i sager.;3;04-12-2024 10:15\n"
    "12;p1;11;Bo;Helt enig!;1;04-12-2024 10:20\n"
)
EXPORT_COLUMNS = ("id=Comment ID", "thread_id=post", "parent_id=Reply to", "author=user name", "text=Body")


def test_threads_a_researchers_own_column_names_are_mapped_and_the_rest_left_out_on_request(tmp_path, cfg):
    """An export with its own column names reads without hand conversion: `--columns`
    maps them (names matched whatever their case), `--ignore-columns` leaves out what is no
    field and the ingest report lists it. Without them the error says both options."""
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    err = _error(tmp_path, cfg, "export.csv", EXPORT)
    assert err.line == 1 and "--columns FIELD=COLUMN" in str(err) and "--ignore-columns" in str(err)
    columns = parse_columns([*EXPORT_COLUMNS, "created=published"])
    err = _error(tmp_path, cfg, "export.csv", EXPORT, columns=columns)
    assert "unknown columns ['Likes']" in str(err)
    rows, notes = read_thread_files([path], cfg, ReadOptions(columns=columns, ignore_columns=True))
    assert [(r.row.id, r.row.thread_id, r.row.parent_id, r.row.author) for r in rows] == [
        ("11", "p1", None, "Anna"),
        ("12", "p1", "11", "Bo"),
    ]
    assert rows[1].row.text == "Helt enig!" and rows[1].row.created == "2024-12-04T10:20"
    assert any(n.message == "columns left out (--ignore-columns): ['Likes']" for n in notes)
    err = _error(tmp_path, cfg, "export.csv", EXPORT, columns=parse_columns([*EXPORT_COLUMNS, "title=Headline"]))
    assert err.line == 1 and "no column 'Headline' as --columns names" in str(err)


@pytest.mark.parametrize(
    "specs, why",
    [
        (["text"], "write FIELD=COLUMN"),
        (["body=text"], "unknown field 'body'"),
        (["text=body", "text=message"], "the field 'text' is named twice"),
        (["text=body", "title=Body"], "the column 'body' is named twice"),
    ],
)
def test_threads_column_mappings_that_cannot_be_meant_are_refused(specs, why):
    with pytest.raises(PipelineError, match=why):
        parse_columns(specs)


def test_threads_json_exports_with_numbers_for_ids_and_dates_and_their_own_keys_are_read(tmp_path, cfg):
    path = tmp_path / "api.jsonl"
    path.write_text(
        '{"comment_id": 11, "post_id": 7, "message": "Vi mangler hænder.", "ts": 1733307300, "likes": 3}\n'
        '{"comment_id": 12, "post_id": 7, "reply_to": 11, "message": "Enig.", "ts": 1733307360.5, "likes": 0}\n',
        encoding="utf-8",
    )
    columns = parse_columns(["id=comment_id", "thread_id=post_id", "parent_id=reply_to", "text=message", "created=ts"])
    rows, notes = read_thread_files([path], cfg, ReadOptions(columns=columns, ignore_columns=True))
    assert [(r.row.id, r.row.thread_id, r.row.parent_id, r.row.created) for r in rows] == [
        ("11", "7", None, "2024-12-04T10:15:00"),
        ("12", "7", "11", "2024-12-04T10:16:00"),
    ]
    assert any(n.message == "columns left out (--ignore-columns): ['likes']" for n in notes)


def test_threads_cli_reads_a_mapped_export_through_every_option(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    out = tmp_path / "corpus"
    args = ["ingest", "--threads", str(path), "--columns", *EXPORT_COLUMNS, "--ignore-columns", "--out", str(out)]
    assert run_cli(*args) == 0
    report = json.loads((out / "ingest_report.json").read_text(encoding="utf-8"))
    assert report["counts"]["posts"] == 2 and report["counts"]["comments"] == 1
    assert run_cli("ingest", "--threads", str(path), "--columns", "text", "--out", str(tmp_path / "x")) == 2


@pytest.mark.parametrize(
    "html, text",
    [
        ("<p>Hej &amp; tak.</p><p>Anden   linje<br>tredje</p>", "Hej & tak.\n\nAnden linje\ntredje"),
        ("<blockquote><p>Det er løgn</p></blockquote><p>Nej, det er sandt.</p>", "> Det er løgn\n\nNej, det er sandt."),
        ("<div><blockquote>a<blockquote>b</blockquote></blockquote>c</div>", "> a\n>\n> > b\n\nc"),
        ("<script>x=1</script>Synlig <b>fed</b> tekst<!-- skjult --> her", "Synlig fed tekst her"),
        ("<ul><li>en</li><li>to</li></ul>", "en\n\nto"),
        ('Se <a href="https://dr.dk/x">artiklen</a>.', "Se artiklen (https://dr.dk/x)."),
        ('<a href="https://dr.dk/x">https://dr.dk/x</a>', "https://dr.dk/x"),
        ("3 < 4 og A & B", "3 < 4 og A & B"),
        # Characters XML cannot hold do not make the text vanish.
        ("\ud800<p>tekst</p>", "\ufffd\n\ntekst"),
        ("a\x00b<p>c</p>", "a\ufffdb\n\nc"),
        ("<p>" * 5000 + "dybt" + "</p>" * 5000, "dybt"),
    ],
)
def test_html_posts_read_as_the_text_a_reader_saw(html, text):
    from pipeline.ingest.markup import html_text

    assert html_text(html) == text


def test_threads_html_texts_are_converted_with_html_and_pointed_out_without(tmp_path, cfg):
    path = write_jsonl(
        tmp_path / "disqus.jsonl",
        [
            {
                "id": "r",
                "thread_id": "r",
                "title": "Sagstal &amp; travlhed",
                "text": "<p>Vi drukner.</p><p>Hvad nu?</p>",
            },
            {
                "id": "a",
                "thread_id": "r",
                "parent_id": "r",
                "text": "<blockquote>Vi drukner.</blockquote>Nej.<br>Mvh Bo",
            },
            {"id": "b", "thread_id": "r", "parent_id": "r", "text": "Helt enig"},
        ],
    )
    rows, notes = read_thread_files([path], cfg)
    assert rows[0].row.text.startswith("<p>")
    assert [n.message.split(" (")[0] for n in notes] == ["2 post(s) look like HTML"]
    assert "--html" in notes[0].message and notes[0].kind == "note"
    corpus = ingest_thread_files([path], cfg, ReadOptions(html=True))
    posts = corpus.posts_by_id()
    assert (posts["r"].title, posts["r"].text) == ("Sagstal & travlhed", "Vi drukner.\n\nHvad nu?")
    assert posts["a"].text == "> Vi drukner.\n\nNej.\nMvh Bo" and posts["b"].text == "Helt enig"
    assert any(n.message == "2 post(s) read from HTML as text (--html)" for n in corpus.notes)


FLAT_FORUM = (
    "id,thread_id,author,created,title,text\n"
    "p1,fb1,Trådstartaren,2024-03-01T10:00,Socialsekreterarna räcker inte till,"
    "Kommunerna har för få socialsekreterare och för många ärenden. Vad ska vi göra?\n"
    "p2,fb1,Kalle,2024-03-01T10:05,,Lönerna måste upp annars flyttar alla till bemanningsföretag.\n"
    'p3,fb1,Lisa,2024-03-01T10:09,,"@Kalle ""Lönerna måste upp annars flyttar alla till bemanningsföretag"" '
    '– nej, det handlar om arbetsmiljön."\n'
    "p4,fb1,Per,2024-03-01T10:12,,Hej Lisa: håller helt med dig om arbetsmiljön.\n"
)


def test_threads_a_flat_forum_thread_gets_inferred_parents_with_their_evidence(tmp_path, cfg):
    """A flat forum's export names no parents. Read as it is, every post is a root (a
    document). With --infer-replies the first post opens the thread and each other post
    answers the post its quotations, forms of address or echoes point to, else the opening
    post, with the evidence and confidence the raw pages' comments get."""
    path = tmp_path / "forum.csv"
    path.write_text(FLAT_FORUM, encoding="utf-8")
    flat = ingest_thread_files([path], cfg)
    assert {p.kind for p in flat.posts} == {"document"} and flat.threads[0].n_comments == 0
    corpus = ingest_thread_files([path], cfg, ReadOptions(infer_replies=True))
    posts = corpus.posts_by_id()
    assert [(p.id, p.position, p.kind) for p in corpus.posts] == [
        ("p1", 0, "document"),
        ("p2", 1, "comment"),
        ("p3", 2, "comment"),
        ("p4", 3, "comment"),
    ]
    assert {c: posts[c].parent_id for c in ("p2", "p3", "p4")} == {"p2": "p1", "p3": "p2", "p4": "p3"}
    decided = {c: {e.rule for e in posts[c].parent_evidence if e.decided} for c in ("p2", "p3", "p4")}
    assert decided["p2"] == {"default"} and "quotation" in decided["p3"] and decided["p4"] == {"address"}
    assert posts["p2"].parent_confidence == cfg.replies.default and posts["p4"].parent_confidence == cfg.replies.address
    assert corpus.threads[0].n_comments == 3 and corpus.threads[0].root_id == "p1"
    assert any(n.kind == "inferred" and "parents of 3 post(s) inferred" in n.message for n in corpus.notes)


def test_threads_a_commenter_named_in_the_text_is_the_one_answered(tmp_path, cfg):
    """ "Håller med Sofia87" answers Sofia87's latest post, as written (case and word
    boundaries kept). A lowercase handle reads as an ordinary word too often and names no
    one, unless written as a board links a mention ("@anonym", Reddit's "/u/anonym"); nor
    does one's own name, and the article author's name is `author-mention`."""
    path = tmp_path / "forum.csv"
    path.write_text(
        "id,thread_id,author,created,title,text\n"
        "p1,fb2,Kalle_A,2024-03-01T10:00,Socialsekreterare slutar,Tre socialsekreterare har slutat i min kommun.\n"
        "p2,fb2,Sofia87,2024-03-01T10:05,,Det är ärendemängden och inte lönen som driver bort folk.\n"
        "p3,fb2,anonym,2024-03-01T10:07,,Lönen spelar också roll för den som funderar på att byta jobb.\n"
        "p4,fb2,Sofia87,2024-03-01T10:09,,Jag har själv bytt jobb två gånger på fem år.\n"
        'p5,fb2,Bo,2024-03-01T10:12,,"Håller med Sofia87, politikerna måste prioritera socialtjänsten."\n'
        "p6,fb2,Eva,2024-03-01T10:15,,Jag vill vara anonym men kan berätta att vi också saknar folk.\n"
        "p7,fb2,Sofia87,2024-03-01T10:20,,Sofia87 här igen: Kalle_A har rätt i sak.\n"
        "p8,fb2,Eva,2024-03-01T10:25,,Tack Kalle_A för tråden. Och @anonym har en poäng om lönen.\n"
        "p9,fb2,Bo,2024-03-01T10:30,,Godt sagt av /u/anonym om lönen.\n",
        encoding="utf-8",
    )
    posts = ingest_thread_files([path], cfg, ReadOptions(infer_replies=True)).posts_by_id()
    assert posts["p5"].parent_id == "p4", "the latest post of the commenter named"
    mention = [e for e in posts["p5"].parent_evidence if e.decided]
    assert [(e.rule, e.cue) for e in mention] == [("commenter-mention", "Sofia87")]
    assert posts["p5"].parent_confidence == cfg.replies.commenter_mention
    assert posts["p6"].parent_id == "p1", "'anonym' is a word here, not the handle"
    assert posts["p7"].parent_id == "p1" and {e.rule for e in posts["p7"].parent_evidence} == {"author-mention"}
    assert posts["p8"].parent_id == "p3", "'@anonym' is the handle"
    assert ("commenter-mention", "@anonym") in [(e.rule, e.cue) for e in posts["p8"].parent_evidence if e.decided]
    assert ("commenter-mention", "/u/anonym") in [(e.rule, e.cue) for e in posts["p9"].parent_evidence if e.decided]


def test_threads_inferred_parents_look_back_only_a_window_of_comments(cfg):
    """A flat thread of thousands of posts would cost its length squared: a comment answers
    the root or one of `[replies] candidate_window` comments before it."""
    from pipeline.core.schema import Author, Post
    from pipeline.ingest.replies import infer_parents

    def post(i: int, text: str) -> Post:
        return make_post(f"c{i}", i, authors=(Author(name=f"user{i}"),), text=text)

    root = post(0, "Socialrådgiverne har for mange sager.")
    quoted = "Kommunerne burde ansætte mange flere socialrådgivere i år"
    comments = [post(1, quoted + ".")] + [post(i, f"Indlæg nummer {i} om noget helt andet.") for i in range(2, 6)]
    comments.append(post(6, f'"{quoted}" - det er jeg uenig i.'))
    near = infer_parents(root, comments, cfg.replies)
    far = infer_parents(root, comments, cfg.replies.model_copy(update={"candidate_window": 3}))
    assert near["c6"].parent_id == "c1" and far["c6"].parent_id == "c0"


def test_threads_a_short_markdown_quote_links_to_the_one_post_that_says_it(cfg):
    """ "> ..." is how a forum or Reddit reply quotes what it answers: from three words on,
    such a quote found word for word in one earlier post alone links to it. A few words in
    quotation marks (a title, a scare quote) do not, nor a phrase two posts say."""
    from pipeline.core.schema import Author, Post
    from pipeline.ingest.replies import infer_parents

    def post(i: int, text: str) -> Post:
        return make_post(f"c{i}", i, authors=(Author(name=f"user{i}"),), text=text)

    root = post(0, "5G-netværket bør stoppes, siger en gruppe borgere.")
    comments = [
        post(1, "Jeg synes, det er en interessant artikel om netværk."),
        post(2, "Svartiderne bliver bedre, det er hele pointen."),
        post(3, "Tja, næppe.\n\n> det er en interessant artikel\n\nDet er et læserbrev."),
        post(4, 'Hvad er "en interessant artikel" egentlig?'),
        post(5, "> det er\n\nNej."),
        post(6, "Det er hele pointen med 5G."),
        post(7, "Hmm.\n\n> det er hele pointen\n\nHvilken pointe?"),
    ]
    decided = infer_parents(root, comments, cfg.replies)
    assert decided["c3"].parent_id == "c1"
    assert [e.rule for e in decided["c3"].evidence] == ["quotation"]
    assert decided["c4"].parent_id == "c0", "a few words in quotation marks are no quotation"
    assert decided["c5"].parent_id == "c0", "two words are too few"
    assert decided["c7"].parent_id == "c0", "c2 and c6 both say it"


def test_threads_closest_in_meaning_is_a_comment_clearly_closer_than_the_rest():
    """The meaning rule's candidate: the earlier comment whose embedding is closest, where
    it is not the article and leads the next closest post by the margin."""
    import numpy as np

    from pipeline.ingest.replies import _closest_in_meaning

    def unit(*v: float) -> np.ndarray:
        a = np.array(v, dtype=np.float32)
        return a / np.linalg.norm(a)

    # Rows: the root, then comments 0..3.
    vectors = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1), unit(0, 1, 0.1), unit(1, 1, 0)])
    k, cosine, runner_up = _closest_in_meaning(vectors, 2, 0, 0.02)
    assert k == 0 and cosine > 0.99 and runner_up < 0.1
    assert _closest_in_meaning(vectors, 0, 0, 0.02) is None, "the first comment can answer only the article"
    assert _closest_in_meaning(vectors, 3, 0, 0.02) is None, "the article and comment 0 are equally close"
    assert _closest_in_meaning(vectors, 2, 0, 0.95) is None, "it must lead by the margin"
    assert _closest_in_meaning(vectors, 2, 1, 0.02)[0] == 1, "comment 0 is outside the window"


def test_threads_parents_by_meaning_decide_only_where_no_cue_points(cfg, monkeypatch):
    """With `[replies] meaning_encoder` set, a comment no cue links answers the comment its
    embedding is closest to, with the rule, the cosines and the rule's measured confidence
    as evidence; a comment whose words point somewhere keeps that link."""
    import numpy as np

    from pipeline.core.schema import Author, Post
    from pipeline.ingest import replies

    def post(i: int, author: str, text: str) -> Post:
        return make_post(f"c{i}", i, authors=(Author(name=author),), text=text)

    root = post(0, "Redaktionen", "Socialrådgiverne har for mange sager.")
    comments = [
        post(1, "Mette Lund", "Dyrlægen til katte er alt for dyr i Jylland."),
        post(2, "Ole Berg", "Ja, og dyrlæger til hunde koster også for meget."),
        post(3, "Per Holm", "Kære Mette Lund, katte er ikke emnet her."),
    ]
    # The article, then the comments: comments 1 and 2 are close, 3 is like comment 1 too.
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 0.96, 0.28], [0, 0.96, 0.28]], dtype=np.float32)
    off = replies.infer_parents(root, comments, cfg.replies)
    assert [off[c.id].parent_id for c in comments] == ["c0", "c0", "c1"]
    monkeypatch.setattr(replies, "_meaning_vectors", lambda root, comments, rcfg: vectors)
    on = replies.infer_parents(root, comments, cfg.replies.model_copy(update={"meaning_encoder": "e5"}))
    assert [on[c.id].parent_id for c in comments] == ["c0", "c1", "c1"]
    decided = [e for e in on["c2"].evidence if e.decided]
    assert [e.rule for e in decided] == ["meaning"] and "cosine 0.960" in decided[0].cue
    assert on["c2"].confidence == cfg.replies.meaning
    assert {e.rule for e in on["c3"].evidence} == {"address"}, "a form of address decides, not meaning"


@pytest.mark.skipif(not (E5_DIR / "config.json").exists(), reason="the e5 folder is built by make setup")
def test_threads_ingest_parents_by_meaning_with_the_real_encoder(tmp_path):
    """`ingest --infer-replies --parents-by-meaning` on a flat list: a comment that takes up
    an earlier comment's side topic, naming no one, answers that comment."""
    rows = [
        {"id": "a", "thread_id": "a", "title": "Socialrådgivere skal have færre sager", "text": ""},
        {"id": "c1", "thread_id": "a", "author": "Mette", "text": "Min kat er syg, og dyrlægen er alt for dyr."},
        {"id": "c2", "thread_id": "a", "author": "Ole", "text": "Dyrlæger til katte koster alt for meget nu."},
    ]
    path = tmp_path / "flat.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    base = ["ingest", "--threads", str(path), "--infer-replies"]
    assert run_cli(*base, "--out", str(tmp_path / "plain")) == 0
    assert run_cli(*base, "--parents-by-meaning", "--out", str(tmp_path / "meaning")) == 0

    def parents(folder: str) -> dict[str, str]:
        lines = (tmp_path / folder / "posts.jsonl").read_text(encoding="utf-8").splitlines()
        return {p["id"]: p["parent_id"] for p in map(json.loads, lines)}

    assert parents("plain") == {"a": None, "c1": "a", "c2": "a"}
    assert parents("meaning") == {"a": None, "c1": "a", "c2": "c1"}
    report = json.loads((tmp_path / "meaning" / "ingest_report.json").read_text(encoding="utf-8"))
    said = [n for n in report["notes"] if "chosen by meaning" in n["message"]]
    assert [n["message"].split(":")[1].strip()[:1] for n in said] == ["1"] and said[0]["where"].endswith(":3")


def test_threads_parents_by_meaning_needs_a_built_encoder(tmp_path, capsys):
    config = tmp_path / "my.toml"
    config.write_text(f'[replies]\nmeaning_encoder = "{tmp_path / "no-such-model"}"\n', encoding="utf-8")
    path = tmp_path / "flat.jsonl"
    path.write_text('{"id": "a", "thread_id": "a", "text": "Hej"}\n', encoding="utf-8")
    code = run_cli("--config", str(config), "ingest", "--threads", str(path), "--parents-by-meaning")
    err = capsys.readouterr().err
    assert code != 0 and "no-such-model" in err and "make setup" in err


def test_threads_a_given_target_is_the_statement_target_stance_is_measured_against(tmp_path, cfg):
    """Comments exported without their article have no headline to take the target from: a
    `target` column (on any row of the thread) says what the thread debates."""
    path = tmp_path / "comments.csv"
    path.write_text(
        "id,thread_id,parent_id,text,target\n"
        "c1,art9,art9,Det er helt galt.,Socialrådgivere bør have højst 25 sager\n"
        "c2,art9,c1,Enig.,\n"
        "d1,art8,art8,Hmm.,Skatten skal ned\n"
        "d2,art8,d1,Nej.,Skatten skal op\n",
        encoding="utf-8",
    )
    corpus = ingest_thread_files([path], cfg, ReadOptions())
    threads = {t.id: t for t in corpus.threads}
    assert (threads["art9"].target, threads["art9"].target_source) == (
        "Socialrådgivere bør have højst 25 sager",
        "given",
    )
    assert threads["art8"].target == "Skatten skal ned"
    assert any(n.where.endswith(":5") and "2 different targets; the first is used" in n.message for n in corpus.notes)
    plain = tmp_path / "plain.csv"
    plain.write_text("id,thread_id,title,text\nr,r,Socialrådgiverne har spillet fallit,Tekst.\n", encoding="utf-8")
    assert ingest_thread_files([plain], cfg).threads[0].target_source == "root_title"


@pytest.mark.parametrize(
    "header",
    [
        "Citat: Ursprungligen postat av Kalle\nLönerna är problemet.\n",
        "Kalle skrev:\n> Lönerna är problemet.\n",
        "Originally posted by Kalle:\nLönerna är problemet.\n",
        # An export that lost the line break after the name: the name is found among the
        # first words, the longest reading that names someone.
        "Citat: Ursprungligen postat av Kalle Lönerna är problemet. ",
        "Citat: Ursprungligen postat av Kalle Berg Lönerna är problemet. ",
    ],
)
def test_threads_a_forums_quotation_header_names_the_post_answered(tmp_path, cfg, header):
    """Forum exports keep a quotation's header ("Citat: Ursprungligen postat av Kalle",
    "Kalle skrev:"): with --infer-replies the post answers Kalle's latest post before it."""
    kalle = "Kalle Berg" if "Berg" in header else "Kalle"
    rows = [
        {"id": "p1", "thread_id": "f", "author": "Trådstartaren", "title": "Socialtjänsten", "text": "Vad göra?"},
        {"id": "p2", "thread_id": "f", "author": kalle, "text": "Lönerna är problemet."},
        {"id": "p3", "thread_id": "f", "author": "Lisa", "text": "Jag tror att det är arbetsmiljön."},
        {"id": "p4", "thread_id": "f", "author": "Per", "text": header + "Nej, det stämmer inte alls."},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "forum.jsonl", rows)
    posts = ingest_thread_files([path], cfg, ReadOptions(infer_replies=True)).posts_by_id()
    assert posts["p4"].parent_id == "p2"
    decided = [e for e in posts["p4"].parent_evidence if e.decided]
    assert any(e.rule == "quoted-author" and "Kalle" in e.cue for e in decided)


def _flat_thread(tmp_path, cfg, comments: list[tuple[str, str]], name: str = "flat.jsonl") -> dict:
    """A flat thread (no parent column) under Redaktionen's article "a": the comments
    (author, text) get ids "b", "c", ... in order; its posts after --infer-replies."""
    rows = [{"id": "a", "thread_id": "f", "author": "Redaktionen", "title": "Socialtjänsten går på knäna", "text": "."}]
    rows += [
        {"id": chr(ord("b") + k), "thread_id": "f", "author": author, "text": text}
        for k, (author, text) in enumerate(comments)
    ]
    path = write_jsonl(tmp_path / name, rows)
    return ingest_thread_files([path], cfg, ReadOptions(infer_replies=True)).posts_by_id()


def test_threads_a_comment_opening_with_a_commenters_first_name_answers_them(tmp_path, cfg):
    """ "Anna, hur många ärenden har du?" answers Anna Lind's latest comment; "Nej, ..." and
    "Desværre, ..." open with a capitalised word and a comma too, but name nobody, so they
    answer the opening post and carry no address evidence."""
    posts = _flat_thread(
        tmp_path,
        cfg,
        [
            ("Anna Lind", "Vi har alldeles för många ärenden."),
            ("Per Berg", "Jag jobbar också i en kommun."),
            ("Olle", "Anna, hur många ärenden har du?"),
            ("Lisa", "Nej, det är ledningen som sviker."),
            ("Bo", "Per Berg: i vilken kommun?"),
            ("Mena", "Det är ett nationellt problem."),
            # "Men," is no misspelt "Mena": a vocative must spell the name as it is.
            ("Sara", "Men, vem ska betala för det?"),
        ],
    )
    parents = {i: posts[i].parent_id for i in "bcdefgh"}
    assert parents == {"b": "a", "c": "a", "d": "b", "e": "a", "f": "c", "g": "a", "h": "a"}
    assert ("address", "Anna,", "b", True) in [
        (e.rule, e.cue, e.target_id, e.decided) for e in posts["d"].parent_evidence
    ]
    assert all(e.rule != "address" for e in posts["e"].parent_evidence)


def test_threads_the_answer_to_a_question_put_to_a_commenter_replies_to_the_question(tmp_path, cfg):
    """ "Anna, hur många ärenden har du?" is answered by Anna's next comment, which names
    no one ("Femtio."); a comment that only quotes a question, or one that addresses Anna
    without asking, leaves her next comment to the other rules."""
    posts = _flat_thread(
        tmp_path,
        cfg,
        [
            ("Anna Lind", "Vi har alldeles för många ärenden."),
            ("Olle", "Anna, hur många ärenden har du?"),
            ("Lisa", "Det är ledningen som sviker."),
            ("Anna Lind", "Femtio, och fler kommer varje vecka."),
            ("Per", "Anna, du har helt rätt."),
            ("Anna Lind", "Lönerna måste också upp."),
        ],
    )
    assert {i: posts[i].parent_id for i in "cdefg"} == {"c": "b", "d": "a", "e": "c", "f": "e", "g": "a"}
    decided = [(e.rule, e.target_id) for e in posts["e"].parent_evidence if e.decided]
    assert decided == [("answered-question", "c")]
    assert posts["e"].parent_confidence == cfg.replies.answered_question
    # A question put to the article's author by name is answered by their next comment.
    posts = _flat_thread(
        tmp_path,
        cfg,
        [("Olle", "Redaktionen, hvor har I tallene fra?"), ("Redaktionen", "Fra KL's opgørelse i år.")],
        name="flat2.jsonl",
    )
    assert (posts["b"].parent_id, posts["c"].parent_id) == ("a", "b")


def test_threads_ingest_check_says_which_rules_decided_the_inferred_parents(tmp_path, capsys):
    rows = [
        {"id": "a", "thread_id": "f", "author": "Redaktionen", "title": "Socialtjänsten går på knäna", "text": "."},
        {"id": "b", "thread_id": "f", "author": "Anna Lind", "text": "Vi har alldeles för många ärenden."},
        {"id": "c", "thread_id": "f", "author": "Olle", "text": "Anna, hur många ärenden har du?"},
        {"id": "d", "thread_id": "f", "author": "Anna Lind", "text": "Femtio."},
    ]
    path = write_jsonl(tmp_path / "flat.jsonl", rows)
    assert run_cli("ingest", "--threads", str(path), "--infer-replies", "--check") == 0
    printed = capsys.readouterr().out
    assert "inferred parents, by the rule that decided: address 1, answered-question 1, default 1" in printed
    assert "  c thread=f parent=b (address) author=Olle" in printed


def test_threads_ingest_check_prints_what_would_be_read_and_writes_nothing(tmp_path, capsys):
    """Trying options on a researcher's export: --check reads it as ingest would and prints
    the counts, the notes grouped, and the first posts as read, without writing anything."""
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    out = tmp_path / "corpus"
    args = ["ingest", "--threads", str(path), "--columns", *EXPORT_COLUMNS, "created=published", "--ignore-columns"]
    assert run_cli(*args, "--check", "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert not out.exists() and list(tmp_path.iterdir()) == [path]
    assert f"{path}: read as a thread file (CSV, delimiter ';')" in printed
    assert "would write 1 threads, 2 posts (1 comments), 2 participants" in printed
    assert "columns left out (--ignore-columns): ['Likes']" in printed
    assert "12 thread=p1 parent=11 author=Bo created=2024-12-04T10:20 lang=da: 'Helt enig!'" in printed


def test_threads_one_files_comments_on_a_post_it_leaves_out_read_as_one_thread(tmp_path, cfg):
    """A video's or a Facebook post's comments, exported one file each, with no thread id
    and no row for the post itself: --thread-per-file names the thread after the file, and
    --comments-only gives it an empty root that the top-level comments answer."""
    path = tmp_path / "video_ab12.csv"
    path.write_text(
        "id,publishedAt,authorName,text,isReplyTo,target\n"
        "Ugx1,2024-12-01T10:00:00Z,Anna,Socialrådgiverne løber stærkt.,,Socialrådgivere har for mange sager\n"
        "Ugx2,2024-12-01T10:05:00Z,Bo,Helt enig!,Ugx1,\n"
        "Ugx3,2024-12-01T11:00:00Z,Carl,Mere løn nu.,,\n",
        encoding="utf-8",
    )
    columns = parse_columns(["author=authorName", "created=publishedAt", "parent_id=isReplyTo"])
    err = _error(tmp_path, cfg, "video_ab12.csv", path.read_text(encoding="utf-8"), columns=columns)
    assert "missing required columns ['thread_id']" in str(err)
    # Read without --comments-only, the two top-level comments are two documents: the note
    # says what to pass (it had only said so many roots), as it does not where one of the
    # roots is the thread's own post.
    hint = "(if they are comments on a post the file leaves out, pass --comments-only)"
    alone = ingest_thread_files([path], cfg, ReadOptions(columns=columns, thread_per_file=True))
    assert [n.message for n in alone.notes if "roots" in n.message] == [
        f"thread 'video_ab12' has 2 roots; each is a document {hint}"
    ]
    own = path.with_name("Ugx1.csv")
    own.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    rooted = ingest_thread_files([own], cfg, ReadOptions(columns=columns, thread_per_file=True))
    assert [n.message for n in rooted.notes if "roots" in n.message] == [
        "thread 'Ugx1' has 2 roots; each is a document"
    ]
    options = ReadOptions(columns=columns, thread_per_file=True, comments_only=True)
    corpus = ingest_thread_files([path], cfg, options)
    posts = corpus.posts_by_id()
    assert {p.thread_id for p in corpus.posts} == {"video_ab12"}
    assert posts["video_ab12"].parent_id is None and (posts["video_ab12"].title, posts["video_ab12"].text) == ("", "")
    # The left-out post was never read: it has no author, not a deleted one.
    assert posts["video_ab12"].authors == () and sorted(p.name for p in corpus.participants) == ["Anna", "Bo", "Carl"]
    assert not any("neither title nor text" in n.message for n in corpus.notes)
    assert {c: posts[c].parent_id for c in ("Ugx1", "Ugx2", "Ugx3")} == {
        "Ugx1": "video_ab12",
        "Ugx2": "Ugx1",
        "Ugx3": "video_ab12",
    }
    thread = corpus.threads[0]
    assert (thread.n_comments, thread.target, thread.target_source) == (
        3,
        "Socialrådgivere har for mange sager",
        "given",
    )


def test_threads_nested_json_from_an_api_is_read_through_dotted_columns(tmp_path, cfg):
    """API exports nest what a post says (YouTube's `snippet.textDisplay`): a dotted
    --columns path reads it; a key that itself holds the dots is taken as it is."""
    path = write_jsonl(
        tmp_path / "youtube.jsonl",
        [
            {"id": "c1", "snippet": {"videoId": "v1", "textDisplay": "Vi drukner.", "authorDisplayName": "Anna"}},
            {"id": "c2", "snippet": {"videoId": "v1", "parentId": "c1", "textDisplay": "Enig!"}, "a.b": "Bo"},
        ],
    )
    columns = parse_columns(
        [
            "thread_id=snippet.videoId",
            "text=snippet.textDisplay",
            "parent_id=snippet.parentId",
            "author=snippet.authorDisplayName",
            "author_description=a.b",
        ]
    )
    rows, notes = read_thread_files([path], cfg, ReadOptions(columns=columns, ignore_columns=True, comments_only=True))
    by_id = {r.row.id: r.row for r in rows}
    assert (by_id["c1"].thread_id, by_id["c1"].text, by_id["c1"].author) == ("v1", "Vi drukner.", "Anna")
    assert (by_id["c2"].parent_id, by_id["c2"].author, by_id["c2"].author_description) == ("c1", None, "Bo")
    assert by_id["c1"].parent_id == "v1" and by_id["v1"].text == ""
    assert any(n.message == "columns left out (--ignore-columns): ['snippet']" for n in notes)


def test_threads_a_folder_of_exports_is_read_as_its_thread_files(tmp_path, cfg):
    """A folder (no ConvoKit corpus) stands for the thread files in it, by name; other files
    and subfolders are not read; a folder without any is an error naming it."""
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("b_video", "a_video"):
        (folder / f"{name}.csv").write_text(f"id,text\n{name}-1,Hej\n{name}-2,Nej\n", encoding="utf-8")
    (folder / "README.txt").write_text("not a thread file", encoding="utf-8")
    (folder / "old").mkdir()
    (folder / "old" / "c_video.csv").write_text("id,text\nc-1,Hej\n", encoding="utf-8")
    rows, notes = read_thread_files([folder], cfg, ReadOptions(thread_per_file=True, comments_only=True))
    assert sorted({r.row.thread_id for r in rows}) == ["a_video", "b_video"]
    assert [str(r.path.name) for r in rows if r.line][:2] == ["a_video.csv", "a_video.csv"]
    # What was not read is said, so a misnamed export (".txt") is not lost silently.
    assert any(n.message == "folder read as its 2 thread file(s); left out: README.txt, old" for n in notes)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="a folder with no thread files"):
        read_thread_files([empty], cfg)


def test_threads_replies_to_an_empty_root_are_read_against_what_the_thread_debates(tmp_path, cfg):
    """Reply stance pairs a comment with its parent's words. The empty root of a post an
    export left out has none; the thread's target says what it stated, so the top-level
    comments are paired with the target (and a reply to a comment with that comment)."""
    from pipeline.models.examples import reply_examples

    path = tmp_path / "video_ab12.csv"
    path.write_text(
        "id,parent_id,text,target\nc1,,Nej det passer ikke.,Socialrådgivere har for mange sager\nc2,c1,Jo det gør.,\n",
        encoding="utf-8",
    )
    corpus = ingest_thread_files([path], cfg, ReadOptions(thread_per_file=True, comments_only=True))
    posts = corpus.posts_by_id()
    comments = [posts["c1"], posts["c2"]]
    examples = reply_examples(comments, posts, {t.id: t.target for t in corpus.threads})
    assert [e.pair for e in examples] == ["Socialrådgivere har for mange sager", "Nej det passer ikke."]
    assert [e.pair for e in reply_examples(comments, posts)] == ["", "Nej det passer ikke."]


def test_threads_a_flat_comment_section_without_its_article_gets_inferred_parents(tmp_path, cfg):
    """A news site's flat comment section exported without the article: --comments-only
    makes the article an empty root, --infer-replies reads each comment's parent off its
    words (else the article). Without inference, a comment answering the left-out article
    says so in its evidence, not that the file named its parent."""
    path = tmp_path / "kommentarer.csv"
    path.write_text(
        "id,thread_id,author,created,text\n"
        "k1,art,Anna,2024-12-01T10:00,Socialrådgiverne har alt for mange sager i dag.\n"
        "k2,art,Bo,2024-12-01T10:05,Det er kommunernes ansvar at ansætte flere.\n"
        "k3,art,Carl,2024-12-01T10:09,Hej Anna: det er jeg helt enig i.\n",
        encoding="utf-8",
    )
    untargeted = ingest_thread_files([path], cfg, ReadOptions(comments_only=True))
    assert any(n.kind == "missing" and "'art' has no target" in n.message for n in untargeted.notes)
    plain = untargeted.posts_by_id()
    assert {c: plain[c].parent_id for c in ("k1", "k2", "k3")} == {"k1": "art", "k2": "art", "k3": "art"}
    assert [e.rule for e in plain["k3"].parent_evidence] == ["absent-root"]
    corpus = ingest_thread_files([path], cfg, ReadOptions(comments_only=True, infer_replies=True))
    posts = corpus.posts_by_id()
    assert {c: posts[c].parent_id for c in ("k1", "k2", "k3")} == {"k1": "art", "k2": "art", "k3": "k1"}
    assert (corpus.threads[0].n_comments, corpus.threads[0].kind, corpus.threads[0].root_id) == (3, "thread", "art")
    assert [e.rule for e in posts["k3"].parent_evidence if e.decided] == ["address"]
    assert [e.rule for e in posts["k2"].parent_evidence if e.decided] == ["default"]


def scraped(sid: str, parent: str | None, user: str, text: str, minute: int) -> dict:
    """A post as a scraper of a forum without thread ids saves it: its id, the id it replies
    to, nested user fields, HTML."""
    return {
        "post_id": sid,
        "reply_to": parent,
        "user": {"name": user},
        "html": f"<p>{text}</p>",
        "posted": f"2024-03-01T10:{minute:02d}:00Z",
    }


SCRAPED = [
    scraped("110", None, "anna", "Socialrådgiverne drukner i sager.", 0),
    scraped("111", "110", "bo", "Enig, det er for mange.", 5),
    scraped("112", "111", "anna", "Tak, Bo.", 7),
    scraped("120", "999", "sara", "Nej.", 30),
    scraped("130", None, "eva", "En anden tråd.", 45),
]
SCRAPED_OPTS = ["--columns", "id=post_id", "parent_id=reply_to", "author=user.name", "text=html", "created=posted"]


def test_threads_of_posts_that_name_only_their_parents_are_their_reply_chains(tmp_path, cfg):
    """Many scrapers' exports carry an id and the id they reply to, no thread id (as
    Mastodon's statuses, which ingest reads so without options): each post joins the
    thread its reply chain starts; a chain that starts at a post not in the file opens with
    that post, an empty root where missing parents are repaired."""
    path = write_jsonl(tmp_path / "posts.jsonl", SCRAPED)
    opts = ReadOptions(
        columns=parse_columns(SCRAPED_OPTS[1:]),
        html=True,
        threads_from_parents=True,
        repair_missing_parents=True,
        ignore_columns=True,
    )
    corpus = ingest_thread_files([path], cfg, opts)
    posts = corpus.posts_by_id()
    assert sorted(t.id for t in corpus.threads) == ["110", "130", "999"]
    assert {p: posts[p].thread_id for p in ("110", "111", "112", "120", "130")} == {
        "110": "110",
        "111": "110",
        "112": "110",
        "120": "999",
        "130": "130",
    }
    assert posts["112"].parent_id == "111" and posts["111"].text == "Enig, det er for mange."
    assert posts["999"].text == "" and posts["120"].parent_id == "999"
    said = [n.message for n in corpus.notes if "without a thread id" in n.message]
    assert said == ["5 post(s) without a thread id placed in the thread their reply chain starts; 3 thread(s)"]


def test_threads_from_parents_on_the_command_line_and_a_reply_cycle_is_named(tmp_path, cfg):
    path = write_jsonl(tmp_path / "posts.jsonl", SCRAPED[:3])
    args = ["ingest", "--threads", str(path), "--threads-from-parents", "--html", "--ignore-columns"]
    assert run_cli(*args, *SCRAPED_OPTS, "--out", str(tmp_path / "corpus")) == 0
    cycle = write_jsonl(
        tmp_path / "cycle.jsonl",
        [
            {"id": "a", "parent_id": None, "text": "x"},
            {"id": "b", "parent_id": "c", "text": "y"},
            {"id": "c", "parent_id": "b", "text": "z"},
        ],
    )
    with pytest.raises(InputError) as err:
        ingest_thread_files([cycle], cfg, ReadOptions(threads_from_parents=True))
    assert "reply cycle" in str(err.value) and "b (line 2)" in str(err.value) and "c (line 3)" in str(err.value)


def test_flat_replies_a_facebook_reply_that_tags_an_earlier_replier_answers_that_reply(tmp_path, cfg):
    """Facebook files a reply to a reply under the comment and renders the tag as the
    person's name: with --flat-replies, "Ole Berg det passer ikke" answers Ole Berg's reply;
    a reply tagging no one, or a one-word name ("Per se ..."), keeps the comment."""
    rows = (
        "id;thread_id;parent_id;author;created;text\n"
        "p;p;;Socialrådgiverforeningen;2024-03-01T10:00;Vi mangler 1.000 socialrådgivere.\n"
        "c1;p;p;Mette Lund;2024-03-01T10:05;Helt rigtigt, vi drukner i sager.\n"
        "r1;p;c1;Ole Berg;2024-03-01T10:07;Det er ledelsen, ikke antallet.\n"
        "r2;p;c1;Per;2024-03-01T10:08;Enig med Mette.\n"
        "r3;p;c1;Anna Holm;2024-03-01T10:09;Ole Berg det passer ikke, vi har tallene.\n"
        "r4;p;c1;Lis Ek;2024-03-01T10:10;Per se er det et problem.\n"
    )
    path = tmp_path / "fb-comments.csv"
    path.write_text(rows, encoding="utf-8")
    plain = ingest_thread_files([path], cfg).posts_by_id()
    assert plain["r3"].parent_id == "c1", "without the option the given parent stands"
    corpus = ingest_thread_files([path], cfg, ReadOptions(flat_replies=True))
    posts = corpus.posts_by_id()
    assert {i: posts[i].parent_id for i in ("r1", "r2", "r3", "r4")} == {"r1": "c1", "r2": "c1", "r3": "r1", "r4": "c1"}
    assert posts["r3"].parent_rule == "address"
    assert run_cli("ingest", "--threads", str(path), "--flat-replies", "--out", str(tmp_path / "corpus")) == 0
    written = [json.loads(x) for x in (tmp_path / "corpus" / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {p["id"]: p["parent_id"] for p in written}["r3"] == "r1"


def test_threads_ids_numbered_within_each_thread_are_refused_with_the_option_that_reads_them(tmp_path, cfg):
    """A news site's archive numbers comments 1, 2, 3 under each article: the same id in two
    threads. Read as it is, that is a duplicate id, and the error says which option reads
    it; with --ids-per-thread every id and parent id is read as THREAD/ID, and a reply to
    the article that names the article's id keeps pointing at it."""
    path = write_jsonl(
        tmp_path / "archive.jsonl",
        [
            {"id": "art1", "thread_id": "art1", "title": "Flere socialrådgivere nu"},
            {"id": 1, "thread_id": "art1", "parent_id": "art1", "text": "Helt enig."},
            {"id": 2, "thread_id": "art1", "parent_id": 1, "text": "Nej, det er for dyrt."},
            {"id": "art2", "thread_id": "art2", "title": "Socialrådgivere skal autoriseres"},
            {"id": 1, "thread_id": "art2", "parent_id": "art2", "text": "Det tror jeg ikke på."},
            {"id": 2, "thread_id": "art2", "parent_id": 1, "text": "Hvorfor ikke?"},
        ],
    )
    with pytest.raises(InputError) as info:
        read_thread_files([path], cfg)
    assert info.value.line == 5 and "duplicate id '1' (first at" in str(info.value)
    assert "the first is in thread 'art1', this one in 'art2'" in str(info.value)
    assert info.value.message.endswith("pass --ids-per-thread")
    # The archive's other repeated number is named in the same run.
    assert [p.where for p in info.value.problems] == [f"{path}:6", "in all"]

    rows, _ = read_thread_files([path], cfg, ReadOptions(ids_per_thread=True))
    assert [(lr.row.id, lr.row.parent_id) for lr in rows] == [
        ("art1", None),
        ("art1/1", "art1"),
        ("art1/2", "art1/1"),
        ("art2", None),
        ("art2/1", "art2"),
        ("art2/2", "art2/1"),
    ]
    # Training reads a labelled file of such ids the same way.
    from pipeline.training.data import load_dataset

    labelled = write_jsonl(
        tmp_path / "labelled.jsonl",
        [{**json.loads(line), "reply_stance": "deny"} for line in path.read_text(encoding="utf-8").splitlines()[1:3]]
        + [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:1]],
    )
    with pytest.raises(InputError, match="--ids-per-thread"):
        load_dataset("reply_stance", [path, labelled], cfg)
    ds = load_dataset("reply_stance", [labelled], cfg, options=ReadOptions(ids_per_thread=True))
    assert sorted(ex.id for ex in ds.examples) == ["art1/1", "art1/2"]


def test_threads_ids_per_thread_need_thread_ids_and_a_duplicate_within_a_thread_stays_an_error(tmp_path, cfg):
    same_thread = write_jsonl(
        tmp_path / "dup.jsonl",
        [
            {"id": "t", "thread_id": "t", "title": "Root"},
            {"id": "1", "thread_id": "t", "parent_id": "t", "text": "En."},
            {"id": "1", "thread_id": "t", "parent_id": "t", "text": "To."},
        ],
    )
    with pytest.raises(InputError) as info:
        read_thread_files([same_thread], cfg, ReadOptions(ids_per_thread=True))
    assert info.value.line == 3 and "duplicate id 't/1'" in str(info.value) and "in thread" not in str(info.value)
    no_threads = write_jsonl(tmp_path / "flat.jsonl", [{"id": "1", "text": "En."}, {"id": "2", "parent_id": "1"}])
    with pytest.raises(InputError, match="--ids-per-thread needs each post's thread id"):
        read_thread_files([no_threads], cfg, ReadOptions(ids_per_thread=True, threads_from_parents=True))


def test_threads_a_number_where_text_belongs_is_read_as_its_digits(tmp_path, cfg):
    """Exports type columns as their writer did: a user id as the author, a comment that is
    only a number."""
    path = write_jsonl(
        tmp_path / "typed.jsonl",
        [
            {"id": "t", "thread_id": "t", "author": 1001, "title": "Hvor mange sager har du?"},
            {"id": "c", "thread_id": "t", "parent_id": "t", "author": 1002, "text": 42, "topic": 7},
        ],
    )
    rows, _ = read_thread_files([path], cfg)
    assert [(lr.row.author, lr.row.text, lr.row.topic) for lr in rows] == [("1001", "", None), ("1002", "42", "7")]


def test_threads_control_characters_are_removed_from_what_posts_say_and_reported(tmp_path, cfg):
    """A NUL byte or an escape in a comment is a binary export's debris, no one's words, and
    a review workbook cannot hold it; a form feed stood for a line break."""
    path = write_jsonl(
        tmp_path / "debris.jsonl",
        [
            {"id": "t", "thread_id": "t", "title": "Flere hænder\x00", "author": "Re\x1bdaktionen"},
            {"id": "c", "thread_id": "t", "parent_id": "t", "text": "Første afsnit.\x0cAndet afsnit.\ttab"},
            {"id": "d", "thread_id": "t", "parent_id": "t", "text": "Ren tekst.\nNy linje."},
        ],
    )
    rows, notes = read_thread_files([path], cfg)
    row = {lr.row.id: lr.row for lr in rows}
    assert (row["t"].title, row["t"].author) == ("Flere hænder", "Redaktionen")
    assert row["c"].text == "Første afsnit.\nAndet afsnit.\ttab"
    assert row["d"].text == "Ren tekst.\nNy linje."
    (note,) = [n for n in notes if "control characters" in n.message]
    assert note.kind == "repaired" and note.where.endswith("debris.jsonl:1") and note.message.startswith("2 post(s)")


def test_threads_text_decoded_twice_is_decoded_once_and_reported(tmp_path, cfg):
    """UTF-8 read as Windows-1252 and saved again, as an Excel round trip leaves a Danish
    export ("SocialrÃ¥dgiver"): the words the rules and models read, and the names, are
    restored (they had been kept mangled); text that is right, Ã and all, is left as it is."""
    from pipeline.models.cues import role_rule

    right = ["Socialrådgivere mangler – igen", "Søren Ærø", "Jeg er socialrådgiver i Århus.", "João, 5 Ã 3"]
    mangled = [t.encode().decode("cp1252") for t in right[:3]]
    path = write_jsonl(
        tmp_path / "excel.jsonl",
        [
            {"id": "t", "thread_id": "t", "title": mangled[0], "author": "Redaktionen"},
            {"id": "c", "thread_id": "t", "parent_id": "t", "text": mangled[2], "author": mangled[1]},
            {"id": "d", "thread_id": "t", "parent_id": "t", "text": right[3], "author": "Ana"},
        ],
    )
    rows, notes = read_thread_files([path], cfg)
    row = {lr.row.id: lr.row for lr in rows}
    assert (row["t"].title, row["c"].author, row["c"].text, row["d"].text) == tuple(right)
    assert role_rule(None, [], [row["c"].text]).label == "social_worker"
    (note,) = [n for n in notes if "decoded twice" in n.message]
    assert note.kind == "repaired" and note.where.endswith("excel.jsonl:1") and note.message.startswith("2 post(s)")


def test_threads_text_in_decomposed_unicode_is_composed_so_the_cues_and_models_read_it(tmp_path, cfg):
    """An export that writes "å" as "a" and a combining ring (macOS tools, some databases)
    looks the same, but the rules and models would read "håller" as "ha" and "ller": the
    posts are composed (NFC), canonically the same text, and the note says how many."""
    import unicodedata

    from pipeline.models.cues import reply_rule, role_rule

    rows = [
        {"id": "t", "thread_id": "t", "title": "Socialsekreterarna lämnar yrket", "author": "Åsa Öberg"},
        {"id": "c", "thread_id": "t", "parent_id": "t", "text": "Jag håller med om varenda rad.", "author": "Jörgen"},
        {"id": "d", "thread_id": "t", "parent_id": "c", "text": "Jeg er socialrådgiver i Århus.", "author": "Mette"},
        {"id": "e", "thread_id": "t", "parent_id": "c", "text": "Plain ASCII only."},
    ]
    nfd = [{k: unicodedata.normalize("NFD", v) for k, v in r.items()} for r in rows]
    assert nfd[1]["text"] != rows[1]["text"] and reply_rule(nfd[1]["text"]) is None
    read, notes = read_thread_files([write_jsonl(tmp_path / "nfd.jsonl", nfd)], cfg)
    plain, plain_notes = read_thread_files([write_jsonl(tmp_path / "nfc.jsonl", rows)], cfg)
    assert [lr.row.model_dump(exclude={"id"}) for lr in read] == [lr.row.model_dump(exclude={"id"}) for lr in plain]
    by_id = {lr.row.id: lr.row for lr in read}
    assert by_id["t"].author == "Åsa Öberg" and reply_rule(by_id["c"].text).label == "support"
    assert role_rule(None, [], [by_id["d"].text]).label == "social_worker"
    (note,) = [n for n in notes if "decomposed Unicode" in n.message]
    assert note.kind == "repaired" and note.where.endswith("nfd.jsonl:1") and note.message.startswith("3 post(s)")
    assert not [n for n in plain_notes if "decomposed Unicode" in n.message]


def test_threads_soft_hyphens_and_zero_width_spaces_inside_words_are_removed_so_words_read_whole(tmp_path, cfg):
    """An article pasted into a comment brings the news site's soft hyphens along
    ("social\u00adrådgiver"), and editors leave zero-width spaces: invisible to a reader,
    but the rules, models and word counts would read two words. They are removed, with a
    note naming the file, the first such post's line and how many posts; zero-width
    joiners, which shape emoji, stay."""
    from pipeline.models.cues import reply_rule, role_rule

    rows = [
        {"id": "t", "thread_id": "t", "title": "Social\u00adrådgiverne løber stor\u00adstuen over ende"},
        {"id": "c", "thread_id": "t", "parent_id": "t", "text": "Jeg er social\u00adrådgiver i Århus."},
        {"id": "d", "thread_id": "t", "parent_id": "c", "text": "Du har fuld\u200bstændig ret.", "author": "Bo\u2060"},
        {"id": "e", "thread_id": "t", "parent_id": "c", "text": "Familie: \U0001f468\u200d\U0001f469\u200d\U0001f467"},
    ]
    assert role_rule(None, [], [rows[1]["text"]]) is None
    read, notes = read_thread_files([write_jsonl(tmp_path / "pasted.jsonl", rows)], cfg)
    by_id = {lr.row.id: lr.row for lr in read}
    assert by_id["t"].title == "Socialrådgiverne løber storstuen over ende"
    assert by_id["c"].text == "Jeg er socialrådgiver i Århus."
    assert role_rule(None, [], [by_id["c"].text]).label == "social_worker"
    assert by_id["d"].text == "Du har fuldstændig ret." and by_id["d"].author == "Bo"
    assert reply_rule(by_id["d"].text).label == "support"
    assert by_id["e"].text == rows[3]["text"]
    (note,) = [n for n in notes if "does not see" in n.message]
    assert note.kind == "repaired" and note.where.endswith("pasted.jsonl:1") and note.message.startswith("3 post(s)")


def test_threads_a_flat_thread_listed_newest_first_without_dates_is_read_oldest_first(tmp_path, cfg):
    """News sites list comments newest first; an export without dates keeps that order.
    The comments that address someone then address people listed below them, so the thread
    is read in reverse (and says so), and each reply answers the comment it addresses."""
    newest_first = [
        ("Lise", "Hej Per, det er jo netop pointen: uden løn ingen ansøgere."),
        ("Per", "Svar til Mette: Nej, lønnen er ikke problemet. Det er sagstallet."),
        ("Anders", "Helt enig med Mette."),
        ("Mette", "Højere løn er den eneste vej frem, hvis vi skal fastholde folk."),
    ]
    posts = _flat_thread(tmp_path, cfg, newest_first)
    assert {p.id: p.parent_id for p in posts.values()} == {"a": None, "e": "a", "d": "e", "c": "e", "b": "c"}
    assert [p.id for p in sorted(posts.values(), key=lambda p: p.position)] == ["a", "e", "d", "c", "b"]
    # Listed oldest first, the same comments are read as listed.
    oldest_first = _flat_thread(tmp_path, cfg, newest_first[::-1], name="oldest.jsonl")
    assert {p.id: p.parent_id for p in oldest_first.values()} == {"a": None, "b": "a", "c": "b", "d": "b", "e": "d"}
    corpus = ingest_thread_files([tmp_path / "flat.jsonl"], cfg, ReadOptions(infer_replies=True))
    assert any("listed newest first" in n.message and "read in reverse" in n.message for n in corpus.notes)
    # One comment addressing someone listed below it is not enough to read a file backwards.
    one = _flat_thread(tmp_path, cfg, [("Per", "Svar til Mette: Nej."), ("Mette", "Højere løn nu.")], name="one.jsonl")
    assert [p.id for p in sorted(one.values(), key=lambda p: p.position)] == ["a", "b", "c"]


def test_threads_an_undated_post_keeps_the_files_order_instead_of_opening_the_thread(tmp_path, cfg):
    """Posts are ordered by date only where every post has one: a reply whose date the
    export lost is not sorted before the comments it answers."""
    path = write_jsonl(
        tmp_path / "undated.jsonl",
        [
            {"id": "t", "thread_id": "t", "title": "Artikel", "created": "2024-03-01T10:00:00"},
            {"id": "c2", "thread_id": "t", "parent_id": "t", "text": "Nej.", "created": "2024-03-01T12:00:00"},
            {"id": "c1", "thread_id": "t", "parent_id": "t", "text": "Enig.", "created": "2024-03-01T11:00:00"},
            {"id": "c3", "thread_id": "t", "parent_id": "c1", "text": "Hvorfor?"},
        ],
    )
    corpus = ingest_thread_files([path], cfg)
    assert [p.id for p in corpus.posts] == ["t", "c2", "c1", "c3"]
    dated = write_jsonl(
        tmp_path / "dated.jsonl",
        [
            {**r, "created": r.get("created") or "2024-03-01T13:00:00"}
            for r in map(json.loads, path.read_text().splitlines())
        ],
    )
    assert [p.id for p in ingest_thread_files([dated], cfg).posts] == ["t", "c1", "c2", "c3"]


def test_threads_reddit_fullnames_as_parent_ids_name_the_posts_without_their_prefix(tmp_path, cfg):
    """Comments collected with Reddit's API (PRAW and the tools built on it) name their parent
    by its fullname, the type before the id ("t1_abc1", "t3_xyz"), where their own id has
    none: the parent is that post (the tree had been lost, every reply attached by its words
    or to the root), with one note for the file. A parent missing either way stays missing."""
    path = tmp_path / "praw.csv"
    path.write_text(
        "comment_id,parent_id,link_id,author,body\n"
        "abc1,t3_xyz,t3_xyz,user_a,Socialrådgivere har alt for mange sager.\n"
        "abc2,t1_abc1,t3_xyz,user_b,Enig. Det er et kæmpe problem.\n"
        "abc3,t1_abc2,t3_xyz,user_c,Hvorfor det?\n"
        "abc4,t1_gone,t3_xyz,user_d,Det passer ikke.\n",
        encoding="utf-8",
    )
    columns = parse_columns(["id=comment_id", "thread_id=link_id", "text=body"])
    corpus = ingest_thread_files([path], cfg, ReadOptions(columns=columns))
    parents = {p.id: p.parent_id for p in corpus.posts}
    assert parents == {"t3_xyz": None, "abc1": "t3_xyz", "abc2": "abc1", "abc3": "abc2", "abc4": "t3_xyz"}
    messages = [n.message for n in corpus.notes]
    assert "2 parent id(s) written with Reddit's type prefix read as the post they name (e.g. 't1_abc1' as 'abc1')" in (
        messages
    )
    assert any("parent 't1_gone' of 'abc4' is missing" in m for m in messages)


def test_threads_a_table_without_ids_reads_with_row_ids_and_the_error_says_so(tmp_path, cfg, capsys):
    """A table copied from a page or a browser scraper (Instant Data Scraper's
    "comment-author", "comment-text") numbers nothing: the header error says which options
    derive an id and a thread (it had only named them missing), and with --row-ids a row
    without an id is named by its file and line; a row that has one keeps it."""
    path = tmp_path / "kommentarer.csv"
    path.write_text(
        "comment-author,comment-text,reply-count\n"
        "Karen Holm,Socialrådgivere fortjener mere i løn.,3\n"
        "Ole Hansen,Hvem skal betale?,0\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert "your columns look like: --columns author=comment-author text=comment-text --ignore-columns" in str(
        err.value
    )
    assert str(err.value).endswith(
        "a table with no such column reads with --row-ids (each row named by its file and line) and --thread-per-file"
    )
    columns = parse_columns(["author=comment-author", "text=comment-text"])
    opt = ReadOptions(columns=columns, ignore_columns=True, row_ids=True, thread_per_file=True, comments_only=True)
    corpus = ingest_thread_files([path], cfg, opt)
    assert [(p.id, p.parent_id, p.author) for p in corpus.posts] == [
        ("kommentarer", None, None),
        ("kommentarer:2", "kommentarer", "Karen Holm"),
        ("kommentarer:3", "kommentarer", "Ole Hansen"),
    ]
    # The same from the command line; a row with its own id keeps it.
    path.write_text("id,text\n,Første.\nc9,Anden.\n", encoding="utf-8")
    assert run_cli("ingest", "--threads", str(path), "--check", "--row-ids", "--thread-per-file") == 0
    out = capsys.readouterr().out
    assert "kommentarer:2 thread=kommentarer" in out and "c9 thread=kommentarer" in out


def test_threads_a_forum_quotation_running_into_the_reply_ends_where_its_copy_ends(tmp_path, cfg):
    """A forum thread exported as text keeps a quotation box as a copied page does, with no
    blank line before the quoter's own words: as on a raw page, the quotation ends where
    its copy of the post above stops, so the quoter's words are theirs again (their role
    here), and a quotation that copies nothing is left as it is."""
    from pipeline.models.examples import role_cue

    rows = [
        {"id": "p1", "thread_id": "t", "author": "Mia83", "text": "Lönerna är för låga för socialsekreterare."},
        {
            "id": "p2",
            "thread_id": "t",
            "parent_id": "p1",
            "author": "Kalle",
            "text": "Citat: Ursprungligen postat av Mia83\nLönerna är för låga för socialsekreterare.\n"
            "Jag är socialsekreterare själv och håller med.",
        },
        {
            "id": "p4",
            "thread_id": "t",
            "parent_id": "p1",
            "author": "Kalle",
            "text": "Citat: Ursprungligen postat av Mia83\nLönerna är för låga för socialsekreterare.\n"
            "Det stämmer.\n\nMvh Kalle, socialsekreterare",
        },
        {
            "id": "p3",
            "thread_id": "t",
            "parent_id": "p1",
            "author": "Olle",
            "text": "Kalle skrev:\nDet har ingen sagt här.\nMen jag håller inte med.",
        },
    ]
    corpus = ingest_thread_files([write_jsonl(tmp_path / "flashback.jsonl", rows)], cfg)
    posts = corpus.posts_by_id()
    assert posts["p2"].text.split("\n") == [
        "Citat: Ursprungligen postat av Mia83",
        "Lönerna är för låga för socialsekreterare.",
        "",
        "Jag är socialsekreterare själv och håller med.",
    ]
    assert posts["p3"].text == rows[3]["text"], "a quotation that copies no post above stays as it is"
    sig = posts["p4"].signature
    assert posts["p4"].text[sig.start : sig.end].startswith("Mvh Kalle"), "the sign-off moves with the blank line"
    kalle = next(p for p in corpus.participants if p.name == "Kalle")
    assert role_cue(kalle, posts).label == "social_worker"
    assert any("thread 't': 2 comment(s) quote a post above them" in n.message for n in corpus.notes)


def test_threads_a_quotation_is_ended_only_against_the_posts_a_reply_may_answer():
    """The copy a quotation is checked against is the opening post and the window of posts
    before the quoting one (`[replies] candidate_window`), the posts its parent is looked
    for among: a long thread's quoting posts then cost its length, not its square."""
    from pipeline.core.schema import Author
    from pipeline.ingest.quoted import quotes_ended

    def post(i: int, text: str):
        return make_post(f"c{i}", i, authors=(Author(name=f"user{i}"),), text=text)

    root = post(0, "Lönerna är för låga.")
    quoting = "Kalle skrev:\nJag har fyrtio ärenden.\nDet har jag också."
    comments = [post(1, "Jag har fyrtio ärenden."), post(2, "Ja."), post(3, "Nej."), post(4, quoting)]
    notes: list = []
    near = quotes_ended(root, comments, "x", notes, window=3)
    far = quotes_ended(root, comments, "x", notes, window=2)
    assert near[3].text == "Kalle skrev:\nJag har fyrtio ärenden.\n\nDet har jag också."
    assert far[3].text == quoting, "the quoted post is three posts up, outside a window of two"
    assert quotes_ended(post(0, "Jag har fyrtio ärenden."), comments[1:], "x", notes, window=1)[2].text == near[3].text
