"""The latent-terms signal: the question's words' latent terms (looked up in the index's word table,
no model pass) against the passages', each word's weighted by its idf (qa/latent.py)."""

from __future__ import annotations

import numpy as np

from ..latent import scores, term_columns
from ..settings import POOL
from . import best


class LatentSignal:
    """Latent-term scores over one index; nothing for an index without them (another model's)."""

    def __init__(self, index) -> None:
        self.index = index
        self._columns = None  # the passages' latent terms by feature, made on first use

    def scores(self, words: list[str], rows: list[int] | None) -> dict[int, float]:
        if self.index.latent is None:
            return {}
        query = self.index.latent_words.query(words, self.index.keyword.idf)
        if self._columns is None:
            self._columns = term_columns(*self.index.latent, len(query))
        some = None if rows is None else np.asarray(rows)
        return best(scores(self._columns, query, some), POOL, some)
