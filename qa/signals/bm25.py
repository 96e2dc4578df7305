"""The keyword signals: BM25 over the question's words, and over their JMdict translations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..settings import POOL
from . import best

if TYPE_CHECKING:
    from ..stores import PassageStore


class KeywordSignal:
    """BM25 scores of the passages, through the PassageStore (qa/stores)."""

    def __init__(self, store: PassageStore) -> None:
        self.store = store

    def scores(self, tokens: list[str], rows: list[int] | None) -> dict[int, float]:
        """The pool best passages (of `rows`, the decks searched) holding any of the tokens."""
        if not tokens:
            return {}
        scores = self.store.keyword_scores(tokens)
        if rows is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[rows] = True
            scores = np.where(mask, scores, 0.0)
        return best(scores, POOL)
