"""Micro-batching: questions asked at the same moment share one encoder call.

The encoder embeds a batch of 32 questions in little more time than one (the model
runs a padded matrix product either way), so under load one call per question wastes
most of the cores. `BatchingEncoder` wraps any encoder: callers on many threads hand
their texts to one worker, which encodes everything queued meanwhile in one call.
Under load (the previous call served more than one caller) the worker also waits at
most `max_wait_s` for questions about to arrive; a lone user never waits.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

# Most questions per encoder call. On 2 cores the small model embeds 8 questions about
# as fast per question as 32 (bench/serve_load.py's encoder part), so larger batches
# only make a question wait for a longer call: 8 keeps the queue moving (lower p95).
MAX_BATCH = 8


@dataclass
class _Request:
    texts: list[str]
    done: Future = field(default_factory=Future)


@dataclass
class BatchStats:
    """How the worker grouped the calls so far (for the benchmark and tests)."""

    calls: int = 0  # encoder calls made
    requests: int = 0  # encode_queries calls served
    largest: int = 0  # most requests in one encoder call


class BatchingEncoder:
    """An encoder whose `encode_queries` gathers concurrent callers into one call of the inner encoder."""

    def __init__(self, inner, *, max_wait_s: float = 0.004, max_batch: int = MAX_BATCH) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = getattr(inner, "dim", None)
        self.max_wait_s = max_wait_s
        self.max_batch = max_batch
        self.stats = BatchStats()
        self._queue: queue.Queue[_Request] = queue.Queue()
        self._last_batch = 0
        self._worker = threading.Thread(target=self._run, name="qa-batching", daemon=True)
        self._worker.start()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        request = _Request(list(texts))
        self._queue.put(request)
        return request.done.result()

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self.inner.encode_passages(texts, progress=progress)

    def _gather(self) -> list[_Request]:
        batch = [self._queue.get()]
        wait = self.max_wait_s if self._last_batch > 1 or not self._queue.empty() else 0.0
        deadline = _now() + wait
        while len(batch) < self.max_batch:
            remaining = deadline - _now()
            if remaining <= 0:
                try:  # no more waiting, but take what is already queued
                    batch.append(self._queue.get_nowait())
                    continue
                except queue.Empty:
                    break
            try:
                batch.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while True:
            batch = self._gather()
            self._last_batch = len(batch)
            texts = [t for r in batch for t in r.texts]
            try:
                vectors = self.inner.encode_queries(texts)
            except BaseException as exc:  # the callers see the failure, the worker lives on
                for r in batch:
                    r.done.set_exception(exc)
                continue
            self.stats.calls += 1
            self.stats.requests += len(batch)
            self.stats.largest = max(self.stats.largest, len(batch))
            start = 0
            for r in batch:
                r.done.set_result(vectors[start : start + len(r.texts)])
                start += len(r.texts)


_now = time.monotonic


def with_batching(encoder):
    """The encoder with its model calls micro-batched (inside a query cache, so cache hits never queue)."""
    if hasattr(encoder, "inner") and not isinstance(encoder, BatchingEncoder):
        encoder.inner = BatchingEncoder(encoder.inner)
        return encoder
    return BatchingEncoder(encoder)
