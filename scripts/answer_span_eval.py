"""Measure the lead-line answer span on the DEV questions only: `python scripts/answer_span_eval.py`.

For every dev question with gold `answers` in corpus/questions/briefing.jsonl (and
corpus/questions/decks.jsonl when present), asks the real searcher, runs
qa.answer_span.find_span on the top passage, and counts per question kind how often a
span was marked (coverage) and how often the marked span is right (precision: span and a
gold answer string contain one another). Test-split questions are never asked. Writes
docs/answer_span.json; qa.answer_span.RELIABLE_KINDS is chosen from it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.answer_span import GROUPS, MIN_PRECISION, find_span, is_right, question_kind  # noqa: E402
from qa.search import Searcher  # noqa: E402
from scripts.question_sets import SETS, question_sets  # noqa: E402

QUESTION_SETS = ("briefing", "decks")  # of scripts.question_sets.SETS: the sets with gold answers


def dev_questions(folder: Path) -> list[dict]:
    """Dev-split questions with gold answers (scripts.question_sets reads the files), each with its file name."""
    sets = question_sets(ROOT, "dev", folder)
    return [{**asdict(q), "set": SETS[name]} for name in QUESTION_SETS for q in sets.get(name, []) if q.answers]


def measure(searcher: Searcher, rows: list[dict]) -> dict:
    per_kind: dict[str, dict] = defaultdict(lambda: {"questions": 0, "marked": 0, "right": 0})
    details = []
    for row in rows:
        kind = question_kind(row["question"]) or "none"
        counts = per_kind[kind]
        counts["questions"] += 1
        answer = searcher.search(row["question"], k=1)  # the whole corpus, as a user asks; never the gold doc
        span = find_span(row["question"], answer.hits[0].text, searcher.tokenizer) if answer.hits else None
        right = bool(span) and is_right(span.text, row["answers"])
        if span:
            counts["marked"] += 1
            counts["right"] += int(right)
        details.append(
            {"id": row["id"], "set": row["set"], "kind": kind, "span": span.text if span else None, "right": right}
        )
    kinds = {kind: figures(c) for kind, c in sorted(per_kind.items())}
    groups = {}
    for group, members in GROUPS.items():
        pooled = {
            key: sum(per_kind[k][key] for k in members if k in per_kind) for key in ("questions", "marked", "right")
        }
        groups[group] = {"kinds": list(members), **figures(pooled)}
    return {
        "split": "dev",
        "questions": len(rows),
        "min_precision": MIN_PRECISION,
        "groups": groups,
        "kinds": kinds,
        "details": details,
    }


def figures(c: dict) -> dict:
    precision = c["right"] / c["marked"] if c["marked"] else None
    return {
        **c,
        "precision": round(precision, 3) if precision is not None else None,
        "coverage": round(c["marked"] / c["questions"], 3) if c["questions"] else None,
        "reliable": precision is not None and precision >= MIN_PRECISION,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "answer_span.json")
    args = parser.parse_args()
    searcher = Searcher.open(args.corpus, args.index)
    result = measure(searcher, dev_questions(args.corpus / "questions"))
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, row in {**result["groups"], **result["kinds"]}.items():
        print(
            f"{name:11} n={row['questions']:3} marked={row['marked']:3} precision={row['precision']}"
            f" reliable={row['reliable']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
