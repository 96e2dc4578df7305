"""The per-deck table `qa index` prints from a BuildSummary (the library returns data; this words it)."""

from __future__ import annotations

from . import messages
from .index import BuildSummary
from .index.progress import STAGES

HEADER = ("doc", "format", "slides", "passages", "pictures", "warnings")


def pictures_label(count: int, missing: str, fmt: str) -> str:
    """How many slide pictures a deck has, or why it is text only."""
    if count:
        return str(count)
    return messages.say(f"pictures_{missing or 'not_rendered'}", format=fmt)


def rows(summary: BuildSummary) -> list[tuple[str, ...]]:
    """One row per deck, as text cells under HEADER."""
    return [
        (
            d.doc,
            d.format,
            str(d.slides),
            str(d.passages),
            pictures_label(d.pictures, d.pictures_missing, d.format),
            "; ".join(d.warnings) or "-",
        )
        for d in summary.decks
    ]


def table(summary: BuildSummary) -> str:
    """The decks as an aligned text table, then the skipped files, each with its reason."""
    body = rows(summary)
    widths = [max(len(row[i]) for row in [HEADER, *body]) for i in range(len(HEADER) - 1)]
    lines = []
    for row in [HEADER, *body]:
        cells = [
            cell.ljust(width) if i < 2 or i == 4 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    for skipped in summary.skipped:
        lines.append(f"skipped  {skipped.path}: {skipped.reason}")
    return "\n".join(lines)


def footer(summary: BuildSummary) -> str:
    return (
        f"indexed {summary.n_passages} passages from {summary.n_slides} slides of "
        f"{len(summary.decks)} document(s) in {summary.seconds:.1f} s → {summary.folder}"
    ) + (f"\n{stages(summary)}" if summary.stages else "")


def stages(summary: BuildSummary) -> str:
    """Where the build's time went, stage by stage, and what it took over from the build cache."""
    parts = []
    for name, stage in summary.stages.items():
        part = f"{STAGES.get(name, name)} {stage['seconds']:.1f} s"
        if stage.get("reused"):
            part += f" ({stage['reused']} reused)"
        parts.append(part)
    return "time: " + " · ".join(parts)
