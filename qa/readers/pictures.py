"""Slide pictures: one PNG per slide for decks that have a page image (PDF, PPTX).

``render(path, fmt, out_dir, limits) -> dict[int, str]`` writes ``<out_dir>/<n>.png``
for each slide number n it can render and returns {n: file name}; a deck it cannot
render returns {} (text view only), and ``picture_support()`` says why.
PDF pages are rendered by pypdfium2; a PPTX is first converted to PDF by
LibreOffice (hidden slides exported too, so that page n is slide n).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from .base import Limits, ReaderError
from .pdf import open_pdf
from .pptx import hidden_numbers, open_presentation

# LibreOffice's PDF export option that keeps hidden slides, so page numbers stay slide numbers.
_EXPORT_HIDDEN = "pdf:impress_pdf_Export:" + json.dumps({"ExportHiddenSlides": {"type": "boolean", "value": "true"}})


def soffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def picture_support() -> dict[str, str]:
    """For pdf and pptx: whether slide pictures are available here, in words (for `qa slides`)."""
    office = soffice()
    return {
        "pdf": "pictures available (rendered with pypdfium2)",
        "pptx": f"pictures available (converted with LibreOffice: {office})"
        if office
        else "LibreOffice not installed: PowerPoint decks are shown as text",
    }


def render(path: Path, fmt: str, out_dir: Path, limits: Limits = Limits(), budget: int | None = None) -> dict[int, str]:
    """Render each slide of a PDF / PPTX deck to a PNG in out_dir; {} when the deck has no pictures.
    Rendering stops once the pictures take `budget` bytes (default limits.max_deck_picture_bytes)."""
    if fmt == "pdf":
        return render_pdf(path, out_dir, limits, budget=budget)
    if fmt == "pptx":
        return render_pptx(path, out_dir, limits, budget)
    return {}


def render_pdf(
    path: Path,
    out_dir: Path,
    limits: Limits,
    skip: frozenset[int] = frozenset(),
    pages: int | None = None,
    budget: int | None = None,
) -> dict[int, str]:
    """Every page (but those in skip) as <n>.png, its longer side limits.render_width pixels, until the
    files take `budget` bytes; {} when the PDF cannot be opened or, given `pages`, has another number of pages."""
    out_dir.mkdir(parents=True, exist_ok=True)
    budget = limits.max_deck_picture_bytes if budget is None else budget
    written: dict[int, str] = {}
    spent = 0
    try:
        with open_pdf(path, limits) as pdf:
            if pages is not None and len(pdf) != pages:
                return {}
            for index in range(len(pdf)):
                number = index + 1
                if number in skip:
                    continue
                if spent >= budget:  # the deck's remaining slides are shown as text
                    break
                page = pdf[index]
                try:
                    scale = limits.render_width / max(page.get_size())
                    bitmap = page.render(scale=scale)
                    name = f"{number}.png"
                    # zlib level 1: a third faster than the default 6 and no bigger on slide pictures
                    bitmap.to_pil().save(out_dir / name, compress_level=1)
                    bitmap.close()
                    written[number] = name
                    spent += (out_dir / name).stat().st_size
                finally:
                    page.close()
    except ReaderError:
        return {}  # the reader reports why the file cannot be read
    except pdfium.PdfiumError:
        return written
    return written


def render_pptx(path: Path, out_dir: Path, limits: Limits, budget: int | None = None) -> dict[int, str]:
    """LibreOffice converts the deck to PDF (within limits.render_timeout_s), then its pages are rendered."""
    office = soffice()
    if office is None:
        return {}
    try:
        prs = open_presentation(path, limits)
    except ReaderError:
        return {}
    count, hidden = len(prs.slides), frozenset(hidden_numbers(prs))
    with tempfile.TemporaryDirectory(prefix="qa-soffice-") as tmp:
        work = Path(tmp)
        # A private profile: concurrent conversions would otherwise fight over the user's lock.
        command = [
            office, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", _EXPORT_HIDDEN, "--outdir", str(work), str(path),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=limits.render_timeout_s, check=False)
        except (subprocess.TimeoutExpired, OSError):
            return {}
        converted = work / (path.stem + ".pdf")
        if not converted.is_file():
            return {}
        # pages that do not match slides one to one would show the wrong picture
        return render_pdf(converted, out_dir, limits, skip=hidden, pages=count, budget=budget)
