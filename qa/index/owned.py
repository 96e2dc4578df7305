"""Components of vectors that each belong to a passage row: a FAISS index and its owner rows.

- GLOSSES: the English glosses of Japanese passages (qa/gloss.py).

FORMAT names the rule that makes the texts too: bump it when that module changes its output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import vectors


@dataclass(frozen=True)
class OwnedVectors:
    FORMAT: str
    FILES: tuple[str, str]  # (the FAISS index, the owner rows)

    def save(self, index, owner: np.ndarray, folder: Path) -> None:
        vectors.save(index, folder, self.FILES[0])
        np.save(folder / self.FILES[1], owner, allow_pickle=False)

    def load(self, folder: Path):
        """(FAISS index, owner rows)."""
        return vectors.load(folder, self.FILES[0]), np.load(folder / self.FILES[1], allow_pickle=False)


GLOSSES = OwnedVectors("glosses/1+jmdict-first-gloss-v1", ("glosses.faiss", "gloss_owner.npy"))
