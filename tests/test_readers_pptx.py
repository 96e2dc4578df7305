"""The PowerPoint reader on a deck written by python-pptx (tests/fixtures/deck.pptx)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from qa.chunking import UNPACKED, chunk_slide
from qa.readers import Limits, ReaderError, read_deck

FIXTURES = Path(__file__).parent / "fixtures"
MARKUP = ("<div", "</div>", "<!--", "<style", "marp:")


@pytest.fixture(scope="module")
def deck():
    return read_deck(FIXTURES / "deck.pptx", "deck")


def test_slides_titles_and_numbers_with_the_hidden_one_skipped(deck):
    assert [(s.number, s.title) for s in deck.slides] == [
        (1, "量子技術の研究動向"),
        (2, "主要国の投資 / Public investment"),
        (3, "研究体制 / Research organisation"),
        (4, "予算比較 / Budget comparison"),
        (6, "まとめ / Summary"),
    ]
    assert deck.warnings == ("hidden slides skipped: 5",)
    assert all("Hidden draft" not in s.title + s.body for s in deck.slides)
    assert deck.slides[-1].body.endswith("\n\n重要課題")  # the narrow text box


def test_bullets_keep_their_levels(deck):
    assert deck.slides[1].body.split("\n") == [
        "- 米国: National Quantum Initiative",
        "  - 5年間で12億ドル / $1.2B over five years",
        "- 欧州: Quantum Flagship",
        "  - 10億ユーロ規模",
        "    - 2018年開始 / started 2018",
    ]
    bullets = [p for p in chunk_slide(deck.slides[1], UNPACKED) if p.kind == "bullet"]
    assert bullets[4].text == "2018年開始 / started 2018" and "10億ユーロ規模" in bullets[4].context


def test_grouped_shapes_are_read_left_to_right(deck):
    assert deck.slides[2].body == "大学 / Universities\n\n国立研究所 / National labs"
    left, right = deck.slides[2].regions[1:]
    assert left.text == "大学 / Universities" and right.text == "国立研究所 / National labs"
    assert left.x1 <= right.x0  # the group's offsets were applied to its children


def test_table_rows_with_header(deck):
    assert deck.slides[3].body.split("\n") == [
        "| 国 / Country | 予算 / Budget | 期間 / Period |",
        "| --- | --- | --- |",
        "| 日本 | 1,000億円 | 2020-2030 |",
        "| Germany | €2.0B | 2021-2025 |",
    ]
    rows = [p.text for p in chunk_slide(deck.slides[3], UNPACKED) if p.kind == "row"]
    assert rows[0] == "日本: 予算 / Budget: 1,000億円 / 期間 / Period: 2020-2030"


def test_speaker_notes(deck):
    assert deck.slides[0].notes == "最初に全体像を説明する。Introduce the overview first."
    assert deck.slides[1].notes == "Figures are public budget announcements."
    assert deck.slides[2].notes == ""
    assert any(p.kind == "note" for p in chunk_slide(deck.slides[0], UNPACKED))


def test_card_from_core_properties(deck):
    assert deck.card.title == "量子技術の研究動向 / Quantum Technology Trends"
    assert deck.card.author == "Fixture Author"
    assert deck.card.date == "2024-03-15"


def test_regions_inside_the_slide_and_no_markup(deck):
    for slide in deck.slides:
        assert slide.regions
        for r in slide.regions:
            assert 0 <= r.x0 < r.x1 <= 1 and 0 <= r.y0 < r.y1 <= 1
        assert not any(m in slide.title + slide.body for m in MARKUP)


def test_first_line_is_the_title_without_a_title_placeholder(tmp_path):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank layout
    box = slide.shapes.add_textbox(914400, 914400, 4 * 914400, 914400)
    box.text_frame.text = "一行目の見出し"
    box.text_frame.add_paragraph().text = "Second line"
    prs.save(tmp_path / "blank.pptx")
    (only,) = read_deck(tmp_path / "blank.pptx", "blank").slides
    assert (only.title, only.body) == ("一行目の見出し", "Second line")


def test_truncated_pptx_is_refused_with_one_line():
    with pytest.raises(ReaderError) as err:
        read_deck(FIXTURES / "bad" / "truncated.pptx", "bad")
    message = str(err.value)
    assert message.startswith("truncated.pptx: damaged or not a PowerPoint file") and "\n" not in message


def test_a_zip_that_is_not_a_presentation(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "archive.pptx", "w") as z:
        z.writestr("hello.txt", "not a presentation")
    with pytest.raises(ReaderError, match=r"^archive\.pptx: damaged or not a PowerPoint file"):
        read_deck(tmp_path / "archive.pptx", "a")


def test_slide_limit(tmp_path):
    with pytest.raises(ReaderError, match=r"deck\.pptx: 6 slides, over the limit of 3 slides"):
        read_deck(FIXTURES / "deck.pptx", "deck", Limits(max_pages=3))


def test_footer_and_slide_number_placeholders_are_not_content(tmp_path):
    import copy

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Title"
    slide.placeholders[1].text = "Body text"
    furniture = [p for p in prs.slide_layouts[1].placeholders if p.placeholder_format.idx in (10, 11, 12)]
    assert furniture
    for proto in furniture:  # the layout's date / footer / number, placed on the slide with text
        clone = copy.deepcopy(proto._element)
        slide.shapes._spTree.append(clone)
    for shape in slide.placeholders:
        if shape.placeholder_format.idx in (10, 11, 12):
            shape.text_frame.text = "12"
    prs.save(tmp_path / "footer.pptx")
    (only,) = read_deck(tmp_path / "footer.pptx", "f").slides
    assert len(list(slide.placeholders)) == 2 + len(furniture)
    assert only.body == "- Body text"


def test_bullets_follow_the_masters_body_style_and_default_properties_are_blank(tmp_path):
    from pptx.oxml.ns import qn

    prs = Presentation()  # python-pptx's template: core properties left at their defaults
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Plain body"
    slide.placeholders[1].text = "Not a bullet"
    master_style = prs.slide_master._element.xpath("./p:txStyles/p:bodyStyle/a:lvl1pPr")[0]
    for old in master_style.findall(qn("a:buChar")):
        master_style.remove(old)
    master_style.append(master_style.makeelement(qn("a:buNone"), {}))
    prs.core_properties.title = "PowerPoint Presentation"
    prs.core_properties.author = "python-pptx"
    prs.save(tmp_path / "plain.pptx")
    deck = read_deck(tmp_path / "plain.pptx", "plain")
    assert deck.slides[0].body == "Not a bullet"
    assert (deck.card.title, deck.card.author) == ("", "")


def test_section_header_is_a_divider_and_an_empty_slide_is_named(tmp_path):
    prs = Presentation()
    section = prs.slides.add_slide(prs.slide_layouts[2])  # "Section Header"
    section.shapes.title.text = "第2部 / Part 2"
    prs.slides.add_slide(prs.slide_layouts[6])  # blank: no text at all
    prs.save(tmp_path / "parts.pptx")
    deck = read_deck(tmp_path / "parts.pptx", "parts")
    assert [(s.number, s.kind, s.title) for s in deck.slides] == [(1, "divider", "第2部 / Part 2"), (2, "content", "")]
    assert deck.warnings == ("slide 2 has no text (pictures only?)",)


def test_text_boxes_holding_equations_are_read_with_their_equations():
    # A real deck (tests/fixtures/real/README.md): PowerPoint wraps a text box that holds an
    # equation in mc:AlternateContent, which python-pptx's shape tree does not list.
    slides = read_deck(FIXTURES / "real" / "lab-startup-ssh-excerpt.pptx", "ssh").slides
    assert [s.title for s in slides] == ["SSH公開鍵認証による接続", "鍵交換", "鍵交換"]
    assert "AliceとBobが鍵のペア(𝑎,𝐴)と(𝑏,𝐵)を生成" in slides[1].body
    assert "傍受者は通信傍受で得た𝐴,𝐵から秘密情報𝑠を再現できない" in slides[1].body
    assert "Alice: 秘密の整数𝑎に対して𝐴=𝑔𝑎 mod 𝑝を計算し、公開鍵とする" in slides[2].body


def _text_box(slide, top_inches: float, text: str, points: int | None = None):
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(1), Inches(top_inches), Inches(6), Inches(1))
    box.text_frame.text = text
    if points:
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(points)
    return box


def test_without_a_title_placeholder_the_largest_type_in_the_top_half_is_the_title(tmp_path):
    prs = Presentation()
    callout = prs.slides.add_slide(prs.slide_layouts[6])  # blank layout: no placeholders
    _text_box(callout, 0.5, "10分くらいの")  # a callout in the default size, above the title
    _text_box(callout, 1.5, "研究発表の仕方", points=40)
    _text_box(callout, 5.0, "2022/08/24", points=40)  # as large, but below
    caption = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(caption, 6.5, "Image source: https://example.com/figure.png", points=16)
    prs.save(tmp_path / "untitled.pptx")
    first, second = read_deck(tmp_path / "untitled.pptx", "untitled").slides
    assert first.title == "研究発表の仕方" and "10分くらいの" in first.body and "2022/08/24" in first.body
    assert second.title == "" and "Image source" in second.body  # a caption at the foot is not a title


def test_a_line_break_inside_japanese_adds_no_space(tmp_path):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    paragraph = _text_box(slide, 1.0, "見出し").text_frame.add_paragraph()
    paragraph.text = "新しいものを\v研究室に紹介する\vfor the lab"
    prs.save(tmp_path / "breaks.pptx")
    (only,) = read_deck(tmp_path / "breaks.pptx", "breaks").slides
    assert only.body == "新しいものを研究室に紹介する for the lab"


@pytest.mark.parametrize(
    ("property_title", "kept"),
    [
        ("Designing Monolith First for Microservice Architecture", False),  # left by the template's deck
        ("PowerPoint プレゼンテーション", False),  # PowerPoint's placeholder
        ("Dealing with Concurrency in .NET", True),
    ],
)
def test_a_title_in_the_files_properties_must_be_echoed_by_the_first_slide(tmp_path, property_title, kept):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[0])  # title slide
    slide.shapes.title.text = "Dealing with Concurrency"
    slide.placeholders[1].text = "Multi-Threading in .NET"
    prs.core_properties.title = property_title
    prs.core_properties.author = "Template Author"
    prs.save(tmp_path / "talk.pptx")
    card = read_deck(tmp_path / "talk.pptx", "talk").card
    assert card.title == (property_title if kept else "")
    # a title left by another deck takes its author along; PowerPoint's placeholder title does not
    assert card.author == ("" if property_title.startswith("Designing") else "Template Author")


def test_radical_characters_are_read_as_the_kanji_they_stand_for(tmp_path):
    # LibreOffice's and macOS's exports write some kanji as Kangxi radicals: 利⽤ (U+2F64) for 利用.
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "⽬次"
    slide.placeholders[1].text = "サーバの運⽤を⾒直す"
    prs.save(tmp_path / "radicals.pptx")
    (only,) = read_deck(tmp_path / "radicals.pptx", "radicals").slides
    assert (only.title, only.body) == ("目次", "- サーバの運用を見直す")


def test_a_shadow_copy_and_a_typed_page_number_are_not_content(tmp_path):
    # As a Marp deck exported to PowerPoint through LibreOffice writes them (real: Mutsumix/LT-slides).
    from pptx.util import Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(slide, 1.0, "より早い段階での案件獲得に向けて")
    shadow = _text_box(slide, 1.0, "より早い段階での案件獲得に向けて")
    shadow.left, shadow.top = shadow.left + Pt(2), shadow.top + Pt(2)
    _text_box(slide, 3.0, "営業で直接会った人に話す")
    _text_box(slide, 7.0, "6")  # bottom margin of a 7.5 inch slide
    prs.save(tmp_path / "shadow.pptx")
    (only,) = read_deck(tmp_path / "shadow.pptx", "shadow").slides
    assert (only.title, only.body) == ("より早い段階での案件獲得に向けて", "営業で直接会った人に話す")


def test_a_title_typed_into_a_text_box_keeps_the_size_of_its_list_style(tmp_path):
    # A title placeholder copied as a plain text box (prioritizr/workshop's day-2 deck, slide 27):
    # its 44 pt stay in the box's own list style, its runs set no size; a 24 pt quote below it
    # is not the title.
    from lxml import etree
    from pptx.oxml.ns import qn

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    title = _text_box(slide, 0.2, "Asset map or priority map?")
    style = title.text_frame._txBody.find(qn("a:lstStyle"))
    etree.SubElement(etree.SubElement(style, qn("a:lvl1pPr")), qn("a:defRPr"), sz="4400")
    _text_box(slide, 1.2, "“In their recent article, Jenkins et al. identify priorities…”", points=24)
    prs.save(tmp_path / "styled.pptx")
    (only,) = read_deck(tmp_path / "styled.pptx", "styled").slides
    assert only.title == "Asset map or priority map?" and only.body.startswith("“In their recent article")


def test_automatic_numbers_are_written_as_powerpoint_shows_them(tmp_path):
    # A knowledge check (microsoft/workshop-library's decks): the choices are numbered "A.", "B.",
    # "C." by PowerPoint itself (a:buAutoNum), which the text of the runs does not hold.
    from lxml import etree
    from pptx.oxml.ns import qn

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = _text_box(slide, 1.0, "Which of the following best defines serverless logic?")
    choices = ["Code that doesn't run on servers.", "Code that runs on servers you manage.", "Step one", "Step two"]
    schemes = [("alphaUcPeriod", 0), ("alphaUcPeriod", 0), ("arabicParenR", 1), ("arabicParenR", 1)]
    for text, (scheme, level) in zip(choices, schemes, strict=True):
        paragraph = box.text_frame.add_paragraph()
        paragraph.text, paragraph.level = text, level
        etree.SubElement(paragraph._p.get_or_add_pPr(), qn("a:buAutoNum"), type=scheme)
    prs.save(tmp_path / "quiz.pptx")
    (only,) = read_deck(tmp_path / "quiz.pptx", "quiz").slides
    assert only.title == "Which of the following best defines serverless logic?"
    assert only.body == (
        "- A. Code that doesn't run on servers.\n- B. Code that runs on servers you manage.\n"
        "  - 1) Step one\n  - 2) Step two"
    )


def test_a_date_inherited_from_a_template_is_not_the_decks(tmp_path):
    """A deck saved years after its file was made (kaityo256's 2025 deck on generative AI says
    "created 2019-01-02", as his 2026 one does) started as an older file: its card states no date
    rather than the template's. A file saved soon after it was made keeps its creation date."""
    import datetime as dt

    from pptx import Presentation

    from qa.readers import read_deck

    real = read_deck(FIXTURES / "unseen" / "kaityo256-generative-ai.pptx", "generative-ai")
    assert real.card.author == "watanabe" and real.card.date == ""
    for saved, date in ((dt.datetime(2025, 10, 3), ""), (dt.datetime(2019, 3, 1), "2019-01-02")):
        prs = Presentation(str(FIXTURES / "deck.pptx"))
        prs.core_properties.created = dt.datetime(2019, 1, 2, 5, 23)
        prs.core_properties.modified = saved
        path = tmp_path / f"{saved.year}.pptx"
        prs.save(str(path))
        assert read_deck(path, "deck").card.date == date
