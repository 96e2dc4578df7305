"""`qa eval`: argument parsing for batch evaluation."""

from __future__ import annotations

from pathlib import Path

from ..errors import QAError


def register(sub, common) -> None:
    p = sub.add_parser("eval", help="evaluate a question file (JSONL, CSV or SQuAD JSON)")
    common(p)
    p.add_argument("file", type=Path)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--mode", choices=("hybrid", "dense", "keyword"), default="hybrid")
    p.add_argument("--json", action="store_true")
    p.add_argument("--report", type=Path)
    p.add_argument("--compare", type=Path)
    p.set_defaults(func=run)


def run(args) -> int:
    raise QAError("qa eval is not built yet")
