"""Workbooks besides Excel's .xlsx: LibreOffice's OpenDocument (.ods) and the older Excel
97-2003 (.xls), read as the same thread file, with the sheet's own row numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import write_ods

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

# tests/workbooks/debat.xls holds these rows (made by tests/workbooks/make_xls.py): a first
# sheet of explanations, then the posts below an empty first row and with an empty row
# among them; ids typed as numbers, dates as Excel dates, a text that looks like a formula.
HEADER = ["id", "thread_id", "parent_id", "author", "created", "title", "text"]
ROWS = [
    [1, "t", None, "Redaktionen", dt.datetime(2024, 3, 1, 8, 0), "Flere socialrådgivere nu", None],
    [2, "t", 1, "Mette Ø", dt.date(2024, 3, 1), None, "=SUM(A1) Det er jeg uenig i."],
    [],
    [3, "t", 2, "Åsa", dt.datetime(2024, 3, 2, 9, 30), None, "Jag håller med, det saknas pengar."],
]
XLS = Path(__file__).parent / "workbooks" / "debat.xls"


def _as_jsonl(path: Path) -> Path:
    def text(v: object) -> str | None:
        return None if v is None else v.isoformat() if isinstance(v, dt.date) else str(v)

    lines = [json.dumps(dict(zip(HEADER, map(text, row), strict=False))) for row in ROWS if row]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _book(tmp_path: Path) -> Path:
    return write_ods(tmp_path / "debat.ods", [("Forklaring", [["Denne fane forklarer kolonnerne"]]),
                                             ("Data", [[], HEADER, *ROWS])])  # fmt: skip


@pytest.mark.parametrize("kind", [".ods", ".xls"])
def test_a_libreoffice_or_old_excel_workbook_reads_as_the_same_thread_file(tmp_path, cfg, kind):
    book = _book(tmp_path) if kind == ".ods" else XLS
    from_book = ingest_thread_files([book], cfg)
    from_jsonl = ingest_thread_files([_as_jsonl(tmp_path / "t.jsonl")], cfg)
    assert [p.model_dump(exclude={"source"}) for p in from_book.posts] == [
        p.model_dump(exclude={"source"}) for p in from_jsonl.posts
    ]
    posts = from_book.posts_by_id()
    assert (posts["1"].created, posts["2"].created) == ("2024-03-01T08:00:00", "2024-03-01")
    assert posts["2"].text == "=SUM(A1) Det er jeg uenig i."  # text, never a formula evaluated
    # The sheet's own row numbers: the empty first row and the empty row among the posts count.
    assert [p.source.rsplit(":", 1)[1] for p in from_book.posts] == ["3", "4", "6"]
    assert any("read sheet 'Data'" in n.message for n in from_book.notes)
    name = {".ods": "OpenDocument", ".xls": "Excel 97-2003"}[kind]
    assert describe_input(book, ReadOptions()) == f"a thread file ({name}, sheet 2)"


@pytest.mark.parametrize("kind", [".ods", ".xls"])
def test_a_damaged_workbook_is_refused_naming_it(tmp_path, cfg, kind):
    whole = (_book(tmp_path) if kind == ".ods" else XLS).read_bytes()
    cut = tmp_path / f"cut{kind}"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError) as info:
        ingest_thread_files([cut], cfg)
    assert info.value.path == cut and f"not a readable {kind} file" in str(info.value)


def test_a_compressed_workbook_is_refused_as_compressed_already(tmp_path, cfg):
    import gzip

    packed = tmp_path / "debat.ods.gz"
    packed.write_bytes(gzip.compress(_book(tmp_path).read_bytes()))
    with pytest.raises(InputError, match="compressed already"):
        ingest_thread_files([packed], cfg)


def test_an_ods_that_asks_for_a_billion_cells_is_refused_before_it_is_read(tmp_path, cfg):
    """A few hundred bytes of OpenDocument can repeat one filled cell a million times across
    and a thousand times down: counted from content.xml first, it is refused instead of
    built (some 125 GB). LibreOffice's own block of empty repeated rows is not counted."""
    import zipfile

    from pipeline.core.workbooks import ods_filled_cells

    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{name}</text:p></table:table-cell>'
        for name in ("id", "thread_id")
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="A"><table:table-row>{header}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" '
        'table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    bomb = tmp_path / "bomb.ods"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
    assert bomb.stat().st_size < 1000
    with pytest.raises(InputError) as info:
        ingest_thread_files([bomb], cfg)
    assert info.value.path == bomb and "more than 30,000,000 filled cells" in str(info.value)
    # The test workbook: its posts and header, not its million empty rows of 1,024 cells.
    assert ods_filled_cells(_book(tmp_path)) == 1 + 7 + 5 + 6 + 6


@pytest.mark.parametrize("kind", [".ods", ".xlsx"])
def test_a_workbook_whose_parts_inflate_past_the_limit_is_refused_before_reading(tmp_path, cfg, monkeypatch, kind):
    """An .xlsx or .ods is a zip archive: one that would inflate past what a workbook may
    (a zip bomb; here the limit lowered below the test workbook's size) is refused."""
    import pipeline.core.workbooks as workbooks

    if kind == ".ods":
        book = _book(tmp_path)
    else:
        from openpyxl import Workbook

        wb = Workbook()
        for row in [HEADER, *ROWS]:
            wb.active.append(row)
        book = tmp_path / "debat.xlsx"
        wb.save(book)
    assert len(ingest_thread_files([book], cfg).posts) == 3
    monkeypatch.setattr(workbooks, "MAX_WORKBOOK_BYTES", 1000)
    with pytest.raises(InputError) as info:
        ingest_thread_files([book], cfg)
    assert info.value.path == book and "its parts inflate to" in str(info.value)


def test_a_workbooks_guards_run_once_per_version_of_the_file(tmp_path, cfg, monkeypatch):
    """Ingest opens a workbook twice (to find the sheet with the posts, then to read it):
    its guards read it once, and again only when the file changes."""
    import os

    import pipeline.core.workbooks as workbooks

    calls = []
    check = workbooks._check_inflated_size
    monkeypatch.setattr(workbooks, "_check_inflated_size", lambda path: calls.append(path) or check(path))
    book = _book(tmp_path)
    assert len(ingest_thread_files([book], cfg).posts) == 3
    assert len(ingest_thread_files([book], cfg).posts) == 3
    assert calls == [book]
    os.utime(book, ns=(book.stat().st_atime_ns, book.stat().st_mtime_ns + 1_000_000))
    assert len(ingest_thread_files([book], cfg).posts) == 3
    assert calls == [book, book]


def test_an_xlsx_whose_xml_nests_entities_is_refused_not_expanded(tmp_path, cfg):
    """A "billion laughs" sheet (entities of entities, a few hundred bytes growing to
    gigabytes): the XML parser refuses the expansion, and ingest names the file."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["id", "thread_id", "text"])
    wb.active.append(["a", "a", "hej"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    entities = '<!ENTITY lol "lololololololololololololololololol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    bomb = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                sheet = data.decode().replace("hej", "&lol9;")
                data = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>{sheet}'.encode()
            zout.writestr(item, data)
    with pytest.raises(InputError) as info:
        ingest_thread_files([bomb], cfg)
    assert info.value.path == bomb and "not a readable .xlsx file" in str(info.value)
