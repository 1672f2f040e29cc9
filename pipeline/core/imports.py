"""Importing libraries that would import torch without needing it.

spaCy's thinc imports torch to offer it as a backend, and skops' list of trusted types
walks every scikit-learn package, including the array-API shim that imports torch. Neither
uses torch for what the pipeline asks of it, and torch costs about 3 s and 400 MB at
start-up, so the scikit-learn path hides it while they load: their own guards then treat
torch as absent. When something in the process has already imported torch (the encoder
backend), nothing is hidden.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


class _NoTorch:
    """A meta-path finder under which `import torch` fails as if torch were not installed
    (sys.modules is left alone: code that looks torch up there finds it absent)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@contextlib.contextmanager
def torch_hidden() -> Iterator[None]:
    if "torch" in sys.modules:
        yield
        return
    finder = _NoTorch()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
