"""The benchmark's questions: the briefing set (read by qa.evaluation), samples of it, and hit@k.

Relevance is qa.evaluation's rule (a passage on a gold slide whose NFKC text contains
an answer string), so the benchmark and `qa eval` count the same hits.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from qa.evaluation import EvalQuestion, RelevanceJudge, read_questions


def load_questions(path: Path) -> list[EvalQuestion]:
    return read_questions(Path(path)).questions


def sample(questions: Sequence[EvalQuestion], lang: str, n: int, seed: int = 0) -> list[EvalQuestion]:
    """n questions of one language drawn with replacement (the set has fewer than n)."""
    pool = [q for q in questions if q.lang == lang]
    return random.Random(f"{seed}-{lang}").choices(pool, k=n)


def hit_rates(judge: RelevanceJudge, questions: Sequence[EvalQuestion], rankings: Sequence[Sequence[int]]) -> dict:
    """hit@1 and hit@5: share of questions with a relevant passage row among the first 1 / 5 results."""
    n = len(questions)
    relevant = [judge.relevant(q) for q in questions]
    hit1 = sum(bool(set(rows[:1]) & gold) for rows, gold in zip(rankings, relevant))
    hit5 = sum(bool(set(rows[:5]) & gold) for rows, gold in zip(rankings, relevant))
    return {"hit@1": round(hit1 / n, 3), "hit@5": round(hit5 / n, 3), "questions": n}


def answerable(judge: RelevanceJudge, questions: Sequence[EvalQuestion]) -> int:
    """Questions with at least one relevant passage (the ceiling of hit@k)."""
    return sum(bool(judge.relevant(q)) for q in questions)
