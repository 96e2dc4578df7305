"""Sentence-level vectors for passages that hold several sentences.

A question is usually written about one sentence; scoring a long passage by its
best sentence tells apart neighbouring paragraphs on the same topic (JSQuAD).
Passages of one sentence need no extra vectors: their passage vector is it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .chunking import Passage

_SENTENCE_END = re.compile(r"(?<=[。．！？!?])\s*|(?<=[.])\s+(?=[A-Z0-9「『(（])")
MIN_SENTENCE_CHARS = 8


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; fragments shorter than a few characters join their neighbour."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if out and len(piece) < MIN_SENTENCE_CHARS:
            out[-1] += piece
        else:
            out.append(piece)
    return out


def sentence_units(passages: Sequence[Passage]) -> tuple[list[str], np.ndarray]:
    """Texts to embed (title + sentence) and the passage row each belongs to."""
    texts, owners = [], []
    for row, passage in enumerate(passages):
        sentences = split_sentences(passage.text)
        if len(sentences) < 2:
            continue
        for sentence in sentences:
            texts.append("\n".join(part for part in (passage.title, passage.context, sentence) if part))
            owners.append(row)
    return texts, np.asarray(owners, dtype=np.int64)


def best_sentence_scores(sims: np.ndarray, ids: np.ndarray, owners: np.ndarray) -> dict[int, float]:
    """Per passage, the best of its sentences among the searched ones."""
    best: dict[int, float] = {}
    for sid, sim in zip(ids.tolist(), sims.tolist(), strict=True):
        if sid < 0:
            continue
        row = int(owners[sid])
        if sim > best.get(row, -2.0):
            best[row] = float(sim)
    return best
