"""The corpus: deck files found in a folder, read into Document / Slide records by qa.readers."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QAError
from .slides import Document, DocumentCard

NOT_DECKS = {"readme.md", "catalog.toml"}
SKIP_DIRS = {"questions"}
LINK_OUTSIDE = "a link to a file outside the corpus folder; not read (copy the file in instead)"


def deck_suffixes() -> tuple[str, ...]:
    from .readers import SUFFIXES

    return tuple(SUFFIXES)


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per file that was skipped


# ---------------------------------------------------------------- finding files


def deck_files(corpus_dir: Path) -> list[Path]:
    """The deck files of a corpus folder, in a stable order."""
    if not corpus_dir.is_dir():
        raise QAError(f"corpus folder not found: {corpus_dir}")
    return [path for path in _candidates(corpus_dir) if _inside(path, corpus_dir)]


def escaping_links(corpus_dir: Path) -> list[Path]:
    """Deck-named links in the corpus whose target lies outside it: never read (a link is not a copy)."""
    return [path for path in _candidates(corpus_dir) if not _inside(path, corpus_dir)]


def _candidates(corpus_dir: Path) -> list[Path]:
    files, suffixes = [], deck_suffixes()
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if path.is_file() and path.suffix.lower() in suffixes and path.name.lower() not in NOT_DECKS:
            if not path.name.startswith("."):
                files.append(path)
    return files


def _inside(path: Path, corpus_dir: Path) -> bool:
    return path.resolve().is_relative_to(corpus_dir.resolve())


def read_catalog(corpus_dir: Path) -> dict:
    path = corpus_dir / "catalog.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QAError(f"{path}: not valid TOML ({exc})") from None


def load_corpus(corpus_dir: Path, limits=None, progress=None) -> Corpus:
    """Every deck of the folder; a file that cannot be read is reported and skipped.

    progress, if given, wraps the list of files (e.g. a tqdm bar over decks).
    """
    from .readers import Limits

    limits = limits or Limits()
    read = read_each(Path(corpus_dir), lambda path, rel, meta: document_from(path, rel, meta, limits), progress)
    return Corpus(read.results, [f"{p.path}: {p.reason}" for p in read.problems])


@dataclass(frozen=True)
class Unread:
    """A deck file left out, and why (one line)."""

    path: str  # inside the corpus
    reason: str


@dataclass
class ReadEach:
    """What reading every deck file of a folder gave: the results in file order, and the files left out."""

    results: list = field(default_factory=list)
    problems: list[Unread] = field(default_factory=list)


def read_each(corpus_dir: Path, read: Callable[[Path, str, dict], object], progress=None) -> ReadEach:
    """read(path, path inside the corpus, its catalog entry) for every deck file of the folder; a file
    it cannot read (QAError, OSError) and a link out of the folder become problem lines instead.

    progress, if given, wraps the list of files."""
    catalog = read_catalog(corpus_dir)
    out = ReadEach(
        problems=[Unread(p.relative_to(corpus_dir).as_posix(), LINK_OUTSIDE) for p in escaping_links(corpus_dir)]
    )
    for path in (progress or iter)(deck_files(corpus_dir)):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            out.results.append(read(path, rel, catalog.get(path.name, {})))
        except QAError as exc:
            out.problems.append(Unread(rel, str(exc).removeprefix(path.name + ": ")))
        except OSError as exc:
            out.problems.append(Unread(rel, f"cannot be read ({exc.strerror})"))
    return out


def doc_id_for(rel_path: str) -> str:
    return rel_path.rsplit(".", 1)[0]


def document_from(path: Path, rel: str, meta: dict, limits) -> Document:
    """Read one deck and give it its id, title, citation and card (catalog.toml wins over the file)."""
    from .readers import deck_format, read_deck

    doc_id = doc_id_for(rel)
    fmt = deck_format(path)  # once: the reader and the document both need it
    deck = read_deck(path, doc_id, limits, fmt)
    if not deck.slides:
        # named as the readers name their file: load_corpus puts the path inside the corpus in front
        raise QAError(f"{path.name}: no slides found (is the file empty of text?)")
    fields = ("title", "author", "date", "organisation")
    meta = {"organisation": meta.get("publisher"), **meta}  # catalog.toml's older name for it
    card = DocumentCard(**{f: str(meta.get(f) or getattr(deck.card, f) or "") for f in fields})
    # a deck whose first slide has no title is named by its file, not by its folder as well
    title = card.title or deck.slides[0].title or path.stem
    citation = str(meta.get("citation") or f"「{title}」")
    return Document(doc_id, rel, title, citation, deck.slides, fmt, card, deck.warnings)


# ---------------------------------------------------------------- shared by readers and chunking
