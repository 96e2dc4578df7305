"""Names for people: confidence words from one set of bounds, sources grouped by slide, one spelling of 'slide'."""

from __future__ import annotations

from qa.render import CONFIDENCE_BOUNDS, citation, confidence, confidence_word, short_title, slide_name, sources
from qa.search import Hit


def hit(rank: int, slide: int, relevance: float, doc: str = "d") -> Hit:
    return Hit(rank, 0.0, doc, slide, f"title {slide}", f"text {rank}", "", rank, relevance=relevance)


def test_confidence_words_follow_the_bounds():
    high, medium = (bound for _, bound in CONFIDENCE_BOUNDS)
    assert confidence(high) == "high" and confidence(high - 0.001) == "medium"
    assert confidence(medium) == "medium" and confidence(medium - 0.001) == "low" and confidence(0.0) == "low"
    assert confidence_word("high", "ja") == "高" and confidence_word("low", "en") == "Low"


def test_sources_group_hits_by_slide_in_rank_order():
    grouped = sources([hit(1, 5, 0.9), hit(2, 8, 0.5), hit(3, 5, 0.95), hit(4, 5, 0.2, doc="other")])
    assert [(s.number, s.doc, s.slide) for s in grouped] == [(1, "d", 5), (2, "d", 8), (3, "other", 5)]
    assert [h.rank for h in grouped[0].hits] == [1, 3] and grouped[0].relevance == 0.95


def test_one_spelling_of_slide_and_titles_on_one_line():
    assert slide_name(5, "ja") == "スライド5" and slide_name(5, "en") == "Slide 5"
    assert citation({"citation": "X (2023)"}, 5, "en") == "X (2023) Slide 5"
    assert short_title("a\nb") == "a b"
    long = short_title("あ" * 100)
    assert len(long) == 48 and long.endswith("…")
