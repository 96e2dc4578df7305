"""A SQuAD / JSQuAD file's own evaluation corpus: one passage per paragraph, indexed once per file.

The index lives in <index_dir>/eval-cache/<sha256[:16]>/ and is reused while the
index's own staleness check (qa/index/staleness.py) finds its inputs unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..chunking import Passage
from ..encoders import load_encoder
from ..errors import QAError
from ..index import fresh_index, load_index, write_index
from ..index.inputs import build_inputs
from ..search import Searcher, SearchSettings
from ..slides import Slide
from .formats import QuestionSet

CACHE_DIR = "eval-cache"


def squad_corpus(questions: QuestionSet) -> tuple[list[Passage], list[Slide], list[dict]]:
    """(passages, slides, documents) of a SQuAD question set: paragraph n is slide n."""
    doc = questions.doc
    passages = [
        Passage(doc=doc, slide=p.number, title=p.title, text=p.text, kind="paragraph") for p in questions.paragraphs
    ]
    slides = [Slide(doc=doc, number=p.number, title=p.title, body=p.text) for p in questions.paragraphs]
    documents = [
        {"doc": doc, "path": questions.name, "title": doc, "citation": doc, "slides": len(slides), "format": "squad"}
    ]
    return passages, slides, documents


def cache_folder(index_dir: Path, questions: QuestionSet) -> Path:
    return Path(index_dir) / CACHE_DIR / questions.sha256[:16]


def squad_searcher(
    questions: QuestionSet,
    index_dir: Path,
    *,
    model: str | None = None,
    progress: bool = False,
    notify: Callable[[str], None] = lambda message: None,
) -> Searcher:
    """A Searcher over the paragraphs of a SQuAD file, indexing them first when not cached."""
    if questions.format != "squad":
        raise QAError(f"{questions.name} is not a SQuAD file")
    encoder = load_encoder(model)
    folder = cache_folder(index_dir, questions)
    source = {questions.name: questions.sha256}
    loaded, reasons = fresh_index(folder, build_inputs(source, encoder.model_id))
    if reasons:
        passages, slides, documents = squad_corpus(questions)
        notify(f"Indexing the {len(passages)} paragraphs of {questions.name} into {folder} (once per file) …")
        write_index(folder, passages, slides, documents, source, encoder, progress=progress)
        loaded = load_index(folder)
    return Searcher(loaded, encoder, SearchSettings())
