"""The benchmark script runs end to end (a quick smoke run) and writes both result files."""

import json
import subprocess
import sys

from bench.cold import parse_importtime
from bench.report import markdown
from bench.stats import percentiles
from tests.conftest import ROOT


def test_quick_run_writes_results(cli_env, index_dir, corpus_dir, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--corpus",
            str(corpus_dir),
            "--index",
            str(index_dir),
            "--out",
            str(out),
            "--skip",
            "jsquad,tutorial,threads,batch",
            "--scale-sizes",
            "3000",
            "--load-seconds",
            "3",
            "--clients",
            "2",
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hung run, not a timing: slow or busy hosts take minutes
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())
    assert results["machine"]["cores"] >= 1 and results["machine"]["python"].startswith("3.")
    assert results["cold"]["ask"]["first_answer_s"] > 0 and results["cold"]["ask"]["peak_rss_mb"] > 0
    assert results["load"]["errors"] == 0 and results["load"]["requests"] > 0
    for mode in ("hybrid", "dense", "keyword"):
        for lang in ("ja", "en"):
            row = results["warm"]["modes"][mode][lang]
            assert row["latency_ms"]["n"] == 10 and 0 <= row["hit@1"] <= row["hit@5"] <= 1
    # the default hybrid finds the answer in the top 5 for most briefing questions
    assert results["warm"]["modes"]["hybrid"]["ja"]["hit@5"] >= 0.8
    kinds = {row["kind"] for row in results["scale"]["rows"]}
    assert kinds == {"flat", "hnsw", "ivf"}
    assert all(row["recall_at_10"] == 1.0 for row in results["scale"]["rows"] if row["kind"] == "flat")
    text = (out / "results.md").read_text()
    assert "### Targets" in text and "quick smoke run" in text


def test_percentiles_are_milliseconds():
    assert percentiles([0.001, 0.002, 0.003], (50,)) == {"p50": 2.0, "n": 3}


def test_importtime_tree_is_rebuilt_from_post_order():
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:        10 |         10 |     numpy.core",
            "import time:        50 |         60 |   numpy",
            "import time:         5 |         65 | qa.search",
            "import time:         7 |          7 | json",
        ]
    )
    roots = parse_importtime(stderr)
    assert [r.name for r in roots] == ["qa.search", "json"]
    assert roots[0].children[0].name == "numpy" and roots[0].children[0].children[0].name == "numpy.core"


def test_report_states_missed_targets_by_how_much():
    results = {"warm": {"modes": {"hybrid": {"ja": {"latency_ms": {"p50": 20.0, "p95": 25.0}}}}}}
    text = markdown(results)
    assert "missed by 5 ms (+33%)" in text
    assert "| warm latency p95 ≤ 30 ms (ja) | 25 ms | met |" in text


def test_first_line_is_timed_when_the_child_fills_stderr_first():
    # `qa ask` under -X importtime writes more than a pipe's buffer to stderr before its answer
    noisy = "import sys; sys.stderr.write('x' * 1_000_000); sys.stderr.flush(); print('answer')"
    done = subprocess.run(
        [sys.executable, "-c", f"from bench.server import run_to_first_line; import sys; "
         f"f = run_to_first_line([sys.executable, '-c', {noisy!r}], {{}}); print(f.stdout.strip(), len(f.stderr))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,  # a guard: before the fix the child blocked on its full stderr pipe forever
    )
    assert done.stdout.split() == ["answer", "1000000"], done.stderr[-500:]
