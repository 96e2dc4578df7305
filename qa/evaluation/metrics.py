"""Retrieval metrics through ir-measures: hit@k (Success@k), mrr@10 (RR@10), ndcg@10.

With one gold passage, hit@k is Recall@k; with several (a gold slide of many
bullets, or several passages holding the answer) it is "any relevant in the top k".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ir_measures
import numpy as np
from ir_measures import RR, Success, nDCG

# Our metric names -> ir-measures measures, in the order of the report.
MEASURES = {
    "hit@1": Success @ 1,
    "hit@3": Success @ 3,
    "hit@5": Success @ 5,
    "hit@10": Success @ 10,
    "mrr@10": RR @ 10,
    "ndcg@10": nDCG @ 10,
}
METRIC_KEYS = tuple(MEASURES)


def per_question(relevant: Mapping[str, set[str]], rankings: Mapping[str, Sequence[str]]) -> dict[str, dict]:
    """{question id: {metric: value}} for binary judgements and ranked passage ids.

    A question without any relevant passage, or without results, scores 0 on
    every metric (ir-measures leaves such queries out, which would flatter the mean).
    """
    qrels = [ir_measures.Qrel(qid, pid, 1) for qid, pids in relevant.items() for pid in pids]
    # Scores from ranks: the library re-sorts by score, and must see the searcher's order.
    run = [
        ir_measures.ScoredDoc(qid, pid, float(len(ranking) - i))
        for qid, ranking in rankings.items()
        for i, pid in enumerate(ranking)
    ]
    names = {measure: name for name, measure in MEASURES.items()}
    scores = {qid: dict.fromkeys(METRIC_KEYS, 0.0) for qid in rankings}
    if qrels and run:
        for row in ir_measures.iter_calc(list(MEASURES.values()), qrels, run):
            if row.query_id in scores:
                scores[row.query_id][names[row.measure]] = float(row.value)
    return scores


SLIDE_KEYS = ("slide@1", "slide@5")


def mean_metrics(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """The mean of each metric over questions (ir-measures' aggregate for these measures)."""
    keys = METRIC_KEYS + tuple(k for k in SLIDE_KEYS if rows and k in rows[0])
    return {key: round(float(np.mean([row[key] for row in rows])), 4) if rows else 0.0 for key in keys}


def latency_percentiles(milliseconds: Sequence[float]) -> dict[str, float]:
    values = np.asarray(milliseconds, dtype=np.float64)
    if not len(values):
        return {"p50": 0.0, "p95": 0.0}
    return {"p50": round(float(np.percentile(values, 50)), 2), "p95": round(float(np.percentile(values, 95)), 2)}
