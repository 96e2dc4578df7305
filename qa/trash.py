"""The corpus's trash: removed decks wait in corpus/.trash/ (never indexed) until restored or deleted by hand.

Each removal gets a folder of its own, named by its time, so two removals of a deck of
the same name never overwrite each other:

    corpus/.trash/20261208-101500-a1b2c3/deck.pdf
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import QAError

FOLDER = ".trash"  # a hidden folder: qa.documents never reads decks under it


@dataclass(frozen=True)
class TrashedDeck:
    """A deck in the trash: `id` names it for restore ("<folder>/<file name>")."""

    id: str
    name: str
    path: Path
    removed_at: str  # "YYYY-MM-DD HH:MM:SS", from its folder's name


def to_trash(corpus: Path, path: Path) -> TrashedDeck:
    """Move a corpus file into a new folder of the trash."""
    trash = Path(corpus) / FOLDER
    trash.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=trash))
    target = folder / path.name
    os.replace(path, target)
    return _item(target)


def trashed(corpus: Path) -> list[TrashedDeck]:
    """The decks in the trash, the latest removal first."""
    trash = Path(corpus) / FOLDER
    if not trash.is_dir():
        return []
    items = [_item(p) for p in trash.glob("*/*") if p.is_file()]
    return sorted(items, key=lambda item: item.id, reverse=True)


def restore(corpus: Path, deck_id: str) -> Path:
    """Put a trashed deck back into the corpus under its name (name-2… when that is taken); its new path."""
    found = {item.id: item for item in trashed(corpus)}
    if deck_id not in found:
        raise QAError(f"no deck {deck_id!r} in the trash (qa trash lists them)")
    item = found[deck_id]
    target = unused_name(Path(corpus), item.name)
    os.replace(item.path, target)
    try:
        item.path.parent.rmdir()
    except OSError:
        pass
    return target


def unused_name(corpus: Path, name: str) -> Path:
    """corpus/name, or name-2, name-3… when a deck with that document id (the stem, any case) exists."""
    taken = {p.stem.casefold() for p in corpus.iterdir() if p.is_file()}
    stem, suffix = os.path.splitext(name)
    candidate, n = stem, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return corpus / (candidate + suffix)


def _item(path: Path) -> TrashedDeck:
    stamp = path.parent.name[:15]
    when = f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}"
    return TrashedDeck(f"{path.parent.name}/{path.name}", path.name, path, when)
