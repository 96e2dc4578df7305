"""Load test: concurrent clients asking `qa serve` through the Gradio API.

    python -m bench.load [--clients 32] [--seconds 60] [--api-name /ask] [--url URL]

Without --url it starts `qa serve` on a free port of 127.0.0.1 for the corpus and
index given (defaults ./corpus, ./index). Each client loops over the questions until
the time is up (or its request budget is spent); an error is any call that raises
or times out.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `bench` and `qa` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import percentiles

API_NAME = "/ask"  # ui/app.py: question.submit(..., api_name="ask"); other inputs keep their defaults
REQUEST_TIMEOUT_S = 60
MAX_REQUESTS_PER_CLIENT = 10_000


@dataclass
class LoadResult:
    clients: int
    seconds: float
    api_name: str
    requests: int = 0
    errors: int = 0
    latency_ms: dict = field(default_factory=dict)
    throughput_per_s: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    server_peak_rss_bytes: int | None = None

    def to_json(self) -> dict:
        return asdict(self)


def run_load(
    url: str,
    questions: Sequence[str],
    *,
    clients: int = 32,
    seconds: float = 60.0,
    api_name: str = API_NAME,
    extra_args: dict | None = None,
    max_requests: int = MAX_REQUESTS_PER_CLIENT,
) -> LoadResult:
    """`clients` threads, each with its own Gradio client, asking in a loop for `seconds`."""
    from gradio_client import Client

    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    began = [time.perf_counter()]  # reset when every client has connected: throughput counts from there
    start_together = threading.Barrier(clients, action=lambda: began.__setitem__(0, time.perf_counter()))

    def client_loop(number: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # a client that cannot connect is an error, not a crash
            with lock:
                errors.append(f"connect: {type(exc).__name__}: {exc}"[:200])
            start_together.abort()
            return
        try:
            start_together.wait(timeout=REQUEST_TIMEOUT_S)
        except threading.BrokenBarrierError:
            pass
        deadline = time.perf_counter() + seconds
        i = number
        for _ in range(max_requests):
            if time.perf_counter() >= deadline:
                break
            question = questions[i % len(questions)]
            i += clients
            started = time.perf_counter()
            try:
                result = client.submit(question, api_name=api_name, **(extra_args or {})).result(
                    timeout=REQUEST_TIMEOUT_S
                )
                if result is None:
                    raise ValueError("empty response")
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
        if hasattr(client, "close"):  # gradio_client keeps a heartbeat thread per client
            client.close()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client_loop, range(clients)))
    elapsed = time.perf_counter() - began[0]
    result = LoadResult(clients, seconds, api_name)
    result.requests = len(latencies) + len(errors)
    result.errors = len(errors)
    result.latency_ms = percentiles(latencies, (50, 95, 99))
    result.throughput_per_s = round(len(latencies) / elapsed, 2) if elapsed else 0.0
    result.error_samples = sorted(set(errors))[:5]
    return result


def serve_and_load(corpus: Path, index: Path, questions: Sequence[str], *, log_path: Path | None = None, **options):
    """Start `qa serve`, run the load against it, and add the server's peak RSS and start time."""
    from bench.server import serving

    with serving(corpus, index, log_path=log_path) as server:
        result = run_load(server.url, questions, **options)
        result.server_peak_rss_bytes = server.peak_rss_bytes()
        return result, server.ready_seconds


def main(argv: list[str] | None = None) -> int:
    from bench.questions import load_questions

    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(prog="bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running UI (else `qa serve` is started)")
    parser.add_argument("--corpus", type=Path, default=root / "corpus")
    parser.add_argument("--index", type=Path, default=root / "index")
    parser.add_argument("--questions", type=Path, default=root / "corpus" / "questions" / "briefing.jsonl")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--api-name", default=API_NAME)
    parser.add_argument("--args", type=json.loads, default=None, help="extra keyword inputs as JSON, e.g. '{\"k\": 3}'")
    args = parser.parse_args(argv)
    questions = [q.question for q in load_questions(args.questions)]
    options = dict(clients=args.clients, seconds=args.seconds, api_name=args.api_name, extra_args=args.args)
    if args.url:
        result = run_load(args.url, questions, **options)
    else:
        result, _ = serve_and_load(args.corpus, args.index, questions, **options)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
