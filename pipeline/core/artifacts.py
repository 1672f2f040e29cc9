"""Reading and writing artifacts: JSONL/JSON, atomically, deterministically.

Every artifact the pipeline writes goes through here so that (a) a crash never leaves a
half-written file for `make` to mistake for a finished one, and (b) the same records give
byte-identical files (sorted keys, UTF-8, '\\n' line ends), so researchers can diff runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.core.compressed import compression_of, inner_suffix, open_binary, readable
from pipeline.core.errors import InputError, validation_message
from pipeline.core.paths import PROJ_ROOT

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)


def dumps(obj: Any) -> str:
    """One canonical JSON text for `obj` (sorted keys, no ASCII escaping)."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable (a crash after a rename without this
    can bring the old name back, or neither)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    folders = [Path(root)]
    for p in sorted(Path(root).rglob("*")):
        if p.is_dir():
            folders.append(p)
        else:
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
    for d in folders:
        fsync_dir(d)


# A file that every folder of some output kind holds (a stage's manifest, a corpus's report
# and posts, a model's card, the encoder's build record, an unpacked archive's stamp, a
# review batch's items, a ConvoKit corpus's utterances): a folder with one of them is an
# earlier run's output, which a rerun replaces.
OUTPUT_SIGNATURES = (
    "manifest.json",
    "ingest_report.json",
    "posts.jsonl",
    "posts.parquet",
    "metrics.json",
    "build.json",
    ".archive.json",
    "items.jsonl",
    "utterances.jsonl",
)


def replaceable(folder: Path) -> bool:
    """Whether an output may replace `folder` whole: it is empty, or an earlier output."""
    folder = Path(folder)
    return not any(folder.iterdir()) or any((folder / name).exists() for name in OUTPUT_SIGNATURES)


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(path, 0, "cannot be written: a part of its path is a file, not a folder") from None


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only if the block succeeds.

    The data is fsynced before the rename and the folder after it, so after a crash the
    file is either the old one or the complete new one."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, 0, "is a folder: the output here is a file; name the file to write")
    _make_parent(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600 files; outputs get the permissions any new file would.
        os.chmod(tmp_path, 0o666 & ~_umask())
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, path)
        fsync_dir(path.parent)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def create_exclusive(path: Path, text: str) -> None:
    """Create `path` with `text`, complete or not at all, failing with FileExistsError when
    it exists: a hard link of a finished temporary file is both atomic and exclusive,
    where a rename would silently replace what another process just wrote."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, 0, "is a folder: the output here is a file; name the file to write")
    _make_parent(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.link(tmp, path)
        fsync_dir(path.parent)
    finally:
        os.unlink(tmp)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def recover_dir(path: Path) -> list[str]:
    """Tidy what a killed run left beside output folder `path`; returns what was done.

    `.NAME.old` is the previous output, parked during a swap: it is put back when the new
    output never arrived, else removed. `.NAME.*.tmp` folders and files are unfinished
    outputs and are removed."""
    path = Path(path)
    done: list[str] = []
    old = path.parent / f".{path.name}.old"
    if old.exists():
        if not path.exists():
            os.replace(old, path)
            done.append(f"restored {path} from {old.name} (a run was killed during the swap)")
        else:
            shutil.rmtree(old, ignore_errors=True)
            done.append(f"removed {old.name} left by a killed run")
    if path.parent.exists():
        for tmp in sorted(path.parent.glob(f".{path.name}.*.tmp")):
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
            done.append(f"removed unfinished {tmp.name} left by a killed run")
    return done


@contextlib.contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces directory `path` on success.

    Stage outputs are folders of several files; swapping the whole folder means a reader
    never sees new posts beside old participants. Everything is fsynced first; the swap is
    one atomic exchange where the kernel offers it, else two renames, and a run killed
    between them leaves the old output parked as `.NAME.old`, which the next run puts back
    (`recover_dir`): either the old or the new output, never none.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        # Swapping a folder in would replace the researcher's file with it (a mistyped --out).
        raise InputError(path, 0, "is a file, not a folder: name a folder for this output (it is written whole)")
    if path.is_dir() and not replaceable(path):
        # An output folder is swapped in whole: a mistyped `--out .` or `--out ~/thesis`
        # would otherwise delete every file there.
        names = sorted(p.name for p in path.iterdir())
        shown = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
        raise InputError(
            path,
            0,
            f"holds files no run of this pipeline wrote ({shown}): an output folder is replaced whole, so "
            "name a new or empty folder, or one an earlier run wrote",
        )
    _make_parent(path)
    for msg in recover_dir(path):
        log.warning("%s", msg)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        _fsync_tree(tmp)
        if path.exists() and _exchange(tmp, path):
            # tmp now holds the old output.
            shutil.rmtree(tmp)
        else:
            old = path.parent / f".{path.name}.old"
            if path.exists():
                os.replace(path, old)
            os.replace(tmp, path)
            if old.exists():
                shutil.rmtree(old)
        fsync_dir(path.parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_json(path: Path, obj: Any) -> None:
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    write_text(path, json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2) + "\n")


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """Write one JSON object per line; returns the number of records."""
    lines = [dumps(r) for r in records]
    write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_text_utf8(path: Path, encoding: str | None = None, advice: str | None = None) -> str:
    """Read a UTF-8 file (a BOM is accepted; UTF-16 by its byte-order mark), or one in the
    `encoding` given; a wrong encoding names the first bad line, and what to do about it
    (`advice`, where the command's --encoding is not the way: a manifest's page)."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, 0, "file not found")
    data = read_bytes(path)
    if not encoding and data.startswith(UTF16_BOMS):
        encoding = "utf-16"  # no UTF-8 text starts with these bytes (see `encoding_of`)
    try:
        return data.decode(encoding or "utf-8-sig")
    except LookupError:
        raise InputError(path, 0, f"unknown encoding {encoding!r} (try utf-8, cp1252 or latin-1)") from None
    except UnicodeDecodeError as exc:
        at = _bad_byte_at(data, exc)
        line = data[:at].count(b"\n") + 1
        raise _undecodable(path, encoding, data[at], at, line, advice) from None


