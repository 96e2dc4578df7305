"""The dense signal: the question's vector against the passages', less their hubness (CSLS), and for an
English question the same vector against the English glosses of Japanese passages."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ..hubness import row_for
from ..settings import POOL, SearchSettings


@dataclass(frozen=True)
class DenseScores:
    passages: dict[int, float]  # cosine minus the weighted hubness of the question's language
    glosses: dict[int, float]  # the cosine of each passage's English rendering (English questions, hybrid mode)
    margin: float  # the best cosine minus unweighted hubness: how far above generic questions the best passage is


class DenseSignal:
    """Dense scores over one index, through its store (where the nearest passages are searched)."""

    def __init__(self, index, store, lock: threading.Lock) -> None:
        self.index, self.store, self._lock = index, store, lock
        self._glossed = set(index.gloss_owner.tolist())  # the passages with an English gloss (qa/gloss.py)

    def scores(
        self, vector: np.ndarray, lang: str, rows: list[int] | None, settings: SearchSettings, glosses: bool
    ) -> DenseScores:
        """Scores of the pool nearest passages (or of every passage of `rows`, the decks searched)."""
        allowed = None if rows is None else set(rows)
        if rows is None:
            with self._lock:
                _, ids = self.store.search(vector, min(len(self.index.passages), POOL))
            rows = [int(i) for i in ids[0] if i >= 0]
        stored = self.index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        cosine = stored @ vector[0]
        hub = self.index.hubness[row_for(lang)][rows]
        weight = settings.hubness_ja if lang == "ja" else settings.hubness_en
        margin = float((cosine - hub).max()) if len(rows) else -1.0
        passages = dict(zip(rows, (cosine - weight * hub).tolist(), strict=True))
        own = dict(zip(rows, cosine.tolist(), strict=True))
        glossed = self._gloss_scores(vector, allowed, own) if lang == "en" and glosses else {}
        return DenseScores(passages, glossed, margin)

    def _gloss_scores(self, vector: np.ndarray, allowed: set | None, own: dict[int, float]) -> dict[int, float]:
        """Per passage (of `allowed`), the cosine of its English rendering: its gloss for a Japanese
        passage, itself for a dense candidate without one (an English passage is its own English
        rendering; left out, it would take the signal's lowest score). Empty when no passage has a
        gloss (a corpus without Japanese)."""
        glosses, owner = self.index.glosses, self.index.gloss_owner
        if not glosses.ntotal:
            return {}
        found = {row: sim for row, sim in own.items() if row not in self._glossed}
        if allowed is None:
            # the pool nearest glosses over the whole index
            with self._lock:
                sims, ids = glosses.search(vector, min(glosses.ntotal, POOL))
            found.update(best_of_owner(sims[0], ids[0], owner))
            return found
        # searching some decks: every gloss of theirs, exactly (a small deck's could all miss a global pool)
        ids = np.flatnonzero(np.isin(owner, np.fromiter(allowed, dtype=np.int64)))
        if len(ids):
            found.update(best_of_owner(glosses.reconstruct_batch(ids) @ vector[0], ids, owner))
        return found


def best_of_owner(sims: np.ndarray, ids: np.ndarray, owners: np.ndarray) -> dict[int, float]:
    """{passage row: its best similarity} over the vectors it owns (ids -1 are FAISS padding)."""
    best: dict[int, float] = {}
    for sim, i in zip(sims.tolist(), ids.tolist(), strict=True):
        if i < 0:
            continue
        row = int(owners[i])
        if sim > best.get(row, -2.0):
            best[row] = sim
    return best
