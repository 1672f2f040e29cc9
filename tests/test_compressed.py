"""Researchers keep their collections compressed (`comments.jsonl.gz` from a collector, a
Disqus export's `.xml.gz`, `.csv.xz` archives): ingest reads them as they are, streaming,
told apart by the suffix under the compression, and names a damaged one as such."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from pathlib import Path

import pytest
import zstandard

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input, expand_folders
from pipeline.ingest.options import ReadOptions
from tests.conftest import run_cli
from tests.test_disqus import EXPORT as DISQUS_EXPORT
from tests.test_youtube import COMMENTS as YOUTUBE_COMMENTS

ROWS = [
    {"id": "1", "thread_id": "t", "author": "Anna", "text": "Socialrådgiverne har alt for mange sager."},
    {"id": "2", "thread_id": "t", "parent_id": "1", "author": "Bo", "text": "Nej, det passer ikke. Sagstallet falder."},
    {"id": "3", "thread_id": "t", "parent_id": "2", "author": "Åsa", "text": "Hur vet du det?"},
]
COMPRESS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}
JSONL = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS)
CSV = "id;thread_id;parent_id;author;text\n" + "".join(
    f"{r['id']};{r['thread_id']};{r.get('parent_id', '')};{r['author']};{r['text']}\n" for r in ROWS
)
ARRAY = json.dumps(ROWS, ensure_ascii=False, indent=2)


def _write(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(COMPRESS[path.suffix](data) if path.suffix in COMPRESS else data)
    return path


def _posts(paths, cfg, **kw):
    corpus = ingest_thread_files(paths, cfg, ReadOptions(**kw))
    return [(p.id, p.parent_id, p.author, p.text, p.lang) for p in corpus.posts], corpus


@pytest.mark.parametrize("compression", sorted(COMPRESS))
@pytest.mark.parametrize(("name", "text"), [("posts.jsonl", JSONL), ("posts.csv", CSV), ("posts.json", ARRAY)])
def test_a_compressed_thread_file_reads_as_the_plain_one(tmp_path, cfg, compression, name, text):
    plain, _ = _posts([_write(tmp_path / name, text)], cfg)
    packed = _write(tmp_path / f"packed-{name}{compression}", text)
    posts, corpus = _posts([packed], cfg)
    assert posts == plain and [p[0] for p in posts] == ["1", "2", "3"]
    # Every post still names the line it came from.
    assert corpus.posts_by_id()["2"].source == f"{packed}:{ {'posts.jsonl': 2, 'posts.csv': 3, 'posts.json': 8}[name] }"


def test_check_says_how_a_compressed_file_is_read(tmp_path):
    assert describe_input(_write(tmp_path / "c.csv.gz", CSV), ReadOptions()) == (
        "a thread file (CSV, delimiter ';'), gzip-compressed"
    )
    assert describe_input(_write(tmp_path / "a.json.xz", ARRAY), ReadOptions()) == (
        "a thread file (one JSON array of posts), xz-compressed"
    )
    assert describe_input(_write(tmp_path / "p.jsonl.zst", JSONL), ReadOptions()) == (
        "a thread file (JSONL), Zstandard-compressed"
    )


def test_platform_exports_compressed(tmp_path, cfg):
    """A Disqus export comes as .xml.gz; a downloader's file named after its video keeps
    the video's name as its thread once the .json.gz is taken off."""
    disqus = _write(tmp_path / "avisen-disqus.xml.gz", DISQUS_EXPORT)
    assert describe_input(disqus, ReadOptions()) == "a Disqus comment export (XML), gzip-compressed"
    corpus = ingest_thread_files([disqus], cfg)
    assert [t.id for t in corpus.threads] == ["disqus-thread-7001"]
    assert corpus.posts_by_id()["9001"].source == f"{disqus}:20"
    video = _write(
        tmp_path / "dr-debat.json.gz", "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in YOUTUBE_COMMENTS)
    )
    assert [t.id for t in ingest_thread_files([video], cfg).threads] == ["dr-debat"]


def test_a_folder_of_compressed_files_is_read(tmp_path, cfg):
    folder = tmp_path / "export"
    folder.mkdir()
    _write(folder / "a.jsonl.gz", JSONL)
    _write(folder / "notes.txt.gz", "not a thread file")
    assert [p.name for p in expand_folders([folder], [])] == ["a.jsonl.gz"]


def test_a_damaged_or_misnamed_compressed_file_is_refused_naming_it(tmp_path, cfg):
    whole = gzip.compress(JSONL.encode("utf-8"))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])  # an interrupted download
    with pytest.raises(InputError) as err:
        ingest_thread_files([cut], cfg)
    assert err.value.path == cut and "not a readable gzip file" in str(err.value) and "cut short" in str(err.value)
    out = tmp_path / "corpus"
    assert run_cli("ingest", "--threads", str(cut), "--out", str(out)) == 2
    assert not out.exists(), "nothing half-written"
    plain = tmp_path / "plain.csv.gz"
    plain.write_text(CSV, encoding="utf-8")  # named .gz, not compressed
    with pytest.raises(InputError, match="not a readable gzip file"):
        ingest_thread_files([plain], cfg)
    with pytest.raises(InputError, match="workbook is compressed already"):
        ingest_thread_files([_write(tmp_path / "book.xlsx.gz", "x")], cfg)
    with pytest.raises(InputError, match=r"unknown thread file type '\.txt\.gz'"):
        ingest_thread_files([_write(tmp_path / "page.txt.gz", "x")], cfg)


def test_a_bad_byte_deep_in_a_large_file_is_found_by_its_line_without_reading_the_file_whole(
    tmp_path, cfg, monkeypatch
):
    """A Latin-1 byte after two megabytes of UTF-8 (each "ø" two bytes, so some are cut by
    the reader's megabyte chunks): named by its line, in the plain and the gzip file alike."""
    import pipeline.core.artifacts as artifacts

    def whole(*_):
        raise AssertionError("the file was read whole to find a bad byte")

    monkeypatch.setattr(artifacts, "read_bytes", whole)
    rows = "".join(f"{i};t;Søster {'ø' * 200}\n" for i in range(6000))
    data = b"id;thread_id;text\n" + rows.encode("utf-8") + b"x;t;s\xf8ster\n"
    assert len(data) > 2 << 20
    for name, packed in (("big.csv", data), ("big.csv.gz", gzip.compress(data))):
        path = tmp_path / name
        path.write_bytes(packed)
        with pytest.raises(InputError) as err:
            ingest_thread_files([path], cfg)
        offset = data.rindex(b"\xf8")
        assert err.value.line == 6002 and f"not valid UTF-8 (byte 0xf8 at offset {offset})" in str(err.value)
