"""Compare an EvalResult with an earlier report folder: metric deltas, changed questions, a paired test."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QAError
from .metrics import METRIC_KEYS
from .report import markdown_table
from .runner import EvalResult


@dataclass(frozen=True)
class Change:
    id: str
    question: str
    old_rank: int | None
    new_rank: int | None


@dataclass
class PairedTest:
    name: str  # "paired t-test" | "Wilcoxon signed-rank"
    statistic: float | None
    p_value: float | None
    note: str = ""


@dataclass
class Comparison:
    old: str  # the old report folder
    deltas: dict[str, dict[str, tuple[float, float]]]  # group -> metric -> (old, new)
    became_misses: list[Change]
    became_hits: list[Change]
    paired: int  # questions found in both runs (by id)
    tests: list[PairedTest] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_report(folder: Path) -> tuple[dict, dict[str, dict]]:
    """(metrics.json, {question id: results.jsonl row}) of a report folder."""
    folder = Path(folder)
    try:
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        rows = {}
        with open(folder / "results.jsonl", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    rows.setdefault(str(row["id"]), row)
    except FileNotFoundError as exc:
        raise QAError(f"{folder} is not an evaluation report ({Path(exc.filename).name} is missing)") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise QAError(f"{folder}: its metrics.json or results.jsonl cannot be read") from None
    if not isinstance(metrics, dict) or not isinstance(metrics.get("metrics"), dict):
        raise QAError(f"{folder}/metrics.json is not an evaluation report")
    return metrics, rows


def paired_tests(old: list[float], new: list[float]) -> list[PairedTest]:
    """scipy's paired t-test and Wilcoxon signed-rank test on per-question reciprocal ranks."""
    try:
        from scipy import stats
    except ImportError:
        return [PairedTest("paired test", None, None, "scipy is not installed")]
    if len(old) < 2:
        return [PairedTest("paired test", None, None, "fewer than two paired questions")]
    if all(a == b for a, b in zip(old, new, strict=True)):
        return [PairedTest("paired test", None, 1.0, "every paired question has the same reciprocal rank")]
    t = stats.ttest_rel(new, old)
    w = stats.wilcoxon(new, old, zero_method="wilcox")
    return [
        PairedTest("paired t-test", float(t.statistic), float(t.pvalue)),
        PairedTest("Wilcoxon signed-rank", float(w.statistic), float(w.pvalue)),
    ]


def compare(old_folder: Path, result: EvalResult) -> Comparison:
    """The new result against the report in old_folder; questions are paired by id."""
    metrics, old_rows = load_report(old_folder)
    deltas = {}
    for group, values in result.metrics.items():
        old_values = metrics["metrics"].get(group)
        if isinstance(old_values, dict):
            deltas[group] = {key: (float(old_values.get(key, 0.0)), values[key]) for key in METRIC_KEYS}
    notes = []
    for key, now in (("k", result.k), ("mode", result.mode), ("model", result.model)):
        if key in metrics and metrics[key] != now:
            notes.append(f"{key} differs: {metrics[key]} then, {now} now")
    became_misses, became_hits, old_rr, new_rr = [], [], [], []
    seen = set()
    for r in result.results:
        row = old_rows.get(r.question.id)
        if row is None or r.question.id in seen:
            continue
        seen.add(r.question.id)
        old_rr.append(float(row.get("rr") or 0.0))
        new_rr.append(r.metrics["mrr@10"])
        change = Change(r.question.id, r.question.question, row.get("rank"), r.first_relevant)
        if row.get("rank") is not None and not r.hit:
            became_misses.append(change)
        elif row.get("rank") is None and r.hit:
            became_hits.append(change)
    if len(seen) < result.n:
        notes.append(
            f"{result.n - len(seen)} question(s) have no (or a repeated) id in the old report and are not paired"
        )
    return Comparison(
        str(old_folder), deltas, became_misses, became_hits, len(seen), paired_tests(old_rr, new_rr), notes
    )


def format_comparison(c: Comparison) -> str:
    """The comparison as Markdown (readable in a terminal too)."""
    rows = []
    for group, values in c.deltas.items():
        for key, (old, new) in values.items():
            rows.append([group, key, f"{old:.4f}", f"{new:.4f}", f"{new - old:+.4f}"])
    lines = [f"# Compared with {c.old}", "", *(f"- note: {n}" for n in c.notes)]
    lines += ["", markdown_table(("group", "metric", "old", "new", "delta"), rows), ""]
    lines.append(f"Paired questions: {c.paired} (per-question reciprocal rank @10)")
    for test in c.tests:
        if test.p_value is None or test.statistic is None:
            lines.append(f"- {test.name}: {test.note or 'p = ' + format(test.p_value, '.4g')}")
        else:
            lines.append(f"- {test.name}: statistic {test.statistic:.4g}, p = {test.p_value:.4g}")
    for title, changes in (("Hit → miss", c.became_misses), ("Miss → hit", c.became_hits)):
        lines += ["", f"## {title} ({len(changes)})", ""]
        lines += [f"- {ch.id} (rank {ch.old_rank} → {ch.new_rank}): {ch.question}" for ch in changes] or ["none"]
    return "\n".join(lines) + "\n"
