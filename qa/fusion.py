"""Pure functions that combine the signals' scores and shape the result list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .signals import Signal


def zscores(scores: Mapping[int, float]) -> dict[int, float]:
    """Per-query standardisation, so BM25 and cosine scores can be added."""
    if not scores:
        return {}
    return dict(zip(scores, standardised(np.fromiter(scores.values(), dtype=np.float64)).tolist(), strict=True))


def standardised(values: np.ndarray) -> np.ndarray:
    """(values - mean) / std, or zeros when the values are all but equal."""
    std = values.std()
    return (values - values.mean()) / std if std >= 1e-9 else np.zeros(len(values))


def weighted_zscore_fusion(signals: Sequence[Signal]) -> dict[int, float]:
    """Weighted sum of z-scores over the union of all candidates.

    A candidate a signal did not score gets the signal's `fill` (0.0 for BM25, where absence
    means no matching word) or, when fill is None, the signal's lowest score (a dense top-n list).
    """
    active = [signal for signal in signals if signal.weight > 0 and signal.scores]
    if not active:
        return {}
    keys = np.array(sorted(set().union(*(signal.scores for signal in active))), dtype=np.int64)
    fused = np.zeros(len(keys))
    # Arrays over the sorted keys, one signal at a time: the same sums as key by key, at a search's
    # pace (a few hundred candidates a signal, five signals).
    for signal in active:
        scores = signal.scores
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        column = np.full(len(keys), values.min() if signal.fill is None else signal.fill, dtype=np.float64)
        column[np.searchsorted(keys, np.fromiter(scores.keys(), dtype=np.int64, count=len(scores)))] = values
        fused += signal.weight * standardised(column)
    return dict(zip(keys.tolist(), fused.tolist(), strict=True))


def ranked(scores: Mapping[int, float]) -> list[tuple[int, float]]:
    """(key, score) pairs, best first; ties broken by key so results are stable."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def group_by_slide(
    ranking: Iterable[tuple[int, float]], slide_of: Sequence[tuple[str, int]], k: int, more: int
) -> list[tuple[tuple[int, float], list[tuple[int, float]]]]:
    """The k best slides, each as (its best passage, up to `more` further passages of it, best first).

    Slides are ordered by their best passage; no passage is dropped for being a
    slide's second or third: it is listed under the slide's hit.
    """
    groups: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for key, score in ranking:
        group = groups.get(slide_of[key])
        if group is None:
            if len(groups) == k:
                continue
            group = groups[slide_of[key]] = []
        if len(group) <= more:
            group.append((key, score))
    return [(group[0], group[1:]) for group in groups.values()]
