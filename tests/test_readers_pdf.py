"""The PDF reader on decks made by real tools (tests/fixtures, see scripts/make_fixtures.sh)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from qa.chunking import UNPACKED, chunk_slide
from qa.documents import load_corpus
from qa.readers import Limits, ReaderError, ocr, read_deck
from qa.readers import pdf as pdf_reader
from qa.readers.layout import Block, Char, Line, block_markdown, chars_to_lines, lines_to_blocks, split_title
from qa.readers.pdf import pdf_date
from qa.readers.pictures import render

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
MARKUP = ("<div", "</div>", "<!--", "<style", "marp:", "_class")

# Written by hand from tests/fixtures/marp-deck.md: one entry per Marp slide (its "# " heading).
MARP_TITLES = [
    "研究開発の国際動向",
    "主要国の研究開発費",
    "Budget by country /国別予算",
    "Sample code /コード例",
    "研究費の推移/ Spending chart",
    "まとめ/ Summary",
]
# The python-pptx deck converted by LibreOffice with hidden slides exported: page n is slide n.
PPTX_PDF_TITLES = [
    "量子技術の研究動向",
    "主要国の投資 / Public investment",
    "研究体制 / Research organisation",
    "予算比較 / Budget comparison",
    "非公開メモ / Hidden draft",
    "まとめ / Summary",
]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def marp():
    return read_deck(FIXTURES / "marp-deck.pdf", "marp")


def test_marp_pdf_has_one_slide_per_marp_slide_with_its_title(marp):
    source = (FIXTURES / "marp-deck.md").read_text(encoding="utf-8")
    headings = re.findall(r"^# (.+)$", source, re.MULTILINE)
    assert [s.number for s in marp.slides] == list(range(1, len(headings) + 1))
    assert [s.title for s in marp.slides] == MARP_TITLES
    # the titles are the headings, whatever spaces the PDF's text layer kept
    assert [_norm(t) for t in MARP_TITLES] == [_norm(h) for h in headings]


def test_marp_pdf_text_in_reading_order_without_markup(marp):
    assert marp.slides[0].body == "Global R&D Trends 2024"
    # Chromium draws list markers as shapes, not text: they are found and become "- " items
    assert marp.slides[1].body.split("\n") == [
        "- 米国は約8,000億ドルを投資", "  - 政府負担は約2割", "- China invests about $450B", "- 日本: 約20兆円",
    ]
    # the table's cells are runs split by wide gaps, aligned in columns: rows again, header first
    assert marp.slides[2].body.split("\n") == [
        "| 国 | 予算 | 期間 |",
        "| --- | --- | --- |",
        "| 日本 | 10兆円 | 2021-2025 |",
        "| Germany | €18B | 2021-2024 |",
    ]
    rows = [p.text for p in chunk_slide(marp.slides[2], UNPACKED) if p.kind == "row"]
    assert rows == ["日本: 予算: 10兆円 / 期間: 2021-2025", "Germany: 予算: €18B / 期間: 2021-2024"]
    assert "Investment keeps growing everywhere." in marp.slides[5].body
    for slide in marp.slides:
        for text in (slide.title, slide.body):
            assert not any(mark in text for mark in MARKUP), (slide.number, text)


def test_marp_pdf_card_from_metadata(marp):
    assert marp.card.title == "研究開発の国際動向 / Global R&D Trends"
    assert marp.card.author == "Fixture Author"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", marp.card.date)


def test_regions_are_lines_inside_the_page(marp):
    for slide in marp.slides:
        assert slide.regions
        for r in slide.regions:
            assert 0 <= r.x0 < r.x1 <= 1 and 0 <= r.y0 < r.y1 <= 1, r
    first = marp.slides[1].regions
    assert first[0].text == "主要国の研究開発費"
    assert [r.text for r in first[1:3]] == ["米国は約8,000億ドルを投資", "政府負担は約2割"]
    assert first[1].y0 > first[0].y1 and first[2].x0 > first[1].x0  # below the title; nested item indented


def test_libreoffice_pdf_bullets_levels_and_ligatures():
    deck = read_deck(FIXTURES / "deck.pdf", "deck")
    assert [s.title for s in deck.slides] == PPTX_PDF_TITLES
    assert deck.slides[1].body.split("\n") == [
        "- 米国: National Quantum Initiative",
        "  - 5年間で12億ドル / $1.2B over five years",  # "fi" is one ligature glyph in the PDF
        "- 欧州: Quantum Flagship",
        "  - 10億ユーロ規模",
        "    - 2018年開始 / started 2018",
    ]
    # two grouped text boxes side by side stay two blocks, left first
    assert deck.slides[2].body == "大学 / Universities\n\n国立研究所 / National labs"


NO_OCR = Limits(ocr=False)
needs_ocr = pytest.mark.skipif(
    ocr.engine() is None, reason="Tesseract with jpn+eng data is not installed (scripts/test-deps.sh installs it)"
)


@pytest.mark.parametrize(
    ("version", "languages", "engine"),
    [
        ("tesseract 5.3.0\n leptonica\n", 'List of "/tessdata/" (3):\neng\njpn\nosd\n', "tesseract 5.3.0 jpn+eng"),
        ("tesseract 5.3.0\n", 'List of "/usr/share/tessdata/" (2):\neng\nosd\n', None),  # no Japanese data
        ("", "", None),  # not installed
        ("Usage: something else\n", "eng\njpn\n", None),  # another program of that name
    ],
)
def test_the_ocr_engine_is_named_only_when_both_languages_are_installed(monkeypatch, version, languages, engine):
    monkeypatch.setattr(ocr, "_tesseract", lambda option: version if option == "--version" else languages)
    ocr.engine.cache_clear()
    try:
        assert ocr.engine() == engine
    finally:
        ocr.engine.cache_clear()


def test_page_without_text_layer_is_kept_empty_and_named_when_ocr_is_off():
    deck = read_deck(FIXTURES / "mixed-scan.pdf", "mixed", NO_OCR)
    assert [s.number for s in deck.slides] == [1, 2, 3]
    assert (deck.slides[1].title, deck.slides[1].body) == ("", "")
    assert deck.slides[2].title == PPTX_PDF_TITLES[3]
    assert deck.warnings == ("page 2 has no text layer (OCR is off)",)


def test_without_tesseract_the_warning_says_what_to_install(monkeypatch):
    monkeypatch.setattr(ocr, "engine", lambda: None)
    deck = read_deck(FIXTURES / "mixed-scan.pdf", "mixed")
    assert (deck.slides[1].title, deck.slides[1].body) == ("", "")
    assert deck.warnings == (f"page 2 has no text layer ({ocr.MISSING})",)
    with pytest.raises(ReaderError, match="no page has a text layer .*install tesseract-ocr"):
        read_deck(BAD / "scanned.pdf", "scan")


@needs_ocr
def test_a_scanned_deck_is_read_by_ocr_like_its_text_layer(marp):
    """tests/fixtures/scanned-deck.pdf: pages 1-3 of marp-deck.pdf printed to pictures at 150 dpi
    (pdftoppm, img2pdf): no text layer at all, refused before OCR."""
    deck = read_deck(FIXTURES / "scanned-deck.pdf", "scan")
    assert deck.warnings == (f"pages 1, 2, 3: {pdf_reader.OCR_READ}",)
    assert [s.title for s in deck.slides] == MARP_TITLES[:3]
    assert "China invests about" in deck.slides[1].body and "Germany" in deck.slides[2].body
    assert all(s.ocr for s in deck.slides) and not any(s.ocr for s in marp.slides)  # marked for the answers
    for scanned, printed in zip(deck.slides, marp.slides):
        # each line's box lies where the text layer's does: the highlight on the picture is right
        title = scanned.regions[0]
        assert title.text == printed.title
        assert abs(title.y0 - printed.regions[0].y0) < 0.05 and abs(title.x0 - printed.regions[0].x0) < 0.05


@needs_ocr
def test_pictures_under_a_footer_text_box_are_read_by_ocr():
    """tests/fixtures/scanned-footer.pdf: LibreOffice's PDF of slides that are page pictures under a
    footer text box: each text layer holds the footer alone, the deck's furniture."""
    deck = read_deck(FIXTURES / "scanned-footer.pdf", "footer")
    assert deck.warnings == (f"pages 1, 2, 3, 4: {pdf_reader.OCR_READ}",)
    assert [s.title for s in deck.slides] == MARP_TITLES[:4]
    assert "def total(budgets):" in deck.slides[3].body
    off = read_deck(FIXTURES / "scanned-footer.pdf", "footer", NO_OCR)
    assert off.warnings == ("pages 1, 2, 3, 4 have no text layer (OCR is off)",)
    assert all(s.ocr for s in deck.slides) and not any(s.ocr for s in off.slides)


