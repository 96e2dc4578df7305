import pytest

from qa.errors import QAError

HORIZON = "955億ユーロ"


@pytest.mark.parametrize(
    "question, lang",
    [("EUのホライゾン・ヨーロッパの投資総額は？", "ja"), ("What is the total budget of Horizon Europe?", "en")],
)
def test_horizon_europe_budget_is_in_the_top_3(searcher, question, lang):
    answer = searcher.search(question, k=3)
    assert answer.lang == lang and not answer.low_confidence
    assert any(h.slide == 5 and HORIZON in h.text for h in answer.hits)


def test_hits_are_ranked_and_cited(searcher):
    answer = searcher.search("英国のグローバル・タレント・ビザ", k=5)
    assert [h.rank for h in answer.hits] == [1, 2, 3, 4, 5]
    top = answer.hits[0]
    assert top.slide == 10 and "グローバル・タレント・ビザ" in top.text
    assert top.title == searcher.slide(top.doc, top.slide).title


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_every_mode_finds_a_japanese_keyword_question(searcher, mode):
    answer = searcher.search("フランス2030の投資額", k=3, mode=mode)
    assert answer.mode == mode
    assert answer.hits[0].slide == 5 and "540億ユーロ" in answer.hits[0].text


def test_per_slide_grouping_keeps_other_slides_visible(searcher):
    answer = searcher.search("ホライゾン・ヨーロッパ", k=6)
    per_slide = {}
    for h in answer.hits:
        per_slide[h.slide] = per_slide.get(h.slide, 0) + 1
    assert max(per_slide.values()) <= searcher.settings.per_slide
    slides = [h.slide for h in answer.hits]
    # a slide's passages stay together, best slide first
    assert slides == sorted(slides, key=slides.index)


def test_document_filter_and_bad_mode(searcher):
    assert all(h.doc == "jst-crds-sti-2023" for h in searcher.search("G7", doc="jst-crds-sti-2023").hits)
    with pytest.raises(QAError):
        searcher.search("G7", doc="no-such-deck")
    with pytest.raises(QAError):
        searcher.search("G7", mode="magic")


def test_empty_question_gets_a_prompt_not_an_error(searcher):
    answer = searcher.search("   ")
    assert answer.hits == [] and answer.notices