def _bad_byte_at(data: bytes, exc: UnicodeDecodeError) -> int:
    """Where in `data` the byte `exc` names is: utf-8-sig counts its positions in the bytes
    after a byte-order mark (a sheet Excel saved as "CSV UTF-8" had its bad byte named
    three bytes early: the wrong byte, at the wrong offset, now and then on the line
    above)."""
    return exc.start + len(data) - len(exc.object)


def encoding_of(path: Path, encoding: str | None = None) -> str | None:
    """The encoding to read a thread file (a table, JSON) in: the one given, else UTF-16
    where its byte-order mark says so (Excel's "Unicode Text", LibreOffice's UTF-16 CSV,
    Windows PowerShell's `Out-File` and `>`: no UTF-8 file can start with those bytes),
    else None (UTF-8)."""
    if encoding or not Path(path).is_file():
        return encoding or None  # a missing file: `open_text` says so
    with readable(path), open_binary(path) as fh:
        return "utf-16" if fh.read(2) in UTF16_BOMS else None


def code_page_text(path: Path) -> bool:
    """Whether a file with no encoding given is in Windows-1252, as an Excel in a Danish or
    Swedish locale saves "CSV" and Windows Notepad "ANSI" text: its first MiB holds a byte
    no UTF-8 text can, with none of UTF-8's multi-byte letters before it (a UTF-8 file
    damaged in one place has them, and is refused at its bad byte, not misread whole), and
    reads as Windows-1252."""
    with readable(path), open_binary(path) as fh:
        head = fh.read(1 << 20)
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.end == len(head) and "end of data" in exc.reason:
            return False  # a letter cut by the MiB's end: UTF-8 so far
        if not head[: exc.start].isascii():
            return False
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def is_text_table(path: Path) -> bool:
    """A `.txt` table as Excel saves one under its default name: "Unicode Text" (UTF-16 with
    its byte-order mark) or "Text (Tab delimited)" (the Windows code page), tab-separated
    with its header on the first line. A page saved as text (Notepad's "Unicode" is UTF-16
    too) has no tab in its first line."""
    path = Path(path)
    if inner_suffix(path) != ".txt" or not path.is_file():
        return False
    with readable(path), open_binary(path) as fh:
        head = fh.read(4096)
    text = head.decode("utf-16" if head[:2] in UTF16_BOMS else "utf-8", errors="replace")
    return "\t" in text.split("\n", 1)[0]


def _undecodable(
    path: Path, encoding: str | None, byte: int, offset: int, line: int, advice: str | None = None
) -> InputError:
    if encoding:
        return InputError(path, line, f"not valid {encoding} (byte 0x{byte:02x})")
    return InputError(
        path,
        line,
        f"not valid UTF-8 (byte 0x{byte:02x} at offset {offset}); "
        + (
            advice
            or "a Danish or Swedish Excel saves Windows-1252: pass --encoding cp1252, or re-save the file as UTF-8"
        ),
    )


def _decoding_error(path: Path, encoding: str | None) -> InputError | None:
    """The first byte the file's encoding cannot read, named by its line, as
    `read_text_utf8` names it; found a megabyte at a time, so that a multi-gigabyte dump is
    never held whole to find it. None where the whole file decodes."""
    rest, base, line = b"", 0, 1
    with open_binary(path) as fh:
        while True:
            chunk = fh.read(1 << 20)
            data = rest + chunk
            try:
                data.decode(encoding or "utf-8-sig")
            except UnicodeDecodeError as exc:
                at = _bad_byte_at(data, exc)
                if not (chunk and at + exc.end - exc.start == len(data) and "end of data" in exc.reason):
                    line += data[:at].count(b"\n")
                    return _undecodable(path, encoding, data[at], base + at, line)
                # A character cut by the chunk's end: read it again with the next chunk.
                data, rest = data[:at], data[at:]
            else:
                rest = b""
            line += data.count(b"\n")
            base += len(data)
            if not chunk:
                return None


