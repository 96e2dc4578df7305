"""The build step: a corpus (or given passages) -> the artifacts each component saves, and a summary.

`prepare` reads and chunks, `embed` computes vectors, latent terms, keyword index and hubness,
`writer` saves the components and renders slide pictures into a build folder and returns its
manifest. What a deck or a text alone determines (its reading, its rows) comes from the build
cache (cache.py) when an earlier build made it: a rebuild after one deck changed reads and embeds
that deck only, and gives the index a full build gives. What depends on the whole corpus (BM25
statistics, glosses' owners, hubness, the word table) is computed again each time, from them.
Every stage is timed and shown (progress.py). Nothing here knows where builds live (store.py).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..chunking import PACKING, Packing, Passage, chunk_document, chunker_version
from ..documents import deck_files, document_from, read_each
from ..encoders import BATCH, Encoder
from ..errors import QAError
from ..gloss import gloss_units
from ..hubness import passage_hubness, reference_questions
from ..keyword import KeywordIndex
from ..lang import default_tokenizer
from ..latent import LatentTerms, WordTable, table_words
from ..readers import PICTURE_FORMATS, SUFFIXES, Limits, ocr
from ..readers.versions import VERSIONS
from ..slides import Document, Slide
from ..vectors import VectorConfig, build_vector_index
from . import hubness, keyword, latent, passages, pictures, vectors
from .cache import BuildCache, CachedDeck, DeckCache, RowSpace, digest
from .owned import GLOSSES
from .progress import BuildProgress
from .store import sha256_file

# qa-index/3: the sentence vectors are gone (no query read them), and the manifest times each stage.
FORMAT = "qa-index/3"
# A deck whose OCR failed on a page (a timeout under load) is read again next time, not kept so.
OCR_FAILED = "OCR failed"


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
    stages: dict[str, dict] = field(default_factory=dict)  # the manifest's: seconds, computed and reused per stage


@dataclass
class Prepared:
    """Read and chunked: what the index will hold, before any embedding."""

    passages: list[Passage]
    slides: list[Slide]
    documents: list[Document]
    skipped: list[Skipped]


@dataclass(frozen=True)
class Recipe:
    """What every build records besides its artifacts: its inputs, encoder, vector settings, start time,
    and the stages' progress (their seconds go into the manifest)."""

    inputs: dict
    encoder: Encoder
    config: VectorConfig
    started: float
    progress: BuildProgress = field(default_factory=BuildProgress)


@dataclass
class Embedded:
    vectors: object  # faiss.Index over the passages
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


# ---------------------------------------------------------------- reading


@functools.cache
def reading_code() -> str:
    """A digest of the source that reads and chunks a deck: an edited reader reads every deck again,
    version bump or not (a cached deck is never older than the code)."""
    package = Path(__file__).resolve().parent.parent
    files = sorted((package / "readers").glob("*.py"))
    files += [package / name for name in ("documents.py", "chunking.py", "slides.py", "lang.py")]
    return digest(*(f"{p.name}:{sha256_file(p)}" for p in files))


def deck_key(path: Path, rel: str, sha256: str, meta: dict, limits: Limits, packing: Packing) -> str:
    """What a deck's reading depends on: its bytes and path, the reading code and versions, the OCR
    engine (PDF), the limits (OCR cache folder aside) and its catalog.toml entry."""
    pdf = SUFFIXES.get(path.suffix.lower()) == "pdf"
    engine = (ocr.engine() or "") if pdf and limits.ocr else ""
    bounds = {k: v for k, v in asdict(limits).items() if k != "ocr_cache"}
    return digest(
        "deck",
        reading_code(),
        json.dumps(VERSIONS, sort_keys=True),
        chunker_version(packing),
        engine,
        json.dumps(bounds, sort_keys=True, default=str),
        rel,
        sha256,
        json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str),
    )


def _ocr_entries(folder: Path | None) -> dict[str, int]:
    """The OCR cache's readings and their mtimes (a fresh reading or a read one gets a new one)."""
    if folder is None:
        return {}
    try:
        return {p.name: p.stat().st_mtime_ns for p in Path(folder).glob("*.json")}
    except OSError:
        return {}


def _touch(folder: Path | None, names: tuple[str, ...]) -> None:
    """Mark a cached deck's OCR readings as used by this build (ocr.prune keeps them for its next reading)."""
    for name in names if folder is not None else ():
        with contextlib.suppress(OSError):
            os.utime(Path(folder) / name)


