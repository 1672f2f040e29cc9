"""Input files as researchers keep them: compressed (`posts.jsonl.gz`, `comments.csv.xz`, a
Disqus export's `.xml.gz`, a Reddit dump's `.zst`), read through as a stream, never
unpacked to disk or memory first. A file is told by the suffix under its compression
(`posts.jsonl.gz` is JSON lines); `gzip`, `bz2` and `lzma` are the standard library's,
Zstandard is the `zstandard` package's (already needed for Reddit's dumps).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pipeline.core.errors import InputError

COMPRESSIONS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "Zstandard"}


def compression_of(path: Path) -> str | None:
    """The compression a file's name says ("gzip", ...), or None for a plain file."""
    return COMPRESSIONS.get(Path(path).suffix.lower())


def _uncompressed_name(path: Path) -> Path:
    """The name the file would have uncompressed (`posts.jsonl.gz` -> `posts.jsonl`)."""
    path = Path(path)
    return path.with_suffix("") if compression_of(path) else path


def inner_suffix(path: Path) -> str:
    """The suffix that says what the file holds: `.jsonl` for `posts.jsonl.gz` as for
    `posts.jsonl` (lower case; "" for a compressed file named without one, as Reddit's
    `RC_2023-01.zst`)."""
    return _uncompressed_name(path).suffix.lower()


def plain_stem(path: Path) -> str:
    """The file's name without its compression and format suffixes (`abc.json.gz` -> `abc`)."""
    return _uncompressed_name(path).stem


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed as they are read where its name says it is compressed."""
    kind = compression_of(path)
    if kind is None:
        return open(path, "rb")
    if kind == "gzip":
        return gzip.open(path, "rb")
    if kind == "bzip2":
        return bz2.open(path, "rb")
    if kind == "xz":
        return lzma.open(path, "rb")
    import zstandard

    # Reddit's dumps are compressed with a long window; the default limit refuses them.
    return zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(open(path, "rb"), closefd=True)


def read_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged or cut-short compressed file raises."""
    errors: tuple[type[BaseException], ...] = (OSError, EOFError, lzma.LZMAError)
    try:
        import zstandard

        errors += (zstandard.ZstdError,)
    except ImportError:  # pragma: no cover - a dependency
        pass
    return errors


@contextlib.contextmanager
def readable(path: Path) -> Iterator[None]:
    """Reading a compressed file that is damaged or cut short (an interrupted download)
    fails with an error naming the file and what to do; a plain file's errors pass."""
    try:
        yield
    except read_errors() as exc:
        if compression_of(path) is None:
            raise
        raise InputError(
            path,
            0,
            f"not a readable {compression_of(path)} file ({str(exc) or type(exc).__name__}): it may be damaged "
            "or cut short (an interrupted download); compress it again, or give it uncompressed",
        ) from None