@needs_ocr
def test_an_answer_from_an_ocr_page_says_so(tmp_path, hash_model):
    """The mark travels from the reader through the index to `qa ask` (text and --json) and the UI
    (an index of the test encoder: the mark is plumbing, not ranking)."""
    from qa.formatting import format_answer
    from qa.index import build_index
    from qa.search import Searcher
    from ui.render import answer_html

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "scanned-deck.pdf", corpus)
    shutil.copy(FIXTURES / "marp-deck.md", corpus)
    build_index(corpus, tmp_path / "index")
    searcher = Searcher.open(corpus, tmp_path / "index")
    assert len(list((tmp_path / "index" / "ocr-cache").glob("*.json"))) == 3  # the build keeps its readings
    answer = searcher.search("How much does China invest?", k=10)
    by_doc = {hit.doc: hit for hit in reversed(answer.hits)}  # each deck's best hit
    assert by_doc["scanned-deck"].ocr and not by_doc["marp-deck"].ocr
    text = format_answer(answer)
    line = next(ln for ln in text.splitlines() if "scanned-deck ·" in ln)
    assert line.endswith("[read by OCR, may misread]")
    assert "OCR" not in next(ln for ln in text.splitlines() if "marp-deck ·" in ln)
    marks = {h["doc"]: h["ocr"] for h in reversed(answer.to_json()["hits"])}
    assert marks == {"scanned-deck": True, "marp-deck": False}
    assert answer_html(searcher, answer, "en").count('class="qa-ocr"') == sum(h.ocr for h in answer.hits) > 0