def read_deck(
    path: Path, rel: str, meta: dict, limits: Limits, packing: Packing, decks: DeckCache | None
) -> CachedDeck:
    """A deck read and chunked, from the build cache when it holds this reading (QAError, OSError: unreadable)."""
    if decks is None:
        document = document_from(path, rel, meta, limits)
        return CachedDeck(document, chunk_document(document, packing))
    before = sha256_file(path)
    key = deck_key(path, rel, before, meta, limits, packing)
    cached = decks.get(key)
    if cached is not None:
        _touch(limits.ocr_cache, cached.ocr)
        return cached
    pdf = SUFFIXES.get(path.suffix.lower()) == "pdf"  # the one format read by OCR
    readings = _ocr_entries(limits.ocr_cache) if pdf else {}
    document = document_from(path, rel, meta, limits)
    after = _ocr_entries(limits.ocr_cache) if pdf else {}
    used = tuple(sorted(name for name, mtime in after.items() if readings.get(name) != mtime))
    deck = CachedDeck(document, chunk_document(document, packing), used)
    failed = any(OCR_FAILED in w for w in document.warnings)
    if not failed and sha256_file(path) == before:  # a file rewritten while read is read again next time
        decks.put(key, deck)
    return deck


def prepare(
    corpus_dir: Path,
    limits: Limits = Limits(),
    progress: BuildProgress | None = None,
    packing: Packing = PACKING,
    decks: DeckCache | None = None,
) -> Prepared:
    """Every readable deck of the corpus, chunked; unreadable or empty decks are listed as skipped.
    (qa.documents.read_each, deck by deck through the build cache `decks`.)"""
    progress = progress or BuildProgress()
    corpus_dir = Path(corpus_dir)

    def advancing(paths: list[Path]):
        # the stage's bar moves once a deck is read (or refused): a deck the cache held counts as reused
        with progress.stage("read", len(paths), "deck") as step:
            for path in paths:
                before = decks.read if decks is not None else 0
                yield path
                step.advance(reused=decks is not None and decks.read > before)

    read = read_each(corpus_dir, lambda path, rel, meta: read_deck(path, rel, meta, limits, packing, decks), advancing)
    skipped = [Skipped(problem.path, problem.reason) for problem in read.problems]
    kept, all_passages = [], []
    for deck in read.results:
        if deck.passages:
            kept.append(deck.document)
            all_passages.extend(deck.passages)
        else:
            skipped.append(Skipped(deck.document.path, "its slides hold no text to search"))
    if not all_passages:
        # Raised before anything is written: the previous index stays current.
        raise NothingToIndex(f"no passages to index: {corpus_dir} holds no readable deck", skipped)
    return Prepared(all_passages, [s for d in kept for s in d.slides], kept, skipped)


# ---------------------------------------------------------------- embedding


def _rows(space: RowSpace, texts: list[str], progress: BuildProgress, stage: str, unit: str, compute) -> dict:
    """The rows of texts: the stored ones taken, the others computed (compute(texts, advance)) and stored."""
    todo = space.missing(texts)
    with progress.stage(stage, len(todo), unit) as step:
        step.reused = len(set(texts)) - len(todo)
        if todo:
            space.add(todo, compute(todo, step.advance))
    return space.take(texts) if texts else {}


def _dense(encoder: Encoder, query: bool = False) -> Callable:
    """compute() for a RowSpace of the encoder's passage (or query) vectors, a batch at a time."""

    def compute(texts: list[str], advance) -> dict[str, np.ndarray]:
        out = []
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            rows = encoder.encode_queries(batch) if query else encoder.encode_passages(batch)
            out.append(np.asarray(rows, dtype=np.float32).reshape(len(batch), encoder.dim))
            advance(len(batch))
        return {"vectors": np.concatenate(out)}

    return compute


class _CachedQueries:
    """The encoder's query side through the build cache, for hubness's reference questions (the same
    every build: computed once)."""

    def __init__(self, space: RowSpace, encoder: Encoder, step) -> None:
        self.space, self.encoder, self.step, self.dim = space, encoder, step, encoder.dim

    def encode_queries(self, texts) -> np.ndarray:
        texts = list(texts)
        todo = self.space.missing(texts)
        self.step.advance(len(set(texts)) - len(todo), reused=True)
        if todo:
            self.space.add(todo, _dense(self.encoder, query=True)(todo, self.step.advance))
        return self.space.take(texts)["vectors"]


