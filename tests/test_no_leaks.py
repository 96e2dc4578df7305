"""No question of a held-out test split appears in the code, the tests or the docs (honest measurement)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCHED = ("qa", "ui", "tests", "scripts", "bench", "research", "docs")
SUFFIXES = {".py", ".md", ".json", ".toml", ".sh", ".txt", ".jsonl"}


def held_out() -> list[str]:
    out = []
    for path in (ROOT / "corpus" / "questions").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("split") == "test":
                out.append(unicodedata.normalize("NFKC", row["question"]).casefold())
    return out


def test_no_test_split_question_appears_anywhere_else():
    questions = held_out()
    assert questions, "the question sets have test splits"
    leaks = []
    files = [p for d in SEARCHED for p in (ROOT / d).rglob("*") if p.suffix in SUFFIXES and p.is_file()]
    for path in [*files, ROOT / "README.md"]:
        text = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8", errors="ignore")).casefold()
        leaks += [(path.name, q) for q in questions if q in text]
    assert leaks == []
