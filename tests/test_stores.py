"""The store boundary (qa/stores): Qdrant (local mode) gives the same answers as the FAISS store, from Qdrant alone."""

from __future__ import annotations

import copy
import json
from dataclasses import astuple, replace

import numpy as np
import pytest

from qa.errors import QAError
from qa.search import Searcher
from qa.stores import FaissStore, open_store

from .conftest import BRIEFING_DOC, ROOT

pytest.importorskip("qdrant_client")

QUESTIONS = [
    "EUのホライゾン・ヨーロッパの投資総額は？",
    "英国のグローバル・タレント・ビザはいつ導入された？",
    "What is the total budget of Horizon Europe?",
    "What did the G7 agree on research security?",
    "Horizon Europe",
]
# the briefing's dev questions only: the test split is never read here
DEV = [
    q["question"]
    for q in map(json.loads, (ROOT / "corpus" / "questions" / "briefing.jsonl").read_text().splitlines())
    if q["split"] == "dev"
]


@pytest.fixture(scope="module")
def qdrant_searcher(searcher, tmp_path_factory):
    other = Searcher(searcher.index, searcher.encoder, searcher.settings)
    other.store = open_store(f"qdrant://{tmp_path_factory.mktemp('qdrant')}", searcher.index)
    return other


def test_default_store_is_faiss(searcher):
    assert isinstance(searcher.store, FaissStore)
    assert isinstance(open_store("faiss", searcher.index), FaissStore)


@pytest.mark.parametrize(
    "uri", ["milvus://x", "qdrant://", "qdrant+http://", "qdrant+ftp://x", "faiss://x", "nonsense"]
)
def test_unknown_store_is_refused_in_one_line(searcher, uri):
    with pytest.raises(QAError, match="unknown store") as exc:
        open_store(uri, searcher.index)
    assert "\n" not in str(exc.value)


def test_an_unreachable_server_is_refused_in_one_line(searcher):
    with pytest.raises(QAError, match="qdrant store at http://127.0.0.1:9") as exc:
        open_store("qdrant+http://127.0.0.1:9", searcher.index)  # the discard port: nothing listens
    assert "\n" not in str(exc.value)


def test_dense_reads_match_faiss(searcher, qdrant_searcher):
    faiss, qdrant = FaissStore(searcher.index), qdrant_searcher.store
    for question, lang in zip(searcher.encoder.encode_queries(QUESTIONS), ["ja", "ja", "en", "en", "en"], strict=True):
        f, q = faiss.nearest_passages(question, 20, lang), qdrant.nearest_passages(question, 20, lang)
        # The same neighbours with the same scores; passages of equal score (a slide repeated
        # word for word) may come in either order, so rows are compared by their scores.
        np.testing.assert_allclose(q.cosines, f.cosines, atol=1e-6)
        assert {r: c for r, c in zip(q.rows.tolist(), q.cosines.tolist(), strict=True) if c > f.cosines[-1] + 1e-6} == {
            r: c for r, c in zip(f.rows.tolist(), f.cosines.tolist(), strict=True) if c > f.cosines[-1] + 1e-6
        }
        rows = sorted(set(f.rows.tolist()) | {0, 1, 2})
        f, q = faiss.passages_at(question, rows, lang), qdrant.passages_at(question, rows, lang)
        assert q.rows.tolist() == rows and np.array_equal(q.cosines, f.cosines)  # the same float32 arithmetic
        assert np.array_equal(q.hubness, f.hubness) and np.array_equal(q.glossed, f.glossed)
        assert q.glossed.any()
        f, q = faiss.nearest_glosses(question, 10), qdrant.nearest_glosses(question, 10)
        np.testing.assert_allclose(q.cosines, f.cosines, atol=1e-5)
        above = f.cosines > f.cosines[-1] + 1e-5  # as above: glosses of equal score in either order
        assert set(q.owners[q.cosines > f.cosines[-1] + 1e-5].tolist()) == set(f.owners[above].tolist())
        f, q = faiss.gloss_cosines(question, rows), qdrant.gloss_cosines(question, rows)
        assert len(f.owners) and np.array_equal(q.owners, f.owners) and np.array_equal(q.cosines, f.cosines)
    assert qdrant.has_glosses and qdrant.size == faiss.size


def test_sparse_vectors_reproduce_bm25_exactly(searcher, qdrant_searcher):
    matched = 0
    for question in QUESTIONS:
        words, bigrams = searcher.tokenizer.terms(question)
        tokens = words + bigrams
        expected = searcher.index.keyword.scores(tokens)
        got = qdrant_searcher.store.keyword_scores(tokens)
        matched += bool(expected.any())
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert matched >= 3
    assert not qdrant_searcher.store.keyword_scores(["zzzz-unknown"]).any()


