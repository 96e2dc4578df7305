"""FAISS at 1M and 10M passages in bounded memory: IVF-SQ8 and IVF-PQ, built chunk by chunk.

    nice -n 19 python research/scale_big.py [--sizes 1000000,10000000] [--out FILE]
    python research/scale_big.py --report   # the `scale-big` table from research/results/scale_big_*.json

Writes research/results/scale_big.json (the recorded runs are research/results/scale_big_1m.json,
scale_big_10m.json and scale_big_briefing_only.json). Research: nothing imports this file; the
product builds flat or IVF-Flat indexes only (qa/vectors.py), not the compressed ones measured here.

10M × 384 float32 is 15 GB, more than this shared machine can hold beside the
others, so nothing here keeps the raw vectors: every 100k chunk is generated
(bench.scale.synthetic, seeded per chunk), scored against the queries for the exact
top-10 (merged chunk by chunk), then encoded into the compressed indexes. The coarse
quantizer is an HNSW graph over 4,096 k-means centroids (trained on 40 vectors per
list) so that assigning 10M vectors costs a graph walk, not 4,096 dot products each.

Compressed codes cannot order near-ties (the synthetic corpus holds ~200 noisy
copies of each real vector), so besides recall@10 the search depth is tuned on
10-recall@100: the share of the exact top-10 among 100 candidates, i.e. the recall an
exact re-rank of 100 candidates (full vectors read from disk) would reach.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "research" / "results"
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from bench.scale import TARGET_RECALL, K, recall, synthetic  # noqa: E402
from bench.stats import mb, percentiles, rss_bytes  # noqa: E402

CHUNK = 100_000
LISTS = 4096
PQ_M = 48  # 8 dimensions per sub-quantizer: 48 bytes a vector
NPROBES = (1, 2, 4, 8, 16, 32, 64, 128)
CANDIDATES = 100


def chunks(source: np.ndarray, n: int):
    for start in range(0, n, CHUNK):
        yield start, synthetic(source, min(CHUNK, n - start), seed=start // CHUNK + 1)


def make_indexes(source: np.ndarray, dim: int, kinds: tuple[str, ...] = ("ivf-sq8", "ivf-pq48")):
    import faiss

    sample = synthetic(source, LISTS * 40, seed=0)
    kmeans = faiss.Kmeans(dim, LISTS, niter=10, max_points_per_centroid=40, spherical=True, seed=1234)
    kmeans.train(sample)
    quantizer = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    quantizer.add(kmeans.centroids)
    quantizer.hnsw.efSearch = 64
    indexes = {
        "ivf-sq8": faiss.IndexIVFScalarQuantizer(
            quantizer, dim, LISTS, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        ),
        "ivf-pq48": faiss.IndexIVFPQ(quantizer, dim, LISTS, PQ_M, 8, faiss.METRIC_INNER_PRODUCT),
    }
    indexes = {name: index for name, index in indexes.items() if name in kinds}
    for index in indexes.values():
        index.train(sample)
    return quantizer, indexes


def exact_merge(best: tuple[np.ndarray, np.ndarray], queries: np.ndarray, block: np.ndarray, offset: int):
    scores, ids = best
    sims = queries @ block.T
    top = np.argpartition(-sims, K, axis=1)[:, :K]
    cand_s = np.concatenate([scores, np.take_along_axis(sims, top, 1)], axis=1)
    cand_i = np.concatenate([ids, top + offset], axis=1)
    order = np.argsort(-cand_s, axis=1)[:, :K]
    return np.take_along_axis(cand_s, order, 1), np.take_along_axis(cand_i, order, 1)


def measure_size(source: np.ndarray, queries: np.ndarray, n: int, log, kinds=("ivf-sq8", "ivf-pq48")) -> list[dict]:
    import faiss

    faiss.omp_set_num_threads(2)
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    quantizer, indexes = make_indexes(source, queries.shape[1], kinds)
    train_s = time.perf_counter() - started
    add_s = dict.fromkeys(indexes, 0.0)
    best = (np.full((len(queries), K), -np.inf, dtype=np.float32), np.zeros((len(queries), K), dtype=np.int64))
    for start, block in chunks(source, n):
        best = exact_merge(best, queries, block, start)
        for name, index in indexes.items():
            t = time.perf_counter()
            index.add(block)
            add_s[name] += time.perf_counter() - t
        if (start // CHUNK) % 10 == 0:
            log(f"scale-big: {start + len(block):,}/{n:,} added, rss {mb(rss_bytes())} MB")
    truth = best[1]
    rows = []
    for name, index in indexes.items():
        code_bytes = index.sa_code_size() + 8  # the code plus its 64-bit id in the inverted list
        row = {
            "n": n,
            "kind": name,
            "lists": LISTS,
            "train_s": round(train_s, 1),
            "add_s": round(add_s[name], 1),
            "build_s": round(train_s + add_s[name], 1),
            "bytes_per_vector": code_bytes,
            "index_mb": mb(code_bytes * n),
            "flat_mb_equivalent": mb(4 * queries.shape[1] * n),
        }
        row.update(tune_and_time(index, queries, truth))
        rows.append(row)
        log(f"scale-big: {row}")
    rows.append({"n": n, "kind": "process", "rss_growth_mb": mb(max(rss_bytes() - before, 0))})
    del indexes, quantizer
    gc.collect()
    return rows


def tune_and_time(index, queries: np.ndarray, truth: np.ndarray) -> dict:
    """Recall per nprobe; the smallest reaching TARGET_RECALL in 100 candidates (else the best); latency there."""
    import faiss

    curve, chosen = [], None
    for nprobe in NPROBES:
        index.nprobe = nprobe
        found = index.search(queries, CANDIDATES)[1]
        wide = recall(found, truth)  # 10-recall@100: the exact top-10 (truth) among all 100 candidates
        r = recall(found[:, :K], truth)
        curve.append({"nprobe": nprobe, "recall_at_10": round(r, 4), "recall_10_at_100": round(wide, 4)})
        if wide >= TARGET_RECALL:
            chosen = nprobe
            break
    if chosen is None:
        chosen = max(curve, key=lambda c: c["recall_10_at_100"])["nprobe"]
    index.nprobe = chosen
    faiss.omp_set_num_threads(1)
    seconds = []
    for q in queries:
        t = time.perf_counter()
        index.search(q[None, :], CANDIDATES)
        seconds.append(time.perf_counter() - t)
    faiss.omp_set_num_threads(2)
    reached = next(c for c in curve if c["nprobe"] == chosen)
    return {"nprobe": chosen, **reached, "recall_curve": curve, "search_ms_1t": percentiles(seconds)}


def source_and_queries(work: Path, log, *, jsquad_sources: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Real passage vectors (briefing, and JSQuAD's paragraphs), and dev-split questions (plus JSQuAD) as queries.

    The briefing alone gives ~300 source vectors: a million copies are then ~3,000
    near-duplicates of each, which no approximate index can order; bench/scale.py's
    corpus (and the README's IVF figures) also perturbs JSQuAD's paragraphs.
    """
    from bench.builds import copy_decks, stored_vectors
    from qa.encoders import load_encoder
    from qa.evaluation import read_questions
    from qa.index import build_index

    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    copy_decks(ROOT / "corpus", corpus)
    encoder = load_encoder()
    log("scale-big: indexing the briefing for source vectors")
    build_index(corpus, work / "index", encoder)
    texts = [q.question for q in read_questions(ROOT / "corpus/questions/briefing.jsonl").questions if q.split == "dev"]
    jsquad = ROOT.parent / "shared/data/jsquad-v1.3-valid.json"
    if jsquad.is_file():
        texts += [q.question for q in read_questions(jsquad).questions[: 200 - len(texts)]]
    sources = [stored_vectors(work / "index")]
    if jsquad_sources and jsquad.is_file():
        from bench.builds import build_jsquad

        log("scale-big: indexing JSQuAD's paragraphs for more source vectors")
        build_jsquad(jsquad, work / "jsquad-index", encoder)
        sources.append(stored_vectors(work / "jsquad-index"))
    raw = getattr(encoder, "inner", encoder)
    return np.vstack(sources), np.ascontiguousarray(raw.encode_queries(texts), dtype=np.float32)


