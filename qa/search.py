"""Searcher.search(question, k, mode) -> Answer: dense + keyword retrieval, fused and grouped."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunking import Passage
from .documents import Slide
from .encoders import Encoder, load_encoder
from .errors import QAError
from .fusion import group_by_slide, ranked, reciprocal_rank_fusion, weighted_zscore_fusion
from .hubness import row_for
from .index import LoadedIndex, ensure_index
from .lang import MAX_QUESTION_CHARS, clean_question, detect_language
from .sentences import best_sentence_scores
from .stores import FaissStore

MODES = ("hybrid", "dense", "keyword")
MAX_K = 50


@dataclass(frozen=True)
class SearchSettings:
    """Retrieval knobs; the defaults are the measured best (see README, 'Retrieval quality')."""

    fusion: str = "zscore"  # zscore | rrf
    dense_weight: float = 2.0
    keyword_weight: float = 1.5  # scaled by the share of question tokens the index knows
    translation_weight: float = 1.0  # English words translated through JMdict, scaled likewise
    sentence_weight: float = 1.5  # a long passage's best sentence (qa/sentences.py)
    # CSLS: subtract this times the passage's similarity to generic questions of the
    # question's language (English questions suffer most from hub passages).
    hubness_en: float = 1.0
    hubness_ja: float = 0.3
    rrf_k: int = 60
    pool: int = 200  # candidates taken from each signal before fusion
    per_slide: int = 2
    # "No good match" when no passage beats what generic questions reach (best cosine
    # minus hubness below this, per language) and the top passage shares less than a
    # third of the question's words. Calibrated on corpus/questions/ (README).
    min_margin_ja: float = 0.035
    min_margin_en: float = 0.015
    min_overlap: float = 0.34


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    doc: str
    slide: int
    title: str
    text: str
    context: str
    passage_id: int
    kind: str = "paragraph"  # the passage's kind; "note" = speaker notes
    relevance: float = 0.0  # calibrated 0-1: how likely this hit answers (comparable across questions)


@dataclass
class Answer:
    question: str
    lang: str
    mode: str
    hits: list[Hit]
    low_confidence: bool
    notices: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The `qa ask --json` object."""
        return {
            "question": self.question,
            "lang": self.lang,
            "mode": self.mode,
            "low_confidence": self.low_confidence,
            "notices": self.notices,
            "hits": [
                {
                    "rank": h.rank,
                    "score": round(h.score, 4),
                    "doc": h.doc,
                    "slide": h.slide,
                    "title": h.title,
                    "text": h.text,
                    "context": h.context,
                    "kind": h.kind,
                    "relevance": round(h.relevance, 3),
                }
                for h in self.hits
            ],
        }


