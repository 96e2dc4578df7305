"""The Markdown / Marp reader, checked against Marp's own PDF export of the same deck."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from qa.readers.markdown import markdown_deck

FIXTURES = Path(__file__).parent / "fixtures" / "marp"
MARKUP = re.compile(
    r"<\s*/?\s*(?:div|style|span|section|br|img|script)\b|<!--|-->|^\s*(?:marp|theme|paginate)\s*:", re.I | re.M
)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, as Marp exported it."""
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf))]
    finally:
        pdf.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


REAL = Path(__file__).parent / "decks" / "real"


def source_of(pdf: Path) -> Path:
    """The Markdown a fixture PDF was exported from: beside it, or the real deck of that name."""
    own = pdf.with_suffix(".md")
    return own if own.exists() else REAL / own.name


@pytest.mark.parametrize("pdf", sorted(FIXTURES.glob("*.pdf")), ids=lambda p: p.stem)
def test_slide_numbers_equal_the_pages_of_marps_pdf(pdf: Path):
    slides = markdown_deck(source_of(pdf).read_text(encoding="utf-8"), "d").slides
    pages = pdf_pages(pdf)
    assert [s.number for s in slides] == list(range(1, len(pages) + 1))
    for slide, page in zip(slides, pages):
        # each slide's title is printed on its own page (and an untitled slide's page shows no heading)
        if slide.title:
            assert squash(slide.title)[:12] in squash(page), (slide.number, slide.title, page)


def test_marp_edge_cases_are_cut_where_marp_cuts():
    deck = markdown_deck((FIXTURES / "edges.md").read_text(encoding="utf-8"), "edges")
    titles = {s.number: s.title for s in deck.slides}
    assert titles[1] == "境界のテスト Slide breaks"
    assert titles[3] == "Setext and rules"  # a divider heading after an HTML block starts a page
    assert titles[4] == "A paragraph"  # "A paragraph" over "---" is a setext heading, not a break
    assert titles[8] == "Divided one" and titles[9] == "Divided two"
    assert deck.slides[6].body == "" and deck.slides[9].body == ""  # empty pages are kept, numbered
    assert "marp --pdf deck.md" in deck.slides[4].body  # code stays as text of its slide


def test_front_matter_is_the_card_never_a_slide():
    deck = markdown_deck((FIXTURES / "edges.md").read_text(encoding="utf-8"), "edges")
    assert deck.card.title == "Edge cases of Marp slide breaks"
    assert deck.card.author == "QA fixtures" and deck.card.date == "2024-05-01"
    assert all("marp" not in s.title and "title:" not in s.body for s in deck.slides)


def test_no_markup_reaches_a_title_or_body():
    deck = markdown_deck((FIXTURES / "edges.md").read_text(encoding="utf-8"), "edges")
    for slide in deck.slides:
        assert not MARKUP.search(slide.title) and not MARKUP.search(slide.body), slide


def test_images_give_their_alt_text_without_marp_keywords():
    deck = markdown_deck((FIXTURES / "edges.md").read_text(encoding="utf-8"), "edges")
    body = deck.slides[3].body
    assert "diagram of the pipeline" in body and "bg" not in body and "30%" not in body


def test_lists_tables_and_nesting_become_light_markdown():
    text = "# T\n\n- one\n  - two\n    - three\n\n3. third\n4. fourth\n\n| k | v |\n|---|---|\n| a | 1 |\n"
    body = markdown_deck(text, "d").slides[0].body
    assert body == "- one\n  - two\n    - three\n\n3. third\n4. fourth\n\n| k | v |\n|---|---|\n| a | 1 |"


def test_html_blocks_are_reduced_to_their_text():
    text = (
        '# T\n\n<div class="box"><p>本文 <b>太字</b></p><img src="x.png" alt="図1"></div>\n\n'
        "<script>alert(1)</script>\n"
    )
    body = markdown_deck(text, "d").slides[0].body
    assert body == "本文 太字\n図1"


