"""The seed manifest (`seeds/manifest.toml`): which raw files exist and what they are."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import ValidationError, field_validator

from pipeline.core.errors import InputError, validation_message
from pipeline.core.paths import within
from pipeline.core.schema import Frozen, check_id
from pipeline.core.tomlfile import read_toml_text
from pipeline.ingest.dates import normalize_iso

# What a folder without a manifest reads as pages (saved as text, HTML or Markdown).
PAGE_SUFFIXES = (".txt", ".html", ".htm", ".mhtml", ".mht", ".md", ".markdown", ".pdf", ".docx")


class ManifestEntry(Frozen):
    file: str
    # "auto": a thread where the page has a comment list, else an article.
    kind: Literal["thread", "article", "auto"] = "auto"
    # ISO 639-1 as a person reads the page; "" to detect it from the page's text.
    lang: str = ""
    # The page's encoding where it is not UTF-8 ("cp1252", "iso-8859-1"); a page saved as
    # HTML that declares its charset needs none.
    encoding: str = ""
    site: str = ""
    title: str = ""
    # "" says the page prints no date (checked against the page); left out, nothing is said.
    date: str | None = None
    target: str = ""

    @field_validator("file")
    @classmethod
    def _storable_name(cls, name: str) -> str:
        # The name becomes the document's id; a NUL in it had stopped ingest with Python's
        # raw "embedded null byte".
        return check_id(name)


def _entry_line(text: str, index: int) -> int:
    """Line of the index-th `[[document]]` header, so errors point into the file."""
    seen = -1
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "[[document]]":
            seen += 1
            if seen == index:
                return lineno
    return 0


def manifest_file(path: Path) -> Path:
    """The manifest `path` names: the file itself, a folder of pages' manifest.toml, or a
    folder without one (whose pages `read_manifest` lists itself)."""
    path = Path(path)
    if path.is_dir() and (path / "manifest.toml").is_file():
        return path / "manifest.toml"
    return path


def folder_entries(folder: Path) -> list[ManifestEntry]:
    """Every page in a folder without a manifest (by name, hidden files left out), each to
    be read with its kind and language detected from the page itself."""
    names = sorted(
        f.name
        for f in Path(folder).iterdir()
        if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in PAGE_SUFFIXES
    )
    if not names:
        raise InputError(
            folder,
            0,
            f"no manifest.toml and no pages ({', '.join(PAGE_SUFFIXES)}) in this folder: save the pages there, "
            "or give the manifest file that lists them",
        )
    for name in names:
        # As in a manifest (`read_manifest`): no page read from outside the folder.
        if not within(Path(folder) / name, folder):
            raise InputError(
                Path(folder) / name, 0, "a link to a file outside the pages folder: copy the page into the folder"
            )
    return [ManifestEntry(file=name) for name in names]


def read_manifest(path: Path) -> list[ManifestEntry]:
    """Read and validate a manifest; every listed file must exist beside it. A folder
    without a manifest lists its pages (`folder_entries`)."""
    path = manifest_file(path)
    if path.is_dir():
        return folder_entries(path)
    text = read_toml_text(path, "manifest")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = (
            "; a manifest is a TOML file that lists the pages ([[document]] file = ..., kind, lang), and a page "
            "itself is named in it"
            if path.suffix.lower() != ".toml"
            else ""
        )
        raise InputError(path, getattr(exc, "lineno", 0) or 0, f"not valid TOML: {exc}{hint}") from None
    docs = raw.get("document")
    if not isinstance(docs, list) or not docs:
        raise InputError(path, 0, "no [[document]] entries")
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    for i, doc in enumerate(docs):
        line = _entry_line(text, i)
        try:
            entry = ManifestEntry.model_validate(doc)
        except ValidationError as exc:
            raise InputError(path, line, validation_message(exc)) from None
        if entry.file in seen:
            raise InputError(path, line, f"file {entry.file!r} is listed twice")
        if entry.date and normalize_iso(entry.date) is None:
            raise InputError(path, line, f"date {entry.date!r} is no ISO 8601 date (2024-03-14 or 2024-03-14T06:00)")
        seen.add(entry.file)
        listed = path.parent / entry.file
        # A pages folder may come from someone else (a shared dataset, an unpacked archive):
        # its manifest may name only what lies in it, so that ingest never reads a file from
        # elsewhere on the machine (`../../.ssh/id_rsa`, or a link that leads there) into a
        # corpus that is then shared.
        if not within(listed, path.parent):
            raise InputError(
                path,
                line,
                f"listed file {entry.file!r} is outside the manifest's folder {path.parent}"
                + (" (it is a link that leads there)" if listed.is_symlink() else "")
                + ": a manifest lists the pages beside it; copy the page into that folder",
            )
        if not listed.is_file():
            raise InputError(path, line, f"listed file {entry.file!r} does not exist")
        entries.append(entry)
    return sorted(entries, key=lambda e: e.file)
