"""The real decks of tests/decks/real/ (written by other people): read exactly, and no markup anywhere."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from qa.chunking import PACKING, chunk_document
from qa.documents import load_corpus

from .conftest import CORPUS, DECKS

REAL = DECKS / "real"
MARKUP = re.compile(
    r"<\s*/?\s*(?:div|style|span|section|br|img|script|p|a)\b[^>]*>|<!--|-->|^\s*(?:marp|theme|paginate|headingDivider)\s*:",
    re.I | re.M,
)


@pytest.fixture(scope="module")
def decks():
    corpus = load_corpus(REAL)
    assert corpus.problems == []
    return {d.doc_id: d for d in corpus.documents}


def test_every_real_deck_is_read(decks):
    names = {p.stem for p in REAL.iterdir() if p.suffix in (".md", ".pdf", ".pptx")}
    assert set(decks) == names


def code_shown(path: Path) -> list[str]:
    """Text a Markdown deck shows as code (`<!-- … -->` in backticks is content, a command shown on a slide)."""
    if path.suffix != ".md":
        return []
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    inline = [c.content for t in tokens for c in (t.children or []) if c.type == "code_inline"]
    blocks = [line for t in tokens if t.type in ("fence", "code_block") for line in t.content.splitlines()]
    return sorted((c for c in inline + blocks if c.strip()), key=len, reverse=True)


def without(text: str, code: list[str]) -> str:
    for shown in code:
        text = text.replace(shown.strip(), "")
    return text


def test_no_markup_reaches_a_title_or_a_passage(decks):
    for doc in decks.values():
        code = code_shown(REAL / doc.path)
        for slide in doc.slides:
            assert not MARKUP.search(without(slide.title, code)), (doc.doc_id, slide.number, slide.title)
        for passage in chunk_document(doc):
            assert not MARKUP.search(without(passage.text, code)), (doc.doc_id, passage.slide, passage.text)
            assert not MARKUP.search(without(passage.context, code)), (doc.doc_id, passage.slide, passage.context)


def test_code_shown_on_a_slide_keeps_what_looks_like_markup(decks):
    """marp-example's slide 12 shows the Markdown for a background image in a code block: the
    passage must quote it as the slide shows it, not as the link syntax it resembles."""
    texts = " ".join(p.text for p in chunk_document(decks["marp-example"]) if p.slide == 12 and p.kind != "slide")
    assert "![bg](mybackground.png)" in texts and "![bg original](path)" in texts


def test_every_gold_slide_of_the_question_set_exists(decks):
    """The question set's (doc, slide) pairs name slides the readers produce, with the deck's own numbering."""
    path = CORPUS / "questions" / "decks.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        numbers = {s.number for s in decks[row["doc"].removeprefix("real/")].slides}
        assert set(row["slides"]) <= numbers, row["id"]


def source_numbers(path: Path) -> list[int] | None:
    """The slide numbers a PDF or PPTX file has by its own count (pages; slides not hidden), else None."""
    import pypdfium2 as pdfium
    from pptx import Presentation

    if path.suffix == ".pdf":
        pdf = pdfium.PdfDocument(path)
        try:
            return list(range(1, len(pdf) + 1))
        finally:
            pdf.close()
    if path.suffix == ".pptx":
        return [i for i, s in enumerate(Presentation(str(path)).slides, 1) if s._element.get("show") != "0"]
    return None


def test_page_and_slide_counts_are_the_sources_own(decks):
    for path in sorted(REAL.iterdir()):
        if (expected := source_numbers(path)) is not None:
            assert [s.number for s in decks[path.stem].slides] == expected, path.name


def test_the_card_takes_in_what_a_short_title_slide_says(decks):
    """iij-webserver-overview's PDF properties name no author; its title slide names the speaker.
    The card (the passage who / when questions go to) holds it; speaker notes and long first slides stay out,
    and what the slide says comes before the file's properties."""

    def card(name, packing=PACKING):
        return next(p for p in chunk_document(decks[name], packing) if p.kind == "card")

    overview = card("iij-webserver-overview")
    assert not decks["iij-webserver-overview"].card.author
    assert "ももいやすなり" in overview.text and overview.slide == 1
    assert "ももいやすなり" not in card("iij-webserver-overview", replace(PACKING, card_chars=0)).text
    # The slide's date before the PDF's creation date (months after the talk).
    mongodb = card("iij-mongodb").text
    assert mongodb.index("2019.04.17") < mongodb.index("2019-07-03")
    git = card("ms-intro-git")  # slide 1 has speaker notes ("Good morning …"): not the slide's own text
    assert "Git & GitHub & Version Control" in git.text and "Good morning" not in git.text
    # A title slide longer than card_chars is a slide of content: its text stays out of the card.
    passages = chunk_document(decks["iij-webserver-overview"])
    slide_text = " · ".join(p.text for p in passages if p.slide == 1 and p.kind not in ("card", "slide"))
    for limit, kept in ((len(slide_text), True), (len(slide_text) - 1, False)):
        assert ("ももいやすなり" in card("iij-webserver-overview", replace(PACKING, card_chars=limit)).text) is kept


