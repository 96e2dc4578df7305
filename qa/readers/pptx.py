"""PPTX decks (not yet readable)."""

from __future__ import annotations

from pathlib import Path

from .base import Deck, Limits, ReaderError

VERSION = "1"  # bump when this reader's output changes: indexes built before are rebuilt


def read(path: Path, doc_id: str, limits: Limits) -> Deck:
    raise ReaderError(f"{path.name}: PPTX decks cannot be read yet")
