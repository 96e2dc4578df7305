"""Warm, in-process latency of Searcher.search per language and mode, and hit@1 / hit@5.

Latency is measured with the query-vector cache bypassed (the searcher gets the raw
encoder), over questions sampled with replacement; the cached figure is the same sample
asked again through the cache. Quality is measured once per distinct question.
"""

from __future__ import annotations

import copy
import time

from bench.questions import hit_rates, sample
from bench.stats import percentiles
from qa.evaluation import RelevanceJudge

LANGS = ("ja", "en")
K = 5
WARMUP = 5


def uncached(searcher):
    """The same searcher, encoding every question afresh (CachedEncoder.inner is the raw model)."""
    raw = copy.copy(searcher)
    raw.encoder = getattr(searcher.encoder, "inner", searcher.encoder)
    return raw


def timed(call, items) -> list[float]:
    for item in items[:WARMUP]:
        call(item)
    seconds = []
    for item in items:
        started = time.perf_counter()
        call(item)
        seconds.append(time.perf_counter() - started)
    return seconds


def measure_mode(searcher, questions, mode: str, per_lang: int, limit: int | None = None) -> dict:
    """Per language: uncached latency over `per_lang` sampled questions, hit@1/@5 over the distinct ones.

    `limit` keeps only the first distinct questions of each language (smoke runs).
    """
    raw = uncached(searcher)
    judge = RelevanceJudge(searcher.passages)
    out = {}
    for lang in LANGS:
        seconds = timed(lambda q: raw.search(q.question, k=K, mode=mode), sample(questions, lang, per_lang))
        distinct = [q for q in questions if q.lang == lang][:limit]
        rankings = [[h.passage_id for h in raw.search(q.question, k=K, mode=mode).hits] for q in distinct]
        out[lang] = {"latency_ms": percentiles(seconds), **hit_rates(judge, distinct, rankings)}
    return out


def warm_extras(searcher, questions, per_lang: int) -> dict:
    """Per language: the query embedding alone (uncached), and the whole search through the warm cache."""
    raw_encoder = getattr(searcher.encoder, "inner", searcher.encoder)
    out = {}
    for lang in LANGS:
        drawn = sample(questions, lang, per_lang)
        embed = timed(lambda q: raw_encoder.encode_queries([q.question]), drawn)
        for q in drawn:  # fill the cache: what follows are repeated questions
            searcher.search(q.question, k=K)
        cached = timed(lambda q: searcher.search(q.question, k=K), drawn)
        out[lang] = {"embedding_ms": percentiles(embed), "cached_ms": percentiles(cached)}
    return out
