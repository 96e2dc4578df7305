"""English glosses of Japanese passages (qa/gloss.py) and their use for English questions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from qa.chunking import Passage
from qa.gloss import gloss, gloss_units
from qa.lang import default_tokenizer
from qa.translate import JAPANESE, headwords


def test_a_japanese_text_is_written_word_by_word_in_english():
    out = gloss("MongoDBのレプリカセットを作る", default_tokenizer(), headwords()).split()
    assert out[:3] == ["mongodb", "replica", "set"]  # Latin words kept, katakana glossed, particles gone
    assert not any(JAPANESE.search(word) for word in out)


def test_a_compound_falls_back_to_its_parts_and_an_unknown_word_is_left_out():
    table = {"予算": ("budget",), "開発": ("development",)}
    assert gloss("研究開発の予算", default_tokenizer(), table) == "development budget"


def test_only_japanese_passages_are_glossed():
    rows = [
        Passage(doc="a", slide=1, title="Agenda", text="What is Django?"),
        Passage(doc="b", slide=1, title="研究開発の動向", text="予算は増えている"),
    ]
    texts, owners = gloss_units(rows, default_tokenizer())
    assert owners.tolist() == [1] and texts[0].split()[:2] == ["research", "trend"]


def test_the_index_holds_the_gloss_vector_of_every_japanese_passage(searcher):
    index = searcher.index
    texts, owners = gloss_units(index.passages, default_tokenizer())
    assert np.array_equal(index.gloss_owner, owners) and index.glosses.ntotal == len(owners) > 0
    stored = index.glosses.reconstruct(0)
    assert np.allclose(stored, searcher.encoder.encode_passages(texts[:1])[0], atol=1e-5)


def test_english_questions_are_matched_against_the_glosses(searcher):
    from qa.search import Searcher

    owners = set(searcher.index.gloss_owner.tolist())

    def glosses(question: str, lang: str, hybrid: bool = True) -> dict:
        vector = searcher.encoder.encode_queries([question])
        return searcher.dense.scores(vector, lang, None, searcher.settings, glosses=hybrid).glosses

    assert owners <= set(glosses("What is the research budget?", "en"))  # every gloss (fewer than the pool)
    assert glosses("What is the research budget?", "en", hybrid=False) == {}  # dense mode does not fuse them
    assert glosses("研究開発の予算は？", "ja") == {}  # a Japanese question reads Japanese
    off = Searcher(searcher.index, searcher.encoder, replace(searcher.settings, gloss_weight=0.0))
    question = "Which countries is Japan strengthening research cooperation with?"
    with_glosses = [(h.passage_id, round(h.score, 6)) for h in searcher.search(question, k=5).hits]
    without = [(h.passage_id, round(h.score, 6)) for h in off.search(question, k=5).hits]
    assert with_glosses != without  # the signal is fused


def test_gloss_rows_out_of_step_make_the_index_invalid(searcher):
    from qa.index.loaded import _in_step

    index = replace(searcher.index, gloss_owner=searcher.index.gloss_owner + len(searcher.index.passages))
    assert _in_step(searcher.index) and not _in_step(index)


def test_a_passage_without_a_gloss_counts_by_its_own_cosine(searcher):
    """In a corpus of both languages an English passage has no gloss: its English rendering is
    itself, so the gloss signal takes its own cosine (not the signal's lowest score)."""
    import faiss

    from qa.search import Searcher

    index = searcher.index
    keep = index.gloss_owner != 0  # passage 0 loses its gloss, as an English passage has none
    vectors = index.glosses.reconstruct_n(0, index.glosses.ntotal)[keep]
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    partial = replace(index, glosses=flat, gloss_owner=index.gloss_owner[keep])
    question = "What is the research budget?"
    vector = searcher.encoder.encode_queries([question])
    partly = Searcher(partial, searcher.encoder, searcher.settings)
    glossed = partly.dense.scores(vector, "en", None, searcher.settings, glosses=True).glosses
    assert abs(glossed[0] - float(index.vectors.reconstruct(0) @ vector[0])) < 1e-5