def embed(
    all_passages: list[Passage],
    encoder: Encoder,
    config: VectorConfig,
    progress: BuildProgress | None = None,
    latent: bool = False,
    known_words: WordTable | None = None,
    cache: BuildCache | None = None,
) -> Embedded:
    """The passage and gloss vectors, the keyword index and the hubness of every passage (and with
    `latent` their latent terms and the word table), each text's rows from `cache` when it holds them
    (`known_words`: an earlier table of this model, whose rows count as held)."""
    progress = progress or BuildProgress()
    cache = cache or BuildCache(None)
    texts = [p.embedding_text() for p in all_passages]
    dense = cache.space(encoder.model_id, "passage")
    matrix = _rows(dense, texts, progress, "passage_vectors", "passage", _dense(encoder))["vectors"]
    with progress.stage("gloss_texts", len(all_passages), "passage") as step:
        gloss_texts, gloss_owner = gloss_units(all_passages, default_tokenizer())
        step.advance(len(all_passages))
    if gloss_texts:
        glossed = _rows(dense, gloss_texts, progress, "gloss_vectors", "passage", _dense(encoder))["vectors"]
    else:
        glossed = np.zeros((0, encoder.dim), dtype=np.float32)
    with progress.stage("keyword", len(texts), "passage") as step:
        keyword_index = KeywordIndex.build(texts, default_tokenizer())
        step.advance(len(texts))
    references = sum(len(questions) for questions in reference_questions().values())
    with progress.stage("hubness", references, "question") as step:
        hub = passage_hubness(matrix, _CachedQueries(cache.space(encoder.model_id, "query"), encoder, step))
    terms, table = None, None
    if latent:
        model = LatentTerms()
        space = cache.space(encoder.model_id, "latent")

        def sparse(todo: list[str], advance) -> dict[str, np.ndarray]:
            ids, weights = model.encode(todo, advance)
            return {"ids": ids, "weights": weights}

        found = _rows(space, texts, progress, "latent_passages", "passage", sparse)
        terms = (found["ids"], found["weights"])
        words = table_words(keyword_index.vocab, keyword_index.translations)
        table = _word_table(model, space, words, progress, known_words)
    return Embedded(
        vectors=build_vector_index(matrix, config),
        glosses=build_vector_index(glossed, config),
        gloss_owner=gloss_owner,
        keyword=keyword_index,
        hubness=hub,
        vector_kind=config.resolve(len(all_passages)),
        latent=terms,
        latent_words=table,
    )


def _word_table(
    model: LatentTerms, space: RowSpace, words: list[str], progress: BuildProgress, seed: WordTable | None
) -> WordTable:
    """The word table: each word's rows from the cache (a word's latent terms are those of the text
    alone, as a passage's), or from `seed` (the current build's table), the rest passed over."""
    if seed is not None and seed.dim == model.dim:
        held = [w for w in words if w in seed.rows and not space.has(w)]
        rows = [seed.rows[w] for w in held]
        space.add(held, {"ids": seed.ids[rows], "weights": seed.weights[rows]})
    known_words = [w for w in words if space.has(w)]
    known = None
    if known_words:
        rows = space.take(known_words)
        known = WordTable(tuple(known_words), rows["ids"], rows["weights"], model.dim)
    new = len(words) - len(known_words)
    with progress.stage("word_table", new, "word") as step:
        step.reused = len(known_words)
        table = model.word_table(words, step.advance if new else False, known)
    fresh = [w for w in words if not space.has(w)]
    if fresh:
        at = [table.rows[w] for w in fresh]
        space.add(fresh, {"ids": table.ids[at], "weights": table.weights[at]})
    space.take(words)  # marks every row used
    return table


# ---------------------------------------------------------------- writing


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
    progress: BuildProgress,
    inputs: dict,
    previous: pictures.Previous | None = None,
) -> dict[str, pictures.DeckPictures]:
    """Each deck's slide pictures in the build folder: taken over from the previous build when the deck
    is unchanged, else rendered, until the build's picture budget is spent."""
    left, pictured = limits.max_picture_bytes, {}
    with progress.stage("pictures", sum(d.format in PICTURE_FORMATS for d in docs), "deck") as step:
        for d in docs:
            reuse = previous.pictures(d.doc_id, d.path, inputs) if previous and d.path in inputs["corpus"] else {}
            deck = pictures.render(d.doc_id, Path(corpus_dir) / d.path, d.format, folder, limits, left, reuse)
            left -= pictures.size(deck, folder)
            pictured[d.doc_id] = deck
            if d.format in PICTURE_FORMATS:  # a text deck has none to render
                step.advance(reused=bool(reuse))
    return pictured


def writer(
    prepared: Prepared,
    embedded: Embedded,
    recipe: Recipe,
    *,
    corpus_dir: Path | None = None,
    documents: list[dict] | None = None,
    limits: Limits = Limits(),
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
        GLOSSES.save(embedded.glosses, embedded.gloss_owner, folder)
        if embedded.latent is not None:
            latent.save(*embedded.latent, embedded.latent_words, folder)
        rows, pictured = documents or [], {}
        if corpus_dir is not None:
            pictured = render_pictures(
                prepared.documents, corpus_dir, folder, limits, recipe.progress, recipe.inputs, previous
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
            "stages": recipe.progress.record(),
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
        folder,
        decks,
        list(prepared.skipped),
        len(prepared.passages),
        len(prepared.slides),
        manifest["build_seconds"],
        manifest.get("stages", {}),
    )
