"""Put generated Markdown into README.md between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.

    python scripts/splice_readme.py perf bench/results.md

The README's figures are regenerated, never edited by hand; a leading `## ` heading of
the generated file is dropped (the README has its own).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
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


def publish(results_path: Path, measure: Callable[[], dict] | None, markdown: Callable[[dict], str], name: str) -> None:
    """Measure (None: read the saved results instead) into results_path (JSON), write its Markdown
    beside it (.md) and splice that into the README section `name`."""
    if measure is None:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    else:
        results = measure()
        results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = markdown(results)
    results_path.with_suffix(".md").write_text(text, encoding="utf-8")
    splice(name, text)
    print(text)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: splice_readme.py NAME FILE")
    splice(sys.argv[1], Path(sys.argv[2]).read_text(encoding="utf-8"))
