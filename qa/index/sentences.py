"""Component: sentence vectors of multi-sentence passages (qa/sentences.py) and each one's passage row.

FORMAT names the splitting rule too: bump it when qa/sentences.py splits differently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import vectors

FORMAT = "sentences/1+split-v1"
FILES = ("sentences.faiss", "sentence_owner.npy")


def save(index, owner: np.ndarray, folder: Path) -> None:
    vectors.save(index, folder, "sentences.faiss")
    np.save(folder / "sentence_owner.npy", owner, allow_pickle=False)


def load(folder: Path):
    """(FAISS index, owner rows)."""
    return vectors.load(folder, "sentences.faiss"), np.load(folder / "sentence_owner.npy", allow_pickle=False)
