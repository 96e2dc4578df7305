"""The keyword side: BM25 (bm25s) over SudachiPy tokens, saved as readable files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .lang import Tokenizer


class KeywordIndex:
    """BM25 scores of every passage for a question's tokens."""

    def __init__(self, retriever, tokenizer: Tokenizer) -> None:
        self._bm25 = retriever
        self.tokenizer = tokenizer
        self.vocab: dict[str, int] = {t: i for t, i in retriever.vocab_dict.items() if t}

    @classmethod
    def build(cls, texts: Sequence[str], tokenizer: Tokenizer) -> KeywordIndex:
        import bm25s

        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus_tokens = [tokenizer.tokens(t) for t in texts]
        retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever, tokenizer)

    def save(self, folder: Path) -> None:
        # bm25s writes params/vocab as JSON and the matrix as .npy: no pickle.
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, tokenizer: Tokenizer) -> KeywordIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        return cls(retriever, tokenizer)

    def known(self, tokens: Sequence[str]) -> list[str]:
        """The tokens this index can match (the rest score nothing)."""
        return [t for t in tokens if t in self.vocab]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage; zeros when no token is in the vocabulary."""
        known = self.known(tokens)
        n = int(self._bm25.scores["num_docs"])
        if not known:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
