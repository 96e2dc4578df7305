"""Regenerate the README's retrieval-quality table: `make quality`.

Runs the briefing question set (held-out test split and all questions) and, when
../shared/data/jsquad-v1.3-valid.json is present, JSQuAD, in the three modes,
through the same `qa.evaluation` code as `qa eval`; writes docs/quality.json and
docs/quality.md, then splices the Markdown into README.md between the
`<!-- quality:begin -->` / `<!-- quality:end -->` markers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.evaluation import evaluate, read_questions, squad_searcher  # noqa: E402
from qa.search import Searcher  # noqa: E402
from scripts.splice_readme import splice  # noqa: E402

MODES = ("hybrid", "dense", "keyword")
JSQUAD = ROOT.parent / "shared" / "data" / "jsquad-v1.3-valid.json"


def row(result, group: str) -> dict:
    m = result.metrics.get(group)
    if m is None:
        return {}
    return {"n": result.counts[group], **{key: round(m[key], 3) for key in ("hit@1", "hit@5", "hit@10", "mrr@10")}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--no-jsquad", action="store_true")
    args = parser.parse_args()

    out: dict = {"date": time.strftime("%Y-%m-%d"), "briefing": {}, "jsquad": {}}
    searcher = Searcher.open(ROOT / "corpus", args.index, notify=print)
    questions = read_questions(ROOT / "corpus" / "questions" / "briefing.jsonl").questions
    test = [q for q in questions if q.split == "test"]
    for mode in MODES:
        for split, items in (("test", test), ("all", questions)):
            result = evaluate(searcher, items, k=10, mode=mode)
            out["briefing"][f"{mode}/{split}"] = {g: row(result, g) for g in ("ja", "en")}
    if JSQUAD.exists() and not args.no_jsquad:
        squad = read_questions(JSQUAD)
        s = squad_searcher(squad, args.index, notify=print, progress=True)
        for mode in MODES:
            started = time.perf_counter()
            result = evaluate(s, squad.questions, k=10, mode=mode)
            out["jsquad"][mode] = row(result, "all") | {"seconds": round(time.perf_counter() - started, 1)}
            print(mode, out["jsquad"][mode], flush=True)

    lines = [
        f"Measured {out['date']} by `make quality` (scripts/quality.py, the `qa eval` code, k = 10).",
        "",
        "Briefing question set (`corpus/questions/briefing.jsonl`); **test** = the held-out 41 questions (31 %)"
        " nobody tuned on:",
        "",
        "| mode | split | ja n | ja hit@1 | ja hit@5 | ja mrr@10 | en n | en hit@1 | en hit@5 | en mrr@10 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, groups in out["briefing"].items():
        mode, split = key.split("/")
        ja, en = groups["ja"], groups["en"]
        lines.append(
            f"| {mode} | {split} | {ja['n']} | {ja['hit@1']:.3f} | {ja['hit@5']:.3f} | {ja['mrr@10']:.3f} "
            f"| {en['n']} | {en['hit@1']:.3f} | {en['hit@5']:.3f} | {en['mrr@10']:.3f} |"
        )
    if out["jsquad"]:
        lines += [
            "",
            "JSQuAD v1.3 validation (1,145 paragraphs as passages, 4,442 questions, Japanese):",
            "",
            "| mode | hit@1 | hit@5 | hit@10 | mrr@10 |",
            "|---|---|---|---|---|",
        ]
        for mode, r in out["jsquad"].items():
            lines.append(f"| {mode} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['hit@10']:.3f} | {r['mrr@10']:.3f} |")
    markdown = "\n".join(lines) + "\n"
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "quality.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (ROOT / "docs" / "quality.md").write_text(markdown, encoding="utf-8")
    splice("quality", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