@needs_ocr
def test_a_page_read_once_is_not_read_again(tmp_path, monkeypatch):
    import pytesseract

    cache = Limits(ocr_cache=tmp_path / "ocr-cache")
    first = read_deck(FIXTURES / "scanned-deck.pdf", "scan", cache)
    entries = sorted((tmp_path / "ocr-cache").glob("*.json"))
    assert len(entries) == 3

    def no_tesseract(*args, **kwargs):
        raise AssertionError("Tesseract ran on a page it had read")

    with monkeypatch.context() as patched:
        patched.setattr(pytesseract, "image_to_data", no_tesseract)
        assert read_deck(FIXTURES / "scanned-deck.pdf", "scan", cache) == first
    entries[0].write_text("{half an entr", encoding="utf-8")  # a damaged entry is read again, and mended
    assert read_deck(FIXTURES / "scanned-deck.pdf", "scan", cache) == first
    assert set(json.loads(entries[0].read_text(encoding="utf-8"))) == set(ocr.FIELDS)


@needs_ocr
def test_a_page_ocr_cannot_finish_is_kept_empty_and_named(monkeypatch):
    monkeypatch.setattr(ocr, "TIMEOUT_S", 0.001)  # Tesseract killed by pytesseract's timeout
    deck = read_deck(FIXTURES / "mixed-scan.pdf", "mixed")
    assert (deck.slides[1].title, deck.slides[1].body) == ("", "")
    assert deck.slides[2].title == PPTX_PDF_TITLES[3]
    assert len(deck.warnings) == 1 and deck.warnings[0].startswith("page 2: OCR failed (")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted.pdf", "password-protected"),
        ("corrupt.pdf", "damaged or not a PDF"),
        ("not-really.pdf", "named .pdf but is not a PDF file"),
        ("scanned.pdf", "no page has a text layer"),
    ],
)
def test_bad_pdfs_are_refused_with_one_line(name, reason):
    with pytest.raises(ReaderError) as err:
        read_deck(BAD / name, "bad", NO_OCR)
    message = str(err.value)
    assert message.startswith(f"{name}: ") and reason in message and "\n" not in message


