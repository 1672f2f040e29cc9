"""Zip archives of thread files, as datasets are shared (Zenodo, OSF, Kaggle, a ConvoKit
corpus, a colleague's folder of exports): unpacked beside the corpus, then read as the
files they hold.

An archive's members are unpacked, once per archive content, into
`<corpus folder's parent>/unpacked/<archive name>/` (for `make run`:
`data/interim/unpacked/debat.zip/`), so that every post's `source` and every note names a
file a researcher can open at that line. The members read are those a folder would give
(thread files and exports of every format, plain or compressed) at any depth, and the
folders that are ConvoKit corpora; the rest (pictures, `__MACOSX/`, hidden files) are left
out and counted in a note.

A hostile archive writes nothing outside its folder: a member whose name is absolute or
climbs out with `..` is left out with a note, a symbolic link is unpacked as the text of
its target, never as a link; members are unpacked with the sizes the archive declares, and
an archive that declares more than the disk has free is refused before anything is
written. Encrypted or damaged archives are refused, naming the archive and the member.
Written by hand on the standard library's `zipfile`: only unpacking itself is left to it
(`shutil`'s `unpack_archive` checks none of this, and would follow the names as given).
"""

from __future__ import annotations

import hashlib
import json
import lzma
import shutil
import zipfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath

from pipeline.core.artifacts import atomic_dir
from pipeline.core.errors import InputError
from pipeline.core.schema import Note

ARCHIVE_SUFFIXES = (".zip",)
# Written into each unpacked folder: the archive it holds, so an unchanged archive is not
# unpacked again on the next run.
STAMP = ".archive.json"
CHUNK = 1 << 20


def is_archive(path: Path) -> bool:
    """Whether `path` is a zip archive to unpack (by its name; its content is checked when
    it is unpacked)."""
    path = Path(path)
    return path.suffix.lower() in ARCHIVE_SUFFIXES and path.is_file()


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _safe_name(name: str) -> PurePosixPath | None:
    """The member's path inside its folder, or None where it would land outside it (an
    absolute name, a drive letter, a `..` step) or names no file."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or ":" in parts[0] or ".." in parts:
        return None
    clean = [p for p in parts if p not in ("", ".")]
    return PurePosixPath(*clean) if clean else None


def _skipped(path: PurePosixPath) -> bool:
    """Operating-system furniture: macOS's resource forks and hidden files."""
    return path.parts[0] == "__MACOSX" or any(p.startswith(".") for p in path.parts)


def _unpack(archive: Path, folder: Path, digest: str) -> None:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(archive, 0, f"not a readable zip archive ({exc}): it may be damaged or cut short") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        declared = sum(m.file_size for m in members)
        folder.parent.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder.parent).free
        if declared > free:
            raise InputError(
                archive,
                0,
                f"its members unpack to {declared / 1e9:.1f} GB, more than the {free / 1e9:.1f} GB free beside "
                f"{folder.parent}: unpack it yourself where there is room and give that folder",
            )
        outside: list[str] = []
        with atomic_dir(folder) as tmp:
            for member in members:
                name = _safe_name(member.filename)
                if name is None:
                    outside.append(member.filename)
                    continue
                if _skipped(name):
                    continue
                if member.flag_bits & 0x1:
                    raise InputError(
                        archive, 0, f"member {member.filename!r} is encrypted: unpack it with its password first"
                    )
                target = tmp.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with zf.open(member) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst, CHUNK)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error, lzma.LZMAError) as exc:
                    raise InputError(
                        archive, 0, f"member {member.filename!r} cannot be unpacked ({exc}): the archive may be damaged"
                    ) from None
            stamp = {"archive": str(archive), "outside": outside, "sha256": digest}
            (tmp / STAMP).write_text(json.dumps(stamp, sort_keys=True) + "\n", encoding="utf-8")


def _stamp(folder: Path) -> dict:
    """What the folder's stamp says of the archive unpacked there ({} where none is)."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def unpacked_dir(corpus_dir: Path) -> Path:
    """Where the archives read into the corpus folder `corpus_dir` are unpacked: beside it."""
    return Path(corpus_dir).parent / "unpacked"


def unpack_archives(paths: list[Path], into: Path, notes: list[Note]) -> list[Path]:
    """`paths` with each zip archive replaced by the folder it is unpacked to, under `into`
    (`into/<archive name>`, `-2`, `-3` after it where two archives share a name); an
    archive unchanged since it was last unpacked there is not unpacked again."""
    out: list[Path] = []
    names: Counter = Counter()
    for path in map(Path, paths):
        if not is_archive(path):
            out.append(path)
            continue
        names[path.name] += 1
        n = names[path.name]
        folder = Path(into) / (path.name if n == 1 else f"{path.name}-{n}")
        digest = _digest(path)
        if _stamp(folder).get("sha256") != digest:
            _unpack(path, folder, digest)
        notes.append(Note(where=str(path), kind="note", message=f"zip archive unpacked to {folder}"))
        # Said on every run, not only the one that unpacked the archive.
        if outside := _stamp(folder).get("outside"):
            shown = ", ".join(repr(n) for n in outside[:3]) + (" ..." if len(outside) > 3 else "")
            notes.append(
                Note(
                    where=str(path),
                    kind="removed",
                    message=f"{len(outside)} member(s) whose names point outside the archive left out: {shown}",
                )
            )
        out.append(folder)
    return out
