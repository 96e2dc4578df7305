"""Index build time: the briefing deck, and the JSQuAD validation paragraphs (one passage each)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np

from qa.encoders import Encoder
from qa.index import build_index, load_index, write_index


def copy_decks(source: Path, corpus: Path) -> None:
    """Copy the files at the top of a corpus folder into another (a temporary corpus for a benchmark):
    its subfolders (questions/, real/) are left out."""
    for path in source.iterdir():
        if path.is_file():
            shutil.copy(path, corpus / path.name)


def build_briefing(corpus: Path, index: Path, encoder: Encoder) -> dict:
    started = time.perf_counter()
    build_index(corpus, index, encoder)
    seconds = time.perf_counter() - started
    manifest = load_index(index).manifest
    return {"seconds": round(seconds, 2), "passages": manifest["n_passages"], "slides": manifest["n_slides"]}


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
        "sentence_vectors": int(load_index(index).sentences.ntotal),
    }


def stored_vectors(index: Path) -> np.ndarray:
    """Every passage and sentence vector of a built index (the real rows the scale part perturbs)."""
    loaded = load_index(index)
    parts = [loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal)]
    if loaded.sentences.ntotal:
        parts.append(loaded.sentences.reconstruct_n(0, loaded.sentences.ntotal))
    return np.vstack(parts).astype(np.float32)