KINDS = {"ivf-sq8": "IVF-SQ8", "ivf-pq48": "IVF-PQ48"}  # the kinds measure_size builds


def scale_table(folder: Path = RESULTS) -> str:
    """The `scale-big` table (docs/serving.md) from the results files in folder."""
    lines = [
        "| passages | index | memory (index) | as floats | build s | nprobe | recall@10 (in 100 candidates)"
        " | search p50 ms | file |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    # scale_big_briefing_only.json perturbs only the briefing's vectors: its recall says nothing of real decks
    for path in sorted(p for p in folder.glob("scale_big_*.json") if "briefing_only" not in p.name):
        for row in json.loads(path.read_text(encoding="utf-8"))["rows"]:
            if row.get("kind") not in KINDS:
                continue
            recall = f"{row['recall_at_10']:.3f} ({row['recall_10_at_100']:.3f})" if "recall_at_10" in row else "–"
            search = f"{row['search_ms_1t']['p50']:.2f}" if "search_ms_1t" in row else "–"
            lines.append(
                f"| {row['n']:,} | {KINDS[row['kind']]}, {row.get('lists', '–')} lists | {row['index_mb']:,.0f} MB"
                f" | {row['flat_mb_equivalent']:,.0f} MB | {row['build_s']:.0f} | {row.get('nprobe', '–')} | {recall}"
                f" | {search} | {path.name} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import tempfile

    p = argparse.ArgumentParser(prog="research/scale_big.py", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000000,10000000")
    p.add_argument("--out", type=Path, default=RESULTS / "scale_big.json")
    p.add_argument("--briefing-only", action="store_true", help="perturb only the briefing's ~300 vectors")
    p.add_argument("--kinds", default="ivf-sq8,ivf-pq48", help="compressed indexes to build")
    p.add_argument("--report", action="store_true", help="only splice the table of the recorded results")
    args = p.parse_args(argv)
    if args.report:
        from scripts.splice_readme import splice

        table = scale_table()
        splice("scale-big", table)
        print(table)
        return 0
    os.nice(19)  # never starve the interactive work sharing these cores

    def log(message: str) -> None:
        print(time.strftime("%H:%M:%S"), message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="qa-scale-big-") as work:
        source, queries = source_and_queries(Path(work), log, jsquad_sources=not args.briefing_only)
    results = {
        "source_vectors": len(source),
        "queries": len(queries),
        "chunk": CHUNK,
        "command": "research/scale_big.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "rows": [],
    }
    for n in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        results["rows"] += measure_size(source, queries, n, log, tuple(args.kinds.split(",")))
        results[f"seconds_{n}"] = round(time.perf_counter() - started, 1)
        args.out.write_text(json.dumps(results, indent=1) + "\n")  # keep what is done if a later size fails
    log(f"scale-big: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
