"""Where the project keeps things: its root, data/, models/, and the shared data beside it.

No imports from the package: every module may use these paths (artifacts, config and the
stages) without an import cycle.
"""

from __future__ import annotations

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = PROJ_ROOT / "seeds"
DATA_DIR = PROJ_ROOT / "data"
INTERIM_DIR = DATA_DIR / "interim"
PROCESSED_DIR = DATA_DIR / "processed"
ANNOTATIONS_DIR = DATA_DIR / "annotations"
REPORTS_DIR = DATA_DIR / "reports"
MODELS_DIR = PROJ_ROOT / "models"
DAST_DEFAULT = PROJ_ROOT.parent / "shared" / "data" / "dast" / "dast_train.jsonl"
# Built by `make setup` (pipeline/models/e5.py); git-ignored like every models/local/ folder.
E5_DIR = MODELS_DIR / "local" / "multilingual-e5-small"


def within(path: Path, folder: Path) -> bool:
    """Whether `path`, links followed, lies inside `folder`: an input folder may come from
    someone else, and none of its entries may read a file from elsewhere on the machine."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())