def read_bytes(path: Path) -> bytes:
    """A file's bytes, decompressed where its name says it is compressed (`.gz`, `.xz`, ...)."""
    path = Path(path)
    if compression_of(path) is None:
        return path.read_bytes()
    with readable(path), open_binary(path) as fh:
        return fh.read()


def text_stream(path: Path, encoding: str, errors: str = "strict") -> IO[str]:
    """A file opened as text for streaming, decompressed as it is read where it is
    compressed; lines are not translated (newline="")."""
    if compression_of(path) is None:
        return open(path, encoding=encoding, errors=errors, newline="")
    raw = open_binary(path)
    try:
        return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
    except LookupError:
        raw.close()
        raise


@contextlib.contextmanager
def open_text(path: Path, encoding: str | None = None) -> Iterator[Any]:
    """A text file opened for streaming (UTF-8 with or without BOM, UTF-16 by its byte-order
    mark, or `encoding`; gzip, bzip2, xz or Zstandard compressed where its name ends so).
    A decoding error met while reading is reported as `read_text_utf8` reports it (file,
    line, what to do), found by reading the file once more a megabyte at a time; a damaged
    compressed file is named as such."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, 0, "file not found")
    # UTF-16 where the byte-order mark says so, whoever reads the file: Windows PowerShell
    # 5.1 saves what `>` and `Out-File` write so (an API response saved with `curl ... >
    # context.json`), and a tool's export so saved had been taken for a generic thread file.
    encoding = encoding_of(path, encoding)
    try:
        fh = text_stream(path, encoding or "utf-8-sig")
    except LookupError:
        raise InputError(path, 0, f"unknown encoding {encoding!r} (try utf-8, cp1252 or latin-1)") from None
    try:
        with readable(path):
            yield fh
    except UnicodeDecodeError:
        with readable(path):
            error = _decoding_error(path, encoding)
        if error is not None:
            raise error from None
        raise
    finally:
        fh.close()


# A JSON string may escape half of a UTF-16 surrogate pair alone (an emoji cut in two by
# a scraper, "\ud83d"): Python reads it as a lone surrogate, which no UTF-8 file can
# hold, so every later write would fail. It is read as U+FFFD, the replacement character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    return value


def json_object(path: Path, lineno: int, line: str, repaired: list[int] | None = None) -> dict[str, Any]:
    """One JSONL line as an object, or an error naming the file and line. A lone surrogate
    escape is read as U+FFFD; `repaired` collects the lines where that happened."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(path, lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(path, lineno, "JSON nested too deeply to read (arrays or objects inside each other)") from None
    if not isinstance(obj, dict):
        raise InputError(path, lineno, f"expected a JSON object, found {type(obj).__name__}")
    # Escaped pairs (an emoji written as ASCII) are common and whole: only a line with a
    # surrogate escape is walked, and only a lone one is replaced.
    if _SURROGATE_ESCAPE.search(line):
        fixed = _without_lone_surrogates(obj)
        if fixed != obj:
            obj = fixed
            if repaired is not None:
                repaired.append(lineno)
    return obj


def read_json_lines(path: Path, encoding: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Parse a JSONL file into (line number, object) pairs; blank lines are skipped."""
    text = read_text_utf8(path, encoding)
    return [(n, json_object(path, n, line)) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def read_jsonl(path: Path, model: type[M]) -> list[M]:
    """Read and validate a JSONL artifact into `model` records."""
    out: list[M] = []
    for lineno, obj in read_json_lines(path):
        try:
            out.append(model.model_validate(obj))
        except ValidationError as exc:
            raise InputError(path, lineno, validation_message(exc)) from None
    return out


def read_json(path: Path) -> Any:
    text = read_text_utf8(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(path, 0, "JSON nested too deeply to read") from None


def display_path(path: Path | str) -> str:
    """`path` relative to the project root when inside it (stable across checkouts)."""
    try:
        return str(Path(path).resolve().relative_to(PROJ_ROOT))
    except ValueError:
        return str(path)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_filename(key: str, max_slug: int = 40) -> str:
    """A file name for an id that came from input text: an ASCII slug of it plus a short
    hash of the exact id. No path separators, no dot-only names, no control characters,
    never longer than ~50 characters, and two ids that slug alike ("A b", "a-b") still get
    different names. The id itself is kept inside the file."""
    slug = _UNSAFE_RE.sub("-", key).strip("-_")[:max_slug].strip("-_") or "id"
    return f"{slug}-{sha256_text(key)[:8]}"


SAFE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def check_safe_id(value: str, what: str) -> str:
    """`value` if it can name a file or folder as it is (batch ids), else ValueError."""
    if not SAFE_ID_RE.match(value) or ".." in value:
        raise ValueError(f"{what} {value!r} may only hold letters, digits, '.', '_' and '-' (no path)")
    return value
