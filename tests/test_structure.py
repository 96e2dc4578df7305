"""Slide roles and question intents (qa/structure.py)."""

from qa.documents import Slide
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