def test_thousand_page_pdf_is_refused_by_the_page_limit_before_any_page_is_read(tmp_path, monkeypatch):
    pdf = pdfium.PdfDocument.new()
    for _ in range(1000):
        pdf.new_page(960, 540)
    path = tmp_path / "huge.pdf"
    pdf.save(str(path))
    pdf.close()

    def no_page_reading(*args):
        raise AssertionError("a page was read before the limit was checked")

    monkeypatch.setattr(pdf_reader, "_slide", no_page_reading)
    with pytest.raises(ReaderError, match=r"huge\.pdf: 1000 pages, over the limit of 600 pages"):
        read_deck(path, "huge", Limits(max_pages=600))
    assert render(path, "pdf", tmp_path / "pictures", Limits(max_pages=600)) == {}


def test_load_corpus_reads_the_good_deck_and_names_each_bad_one(tmp_path):
    for path in [FIXTURES / "marp-deck.pdf", FIXTURES / "deck.pptx", *sorted(BAD.iterdir())]:
        shutil.copy(path, tmp_path / path.name)
    corpus = load_corpus(tmp_path, limits=NO_OCR)  # with OCR, the scan in bad/ is read (tested above)
    assert sorted(d.doc_id for d in corpus.documents) == ["deck", "marp-deck"]
    bad = sorted(p.name for p in BAD.iterdir())
    assert sorted(p.split(":")[0] for p in corpus.problems) == bad
    assert all("\n" not in p and "Traceback" not in p for p in corpus.problems)
    pptx = next(d for d in corpus.documents if d.doc_id == "deck")
    assert pptx.format == "pptx" and pptx.warnings == ("hidden slides skipped: 5",)


def test_pdf_dates():
    assert pdf_date("D:20231125093000+09'00'") == "2023-11-25"
    assert pdf_date("D:2023") == "2023-01-01"
    assert pdf_date("yesterday") == ""
    assert pdf_date("D:20231399") == ""


def _chars(text: str, x: float, y: float, size: float = 20, dx: float | None = None, dy: float = 0) -> list[Char]:
    dx = size if dx is None else dx
    return [Char(c, x + i * dx, y + i * dy, x + i * dx + size, y + i * dy + size, size) for i, c in enumerate(text)]


def test_one_character_per_line_is_rejoined():
    # a narrow text box: each character wrapped to a line of its own, stacked downwards
    lines = chars_to_lines(_chars("研究開発", 100, 50, dx=0, dy=22))
    assert [ln.text for ln in lines] == ["研究開発"]


def test_two_columns_are_read_one_after_the_other():
    chars = (
        _chars("Title of slide", 40, 10, size=40, dx=20)
        + _chars("left one", 40, 100, dx=10) + _chars("right one", 500, 100, dx=10)
        + _chars("left two", 40, 125, dx=10) + _chars("right two", 500, 125, dx=10)
    )
    blocks = lines_to_blocks(chars_to_lines(chars))
    assert [block_markdown(b) for b in blocks] == ["Title of slide", "left one\nleft two", "right one\nright two"]


def test_bullet_glyphs_become_items_and_wrapped_lines_rejoin():
    chars = _chars("• 第一の項目は", 40, 100, dx=20) + _chars("続きの行", 80, 124, dx=20)
    chars += _chars("• Second", 40, 148, dx=10)
    (block,) = lines_to_blocks(chars_to_lines(chars))
    assert block_markdown(block) == "- 第一の項目は続きの行\n- Second"


def test_a_paragraph_wrapped_at_its_box_edge_is_one_line_again():
    wrapped = _chars("研究開発投資は各国で", 40, 100) + _chars("拡大しており、日本も", 40, 124)
    wrapped += _chars("追随している。", 40, 148)
    (block,) = lines_to_blocks(chars_to_lines(wrapped))
    assert block_markdown(block) == "研究開発投資は各国で拡大しており、日本も追随している。"
    # two lines prove no wrap (the longer always reaches the edge): they stay lines
    listed = _chars("米国は約8,000億ドル", 40, 100) + _chars("日本は約20兆円", 40, 124)
    (block,) = lines_to_blocks(chars_to_lines(listed))
    assert block_markdown(block) == "米国は約8,000億ドル\n日本は約20兆円"


