"""Micro-batching: concurrent questions share encoder calls and get exactly their own vectors."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from qa.batching import MAX_BATCH, BatchingEncoder


class SlowEncoder:
    """A fake encoder (plumbing only): one row per text, each call takes a fixed time."""

    model_id = "fake"
    dim = 3

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.calls: list[list[str]] = []

    def encode_queries(self, texts):
        self.calls.append(list(texts))
        time.sleep(self.seconds)
        return np.array([[len(t), ord(t[0]), i] for i, t in enumerate(texts)], dtype=np.float32)

    def encode_passages(self, texts, progress=False):
        return self.encode_queries(texts)


def test_a_lone_caller_is_not_delayed_and_gets_its_rows():
    inner = SlowEncoder(0.0)
    encoder = BatchingEncoder(inner, max_wait_s=0.5)
    started = time.perf_counter()
    out = encoder.encode_queries(["ab", "c"])
    assert time.perf_counter() - started < 0.25  # the 0.5 s wait applies only under load
    assert out[:, :2].tolist() == [[2, ord("a")], [1, ord("c")]]
    assert inner.calls == [["ab", "c"]]


def test_concurrent_callers_share_calls_and_each_gets_its_own_vector():
    inner = SlowEncoder(0.05)
    encoder = BatchingEncoder(inner, max_wait_s=0.01)
    texts = [f"{chr(97 + i % 26)}{'x' * i}" for i in range(32)]
    barrier = threading.Barrier(32)

    def ask(text):
        barrier.wait()
        return text, encoder.encode_queries([text])

    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(ask, texts))
    for text, vector in results:
        assert vector.shape == (1, 3) and vector[0, 0] == len(text) and vector[0, 1] == ord(text[0])
    assert sum(len(c) for c in inner.calls) == 32
    # 32 callers in batches of at most MAX_BATCH; the first may go alone, since a lone caller never waits
    assert len(inner.calls) <= -(-32 // MAX_BATCH) + 1, inner.calls
    assert encoder.stats.requests == 32 and encoder.stats.largest >= 8


def test_a_failing_encoder_call_reaches_the_callers_and_the_worker_survives():
    class Broken(SlowEncoder):
        def encode_queries(self, texts):
            if texts == ["boom"]:
                raise RuntimeError("model crashed")
            return super().encode_queries(texts)

    encoder = BatchingEncoder(Broken(0.0))
    with pytest.raises(RuntimeError, match="model crashed"):
        encoder.encode_queries(["boom"])
    assert encoder.encode_queries(["ok"]).shape == (1, 3)


def test_the_real_encoder_gives_the_same_vectors_batched(searcher):
    questions = ["EUのホライゾン・ヨーロッパの投資総額は？", "What did the G7 agree on research security?"] * 4
    inner = getattr(searcher.encoder, "inner", searcher.encoder)
    encoder = BatchingEncoder(inner, max_wait_s=0.01)
    with ThreadPoolExecutor(8) as pool:
        batched = list(pool.map(lambda q: encoder.encode_queries([q])[0], questions))
    alone = inner.encode_queries(questions)
    np.testing.assert_allclose(np.stack(batched), alone, atol=1e-4)
    assert encoder.stats.calls < len(questions)
