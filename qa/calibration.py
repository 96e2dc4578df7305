"""Calibration: a search's evidence, and the two fitted logistic models that read it.

The relevance of a hit (0-1, comparable across questions) and whether the question is
about the decks at all ("no good match") are logistic models over the same evidence;
their weights are fitted on the dev splits (scripts/trust.py) and live in qa/settings.py.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from .logistic import sigmoid


@dataclass(frozen=True)
class Evidence:
    """What calibration reads of one search, besides a hit's own score."""

    margin: float  # the best passage's cosine minus what generic questions reach there (hubness)
    overlap: float  # the share of the question's words in the top hit (a translation counts once)
    coverage: float  # the share of the question's words the index knows
    reach: float  # coverage plus the share of the other words the JMdict bridge turns into known ones
    english: float  # 1.0 for an English question, else 0.0
    corpus_size: float  # log10 of the passage count: a small corpus knows fewer words

    def values(self) -> tuple[float, ...]:
        return astuple(self)

    def features(self) -> dict[str, float]:
        """{field name: value}, in field order (the models' weights are named alike)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _weighted(model, features: dict[str, float]) -> float:
    z = sum(getattr(model, name) * value for name, value in features.items())
    return sigmoid(z + model.bias)


@dataclass(frozen=True)
class MatchModel:
    """P(the question is about the decks): a weight per Evidence field, and a bias."""

    margin: float
    overlap: float
    coverage: float
    reach: float
    english: float
    corpus_size: float
    bias: float

    def probability(self, evidence: Evidence) -> float:
        return _weighted(self, evidence.features())

    @classmethod
    def from_vector(cls, vector) -> MatchModel:
        """From a fitted weight vector in Evidence's field order, the bias last."""
        return cls(*map(float, vector))


@dataclass(frozen=True)
class RelevanceModel:
    """P(a hit answers): a weight for the hit's fused score and for each Evidence field, and a bias."""

    score: float
    margin: float
    overlap: float
    coverage: float
    reach: float
    english: float
    corpus_size: float
    bias: float

    def probability(self, score: float, evidence: Evidence) -> float:
        return _weighted(self, {"score": score, **evidence.features()})
