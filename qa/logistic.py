"""A fitted logistic model: weights one per feature, then the bias (fitted by the scripts, on dev)."""

from __future__ import annotations

import math


def logistic(weights: tuple[float, ...], features: tuple[float, ...]) -> float:
    """The model's probability for these features."""
    if len(weights) != len(features) + 1:  # a feature added without refitting
        raise ValueError(f"{len(weights)} weights for {len(features)} features")
    return sigmoid(sum(w * f for w, f in zip(weights, features, strict=False)) + weights[-1])


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), with z clamped so that no input overflows."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
