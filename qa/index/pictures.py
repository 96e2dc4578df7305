"""Component: slide pictures, pictures/<doc-hash>/<n>.png, rendered at build time (qa/readers/pictures.py).

The manifest's "pictures" section maps each document to its folder and slide
files; the files are covered by the manifest's checksums but verified one by one
when shown, so answering a question never reads them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import QAError
from ..readers import PICTURE_FORMATS, Limits

FORMAT = "pictures-png/1"
FOLDER = "pictures"


@dataclass(frozen=True)
class DeckPictures:
    """What rendering gave for one deck: {slide number: file} or, for none, why not (a code)."""

    files: dict[int, str]
    missing: str = ""  # "" | "text_format" | "not_rendered"


def folder_name(doc: str) -> str:
    """A file-system-safe folder name for a document id (ids may hold '/' and any script)."""
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()[:16]


def render(doc: str, deck_path: Path, fmt: str, build: Path, limits: Limits) -> DeckPictures:
    """Render one deck's slides into the build; a deck that cannot be rendered is text only."""
    if fmt not in PICTURE_FORMATS:
        return DeckPictures({}, "text_format")
    from ..readers import pictures as renderer  # pypdfium2 and python-pptx: a build's, not a question's

    out = build / FOLDER / folder_name(doc)
    out.mkdir(parents=True, exist_ok=True)
    try:
        rendered = renderer.render(deck_path, fmt, out, limits)
    except (QAError, OSError):
        rendered = {}
    if not rendered:
        if not any(out.iterdir()):
            out.rmdir()
        return DeckPictures({}, "not_rendered")
    return DeckPictures({int(n): f"{FOLDER}/{out.name}/{name}" for n, name in rendered.items()})


def manifest_section(pictures: dict[str, DeckPictures]) -> dict:
    """The manifest's "pictures" section: doc -> {slide number (as text): file}."""
    return {doc: {str(n): name for n, name in sorted(p.files.items())} for doc, p in pictures.items() if p.files}


def lookup(manifest: dict, doc: str, number: int) -> str | None:
    """The build-relative file of a slide's picture, or None."""
    return manifest.get("pictures", {}).get(doc, {}).get(str(number))
