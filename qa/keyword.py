"""The keyword side: BM25 (bm25s) over SudachiPy tokens, saved as readable files."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .lang import Tokenizer


class KeywordIndex:
    """BM25 scores of every passage for a question's tokens."""

    def __init__(self, retriever, tokenizer: Tokenizer, translations: dict | None = None) -> None:
        self._bm25 = retriever
        self.tokenizer = tokenizer
        self.vocab: dict[str, int] = {t: i for t, i in retriever.vocab_dict.items() if t}
        # English word -> Japanese vocabulary tokens (qa/translate.py); empty without the dictionary.
        self.translations: dict[str, list[str]] = (translations or {}).get("map", {})
        # Japanese headword -> English vocabulary words, for Japanese questions over English decks.
        self.reverse_translations: dict[str, list[str]] = (translations or {}).get("reverse", {})

    @classmethod
    def build(cls, texts: Sequence[str], tokenizer: Tokenizer) -> KeywordIndex:
        import bm25s

        from . import translate

        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus_tokens = [tokenizer.tokens(t) for t in texts]
        retriever.index(corpus_tokens, show_progress=False)
        translations = None
        dictionary = translate.dictionary_path()
        if dictionary is not None:
            vocabulary = [t for t in retriever.vocab_dict if t]
            translations = {
                "map": translate.build_map(vocabulary, dictionary),
                "reverse": translate.build_reverse_map(vocabulary, dictionary),
            }
        return cls(retriever, tokenizer, translations)

    def save(self, folder: Path) -> None:
        # bm25s writes params/vocab as JSON and the matrix as .npy: no pickle.
        self._bm25.save(str(folder), show_progress=False)
        if self.translations or self.reverse_translations:
            payload = {"map": self.translations, "reverse": self.reverse_translations}
            (Path(folder) / "translations.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, tokenizer: Tokenizer) -> KeywordIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        path = Path(folder) / "translations.json"
        translations = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
        return cls(retriever, tokenizer, translations)

    def translate(self, tokens: Sequence[str], *, every_word: bool = False) -> tuple[list[str], float]:
        """Japanese tokens for the question's English words (those the index does not know, unless
        every_word), and the share translated."""
        from .translate import translate

        return self._translated(tokens, self.translations, translate, every_word)

    def translate_to_english(self, tokens: Sequence[str], *, every_word: bool = False) -> tuple[list[str], float]:
        """English vocabulary words for the question's Japanese words (as translate), and the share."""
        from .translate import translate_to_english

        return self._translated(tokens, self.reverse_translations, translate_to_english, every_word)

    def _translated(self, tokens: Sequence[str], table: dict, lookup, every_word: bool) -> tuple[list[str], float]:
        # In a corpus of several decks a word may be known from one deck and still need translating
        # for a deck in the other language: every_word translates them all.
        unknown = list(tokens) if every_word else [t for t in tokens if not self.knows(t)]
        if not table or not unknown:
            return [], 0.0
        translated, found = lookup(unknown, table)
        return translated, found / len(tokens)

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of a token; an English word the index lacks takes the
        rarest of the vocabulary words the JMdict bridge turns it into, and a word neither knows
        counts as one no passage holds."""
        n = int(self._bm25.scores["num_docs"])
        indptr = self._bm25.scores["indptr"]  # the score matrix is CSC by token: a column's size is its df
        columns = [self.vocab[t] for t in ([token] if token in self.vocab else self.translations.get(token, ()))]
        df = min((int(indptr[c + 1] - indptr[c]) for c in columns), default=0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def held_by(self, tokens: Sequence[str], row: int) -> set[str]:
        """The tokens (of `tokens`) passage `row` holds: read from the score matrix, whose column of a
        token lists the passages holding it, instead of tokenising the passage again at query time."""
        indptr, indices = self._bm25.scores["indptr"], self._bm25.scores["indices"]
        held = set()
        for token in set(tokens):
            column = self.vocab.get(token)
            if column is not None and (indices[indptr[column] : indptr[column + 1]] == row).any():
                held.add(token)
        return held

    def knows(self, token: str) -> bool:
        """Whether this index can match the token."""
        return token in self.vocab

    def known(self, tokens: Sequence[str]) -> list[str]:
        """The tokens this index can match (the rest score nothing)."""
        return [t for t in tokens if self.knows(t)]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage; zeros when no token is in the vocabulary."""
        known = self.known(tokens)
        n = int(self._bm25.scores["num_docs"])
        if not known:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
