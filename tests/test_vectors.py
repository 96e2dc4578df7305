"""FAISS index choice and the fast paths checked against brute force (numpy argsort)."""

import faiss
import numpy as np
import pytest

from qa.errors import QAError
from qa.vectors import FLAT_LIMIT, IVF_MIN, VectorConfig, build_vector_index


def unit_rows(rng, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def clustered(rng, n: int, dim: int = 64, centres: int = 60, noise: float = 0.35) -> np.ndarray:
    """Perturbed copies of a few centres: embeddings of a corpus cluster by topic."""
    base = unit_rows(rng, centres, dim)
    x = base[rng.integers(0, centres, n)] + noise * unit_rows(rng, n, dim)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def exact_top(data: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ data.T), axis=1, kind="stable")[:, :k]


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def test_flat_top_k_is_numpy_argsort_top_k():
    rng = np.random.default_rng(0)
    data, queries = unit_rows(rng, 500, 32), unit_rows(rng, 20, 32)
    index = build_vector_index(data, VectorConfig(kind="flat"))
    scores, ids = index.search(queries, 10)
    truth = exact_top(data, queries, 10)
    assert np.array_equal(ids, truth)
    assert np.allclose(scores, np.take_along_axis(queries @ data.T, truth, axis=1), atol=1e-5)


def test_the_approximate_index_finds_the_exact_neighbours():
    rng = np.random.default_rng(1)
    data = clustered(rng, 4000)
    queries = clustered(np.random.default_rng(2), 100)
    index = build_vector_index(data, VectorConfig(kind="ivf"))
    assert index.ntotal == len(data)
    assert isinstance(index, faiss.IndexIVFFlat)
    _, ids = index.search(queries, 10)
    assert recall_at(ids, exact_top(data, queries, 10)) >= 0.95


def test_auto_picks_by_corpus_size():
    config = VectorConfig()
    assert config.resolve(0) == config.resolve(FLAT_LIMIT - 1) == "flat"
    assert config.resolve(FLAT_LIMIT) == "ivf"
    assert VectorConfig(flat_limit=10).resolve(20) == "flat"  # an IVF needs IVF_MIN vectors to be worth it
    assert VectorConfig(kind="ivf").resolve(IVF_MIN - 1) == "flat"
    assert VectorConfig(kind="ivf").resolve(IVF_MIN) == "ivf"


def test_unknown_kind_is_a_user_error():
    with pytest.raises(QAError, match="unknown vector index kind"):
        build_vector_index(np.zeros((3, 4), dtype=np.float32), VectorConfig(kind="annoy"))


def test_empty_and_tiny_inputs_build_searchable_indexes():
    for kind in ("auto", "flat", "ivf"):
        index = build_vector_index(np.zeros((0, 8), dtype=np.float32), VectorConfig(kind=kind))
        assert index.ntotal == 0
        _, ids = index.search(np.ones((1, 8), dtype=np.float32), 3)
        assert (ids == -1).all()


def test_ivf_survives_a_file_round_trip_with_rows_and_depth(tmp_path):
    rng = np.random.default_rng(3)
    data = clustered(rng, 3000)
    index = build_vector_index(data, VectorConfig(kind="ivf", ivf_nprobe=5))
    path = tmp_path / "vectors.faiss"
    faiss.write_index(index, str(path))
    loaded = faiss.read_index(str(path))
    assert loaded.nprobe == 5 and loaded.nlist == VectorConfig().lists(len(data))
    rows = np.array([0, 17, 2999], dtype=np.int64)
    # search.py rescores candidates from the stored rows
    assert np.allclose(loaded.reconstruct_batch(rows), data[rows])
    assert np.array_equal(loaded.search(data[:5], 1)[1][:, 0], np.arange(5))


def test_ivf_lists_follow_the_square_root_rule():
    config = VectorConfig()
    assert config.lists(1_000_000) == 4000
    assert config.lists(100_000) == round(4 * 100_000**0.5)
    assert config.lists(2_000) == 2_000 // 40  # too few vectors to train 179 lists
    assert VectorConfig(ivf_lists=64).lists(1_000_000) == 64
