"""Writes Outlook messages (.msg) for the tests: a compound file (MS-CFB, version 3) that
holds a message's properties as MS-OXMSG lays them out. No package writes .msg files
(olefile and the readers built on it only read), so the tests build their own from the two
specifications; tests/test_mail.py reads them back through olefile, as a saved message
from Outlook is read.

`write_msg(path, strings, times, ...)`: `strings` maps a property id ("0037", the subject)
to its text, stored as UTF-16 (`unicode=True`, type 001F) or in `codepage` (type 001E);
`binary` maps an id to bytes (type 0102); `times` maps an id ("0039", the time it was
sent) to a datetime, stored among the fixed-length properties as a FILETIME; `longs` maps
an id ("3FFD", the message's code page) to an integer."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

SECTOR, MINI, CUTOFF = 512, 64, 4096
END, FREE, FAT_SECTOR, NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file whose root storage holds `streams` (name -> bytes)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's order
    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        if not data:
            return END
        count = -(-len(data) // SECTOR)
        first = len(sectors)
        for i in range(count):
            sectors.append(data[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else END)
        return first

    # Streams under the cut-off live in the mini stream, in 64-byte mini sectors.
    mini, minifat, start = bytearray(), [], {}
    for name in names:
        data = streams[name]
        if len(data) >= CUTOFF:
            start[name] = allocate(data)
        elif not data:
            start[name] = END
        else:
            count = -(-len(data) // MINI)
            first = len(minifat)
            start[name] = first
            minifat += [first + i + 1 for i in range(count - 1)] + [END]
            mini += data.ljust(count * MINI, b"\0")
    mini_start = allocate(bytes(mini))
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes += struct.pack("<I", FREE) * ((-len(minifat)) % (SECTOR // 4))
    minifat_start = allocate(minifat_bytes) if minifat else END
    n_minifat = len(minifat_bytes) // SECTOR if minifat else 0

    def entry(name: str, kind: int, right: int, child: int, first: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, NONE, right, child)
            + b"\0" * 16  # class id
            + struct.pack("<I", 0)  # state bits
            + b"\0" * 16  # creation and modification times
            + struct.pack("<IQ", first, size)
        )

    # The root's children as a chain of right siblings: a valid (if unbalanced) tree.
    directory = entry("Root Entry", 5, NONE, 1 if names else NONE, mini_start, len(mini))
    for i, name in enumerate(names, start=1):
        directory += entry(name, 2, i + 1 if i < len(names) else NONE, NONE, start[name], len(streams[name]))
    while len(directory) % SECTOR:
        directory += entry("", 0, NONE, NONE, 0, 0)
    directory_start = allocate(directory)

    n_fat = 1
    while len(sectors) + n_fat > n_fat * (SECTOR // 4):
        n_fat += 1
    fat_start = len(sectors)
    fat += [FAT_SECTOR] * n_fat
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    table = struct.pack(f"<{len(fat)}I", *fat)
    sectors += [table[i * SECTOR : (i + 1) * SECTOR] for i in range(n_fat)]
    difat = [fat_start + i for i in range(n_fat)] + [FREE] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        MAGIC,
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        n_fat,
        directory_start,
        0,
        CUTOFF,
        minifat_start,
        n_minifat,
        END,
        0,
    ) + struct.pack("<109I", *difat)
    return header + b"".join(sectors)


def filetime(when: dt.datetime) -> int:
    return int((when - EPOCH).total_seconds() * 10_000_000)


def write_msg(
    path: Path,
    strings: dict[str, str],
    times: dict[str, dt.datetime] | None = None,
    binary: dict[str, bytes] | None = None,
    longs: dict[str, int] | None = None,
    unicode: bool = True,
    codepage: str = "cp1252",
) -> Path:
    streams: dict[str, bytes] = {}
    fixed = b""
    kind = "001F" if unicode else "001E"
    for pid, text in strings.items():
        data = text.encode("utf-16-le") + b"\0\0" if unicode else text.encode(codepage) + b"\0"
        streams[f"__substg1.0_{pid.upper()}{kind}"] = data
        fixed += struct.pack("<HHII", int(kind, 16), int(pid, 16), 6, len(data)) + b"\0" * 4
    for pid, data in (binary or {}).items():
        streams[f"__substg1.0_{pid.upper()}0102"] = data
        fixed += struct.pack("<HHII", 0x0102, int(pid, 16), 6, len(data)) + b"\0" * 4
    for pid, when in (times or {}).items():
        fixed += struct.pack("<HHIQ", 0x0040, int(pid, 16), 6, filetime(when))
    for pid, value in (longs or {}).items():
        fixed += struct.pack("<HHIiI", 0x0003, int(pid, 16), 6, value, 0)
    # The top-level message's header: reserved, next recipient and attachment ids, their
    # counts, reserved (MS-OXMSG 2.4.1.1).
    streams["__properties_version1.0"] = b"\0" * 32 + fixed
    path.write_bytes(compound_file(streams))
    return path
