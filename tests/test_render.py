"""Names for people: confidence words from one set of bounds, one spelling of 'slide'."""

from __future__ import annotations

from qa.render import CONFIDENCE_BOUNDS, citation, confidence, confidence_word, short_title, slide_name


def test_confidence_words_follow_the_bounds():
    high, medium = (bound for _, bound in CONFIDENCE_BOUNDS)
    assert confidence(high) == "high" and confidence(high - 0.001) == "medium"
    assert confidence(medium) == "medium" and confidence(medium - 0.001) == "low" and confidence(0.0) == "low"
    assert confidence_word("high", "ja") == "高" and confidence_word("low", "en") == "Low"


def test_one_spelling_of_slide_and_titles_on_one_line():
    assert slide_name(5, "ja") == "スライド5" and slide_name(5, "en") == "Slide 5"
    assert citation({"citation": "X (2023)"}, 5, "en") == "X (2023) Slide 5"
    assert short_title("a\nb") == "a b"
    long = short_title("あ" * 100)
    assert len(long) == 48 and long.endswith("…")
