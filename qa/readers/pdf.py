"""PDF decks with pypdfium2: one page is one slide, numbered as the page.

Text comes from pdfium's text page (characters with their boxes and font sizes),
put in reading order by qa.readers.layout; each line's box is kept as a Region.
"""

from __future__ import annotations

import ctypes
import math
import re
import string
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..slides import DocumentCard, Slide
from . import ocr
from .base import Deck, Limits, ReaderError, have, ideographs, numbered, property_value, with_slide_title
from .layout import (
    Char,
    block_markdown,
    chars_to_lines,
    joined,
    lines_to_blocks,
    mark_bullets,
    page_regions,
    split_title,
    symbol_bullets,
)


@contextmanager
def open_pdf(path: Path, limits: Limits):
    """The open document; a password, a damaged file or too many pages is a ReaderError."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReaderError(f"{path.name}: the PDF is password-protected (save an unprotected copy)") from None
        raise ReaderError(f"{path.name}: damaged or not a PDF ({_reason(exc)})") from None
    try:
        if len(pdf) > limits.max_pages:
            raise ReaderError(f"{path.name}: {len(pdf)} pages, over the limit of {limits.max_pages} pages")
        yield pdf
    finally:
        pdf.close()


def _reason(exc: Exception) -> str:
    match = re.search(r"\(PDFium: ([^)]*)\)", str(exc))
    return match.group(1) if match else str(exc).strip().rstrip(".")


def read(path: Path, doc_id: str, limits: Limits) -> Deck:
    """Every page as a slide; pages without a text layer are read by OCR when it is on and installed
    (qa.readers.ocr), else kept empty; either way a warning names them."""
    with open_pdf(path, limits) as pdf:
        try:
            pages = [_page_lines(pdf[i]) for i in range(len(pdf))]
            furniture = repeated_margin_lines(pages)
            pages, notes = _with_ocr(pdf, pages, furniture, limits)
            laid_out = [_page_blocks(page, furniture if i else set()) for i, page in enumerate(pages)]
            splits = [split_title(blocks, height) for blocks, _, height in laid_out]
            size = deck_title_size([title for title, _ in splits])
            if size:  # the deck's title size decides again where a page's own largest text differed
                splits = [split_title(blocks, height, size) for blocks, _, height in laid_out]
            slides = tuple(_slide(page, split, doc_id, i + 1) for i, (page, split) in enumerate(zip(laid_out, splits)))
            slides = tuple(replace(s, ocr=True) if s.number in notes.read else s for s in slides)
            card = _card(pdf.get_metadata_dict())
        except pdfium.PdfiumError as exc:
            raise ReaderError(f"{path.name}: damaged PDF ({_reason(exc)})") from None
    if not slides:
        raise ReaderError(f"{path.name}: the PDF has no pages")
    if not any(s.title or s.body for s in slides):
        hint = notes.no_text or "run OCR on it first"
        raise ReaderError(f"{path.name}: no page has a text layer (a scanned deck? {hint})")
    warnings = list(notes.warnings)
    garbled = [s.number for s in slides if _garbled(s.title + s.body)]
    if garbled:
        warnings.append(
            f"{numbered('page', garbled)}: the text layer reads as punctuation (a font that maps its"
            " glyphs to other characters): search will miss what they say; run OCR on the PDF"
        )
    return Deck(slides=slides, card=with_slide_title(card, slides), warnings=tuple(warnings))


@dataclass(frozen=True)
class OCRNotes:
    """What reading the pages without a text layer did: the warnings to show, and the reason the
    deck is refused should no page have text (empty when OCR was not to blame)."""

    warnings: tuple[str, ...] = ()
    no_text: str = ""
    read: tuple[int, ...] = ()  # the pages whose text OCR read (their slides are marked)


OCR_READ = "text read from the picture by OCR (misreadings possible; quote from the page)"


def _with_ocr(pdf, pages: list[tuple[list, float, float]], furniture: set[str], limits: Limits):
    """The pages, those without text read by OCR (when limits.ocr and Tesseract is installed), and
    the notes on them. A page whose text layer holds only the deck's furniture (a footer stamped on
    scanned pages) counts as without text."""
    blank = [
        i for i, (lines, _, height) in enumerate(pages) if all(_furniture_key(ln, height) in furniture for ln in lines)
    ]
    if not blank:
        return pages, OCRNotes()
    numbers = [i + 1 for i in blank]
    if not limits.ocr or not ocr.engine():
        why = "OCR is off" if not limits.ocr else ocr.MISSING
        return pages, OCRNotes((f"{numbered('page', numbers)} {have(numbers)} no text layer ({why})",), why)
    pages = list(pages)
    read, failed, reasons = [], [], []
    for i in blank:
        _, width, height = pages[i]
        scale = ocr.RENDER_PX / max(width, height, 1.0)
        page = pdf[i]
        try:
            image = page.render(scale=scale).to_pil()
        finally:
            page.close()
        try:
            lines = ocr.page_lines(image, scale, limits.ocr_cache)
        except ocr.OCRFailed as exc:
            failed.append(i + 1)
            reasons.append(str(exc))
            continue
        pages[i] = (lines, width, height)
        if lines:
            read.append(i + 1)
    nothing = [n for n in numbers if n not in read and n not in failed]
    warnings = []
    if read:
        warnings.append(f"{numbered('page', read)}: {OCR_READ}")
    if nothing:
        warnings.append(f"{numbered('page', nothing)} {have(nothing)} no text layer, and OCR found no text")
    if failed:
        warnings.append(f"{numbered('page', failed)}: OCR failed ({reasons[0]}); kept empty")
    no_text = "OCR found no text" if not failed else f"OCR failed: {reasons[0]}"
    return pages, OCRNotes(tuple(warnings), no_text, tuple(read))


def page_chars(page) -> list[Char]:
    """The page's characters with top-left-origin boxes (pdfium's loose boxes: the font's full height)."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars = []
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            if 0xDC00 <= code <= 0xDFFF and chars and "\ud800" <= chars[-1].text <= "\udbff":
                # the second half of a character beyond the BMP (an emoji, a rare kanji)
                high = ord(chars[-1].text)
                chars[-1] = replace(chars[-1], text=chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
                continue
            if code in (0, 0xFFFE, 0xFFFF) or (code < 0x20 and chr(code) not in "\t\r\n"):
                continue  # no character, or a control code (pdfium's soft hyphen marker)
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            if right < 0 or left > width or top < 0 or bottom > height:
                continue  # drawn off the page: not shown (Beamer parks an overlay's later items there)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, i)
            if size <= 1.0:  # generated characters, or fonts scaled by the text matrix
                size = max(top - bottom, 1.0)
            generated = bool(pdfium_c.FPDFText_IsGenerated(textpage.raw, i))
            text = ideographs(chr(code))
            if text in _SYMBOL_LETTERS and _font_name(textpage, i).startswith(_SYMBOL_LETTERS[text]):
                text = "▶"  # a TeX symbol font's triangle, which its text layer calls a letter
            angle = pdfium_c.FPDFText_GetCharAngle(textpage.raw, i)  # radians; -1 when unknown
            rotated = angle >= 0 and abs(math.sin(angle)) > 0.7  # on its side: 90 or 270 degrees
            chars.append(Char(text, left, height - top, right, height - bottom, size, generated, rotated))
        # a lone surrogate cannot be written as UTF-8: drop it
        return [c for c in chars if not "\ud800" <= c.text <= "\udfff"]
    finally:
        textpage.close()


# Letters that TeX's AMS symbol font uses for list triangles (Beamer's \blacktriangleright is "I"
# in MSAM10, with no Unicode mapping): the letter and the font-name prefix that makes it one.
_SYMBOL_LETTERS = {"I": "MSAM"}


def _font_name(textpage, index: int) -> str:
    buffer = ctypes.create_string_buffer(128)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, len(buffer), None)
    return buffer.value.decode("latin-1")


