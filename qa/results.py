"""A search's result: the hits (one a slide, best first), the flags and the answer line.

Every face (CLI, UI, JSON API, MCP) renders an Answer as it is; none searches again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .answer_line import AnswerLine
from .calibration import Evidence
from .messages import Notice, notice


@dataclass(frozen=True)
class More:
    """A further passage of a hit's slide, listed under it."""

    passage_id: int
    text: str
    context: str
    kind: str
    score: float


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    doc: str
    slide: int
    title: str
    text: str
    context: str
    passage_id: int
    kind: str = "paragraph"  # the passage's kind; "note" = speaker notes
    relevance: float = 0.0  # calibrated 0-1: how likely this hit answers (comparable across questions)
    more: tuple[More, ...] = ()  # the slide's further passages, best first
    ocr: bool = False  # the slide's text was read from its picture by OCR: quote from the picture


@dataclass
class Answer:
    question: str
    lang: str
    mode: str
    hits: list[Hit]
    low_confidence: bool
    notes: list[Notice] = field(default_factory=list)  # codes; qa/messages.py words them
    evidence: Evidence | None = None  # what the calibration read (qa/calibration.py)
    terms: frozenset[str] = frozenset()  # the words to mark in a passage (qa/question.py)
    line: AnswerLine | None = None  # the value asked for, when likely right (qa/answer_line.py)

    @property
    def notices(self) -> list[str]:
        """The notes in words, in the question's language."""
        return [notice(n, self.lang) for n in self.notes]

    def to_json(self) -> dict:
        """The `qa ask --json` object."""
        return {
            "question": self.question,
            "lang": self.lang,
            "mode": self.mode,
            "low_confidence": self.low_confidence,
            "answer": self.line.to_json() if self.line else None,
            "notices": self.notices,
            "hits": [
                {
                    "rank": h.rank,
                    "score": round(h.score, 4),
                    "doc": h.doc,
                    "slide": h.slide,
                    "title": h.title,
                    "text": h.text,
                    "context": h.context,
                    "kind": h.kind,
                    "relevance": round(h.relevance, 3),
                    "ocr": h.ocr,
                    "more": [
                        {"text": m.text, "context": m.context, "kind": m.kind, "score": round(m.score, 4)}
                        for m in h.more
                    ],
                }
                for h in self.hits
            ],
        }
