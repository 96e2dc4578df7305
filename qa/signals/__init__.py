"""The search's signals: each scores candidate passages for an analysed question, by name.

`dense` (the question's vector; for English questions also against the passages' English
glosses), `bm25` (the question's words and their JMdict translations) and `sparse` (the
latent terms of the question's words). Fusion (qa/fusion.py) weighs them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Signal:
    """One signal's scores for a search, and how fusion treats it."""

    name: str
    scores: dict[int, float]  # {passage row: score}, best first
    weight: float
    fill: float | None  # the score of a candidate it did not score; None: its own lowest score


def best(scores: np.ndarray, pool: int, rows: np.ndarray | None = None) -> dict[int, float]:
    """{row: score} of the `pool` best positive scores, best first (ties in row order); `rows` names
    the rows the scores are of (all rows when None)."""
    top = np.argsort(-scores, kind="stable")[:pool]
    top = top[scores[top] > 0]
    return dict(zip((top if rows is None else rows[top]).tolist(), scores[top].tolist(), strict=True))