def list_markers(page) -> list[tuple[float, float, float, float]]:
    """Small square paths (2-12 pt): the bullets of lists a browser printed (top-left origin)."""
    height = page.get_height()
    found = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        width, tall = right - left, top - bottom
        if 2 <= width <= 12 and 2 <= tall <= 12 and abs(width - tall) <= 0.3 * max(width, tall):
            found.append((left, height - top, right, height - bottom))
    return found


def _page_lines(page) -> tuple[list, float, float]:
    """A page's text lines (page numbers dropped, bullets marked), with its width and height."""
    try:
        width, height = page.get_size()
        lines = [ln for ln in chars_to_lines(page_chars(page)) if not _page_number(ln, height)]
        symbol_bullets(lines)
        mark_bullets(lines, list_markers(page))
    finally:
        page.close()
    return lines, width, height


def _furniture_key(line, height: float) -> str | None:
    """A margin line's text with its digits blanked (page n / 43, dates), else None."""
    if 0.12 * height < line.y0 and line.y1 < 0.88 * height:
        return None
    return re.sub(r"\d+", "#", line.text.strip().casefold()) or None


def repeated_margin_lines(pages: list[tuple[list, float, float]]) -> set[str]:
    """Lines printed in the top or bottom margin of at least half the pages (a Beamer or company footer):
    page furniture, kept on the title page only, so it does not become a passage of every slide."""
    if len(pages) < 4:
        return set()
    counts: dict[str, int] = {}
    for lines, _, height in pages:
        for key in {k for ln in lines if (k := _furniture_key(ln, height))}:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if n >= len(pages) / 2}


