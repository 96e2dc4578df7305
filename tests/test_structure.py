"""Slide roles and question intents (qa/structure.py)."""

from qa.slides import Slide
from qa.structure import question_roles, slide_roles


def deck(*slides: tuple[str, str], doc: str = "d") -> list[Slide]:
    return [Slide(doc, number, title, body) for number, (title, body) in enumerate(slides, start=1)]


def test_the_first_slide_is_the_title_slide():
    roles = slide_roles(deck(("Fighting Spam", "Aaron"), ("Agenda", "- DNS\n- Logs"), ("Summary", "It works")))
    assert roles == {("d", 1): {"title"}, ("d", 2): {"agenda"}, ("d", 3): {"summary"}}


def test_after_a_cover_without_text_the_first_slide_with_text_is_a_title_slide_too():
    # A PowerPoint or Marp cover that is only a picture (then an empty one): the card stays on slide 1,
    # the talk's title is on the first slide with text.
    slides = deck(("", ""), ("", ""), ("Get started with Django", "Speaker"), ("What is Django?", "A framework"))
    roles = slide_roles(slides)
    assert roles == {("d", 1): {"title"}, ("d", 3): {"title"}}


def test_each_deck_has_its_own_title_slide():
    slides = deck(("", ""), ("Intro", "x"), doc="a") + deck(("Cover", "y"), ("Body", "z"), doc="b")
    assert {key for key, found in slide_roles(slides).items() if "title" in found} == {("a", 1), ("a", 2), ("b", 1)}


def test_question_intents():
    assert question_roles("この講演の発表者は誰？") == {"title"}
    assert question_roles("What is the conclusion of this talk?") == {"summary"}
    assert question_roles("What topics does the deck cover?") == {"agenda"}
    assert question_roles("How do I install MongoDB?") == set()


def test_closing_slides_are_recognised_in_both_languages():
    slides = deck(
        ("量子計画", "山田"), ("予算", "100億円"), ("ご清聴ありがとうございました", ""), ("作成担当", "山田 花子"),
        ("Thank you!", ""), ("Q&A", ""), ("Contact", "a@example.org"), ("Credits", "photos"), ("Questions?", ""),
    )
    closing = {number for (_, number), found in slide_roles(slides).items() if "closing" in found}
    assert closing == {3, 4, 5, 6, 7, 8, 9}


def test_only_a_question_about_what_closing_slides_hold_asks_for_them():
    for asking in ("この資料の作成担当者は？", "How can I contact the authors?", "連絡先のメールアドレスは？"):
        assert "closing" in question_roles(asking), asking
    for other in ("EUの研究予算はいくら？", "What did the G7 agree on research security?"):
        assert "closing" not in question_roles(other), other


def test_closing_slides_leave_the_sources_unless_asked_for(searcher):
    budget = searcher.search("EUのホライゾン・ヨーロッパの投資総額は？", k=5)
    assert {h.slide for h in budget.hits}.isdisjoint({14, 15})  # the thanks and credits slides
    assert searcher.search("この資料の作成担当者は？", k=3).hits[0].slide == 15
