"""Zip and tar archives of thread files, as datasets are shared (Zenodo, OSF, Kaggle, a
ConvoKit corpus, a colleague's folder of exports): unpacked beside the corpus, then read
as the files they hold.

An archive's members are unpacked, once per archive content, into
`<corpus folder's parent>/unpacked/<archive name>/` (for `make run`:
`data/interim/unpacked/debat.zip/`), so that every post's `source` and every note names a
file a researcher can open at that line. The members read are those a folder would give
(thread files and exports of every format, plain or compressed) at any depth, and the
folders that are ConvoKit corpora; the rest (pictures, `__MACOSX/`, hidden files) are left
out and counted in a note. Archives: `.zip`, and `.tar` plain or compressed (`.tar.gz`,
`.tgz`, `.tar.bz2`, `.tbz2`, `.tar.xz`, `.txz`), a tar read in one pass as a stream.

A hostile archive writes nothing outside its folder: a member whose name is absolute or
climbs out with `..` is left out with a note, and so is every link (symbolic or hard) and
device, so that no later write can follow one. An archive whose members declare more bytes
than the disk has free is refused before anything is written, and unpacking stops at the
disk's free space whatever the archive declares. Encrypted members and damaged archives
are refused, naming the archive. Written by hand on the standard library's `zipfile` and
`tarfile`: `shutil.unpack_archive` checks none of this for zip files, and tarfile's own
safety filter (`filter="data"`) refuses a whole archive over one bad member where a
researcher's archive needs only that member left out.
"""

from __future__ import annotations

import json
import lzma
import shutil
import stat
import tarfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from pipeline.core.artifacts import atomic_dir, sha256_file
from pipeline.core.errors import InputError
from pipeline.core.schema import Note

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
# Written into each unpacked folder: the archive it holds, so an unchanged archive is not
# unpacked again on the next run.
STAMP = ".archive.json"
CHUNK = 1 << 20


def _suffix(path: Path) -> str:
    name = Path(path).name.lower()
    return next((s for s in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True) if name.endswith(s)), "")


def _kind(path: Path) -> str:
    return "zip" if _suffix(path) == ".zip" else "tar"


def is_archive(path: Path) -> bool:
    """Whether `path` is a zip or tar archive to unpack (by its name; its content is
    checked when it is unpacked)."""
    return bool(_suffix(path)) and Path(path).is_file()


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


# What reading a damaged archive or member raises, besides the archive modules' own errors.
READ_ERRORS = (OSError, EOFError, NotImplementedError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, tarfile.TarError)

# A member: its name in the archive, and how to open its bytes (None where it is no plain
# file: a symbolic or hard link, a device).
Member = tuple[str, Callable[[], IO[bytes]] | None]


def _zip_members(archive: Path, zf: zipfile.ZipFile, room: int) -> Iterator[Member]:
    members = [m for m in zf.infolist() if not m.is_dir()]
    declared = sum(m.file_size for m in members)
    if declared > room:
        raise _no_room(archive, declared, room)
    for m in members:
        if m.flag_bits & 0x1:
            raise InputError(archive, 0, f"member {m.filename!r} is encrypted: unpack it with its password first")
        is_link = stat.S_ISLNK(m.external_attr >> 16)
        yield m.filename, None if is_link else (lambda m=m: zf.open(m))


def _tar_members(tar: tarfile.TarFile) -> Iterator[Member]:
    # Read as a stream ("r|*"): one pass over a compressed tar, each member's bytes taken
    # before the next header is read.
    for m in tar:
        if not m.isdir():
            yield m.name, (lambda m=m: tar.extractfile(m)) if m.isfile() else None


def _no_room(archive: Path, size: int, room: int) -> InputError:
    return InputError(
        archive,
        0,
        f"its members unpack to more than {size / 1e9:.1f} GB, more than the {room / 1e9:.1f} GB free where it is "
        "unpacked: unpack it yourself where there is room and give that folder",
    )


def _unpack(archive: Path, folder: Path, digest: str) -> None:
    kind = _kind(archive)
    folder.parent.mkdir(parents=True, exist_ok=True)
    room = shutil.disk_usage(folder.parent).free
    outside: list[str] = []
    links: list[str] = []
    written = 0
    try:
        with (
            zipfile.ZipFile(archive) if kind == "zip" else tarfile.open(archive, mode="r|*") as book,
            atomic_dir(folder) as tmp,
        ):
            members = _zip_members(archive, book, room) if kind == "zip" else _tar_members(book)
            for raw, opener in members:
                name = _safe_name(raw)
                if name is None:
                    outside.append(raw)
                    continue
                if _skipped(name):
                    continue
                if opener is None:
                    links.append(raw)
                    continue
                target = tmp.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with opener() as src, open(target, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        written += len(chunk)
                        if written > room:
                            raise _no_room(archive, written, room)
                        dst.write(chunk)
            stamp = {"archive": str(archive), "links": links, "outside": outside, "sha256": digest}
            (tmp / STAMP).write_text(json.dumps(stamp, sort_keys=True) + "\n", encoding="utf-8")
    except READ_ERRORS as exc:
        raise InputError(archive, 0, f"not a readable {kind} archive ({exc}): it may be damaged or cut short") from None


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
    """`paths` with each zip or tar archive replaced by the folder it is unpacked to, under `into`
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
        digest = sha256_file(path)
        stamp = _stamp(folder)
        if stamp.get("sha256") != digest:
            _unpack(path, folder, digest)
            stamp = _stamp(folder)
        notes.append(Note(where=str(path), kind="note", message=f"{_kind(path)} archive unpacked to {folder}"))
        # Said on every run, not only the one that unpacked the archive.
        for key, what in (("outside", "whose names point outside the archive"), ("links", "that are links")):
            if left := stamp.get(key):
                shown = ", ".join(repr(name) for name in left[:3]) + (" ..." if len(left) > 3 else "")
                notes.append(
                    Note(where=str(path), kind="removed", message=f"{len(left)} member(s) {what} left out: {shown}")
                )
        out.append(folder)
    return out