def test_a_word_set_one_character_per_line_is_one_word_again():
    # LibreOffice wraps "重要課題" in a one-character-wide box: four lines of one character each
    summary = read_deck(FIXTURES / "deck.pdf", "deck").slides[5]
    page = pdfium.PdfDocument(str(FIXTURES / "deck.pdf"))[5]
    assert "重\r\n要\r\n課\r\n題" in page.get_textpage().get_text_range()
    assert summary.body.split("\n\n")[-1] == "重要課題"
    (region,) = [r for r in summary.regions if r.text == "重要課題"]
    assert region.y1 - region.y0 > 3 * (region.x1 - region.x0)  # a tall, narrow box


def test_lines_with_gaps_that_do_not_line_up_are_not_a_table():
    chars = _chars("Alpha", 40, 100, dx=10) + _chars("one", 130, 100, dx=10)
    chars += _chars("Beta gamma", 40, 124, dx=10) + _chars("two", 185, 124, dx=10)  # right of "one"
    (block,) = lines_to_blocks(chars_to_lines(chars))
    assert "|" not in block_markdown(block)
    aligned = _chars("Alpha", 40, 100, dx=10) + _chars("one", 130, 100, dx=10)
    aligned += _chars("Beta", 40, 124, dx=10) + _chars("two", 132, 124, dx=10)
    (block,) = lines_to_blocks(chars_to_lines(aligned))
    assert block_markdown(block) == "| Alpha | one |\n| --- | --- |\n| Beta | two |"


def test_powerpoints_placeholder_properties_carried_into_its_pdfs_are_not_a_title():
    card = pdf_reader._card({"Title": "PowerPoint プレゼンテーション", "Author": "watanabe", "CreationDate": ""})
    assert (card.title, card.author) == ("", "watanabe")
    assert pdf_reader._card({"Title": "Spark20.key"}).title == ""  # Keynote writes the file's name
    assert pdf_reader._card({"Title": "Implementing Domain Driven Design"}).title == "Implementing Domain Driven Design"


def test_an_equations_large_parts_are_not_the_title():
    # As highschool2019.pdf (kaityo256, a PowerPoint export) slide 6 reads: the fraction's
    # denominator is the largest text in the top half, the slide's own heading is words.
    heading = Block([Line("拡散方程式", 40, 30, 300, 62, 32, chars=5)])
    fraction = Block([Line("𝜕𝑥2", 400, 120, 460, 160, 40, chars=3)])
    body = Block([Line("熱の広がりを表す方程式", 40, 300, 400, 320, 20, chars=11)])
    title, rest = split_title([heading, fraction, body], page_height=540)
    assert [ln.text for ln in title] == ["拡散方程式"] and fraction in rest


def test_wrapped_lines_whose_boxes_overlap_stay_with_their_bullet():
    # The line boxes of a real PowerPoint export (hik-ddd.pdf, slide 6): 28 pt tall at a 21.6 pt pitch.
    lines = [
        Line("• Domain-driven design (DDD) is an approach to software", 73.2, 142.5, 656.5, 170.6, 20.0, chars=56),
        Line("development for complex needs by connecting the", 91.2, 164.1, 605.7, 192.2, 20.0, chars=47),
        Line("implementation to an evolving model", 91.2, 185.8, 472.8, 213.8, 20.0, chars=35),
        Line("• Focuses on the core domain logic", 73.2, 217.3, 731.0, 245.4, 20.0, chars=34),
    ]
    (block,) = lines_to_blocks(lines)
    assert block_markdown(block).splitlines() == [
        "- Domain-driven design (DDD) is an approach to software development for complex needs"
        " by connecting the implementation to an evolving model",
        "- Focuses on the core domain logic",
    ]


def test_a_numbered_list_set_apart_from_its_numbers_is_no_table():
    # howtoreview.pdf (kaityo256, a PowerPoint export), slide 6: "1." and its item are two runs.
    lines = []
    for n, item in enumerate(["タイトル", "研究全体の背景", "問題意識"], start=1):
        line = Line(f"{n}.", 78, 277 + 34 * n, 101, 305 + 34 * n, 28.0)
        line.extend(Line(item, 119, 277 + 34 * n, 300, 305 + 34 * n, 28.0), " ", new_cell=True)
        lines.append(line)
    assert block_markdown(Block(lines)).splitlines() == ["1. タイトル", "2. 研究全体の背景", "3. 問題意識"]


