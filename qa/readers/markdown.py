"""Markdown / Marp decks (placeholder: to be replaced by a CommonMark parse)."""

from __future__ import annotations

import re
from pathlib import Path

from ..documents import DocumentCard, Slide
from .base import Deck, Limits
from .text import _title_and_body, decode

VERSION = "1"  # bump when this reader's output changes: indexes built before are rebuilt

_SEPARATOR = re.compile(r"^-{3,}\s*$", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\s*\n(?:[A-Za-z_][\w-]*\s*:.*\n)+---\s*\n")


def read(path: Path, doc_id: str, limits: Limits) -> Deck:
    return markdown_deck(decode(path.read_bytes(), path.name), doc_id)


def markdown_deck(text: str, doc_id: str) -> Deck:
    text = _FRONT_MATTER.sub("", text.replace("\r\n", "\n"), count=1)
    raw = [found for chunk in _SEPARATOR.split(text) if (found := _title_and_body(chunk))]
    slides = tuple(Slide(doc_id, i, title, body) for i, (title, body) in enumerate(raw, start=1))
    return Deck(slides=slides, card=DocumentCard(title=slides[0].title if slides else ""))