def test_latent_terms_and_held_words_match_faiss(searcher, qdrant_searcher):
    faiss, qdrant = FaissStore(searcher.index), qdrant_searcher.store
    assert qdrant.has_latent and faiss.has_latent
    some = np.arange(0, faiss.size, 3)[::-1]  # a deck filter's rows, in any order
    for question in QUESTIONS:
        words = searcher.tokenizer.terms(question)[0]
        query = searcher.index.latent_words.query(words, searcher.index.keyword.idf)
        expected = faiss.latent_scores(query, None)
        assert expected.any()
        np.testing.assert_allclose(qdrant.latent_scores(query, None), expected, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(qdrant.latent_scores(query, some), expected[some], rtol=1e-5, atol=1e-5)
    tokens = {t for p in searcher.passages[:6] for t in searcher.tokenizer.tokens(p.embedding_text())}
    tokens.add("存在しない語")
    for row in range(0, faiss.size, 5):
        assert qdrant.held_by(tokens, row) == faiss.held_by(tokens, row)


def same_answers(expected, got) -> list[str]:
    """What differs between two answers: slides, passages, order, scores (to ~1e-5), the flag, the line."""

    def shown(answer):
        return [(h.doc, h.slide, h.passage_id, [m.passage_id for m in h.more]) for h in answer.hits]

    def numbers(answer):
        scores = [(h.score, h.relevance, *(m.score for m in h.more)) for h in answer.hits]
        return [x for row in scores for x in row] + list(astuple(answer.evidence) if answer.evidence else ())

    problems = []
    if shown(got) != shown(expected):
        problems.append(f"hits {shown(got)} != {shown(expected)}")
    # Qdrant sums sparse dot products (BM25, latent terms) into float32 in its own order: ~1e-7
    # relative per signal, which the z-score fusion scales up to ~1e-5 of a fused score
    elif not np.allclose(numbers(got), numbers(expected), rtol=1e-5, atol=1e-5):
        problems.append("scores")
    if got.low_confidence != expected.low_confidence:
        problems.append("low_confidence")
    if (got.line and got.line.text) != (expected.line and expected.line.text):
        problems.append("answer line")
    return [f"{got.mode} {got.question}: {p}" for p in problems]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_same_answers_as_faiss_on_the_dev_questions(searcher, qdrant_searcher, mode):
    assert len(DEV) > 50
    problems = []
    for question in DEV:
        problems += same_answers(
            searcher.search(question, k=5, mode=mode), qdrant_searcher.search(question, k=5, mode=mode)
        )
    assert not problems, "\n".join(problems)


class Untouchable:
    """Stands in for a per-passage part of the loaded index: any read of it fails the test."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr):
        raise AssertionError(f"the search read {self._name}.{attr}")

    def __getitem__(self, key):
        raise AssertionError(f"the search read {self._name}[{key!r}]")

    def __len__(self):
        raise AssertionError(f"the search read len({self._name})")

    def __iter__(self):
        raise AssertionError(f"the search iterated {self._name}")

    def __array__(self, *args, **kwargs):
        raise AssertionError(f"the search read {self._name} as an array")


class DocumentFrequencies(dict):
    """The BM25 matrix's column sizes and row count: each word's idf, analysis data the search may read."""

    def __missing__(self, key):
        raise AssertionError(f"the search read the BM25 matrix's {key}")


def test_the_qdrant_searcher_reads_no_passage_data_of_the_loaded_index(searcher, tmp_path):
    index = searcher.index
    folder = tmp_path / "qdrant"
    open_store(f"qdrant://{folder}", index)  # filled from the whole loaded index
    keyword = copy.copy(index.keyword)
    matrix = index.keyword._bm25.scores
    keyword._bm25 = Untouchable("the BM25 retriever")
    keyword._bm25.__dict__["scores"] = DocumentFrequencies(num_docs=matrix["num_docs"], indptr=matrix["indptr"])
    bare = replace(
        index,
        vectors=Untouchable("the FAISS index"),
        glosses=Untouchable("the gloss FAISS index"),
        gloss_owner=Untouchable("the gloss owners"),
        hubness=Untouchable("the hubness rows"),
        latent=Untouchable("the latent terms"),
        keyword=keyword,
    )
    alone = Searcher(bare, searcher.encoder, searcher.settings)
    alone.store = open_store(f"qdrant://{folder}", bare)  # the filled collections, reopened
    problems = []
    for question in [*QUESTIONS, *DEV[:10]]:
        for mode in ("hybrid", "dense", "keyword"):
            problems += same_answers(searcher.search(question, k=5, mode=mode), alone.search(question, k=5, mode=mode))
        # a deck filter reads given rows (passages, glosses, latent terms) instead of the nearest
        filtered = searcher.search(question, k=5, doc=BRIEFING_DOC)
        problems += same_answers(filtered, alone.search(question, k=5, doc=BRIEFING_DOC))
    assert not problems, "\n".join(problems)
    with pytest.raises(AssertionError, match="FAISS index"):  # the stand-ins do fail when read
        Searcher(bare, searcher.encoder, searcher.settings).search(QUESTIONS[0], k=5, mode="dense")


def test_a_reopened_store_reuses_the_collections(searcher, tmp_path):
    first = open_store(f"qdrant://{tmp_path}", searcher.index)
    first.client.create_collection("passages-build-older", vectors_config={})  # an older build's
    second = open_store(f"qdrant://{tmp_path}", searcher.index)  # e.g. after an upload: same client
    assert second.client is first.client
    assert second.client.count(second.collection).count == len(searcher.passages)
    assert second.client.count(second.gloss_collection).count == searcher.index.glosses.ntotal
    assert sorted(c.name for c in second.client.get_collections().collections) == sorted(
        [second.gloss_collection, second.collection]
    )
    point = second.client.retrieve(second.collection, ids=[0], with_payload=True)[0]
    p = searcher.passages[0]
    assert (point.payload["doc"], point.payload["slide"], point.payload["text"]) == (p.doc, p.slide, p.text)


def test_cli_ask_through_qdrant(cli_env, tmp_path):
    import subprocess
    import sys

    question = "EUのホライゾン・ヨーロッパの投資総額は？"
    env = dict(cli_env, QA_STORE=f"qdrant://{tmp_path / 'q'}")
    out = subprocess.run(
        [sys.executable, "-m", "qa", "ask", "--json", question], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "Exception" not in out.stderr and "Traceback" not in out.stderr
    assert "955億ユーロ" in json.loads(out.stdout)["hits"][0]["text"]
