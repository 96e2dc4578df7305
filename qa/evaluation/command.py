"""`qa eval`: argument parsing and output only; qa.evaluation does the work."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import QAError


def register(sub, common) -> None:
    p = sub.add_parser("eval", help="evaluate a question file (JSONL, CSV or SQuAD JSON)")
    common(p)
    p.add_argument("file", type=Path, help="question file: .jsonl, .csv, or SQuAD / JSQuAD .json")
    p.add_argument("--k", type=int, default=10, help="passages retrieved per question (default 10)")
    p.add_argument("--mode", choices=("hybrid", "dense", "keyword"), default="hybrid")
    p.add_argument("--split", help='only the questions whose "split" field has this value (e.g. test, dev)')
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--report", type=Path, help="write metrics.json, results.jsonl/.csv and summary.md here")
    p.add_argument("--compare", type=Path, metavar="OLD_REPORT", help="show the changes against an earlier report")
    p.set_defaults(func=run)


def _notify(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args) -> int:
    from ..extras import require

    require("eval")
    from ..search import Searcher
    from . import compare, evaluate, format_comparison, load_report, read_questions, write_report
    from .report import TABLE_COLUMNS, markdown_table, metrics_table
    from .squad import squad_searcher

    questions = read_questions(args.file)
    for problem in questions.problems:
        _notify(f"skipped {problem}")
    chosen = questions.questions
    if args.split:
        chosen = [q for q in chosen if q.split == args.split]
        if not chosen:
            raise QAError(f'{args.file}: no question has "split": "{args.split}"')
    if args.compare:
        load_report(args.compare)  # a bad folder should fail now, not after a long run

    interactive = sys.stderr.isatty()
    if questions.format == "squad":
        searcher = squad_searcher(
            questions, args.index, model=args.model, progress=interactive, notify=_notify
        )
    else:
        searcher = Searcher.open(args.corpus, args.index, model=args.model, notify=_notify)

    from tqdm import tqdm

    with tqdm(total=len(chosen), desc="evaluating", unit="q", file=sys.stderr, disable=not interactive) as bar:
        result = evaluate(
            searcher,
            chosen,
            k=args.k,
            mode=args.mode,
            progress=lambda done, total: bar.update(done - bar.n),
            name=Path(args.file).name + (f" (split {args.split})" if args.split else ""),
        )
    for problem in result.problems:
        _notify(f"warning: {problem}")

    comparison = format_comparison(compare(args.compare, result)) if args.compare else None
    if args.report:
        extra = {"compare.md": comparison} if comparison else None
        paths = write_report(result, args.report, extra=extra)
        _notify(f"report written to {args.report}: {', '.join(p.name for p in paths)}")
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        if comparison:
            _notify(comparison)
        return 0
    print(f"{result.n} questions · top {result.k} · mode {result.mode} · {len(result.misses)} missed")
    print(markdown_table(TABLE_COLUMNS, metrics_table(result)))
    if args.report is None and result.misses:
        print(f"(every miss is listed by --report DIR in summary.md; {len(result.misses)} here)")
    if comparison:
        print()
        print(comparison, end="")
    return 0
