"""The answer span: question kinds, spans by pattern and by part of speech, translations as question words."""

from __future__ import annotations

import pytest

from qa.answer_span import find_span, is_right, question_kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("研究費の総額はいくら？", "amount"),
        ("How much does the programme cost?", "amount"),
        ("対GDP比の目標は？", "percentage"),
        ("参加する大学はいくつ？", "count"),
        ("How many countries signed?", "count"),
        ("会議はいつ開かれた？", "date"),
        ("When did it start?", "date"),
        ("How long can they stay?", "duration"),
        ("講演したのは誰？", "name"),
        ("Where is the office?", "place"),
        ("なぜ協力が必要なのか", None),
    ],
)
def test_question_kind_follows_the_wording(question, kind):
    assert question_kind(question) == kind


def test_amount_span_is_the_number_with_its_unit_next_to_the_question_words():
    passage = "日本は2022年に100億円を投じた。ドイツの研究予算は約3,000億ユーロに達する"
    span = find_span("ドイツの研究予算はいくら？", passage)
    assert span is not None and span.kind == "amount"
    assert span.text == "約3,000億ユーロ" and passage[span.start : span.end] == span.text


def test_date_span_prefers_the_full_date_and_english_numbers_work():
    assert find_span("いつ開催された？", "開催日 2023年8月25日 (金)").text == "2023年8月25日"
    assert find_span("How much is the fund?", "The fund holds $1.5 billion in total").text == "$1.5 billion"
    assert find_span("What share of GDP?", "R&D at 3.5% of GDP").text == "3.5%"


def test_no_span_when_the_kind_is_unknown_or_absent():
    assert find_span("なぜ協力が必要なのか", "100億円を投じた") is None
    assert find_span("総額はいくら？", "金額は書かれていない") is None


def test_names_come_from_proper_nouns():
    span = find_span("講演者の名前は？", "東京にて開催。講演者: 山田太郎")
    assert span is not None and span.kind == "name" and span.text == "山田太郎"


def test_is_right_needs_containment_after_normalisation():
    assert is_right("約2,500億ドル", ["約2,500億ドル"])
    assert is_right("2022.9", ["提言(2022.9)"])
    assert is_right("３．５％", ["GDP比3.5%"])
    assert not is_right("1,000億円", ["約500億円規模"])
    assert not is_right("", ["x"])


def test_translations_count_as_the_question_s_words():
    passage = "米国: 約2,500億ドル · EU: ホライゾン・ヨーロッパに総額955億ユーロ"
    assert find_span("How much does Horizon Europe invest?", passage).text == "約2,500億ドル"  # no word in common
    span = find_span("How much does Horizon Europe invest?", passage, extra_words=["ホライゾン", "ヨーロッパ"])
    assert span.text == "総額955億ユーロ"
