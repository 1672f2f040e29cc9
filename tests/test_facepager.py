"""Facepager's CSV export (a Facebook page's posts, their comments and replies, as its
export writes them: its own eight columns, then the researcher's, semicolons, every value
quoted, a byte-order mark), read as threads by the nodes each was fetched from."""

from __future__ import annotations

import csv

import pytest

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

OWN = ["level", "id", "parent_id", "object_id", "object_type", "query_status", "query_time", "query_type"]
CUSTOM = ["message", "created_time", "from.name", "comments.summary.total_count"]
NODES = [
    # level, node, parent node, object, type, [message, created_time, from.name, count]
    (0, 1, "None", "dsr.dk", "seed", ["", "", "", ""]),
    (1, 2, 1, "dsr.dk", "offcut", ["", "", "", ""]),
    (1, 3, 1, "111_222", "data", ["Vi kræver et loft over sagstallet.", "2024-03-04T08:00:00+0000",
                                  "Dansk Socialrådgiverforening", "3"]),
    (2, 4, 3, "222_301", "data", ["Helt enig, vi drukner i sager.", "2024-03-04T09:00:00+0000", "Mette Kjær", ""]),
    (3, 5, 4, "222_302", "data", ["Hvor har du det fra?", "2024-03-04T09:30:00+0000", "Ole Berg", ""]),
    (2, 6, 9, "222_303", "data", ["Lønnen er problemet.", "2024-03-04T10:00:00+0000", "Anna Holm", ""]),
    # A post's id given as a seed: the comments fetched from it answer it.
    (0, 7, "None", "333_444", "seed", ["", "", "", ""]),
    (1, 8, 7, "444_501", "data", ["Socialrådgivere er bare dovne.", "2024-03-05T08:00:00+0000", "Bo", ""]),
]  # fmt: skip


def write_export(path, nodes=NODES, custom=CUSTOM) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(OWN + custom)
        for level, node, parent, oid, kind, values in nodes:
            status = "fetched (200)" if kind != "seed" else ""
            query = "Facebook:<post>/comments" if level > 1 or parent == 7 else "Facebook:<page>/posts"
            writer.writerow([level, node, parent, oid, kind, status, "2024-03-05 12:00:00", query, *values])


def test_a_facepager_export_is_read_as_threads_by_the_nodes_they_were_fetched_from(tmp_path, cfg):
    path = tmp_path / "dsr-facebook.csv"
    write_export(path)
    assert describe_input(path, ReadOptions()).startswith("a Facepager export")
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    assert sorted(posts) == ["111_222", "222_301", "222_302", "222_303", "333_444", "444_501", "facepager-9"], (
        "the page and the answer's wrapper are no posts"
    )
    assert (posts["444_501"].parent_id, posts["333_444"].text) == ("333_444", ""), (
        "comments fetched from a post given as a seed answer it (an empty root stands for it)"
    )
    post, mette, ole = posts["111_222"], posts["222_301"], posts["222_302"]
    assert (post.parent_id, mette.parent_id, ole.parent_id) == (None, "111_222", "222_301")
    assert {p.thread_id for p in (post, mette, ole)} == {"111_222"}
    assert (mette.author, mette.text, mette.created) == ("Mette Kjær", "Helt enig, vi drukner i sager.",
                                                         "2024-03-04T09:00:00+00:00")  # fmt: skip
    orphan = posts["222_303"]
    assert (orphan.parent_id, posts["facepager-9"].text) == ("facepager-9", ""), (
        "a comment on a post the export left out answers an empty root standing for it"
    )
    said = " | ".join(n.message for n in corpus.notes)
    assert "thread 'facepager-9': its opening post is not in the export" in said
    assert "Facepager: 5 post and comment node(s) read; nodes that are none left out (1 offcut, 2 seed" in said


def test_selected_nodes_are_read_as_facepager_writes_them(tmp_path, cfg):
    """Facepager's export of the nodes selected in its tree puts its own columns in the
    tree's order, with `object_key`, and the nodes in the tree's order."""
    path = tmp_path / "selected.csv"
    order = ["id", "parent_id", "level", "object_id", "object_type", "object_key", "query_status", "query_time",
             "query_type", "message", "from.name"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(order)
        for node, above, level, oid, query, text in (
            (3, 1, 1, "111_222", "Facebook:<page>/posts", "Vi kræver et loft."),
            (4, 3, 2, "222_301", "Facebook:<post>/comments", "Helt enig."),
        ):
            writer.writerow([node, above, level, oid, "data", "data", "fetched (200)", "", query, text, "Mette"])
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert sorted(posts) == ["111_222", "222_301"], "the page, not selected, is no post"
    assert (posts["111_222"].parent_id, posts["222_301"].parent_id, posts["222_301"].thread_id) == (
        None,
        "111_222",
        "111_222",
    )


def test_a_facepager_export_without_a_text_column_says_which_to_add(tmp_path, cfg):
    path = tmp_path / "no-text.csv"
    write_export(path, [(n[0], n[1], n[2], n[3], n[4], n[5][1:]) for n in NODES], CUSTOM[1:])
    with pytest.raises(InputError, match=r"no-text\.csv:1: a Facepager export without a column of the posts' words"):
        ingest_thread_files([path], cfg)
