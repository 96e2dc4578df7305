"""Reports of an EvalResult: the metric table, a Markdown summary, and the report folder.

A report folder holds metrics.json (the `--json` object plus details),
results.jsonl and results.csv (one row per question) and summary.md (the metric
table and every miss); `--compare` reads metrics.json and results.jsonl back.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import QAError
from .metrics import METRIC_KEYS
from .runner import EvalResult, QuestionResult

TABLE_COLUMNS = ("group", "n", *METRIC_KEYS, "p50 ms", "p95 ms")
CSV_COLUMNS = (
    "id",
    "question",
    "lang",
    "split",
    "gold",
    "rank",
    "top_slides",
    "top_scores",
    "rr",
    "ndcg@10",
    "latency_ms",
)


def metrics_table(result: EvalResult) -> list[list]:
    """One row per group (all, ja, en): n, the metrics and the latency percentiles."""
    return [
        [group, result.counts[group], *(values[key] for key in METRIC_KEYS), *result.latency_ms[group].values()]
        for group, values in result.metrics.items()
    ]


def gold_text(result: QuestionResult) -> str:
    q = result.question
    parts = [f"doc {q.doc}"] if q.doc else []
    if q.slides:
        parts.append("slides " + ", ".join(map(str, q.slides)))
    if q.answers:
        parts.append("answers " + " | ".join(q.answers))
    return "; ".join(parts)


def top_slides(result: QuestionResult, n: int | None = None) -> str:
    """'5, 5*, 6' (a star marks a relevant passage), with the document when the index has several."""
    several = len({r.doc for r in result.top}) > 1
    items = result.top if n is None else result.top[:n]
    return ", ".join((f"{r.doc}:{r.slide}" if several else str(r.slide)) + ("*" if r.relevant else "") for r in items)


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(header, rows) -> str:
    lines = ["| " + " | ".join(map(_cell, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(f"{v:.4g}" if isinstance(v, float) else v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def misses_rows(result: EvalResult, found: Callable[[QuestionResult], str] | None = None) -> list[list]:
    """id, lang, question, gold, what was found: one row per question without a relevant hit.

    `found` words the last column; by default the top 5 slides retrieved (top_slides).
    """
    found = found or (lambda r: top_slides(r, 5))
    return [[r.question.id, r.question.lang, r.question.question, gold_text(r), found(r)] for r in result.misses]


def markdown_summary(result: EvalResult) -> str:
    lines = [
        f"# Evaluation of {result.name or 'a question set'}",
        "",
        f"{result.n} questions · top {result.k} · mode {result.mode} · model {result.model}",
        "",
        markdown_table(TABLE_COLUMNS, metrics_table(result)),
        "",
    ]
    if result.problems:
        lines += ["## Problems", "", *(f"- {p}" for p in result.problems), ""]
    lines += [f"## Misses ({len(result.misses)})", ""]
    if result.misses:
        lines.append(markdown_table(("id", "lang", "question", "gold", "top slides"), misses_rows(result)))
    else:
        lines.append("Every question found a relevant passage in the top k.")
    return "\n".join(lines) + "\n"


def metrics_json(result: EvalResult) -> dict:
    """The `--json` object, plus what a later --compare or reader needs."""
    return result.to_json() | {
        "name": result.name,
        "model": result.model,
        "counts": result.counts,
        "latency_ms_by_group": result.latency_ms,
        "problems": result.problems,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def write_report(result: EvalResult, folder: Path, *, extra: dict[str, str] | None = None) -> list[Path]:
    """Write the report files (extra: more file name -> text, e.g. the comparison) and return their paths."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / "metrics.json", folder / "results.jsonl", folder / "results.csv", folder / "summary.md"]
        paths[0].write_text(json.dumps(metrics_json(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        with open(paths[1], "w", encoding="utf-8") as fh:
            for r in result.results:
                fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
        # utf-8-sig: Excel opens Japanese CSV correctly only with the BOM.
        with open(paths[2], "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            for r in result.results:
                row = r.to_json()
                writer.writerow(
                    [
                        row["id"],
                        row["question"],
                        row["lang"],
                        row["split"] or "",
                        gold_text(r),
                        "" if row["rank"] is None else row["rank"],
                        "|".join(str(t["slide"]) for t in row["top"]),
                        "|".join(f"{t['score']:.4f}" for t in row["top"]),
                        row["rr"],
                        row["ndcg@10"],
                        row["latency_ms"],
                    ]
                )
        paths[3].write_text(markdown_summary(result), encoding="utf-8")
        for name, text in (extra or {}).items():
            paths.append(folder / name)
            paths[-1].write_text(text, encoding="utf-8")
    except OSError as exc:
        raise QAError(f"cannot write the report to {folder} ({exc.strerror or exc})") from None
    return paths
