"""Slide pictures: pypdfium2 for PDF pages, LibreOffice then pypdfium2 for PowerPoint slides."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from qa.readers import Limits
from qa.readers.pictures import picture_support, render, soffice

FIXTURES = Path(__file__).parent / "fixtures"
needs_office = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) not installed: apt-get install libreoffice-impress"
)


def _sizes(folder: Path, written: dict[int, str]) -> dict[int, tuple[int, int]]:
    return {n: Image.open(folder / name).size for n, name in written.items()}


def test_pdf_pages_become_pngs_of_the_requested_width(tmp_path):
    written = render(FIXTURES / "marp-deck.pdf", "pdf", tmp_path, Limits(render_width=640))
    assert written == {n: f"{n}.png" for n in range(1, 7)}
    assert set(_sizes(tmp_path, written).values()) == {(640, 360)}  # 16:9, longer side 640
    # a picture, not a blank page: the title's dark pixels are there
    assert Image.open(tmp_path / "1.png").convert("L").getextrema()[0] < 100


def test_text_decks_and_unreadable_pdfs_have_no_pictures(tmp_path):
    assert render(FIXTURES / "marp-deck.md", "markdown", tmp_path) == {}
    assert render(FIXTURES / "bad" / "encrypted.pdf", "pdf", tmp_path) == {}


def test_support_is_described_for_both_formats(monkeypatch):
    import qa.readers.pictures as pictures

    monkeypatch.setattr(pictures.shutil, "which", lambda name: None)
    assert picture_support()["pptx"] == "LibreOffice not installed: PowerPoint decks are shown as text"
    assert render(FIXTURES / "deck.pptx", "pptx", Path("/nonexistent")) == {}
    assert "pypdfium2" in picture_support()["pdf"]


@needs_office
def test_pptx_slides_rendered_through_libreoffice_hidden_one_skipped(tmp_path):
    written = render(FIXTURES / "deck.pptx", "pptx", tmp_path, Limits(render_width=400))
    assert sorted(written) == [1, 2, 3, 4, 6]  # slide 5 is hidden; numbers still match the slides
    for width, height in _sizes(tmp_path, written).values():
        assert width == 400 and abs(height - 225) <= 1  # 13.333 x 7.5 inches
    assert not (tmp_path / "5.png").exists()


@needs_office
def test_libreoffice_timeout_gives_text_only(tmp_path):
    assert render(FIXTURES / "deck.pptx", "pptx", tmp_path, Limits(render_timeout_s=0)) == {}