def test_short_japanese_lines_spaced_apart_are_not_joined_as_a_wrapped_paragraph():
    # happy_presentation.pdf (kaityo256), slide 4: one item a line at 1.8 sizes' pitch, two reaching the edge.
    texts = [("どうやってそれを実現するか", 669.9), ("どんな結果が出たか", 542.0),
             ("それはどんな意味を持つか", 637.9), ("何をしたか、どこへ向かうか", 669.9)]
    lines = [Line(text, 253.9, 226.5 + 56.8 * i, x1, 258.5 + 56.8 * i, 32.0, chars=len(text))
             for i, (text, x1) in enumerate(texts)]
    (block,) = lines_to_blocks(lines)
    assert block_markdown(block).splitlines() == [text for text, _ in texts]


def test_a_callout_set_larger_than_the_decks_titles_is_not_the_title():
    # hik-ddd.pdf (a PowerPoint export), slide 50: a 54 pt "Examples..?" under the 44 pt title.
    def page(title: str, callout: str | None = None) -> tuple[list[Block], float, float]:
        blocks = [Block([Line(title, 73, 50, 700, 105, 44.0, chars=len(title))]),
                  Block([Line("Business Logic", 80, 194, 200, 212, 16.0, chars=14)])]
        if callout:
            blocks.append(Block([Line(callout, 300, 249, 520, 318, 54.0, chars=len(callout))]))
        return blocks, 960.0, 540.0

    pages = [page(f"Slide {n} heading") for n in range(6)] + [page("Application Logic vs Domain Logic", "Examples..?")]
    size = pdf_reader.deck_title_size([split_title(blocks, height)[0] for blocks, _, height in pages])
    assert size == 44.0
    blocks, _, height = pages[-1]
    assert [ln.text for ln in split_title(blocks, height)[0]] == ["Examples..?"]  # the page alone
    assert [ln.text for ln in split_title(blocks, height, size)[0]] == ["Application Logic vs Domain Logic"]


def _pdf_with_text(path: Path, texts: list[tuple[str, float, float]], size=(400, 300)) -> Path:
    """A one-page PDF written by pdfium itself: each text in Helvetica 12 at (x, y) from the bottom left."""
    import ctypes

    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(*size)
    for text, x, y in texts:
        obj = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 12.0)
        buffer = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        raw.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        raw.FPDFPage_InsertObject(page.raw, obj)
    raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(path)
    return path


def test_text_drawn_off_the_page_is_not_read(tmp_path):
    # Beamer's overlays (\pause) park a frame's later items off the page: the page does not show them.
    path = _pdf_with_text(tmp_path / "overlay.pdf", [
        ("Target Audience", 40, 250),
        ("People who have never used version control.", 40, 220),
        ("What I will cover", 2500, 200),  # right of the page
        ("How to cheat when using git", 40, -400),  # below it
    ])
    (page,) = read_deck(path, "overlay").slides
    assert (page.title, page.body) == ("Target Audience", "People who have never used version control.")


def test_a_lines_size_is_its_texts_not_its_bullets_or_first_words():
    def run(text: str, x: float, size: float) -> list[Char]:
        step = size * 0.5
        return [Char(ch, x + i * step, 100, x + (i + 1) * step, 100 + size, size) for i, ch in enumerate(text)]

    bullet = Char("•", 40, 100, 52, 130, 30.0)  # a bullet glyph set larger than its item
    (line,) = chars_to_lines([bullet, *run("streaming engine", 60, 20.0)])
    assert line.size == 20.0
    (line,) = chars_to_lines([*run("map()", 40, 14.0), *run(" returns a new dataset", 75, 20.0)])
    assert line.size == 20.0  # code set smaller at the start of the line


def test_a_paragraph_or_a_list_set_largest_is_not_a_title():
    # A Marp slide without a heading (akutori's pyinfra talk, slide 3): the body is the largest text.
    paragraph = Block([Line(text, 60, 120 + 40 * i, 900, 150 + 40 * i, 28.0, chars=len(text)) for i, text in enumerate([
        "Pyinfraは、Pythonコードをシェルコマンドに変換し、サーバー上で実行する",
        "その場限りのコマンド実行から、宣言的なインフラ管理まで対応する",
        "Ansibleと同じくエージェントレスで、SSH経由で実行する",
    ])])
    url = Block([Line("https://pyinfra.com", 60, 400, 300, 420, 16.0, chars=19)])
    title, rest = split_title([paragraph, url], page_height=540)
    assert title == [] and rest == [paragraph, url]
    items = Block([Line(f"● {word}", 60, 120 + 40 * i, 300, 150 + 40 * i, 28.0, chars=8)
                   for i, word in enumerate(["Basic", "Oauth2", "JWT"])])
    assert split_title([items, url], page_height=540)[0] == []
    heading = Block([Line("A Scenario:", 60, 100, 500, 190, 96.0, chars=11),
                     Line("Mining Logs", 60, 190, 500, 280, 96.0, chars=11)])
    assert [ln.text for ln in split_title([heading, url], page_height=540)[0]] == ["A Scenario:", "Mining Logs"]


