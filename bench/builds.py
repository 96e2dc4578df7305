"""Index build time: the default corpus, the development decks, and the JSQuAD validation paragraphs
(one passage each); each build's seconds by stage (the manifest's "stages"), the passage embedding
rate against the encoder's own, and a deck added, changed and removed (the incremental build)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np

from qa.encoders import Encoder
from qa.index import build_index, load_index, write_index

ENCODER_RATE_PASSAGES = 256  # passages the encoder embeds in one call, for its own rate


def copy_decks(source: Path, corpus: Path) -> None:
    """Copy the files at the top of a corpus folder into another (a temporary corpus for a benchmark):
    its subfolders (questions/, real/) are left out."""
    for path in source.iterdir():
        if path.is_file():
            shutil.copy(path, corpus / path.name)


def copy_corpus(source: Path, corpus: Path) -> None:
    """Copy a whole corpus folder (tests/decks/ and its real/ decks), question files left out."""
    shutil.copytree(source, corpus, ignore=shutil.ignore_patterns("questions", ".*"))


def _timed_build(corpus: Path, index: Path, encoder: Encoder) -> dict:
    """One build: its wall seconds (the call, as a user waits for it), the manifest's, and its stages."""
    started = time.perf_counter()
    build_index(corpus, index, encoder)
    seconds = time.perf_counter() - started
    manifest = load_index(index).manifest
    stages = manifest.get("stages", {})
    vectors = stages.get("passage_vectors", {})
    rate = vectors.get("computed", 0) / vectors["seconds"] if vectors.get("seconds") else None
    return {
        "seconds": round(seconds, 2),
        "build_seconds": manifest["build_seconds"],
        "passages": manifest["n_passages"],
        "slides": manifest["n_slides"],
        "decks": len(manifest["documents"]),
        "stages": stages,
        "passages_per_s": round(rate, 2) if rate else None,
    }


def encoder_rate(encoder: Encoder, texts: list[str], n: int = ENCODER_RATE_PASSAGES) -> dict:
    """The encoder's own batched rate: n of the corpus's passages (repeated when it has fewer) in one call,
    the query cache aside."""
    sample = (texts * (n // max(len(texts), 1) + 1))[:n]
    raw = getattr(encoder, "inner", encoder)
    started = time.perf_counter()
    raw.encode_passages(sample)
    seconds = time.perf_counter() - started
    return {"passages": len(sample), "seconds": round(seconds, 2), "passages_per_s": round(len(sample) / seconds, 2)}


def build_briefing(corpus: Path, index: Path, encoder: Encoder) -> dict:
    """A fresh build of the default corpus (the one index every other part measures)."""
    return _timed_build(corpus, index, encoder)


def incremental(corpus: Path, work: Path, encoder: Encoder, deck: str, change: str | None = None) -> dict:
    """The corpus built fresh (the full build); then its deck `deck` (a path inside it) removed, added back
    and, when `change` names a Markdown or text deck, that deck changed: each an incremental build.

    Between the removal and the addition the build cache is collected down to the rows the remaining
    decks use, so the deck comes back as one never seen (its reading, rows and OCR computed again),
    as after a fresh build of the smaller corpus. Once the deck is back the index must be the full
    build's, file for file (pictures aside): `same_as_full` says whether it is."""
    from qa.index import cache

    index, path = work / "index", corpus / deck
    data = path.read_bytes()
    full = _timed_build(corpus, index, encoder)
    files = _component_files(index)
    path.unlink()
    keep = cache.KEEP_UNUSED, cache.SPARE_ROWS
    cache.KEEP_UNUSED, cache.SPARE_ROWS = 0.0, 0
    try:
        removed = _timed_build(corpus, index, encoder)
    finally:
        cache.KEEP_UNUSED, cache.SPARE_ROWS = keep
    path.write_bytes(data)
    added = _timed_build(corpus, index, encoder)
    out = {
        "deck": deck,
        "full": full,
        "added": added,
        "removed": removed,
        "same_as_full": _component_files(index) == files,
        "added_share_of_full": round(added["seconds"] / full["seconds"], 3),
    }
    if change:
        changed = corpus / change
        text = changed.read_text(encoding="utf-8") + "\n\n---\n\n# One slide more\n\n- added by the benchmark\n"
        changed.write_text(text, encoding="utf-8")
        out["changed"] = {"deck": change, **_timed_build(corpus, index, encoder)}
    return out


def _component_files(index: Path) -> dict[str, str]:
    files = load_index(index).manifest["files"]
    return {name: meta["sha256"] for name, meta in files.items() if not name.startswith("pictures/")}


def build_corpus(
    source: Path, work: Path, encoder: Encoder, deck: str, change: str | None = None, extra: Path | None = None
) -> dict:
    """The incremental figures of a corpus folder (copied into work; `extra`, a deck copied in beside
    its own, is then the deck added), and the encoder's own rate on its passages."""
    corpus = work / "corpus"
    copy_corpus(source, corpus)
    if extra is not None:
        shutil.copy(extra, corpus / extra.name)
    result = incremental(corpus, work, encoder, deck, change)
    texts = [p.embedding_text() for p in load_index(work / "index").passages]
    result["encoder"] = encoder_rate(encoder, texts)
    return result


def build_jsquad(squad_file: Path, index: Path, encoder: Encoder) -> dict:
    """The 1,145 paragraphs as passages (qa.evaluation's SQuAD corpus), written with qa.index.write_index."""
    from qa.evaluation import read_questions
    from qa.evaluation.squad import squad_corpus

    questions = read_questions(squad_file)
    passages, slides, documents = squad_corpus(questions)
    started = time.perf_counter()
    write_index(index, passages, slides, documents, questions.sha256, encoder)
    seconds = time.perf_counter() - started
    manifest = load_index(index).manifest
    return {
        "seconds": round(seconds, 2),
        "passages": manifest["n_passages"],
        "questions": len(questions.questions),
        "stages": manifest.get("stages", {}),
    }


def stored_vectors(index: Path) -> np.ndarray:
    """Every passage and gloss vector of a built index (the real rows the scale part perturbs)."""
    loaded = load_index(index)
    parts = [loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal)]
    if loaded.glosses.ntotal:
        parts.append(loaded.glosses.reconstruct_n(0, loaded.glosses.ntotal))
    return np.vstack(parts).astype(np.float32)
