"""Zip and tar archives of thread files: read as the files they hold, unpacked beside the
corpus, and never a way to write outside it."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli

from pipeline.core.errors import InputError
from pipeline.core.tables import iter_records, stage_file
from pipeline.ingest.build import write_ingest
from pipeline.ingest.files.threads import expand_folders

CSV = (
    "id;thread_id;parent_id;author;created;title;text\n"
    "a1;art;;Redaktionen;2024-03-01 08:00;Kommunerne skal ansætte flere socialrådgivere;\n"
    "a2;art;a1;Mette K;2024-03-01 09:00;;Det er jeg uenig i. Der mangler penge, ikke hænder.\n"
)
JSONL = [
    {"id": "f1", "thread_id": "forum", "title": "Skal sagstallet ned?", "created": "2024-03-02T10:00:00"},
    {"id": "f2", "thread_id": "forum", "parent_id": "f1", "text": "Ja, helt klart.", "created": "2024-03-02T11:00:00"},
]


def _archive(path: Path, members: dict[str, bytes | str]) -> Path:
    """A .zip, or a .tar.gz by its name, holding `members` by name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        return path
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(raw), 0
            tar.addfile(info, io.BytesIO(raw))
    return path


def _dataset(path: Path, **extra: bytes | str) -> Path:
    """An archive as datasets are shared: the files in folders, a picture, a Mac's furniture."""
    posts = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in JSONL).encode()
    return _archive(
        path,
        {
            "debat/kommuner/kommentarer.csv": CSV,
            "debat/forum/posts.jsonl.gz": gzip.compress(posts, mtime=0),
            "debat/billeder/forside.png": b"\x89PNG\r\n",
            "__MACOSX/debat/._kommentarer.csv": b"\x00\x05",
            "debat/.DS_Store": b"\x00",
            **extra,
        },
    )


def _posts(corpus: Path) -> dict:
    from pipeline.core.schema import Post

    return {p.id: p for p in iter_records(stage_file(corpus, "posts"), Post)}


@pytest.mark.parametrize("name", ["debat.zip", "debat.tar.gz"])
def test_an_archive_is_read_as_the_thread_files_it_holds_at_any_depth(tmp_path, cfg, name):
    archive = _dataset(tmp_path / "in" / name)
    corpus = tmp_path / "data" / "interim" / "corpus"
    written = write_ingest(corpus, cfg, paths=[archive])
    posts = _posts(corpus)
    assert set(posts) == {"a1", "a2", "f1", "f2"} and written["counts"]["threads"] == 2
    # Every post names a file a researcher can open at that line: the unpacked member.
    unpacked = tmp_path / "data" / "interim" / "unpacked" / name
    assert posts["a2"].source == f"{unpacked}/debat/kommuner/kommentarer.csv:3"
    assert posts["f2"].source == f"{unpacked}/debat/forum/posts.jsonl.gz:2"
    notes = json.loads((corpus / "ingest_report.json").read_text())["notes"]
    kind = name.split(".")[1]
    assert {"kind": "note", "message": f"{kind} archive unpacked to {unpacked}", "where": str(archive)} in notes
    (left,) = [n["message"] for n in notes if n["message"].startswith("folder read as")]
    assert left == "folder read as its 2 thread file(s); left out: debat/billeder/forside.png"
    assert not (unpacked / "__MACOSX").exists() and not (unpacked / "debat" / ".DS_Store").exists()
    # A rerun reads the folder already unpacked, and writes the same bytes.
    before = (corpus / "posts.jsonl").read_bytes()
    member = unpacked / "debat" / "kommuner" / "kommentarer.csv"
    stamp = member.stat().st_mtime_ns
    write_ingest(corpus, cfg, paths=[archive])
    assert (corpus / "posts.jsonl").read_bytes() == before and member.stat().st_mtime_ns == stamp


def test_an_archive_that_changed_is_unpacked_again(tmp_path, cfg):
    archive = _archive(tmp_path / "debat.zip", {"a.csv": CSV})
    corpus = tmp_path / "out" / "corpus"
    write_ingest(corpus, cfg, paths=[archive])
    _archive(archive, {"b.csv": CSV.replace("a1", "b1").replace("a2", "b2")})
    write_ingest(corpus, cfg, paths=[archive])
    assert set(_posts(corpus)) == {"b1", "b2"}
    assert not (tmp_path / "out" / "unpacked" / "debat.zip" / "a.csv").exists()


@pytest.mark.parametrize("name", ["debat.zip", "debat.tar.gz"])
def test_a_hostile_archive_writes_nothing_outside_its_folder(tmp_path, cfg, name):
    """Members named to climb out of the folder ("zip slip") or to land at an absolute path
    are left out, and the ingest report lists them."""
    archive = _dataset(
        tmp_path / "in" / name,
        **{
            "../../escaped.jsonl": '{"id": "x", "thread_id": "x", "text": "ud"}\n',
            f"{tmp_path}/absolute.jsonl": '{"id": "y", "thread_id": "y", "text": "ud"}\n',
            "..\\windows.jsonl": '{"id": "z", "thread_id": "z", "text": "ud"}\n',
        },
    )
    corpus = tmp_path / "data" / "interim" / "corpus"
    write_ingest(corpus, cfg, paths=[archive])
    assert set(_posts(corpus)) == {"a1", "a2", "f1", "f2"}
    written = {p.name for p in tmp_path.parent.rglob("*.jsonl")}
    assert not written & {"escaped.jsonl", "absolute.jsonl", "windows.jsonl"}
    notes = json.loads((corpus / "ingest_report.json").read_text())["notes"]
    (removed,) = [n for n in notes if n["kind"] == "removed"]
    assert removed["where"] == str(archive) and removed["message"].startswith("3 member(s) whose names point outside")