def test_a_text_layer_that_reads_as_punctuation_is_named(tmp_path):
    # PowerPoint for Mac's PDFs with some Japanese fonts map every glyph to ASCII punctuation.
    garbled = "!\" + !$ = !& '\" = !\"(\" + !&(&"
    path = _pdf_with_text(tmp_path / "garbled.pdf", [("Ohm's law", 40, 250), (garbled, 40, 200)])
    (warning,) = read_deck(path, "garbled").warnings
    assert warning.startswith("page 1: the text layer reads as punctuation") and "OCR" in warning
    readable = _pdf_with_text(tmp_path / "code.pdf", [("Install", 40, 250), ("$ pip install -e '.[ui,eval]'", 40, 200)])
    assert read_deck(readable, "code").warnings == ()


def test_a_tex_symbol_fonts_triangle_is_a_bullet_not_the_letter_i(tmp_path, monkeypatch):
    # Beamer's list triangle is "I" in MSAM10 (no Unicode mapping): every item read "I MIT licensed".
    texts = [("About SymEngine", 40, 260), ("I", 40, 230), ("MIT licensed", 56, 230),
             ("I", 40, 210), ("Started in 2012", 56, 210)]
    path = _pdf_with_text(tmp_path / "beamer.pdf", texts)
    (page,) = read_deck(path, "plain").slides
    assert "MIT licensed" in page.body and "- MIT licensed" not in page.body  # Helvetica's I is a letter
    document = pdfium.PdfDocument(path)
    text = document[0].get_textpage().get_text_range()
    assert pdf_reader._font_name(document[0].get_textpage(), 0).startswith("Helvetica")
    # the lone I's, as a Beamer PDF sets them in MSAM10 (the I of "MIT" stays a letter)
    lone = {i for i, ch in enumerate(text) if ch == "I" and not text[i + 1 : i + 2].isalnum()}
    monkeypatch.setattr(pdf_reader, "_font_name", lambda textpage, index: "MSAM10" if index in lone else "Helvetica")
    (page,) = read_deck(path, "beamer").slides
    assert page.body == "- MIT licensed\n- Started in 2012"


def test_glyphs_drawn_one_by_one_keep_the_spaces_between_their_words():
    # Chromium's text layer on some pages: every glyph its own line (pdfium generates a line
    # break after each), letters abutting, a word's space a narrow gap and never written
    chars: list[Char] = []
    x = 50.0
    for word in ("Introduction", "to", "Cloud"):
        for letter in word:
            chars += [Char(letter, x, 100, x + 12, 126, 29.0), Char("\r", x + 12, 120, x + 12, 120, 1.0, True)]
            chars.append(Char("\n", x + 12, 120, x + 12, 120, 1.0, True))
            x += 12
        x += 6  # the space: 0.21 of the size, under the gap that spaces ordinary text
    assert [ln.text for ln in chars_to_lines(chars)] == ["Introduction to Cloud"]


# Pages 2, 4 and 12 of a PowerPoint deck's own PDF export (tests/fixtures/real/README.md).
DLCV = FIXTURES / "real" / "ms-dlcv-excerpt.pdf"


def test_a_title_on_two_lines_whose_sizes_differ_in_the_last_digits_is_whole():
    # "Introduction to Deep Learning for" is set in 36.0 pt, "Computer Vision" in 36.02
    assert read_deck(DLCV, "dlcv").slides[0].title == "Introduction to Deep Learning for Computer Vision"


