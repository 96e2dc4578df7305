"""Component: slide pictures, pictures/<doc-hash>/<n>.png, rendered at build time (qa/readers/pictures.py).

The manifest's "pictures" section maps each document to its folder and slide
files; the files are covered by the manifest's checksums but verified one by one
when shown, so answering a question never reads them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import QAError
from ..readers import PICTURE_FORMATS, Limits
from .store import verify_file

FORMAT = "pictures-png/1"
FOLDER = "pictures"


@dataclass(frozen=True)
class DeckPictures:
    """What rendering gave for one deck: {slide number: file} or, for none, why not (a code)."""

    files: dict[int, str]
    missing: str = ""  # "" | "text_format" | "not_rendered" | "over_budget"


def folder_name(doc: str) -> str:
    """A file-system-safe folder name for a document id (ids may hold '/' and any script)."""
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Previous:
    """The build being replaced, whose pictures of an unchanged deck are taken over instead of rendered again."""

    folder: Path
    manifest: dict

    def pictures(self, doc: str, rel: str, inputs: dict) -> dict[int, Path]:
        """The previous build's picture files of this deck when its file and the readers are unchanged and
        every file still matches its checksum; {} otherwise."""
        before = self.manifest.get("inputs", {})
        if before.get("readers") != inputs.get("readers") or before.get("corpus", {}).get(rel) != inputs["corpus"][rel]:
            return {}
        files = self.manifest.get("pictures", {}).get(doc, {})
        checksums = self.manifest.get("files", {})
        try:
            for name in files.values():
                verify_file(self.folder, name, checksums.get(name, {}))
        except QAError:
            return {}
        return {int(n): self.folder / name for n, name in files.items()}


def render(
    doc: str,
    deck_path: Path,
    fmt: str,
    build: Path,
    limits: Limits,
    budget: int | None = None,
    reuse: dict[int, Path] | None = None,
) -> DeckPictures:
    """Render one deck's slides into the build (or link the previous build's `reuse` files); a deck that
    cannot be rendered is text only, and one with no `budget` left too."""
    if fmt not in PICTURE_FORMATS:
        return DeckPictures({}, "text_format")
    budget = limits.max_deck_picture_bytes if budget is None else min(budget, limits.max_deck_picture_bytes)
    if budget <= 0:
        return DeckPictures({}, "over_budget")
    out = build / FOLDER / folder_name(doc)
    out.mkdir(parents=True, exist_ok=True)
    if reuse:
        return DeckPictures({n: f"{FOLDER}/{out.name}/{_link(path, out)}" for n, path in reuse.items()})
    from ..readers import pictures as renderer  # pypdfium2 and python-pptx: a build's, not a question's

    try:
        rendered = renderer.render(deck_path, fmt, out, limits, budget)
    except (QAError, OSError):
        rendered = {}
    if not rendered:
        if not any(out.iterdir()):
            out.rmdir()
        return DeckPictures({}, "not_rendered")
    return DeckPictures({int(n): f"{FOLDER}/{out.name}/{name}" for n, name in rendered.items()})


def _link(source: Path, folder: Path) -> str:
    """A hard link to an unchanged picture (a copy where links are not possible); its file name."""
    target = folder / source.name
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return source.name


def size(pictured: DeckPictures, build: Path) -> int:
    """Bytes a deck's pictures take in the build."""
    return sum((build / name).stat().st_size for name in pictured.files.values())


def manifest_section(pictures: dict[str, DeckPictures]) -> dict:
    """The manifest's "pictures" section: doc -> {slide number (as text): file}."""
    return {doc: {str(n): name for n, name in sorted(p.files.items())} for doc, p in pictures.items() if p.files}


def lookup(manifest: dict, doc: str, number: int) -> str | None:
    """The build-relative file of a slide's picture, or None."""
    return manifest.get("pictures", {}).get(doc, {}).get(str(number))
