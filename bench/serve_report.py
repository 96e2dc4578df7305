"""The serving load table from its results files: `make serve-report`.

    python bench/serve_report.py

Reads bench/serve_load.json (bench/serve_load.py: one `qa serve`) and bench/replicas_load.json
(scripts/replicas.sh --load: two replicas behind nginx), and splices the table into the section
`serve-load` (scripts/splice_readme.py). The FAISS 1M / 10M table (`scale-big`) is research:
`python research/scale_big.py --report`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from scripts.splice_readme import splice  # noqa: E402


def load_row(name: str, result: dict) -> str:
    load, encoder = result["load"], result["encoder"]
    ms = load["latency_ms"]
    ratio = load["answers_per_s"] / encoder["per_s"]
    return (
        f"| {name} | {load['clients']} | {load['answers_per_s']:.1f} | {ratio:.2f} × {encoder['per_s']:.1f}/s"
        f" | {ms['p50']:.0f} / {ms['p95']:.0f} / {ms['p99']:.0f} | {load['errors']} / {load['answers']:,}"
        f" | {result['single_user_ms']['p50']:.1f} ms ({result['library_latency_ms']['p50']:.1f} ms) |"
    )


def load_table() -> str:
    lines = [
        "| run | clients | answers/s | × encoder's batched rate | p50 / p95 / p99 ms | errors / answers"
        " | one user p50 (library alone) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, file in (("one `qa serve`", "serve_load.json"), ("two replicas behind nginx", "replicas_load.json")):
        path = ROOT / "bench" / file
        if path.exists():
            lines.append(load_row(name, json.loads(path.read_text(encoding="utf-8"))))
    return "\n".join(lines) + "\n"


def main() -> int:
    table = load_table()
    splice("serve-load", table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