class Searcher:
    """Answers questions from one loaded index with one encoder."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, settings: SearchSettings = SearchSettings()) -> None:
        if index.manifest.get("model") != encoder.model_id:
            raise QAError(f"the index was built with {index.manifest.get('model')}, not {encoder.model_id}")
        self.index = index
        self.encoder = encoder
        self.settings = settings
        self.tokenizer = index.keyword.tokenizer
        self._slide_of = [(p.doc, p.slide) for p in index.passages]
        self._doc_rows = {}
        for i, p in enumerate(index.passages):
            self._doc_rows.setdefault(p.doc, []).append(i)
        self._slides = {(s.doc, s.number): s for s in index.slides}
        self._faiss_lock = threading.Lock()
        self.store = FaissStore(index)  # qa/stores: where dense and keyword search run

    @classmethod
    def open(
        cls,
        corpus_dir: Path,
        index_dir: Path,
        *,
        model: str | None = None,
        settings: SearchSettings = SearchSettings(),
        notify: Callable[[str], None] = lambda message: None,
    ) -> Searcher:
        """Load (building or rebuilding when needed) the index of a corpus."""
        encoder = load_encoder(model)
        return cls(ensure_index(corpus_dir, index_dir, encoder, notify=notify), encoder, settings)

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
        return [(i, p) for i, p in enumerate(self.index.passages) if p.doc == doc and p.slide == number]

    # ------------------------------------------------------------ searching

    def _dense(
        self, question: str, lang: str, rows: list[int] | None
    ) -> tuple[dict[int, float], dict[int, float], float]:
        """Passage and best-sentence scores (cosine minus weighted hubness, CSLS) and the best full margin."""
        vector = self.encoder.encode_queries([question])
        allowed = None if rows is None else set(rows)
        if rows is None:
            with self._faiss_lock:
                _, ids = self.store.search(vector, min(len(self.index.passages), self.settings.pool))
            rows = [int(i) for i in ids[0] if i >= 0]
        stored = self.index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        cosine = stored @ vector[0]
        hub_row = self.index.hubness[row_for(lang)]
        hub = hub_row[rows]
        weight = self.settings.hubness_ja if lang == "ja" else self.settings.hubness_en
        margin = float((cosine - hub).max()) if len(rows) else -1.0
        passages = dict(zip(rows, (cosine - weight * hub).tolist(), strict=True))

        best = dict(zip(rows, cosine.tolist(), strict=True))  # a one-sentence passage is its own sentence
        sentences = self.index.sentences
        if sentences.ntotal and self.settings.sentence_weight > 0:
            with self._faiss_lock:
                sims, ids = sentences.search(vector, min(sentences.ntotal, 3 * self.settings.pool))
            for row, sim in best_sentence_scores(sims[0], ids[0], self.index.sentence_owner).items():
                if (allowed is None or row in allowed) and sim > best.get(row, -2.0):
                    best[row] = sim
        sentence_scores = {row: sim - weight * float(hub_row[row]) for row, sim in best.items()}
        return passages, sentence_scores, margin

    def _keyword(self, tokens: list[str], rows: list[int] | None) -> dict[int, float]:
        if not tokens:
            return {}
        scores = self.store.keyword_scores(tokens)
        if rows is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[rows] = True
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores, kind="stable")[: self.settings.pool]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def search(self, question: str, k: int = 5, mode: str = "hybrid", doc: str | None = None) -> Answer:
        """The best passages for a question, grouped by slide, with a no-good-match flag."""
        if mode not in MODES:
            raise QAError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        try:
            k = max(1, min(int(k), MAX_K))
        except (TypeError, ValueError, OverflowError):
            raise QAError(f"k must be a whole number from 1 to {MAX_K}") from None
        notices = []
        cleaned = clean_question(question)
        original, text = cleaned.shown, cleaned.text
        lang = detect_language(text)
        if cleaned.truncated:
            notices.append(
                f"質問が長すぎるため、最初の{MAX_QUESTION_CHARS}文字で検索しました。"
                if lang == "ja"
                else f"The question was cut to its first {MAX_QUESTION_CHARS} characters."
            )
        if not text or not any(ch.isalnum() for ch in text):
            notices.append("質問を入力してください。" if lang == "ja" else "Please type a question.")
            return Answer(original, lang, mode, [], True, notices)
        rows = None
        if doc:
            if doc not in self._doc_rows:
                raise QAError(f"no document named {doc!r}; see `qa slides` for the names")
            rows = self._doc_rows[doc]

        s = self.settings
        words, bigrams = self.tokenizer.terms(text)
        tokens = words + bigrams
        coverage = len(self.index.keyword.known(words)) / len(words) if words else 0.0
        dense, sentences, margin = self._dense(text, lang, rows) if mode != "keyword" else ({}, {}, 0.0)
        keyword = self._keyword(tokens, rows) if mode != "dense" else {}
        translated, translated_share = ([], 0.0)
        if mode != "dense" and s.translation_weight > 0:
            translated, translated_share = self.index.keyword.translate(words)
        translated_scores = self._keyword(translated, rows)

        if mode == "dense":
            fused = weighted_zscore_fusion([(dense, s.dense_weight, None), (sentences, s.sentence_weight, None)])
        elif mode == "keyword":
            fused = weighted_zscore_fusion(
                [(keyword, coverage or 1.0, 0.0), (translated_scores, translated_share, 0.0)]
            )
        elif s.fusion == "rrf":
            fused = reciprocal_rank_fusion(
                [[i for i, _ in ranked(x)] for x in (dense, sentences, keyword, translated_scores)],
                [
                    s.dense_weight,
                    s.sentence_weight,
                    s.keyword_weight * coverage,
                    s.translation_weight * translated_share,
                ],
                s.rrf_k,
            )
        else:
            # The keyword side counts only as far as the question's words exist in the
            # corpus: an English question over Japanese slides matches at most EU/G7/MIT,
            # plus what its words translate to.
            fused = weighted_zscore_fusion(
                [
                    (dense, s.dense_weight, None),
                    (sentences, s.sentence_weight, None),
                    (keyword, s.keyword_weight * coverage, 0.0),
                    (translated_scores, s.translation_weight * translated_share, 0.0),
                ]
            )

        top = group_by_slide(ranked(fused), self._slide_of, k, s.per_slide)
        hits = []
        for rank, (i, score) in enumerate(top, start=1):
            p = self.index.passages[i]
            relevance = 1.0 / (1.0 + math.exp(-(score - 6.0) / 3.0))  # provisional until calibrated
            hits.append(Hit(rank, score, p.doc, p.slide, p.title, p.text, p.context, i, p.kind, relevance))
        if mode == "keyword":
            low = not keyword and not translated_scores
        else:
            low = bool(hits) and margin < (s.min_margin_ja if lang == "ja" else s.min_margin_en)
            if low:  # a weak semantic match still counts when the words agree
                low = self._overlap(words, translated, hits[0].passage_id) < s.min_overlap
        return Answer(original, lang, mode, hits, bool(low or not hits), notices)

    def _overlap(self, tokens: list[str], translated: list[str], passage_id: int) -> float:
        """Share of the question's distinct words (a translation counts once) found in a passage."""
        present = set(self.tokenizer.tokens(self.index.passages[passage_id].embedding_text()))
        distinct = set(tokens)
        found = len(distinct & present) + (1 if present & set(translated) else 0)
        return found / max(len(distinct), 1)
