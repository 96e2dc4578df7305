"""Qdrant behind the store boundary: dense passage vectors and BM25 weights as sparse vectors.

One collection per index build (named after the build folder, which never changes),
so replicas and a rebuilt index never see a half-written collection; collections of
older builds are dropped when a newer one is opened. A passage's sparse vector holds
its bm25s weight for every term, so the dot product with the question's term counts
is exactly its BM25 score.
"""

from __future__ import annotations

import atexit
import threading
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import QAError

PREFIX = "passages-"
UPSERT_BATCH = 256
_CLIENTS: dict[str, object] = {}  # the local mode locks its folder: one client per folder per process
_CLIENTS_LOCK = threading.Lock()


class QdrantStore:
    name = "qdrant"

    def __init__(self, client, collection: str, index) -> None:
        self.client = client
        self.collection = collection
        self.index = index
        self.n = len(index.passages)
        self._lock = threading.Lock()  # the local mode is one in-process engine: one call at a time

    @classmethod
    def open(cls, location: str, index) -> QdrantStore:
        """Open (creating or filling when needed) the collection of this build at a folder or ':memory:'."""
        try:
            from qdrant_client import QdrantClient
        except ModuleNotFoundError:
            raise QAError("the qdrant store needs qdrant-client: pip install 'qa[scale]'") from None
        if location == ":memory:":
            client = _CLIENTS[f":memory:{len(_CLIENTS)}"] = QdrantClient(location=":memory:")
        else:
            key = str(Path(location).resolve())
            with _CLIENTS_LOCK:
                client = _CLIENTS.get(key)
                if client is None:
                    Path(location).mkdir(parents=True, exist_ok=True)
                    try:
                        client = _CLIENTS[key] = QdrantClient(path=location)
                    except RuntimeError as exc:  # another process holds the folder
                        raise QAError(f"cannot open the qdrant store at {location}: {exc}") from None
        store = cls(client, PREFIX + index.folder.name, index)
        store._sync()
        return store

    def _sync(self) -> None:
        from qdrant_client import models

        existing = {c.name for c in self.client.get_collections().collections}
        for name in existing - {self.collection}:
            if name.startswith(PREFIX):
                self.client.delete_collection(name)
        if self.collection in existing and self.client.count(self.collection).count == self.n:
            return
        if self.collection in existing:  # a fill that was interrupted: start over
            self.client.delete_collection(self.collection)
        vectors = self.index.vectors.reconstruct_n(0, self.n)
        self.client.create_collection(
            self.collection,
            vectors_config={"dense": models.VectorParams(size=vectors.shape[1], distance=models.Distance.DOT)},
            sparse_vectors_config={"bm25": models.SparseVectorParams()},
        )
        sparse = bm25_rows(self.index.keyword)
        for start in range(0, self.n, UPSERT_BATCH):
            points = [
                models.PointStruct(
                    id=row,
                    vector={"dense": vectors[row].tolist(), "bm25": models.SparseVector(**sparse[row])},
                    payload={"doc": self.index.passages[row].doc, "slide": self.index.passages[row].slide},
                )
                for row in range(start, min(start + UPSERT_BATCH, self.n))
            ]
            self.client.upsert(self.collection, points=points)

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores = np.full((len(vectors), k), -np.inf, dtype=np.float32)
        rows = np.full((len(vectors), k), -1, dtype=np.int64)
        for i, vector in enumerate(vectors):
            with self._lock:
                found = self.client.query_points(self.collection, query=vector.tolist(), using="dense", limit=k).points
            for j, point in enumerate(found):
                scores[i, j], rows[i, j] = point.score, point.id
        return scores, rows

    def keyword_scores(self, tokens: list[str]) -> np.ndarray:
        from qdrant_client import models

        scores = np.zeros(self.n, dtype=np.float32)
        vocab = self.index.keyword.vocab
        counts = Counter(vocab[t] for t in tokens if t in vocab)
        if not counts:
            return scores
        query = models.SparseVector(indices=list(counts), values=[float(c) for c in counts.values()])
        with self._lock:
            found = self.client.query_points(self.collection, query=query, using="bm25", limit=self.n).points
        for point in found:
            scores[point.id] = point.score
        return scores


@atexit.register
def _close_clients() -> None:
    # Closed before the interpreter tears down modules: a client left to its __del__
    # then prints "Exception ignored … ImportError" at the end of every `qa` command.
    for client in _CLIENTS.values():
        try:
            client.close()
        except Exception:  # noqa: BLE001 - closing at exit is best effort
            pass
    _CLIENTS.clear()


def bm25_rows(keyword) -> list[dict]:
    """Each passage's {indices: term ids, values: BM25 weights}, from bm25s's term-major matrix."""
    matrix = keyword._bm25.scores  # bm25s keeps weights as CSC arrays: per term, the passages and weights
    data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
    rows: list[dict] = [{"indices": [], "values": []} for _ in range(int(matrix["num_docs"]))]
    for term in range(len(indptr) - 1):
        for k in range(int(indptr[term]), int(indptr[term + 1])):
            row = rows[int(indices[k])]
            row["indices"].append(term)
            row["values"].append(float(data[k]))
    return rows
