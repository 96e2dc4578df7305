"""Slide pictures: one PNG per slide for decks that have a page image (PDF, PPTX).

Interface (used by the index build's pictures component):
``render(path, fmt, out_dir, limits) -> dict[int, str]`` writes ``<out_dir>/<n>.png`` for
each slide number n it can render and returns {n: file name}; a deck it cannot
render returns {} (text view only). Not implemented yet: every deck is text only.
"""

from __future__ import annotations

from pathlib import Path

from .base import Limits

VERSION = "1"  # bump when this reader's output changes: indexes built before are rebuilt


def render(path: Path, fmt: str, out_dir: Path, limits: Limits = Limits()) -> dict[int, str]:
    """Render each slide of a PDF / PPTX deck to a PNG in out_dir; {} when the deck has no pictures."""
    return {}