def test_links_in_an_archive_are_left_out_so_nothing_is_written_through_them(tmp_path, cfg):
    """A tar may hold a link to a file outside (`/etc/passwd`, a researcher's notes) and then a
    member of the link's name, to be written through it: links are never unpacked."""
    outside = tmp_path / "notes.txt"
    outside.write_text("mine\n")
    archive = tmp_path / "debat.tar"
    with tarfile.open(archive, "w") as tar:
        for kind, target in ((tarfile.SYMTYPE, str(outside)), (tarfile.LNKTYPE, "debat/a.csv")):
            link = tarfile.TarInfo("debat/b.csv" if kind == tarfile.SYMTYPE else "debat/c.csv")
            link.type, link.linkname = kind, target
            tar.addfile(link)
        for member in ("debat/a.csv", "debat/b.csv"):
            info = tarfile.TarInfo(member)
            text = CSV.replace("a1", "b1").replace("a2", "b2").replace("art", "brt") if "b." in member else CSV
            raw = text.encode()
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    corpus = tmp_path / "out" / "corpus"
    write_ingest(corpus, cfg, paths=[archive])
    assert outside.read_text() == "mine\n"
    unpacked = tmp_path / "out" / "unpacked" / "debat.tar"
    assert not [p for p in unpacked.rglob("*") if p.is_symlink()]
    notes = json.loads((corpus / "ingest_report.json").read_text())["notes"]
    (links,) = [n["message"] for n in notes if n["kind"] == "removed"]
    assert links == "2 member(s) that are links left out: 'debat/b.csv', 'debat/c.csv'"


@pytest.mark.parametrize("damage", ["not a zip", "cut short", "bad member", "encrypted", "no room"])
def test_an_unreadable_archive_is_refused_naming_it_and_nothing_is_written(tmp_path, cfg, monkeypatch, damage):
    archive = _dataset(tmp_path / "debat.zip")
    data = archive.read_bytes()
    if damage == "not a zip":
        archive.write_text("id,thread_id\n")
    elif damage == "cut short":
        archive.write_bytes(data[: len(data) // 2])
    elif damage == "bad member":
        # A byte of the first member's compressed data changed: its checksum fails.
        at = data.index(b"debat/kommuner/kommentarer.csv") + len("debat/kommuner/kommentarer.csv") + 5
        archive.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
    elif damage == "encrypted":
        # zipfile writes no encryption: the member's headers get the flag that says so.
        name = b"debat/kommuner/kommentarer.csv"
        raw = bytearray(data)
        for at in (i for i in range(len(raw)) if raw.startswith(name, i)):
            for offset, signature, flags in ((30, b"PK\x03\x04", 6), (46, b"PK\x01\x02", 8)):
                if raw.startswith(signature, at - offset):
                    raw[at - offset + flags] |= 0x1
        archive.write_bytes(bytes(raw))
    else:
        import shutil
        from collections import namedtuple

        usage = namedtuple("usage", "total used free")
        monkeypatch.setattr(shutil, "disk_usage", lambda _: usage(10, 10, 100))
    corpus = tmp_path / "out" / "corpus"
    with pytest.raises(InputError) as info:
        write_ingest(corpus, cfg, paths=[archive])
    assert str(info.value.path) == str(archive)
    said = {
        "not a zip": "not a readable zip archive",
        "cut short": "not a readable zip archive",
        "bad member": "not a readable zip archive",
        "encrypted": "is encrypted",
        "no room": "more than the 0.0 GB free",
    }[damage]
    assert said in str(info.value)
    assert not corpus.exists() and not list((tmp_path / "out").glob("unpacked/*"))


def test_an_archive_given_where_only_files_are_read_says_to_ingest_it(tmp_path):
    """`train --data` and the other readers of thread files take the folder ingest
    unpacked, not the archive."""
    archive = _archive(tmp_path / "gold.zip", {"a.csv": CSV})
    with pytest.raises(InputError, match="ingest unpacks it"):
        expand_folders([archive], [])


def test_ingest_check_names_an_archives_members(tmp_path, capsys):
    archive = _dataset(tmp_path / "debat.zip")
    assert run_cli("ingest", "--check", "--threads", str(archive)) == 0
    out = capsys.readouterr().out
    assert "debat.zip/debat/forum/posts.jsonl.gz: read as a thread file (JSONL), gzip-compressed" in out
    assert "debat.zip/debat/kommuner/kommentarer.csv: read as a thread file (CSV, delimiter ';')" in out
    assert "would write 2 threads, 4 posts" in out and "ingest-check-" not in out
    assert not (tmp_path / "unpacked").exists()