def test_a_page_whose_glyphs_are_drawn_one_by_one_keeps_its_word_spaces(decks):
    """yodoq-ai-dev-day2's page 37 is such a page (Chromium's text layer, tests/decks/README.md)."""
    slide = decks["yodoq-ai-dev-day2"].slides[36]
    assert slide.title == "実務で明日から実践できること（Top 5）"


def test_a_file_name_as_the_title_property_gives_way_to_the_first_slides_title(decks):
    """Keynote writes the file's name into a PDF's Title ("webserver-overview",
    "20190417_toretate_MongoDB"); the title slide says what the talk is called."""
    import pypdfium2 as pdfium

    for name, slug in (
        ("iij-webserver-overview", "webserver-overview"),
        ("iij-mongodb", "20190417_toretate_MongoDB"),
        ("iij-nginx", "20190514_toretate_NGINX"),
    ):
        pdf = pdfium.PdfDocument(REAL / f"{name}.pdf")
        assert pdf.get_metadata_dict()["Title"] == slug
        pdf.close()
        doc = decks[name]
        assert doc.title == doc.slides[0].title and doc.title != slug, name
    assert decks["iij-webserver-overview"].title.startswith("Web Server")
    assert "MongoDB" in decks["iij-mongodb"].title
    # A title with spaces is the author's, however it compares (Beamer's title and subtitle).
    assert decks["bsdcan-fighting-spam"].title.startswith("Fighting Spam at the Frontline - Using DNS")


def test_a_slug_titles_date_is_kept_when_the_file_gives_none(decks):
    """A card without a date takes the one the slug begins with; with one, it keeps its own."""
    import pypdfium2 as pdfium

    from qa.readers.base import slug_date, with_slide_title
    from qa.readers.pdf import _card

    pdf = pdfium.PdfDocument(REAL / "iij-mongodb.pdf")
    meta = pdf.get_metadata_dict()
    pdf.close()
    slides = decks["iij-mongodb"].slides
    undated = with_slide_title(_card({**meta, "CreationDate": ""}), slides)
    assert (undated.title, undated.date) == ("", "2019-04-17")
    assert with_slide_title(_card(meta), slides).date == "2019-07-03"
    assert [slug_date(t) for t in ("20191317_talk", "GPT-4", "2019 04 17 talk", "20190417")] == ["", "", "", ""]


def test_a_heading_box_of_lines_in_one_stated_size_is_one_title(decks):
    """ms-intro-git's slide 1 has no title placeholder: its title is a body placeholder of two
    paragraphs, both in the layout's 80 pt. A box whose sizes the file does not state keeps its
    first line as the title (sevendayshpc-day1's slide 3, a speech bubble of two lines)."""
    git = decks["ms-intro-git"]
    assert git.slides[0].title == "Introduction to Git & GitHub & Version Control"
    assert git.title == git.slides[0].title
    assert "Version Control" not in git.slides[0].body and "Presented by:" in git.slides[0].body
    bubble = decks["sevendayshpc-day1"].slides[2]
    assert bubble.title == "あそこで流れてるジョブ、" and bubble.body.startswith("俺のなんすよwww")


def test_a_deck_whose_first_slide_has_no_title_is_named_by_its_file():
    """ms-django's slide 1 has no shapes; yodoq-ai-dev-day1's is empty (front matter, then `---`).
    Their title is the file's name, not the id with its folder, nor slide 2's title."""
    from qa.documents import document_from
    from qa.readers import Limits

    for name in ("ms-django.pptx", "yodoq-ai-dev-day1.md"):
        doc = document_from(REAL / name, f"real/{name}", {}, Limits())
        assert doc.doc_id == f"real/{Path(name).stem}" and not doc.slides[0].title
        assert doc.title == Path(name).stem and doc.title != doc.slides[1].title
        assert doc.citation == f"「{Path(name).stem}」"
