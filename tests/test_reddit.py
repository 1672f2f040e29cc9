"""Reddit dumps as researchers get them: NDJSON of submissions and comments, plain or .zst."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import zstandard
from conftest import run_cli, run_pipeline

from pipeline.core.errors import InputError
from pipeline.formats.reddit import is_reddit_dump, read_reddit
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import read_thread_files
from pipeline.ingest.options import ReadOptions

SUBMISSIONS = [
    {"id": "abc1", "name": "t3_abc1", "subreddit": "Denmark", "author": "ole_k", "created_utc": 1700000000,
     "title": "Kommunerne mangler socialrådgivere", "selftext": "Hvad gør vi ved det?", "num_comments": 4},
    {"id": "zzz9", "subreddit": "sweden", "author": "anna_s", "created_utc": "1700003600",
     "title": "Socialtjänsten behöver fler socionomer", "selftext": "[removed]"},
]  # fmt: skip
COMMENTS = [
    {"id": "c1", "link_id": "t3_abc1", "parent_id": "t3_abc1", "subreddit": "Denmark", "author": "mette",
     "author_flair_text": "Socionom &amp; facklig", "created_utc": 1700000600,
     "body": "Jeg er enig, de har alt for travlt."},
    {"id": "c2", "link_id": "t3_abc1", "parent_id": "t1_c1", "subreddit": "Denmark", "author": "[deleted]",
     "created_utc": "1700001200", "body": "[deleted]"},
    {"id": "c3", "link_id": "t3_abc1", "parent_id": "t1_gone", "subreddit": "Denmark", "author": "lars",
     "created_utc": 1700001800.0, "body": "Nej, det er ikke rigtigt."},
    {"id": "c4", "link_id": "t3_nosub", "parent_id": "t3_nosub", "subreddit": "Denmark", "author": "mette",
     "created_utc": 1700002400, "body": "Et svar i en tråd uden indlæg i dumpet."},
    {"id": "c5", "link_id": "t3_zzz9", "parent_id": "t3_zzz9", "subreddit": "sweden", "author": "per",
     "created_utc": 1700004000, "body": "Håller med."},
    {"id": "c6", "link_id": "t3_abc1", "parent_id": "t1_c1", "subreddit": "Denmark", "author": "[deleted]",
     "created_utc": 1700000700, "body": "This comment was mass deleted and anonymized with Redact\n\nsix pear grab"},
    # Reddit's JSON escapes & < > in bodies and titles: a quotation arrives as "&gt; ...".
    {"id": "c7", "link_id": "t3_abc1", "parent_id": "t1_c3", "subreddit": "Denmark", "author": "ole_k",
     "created_utc": 1700002000, "body": "&gt; Nej, det er ikke rigtigt.\n\nJo, KL &amp; DS siger 3 &lt; 4 &amp;gt; 2."},
]  # fmt: skip


@pytest.fixture()
def dump(tmp_path):
    subs = tmp_path / "RS_2023-11.ndjson"
    subs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in SUBMISSIONS), encoding="utf-8")
    comments = tmp_path / "RC_2023-11.zst"
    raw = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in COMMENTS).encode("utf-8")
    comments.write_bytes(zstandard.ZstdCompressor(level=10).compress(raw))
    return subs, comments


def test_reddit_dump_files_are_recognised(dump, tmp_path):
    subs, comments = dump
    assert is_reddit_dump(subs) and is_reddit_dump(comments)
    plain = tmp_path / "mine.jsonl"
    plain.write_text(json.dumps({"id": "a", "thread_id": "a", "text": "x"}) + "\n", encoding="utf-8")
    assert not is_reddit_dump(plain)


def test_reddit_dump_maps_fields_and_repairs_what_dumps_lack(dump, cfg):
    subs, comments = dump
    corpus = ingest_thread_files([subs, comments], cfg)
    posts = corpus.posts_by_id()
    root = posts["t3_abc1"]
    assert (root.title, root.text, root.author, root.created) == (
        "Kommunerne mangler socialrådgivere", "Hvad gør vi ved det?", "ole_k", "2023-11-14T22:13:20",
    )  # fmt: skip
    assert posts["t1_c1"].parent_id == "t3_abc1" and posts["t1_c2"].parent_id == "t1_c1"
    assert posts["t1_c1"].authors[0].description == "Socionom & facklig"  # the user's flair
    assert posts["t1_c2"].author is None and posts["t1_c2"].text == ""  # deleted author, deleted body
    assert posts["t1_c3"].parent_id == "t3_abc1"  # its parent t1_gone is not in the dump, and says so
    assert [(e.rule, e.target_id, e.decided) for e in posts["t1_c3"].parent_evidence] == [
        ("missing-parent", "t3_abc1", True)
    ]
    assert "'t1_gone' that the dump names" in posts["t1_c3"].parent_evidence[0].cue
    assert posts["t3_nosub"].kind == "document" and posts["t1_c4"].parent_id == "t3_nosub"
    assert posts["t3_zzz9"].text == "" and posts["t3_zzz9"].created == "2023-11-14T23:13:20"  # string epoch
    threads = {t.id: t for t in corpus.threads}
    assert threads["t3_abc1"].topic == "Denmark" and threads["t3_abc1"].n_comments == 5
    assert posts["t1_c6"].text == "" and posts["t1_c6"].parent_id == "t1_c1"  # a privacy tool's overwrite
    messages = " | ".join(n.message for n in corpus.notes)
    assert "parent t1_gone of t1_c3 is not in the dump" in messages
    assert "thread 't3_nosub': its opening post is not in the dump" in messages
    assert "1 post(s) with body '[removed]'" in messages and "1 post(s) with body '[deleted]'" in messages
    assert '1 post(s) with body "(a privacy tool\'s overwrite)"' in messages
    # Reddit's escaping undone: the quotation is Markdown again, and an entity the author
    # typed ("&gt;", escaped as "&amp;gt;") stays as typed.
    assert posts["t1_c7"].text == "> Nej, det er ikke rigtigt.\n\nJo, KL & DS siger 3 < 4 &gt; 2."


def test_reddit_dump_filters_by_subreddit_and_date(dump, cfg):
    subs, comments = dump
    rows, _ = read_thread_files([subs, comments], cfg, ReadOptions(subreddits=frozenset({"sweden"})))
    assert {r.row.id for r in rows} == {"t3_zzz9", "t1_c5"}
    since = datetime.fromtimestamp(1700001000, UTC)
    until = datetime.fromtimestamp(1700003000, UTC)
    options = ReadOptions(subreddits=frozenset({"denmark"}), since=since, until=until)
    rows, notes = read_thread_files([subs, comments], cfg, options)
    kept = {r.row.id for r in rows}
    # c2..c4 are in the window; their submissions are not, and get empty roots.
    assert {"t1_c2", "t1_c3", "t1_c4"} <= kept and "t1_c1" not in kept and "t1_c5" not in kept
    roots = {r.row.id: r for r in rows if r.row.parent_id is None}
    assert set(roots) == {"t3_abc1", "t3_nosub"} and roots["t3_abc1"].line == 0  # placed at its first reply
    assert {r.row.id: r.row.parent_id for r in rows}["t1_c2"] == "t3_abc1"  # t1_c1 fell outside the window
    assert any(
        n.message == "thread 't3_abc1': its opening post is not in the dump; it gets an empty root" for n in notes
    )


def test_reddit_broken_line_names_file_and_line(tmp_path):
    path = tmp_path / "RC.ndjson"
    path.write_text(json.dumps(COMMENTS[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_reddit([path], []))
    assert info.value.line == 2 and "RC.ndjson" in str(info.value)
    bad = tmp_path / "RS.ndjson"
    bad.write_text(json.dumps({**SUBMISSIONS[0], "created_utc": "yesterday"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="epoch seconds"):
        list(read_reddit([bad], []))


def test_reddit_dump_runs_through_the_whole_pipeline(dump, tmp_path):
    subs, comments = dump
    out = tmp_path / "out"
    out.mkdir()
    paths = run_pipeline(out, "--threads", str(subs), str(comments), name="reddit")
    posts = (paths["corpus"] / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(posts) == len(SUBMISSIONS) + len(COMMENTS) + 1  # plus the empty root of t3_nosub
    assert (paths["reports"] / "reddit.html").exists()


FOURCAT = (
    "id,thread_id,timestamp,unix_timestamp,subject,body,author,author_flair,subreddit,parent,score,url\n"
    "abc1,abc1,2023-11-14 22:13:20,1700000000,Kommunerne mangler socialrådgivere,Hvad gør vi?,ole_k,,Denmark,,12,\n"
    'c1,abc1,2023-11-14 22:23:20,1700000600,,"Jeg er enig, de har alt for travlt.",mette,,Denmark,t3_abc1,3,\n'
    'c2,abc1,2023-11-14 22:33:20,1700001200,,=HYPERLINK("x"),[deleted],,Denmark,t1_c1,1,\n'
    'c3,abc1,2023-11-14 22:43:20,1700001800,,"Nej, det passer ikke.",lars,,Denmark,t1_gone,1,\n'
    "d1,zzz9,2023-11-14 23:00:00,1700002800,,Et svar uden tråd i eksporten,per,,Denmark,t3_zzz9,1,\n"
)


def _comment(cid: str, parent: str, author: str, body: str, minute: int, replies=None) -> dict:
    data = {"id": cid, "name": f"t1_{cid}", "link_id": "t3_abc", "parent_id": parent, "author": author,
            "body": body, "created_utc": 1709283600 + 60 * minute, "subreddit": "Denmark",
            "author_flair_text": None, "replies": ""}  # fmt: skip
    if replies:
        data["replies"] = {"kind": "Listing", "data": {"children": replies}}
    return {"kind": "t1", "data": data}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_saved_reddit_thread_page_is_read_as_its_comment_tree(tmp_path, cfg, encoding):
    """A thread saved as Reddit serves it (its address with ".json"): the submission, then
    the comments with their replies nested; "load more comments" stubs are counted. Saved
    by Windows PowerShell 5.1 (`curl ... > thread.json`), it is UTF-16 with a byte-order
    mark: read the same (it had been taken for a generic thread file)."""
    from pipeline.ingest.files.threads import describe_input

    submission = {"kind": "t3", "data": {"id": "abc", "name": "t3_abc", "title": "Socialrådgivere løber skrigende bort",
                  "selftext": "", "author": "journo", "created_utc": 1709283600, "subreddit": "Denmark",
                  "author_flair_text": "Journalist"}}  # fmt: skip
    tree = [
        _comment("c1", "t3_abc", "anna", "Jeg er selv socialrådgiver, og det passer &gt; godt.", 1, replies=[
            _comment("c2", "t1_c1", "bo", "Nej, det er overdrevet.", 2),
            {"kind": "more", "data": {"count": 3, "children": ["x1", "x2", "x3"]}},
        ]),
        _comment("c3", "t3_abc", "[deleted]", "[removed]", 3),
    ]  # fmt: skip
    page = [
        {"kind": "Listing", "data": {"children": [submission]}},
        {"kind": "Listing", "data": {"children": tree}},
    ]
    path = tmp_path / "socialraadgivere.json"
    path.write_text(json.dumps(page, ensure_ascii=False, indent=1), encoding=encoding)
    assert describe_input(path, ReadOptions()) == "a Reddit thread page's JSON"
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert [(p.id, p.parent_id, p.author, p.text) for p in corpus.posts] == [
        ("t3_abc", None, "journo", ""),
        ("t1_c1", "t3_abc", "anna", "Jeg er selv socialrådgiver, og det passer > godt."),
        ("t1_c2", "t1_c1", "bo", "Nej, det er overdrevet."),
        ("t1_c3", "t3_abc", None, ""),
    ]
    assert posts["t3_abc"].title == "Socialrådgivere løber skrigende bort"
    assert posts["t1_c2"].created == "2024-03-01T09:02:00" and posts["t1_c2"].source == f"{path}:3"
    messages = [n.message for n in corpus.notes]
    assert "3 comment(s) the saved page had not loaded ('load more comments') are not in the file" in messages
    assert "1 post(s) with body '[removed]' read as empty" in messages


@pytest.mark.parametrize("count", [[3], "3", 2.5, None, -4])
def test_a_load_more_stub_whose_count_is_no_whole_number_counts_nothing(tmp_path, cfg, count):
    # A hand-edited or another tool's page: it had stopped ingest with a raw TypeError.
    submission = {"kind": "t3", "data": {"id": "abc", "title": "Socialrådgivere", "author": "journo",
                  "created_utc": 1709283600, "subreddit": "Denmark"}}  # fmt: skip
    tree = [_comment("c1", "t3_abc", "anna", "Enig.", 1), {"kind": "more", "data": {"count": count}}]
    page = [{"kind": "Listing", "data": {"children": [submission]}}, {"kind": "Listing", "data": {"children": tree}}]
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    corpus = ingest_thread_files([path], cfg)
    assert [p.id for p in corpus.posts] == ["t3_abc", "t1_c1"]
    assert not [n for n in corpus.notes if "had not loaded" in n.message]


def test_fourcat_csv_export_is_read_with_its_own_columns(tmp_path, cfg):
    path = tmp_path / "4cat-reddit-dataset.csv"
    path.write_text(FOURCAT, encoding="utf-8")
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert posts["abc1"].kind == "document" and posts["abc1"].title == "Kommunerne mangler socialrådgivere"
    assert posts["abc1"].created == "2023-11-14T22:13:20"
    assert posts["c1"].parent_id == "abc1" and posts["c2"].parent_id == "c1"  # t1_/t3_ prefixes stripped
    assert posts["c2"].author is None and posts["c2"].text == '=HYPERLINK("x")'
    assert posts["c3"].parent_id == "abc1"  # its parent is not in the export
    assert posts["zzz9"].kind == "document" and posts["d1"].parent_id == "zzz9"  # empty root for the thread
    assert {t.id: t.topic for t in corpus.threads}["abc1"] == "Denmark"
    messages = " | ".join(n.message for n in corpus.notes)
    assert "parent gone of c3 is not in the export" in messages and "thread 'zzz9'" in messages


def test_fourcat_export_without_a_reply_column_answers_the_opening_post(tmp_path, cfg):
    # 4chan-style: no parent column, timestamps as epoch seconds, semicolons from a spreadsheet.
    text = (
        "id;thread_id;timestamp;subject;body;author;board\n"
        "100;100;1700000000;Tråd;Første;Anonymous;int\n101;100;1700000060;;Svar;Anonymous;int\n"
    )
    path = tmp_path / "4chan.csv"
    path.write_text(text, encoding="utf-8")
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert posts["101"].parent_id == "100" and posts["101"].created == "2023-11-14T22:14:20"


def test_convokit_corpus_folder_is_read(tmp_path, cfg):
    folder = tmp_path / "corpus"
    folder.mkdir()
    utterances = [
        {"id": "u0", "speaker": "ole", "conversation_id": "u0", "reply_to": None, "timestamp": 1700000000,
         "text": "Socialrådgiverne har for travlt.", "meta": {"title": "Travlhed"}},
        {"id": "u1", "speaker": "mette", "conversation_id": "u0", "reply_to": "u0", "timestamp": 1700000060.5,
         "text": "Enig, det er et stort problem.", "meta": {"score": 3}},
        {"id": "u2", "speaker": "lars", "conversation_id": "u0", "reply_to": "u-gone", "timestamp": None,
         "text": "Nej.", "meta": {}},
    ]  # fmt: skip
    (folder / "utterances.jsonl").write_text("".join(json.dumps(u) + "\n" for u in utterances), encoding="utf-8")
    for name in ("speakers.json", "conversations.json", "corpus.json", "index.json"):
        (folder / name).write_text("{}", encoding="utf-8")
    corpus = ingest_thread_files([folder], cfg)
    posts = corpus.posts_by_id()
    assert posts["u0"].kind == "document" and posts["u0"].title == "Travlhed"
    assert posts["u1"].parent_id == "u0" and posts["u1"].created == "2023-11-14T22:14:20"
    assert posts["u2"].parent_id == "u0" and posts["u2"].created is None  # its parent is not in the corpus
    assert any("parent u-gone of u2 is not in the corpus" in n.message for n in corpus.notes)


def test_fourcat_export_with_a_post_twice_keeps_one_copy_and_says_so_unless_they_differ(tmp_path, cfg):
    # A 4CAT export concatenated from two overlapping captures repeats posts. An exact
    # repeat is the same post: one copy is kept and a note says how many were dropped, so
    # the overlap is not hidden. A post whose content changed between captures (an edit)
    # leaves no copy to prefer: an error naming both lines.
    path = tmp_path / "4cat-twice.csv"
    path.write_text(FOURCAT + FOURCAT.splitlines()[2] + "\n", encoding="utf-8")
    corpus = ingest_thread_files([path], cfg)
    assert [p.id for p in corpus.posts].count("c1") == 1
    assert any(
        n.where == f"{path}:7"
        and n.message.startswith("1 row(s) repeating an earlier row")
        and f"{path}:3" in n.message
        for n in corpus.notes
    )
    path.write_text(FOURCAT + FOURCAT.splitlines()[2].replace("enig", "uenig") + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        ingest_thread_files([path], cfg)
    assert info.value.line == 7 and f"duplicate id 'c1' (first at {path}:3), with other content" in str(info.value)


def test_fourcat_author_flair_is_the_authors_self_description(tmp_path, cfg):
    """4CAT's Reddit datasource exports the flair; it reaches the role cues as a dump's does."""
    path = tmp_path / "4cat-flair.csv"
    path.write_text(FOURCAT.replace("mette,,Denmark", "mette,Socialrådgiver i Aarhus,Denmark"), encoding="utf-8")
    corpus = ingest_thread_files([path], cfg)
    descriptions = {p.id: [a.description for a in p.authors] for p in corpus.posts}
    assert descriptions["c1"] == ["Socialrådgiver i Aarhus"] and descriptions["c3"] == [None]


def test_fourcat_export_is_described_as_one_for_ingest_check(tmp_path):
    from pipeline.ingest.files.threads import describe_input

    path = tmp_path / "4cat.csv"
    path.write_text(FOURCAT, encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "a 4CAT export (CSV, delimiter ',')"
    plain = tmp_path / "mine.csv"
    plain.write_text("id\tthread_id\ttext\na\ta\thej\n", encoding="utf-8")
    assert describe_input(plain, ReadOptions()) == "a thread file (CSV, delimiter '\\t')"


def test_arctic_shift_api_responses_are_read_as_a_dump(tmp_path, cfg):
    """The Arctic Shift (and old Pushshift) API answers {"data": [...]}: saved one per line
    as a collector pages through them, or one response as an indented .json."""
    posts = tmp_path / "posts.json"
    posts.write_text(json.dumps({"data": SUBMISSIONS[:1]}, ensure_ascii=False, indent=2), encoding="utf-8")
    pages = tmp_path / "comments.jsonl"
    pages.write_text(
        "".join(json.dumps({"data": COMMENTS[i : i + 2]}, ensure_ascii=False) + "\n" for i in (0, 2)),
        encoding="utf-8",
    )
    assert is_reddit_dump(posts) and is_reddit_dump(pages)
    corpus = ingest_thread_files([posts, pages], cfg)
    ids = {p.id: p.parent_id for p in corpus.posts}
    assert ids["t3_abc1"] is None and ids["t1_c1"] == "t3_abc1" and ids["t1_c2"] == "t1_c1"
    assert corpus.posts_by_id()["t1_c3"].source == f"{pages}:2", "a page's records are named by its line"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data": [SUBMISSIONS[0], "x"]}), encoding="utf-8")
    with pytest.raises(InputError, match="expected a Reddit record, found str"):
        ingest_thread_files([bad], cfg)


def test_a_json_array_of_reddit_records_is_read_one_record_at_a_time(tmp_path, cfg, monkeypatch):
    """A script's dump of Reddit records as one indented .json array: recognised from its
    first record and read record by record, each named by the line it starts on; never
    loaded whole with json.load (a large array would be built as Python objects)."""
    path = tmp_path / "praw-comments.json"
    path.write_text(json.dumps(SUBMISSIONS[:1] + COMMENTS[:2], ensure_ascii=False, indent=2), encoding="utf-8")

    def refused(*args, **kwargs):
        raise AssertionError("json.load of a whole file")

    monkeypatch.setattr(json, "load", refused)
    assert is_reddit_dump(path)
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert posts["t1_c2"].parent_id == "t1_c1" and posts["t3_abc1"].source == f"{path}:2"


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("yesterday", None, "--since 'yesterday' is not an ISO 8601 date"),
        ("2025-01-01", "2024-01-01", "--since 2025-01-01 is not before --until 2024-01-01"),
    ],
)
def test_reddit_a_date_window_that_cannot_keep_a_post_is_refused(tmp_path, capsys, since, until, message):
    dump = tmp_path / "RC_2023-11.jsonl"
    dump.write_text("", encoding="utf-8")
    args = ["--since", since] + (["--until", until] if until else [])
    assert run_cli("ingest", "--threads", str(dump), *args, "--out", str(tmp_path / "corpus")) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "corpus").exists()