def test_a_symbol_fonts_bullet_is_a_bullet_not_a_private_use_character():
    # PowerPoint's Wingdings bullet is U+F09E in the text layer: no reader can read it
    slide = read_deck(DLCV, "dlcv").slides[1]
    assert not re.search("[\ue000-\uf8ff]", slide.body)
    assert slide.body.startswith(
        "- Learn about neural networks in general\n"
        "- Learn about computer vision tasks most commonly solved with neural networks\n"
    )


def test_text_set_on_its_side_is_read_as_one_word():
    # a vertical label ("Classifier" turned 90 degrees) came out as "Cl", "as", "sifi", "er"
    assert read_deck(DLCV, "dlcv").slides[2].body == "Cat\n\nClassifier\n\nDog"


def test_beamers_page_of_pages_in_the_margin_is_pagination():
    """xinychen/awesome-beamer's one-page deck (tests/fixtures/real/) prints "1 / 1" in its bottom
    margin: too short a deck to tell furniture by repetition, it was a line of the slide's text."""
    path = Path(__file__).parent / "fixtures" / "real" / "beamer-missing-data.pdf"
    pdf = pdfium.PdfDocument(path)
    assert "1 / 1" in pdf[0].get_textpage().get_text_bounded()
    pdf.close()
    (slide,) = read_deck(path, "beamer").slides
    assert slide.title == "Imputation Experiments"
    lines = slide.body.split("\n")
    assert "1 / 1" not in lines and lines[-1] == "2T 3T 4T 5T 6T 7T"
    assert "- Non-random missing (NM)" in lines


def test_a_build_sweeps_the_temporary_files_a_killed_build_left_in_the_ocr_cache(tmp_path, monkeypatch, hash_model):
    import os
    import time

    from qa.index import OCR_CACHE, build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "marp-deck.md", corpus)
    cache = tmp_path / "index" / OCR_CACHE
    cache.mkdir(parents=True)
    left, live, entry = cache / "a.123.tmp", cache / "b.456.tmp", cache / "c.json"
    for path in (left, live, entry):
        path.write_text("{", encoding="utf-8")
    hours_ago = time.time() - 2 * ocr.STALE_TMP_S
    os.utime(left, (hours_ago, hours_ago))
    os.utime(entry, (hours_ago, hours_ago))
    monkeypatch.setattr(ocr, "engine", lambda: None)  # no Tesseract: the build cannot tell which entries are in use
    build_index(corpus, tmp_path / "index")
    assert not left.exists()  # a killed build's half-written entry
    assert live.exists() and entry.exists()  # a writer that may still be at work; a real entry


@needs_ocr
def test_a_build_keeps_the_ocr_readings_it_used_and_drops_the_rest(tmp_path, hash_model):
    """The cache holds the readings of the pages the corpus has now: an entry no build page read
    (a deck removed or changed, another Tesseract's) goes when a build ends; the ones read stay."""
    import os
    import time

    from qa.index import OCR_CACHE, build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "scanned-deck.pdf", corpus)
    shutil.copy(FIXTURES / "marp-deck.md", corpus)
    cache = tmp_path / "index" / OCR_CACHE
    build_index(corpus, tmp_path / "index")
    readings = sorted(cache.glob("*.json"))
    assert len(readings) == 3
    gone = cache / "0123.json"  # a reading of a page no deck has any more
    gone.write_text(readings[0].read_text(encoding="utf-8"), encoding="utf-8")
    week_ago = time.time() - 7 * 86400
    for path in (*readings, gone):
        os.utime(path, (week_ago, week_ago))
    (corpus / "marp-deck.md").write_text("# Changed\n\nA deck changed, so the index is rebuilt.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    assert sorted(cache.glob("*.json")) == readings  # read again from the cache, so kept
    for path in readings:  # as a later day's build finds them (read within its clock slack, they would stay)
        os.utime(path, (week_ago, week_ago))
    (corpus / "scanned-deck.pdf").unlink()
    build_index(corpus, tmp_path / "index")
    assert list(cache.glob("*.json")) == []  # its deck is gone


def test_a_cache_write_that_fails_leaves_no_temporary_file(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(ocr.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    monkeypatch.setattr("pytesseract.image_to_data", lambda *a, **k: {f: [] for f in ocr.FIELDS})
    assert ocr._words(Image.new("L", (20, 20), 255), tmp_path) == {f: [] for f in ocr.FIELDS}
    assert list(tmp_path.iterdir()) == []