def test_an_unclosed_code_fence_keeps_the_rest_as_code_of_its_slide():
    deck = markdown_deck("# A\n\n```\ncode\n---\n# not a slide\n", "d")
    assert len(deck.slides) == 1 and "# not a slide" in deck.slides[0].body


def test_heading_divider_levels_from_front_matter():
    deck = markdown_deck("---\nheadingDivider: [1, 3]\n---\n# A\n## a2\n### B\n# C\n", "d")
    assert [s.title for s in deck.slides] == ["A", "B", "C"]


def test_marp_headers_title_slides_and_other_comments_are_the_speakers_notes():
    deck = markdown_deck(
        "---\nmarp: true\nheader: 研究室ゼミ\n---\n\n"
        "今日の内容\n\n<!-- 今日はMarpの使い方を紹介します。 -->\n\n---\n\n"
        "<!-- _header: 目次 -->\n\n- はじめに\n- 数式\n\n---\n\n"
        "<!-- header: 第2部 -->\n<!-- _class: lead -->\n\n本文\n\n---\n\nまとめ本文\n",
        "deck",
    )
    titles = [s.title for s in deck.slides]
    assert titles == ["研究室ゼミ", "目次", "第2部", "第2部"]  # front matter, spot, then carried on
    assert deck.slides[0].notes == "今日はMarpの使い方を紹介します。"
    assert all(not s.notes for s in deck.slides[1:])  # directives are not notes
    assert "今日はMarp" not in deck.slides[0].body


def test_a_footer_set_for_one_slide_is_its_text_and_the_decks_footer_is_not():
    # Marp prints a `_footer` on its slide alone (a workshop deck gives each slide's docs link
    # there); the deck's `footer` is on every page, furniture. Its Markdown and <br> are rendered.
    deck = markdown_deck(
        "---\nmarp: true\nfooter: SLSP Developer Forum 2025\n---\n\n"
        "# Events Service\n\n- onPageLoad() - Subscribe to page changes\n\n"
        "<!-- _footer: '📖 Events Service Docs: [developers.example.com/events](https://developers.example.com/events)"
        "<br>📖 Alma API: [developers.example.com/alma](https://developers.example.com/alma)' -->\n\n"
        "---\n\n# Settings Service\n\n- get() / set()\n",
        "deck",
    )
    first, second = deck.slides
    assert first.body == (
        "- onPageLoad() - Subscribe to page changes\n\n"
        "📖 Events Service Docs: developers.example.com/events\n📖 Alma API: developers.example.com/alma"
    )
    assert second.body == "- get() / set()" and "Forum" not in first.body + second.body


def test_a_header_set_for_one_slide_above_its_heading_is_its_text():
    """cangoNa/marp-theme-semi's demo (tests/fixtures/real/): slides 4 and 5 set a `_header`
    above an h1; Marp prints it at the top of the page (its own export shows it), so its words are
    the slide's, as a `_footer`'s are. The deck's `footer`, set on slide 2, stays furniture."""
    path = Path(__file__).parent / "fixtures" / "real" / "marp-semi-demo.md"
    slides = markdown_deck(path.read_text(encoding="utf-8"), "semi").slides
    assert len(slides) == 8  # marp-cli 4.5.1 exports 8 pages
    header = "見出しがながくなると折り返しはこんな感じになるので、背景画像は非推奨"
    assert slides[3].title == "ヘッダをタイトル扱いし、h1 の下線は無効化する"
    assert slides[3].body.split("\n\n")[0] == header
    assert slides[4].title.startswith("h1 なら見出しが")
    assert slides[4].body.startswith("ヘッダありでタイトルは h1\n\n- ")
    assert "○○研究室" in slides[0].body  # slide 1's own `_footer`
    assert all("○○研究室" not in s.body for s in slides[1:])
