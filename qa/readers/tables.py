"""Tables in a PDF's text layer: lines whose cells (runs split by wide gaps) line up in columns."""

from __future__ import annotations

import re

# The glyphs slides draw as list markers (the PDF layout reads them too).
BULLET_GLYPHS = "•・▪■◆●◦‣○►▶❖✓➢➤"
_BULLETED = re.compile(rf"^\s*[{BULLET_GLYPHS}]")
# A numbered list's markers (1. 2) a. iv.), set apart from their items like a first column.
_NUMBER = re.compile(r"^\s*[(（]?(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.．)）]\s*$")


def table_rows(lines: list) -> list[list[str]] | None:
    """The cells of a block's lines when they form a table (two rows or more, two columns or more,
    every row as many cells, each column overlapping the one above), else None."""
    if len(lines) < 2:
        return None
    width = len(lines[0].cells)
    if width < 2 or any(len(line.cells) != width for line in lines):
        return None
    if any(_BULLETED.match(line.text) for line in lines):
        return None  # a list whose items happen to have gaps
    if all(_NUMBER.match(line.cells[0][0]) for line in lines):
        return None  # a numbered list: its numbers are no column
    for above, line in zip(lines, lines[1:]):
        for (_, a0, a1), (_, b0, b1) in zip(above.cells, line.cells):
            if min(a1, b1) - max(a0, b0) < -0.5 * line.size:
                return None
    return [[cell[0].strip() for cell in line.cells] for line in lines]


def table_markdown(rows: list[list[str]]) -> str:
    """Light Markdown rows, the first as the header (chunking pairs it with each later row)."""
    out = []
    for i, cells in enumerate(rows):
        out.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
        if i == 0:
            out.append("| " + " | ".join("---" for _ in cells) + " |")
    return "\n".join(out)
