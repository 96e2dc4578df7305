"""Qdrant behind the store boundary: every per-passage read of a query, from Qdrant alone.

Two collections per index build (named after the build folder, which never changes), so replicas
and a rebuilt index never see a half-written collection; collections of older builds are dropped
when a newer one is opened:

- `passages-<build>`, a point a passage row: the named vector "dense" (its embedding), the sparse
  vectors "bm25" (its bm25s weight for every term it holds, so the dot product with the question's
  term counts is exactly its BM25 score) and, for the default model's index, "latent" (its latent
  terms, qa/latent.py); the payload holds its hubness per language, whether it owns a gloss, and its
  record (doc, slide, title, text, context, kind) for filters and other clients.
- `glosses-<build>`, a point a gloss vector (qa/gloss.py): "dense", and its owner passage row.

Cosines of passages and deck-filtered glosses are computed here from the stored vectors, the same
float32 arithmetic as the FAISS store, so both stores give the same scores.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections import Counter
from collections.abc import Collection, Sequence
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from ..errors import QAError
from ..hubness import row_for
from .base import GlossCosines, PassageRows

PREFIX = "passages-"
GLOSS_PREFIX = "glosses-"
UPSERT_BATCH = 256
SCROLL_BATCH = 1024
_CLIENTS: dict[str, object] = {}  # the local mode locks its folder: one client per folder per process
_CLIENTS_LOCK = threading.Lock()


class QdrantStore:
    """PassageStore over a build's two Qdrant collections; keeps of the loaded index only the
    vocabulary (to turn tokens into BM25 term ids) and the passage count."""

    name = "qdrant"

    def __init__(self, client, build: str, index, local: bool) -> None:
        self.client = client
        self.collection, self.gloss_collection = PREFIX + build, GLOSS_PREFIX + build
        self.size = len(index.passages)
        self.vocab: dict[str, int] = index.keyword.vocab  # analysis data, not per passage
        self.local = local
        # the local mode is one in-process engine: one call at a time; a server takes them side by side
        self._lock = threading.Lock() if local else nullcontext()
        self.has_glosses = self.has_latent = False

    @classmethod
    def open(cls, location: str, index) -> QdrantStore:
        """Open (creating or filling when needed) the collections of this build at a folder,
        ':memory:' or a server's URL (http://host:6333)."""
        try:
            from qdrant_client import QdrantClient
            from qdrant_client.http.exceptions import ApiException
        except ModuleNotFoundError:
            raise QAError("the qdrant store needs qdrant-client: pip install 'qa[scale]'") from None
        server = location.startswith(("http://", "https://"))
        with _CLIENTS_LOCK:
            if location == ":memory:":
                client = _CLIENTS[f":memory:{len(_CLIENTS)}"] = QdrantClient(location=":memory:")
            elif server:
                client = _CLIENTS.get(location)
                if client is None:
                    # QDRANT_API_KEY: a managed cluster's key, None for an open server. No version check:
                    # it warns from a thread of its own, after an unreachable server was refused in one line.
                    api_key = os.environ.get("QDRANT_API_KEY")
                    client = _CLIENTS[location] = QdrantClient(url=location, api_key=api_key, check_compatibility=False)
            else:
                key = str(Path(location).resolve())
                client = _CLIENTS.get(key)
                if client is None:
                    Path(location).mkdir(parents=True, exist_ok=True)
                    try:
                        client = _CLIENTS[key] = QdrantClient(path=location)
                    except RuntimeError as exc:  # another process holds the folder
                        raise QAError(f"cannot open the qdrant store at {location}: {exc}") from None
        store = cls(client, index.folder.name, index, local=not server)
        try:
            store._sync(index)
        except ApiException as exc:  # a server refusing, unreachable or answering an error
            with _CLIENTS_LOCK:
                _CLIENTS.pop(location, None)  # the next open connects again
            raise QAError(f"the qdrant store at {location} failed: {exc}") from None
        return store

    # ------------------------------------------------------------ filling

    def _sync(self, index) -> None:
        """Reuse this build's collections when complete, else fill them from the loaded index. The
        glosses are written first: a passages collection of full count means both are complete."""
        existing = {c.name for c in self.client.get_collections().collections}
        for name in existing - {self.collection, self.gloss_collection}:
            if name.startswith((PREFIX, GLOSS_PREFIX)):
                self.client.delete_collection(name)
        complete = (
            self.collection in existing
            and self.gloss_collection in existing
            and self.client.count(self.collection).count == self.size
        )
        if not complete:
            for name in {self.collection, self.gloss_collection} & existing:  # an interrupted fill: start over
                self.client.delete_collection(name)
            self._fill_glosses(index)
            self._fill_passages(index)
        info = self.client.get_collection(self.collection)
        self.has_latent = "latent" in (info.config.params.sparse_vectors or {})
        self.has_glosses = self.client.count(self.gloss_collection).count > 0

    def _fill_glosses(self, index) -> None:
        from qdrant_client import models

        vectors, owners = index.glosses.reconstruct_n(0, index.glosses.ntotal), index.gloss_owner.tolist()
        self.client.create_collection(
            self.gloss_collection,
            vectors_config={"dense": models.VectorParams(size=index.glosses.d, distance=models.Distance.DOT)},
        )
        # a deck filter reads the glosses by owner: a server indexes the field (the local mode has no indexes)
        if not self.local:
            self.client.create_payload_index(self.gloss_collection, "owner", models.PayloadSchemaType.INTEGER)
        for start in range(0, len(owners), UPSERT_BATCH):
            points = [
                models.PointStruct(id=i, vector={"dense": vectors[i].tolist()}, payload={"owner": owners[i]})
                for i in range(start, min(start + UPSERT_BATCH, len(owners)))
            ]
            self.client.upsert(self.gloss_collection, points=points)

    def _fill_passages(self, index) -> None:
        from qdrant_client import models

        vectors = index.vectors.reconstruct_n(0, self.size)
        sparse = {"bm25": models.SparseVectorParams()}
        if index.latent is not None:
            sparse["latent"] = models.SparseVectorParams()
        self.client.create_collection(
            self.collection,
            vectors_config={"dense": models.VectorParams(size=vectors.shape[1], distance=models.Distance.DOT)},
            sparse_vectors_config=sparse,
        )
        bm25 = bm25_rows(index.keyword)
        latent = None if index.latent is None else latent_rows(*index.latent)
        glossed = np.zeros(self.size, dtype=bool)
        glossed[index.gloss_owner] = True
        hubness = index.hubness.T.tolist()  # per row, one value a language of LANGS
        for start in range(0, self.size, UPSERT_BATCH):
            points = []
            for row in range(start, min(start + UPSERT_BATCH, self.size)):
                p = index.passages[row]
                vector = {"dense": vectors[row].tolist(), "bm25": models.SparseVector(**bm25[row])}
                if latent is not None:
                    vector["latent"] = models.SparseVector(**latent[row])
                payload = {
                    "hubness": hubness[row],
                    "glossed": bool(glossed[row]),
                    **{f: getattr(p, f) for f in ("doc", "slide", "title", "text", "context", "kind")},
                }
                points.append(models.PointStruct(id=row, vector=vector, payload=payload))
            self.client.upsert(self.collection, points=points)

    # ------------------------------------------------------------ the PassageStore reads

    def nearest_passages(self, question: np.ndarray, k: int, lang: str) -> PassageRows:
        with self._lock:
            found = self.client.query_points(
                self.collection,
                query=question.tolist(),
                using="dense",
                limit=min(self.size, k),
                with_vectors=["dense"],
                with_payload=["hubness", "glossed"],
            ).points
        return self._rows(question, found, lang)

    def passages_at(self, question: np.ndarray, rows: Sequence[int], lang: str) -> PassageRows:
        with self._lock:
            found = self.client.retrieve(
                self.collection, ids=[int(r) for r in rows], with_vectors=["dense"], with_payload=["hubness", "glossed"]
            )
        by_row = {point.id: point for point in found}
        return self._rows(question, [by_row[int(r)] for r in rows], lang)

    def _rows(self, question: np.ndarray, points: list, lang: str) -> PassageRows:
        stored = np.asarray([p.vector["dense"] for p in points], dtype=np.float32).reshape(len(points), len(question))
        hub = row_for(lang)
        return PassageRows(
            np.asarray([p.id for p in points], dtype=np.int64),
            stored @ question,  # as the FAISS store: the cosine from the stored vector, not the engine's score
            np.asarray([p.payload["hubness"][hub] for p in points], dtype=np.float32),
            np.asarray([p.payload["glossed"] for p in points], dtype=bool),
        )

    def nearest_glosses(self, question: np.ndarray, k: int) -> GlossCosines:
        with self._lock:
            found = self.client.query_points(
                self.gloss_collection, query=question.tolist(), using="dense", limit=k, with_payload=["owner"]
            ).points
        return GlossCosines(
            np.asarray([p.payload["owner"] for p in found], dtype=np.int64),
            np.asarray([p.score for p in found], dtype=np.float32),
        )

    def gloss_cosines(self, question: np.ndarray, rows: Collection[int]) -> GlossCosines:
        from qdrant_client import models

        owned = models.Filter(
            must=[models.FieldCondition(key="owner", match=models.MatchAny(any=[int(r) for r in rows]))]
        )
        points, offset = [], None
        while True:
            with self._lock:
                batch, offset = self.client.scroll(
                    self.gloss_collection,
                    scroll_filter=owned,
                    limit=SCROLL_BATCH,
                    offset=offset,
                    with_vectors=["dense"],
                    with_payload=["owner"],
                )
            points += batch
            if offset is None:
                break
        points.sort(key=lambda p: p.id)  # in gloss order, as the FAISS store reads them
        stored = np.asarray([p.vector["dense"] for p in points], dtype=np.float32).reshape(len(points), len(question))
        return GlossCosines(np.asarray([p.payload["owner"] for p in points], dtype=np.int64), stored @ question)

    def keyword_scores(self, tokens: list[str]) -> np.ndarray:
        counts = Counter(self.vocab[t] for t in tokens if t in self.vocab)
        return self._sparse_scores("bm25", dict(sorted(counts.items())), None, np.float32)

    def latent_scores(self, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        features = np.flatnonzero(query)
        # float64, as the FAISS store's sums
        return self._sparse_scores("latent", dict(zip(features.tolist(), query[features].tolist())), rows, np.float64)

    def _sparse_scores(self, using: str, query: dict[int, float], rows: np.ndarray | None, dtype) -> np.ndarray:
        """Every row's (or those rows', in order) dot product with a sparse query: 0 without overlap."""
        from qdrant_client import models

        scores = np.zeros(self.size, dtype=dtype)
        if query:
            only = None
            if rows is not None:
                only = models.Filter(must=[models.HasIdCondition(has_id=[int(r) for r in rows])])
            with self._lock:
                found = self.client.query_points(
                    self.collection,
                    query=models.SparseVector(indices=list(query), values=[float(v) for v in query.values()]),
                    using=using,
                    query_filter=only,
                    # every row it overlaps: the signal picks its pool from all of them, ties in row order
                    limit=self.size if rows is None else len(rows),
                ).points
            for point in found:
                scores[point.id] = point.score
        return scores if rows is None else scores[rows]

    def held_by(self, tokens: Sequence[str], row: int) -> set[str]:
        wanted = {t: self.vocab[t] for t in set(tokens) if t in self.vocab}
        if not wanted:
            return set()
        with self._lock:
            (point,) = self.client.retrieve(self.collection, ids=[int(row)], with_vectors=["bm25"])
        terms = set(point.vector["bm25"].indices)
        return {t for t, term in wanted.items() if term in terms}


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


def latent_rows(ids: np.ndarray, weights: np.ndarray) -> list[dict]:
    """Each passage's {indices: feature ids, values: weights}, sorted by feature, the zero padding left out."""
    rows = []
    for row_ids, row_weights in zip(ids, weights, strict=True):
        kept = row_weights != 0
        order = np.argsort(row_ids[kept], kind="stable")
        rows.append({"indices": row_ids[kept][order].tolist(), "values": row_weights[kept][order].tolist()})
    return rows
