"""Put generated Markdown into README.md between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.

    python scripts/splice_readme.py perf bench/results.md

The README's figures are regenerated, never edited by hand; a leading `## ` heading of
the generated file is dropped (the README has its own).
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def splice(name: str, markdown: str, readme: Path = README) -> None:
    lines = markdown.strip().splitlines()
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    text = readme.read_text(encoding="utf-8")
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"README.md has no {begin} … {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    body = "\n".join(lines).strip()
    readme.write_text(f"{head}{begin}\n{body}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: splice_readme.py NAME FILE")
    splice(sys.argv[1], Path(sys.argv[2]).read_text(encoding="utf-8"))
