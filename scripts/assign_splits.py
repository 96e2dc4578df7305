"""Assign the dev/test split of a question set: `python scripts/assign_splits.py [FILE]`.

Reproducible and blind to results: each question's rank is the SHA-256 of
"<SEED>:<id>", so the split depends only on the ids. Stratified by deck and
language direction (question language -> deck language): within each stratum the
lowest-ranked ~35 % go to test, and a stratum of two or more questions always gets
both splits. Rewrites the file in place, keeping line order; prints the counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "corpus" / "questions" / "decks.jsonl"
SEED = "decks-2026"
TEST_SHARE = 0.35


def rank(qid: str) -> str:
    return hashlib.sha256(f"{SEED}:{qid}".encode()).hexdigest()


def stratum(q: dict) -> tuple[str, str]:
    return q["doc"], f"{q['lang']}->{q['deck_lang']}"


def test_count(n: int) -> int:
    """About TEST_SHARE of n, but leave both splits non-empty when n >= 2."""
    if n < 2:
        return 0
    return min(max(round(n * TEST_SHARE), 1), n - 1)


def assign(questions: list[dict]) -> None:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for q in questions:
        groups[stratum(q)].append(q)
    for members in groups.values():
        members.sort(key=lambda q: rank(q["id"]))
        cut = test_count(len(members))
        for position, q in enumerate(members):
            q["split"] = "test" if position < cut else "dev"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=QUESTIONS)
    args = parser.parse_args(argv)
    lines = [line for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [json.loads(line) for line in lines]
    assign(questions)
    args.questions.write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8"
    )
    print(dict(Counter(q["split"] for q in questions)))
    print(dict(sorted(Counter(f"{stratum(q)[1]} {q['split']}" for q in questions).items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
