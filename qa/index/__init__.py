"""The index: build, store, load and keep fresh (see docs/architecture.md).

    store.py      build folders, CURRENT, atomic publish, lock, verify, GC (knows no models)
    build.py      corpus -> artifacts (read, chunk, embed) and the per-deck BuildSummary
    cache.py      index/cache/: each deck's reading and each text's rows, kept across builds
    progress.py   the build's stages: timed, shown as bars, told to a listener
    passages, vectors, keyword, hubness, pictures, latent, owned (glosses)
                  one component each: its files, save/load and FORMAT
    inputs.py     the manifest of every build input
    staleness.py  compares inputs and returns reasons as values (Stale)
    loaded.py     LoadedIndex and load_index

This module holds the three entry points others use: index_corpus / build_index
(build now), write_index (given passages), ensure_index (load, rebuilding when stale).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .. import messages
from ..chunking import PACKING, Packing
from ..encoders import Encoder, load_encoder
from ..errors import QAError
from ..latent import require_model
from ..readers import Limits, ocr
from ..vectors import VectorConfig
from . import build, store
from .build import BuildSummary, DeckSummary, Prepared, Skipped
from .cache import CACHE, BuildCache
from .inputs import build_inputs, corpus_files
from .latent import previous_table
from .loaded import LoadedIndex, load_index
from .pictures import Previous
from .progress import BuildProgress, Listener, StageUpdate
from .staleness import Stale, compare, only_corpus
from .store import IndexInvalid, current_build, index_lock

OCR_CACHE = "ocr-cache"  # index/ocr-cache/: Tesseract's readings by page picture (qa/readers/ocr.py)
# A cache entry used by a build has an mtime from its start on; file systems that keep whole or
# even seconds (FAT: 2 s) may date an entry written in the build's first moments a little earlier.
CACHE_CLOCK_SLACK_S = 2.0

__all__ = [
    "CACHE",
    "OCR_CACHE",
    "BuildSummary",
    "DeckSummary",
    "IndexInvalid",
    "LoadedIndex",
    "Skipped",
    "Stale",
    "StageUpdate",
    "VectorConfig",
    "build_index",
    "current_build",
    "ensure_index",
    "fresh_index",
    "index_corpus",
    "index_lock",
    "load_index",
    "why_stale",
    "write_index",
]

Notify = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def _lock(index_dir: Path, notify: Notify):
    return store.holding_lock(index_dir, lambda: notify(messages.say("lock_wait", index=index_dir)))


def index_corpus(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder | None = None,
    *,
    vector_config: VectorConfig = VectorConfig(),
    limits: Limits = Limits(),
    progress: bool = False,
    notify: Notify = _quiet,
    latent: bool = False,
    on_stage: Listener | None = None,
) -> BuildSummary:
    """Index every deck of corpus_dir into a new build, make it current, and say what it made of each deck
    (`latent`: with the passages' latent terms, qa/latent.py). `progress`: a bar per stage on stderr;
    `on_stage`: told each step of each stage (a server's status line)."""
    encoder = encoder or load_encoder()
    if latent:
        require_model(encoder.model_id)
    with _lock(Path(index_dir), notify):
        inputs = build_inputs(corpus_files(Path(corpus_dir)), encoder.model_id, latent=latent)
        stages = BuildProgress(progress, on_stage)
        return _index_locked(Path(corpus_dir), Path(index_dir), encoder, vector_config, limits, stages, notify, inputs)


def build_index(corpus_dir: Path, index_dir: Path, encoder: Encoder | None = None, **options) -> Path:
    """index_corpus, naming each skipped file through notify; returns the new build folder."""
    built = index_corpus(corpus_dir, index_dir, encoder, **options)
    _tell_skipped(built, options.get("notify", _quiet))
    return built.folder


def _tell_skipped(built: BuildSummary | build.NothingToIndex, notify: Notify) -> None:
    for skipped in built.skipped:
        notify(f"skipped: {skipped.path}: {skipped.reason}")


def _index_locked(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    config: VectorConfig,
    limits: Limits,
    progress: BuildProgress,
    notify: Notify,
    inputs: dict,
    packing: Packing = PACKING,
) -> BuildSummary:
    """Build under the lock; `inputs` (build_inputs) were taken before the decks are read. What an
    earlier build read or computed comes from the build cache (cache.py): only new or changed decks
    are read and embedded."""
    started, since = time.perf_counter(), time.time() - CACHE_CLOCK_SLACK_S
    own_cache = limits.ocr_cache is None
    if own_cache:  # kept beside the builds: a rebuild does not OCR unchanged pages again
        limits = replace(limits, ocr_cache=index_dir / OCR_CACHE)
        ocr.sweep(limits.ocr_cache)
    cache = BuildCache(index_dir / CACHE)
    try:
        prepared = build.prepare(corpus_dir, limits, progress, packing, cache.decks)
    except build.NothingToIndex as exc:
        _tell_skipped(exc, notify)  # the summary table will not be printed: name each file now
        raise
    embedded = _embed(prepared, encoder, config, progress, inputs, index_dir, cache)
    cache.save()  # before publishing: a build that fails from here on leaves its work to the next one
    recipe = build.Recipe(inputs, encoder, config, started, progress)
    previous = _previous(index_dir)
    write = build.writer(prepared, embedded, recipe, corpus_dir=corpus_dir, limits=limits, previous=previous)
    folder = store.publish(index_dir, write)
    cache.collect()  # what this build, now current, did not use goes
    if own_cache and limits.ocr and ocr.engine() is not None:
        # Every page this build needed was read from the cache or into it (or belongs to a deck the
        # build cache held, whose readings it marked): the rest is for decks that are gone or changed.
        # Without Tesseract (or with OCR off) nothing was read, so nothing goes.
        ocr.prune(limits.ocr_cache, since)
    return build.summary(folder, store.open_manifest(folder)[0], prepared)


def _previous(index_dir: Path) -> Previous | None:
    """The current build, whose pictures of unchanged decks the next build takes over; None when unusable."""
    try:
        folder = current_build(index_dir)
        return Previous(folder, store.open_manifest(folder)[0]) if folder else None
    except QAError:
        return None


def _embed(
    prepared: Prepared,
    encoder: Encoder,
    config: VectorConfig,
    progress: BuildProgress,
    inputs: dict,
    index_dir: Path,
    cache: BuildCache,
) -> build.Embedded:
    """build.embed with the latent terms when the inputs list them; the current build's word table
    lends the rows its cache lacks (an index built before the cache, or whose cache was deleted)."""
    latent = "latent" in inputs["components"]
    seed = latent and cache.folder is not None and not len(cache.space(encoder.model_id, "latent"))
    known = previous_table(index_dir, encoder.model_id) if seed else None
    return build.embed(prepared.passages, encoder, config, progress, latent, known, cache)


def write_index(
    index_dir: Path,
    passages: list,
    slides: list,
    documents: list[dict],
    fingerprint: str | dict[str, str],
    encoder: Encoder | None = None,
    *,
    vector_config: VectorConfig = VectorConfig(),
    progress: bool = False,
    latent: bool = False,
) -> Path:
    """Embed and save given passages as a new build and make it current (atomically).

    For evaluations that bring their own passages (one passage per SQuAD paragraph).
    `fingerprint` names the source: {file name: sha256}, or one hash for it; `latent` adds their
    latent terms.
    """
    encoder = encoder or load_encoder()
    if latent:
        require_model(encoder.model_id)
    files = fingerprint if isinstance(fingerprint, dict) else {"passages": fingerprint}
    started = time.perf_counter()
    prepared = Prepared(list(passages), list(slides), [], [])
    stages = BuildProgress(progress)
    with _lock(Path(index_dir), _quiet):
        inputs = build_inputs(files, encoder.model_id, latent=latent)
        # no build cache: such a set is built once for its source, and its rows would double the disk it takes
        embedded = _embed(prepared, encoder, vector_config, stages, inputs, Path(index_dir), BuildCache(None))
        recipe = build.Recipe(inputs, encoder, vector_config, started, stages)
        write = build.writer(prepared, embedded, recipe, documents=documents)
        return store.publish(Path(index_dir), write)


def why_stale(index: LoadedIndex, corpus_dir: Path, encoder: Encoder) -> list[Stale]:
    """Why the index no longer fits the corpus and this package ([] when it does)."""
    return compare(index.manifest.get("inputs"), build_inputs(corpus_files(corpus_dir), encoder.model_id))


def fresh_index(index_dir: Path, inputs: dict) -> tuple[LoadedIndex | None, list[Stale]]:
    """The current index and why it is stale ([] = usable as is); (None, [reason]) when it cannot load."""
    try:
        loaded = load_index(index_dir)
    except IndexInvalid as exc:
        try:
            missing = store.read_pointer(Path(index_dir)) is None
        except IndexInvalid:
            missing = False
        return None, [Stale("missing") if missing else Stale("damaged", str(exc))]
    return loaded, compare(loaded.manifest.get("inputs"), inputs)


def ensure_index(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder | None = None,
    *,
    notify: Notify = _quiet,
    progress: bool | None = None,
    packing: Packing | None = None,
    latent: bool = False,
    stale_ok: bool = False,
    on_stage: Listener | None = None,
) -> LoadedIndex:
    """The current index, built or rebuilt first when missing, damaged or stale (and said so).
    With `latent` an index without the passages' latent terms is stale.

    When only corpus files changed and the rebuild fails (no deck yields a passage, a full disk),
    the previous index stays in use with a notice rather than leaving nothing to answer from.
    With `stale_ok` (a server, which rebuilds in the background) such an index is returned at once,
    its `pending` saying why it needs a rebuild.
    `packing` (None: the package's) is for measuring other ones (research/ablations.py).
    """
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise QAError(f"corpus folder not found: {corpus_dir}")
    encoder = encoder or load_encoder()
    if latent:
        require_model(encoder.model_id)
    files = corpus_files(corpus_dir)
    inputs = build_inputs(files, encoder.model_id, packing, latent)
    previous, reasons = fresh_index(index_dir, inputs)
    if not reasons:
        return previous
    if stale_ok and previous is not None and only_corpus(reasons):
        notify(messages.say("answering_stale", reasons=messages.stale_reasons(reasons)))
        previous.pending = reasons
        return previous
    with _lock(index_dir, notify):
        # Another process may have rebuilt it while this one waited for the lock.
        fresh, again = fresh_index(index_dir, inputs)
        if not again:
            return fresh
        notify(messages.say("building", reasons=messages.stale_reasons(reasons)))
        terminal = sys.stderr.isatty() if progress is None else progress
        stages = BuildProgress(terminal, on_stage)
        try:
            built = _index_locked(
                corpus_dir, index_dir, encoder, VectorConfig(), Limits(), stages, notify, inputs, packing or PACKING
            )
            _tell_skipped(built, notify)
        except Exception as exc:  # a full disk as well as a corpus with nothing to index
            if previous is None or not only_corpus(reasons):
                raise
            message = messages.say("kept_previous", error=exc)
            notify(message)
            previous.notices.append(message)
            return previous
    try:
        loaded = load_index(index_dir)
    except IndexInvalid as exc:
        raise QAError(f"the index just built cannot be loaded: {exc}") from None
    loaded.rebuilt_for = reasons
    return loaded
