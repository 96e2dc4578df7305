"""evaluate(searcher, questions) -> EvalResult: run every question, judge, score."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..lang import detect_language
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
    direction: str = ""  # question language > deck language, e.g. "en>ja"
    low_confidence: bool = False  # the answer's no-good-match flag (it does not depend on k)

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
            "direction": self.direction,
            "slide_rank": self.metrics.get("slide_rank"),
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
    metrics: dict[str, dict[str, float]]  # "all", "ja" / "en" and directions ("en>ja"…) that have questions
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
    deck_langs = deck_languages(searcher.passages)
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
    ranked = [answer_rows(a)[:k] for a in answers]
    scores = per_question(
        {key: {str(row) for row in gold} for key, gold in zip(keys, golds, strict=True)},
        {key: [str(row) for row in rows] for key, rows in zip(keys, ranked, strict=True)},
    )
    slide_scores = slide_metrics(searcher, judge, questions, golds, answers, keys)
    results = []
    for key, q, gold, answer, rows, ms in zip(keys, questions, golds, answers, ranked, latencies, strict=True):
        top = [Retrieved(h.doc, h.slide, h.score, h.passage_id, h.passage_id in gold) for h in answer.hits]
        first = next((i for i, row in enumerate(rows, start=1) if row in gold), None)
        deck = q.doc if q.doc is not None else next(iter(deck_langs), "")
        direction = f"{q.lang}>{deck_langs.get(deck, '?')}"
        metrics = scores[key] | slide_scores[key]
        results.append(QuestionResult(q, len(gold), first, top, metrics, ms, direction, answer.low_confidence))
    return summarise(results, k=k, mode=mode, model=searcher.encoder.model_id, name=name)


def answer_rows(answer) -> list[int]:
    """Passage rows in the order a reader meets them: each hit, then the passages listed under it."""
    return [row for h in answer.hits for row in (h.passage_id, *(m.passage_id for m in getattr(h, "more", ())))]


def slide_metrics(searcher, judge, questions, golds, answers, keys) -> dict[str, dict[str, float]]:
    """slide@1 / slide@5: is a gold (doc, slide) the first / among the first five slides cited."""
    passages = searcher.passages
    gold_slides = {}
    for key, q, gold in zip(keys, questions, golds, strict=True):
        named = judge.gold_slides(q) if q.slides else {(passages[r].doc, passages[r].slide) for r in gold}
        gold_slides[key] = {f"{d}#{n}" for d, n in named}
    runs = {key: list(dict.fromkeys(f"{h.doc}#{h.slide}" for h in a.hits)) for key, a in zip(keys, answers)}
    scored = per_question(gold_slides, runs)
    out = {}
    for key in keys:
        rank = next((i for i, s in enumerate(runs[key], start=1) if s in gold_slides[key]), None)
        out[key] = {"slide@1": scored[key]["hit@1"], "slide@5": scored[key]["hit@5"], "slide_rank": rank}
    return out


def deck_languages(passages) -> dict[str, str]:
    """Each document's language, from its text (for per-direction figures)."""
    texts: dict[str, list[str]] = {}
    for p in passages:
        texts.setdefault(p.doc, []).append(p.text)
    return {doc: detect_language(" ".join(parts)[:20000]) for doc, parts in texts.items()}


def summarise(results: list[QuestionResult], *, k: int, mode: str, model: str, name: str = "") -> EvalResult:
    """Means per language and overall; languages without questions are left out."""
    groups = {"all": results} | {lang: [r for r in results if r.question.lang == lang] for lang in LANGS}
    groups |= {d: [r for r in results if r.direction == d] for d in sorted({r.direction for r in results})}
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
