"""Behaviours of retrieval quality that must not regress (real default model)."""

import pytest

from qa.translate import build_map, dictionary_path, translate

# (question, gold slide): paraphrased the way users ask, about ten per language.
JAPANESE = [
    ("EUの研究開発枠組みの7年間の予算総額は？", 5),
    ("フランスが技術の社会実装に投じる金額", 5),
    ("中国の双循環戦略とは", 6),
    ("日本が始めた経済安全保障の技術育成プログラムは？", 6),
    ("ドイツは中国をどう位置づけた？", 8),
    ("英国の国際科学パートナーシップ基金の規模", 8),
    ("G7広島サミットで研究セキュリティについて何が歓迎された？", 9),
    ("英国のグローバル・タレント・ビザはいつ導入された？", 10),
    ("日本で永住権が1年で得られる研究者の条件は？", 13),
    ("セミナーの開催日はいつ？", 1),
]
ENGLISH = [
    ("What is the total budget of Horizon Europe?", 5),
    ("How much does France 2030 invest?", 5),
    ("What is China's dual circulation strategy?", 6),
    ("How does Germany describe China in its new strategy?", 8),
    ("Which fund did the UK launch in December 2022?", 8),
    ("What did the G7 Hiroshima communique say about research security?", 9),
    ("When did the UK introduce the Global Talent visa?", 10),
    ("Which US university is Japan working with on the Global Startup Campus?", 13),
    ("How large is Japan's new fund for international joint research?", 13),
    ("What is the date of the seminar?", 1),
]


@pytest.mark.parametrize("question, slide", JAPANESE + ENGLISH, ids=[q for q, _ in JAPANESE + ENGLISH])
def test_gold_slide_stays_in_the_top_3(searcher, question, slide):
    answer = searcher.search(question, k=3)
    assert slide in [h.slide for h in answer.hits], [(h.slide, h.text[:40]) for h in answer.hits]


@pytest.mark.parametrize(
    "question",
    ["今日の天気は？", "best pizza in Rome", "カレーライスの作り方を教えて", "How do I reset my Wi-Fi router?"],
)
def test_off_topic_questions_are_flagged(searcher, question):
    answer = searcher.search(question, k=3)
    assert answer.low_confidence
    assert answer.to_json()["low_confidence"] is True


def test_on_topic_questions_are_rarely_flagged(searcher):
    # The retrieval issue's bar: at most 5 % of real questions flagged (here 1 of 20). The calibration
    # was fitted on the full corpus; this corpus is the briefing alone, where English words match less.
    flagged = [q for q, _ in JAPANESE + ENGLISH if searcher.search(q).low_confidence]
    assert len(flagged) <= 1, flagged


def test_english_words_reach_japanese_keywords(searcher):
    tokens, _ = searcher.tokenizer.terms("Horizon Europe research budget")
    japanese, share = searcher.index.keyword.translate(tokens)
    assert {"予算", "ヨーロッパ"} <= set(japanese) and 0 < share < 1  # "horizon" has no entry
    # every translation is a word the index knows
    assert all(t in searcher.index.keyword.vocab for t in japanese)


def test_translation_helps_an_english_keyword_question(searcher):
    answer = searcher.search("permanent residency for researchers", k=1, mode="keyword")
    assert answer.hits[0].slide == 13 and "永住権" in answer.hits[0].text


def test_dictionary_map_keeps_only_vocabulary_and_common_senses():
    db = dictionary_path()
    if db is None:
        pytest.skip("jamdict-data is not installed: English questions get no keyword translation")
    table = build_map(["予算", "投資", "キャンパス", "eu"], db)
    assert table["budget"] == ["予算"] and table["investment"] == ["投資"] and table["campus"] == ["キャンパス"]
    assert all(set(v) <= {"予算", "投資", "キャンパス"} for v in table.values())


def test_translate_uses_base_forms():
    table = {"investment": ["投資"], "country": ["国"], "fund": ["基金"]}
    assert translate(["investments", "countries", "funding", "pizza"], table) == (["投資", "国", "基金"], 3)


def test_hubness_correction_keeps_english_boilerplate_down(searcher):
    # Without the correction, English questions drift to the English copyright text of slide 15.
    answer = searcher.search("Which organisation put on this seminar?", k=3)
    assert answer.hits[0].slide != 15
