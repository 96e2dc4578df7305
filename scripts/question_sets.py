"""The question sets of the quality figures, split into dev (tuning) and test (reporting).

Splits are fixed in the files (`"split"`); JSQuAD's is by article: an article's
title hashes to dev or test, so no paragraph of a test article is ever tuned on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from qa.evaluation import read_questions, squad_searcher

SETS = {"briefing": "briefing.jsonl", "decks": "decks.jsonl", "offtopic": "offtopic.jsonl"}


@dataclass(frozen=True)
class OffTopic:
    """A question the decks cannot answer: it has no gold, only a language and a split."""

    id: str
    question: str
    lang: str
    split: str


def question_sets(root: Path, split: str, folder: Path | None = None) -> dict[str, list]:
    """{set name: its questions of one split}, for the sets present in folder (root/corpus/questions)."""
    folder = folder or root / "corpus" / "questions"
    out = {}
    for name, file in SETS.items():
        path = folder / file
        if not path.exists():
            continue
        if name == "offtopic":
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            out[name] = [OffTopic(r["id"], r["question"], r["lang"], r["split"]) for r in rows if r["split"] == split]
        else:
            out[name] = [q for q in read_questions(path).questions if q.split == split]
    return out


def dev_sets(root: Path) -> dict[str, list]:
    return question_sets(root, "dev")


def halves(sets: dict) -> tuple[dict, dict]:
    """The dev questions in two halves by a hash of their id (stable, language-blind)."""
    first, second = {}, {}
    for name, items in sets.items():
        pick = [hashlib.sha256(q.id.encode()).digest()[0] % 2 for q in items]
        first[name] = [q for q, p in zip(items, pick, strict=True) if p == 0]
        second[name] = [q for q, p in zip(items, pick, strict=True) if p == 1]
    return first, second


def article_split(title: str) -> str:
    """dev or test for a JSQuAD article, by the hash of its title (half each)."""
    return "dev" if hashlib.sha256(title.encode("utf-8")).digest()[0] < 128 else "test"


@dataclass
class SquadHalf:
    searcher: object
    questions: list


def jsquad_split(root: Path, split: str, index_dir: Path | None = None) -> SquadHalf | None:
    """JSQuAD's questions of one split, with a searcher over all its paragraphs (None when absent)."""
    path = root.parent / "shared" / "data" / "jsquad-v1.3-valid.json"
    if not path.exists():
        return None
    squad = read_questions(path)
    titles = {p.number: p.title for p in squad.paragraphs}
    chosen = [q for q in squad.questions if article_split(titles[q.slides[0]]) == split]
    searcher = squad_searcher(squad, index_dir or root / "index", progress=True, notify=print)
    return SquadHalf(searcher, chosen)
