"""The store boundary's records and Protocol (qa/stores/__init__.py says what crosses it and what does not)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class PassageRows:
    """Passage rows with what the dense signal reads of each, in the store's order (nearest first)."""

    rows: np.ndarray  # int64 passage rows
    cosines: np.ndarray  # float32: each row's vector · the question's
    hubness: np.ndarray  # float32: each row's hubness in the question's language (qa/hubness.py)
    glossed: np.ndarray  # bool: whether the row owns an English gloss (qa/gloss.py)


@dataclass(frozen=True)
class GlossCosines:
    """Gloss vectors' cosines with the question, each with the passage row that owns it."""

    owners: np.ndarray  # int64 passage rows
    cosines: np.ndarray  # float32


class PassageStore(Protocol):
    """Where a search reads passages' vectors, glosses, hubness, BM25 and latent weights.

    The question's analysis (tokenizer, vocabulary, translations, idf, latent word table) and the
    passage records stay in the loaded index: see this module's docstring."""

    name: str
    size: int  # passage rows
    has_glosses: bool  # whether any passage owns an English gloss
    has_latent: bool  # whether the passages' latent terms are held (the default model's index)

    def nearest_passages(self, question: np.ndarray, k: int, lang: str) -> PassageRows:
        """The k nearest passages (all, when fewer) to a question vector (d,), nearest first."""
        ...

    def passages_at(self, question: np.ndarray, rows: Sequence[int], lang: str) -> PassageRows:
        """Those rows (a deck filter's), in their order, scored against a question vector."""
        ...

    def nearest_glosses(self, question: np.ndarray, k: int) -> GlossCosines:
        """The k nearest gloss vectors (all, when fewer), nearest first."""
        ...

    def gloss_cosines(self, question: np.ndarray, rows: Collection[int]) -> GlossCosines:
        """Every gloss vector owned by those passage rows."""
        ...

    def keyword_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage row for these tokens."""
        ...

    def latent_scores(self, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Dot products of the passages' latent terms (all rows, or `rows` in order) with a
        question's latent vector (qa/latent.py)."""
        ...

    def held_by(self, tokens: Sequence[str], row: int) -> set[str]:
        """The tokens (of `tokens`) passage `row` holds."""
        ...
