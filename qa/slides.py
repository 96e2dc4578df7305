"""The records a deck is read into: slides (with their text regions) and the deck's card.

Readers (qa/readers/) make them; chunking, the index and the search read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Region:
    """Where a line of a slide's text sits on its picture, as fractions of the page (origin top left)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Slide:
    doc: str
    number: int  # the source's own number: Marp's page, the PDF page, PowerPoint's slide number
    title: str
    body: str  # light Markdown: blocks split by blank lines, "- " bullets (indented), "| a | b |" rows
    kind: str = "content"  # "content" or "divider" (a section title standing alone)
    notes: str = ""  # speaker notes (PowerPoint)
    regions: tuple[Region, ...] = ()  # text positions on the slide picture, where the source gives them
    ocr: bool = False  # the text was read from the slide's picture by OCR (misreadings possible)

    @classmethod
    def from_json(cls, row: dict) -> Slide:
        return cls(**{**row, "regions": tuple(Region(**r) for r in row.get("regions", ()))})


@dataclass(frozen=True)
class DocumentCard:
    """What a deck says about itself (front matter, PDF / PowerPoint properties, catalog.toml)."""

    title: str = ""
    author: str = ""
    date: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: str  # relative to the corpus folder
    title: str
    citation: str  # prefix of a pasteable reference, e.g. 'JST CRDS「…」(2023-08-25)'
    slides: tuple[Slide, ...]
    format: str = "text"  # markdown | pdf | pptx | text
    card: DocumentCard = field(default_factory=DocumentCard)
    warnings: tuple[str, ...] = ()  # read, but with something to tell (hidden slides, empty pages)


def paragraph_blocks(text: str) -> list[list[str]]:
    """Paragraphs: runs of non-blank lines (whitespace-only lines count as blank)."""
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks
