"""The dense signal: the question's vector against the passages', less their hubness (CSLS), and for an
English question the same vector against the English glosses of Japanese passages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..settings import POOL, SearchSettings

if TYPE_CHECKING:
    from ..stores import GlossCosines, PassageStore


@dataclass(frozen=True)
class DenseScores:
    passages: dict[int, float]  # cosine minus the weighted hubness of the question's language
    glosses: dict[int, float]  # the cosine of each passage's English rendering (English questions, hybrid mode)
    margin: float  # the best cosine minus unweighted hubness: how far above generic questions the best passage is


class DenseSignal:
    """Dense scores read through a PassageStore (qa/stores): vectors, hubness and glosses alike."""

    def __init__(self, store: PassageStore) -> None:
        self.store = store

    def scores(
        self, vector: np.ndarray, lang: str, rows: list[int] | None, settings: SearchSettings, glosses: bool
    ) -> DenseScores:
        """Scores of the pool nearest passages (or of every passage of `rows`, the decks searched)."""
        question = vector[0]
        if rows is None:
            found = self.store.nearest_passages(question, POOL, lang)
        else:
            found = self.store.passages_at(question, rows, lang)
        ids, cosine, hub = found.rows.tolist(), found.cosines, found.hubness
        weight = settings.hubness_ja if lang == "ja" else settings.hubness_en
        margin = float((cosine - hub).max()) if len(ids) else -1.0
        passages = dict(zip(ids, (cosine - weight * hub).tolist(), strict=True))
        if not (lang == "en" and glosses):
            return DenseScores(passages, {}, margin)
        # a candidate without a gloss (an English passage) is its own English rendering
        unglossed = {
            row: sim for row, sim, has in zip(ids, cosine.tolist(), found.glossed.tolist(), strict=True) if not has
        }
        return DenseScores(passages, self._gloss_scores(vector, None if rows is None else set(rows), unglossed), margin)

    def _gloss_scores(self, vector: np.ndarray, allowed: set | None, own: dict[int, float]) -> dict[int, float]:
        """Per passage (of `allowed`), the cosine of its English rendering: its gloss for a Japanese
        passage, `own` (the cosines of the dense candidates without a gloss) for the others (left
        out, an English passage would take the signal's lowest score). Empty when no passage has a
        gloss (a corpus without Japanese)."""
        if not self.store.has_glosses:
            return {}
        # The pool nearest glosses over the whole index; searching some decks, every gloss of theirs,
        # exactly (a small deck's could all miss a global pool).
        if allowed is None:
            glosses = self.store.nearest_glosses(vector[0], POOL)
        else:
            glosses = self.store.gloss_cosines(vector[0], allowed)
        return {**own, **best_of_owner(glosses)}


def best_of_owner(glosses: GlossCosines) -> dict[int, float]:
    """{passage row: its best cosine} over the gloss vectors it owns."""
    best: dict[int, float] = {}
    for sim, row in zip(glosses.cosines.tolist(), glosses.owners.tolist(), strict=True):
        if sim > best.get(row, -2.0):
            best[row] = sim
    return best
