"""Component: per-language hubness of every passage (qa/hubness.py), one .npy array.

FORMAT names the rule too: bump it when qa/hubness.py computes it differently.
(The reference questions it uses are package data, covered by the manifest.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FORMAT = "hubness-npy/1+csls-k10"
FILES = ("hubness.npy",)


def save(hubness: np.ndarray, folder: Path) -> None:
    np.save(folder / "hubness.npy", hubness, allow_pickle=False)


def load(folder: Path) -> np.ndarray:
    return np.load(folder / "hubness.npy", allow_pickle=False)
