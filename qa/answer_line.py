"""The answer line: the value a question asks for, shown above the sources only when it is likely right.

qa.answer_span proposes the value (an amount, a date, a count…) in the top hit's passages,
near the question's words and their translations; a logistic model over what is known of
that proposal gives the probability that it is right, and the line is shown when that
probability reaches SHOW_AT for the question's language. Both are fitted on the dev
questions of every deck by scripts/trust.py, which reports precision and coverage on
the test split (docs/answer_line.json). Every face (CLI, UI, JSON API, MCP) shows this one
line, from the library's Answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .answer_span import RELIABLE_KINDS, Span, candidates_of, find_span, nearness, unit_bounds
from .lang import Tokenizer
from .logistic import logistic

# The proposal's features, in order (the model's weights follow them, then the bias).
FEATURES = (
    "relevance",  # the top hit's calibrated relevance
    "relevance gap",  # minus the second hit's
    "words in its unit",  # the question's words (or translations) in the bullet or row that holds the value
    "words before it",  # … in the 30 characters before it
    "values in the passage",  # candidates of the asked kind in the whole passage
    "values in its unit",
    "English question",
    "further passage",  # 0 in the hit's own passage, n in its n-th further passage
)
# Fitted by scripts/trust.py on the dev questions (docs/answer_line.json); do not edit by hand.
WEIGHTS: tuple[float, ...] = (3.3980, -1.9791, 0.1694, 0.1053, 0.4255, -0.1166, -0.4686, -3.1288, -0.2157)
SHOW_AT: dict[str, float] = {"ja": 0.845087, "en": 1.01}


@dataclass(frozen=True)
class AnswerLine:
    """The value shown as the answer, where it is (hit rank, passage, its characters), and how sure."""

    text: str
    kind: str  # amount | percentage | count | duration | date
    hit: int
    passage_id: int  # the hit's passage or one of its further passages (Hit.more)
    start: int
    end: int
    probability: float

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "hit": self.hit,
            "passage": self.passage_id,
            "start": self.start,
            "end": self.end,
            "probability": round(self.probability, 3),
        }


@dataclass(frozen=True)
class Proposal:
    """A value the top passage offers for the question, with the features the model reads."""

    span: Span
    passage_id: int
    features: tuple[float, ...]


def propose(answer, tokenizer: Tokenizer) -> Proposal | None:
    """The value the question asks for (a number kind) in the top hit's passages, nearest the question's
    words or their translations, or None."""
    if answer.low_confidence or not answer.hits:
        return None
    top = answer.hits[0]
    words = sorted(answer.terms)
    found = []
    for place, passage in enumerate((top, *top.more)):
        span = find_span(answer.question, passage.text, tokenizer, extra_words=words)
        if span is not None and span.kind in RELIABLE_KINDS:
            found.append((_context(passage.text, span, words), place, span, passage))
    if not found:
        return None
    # nearest the question's words; among equals, the earliest passage
    (unit_words, window_words, in_unit), place, span, passage = max(found, key=lambda f: (f[0][:2], -f[1]))
    second = answer.hits[1].relevance if len(answer.hits) > 1 else 0.0
    features = (
        top.relevance,
        top.relevance - second,
        float(unit_words),
        float(window_words),
        float(len(candidates_of(passage.text, span.kind))),
        float(in_unit),
        1.0 if answer.lang == "en" else 0.0,
        float(place),
    )
    return Proposal(span, passage.passage_id, features)


def answer_line(answer, tokenizer: Tokenizer) -> AnswerLine | None:
    """The answer line of a search result, or None when no value is likely enough to be right."""
    proposal = propose(answer, tokenizer)
    if proposal is None:
        return None
    probability = logistic(WEIGHTS, proposal.features)
    if probability < SHOW_AT.get(answer.lang, 1.01):
        return None
    span = proposal.span
    return AnswerLine(span.text, span.kind, answer.hits[0].rank, proposal.passage_id, span.start, span.end, probability)


def _context(passage: str, span: Span, words: list[str]) -> tuple[int, int, int]:
    """(question words in the value's unit, in the 30 characters before it, values of its kind in the unit)."""
    in_unit, before = nearness(passage, (span.start, span.end), words)
    start, end = unit_bounds(passage, (span.start, span.end))
    values = sum(1 for s, e in candidates_of(passage, span.kind) if start <= s and e <= end)
    return in_unit, before, values
