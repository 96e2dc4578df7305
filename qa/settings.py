"""The search's fitted constants: one record, each value with its meaning.

Every weight was chosen on the dev splits only (the research log, docs/research.md, keeps
what else was measured); the calibration models are refitted by `make trust`
(scripts/trust.py writes their values here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .calibration import MatchModel, RelevanceModel


@dataclass(frozen=True)
class SearchSettings:
    """How the signals of a search are weighed, and how its result is calibrated."""

    dense_weight: float = 2.0  # the question's vector against the passages' (CSLS: minus hubness)
    keyword_weight: float = 0.75  # BM25 over the question's words, times the share the index knows
    translation_weight: float = 1.0  # BM25 over the words' JMdict translations, times the share translated
    gloss_weight: float = 1.0  # an English question's vector against the English glosses of Japanese passages
    latent_weight: float = 0.75  # the question's latent terms (its words' rows of the word table) · the passages'
    hubness_en: float = 1.0  # CSLS: how much of a passage's similarity to generic English questions to subtract
    hubness_ja: float = 0.3  # the same for Japanese questions (English questions suffer most from hubs)
    slide_weight: float = 0.25  # a passage's slide's whole-slide score, z-scored, added to the passage's
    role_weight: float = 8.0  # a slide whose role (title, summary, agenda) meets the question's intent rises
    closing_weight: float = 8.0  # a closing slide (thanks, Q&A, contact) sinks unless the question asks for one
    relevance: RelevanceModel = field(
        default_factory=lambda: RelevanceModel(
            score=0.2864,
            margin=5.9749,
            overlap=-0.1211,
            coverage=-0.2972,
            reach=0.862,
            english=-0.6596,
            corpus_size=-1.6504,
            bias=-1.5369,
        )
    )
    # "No good match": a question whose probability of being about the decks at all is below min_match
    # (set to flag at most 3 % of the real dev questions).
    match: MatchModel = field(
        default_factory=lambda: MatchModel(
            margin=30.8017,
            overlap=1.8517,
            coverage=0.3134,
            reach=3.6791,
            english=0.8408,
            corpus_size=-0.2257,
            bias=-5.2167,
        )
    )
    min_match: float = 0.2381


POOL = 200  # candidates each signal hands to fusion
MORE_PER_SLIDE = 3  # further passages of a slide listed under its hit
