"""Reading and writing artifacts: JSONL/JSON, atomically, deterministically.

Every artifact the pipeline writes goes through here so that (a) a crash never leaves a
half-written file for `make` to mistake for a finished one, and (b) the same records give
byte-identical files (sorted keys, UTF-8, '\\n' line ends), so researchers can diff runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import InputError

M = TypeVar("M", bound=BaseModel)


def dumps(obj: Any) -> str:
    """One canonical JSON text for `obj` (sorted keys, no ASCII escaping)."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600 files; outputs get the permissions any new file would.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces directory `path` on success.

    Stage outputs are folders of several files; swapping the whole folder means a reader
    never sees new posts beside old participants.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        old = path.parent / f".{path.name}.old"
        if old.exists():
            shutil.rmtree(old)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        if old.exists():
            shutil.rmtree(old)
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


def read_text_utf8(path: Path) -> str:
    """Read a UTF-8 file (a BOM is accepted); a wrong encoding names the first bad line."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, 0, "file not found")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            path,
            line,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8 (Windows-1252 and Latin-1 exports are the usual cause)",
        ) from None
    return text


def read_json_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Parse a JSONL file into (line number, object) pairs; blank lines are skipped."""
    text = read_text_utf8(path)
    rows: list[tuple[int, dict[str, Any]]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise InputError(path, lineno, f"expected a JSON object, found {type(obj).__name__}")
        rows.append((lineno, obj))
    return rows


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


def validation_message(exc: ValidationError) -> str:
    """pydantic's errors as one readable line: `field: problem; field: problem`."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def display_path(path: Path | str) -> str:
    """`path` relative to the project root when inside it (stable across checkouts)."""
    from pipeline.config import PROJ_ROOT

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
