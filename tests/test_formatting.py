"""Names for people: confidence words from one set of bounds, one spelling of 'slide'."""

from __future__ import annotations

from qa.chunking import MERGE_SEPARATOR
from qa.formatting import (
    CONFIDENCE_BOUNDS,
    citation,
    confidence,
    confidence_word,
    format_answer,
    short_title,
    slide_name,
)
from qa.search import Answer, Hit, More


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


def test_plain_text_answers_put_a_packed_passages_units_on_lines_of_their_own():
    more = More(2, MERGE_SEPARATOR.join(["英国: 200億ポンド", "ドイツ: GDP比3.5%"]), "", "section", 1.0)
    packed = MERGE_SEPARATOR.join(["米国: 2,500億ドル", "EU: 955億ユーロ"])
    hit = Hit(1, 2.0, "deck", 5, "投資", packed, "", 1, "section", 0.8, (more,))
    text = format_answer(Answer("EUの投資は？", "ja", "hybrid", [hit], False), scores=False)
    assert text.splitlines()[1:] == [
        "      米国: 2,500億ドル",
        "      EU: 955億ユーロ",
        "      · 英国: 200億ポンド",
        "        ドイツ: GDP比3.5%",
    ]


def test_a_slide_that_repeats_an_earlier_hit_is_cited_not_printed_again():
    # A quiz slide and its answer reveal (real PowerPoint decks have them: ms-django slides 20 and 21).
    quiz = "What is the command-line utility automatically created in every Django project?"
    note = More(9, "Explanation: Correct!", "", "note", 0.5)
    hits = [
        Hit(1, 3.0, "deck", 20, "Question 1", quiz, "", 1, "section", 0.5, (note,)),
        Hit(2, 2.9, "deck", 21, "Question 1", quiz, "", 2, "section", 0.5, (note,)),
        Hit(3, 2.0, "other", 4, "Question 1", quiz, "", 3, "section", 0.4, (note,)),  # another deck's: shown
        Hit(4, 1.9, "deck", 22, "Question 1", quiz, "", 4, "section", 0.4),  # without the note: not the same
    ]
    for lang, words in (("en", "same text as [1]"), ("ja", "[1]と同じ内容")):
        lines = format_answer(Answer("Which utility?", lang, "hybrid", hits, False), scores=False).splitlines()
        at = {line.split()[0]: i for i, line in enumerate(lines) if line.startswith("[")}
        assert lines[at["[2]"] + 1 :][:1] == [f"      ({words})"] and at["[3]"] == at["[2]"] + 2
        assert lines.count(f"      {quiz}") == 3  # [1], [3] and [4] print it; [2] points at [1]


def test_the_brief_answer_gives_each_source_one_line_and_the_line_that_matches():
    from qa.formatting import format_brief
    from qa.highlight import question_terms

    packed = MERGE_SEPARATOR.join(["米国: 2,500億ドル", "EU: ホライゾン・ヨーロッパに955億ユーロ", "英国: 200億ポンド"])
    hits = [Hit(n, 2.0, "deck", n, "投資" if n != 2 else "", packed, "文脈", n, "section", 0.8) for n in range(1, 6)]
    question = "ホライゾン・ヨーロッパの投資は？"
    answer = Answer(question, "ja", "hybrid", hits, False, terms=frozenset(question_terms(question)))
    lines = format_brief(answer).splitlines()
    assert len(lines) == 10 <= 25
    assert lines[0] == "[1] deck · スライド1「投資」" and lines[2] == "[2] deck · スライド2"  # untitled: number only
    assert lines[1] == "    EU: ホライゾン・ヨーロッパに955億ユーロ" and "文脈" not in "\n".join(lines)
    assert format_brief(Answer("x", "en", "hybrid", hits[:1], True)).splitlines()[0].startswith("No good match")
