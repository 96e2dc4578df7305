"""evaluate(searcher, questions) -> EvalResult: run every question, judge, score."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..search import Searcher
from .formats import LANGS, EvalQuestion
from .metrics import latency_percentiles, mean_metrics, per_question
from .relevance import RelevanceJudge

Progress = Callable[[int, int], None]  # (questions done, total)


@dataclass(frozen=True)
class Retrieved:
    doc: str
    slide: int
    score: float
    passage_id: int
    relevant: bool


@dataclass
class QuestionResult:
    question: EvalQuestion
    relevant_passages: int  # in the whole index: 0 means the gold cannot be met
    first_relevant: int | None  # rank of the first relevant passage among the top k
    top: list[Retrieved]
    metrics: dict[str, float]
    latency_ms: float

    @property
    def hit(self) -> bool:
        return self.first_relevant is not None

    def to_json(self) -> dict:
        """One line of the per-question report."""
        q = self.question
        return {
            "id": q.id,
            "question": q.question,
            "lang": q.lang,
            "split": q.split,
            "gold": q.gold(),
            "relevant_passages": self.relevant_passages,
            "rank": self.first_relevant,
            "top": [
                {"doc": r.doc, "slide": r.slide, "score": round(r.score, 4), "relevant": r.relevant} for r in self.top
            ],
            "rr": round(self.metrics["mrr@10"], 4),
            "ndcg@10": round(self.metrics["ndcg@10"], 4),
            "latency_ms": round(self.latency_ms, 2),
        }


@dataclass
class EvalResult:
    name: str
    k: int
    mode: str
    model: str
    results: list[QuestionResult]
    metrics: dict[str, dict[str, float]]  # "all", and "ja" / "en" when they have questions
    latency_ms: dict[str, dict[str, float]]  # same groups: {"p50", "p95"}
    counts: dict[str, int]  # questions per group
    problems: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.results)

    @property
    def misses(self) -> list[QuestionResult]:
        return [r for r in self.results if not r.hit]

    def to_json(self) -> dict:
        """The `qa eval --json` object."""
        return {
            "n": self.n,
            "k": self.k,
            "mode": self.mode,
            "metrics": self.metrics,
            "latency_ms": self.latency_ms["all"],
        }


def evaluate(
    searcher: Searcher,
    questions: Sequence[EvalQuestion],
    *,
    k: int = 10,
    mode: str = "hybrid",
    progress: Progress | None = None,
    name: str = "",
) -> EvalResult:
    """Ask every question with the searcher's normal result list (grouped by slide) and score the top k."""
    judge = RelevanceJudge(searcher.passages)
    golds, answers, latencies = [], [], []
    total = len(questions)
    for done, q in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = searcher.search(q.question, k=k, mode=mode)
        latencies.append((time.perf_counter() - started) * 1000)
        answers.append(answer)
        golds.append(judge.relevant(q))
        if progress is not None:
            progress(done, total)
    # Ids need not be unique in a user's file: questions are scored by position.
    keys = [str(i) for i in range(total)]
    scores = per_question(
        {key: {str(row) for row in gold} for key, gold in zip(keys, golds, strict=True)},
        {key: [str(h.passage_id) for h in a.hits] for key, a in zip(keys, answers, strict=True)},
    )
    results = []
    for key, q, gold, answer, ms in zip(keys, questions, golds, answers, latencies, strict=True):
        top = [Retrieved(h.doc, h.slide, h.score, h.passage_id, h.passage_id in gold) for h in answer.hits]
        first = next((i for i, r in enumerate(top, start=1) if r.relevant), None)
        results.append(QuestionResult(q, len(gold), first, top, scores[key], ms))
    return summarise(results, k=k, mode=mode, model=searcher.encoder.model_id, name=name)


def summarise(results: list[QuestionResult], *, k: int, mode: str, model: str, name: str = "") -> EvalResult:
    """Means per language and overall; languages without questions are left out."""
    groups = {"all": results} | {lang: [r for r in results if r.question.lang == lang] for lang in LANGS}
    groups = {g: rows for g, rows in groups.items() if rows or g == "all"}
    problems = [
        f"{r.question.id}: no passage of the index meets its gold (slides/answers); it counts as a miss"
        for r in results
        if r.relevant_passages == 0
    ]
    return EvalResult(
        name=name,
        k=k,
        mode=mode,
        model=model,
        results=results,
        metrics={g: mean_metrics([r.metrics for r in rows]) for g, rows in groups.items()},
        latency_ms={g: latency_percentiles([r.latency_ms for r in rows]) for g, rows in groups.items()},
        counts={g: len(rows) for g, rows in groups.items()},
        problems=problems,
    )
