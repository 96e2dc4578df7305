"""The VectorStore boundary: Qdrant (local mode) gives the same answers as FAISS on the briefing."""

from __future__ import annotations

import numpy as np
import pytest

from qa.errors import QAError
from qa.search import Searcher
from qa.stores import FaissStore, open_store

pytest.importorskip("qdrant_client")

QUESTIONS = [
    "EUのホライゾン・ヨーロッパの投資総額は？",
    "英国のグローバル・タレント・ビザはいつ導入された？",
    "What is the total budget of Horizon Europe?",
    "What did the G7 agree on research security?",
    "Horizon Europe",
]


@pytest.fixture(scope="module")
def qdrant_searcher(searcher, tmp_path_factory):
    other = Searcher(searcher.index, searcher.encoder, searcher.settings)
    other.store = open_store(f"qdrant://{tmp_path_factory.mktemp('qdrant')}", searcher.index)
    return other


def test_default_store_is_faiss(searcher):
    assert isinstance(searcher.store, FaissStore)
    assert isinstance(open_store("faiss", searcher.index), FaissStore)


@pytest.mark.parametrize("uri", ["milvus://x", "qdrant://", "faiss://x", "nonsense"])
def test_unknown_store_is_refused_in_one_line(searcher, uri):
    with pytest.raises(QAError, match="unknown store") as exc:
        open_store(uri, searcher.index)
    assert "\n" not in str(exc.value)


def test_dense_neighbours_match_faiss(searcher, qdrant_searcher):
    vectors = searcher.encoder.encode_queries(QUESTIONS)
    f_scores, f_rows = FaissStore(searcher.index).search(vectors, 20)
    q_scores, q_rows = qdrant_searcher.store.search(vectors, 20)
    np.testing.assert_allclose(q_scores, f_scores, atol=1e-4)
    for f_row, f_score, q_row, q_score in zip(f_rows, f_scores, q_rows, q_scores, strict=True):
        # The same neighbours with the same scores; passages of equal score (a slide repeated
        # word for word) may come in either order, so rows are compared by their scores.
        faiss_of = dict(zip(f_row.tolist(), f_score.tolist(), strict=True))
        shared = [(row, score) for row, score in zip(q_row.tolist(), q_score.tolist(), strict=True) if row in faiss_of]
        assert len(shared) >= 19 and all(abs(faiss_of[row] - score) < 1e-4 for row, score in shared)
        above_tie = {
            row
            for row, score in zip(f_row[:10].tolist(), f_score[:10].tolist(), strict=True)
            if score > f_score[9] + 1e-4
        }
        assert above_tie <= set(q_row[:10].tolist())


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


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_same_answers_as_faiss(searcher, qdrant_searcher, question, mode):
    expected = searcher.search(question, k=5, mode=mode).to_json()
    got = qdrant_searcher.search(question, k=5, mode=mode).to_json()
    assert [(h["doc"], h["slide"], h["text"]) for h in got["hits"]] == [
        (h["doc"], h["slide"], h["text"]) for h in expected["hits"]
    ]
    assert got["low_confidence"] == expected["low_confidence"]


def test_a_reopened_store_reuses_the_collection(searcher, tmp_path):
    first = open_store(f"qdrant://{tmp_path}", searcher.index)
    second = open_store(f"qdrant://{tmp_path}", searcher.index)  # e.g. after an upload: same client
    assert second.client is first.client
    assert second.client.count(second.collection).count == len(searcher.passages)
    assert [c.name for c in second.client.get_collections().collections] == [second.collection]


def test_cli_ask_through_qdrant(cli_env, tmp_path):
    import json
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
