"""Searcher.search(question, k, mode, doc) -> Answer: a question's walk through the index.

analyse the question once (qa/question.py) → each signal scores passages (qa/signals/) →
weighted z-score fusion (qa/fusion.py) → the slide structure (qa/structure.py) → one hit a
slide → calibration (qa/calibration.py) → the answer line (qa/answer_line.py) → Answer.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .answer_line import answer_line
from .calibration import Evidence
from .chunking import SEARCH_ONLY, Passage
from .encoders import Encoder, load_encoder
from .errors import QAError
from .fusion import group_by_slide, ranked, weighted_zscore_fusion
from .index import LoadedIndex, ensure_index
from .lang import MAX_QUESTION_CHARS, detect_language
from .messages import Notice
from .question import Analysis, analyse
from .results import Answer, Hit, More
from .settings import MORE_PER_SLIDE, SearchSettings
from .signals import Signal
from .signals.bm25 import KeywordSignal
from .signals.dense import DenseSignal
from .signals.sparse import LatentSignal
from .slides import Slide
from .stores import FaissStore, PassageStore
from .structure import SlideStructure

__all__ = ["MAX_K", "MODES", "Answer", "Hit", "More", "Searcher", "SearchSettings"]

MODES = ("hybrid", "dense", "keyword")
MAX_K = 50


def deck_languages(passages: list[Passage]) -> dict[str, str]:
    """{deck: "ja" or "en"}, the language most of its passages are written in."""
    counts: dict[str, Counter] = {}
    for p in passages:
        counts.setdefault(p.doc, Counter())[detect_language(p.embedding_text())] += 1
    return {doc: count.most_common(1)[0][0] for doc, count in counts.items()}


class Searcher:
    """Answers questions from one loaded index with one encoder."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, settings: SearchSettings = SearchSettings()) -> None:
        if index.manifest.get("model") != encoder.model_id:
            raise QAError(f"the index was built with {index.manifest.get('model')}, not {encoder.model_id}")
        self.index = index
        self.encoder = encoder
        self.settings = settings
        self.tokenizer = index.keyword.tokenizer
        self._doc_rows: dict[str, list[int]] = {}
        for i, p in enumerate(index.passages):
            self._doc_rows.setdefault(p.doc, []).append(i)
        self._slides = {(s.doc, s.number): s for s in index.slides}
        search_only = {i for i, p in enumerate(index.passages) if p.kind in SEARCH_ONLY}
        decks = {d["doc"] for d in index.documents if d.get("format") not in (None, "squad")}
        self.structure = SlideStructure(index.passages, index.slides, decks, search_only)
        self._slide_rows: dict[tuple[str, int], list[int]] = {}  # each slide's shown passages, in order
        for i, key in enumerate(self.structure.slide_of):
            if i not in search_only:
                self._slide_rows.setdefault(key, []).append(i)
        # log10 of the passage count: the evidence shifts with the corpus (a small deck knows fewer
        # words), and the calibration, fitted over a one-deck and a many-deck corpus, reads it.
        self._corpus_size = math.log10(max(len(index.passages), 1))
        # Each deck's language (most of its passages'): the bridge translates every word across languages.
        self._deck_language = deck_languages(index.passages)
        self.store = FaissStore(index)  # qa/stores: where every per-passage read of a query goes

    @property
    def store(self) -> PassageStore:
        return self._store

    @store.setter
    def store(self, store: PassageStore) -> None:
        """The store the signals and the overlap evidence read passages through (qa/stores.use_store swaps it)."""
        self._store = store
        self.dense = DenseSignal(store)
        self.keyword = KeywordSignal(store)
        self.latent = LatentSignal(self.index, store)

    @classmethod
    def open(
        cls,
        corpus_dir: Path,
        index_dir: Path,
        *,
        model: str | None = None,
        settings: SearchSettings = SearchSettings(),
        notify: Callable[[str], None] = lambda message: None,
        stale_ok: bool = False,
    ) -> Searcher:
        """Load (building or rebuilding when needed) the index of a corpus; `stale_ok`: see ensure_index."""
        encoder = load_encoder(model)
        index = ensure_index(corpus_dir, index_dir, encoder, notify=notify, stale_ok=stale_ok)
        return cls(index, encoder, settings)

    # ------------------------------------------------------------ the outline

    @property
    def passages(self) -> list[Passage]:
        return self.index.passages

    def outline(self) -> list[Slide]:
        return list(self.index.slides)

    def documents(self) -> list[dict]:
        return self.index.documents

    def slide(self, doc: str, number: int) -> Slide | None:
        return self._slides.get((doc, number))

    def picture(self, doc: str, number: int) -> Path | None:
        """The PNG of a slide when its deck has pictures (PDF, PPTX), else None."""
        return self.index.picture(doc, number)

    def slide_passages(self, doc: str, number: int) -> list[tuple[int, Passage]]:
        """The passages shown for a slide (search-only whole-slide rows left out)."""
        return [(i, self.index.passages[i]) for i in self._slide_rows.get((doc, number), [])]

    # ------------------------------------------------------------ searching

    def search(self, question: str, k: int = 5, mode: str = "hybrid", doc: str | None = None) -> Answer:
        """The best passages for a question, one hit a slide, with a no-good-match flag and the answer line."""
        if mode not in MODES:
            raise QAError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        try:
            k = max(1, min(int(k), MAX_K))
        except (TypeError, ValueError, OverflowError):
            raise QAError(f"k must be a whole number from 1 to {MAX_K}") from None
        rows = None
        if doc:
            if doc not in self._doc_rows:
                raise QAError(f"no document named {doc!r}; see `qa slides` for the names")
            rows = self._doc_rows[doc]
        searched = [self._deck_language[doc]] if doc else self._deck_language.values()
        q = analyse(question, self.index.keyword, searched)
        notices = [Notice("question_truncated", {"max_chars": MAX_QUESTION_CHARS})] if q.cleaned.truncated else []
        if not q.searchable:
            return Answer(q.cleaned.shown, q.lang, mode, [], True, [*notices, Notice("empty_question")])

        signals, margin = self._signals(q, mode, rows)
        fused = weighted_zscore_fusion(signals)
        final = self.structure.apply(fused, q.roles, self.settings) if mode == "hybrid" else self.structure.shown(fused)
        groups = self._completed(group_by_slide(ranked(final), self.structure.slide_of, k, MORE_PER_SLIDE), final)
        # dense mode uses no translations, so its overlap counts the question's own words only
        translated = q.translated if mode != "dense" else []
        overlap = self._overlap(q.words, translated, groups[0][0][0]) if groups else 0.0
        evidence = Evidence(margin, overlap, q.coverage, q.reach, 1.0 if q.lang == "en" else 0.0, self._corpus_size)
        hits = self._hits(groups, evidence)
        if mode == "keyword":
            low = not any(signal.scores for signal in signals)
        else:
            low = self.settings.match.probability(evidence) < self.settings.min_match
        answer = Answer(q.cleaned.shown, q.lang, mode, hits, bool(low or not hits), notices, evidence, q.highlight)
        answer.line = answer_line(answer, self.tokenizer)
        return answer

    def _signals(self, q: Analysis, mode: str, rows: list[int] | None) -> tuple[list[Signal], float]:
        """The mode's signals, in fusion order, and the dense margin (0.0 without the dense signal)."""
        s = self.settings
        keyword = self.keyword.scores(q.tokens, rows) if mode != "dense" else {}
        translated = self.keyword.scores(q.translated, rows) if mode != "dense" else {}
        if mode == "keyword":
            return [
                Signal("keyword", keyword, q.coverage or 1.0, 0.0),
                Signal("translation", translated, q.translated_share, 0.0),
            ], 0.0
        vector = self.encoder.encode_queries([q.cleaned.text])
        dense = self.dense.scores(vector, q.lang, rows, s, glosses=mode == "hybrid")
        if mode == "dense":
            return [Signal("dense", dense.passages, s.dense_weight, None)], dense.margin
        # The keyword side counts only as far as the question's words exist in the corpus: an English
        # question over Japanese slides matches at most EU/G7/MIT, plus what its words translate to.
        return [
            Signal("dense", dense.passages, s.dense_weight, None),
            Signal("keyword", keyword, s.keyword_weight * q.coverage, 0.0),
            Signal("translation", translated, s.translation_weight * q.translated_share, 0.0),
            Signal("latent", self.latent.scores(q.words, rows), s.latent_weight, None),
            Signal("gloss", dense.glosses, s.gloss_weight, None),
        ], dense.margin

    def _completed(self, groups, final: dict[int, float]):
        """Each slide group with its slide's other passages appended (up to MORE_PER_SLIDE) at the lowest
        score of the search, so the passage that answers is never dropped for not being a candidate."""
        floor = min(final.values(), default=0.0)
        out = []
        for (row, score), more in groups:
            listed = {row, *(j for j, _ in more)}
            extra = [(j, floor) for j in self._slide_rows.get(self.structure.slide_of[row], []) if j not in listed]
            out.append(((row, score), (more + extra)[:MORE_PER_SLIDE]))
        return out

    def _hits(self, groups, evidence: Evidence) -> list[Hit]:
        """One Hit per slide group: its best passage, the calibrated relevance, the further passages under it."""
        hits, passages = [], self.passages
        for rank, ((i, score), more) in enumerate(groups, 1):
            p = passages[i]
            under = tuple(More(j, passages[j].text, passages[j].context, passages[j].kind, v) for j, v in more)
            relevance = self.settings.relevance.probability(score, evidence)
            slide = self.slide(p.doc, p.slide)
            ocr = slide is not None and slide.ocr
            hits.append(Hit(rank, score, p.doc, p.slide, p.title, p.text, p.context, i, p.kind, relevance, under, ocr))
        return hits

    def _overlap(self, tokens: list[str], translated: list[str], passage_id: int) -> float:
        """Share of the question's distinct words (a translation counts once) found in a passage."""
        distinct = set(tokens)
        found = len(self.store.held_by(distinct, passage_id))
        found += 1 if self.store.held_by(translated, passage_id) else 0
        return found / max(len(distinct), 1)
