"""The build step: a corpus (or given passages) -> the artifacts each component saves, and a summary.

`prepare` reads and chunks, `embed` computes vectors, keyword index and
hubness, `write` saves the components and renders slide pictures into a build
folder and returns its manifest. Nothing here knows where builds live (store.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..chunking import PACKING, Packing, Passage, chunk_document
from ..documents import Document, Slide, load_corpus
from ..encoders import Encoder
from ..errors import QAError
from ..gloss import gloss_units
from ..hubness import passage_hubness
from ..keyword import KeywordIndex
from ..lang import default_tokenizer
from ..latent import LatentTerms, WordTable, table_words
from ..readers import Limits
from ..sentences import sentence_units
from ..vectors import VectorConfig, build_vector_index
from . import hubness, keyword, latent, passages, pictures, vectors
from .owned import GLOSSES, SENTENCES

FORMAT = "qa-index/2"


@dataclass(frozen=True)
class Skipped:
    """A corpus file left out of the index, and why (one line)."""

    path: str
    reason: str


@dataclass(frozen=True)
class DeckSummary:
    """What the build made of one deck."""

    doc: str
    path: str
    format: str
    slides: int
    passages: int
    pictures: int
    pictures_missing: str  # "" when pictured, else a code: text_format | not_rendered
    warnings: tuple[str, ...] = ()


@dataclass
class BuildSummary:
    """The outcome of `qa index`, returned as data; the CLI prints it."""

    folder: Path | None
    decks: list[DeckSummary] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    n_passages: int = 0
    n_slides: int = 0
    seconds: float = 0.0


@dataclass
class Prepared:
    """Read and chunked: what the index will hold, before any embedding."""

    passages: list[Passage]
    slides: list[Slide]
    documents: list[Document]
    skipped: list[Skipped]


@dataclass(frozen=True)
class Recipe:
    """What every build records besides its artifacts: its inputs, encoder, vector settings, start time."""

    inputs: dict
    encoder: Encoder
    config: VectorConfig
    started: float


@dataclass
class Embedded:
    vectors: object  # faiss.Index over the passages
    sentences: object  # faiss.Index over the sentences of multi-sentence passages
    sentence_owner: np.ndarray
    glosses: object  # faiss.Index over the English glosses of Japanese passages
    gloss_owner: np.ndarray
    keyword: KeywordIndex
    hubness: np.ndarray
    vector_kind: str
    latent: tuple[np.ndarray, np.ndarray] | None = None  # (ids, weights), when asked for
    latent_words: WordTable | None = None  # built with them


class NothingToIndex(QAError):
    """No deck of the corpus yields a passage; `skipped` says why for each file."""

    def __init__(self, message: str, skipped: list[Skipped]) -> None:
        super().__init__(message)
        self.skipped = skipped


def _skipped(problem: str) -> Skipped:
    path, _, reason = problem.partition(": ")
    return Skipped(path, reason or problem)


def progress_bar(label: str, unit: str) -> Callable:
    """Wraps an iterable in a tqdm bar (on stderr; gone when done)."""
    from tqdm import tqdm

    return lambda items: tqdm(items, desc=label, unit=unit, leave=False)


def prepare(
    corpus_dir: Path, limits: Limits = Limits(), progress: bool = False, packing: Packing = PACKING
) -> Prepared:
    """Every readable deck of the corpus, chunked; unreadable or empty decks are listed as skipped."""
    corpus = load_corpus(Path(corpus_dir), limits, progress_bar("reading decks", "deck") if progress else None)
    skipped = [_skipped(p) for p in corpus.problems]
    kept, all_passages = [], []
    for doc in corpus.documents:
        chunks = chunk_document(doc, packing)
        if chunks:
            kept.append(doc)
            all_passages.extend(chunks)
        else:
            skipped.append(Skipped(doc.path, "its slides hold no text to search"))
    if not all_passages:
        # Raised before anything is written: the previous index stays current.
        raise NothingToIndex(f"no passages to index: {corpus_dir} holds no readable deck", skipped)
    return Prepared(all_passages, [s for d in kept for s in d.slides], kept, skipped)


def embed(
    all_passages: list[Passage],
    encoder: Encoder,
    config: VectorConfig,
    progress: bool,
    latent: bool = False,
    known_words: WordTable | None = None,
) -> Embedded:
    """The passage, sentence and gloss vectors, the keyword index and the hubness of every passage
    (and with `latent` their latent terms and the word table, reusing `known_words`' rows)."""
    texts = [p.embedding_text() for p in all_passages]
    matrix = encoder.encode_passages(texts, progress=progress)

    def encoded(unit_texts: list[str]) -> np.ndarray:
        if not unit_texts:
            return np.zeros((0, encoder.dim), dtype=np.float32)
        return encoder.encode_passages(unit_texts, progress=progress)

    sentence_texts, owner = sentence_units(all_passages)
    gloss_texts, gloss_owner = gloss_units(all_passages, default_tokenizer())
    keyword_index = KeywordIndex.build(texts, default_tokenizer())
    terms, table = None, None
    if latent:
        model = LatentTerms()
        terms = model.encode(texts, progress)
        words = table_words(keyword_index.vocab, keyword_index.translations)
        table = model.word_table(words, progress, known_words)
    return Embedded(
        vectors=build_vector_index(matrix, config),
        sentences=build_vector_index(encoded(sentence_texts), config),
        sentence_owner=owner,
        glosses=build_vector_index(encoded(gloss_texts), config),
        gloss_owner=gloss_owner,
        keyword=keyword_index,
        hubness=passage_hubness(matrix, encoder),
        vector_kind=config.resolve(len(all_passages)),
        latent=terms,
        latent_words=table,
    )


def document_row(doc: Document, pictured: pictures.DeckPictures) -> dict:
    """A document's entry in the manifest."""
    return {
        "doc": doc.doc_id,
        "path": doc.path,
        "title": doc.title,
        "citation": doc.citation,
        "slides": len(doc.slides),
        "format": doc.format,
        "card": asdict(doc.card),
        "warnings": list(doc.warnings),
        "pictures": len(pictured.files),
        "pictures_missing": pictured.missing,
    }


def render_pictures(
    docs: list[Document],
    corpus_dir: Path,
    folder: Path,
    limits: Limits,
    progress: bool,
    inputs: dict,
    previous: pictures.Previous | None = None,
) -> dict[str, pictures.DeckPictures]:
    """Each deck's slide pictures in the build folder (a bar over decks when progress): taken over from the
    previous build when the deck is unchanged, else rendered, until the build's picture budget is spent."""
    items = progress_bar("slide pictures", "deck")(docs) if progress else docs
    left, pictured = limits.max_picture_bytes, {}
    for d in items:
        reuse = previous.pictures(d.doc_id, d.path, inputs) if previous and d.path in inputs["corpus"] else {}
        deck = pictures.render(d.doc_id, Path(corpus_dir) / d.path, d.format, folder, limits, left, reuse)
        left -= pictures.size(deck, folder)
        pictured[d.doc_id] = deck
    return pictured


def writer(
    prepared: Prepared,
    embedded: Embedded,
    recipe: Recipe,
    *,
    corpus_dir: Path | None = None,
    documents: list[dict] | None = None,
    limits: Limits = Limits(),
    progress: bool = False,
    previous: pictures.Previous | None = None,
) -> Callable[[Path], dict]:
    """The store's write callback: save every component (pictures from corpus_dir) and return the manifest.

    `documents` gives the manifest's document rows for passages that come without decks (write_index);
    `previous`, the build being replaced, lends the pictures of unchanged decks.
    """

    def write(folder: Path) -> dict:
        passages.save(prepared.passages, prepared.slides, folder)
        vectors.save(embedded.vectors, folder)
        keyword.save(embedded.keyword, folder)
        hubness.save(embedded.hubness, folder)
        SENTENCES.save(embedded.sentences, embedded.sentence_owner, folder)
        GLOSSES.save(embedded.glosses, embedded.gloss_owner, folder)
        if embedded.latent is not None:
            latent.save(*embedded.latent, embedded.latent_words, folder)
        rows, pictured = documents or [], {}
        if corpus_dir is not None:
            pictured = render_pictures(
                prepared.documents, corpus_dir, folder, limits, progress, recipe.inputs, previous
            )
            rows = [document_row(d, pictured[d.doc_id]) for d in prepared.documents]
        return {
            "format": FORMAT,
            "model": recipe.encoder.model_id,
            "dim": recipe.encoder.dim,
            "inputs": recipe.inputs,
            "vector_index": {**asdict(recipe.config), "kind": embedded.vector_kind},
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - recipe.started, 3),
            "n_passages": len(prepared.passages),
            "n_slides": len(prepared.slides),
            "documents": rows,
            "pictures": pictures.manifest_section(pictured),
            "problems": [f"{s.path}: {s.reason}" for s in prepared.skipped],
        }

    return write


def summary(folder: Path, manifest: dict, prepared: Prepared) -> BuildSummary:
    """The per-deck build summary of a finished build."""
    rows = manifest["documents"]
    count: dict[str, int] = {}
    for p in prepared.passages:
        count[p.doc] = count.get(p.doc, 0) + 1
    decks = [
        DeckSummary(
            doc=r["doc"],
            path=r["path"],
            format=r["format"],
            slides=r["slides"],
            passages=count.get(r["doc"], 0),
            pictures=r["pictures"],
            pictures_missing=r["pictures_missing"],
            warnings=tuple(r["warnings"]),
        )
        for r in rows
    ]
    return BuildSummary(
        folder, decks, list(prepared.skipped), len(prepared.passages), len(prepared.slides), manifest["build_seconds"]
    )
