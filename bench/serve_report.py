"""The README's serving tables from their results files: `make serve-report`.

    python bench/serve_report.py

Reads bench/serve_load.json (bench/serve_load.py: one `qa serve`), bench/replicas_load.json
(scripts/replicas.sh --load: two replicas behind nginx) and bench/scale_big_*.json
(bench/scale_big.py), and splices two tables into README.md (`serve-load` and `scale-big`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from scripts.splice_readme import splice  # noqa: E402

KINDS = {"ivf-sq8": "IVF-SQ8", "ivf-pq48": "IVF-PQ48"}  # the kinds bench/scale_big.py builds


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


def scale_table() -> str:
    lines = [
        "| passages | index | memory (index) | as floats | build s | nprobe | recall@10 (in 100 candidates)"
        " | search p50 ms | file |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    # scale_big_briefing_only.json perturbs only the briefing's vectors: its recall says nothing of real decks
    for path in sorted(p for p in (ROOT / "bench").glob("scale_big_*.json") if "briefing_only" not in p.name):
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


def main() -> int:
    splice("serve-load", load_table())
    splice("scale-big", scale_table())
    print(load_table())
    print(scale_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
