"""The text of a TOML file a researcher writes (a config, a manifest), read with errors that
name the file and what it should have been."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.errors import InputError


def read_toml_text(path: Path, what: str) -> str:
    """`path`'s UTF-8 text; a missing file, a folder or a binary file is an `InputError`
    that says it is no `what` ("config file", "manifest")."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, 0, f"{what} not found") from None
    except IsADirectoryError:
        raise InputError(path, 0, f"a folder, not a {what}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            path, 0, f"not a text file in UTF-8 (byte 0x{exc.object[exc.start]:02x}): is it a {what}?"
        ) from None
