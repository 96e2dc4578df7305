"""File -> Deck, one reader per format, chosen by what the file is (its suffix, checked against its bytes).

Each reader module has ``read(path, doc_id, limits) -> Deck``; nothing after the
readers (chunking, index, search, UI) asks which format a deck came from, except
to offer a slide picture.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .base import Deck, Limits, ReaderError

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".pdf": "pdf", ".pptx": "pptx"}
# Formats whose slides can be shown as pictures (rendered at index time).
PICTURE_FORMATS = ("pdf", "pptx")

__all__ = ["Deck", "Limits", "ReaderError", "SUFFIXES", "PICTURE_FORMATS", "deck_format", "read_deck"]


def _sniffed(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # legacy .ppt / .doc
    return None


def deck_format(path: Path) -> str:
    """The format to read a file as; a file whose bytes contradict its suffix is refused by name."""
    claimed = SUFFIXES.get(path.suffix.lower())
    if claimed is None:
        raise ReaderError(f"{path.name}: not a deck format ({', '.join(sorted(SUFFIXES))})")
    with open(path, "rb") as fh:
        actual = _sniffed(fh.read(8))
    if claimed == "pdf" and actual != "pdf":
        raise ReaderError(f"{path.name}: named .pdf but is not a PDF file")
    if claimed == "pptx" and actual != "zip":
        kind = "an old binary .ppt (save it as .pptx)" if actual == "ole" else "not a PowerPoint .pptx file"
        raise ReaderError(f"{path.name}: named .pptx but is {kind}")
    if claimed in ("markdown", "text") and actual is not None:
        raise ReaderError(f"{path.name}: named {path.suffix} but is a {actual.upper()} file (rename it)")
    return claimed


def read_deck(path: Path, doc_id: str, limits: Limits = Limits(), fmt: str | None = None) -> Deck:
    """Read one deck file with the reader for its format (fmt: deck_format(path), when the caller has it)."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ReaderError(f"{path.name}: {size / 1e6:.0f} MB, over the {limits.max_bytes / 1e6:.0f} MB limit")
    # Each format's reader is the module of its name, imported when a deck of that format is read:
    # answering a question over a built index never loads pypdfium2, python-pptx or markdown-it.
    reader = importlib.import_module(f".{fmt or deck_format(path)}", __name__)
    deck = reader.read(path, doc_id, limits)
    # PDF and PowerPoint are counted before they are read; text and Markdown, which are cheap to
    # split, here: before their slides are chunked and embedded
    if len(deck.slides) > limits.max_pages:
        raise ReaderError(f"{path.name}: {len(deck.slides)} slides, over the limit of {limits.max_pages} slides")
    return deck
