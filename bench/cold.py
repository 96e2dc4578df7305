"""Cold start and peak memory of the `qa` processes, what their imports cost, and batch throughput."""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import child_env, peak_rss_of, qa_command, run_to_first_line, serving
from bench.stats import mb

COLD_QUESTION = "EUのホライゾン・ヨーロッパの投資総額は？"


def cold_ask(corpus: Path, index: Path, runs: int = 3) -> dict:
    """`qa ask` (index present): process start → first answer line; and its peak RSS (one more run)."""
    env = child_env(corpus, index)
    baseline = [run_to_first_line([sys.executable, "-c", "print(1)"], env).seconds for _ in range(runs)]
    done = []
    for _ in range(runs):
        finished = run_to_first_line([*qa_command(), "ask", COLD_QUESTION], env)
        if finished.returncode != 0:
            raise RuntimeError(f"qa ask failed: {finished.stderr.strip()[-300:]}")
        done.append(finished)
    return {
        "runs": runs,
        "first_answer_s": round(statistics.median(d.seconds for d in done), 3),
        "first_answer_s_all": [round(d.seconds, 3) for d in done],
        "python_startup_s": round(statistics.median(baseline), 3),
        "peak_rss_mb": mb(peak_rss_of([*qa_command(), "ask", COLD_QUESTION], env)),
    }


def cold_serve(corpus: Path, index: Path, runs: int = 2, log_dir: Path | None = None) -> dict:
    """`qa serve`: process start → the page answers HTTP 200."""
    ready = []
    for i in range(runs):
        log = log_dir / f"serve-{i}.log" if log_dir else None
        with serving(corpus, index, log_path=log) as server:
            ready.append(server.ready_seconds)
    return {"runs": runs, "ready_s": round(statistics.median(ready), 3), "ready_s_all": [round(r, 3) for r in ready]}


_PHASES = """
import json, sys, time
t0 = time.perf_counter()
marks = {}
from qa.search import Searcher
from qa.encoders import load_encoder
from qa.index import ensure_index
marks["import qa.search"] = time.perf_counter()
encoder = load_encoder()
marks["load the model"] = time.perf_counter()
index = ensure_index(sys.argv[1], sys.argv[2], encoder)
marks["load + verify the index"] = time.perf_counter()
searcher = Searcher(index, encoder)
marks["Searcher()"] = time.perf_counter()
searcher.search(sys.argv[3])
marks["first search"] = time.perf_counter()
searcher.search(sys.argv[3] + " ?")
marks["second search (new question)"] = time.perf_counter()
last, out = t0, {}
for name, t in marks.items():
    out[name] = round((t - last) * 1000, 1)
    last = t
print(json.dumps(out, ensure_ascii=False))
"""


def startup_phases(corpus: Path, index: Path) -> dict:
    """Milliseconds of each step from import to first answer, in a fresh process (library calls)."""
    import json

    done = run_to_first_line(
        [sys.executable, "-c", _PHASES, str(corpus), str(index), COLD_QUESTION], child_env(corpus, index)
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-300:]}
    return json.loads(done.stdout)


# ---------------------------------------------------------------- python -X importtime


@dataclass
class Imported:
    name: str
    self_us: int
    cumulative_us: int
    children: list[Imported] = field(default_factory=list)


def parse_importtime(stderr: str) -> list[Imported]:
    """The import tree of `python -X importtime` (it prints children before their parent)."""
    pending: dict[int, list[Imported]] = defaultdict(list)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        node = Imported(name.strip(), int(self_us), int(cumulative_us), pending.pop(depth + 1, []))
        pending[depth].append(node)
    return pending.get(0, [])


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def import_breakdown(corpus: Path, index: Path, top: int = 12) -> dict:
    """Which imports dominate the start of `qa ask`: by package, and the heavy ones made by qa modules."""
    env = child_env(corpus, index)
    finished = run_to_first_line([sys.executable, "-X", "importtime", "-m", "qa", "ask", COLD_QUESTION], env)
    roots = parse_importtime(finished.stderr)
    by_package: dict[str, int] = defaultdict(int)
    for node in _walk(roots):
        by_package[node.name.split(".")[0]] += node.self_us
    made_by_qa = []
    for node in _walk(roots):
        if node.name == "qa" or node.name.startswith("qa."):
            for child in node.children:
                if not child.name.startswith("qa"):
                    made_by_qa.append((node.name, child.name, child.cumulative_us))
    made_by_qa.sort(key=lambda row: -row[2])
    return {
        "total_import_ms": round(sum(by_package.values()) / 1000, 1),
        "by_package_ms": {
            name: round(us / 1000, 1) for name, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]
        },
        "imported_by_qa": [
            {"module": parent, "imports": child, "cumulative_ms": round(us / 1000, 1)}
            for parent, child, us in made_by_qa[:top]
        ],
    }


# ---------------------------------------------------------------- batch


def batch_throughput(corpus: Path, index: Path, questions_file: Path) -> dict:
    """`qa eval` over a question file as a user runs it: wall time including start and index load."""
    import json

    finished = run_to_first_line([*qa_command(), "eval", str(questions_file), "--json"], child_env(corpus, index))
    if finished.returncode != 0:
        return {"error": (finished.stderr.strip().splitlines() or ["failed"])[-1]}
    n = int(json.loads(finished.stdout)["n"])
    return {
        "command": f"qa eval {questions_file.name} --json",
        "questions": n,
        "wall_s": round(finished.total_seconds, 2),
        "questions_per_s": round(n / finished.total_seconds, 1),
    }
