"""The relevance rule: which passages of an index answer a question.

A passage is relevant when it lies on a gold slide (if slides are given) and it
contains one of the answer strings (if answers are given) in what a hit shows: its
context line (the heading or parent bullet it sits under, printed above it by the
CLI and the UI) and its text; a question with a "doc" only counts slides of that
document. Answer strings and passage texts
are compared after NFKC, case folding and removing all whitespace, so a line
break or a full-width digit in the slide does not hide an answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..chunking import SEARCH_ONLY, Passage
from .formats import EvalQuestion

_WHITESPACE = re.compile(r"\s+")


def match_key(text: str) -> str:
    """The form answers and passage texts are compared in (backticks are Markdown's, not the slide's)."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text).casefold().replace("`", ""))


def shown_text(passage: Passage) -> str:
    """What a hit displays of a passage: its context line and its text (never the slide title)."""
    return f"{passage.context} | {passage.text}" if passage.context else passage.text  # "|" never joins an answer


def is_relevant(question: EvalQuestion, passage: Passage, text_key: str | None = None) -> bool:
    """The rule for one passage (text_key: its precomputed match_key, for speed)."""
    if passage.kind in SEARCH_ONLY or (question.doc is not None and passage.doc != question.doc):
        return False
    if question.slides and passage.slide not in question.slides:
        return False
    if question.answers:
        key = match_key(shown_text(passage)) if text_key is None else text_key
        return any(match_key(answer) in key for answer in question.answers if match_key(answer))
    return True


class RelevanceJudge:
    """Applies the rule to every passage of an index (corpora are small), keyed by passage row.

    Gold slides are (doc, slide) pairs: a question without a "doc" counts a gold slide
    number in every document (a single-deck question set), one with a "doc" only there.
    """

    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = passages
        self._keys = [match_key(shown_text(p)) for p in passages]
        self._by_slide: dict[tuple[str, int], list[int]] = {}
        self._docs: list[str] = []
        for row, p in enumerate(passages):
            if p.doc not in self._docs:
                self._docs.append(p.doc)
            self._by_slide.setdefault((p.doc, p.slide), []).append(row)

    def gold_slides(self, question: EvalQuestion) -> set[tuple[str, int]]:
        """The (doc, slide) pairs a question names."""
        docs = [question.doc] if question.doc is not None else self._docs
        return {(doc, slide) for doc in docs for slide in question.slides}

    def relevant(self, question: EvalQuestion) -> set[int]:
        """The rows of the passages relevant to a question."""
        if question.slides:
            rows = [row for key in sorted(self.gold_slides(question)) for row in self._by_slide.get(key, [])]
        else:
            rows = range(len(self.passages))
        return {row for row in rows if is_relevant(question, self.passages[row], self._keys[row])}
