"""What every reader returns, and the limits it reads within."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..documents import DocumentCard, Slide
from ..errors import QAError


class ReaderError(QAError):
    """A deck that cannot be read; the message names the file and says why in one line."""


@dataclass(frozen=True)
class Limits:
    """How much a reader accepts and renders; configurable per corpus (README, 'Limits')."""

    max_bytes: int = 200_000_000  # per file
    max_pages: int = 600  # a PDF or PPTX with more pages is refused
    render_width: int = 1280  # slide pictures, in pixels (the longer side)
    render_timeout_s: int = 180  # LibreOffice converting one PPTX


@dataclass(frozen=True)
class Deck:
    """One file's slides (numbered as the source numbers them) and its metadata."""

    slides: tuple[Slide, ...]
    card: DocumentCard = field(default_factory=DocumentCard)
    # Things a user should know about this deck: skipped hidden slides, pages without text.
    warnings: tuple[str, ...] = ()
