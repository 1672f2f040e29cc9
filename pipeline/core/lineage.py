"""Which inputs each stage output was made from, so stages of different runs never mix.

Every stage folder after ingest holds `manifest.json`: the stage that wrote it and the
sha256 of the inputs it read (the corpus's posts table, the segments' units, the
predictions' posts; `.jsonl` or `.parquet`, pipeline.core.tables). A later stage checks
that the folders it is given belong together before reading them: segments of one
corpus with predictions of another would otherwise give unlabelled graph nodes or a
KeyError four stages later.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.artifacts import read_json, sha256_file, write_json
from pipeline.core.errors import PipelineError
from pipeline.core.tables import stage_file

MANIFEST = "manifest.json"
# The file of each stage folder whose bytes identify that folder's content.
KEY_TABLE = {"corpus": "posts", "segments": "units", "predictions": "posts"}
MADE_BY = {"segments": "segment", "predictions": "classify"}


def fingerprint(kind: str, folder: Path) -> str:
    path = stage_file(folder, KEY_TABLE[kind])
    if not path.exists():
        raise PipelineError(
            f"{folder}: no {KEY_TABLE[kind]}.jsonl or .parquet; is this a {kind} folder? "
            f"Run `{MADE_BY.get(kind, 'ingest')}`"
        )
    return sha256_file(path)


def manifest(stage: str, **inputs: Path) -> dict:
    """What a stage writes into its output folder: its name and its inputs' fingerprints."""
    return {"stage": stage, "inputs": {kind: fingerprint(kind, folder) for kind, folder in sorted(inputs.items())}}


def write_manifest(out_dir: Path, content: dict | None) -> None:
    if content is not None:
        write_json(Path(out_dir) / MANIFEST, content)


def check(**folders: Path) -> None:
    """Refuse folders that do not belong together: each given folder's manifest must name
    the current fingerprint of every other given folder it was made from."""
    current = {kind: fingerprint(kind, folder) for kind, folder in folders.items()}
    for kind, folder in folders.items():
        if kind == "corpus":
            continue
        path = Path(folder) / MANIFEST
        if not path.exists():
            raise PipelineError(
                f"{folder}: no {MANIFEST}, so it cannot be checked against the other inputs; "
                f"rerun `{MADE_BY[kind]}` to rebuild it"
            )
        made_from = read_json(path).get("inputs", {})
        for other, digest in sorted(made_from.items()):
            if other in current and current[other] != digest:
                raise PipelineError(
                    f"{folder} was made from another {other} than {folders[other]} ({other} sha256 "
                    f"{digest[:12]}… there, {current[other][:12]}… now): the stages do not belong together. "
                    f"Rerun `{MADE_BY[kind]}` on {folders[other]} (make does this when you run the next target)"
                )
