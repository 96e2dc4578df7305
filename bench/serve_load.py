"""Serving load through the JSON API: 32 clients on `POST /api/ask`, against the encoder's own batched rate.

    PYTHONPATH=. python bench/serve_load.py [--clients 32] [--seconds 60] [--url URL]

In one run: (1) the encoder alone embeds batches of 32 questions in this process (its
batched throughput, the ceiling of what serving can reach); (2) `qa serve` starts (or
--url, e.g. the nginx front of scripts/replicas.sh); (3) one user asks questions one
after another (single-user latency), beside the library's own latency for the same
questions; (4) `--clients` threads ask as fast as answers come for `--seconds`.
Every question is asked once (briefing questions, then JSQuAD's), so the server's
query cache cannot inflate the figures. Targets (issue 13): no errors, p95 ≤ 1.5 s,
answers/s ≥ 0.6 × the encoder's batched throughput. Writes bench/serve_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see bench/run.py: spinning OpenMP stalls under load

from bench.machine import describe, load_average  # noqa: E402
from bench.stats import mb, percentiles  # noqa: E402

P95_TARGET_S = 1.5
RATE_SHARE_TARGET = 0.6
TIMEOUT_S = 60


def question_pool() -> list[str]:
    """Distinct questions: the briefing set, then JSQuAD validation questions."""
    from qa.evaluation import read_questions

    texts = [q.question for q in read_questions(ROOT / "corpus/questions/briefing.jsonl").questions]
    jsquad = ROOT.parent / "shared/data/jsquad-v1.3-valid.json"
    if jsquad.is_file():
        texts += [q.question for q in read_questions(jsquad).questions]
    return list(dict.fromkeys(texts))


def encoder_rate(encoder, questions: list[str], seconds: float = 8.0, batch: int = 32) -> dict:
    """Questions per second the raw encoder embeds in batches of `batch`."""
    raw = getattr(encoder, "inner", encoder)
    raw.encode_queries(questions[:batch])  # warm
    done, started, i = 0, time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        chunk = [questions[(i + j) % len(questions)] for j in range(batch)]
        raw.encode_queries(chunk)
        done += batch
        i += batch
    elapsed = time.perf_counter() - started
    single_started = time.perf_counter()
    for q in questions[:20]:
        raw.encode_queries([q])
    return {
        "batch": batch,
        "per_s": round(done / elapsed, 1),
        "single_per_s": round(20 / (time.perf_counter() - single_started), 1),
    }


class Asker:
    """Hands out distinct questions and posts them; thread-safe."""

    def __init__(self, url: str, questions: list[str], auth: tuple[str, str] | None) -> None:
        self.url = url.rstrip("/") + "/api/ask"
        self.questions = questions
        self.auth = auth
        self._next = 0
        self._lock = threading.Lock()
        self.reused = False

    def question(self) -> str:
        with self._lock:
            q = self.questions[self._next % len(self.questions)]
            self._next += 1
            self.reused |= self._next > len(self.questions)
            return q

    def ask(self, client) -> float:
        started = time.perf_counter()
        response = client.post(self.url, json={"question": self.question(), "k": 5}, timeout=TIMEOUT_S)
        if response.status_code != 200 or "hits" not in response.json():
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:120]}")
        return time.perf_counter() - started


def single_user(asker: Asker, n: int) -> dict:
    import httpx

    with httpx.Client(auth=asker.auth) as client:
        asker.ask(client)  # warm
        return percentiles([asker.ask(client) for _ in range(n)], (50, 95))


def load(asker: Asker, clients: int, seconds: float) -> dict:
    import httpx

    lock = threading.Lock()
    latencies, errors = [], []
    barrier = threading.Barrier(clients)
    began = []

    def loop(_: int) -> None:
        with httpx.Client(auth=asker.auth) as client:
            barrier.wait()
            with lock:
                if not began:
                    began.append(time.perf_counter())
            deadline = began[0] + seconds
            while time.perf_counter() < deadline:
                try:
                    took = asker.ask(client)
                except Exception as exc:  # counted, never fatal
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:160])
                    continue
                with lock:
                    latencies.append(took)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(loop, range(clients)))
    elapsed = time.perf_counter() - began[0]
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "answers": len(latencies),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "latency_ms": percentiles(latencies, (50, 95, 99)),
        "answers_per_s": round(len(latencies) / elapsed, 2),
    }


def library_latency(searcher, questions: list[str]) -> dict:
    seconds = []
    for q in questions:
        started = time.perf_counter()
        searcher.search(q, k=5)
        seconds.append(time.perf_counter() - started)
    return percentiles(seconds, (50, 95))


def verdict(result: dict) -> dict:
    p95_s = result["load"]["latency_ms"]["p95"] / 1000
    share = result["load"]["answers_per_s"] / result["encoder"]["per_s"]
    return {
        "no_errors": result["load"]["errors"] == 0,
        "p95_s": round(p95_s, 3),
        "p95_ok": p95_s <= P95_TARGET_S,
        "rate_share_of_encoder": round(share, 3),
        "rate_ok": share >= RATE_SHARE_TARGET,
    }


def run(args) -> dict:
    from bench.builds import copy_decks
    from qa.search import Searcher

    questions = question_pool()
    with tempfile.TemporaryDirectory(prefix="qa-serve-load-") as work:
        work = Path(work)
        corpus, index = work / "corpus", args.index or work / "index"
        corpus.mkdir()
        copy_decks(args.corpus, corpus)
        searcher = Searcher.open(corpus, index)
        result = {"machine": describe(), "load_average_before": load_average(), "questions": len(questions)}
        result["encoder"] = encoder_rate(searcher.encoder, questions[200:] or questions)
        # Library latency on questions the single-user run asks next, before they are cached here.
        result["library_latency_ms"] = library_latency(searcher, questions[: args.single])
        del searcher
        auth = tuple(args.auth.split(":", 1)) if args.auth else None
        if args.url:
            result.update(_measure(Asker(args.url, questions, auth), args))
        else:
            from bench.server import serving

            with serving(corpus, index, log_path=work / "serve.log") as server:
                result.update(_measure(Asker(server.url, questions, auth), args))
                result["server_peak_rss_mb"] = mb(server.peak_rss_bytes())
    result["verdict"] = verdict(result)
    result["load_average_after"] = load_average()
    return result


def _measure(asker: Asker, args) -> dict:
    out = {"url": asker.url, "single_user_ms": single_user(asker, args.single)}
    out["load"] = load(asker, args.clients, args.seconds)
    out["questions_reused"] = asker.reused
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/serve_load.py", description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--single", type=int, default=40, help="questions asked one by one by a single user")
    p.add_argument("--url", help="a running server or proxy (else `qa serve` is started here)")
    p.add_argument("--auth", help="user:password for --url")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--index", type=Path, help="a built index (else one is built in a temporary folder)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "serve_load.json")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = run(args)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    v, lo = result["verdict"], result["load"]
    print(
        f"{lo['clients']} clients: {lo['answers_per_s']} answers/s "
        f"({v['rate_share_of_encoder']} × encoder's {result['encoder']['per_s']}/s), "
        f"p50/p95 {lo['latency_ms']['p50']}/{lo['latency_ms']['p95']} ms, errors {lo['errors']}; "
        f"single user p50 {result['single_user_ms']['p50']} ms (library {result['library_latency_ms']['p50']} ms) "
        f"→ {args.out}"
    )
    return 0 if v["no_errors"] and v["p95_ok"] and v["rate_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
