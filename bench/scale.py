"""Vector search at scale: flat vs HNSW vs IVF over synthetic corpora built from real vectors.

Embedding a million passages takes hours here, so the corpora are perturbed copies
of real passage vectors (random source row + Gaussian noise, re-normalised); the
queries are real question vectors. Each index is built with qa.vectors (the code the
assistant uses), then searched one query at a time.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import time

import numpy as np

from bench.stats import percentiles, rss_bytes
from qa.vectors import VectorConfig, build_vector_index

K = 10
TARGET_RECALL = 0.95
NOISE = 0.4  # norm of the perturbation: a copy sits at cosine ≈ 0.93 to its source
NPROBES = (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256)
EF_SEARCHES = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)


def synthetic(source: np.ndarray, n: int, seed: int = 0, chunk: int = 100_000) -> np.ndarray:
    """n unit rows: copies of random source rows plus noise of norm ≈ NOISE."""
    rng = np.random.default_rng(seed)
    dim = source.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        rows = source[rng.integers(0, len(source), stop - start)]
        noise = rng.standard_normal((stop - start, dim), dtype=np.float32) * (NOISE / math.sqrt(dim))
        block = rows + noise
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def exact_neighbours(data: np.ndarray, queries: np.ndarray, k: int = K) -> np.ndarray:
    import faiss

    index = faiss.IndexFlatIP(data.shape[1])
    index.add(data)
    faiss.omp_set_num_threads(2)
    return index.search(queries, k)[1]


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def single_queries(index, queries: np.ndarray, threads: int, k: int = K) -> tuple[list[float], np.ndarray]:
    """Search one query at a time (as a user does): per-query seconds and the ids found."""
    import faiss

    faiss.omp_set_num_threads(threads)
    index.search(queries[:5], k)  # warm caches and thread pools
    seconds, ids = [], np.empty((len(queries), k), dtype=np.int64)
    for i, q in enumerate(queries):
        started = time.perf_counter()
        _, found = index.search(q[None, :], k)
        seconds.append(time.perf_counter() - started)
        ids[i] = found[0]
    return seconds, ids


def tune(index, queries: np.ndarray, truth: np.ndarray, kind: str) -> tuple[int | None, list[dict]]:
    """Smallest search depth (nprobe / efSearch) reaching TARGET_RECALL, with the recall curve."""
    import faiss

    faiss.omp_set_num_threads(2)
    curve = []
    for depth in NPROBES if kind == "ivf" else EF_SEARCHES:
        if kind == "ivf":
            if depth > index.nlist:
                break
            index.nprobe = depth
        else:
            index.hnsw.efSearch = depth
        r = recall(index.search(queries, K)[1], truth)
        curve.append({"depth": depth, "recall_at_10": round(r, 4)})
        if r >= TARGET_RECALL:
            return depth, curve
    return None, curve


def measure(data: np.ndarray, queries: np.ndarray, truth: np.ndarray, kind: str, config: VectorConfig) -> dict:
    """Build one index of `kind` over data and measure build time, memory, latency and recall."""
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    index = build_vector_index(data, dataclasses.replace(config, kind=kind))
    build_s = time.perf_counter() - started
    memory = max(rss_bytes() - before, 0)
    row = {"n": len(data), "kind": kind, "build_s": round(build_s, 2), "memory_mb": round(memory / 2**20, 1)}
    if kind == "ivf":
        row["lists"] = int(index.nlist)
    if kind in ("ivf", "hnsw"):
        depth, curve = tune(index, queries, truth, kind)
        row["depth_name"] = "nprobe" if kind == "ivf" else "efSearch"
        row["depth"] = depth
        row["recall_curve"] = curve
    for threads in (1, 2):
        seconds, ids = single_queries(index, queries, threads)
        row[f"search_ms_{threads}t"] = percentiles(seconds, (50, 95))
    row["recall_at_10"] = round(recall(ids, truth), 4)
    del index
    gc.collect()
    return row


def run_scale(
    source: np.ndarray,
    queries: np.ndarray,
    *,
    sizes=(100_000, 1_000_000),
    kinds=("flat", "hnsw", "ivf"),
    hnsw_limit: int = 1_000_000,
    config: VectorConfig = VectorConfig(),
    log=print,
) -> list[dict]:
    """Rows of measurements per corpus size and index kind.

    HNSW is not built above `hnsw_limit` vectors (it takes longer than the whole
    benchmark may): its build time and memory are extrapolated from the largest HNSW
    measured (n log n and linear), and the row says so; its search is not measured.
    """
    rows = []
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    for n in sizes:
        log(f"scale: generating {n:,} synthetic vectors")
        data = synthetic(source, n)
        truth = exact_neighbours(data, queries)
        for kind in kinds:
            log(f"scale: {kind} over {n:,}")
            if kind == "hnsw" and n > hnsw_limit:
                row = _extrapolated_hnsw(rows, n)
                if row is None:  # no HNSW measured yet: build one on the first hnsw_limit vectors
                    base = data[:hnsw_limit]
                    rows.append(measure(base, queries, exact_neighbours(base, queries), kind, config))
                    row = _extrapolated_hnsw(rows, n)
            else:
                row = measure(data, queries, truth, kind, config)
            log(f"scale: {row_summary(row)}")
            rows.append(row)
        del data, truth
        gc.collect()
    return rows


def _extrapolated_hnsw(rows: list[dict], n: int) -> dict | None:
    measured = [r for r in rows if r["kind"] == "hnsw" and not r.get("extrapolated")]
    if not measured:
        return None
    base = max(measured, key=lambda r: r["n"])
    factor = (n / base["n"]) * math.log(n) / math.log(base["n"])
    return {
        "n": n,
        "kind": "hnsw",
        "extrapolated": True,
        "measured_on": base["n"],
        "build_s": round(base["build_s"] * factor, 1),
        "memory_mb": round(base["memory_mb"] * n / base["n"], 1),
    }


def row_summary(row: dict) -> str:
    if row.get("extrapolated"):
        return f"hnsw n={row['n']:,} extrapolated from {row['measured_on']:,}: build ≈ {row['build_s']} s"
    depth = f" {row['depth_name']}={row['depth']}" if row.get("depth_name") else ""
    return (
        f"{row['kind']} n={row['n']:,}{depth} build {row['build_s']} s, {row['memory_mb']} MB, "
        f"p50/p95 {row['search_ms_1t']['p50']}/{row['search_ms_1t']['p95']} ms, recall@10 {row['recall_at_10']}"
    )
