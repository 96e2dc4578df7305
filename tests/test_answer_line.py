"""The answer line: proposed from the top passage, shown only when the fitted model finds it likely right,
and the same line in every face (JSON, `qa ask`, `--full`, the MCP tool's text)."""

from __future__ import annotations

import pytest

from qa import answer_line
from qa.answer_line import AnswerLine, propose
from qa.chunking import MERGE_SEPARATOR
from qa.formatting import answer_line_text, format_answer, format_brief
from qa.search import Answer, Hit

PASSAGE = MERGE_SEPARATOR.join(["米国: CHIPS法に約2,500億ドル", "EU: ホライゾン・ヨーロッパに総額955億ユーロを投資"])


def answer(question: str, lang: str, terms: set[str], low: bool = False) -> Answer:
    hits = [
        Hit(1, 3.0, "deck", 5, "投資", PASSAGE, "", 1, "section", 0.8),
        Hit(2, 1.0, "deck", 6, "他", "関係のない文", "", 2, "paragraph", 0.3),
    ]
    return Answer(question, lang, "hybrid", hits, low, terms=frozenset(terms))


def test_the_value_proposed_is_the_one_near_the_question_s_words_or_their_translations():
    from qa.lang import default_tokenizer

    english = propose(answer("How much does Horizon Europe invest?", "en", {"ホライゾン", "投資"}), default_tokenizer())
    assert english.span.text == "総額955億ユーロ"
    assert english.features[6] == 1.0 and english.features[2] >= 1  # English; words found in its unit
    assert propose(answer("Why?", "en", set()), default_tokenizer()) is None  # asks for no value
    assert propose(answer("総額は？", "ja", {"総額"}, low=True), default_tokenizer()) is None  # no good match


def test_a_line_is_shown_only_at_or_above_its_language_s_threshold(monkeypatch):
    from qa.lang import default_tokenizer

    question = answer("ホライゾン・ヨーロッパの投資総額は？", "ja", {"ホライゾン", "投資"})
    monkeypatch.setattr(answer_line, "WEIGHTS", (0.0,) * (len(answer_line.FEATURES) + 1))  # probability 0.5
    monkeypatch.setattr(answer_line, "SHOW_AT", {"ja": 0.5, "en": 0.6})
    line = answer_line.answer_line(question, default_tokenizer())
    assert line == AnswerLine("総額955億ユーロ", "amount", 1, 1, line.start, line.end, 0.5)
    assert PASSAGE[line.start : line.end] == "総額955億ユーロ"
    monkeypatch.setattr(answer_line, "SHOW_AT", {"ja": 0.51, "en": 0.5})
    assert answer_line.answer_line(question, default_tokenizer()) is None


def test_every_face_shows_the_same_line():
    result = answer("ホライゾン・ヨーロッパの投資総額は？", "ja", {"ホライゾン"})
    result.line = AnswerLine("総額955億ユーロ", "amount", 1, 1, 0, 0, 0.99)
    words = answer_line_text(result)
    assert words == "答え: 総額955億ユーロ（[1] スライド5）"
    assert format_brief(result).splitlines()[0] == words
    assert format_answer(result, scores=False).splitlines()[0] == words  # `--full` and the MCP tool
    assert result.to_json()["answer"] == {
        "text": "総額955億ユーロ", "kind": "amount", "hit": 1, "passage": 1, "start": 0, "end": 0, "probability": 0.99
    }
    result.line = None
    assert result.to_json()["answer"] is None and not format_brief(result).startswith("答え")


@pytest.mark.parametrize(
    "question, value",
    [
        ("EUのホライゾン・ヨーロッパの投資総額は？", "955億ユーロ"),
        ("How much does Horizon Europe invest in total?", "955億ユーロ"),
    ],
)
def test_on_the_briefing_a_shown_line_is_the_right_value(searcher, question, value):
    """The real model: a line, when the fitted model shows one, holds the value the slide gives."""
    line = searcher.search(question).line
    assert line is None or value in line.text


def test_an_off_topic_question_gets_no_line(searcher):
    assert searcher.search("カルボナーラの作り方を教えてください").line is None


def test_the_value_may_be_in_a_further_passage_of_the_top_slide():
    from qa.lang import default_tokenizer
    from qa.search import More

    under = More(7, "EU: ホライゾン・ヨーロッパに総額955億ユーロを投資", "", "bullet", 1.0)
    top = Hit(1, 3.0, "deck", 5, "投資", "各国の研究開発投資の動向", "", 1, "section", 0.8, (under,))
    result = Answer("ホライゾン・ヨーロッパの総額は？", "ja", "hybrid", [top], False, terms=frozenset({"ホライゾン"}))
    proposal = propose(result, default_tokenizer())
    assert proposal.passage_id == 7 and proposal.span.text == "総額955億ユーロ" and proposal.features[-1] == 1.0