def _page_blocks(page: tuple[list, float, float], furniture: set[str]) -> tuple[list, float, float]:
    """A page's blocks of lines, without the deck's furniture, with its width and height."""
    lines, width, height = page
    return lines_to_blocks([ln for ln in lines if _furniture_key(ln, height) not in furniture]), width, height


def deck_title_size(titles: list[list]) -> float | None:
    """The size the deck's slide titles are set in (its template's), from each page's title lines
    (split_title's): the size of seven titles in ten or more, else None, and each page's largest
    text stands alone (a deck whose headers are not in the text layer has no such size)."""
    sizes = [round(title[0].size) for title in titles if title]
    if len(sizes) < 4:
        return None
    size, count = max(((s, sizes.count(s)) for s in set(sizes)), key=lambda item: (item[1], item[0]))
    return float(size) if count >= 0.7 * len(sizes) else None


def _slide(page: tuple[list, float, float], split: tuple[list, list], doc_id: str, number: int) -> Slide:
    """The slide of a laid-out page, given its title lines and the other blocks (split_title)."""
    blocks, width, height = page
    title_lines, rest = split
    title = joined([ln.text.strip() for ln in title_lines])
    body = "\n\n".join(md for b in rest if (md := block_markdown(b)))
    regions = page_regions([ln for b in blocks for ln in b.lines], width, height)
    return Slide(doc=doc_id, number=number, title=title, body=body, regions=regions)


_PUNCTUATION = set(string.punctuation)


def _garbled(text: str) -> bool:
    """A page whose text is mostly ASCII punctuation: a broken text layer, not slide text (on real
    slides, code and URLs included, the share stays near half at most)."""
    chars = "".join(text.split())
    return len(chars) >= 10 and sum(ch in _PUNCTUATION for ch in chars) >= 0.6 * len(chars)


# A page number, or a page of pages as Beamer's themes print it ("3 / 43").
_PAGE_NUMBER = re.compile(r"\d{1,4}(?:\s*/\s*\d{1,4})?")


def _page_number(line, height: float) -> bool:
    """A bare page number ("3", "3 / 43") in the top or bottom margin: pagination, not the slide's
    title or text (a deck too short to tell furniture by repetition keeps it otherwise)."""
    text = line.text.strip()
    return bool(_PAGE_NUMBER.fullmatch(text)) and (line.y0 > 0.88 * height or line.y1 < 0.1 * height)


def pdf_date(value: str) -> str:
    """A PDF date (D:20231125093000+09'00') as ISO 8601 (2023-11-25); '' when it is not one."""
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?", value.strip())
    if not match:
        return ""
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return ""
    return f"{year}-{month}-{day}"


def _card(meta: dict) -> DocumentCard:
    return DocumentCard(
        title=property_value(meta.get("Title")),
        author=property_value(meta.get("Author")),
        date=pdf_date(meta.get("CreationDate") or ""),
    )
