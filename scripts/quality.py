"""Regenerate the README's retrieval-quality table from one results file: `make quality`.

Reports on the held-out **test** splits only (the constants were fitted on dev by
research/ablations.py): the briefing and the real decks in one corpus (./corpus), per
language and per direction (question language > deck language), passage- and
slide-level; off-topic flagging; JSQuAD's test half when ../shared has it; the
warm latency of a question against the encoder's own query time. Writes
docs/quality.json, then docs/quality.md from it, and splices that into README.md
between `<!-- quality:begin -->` / `<!-- quality:end -->`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.evaluation import evaluate  # noqa: E402
from qa.search import Searcher  # noqa: E402
from scripts.question_sets import jsquad_split, question_sets  # noqa: E402
from scripts.splice_readme import publish  # noqa: E402

KEYS = ("hit@1", "hit@5", "slide@1", "slide@5", "mrr@10")
# (label, results path, comparison, target); checked per language where the path has {lang}.
TARGETS = [
    ("briefing passage hit@1", "briefing/{lang}/hit@1", ">=", 0.95),
    ("briefing passage hit@5", "briefing/{lang}/hit@5", ">=", 0.99),
    ("briefing alone passage hit@1", "briefing alone/{lang}/hit@1", ">=", 0.95),
    ("briefing alone passage hit@5", "briefing alone/{lang}/hit@5", ">=", 0.99),
    ("real decks slide hit@1", "decks/{lang}/slide@1", ">=", 0.85),
    ("real decks slide hit@5", "decks/{lang}/slide@5", ">=", 0.97),
    ("real decks passage hit@5", "decks/{lang}/hit@5", ">=", 0.90),
    ("JSQuAD test hit@1", "jsquad/all/hit@1", ">=", 0.93),
    ("JSQuAD test hit@5", "jsquad/all/hit@5", ">=", 0.985),
    ("off-topic flagged", "flagged/offtopic", ">=", 0.80),
    ("real questions flagged", "flagged/real", "<=", 0.05),
    ("warm latency / encoder query time", "latency/ratio", "<=", 1.25),
]


def figures(result, keys: tuple[str, ...] = KEYS) -> dict:
    """Per group (language, direction): its question count and the given metrics to 3 decimals."""
    return {
        group: {"n": result.counts[group], **{k: round(m[k], 3) for k in keys if k in m}}
        for group, m in result.metrics.items()
    }


def share(flags) -> float:
    """The share of True among the flags, to 3 decimals."""
    return round(float(statistics.mean(flags)), 3)


def flagged(searcher: Searcher, questions) -> float:
    """The share of the questions the searcher flags as having no good match (for a set without gold,
    such as the off-topic questions; an evaluated set has the flag on each QuestionResult)."""
    return share([searcher.search(q.question, k=5).low_confidence for q in questions])


def latency(searcher: Searcher, questions, rounds: int = 3) -> dict:
    """Median warm time of a whole search vs the encoder's own time for the same questions, the
    query-vector cache bypassed on both sides (bench/latency.py's rule)."""
    from bench.latency import uncached

    raw = uncached(searcher)
    texts = [q.question for q in questions][:60]
    raw.search(texts[0])
    whole, encoder = [], []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            raw.encoder.encode_queries([text])
            encoder.append(time.perf_counter() - started)
            started = time.perf_counter()
            raw.search(text, k=5)
            whole.append(time.perf_counter() - started)
    ask, enc = statistics.median(whole) * 1000, statistics.median(encoder) * 1000
    return {"ask_ms": round(ask, 2), "encoder_ms": round(enc, 2), "ratio": round(ask / enc, 2)}


def ocr_engine(searcher: Searcher) -> str | None:
    """The OCR engine the index read picture-only PDF pages with (None: none installed, they stay empty)."""
    return searcher.index.manifest.get("inputs", {}).get("ocr")


def ocr_line(results: dict) -> str:
    """Which OCR engine read the decks' picture-only pages: the passages, so the figures, depend on it."""
    engine = results.get("ocr")
    if engine:
        return f"OCR: {engine} (the decks' picture-only pages)."
    return "OCR: none installed, so picture-only pages had no text (`scripts/test-deps.sh` installs tesseract)."


@contextmanager
def copied_corpus_searcher(files: dict[str, Path], index: Path) -> Iterator[Searcher]:
    """A searcher over a corpus of these files ({name in the corpus: source file}; a name's folder is
    part of its document id), its index kept at `index`."""
    with tempfile.TemporaryDirectory(prefix="qa-corpus-") as tmp:
        corpus = Path(tmp) / "corpus"
        for name, source in files.items():
            (corpus / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, corpus / name)
        yield Searcher.open(corpus, index, notify=print)


@contextmanager
def briefing_alone_searcher(index: Path) -> Iterator[Searcher]:
    """A searcher over a corpus of the briefing only (its index kept at index/briefing-alone)."""
    files = {name: ROOT / "corpus" / name for name in ("jst-crds-sti-2023.txt", "catalog.toml")}
    with copied_corpus_searcher(files, index / "briefing-alone") as searcher:
        yield searcher


def briefing_alone(questions, index: Path) -> dict:
    """The briefing's test split with the briefing as the only deck (as before the real decks were added)."""
    if not questions:
        return {}
    with briefing_alone_searcher(index) as searcher:
        return figures(evaluate(searcher, questions, k=10))


def measure(index: Path, with_jsquad: bool) -> dict:
    """Every figure of the table."""
    searcher = Searcher.open(ROOT / "tests" / "decks", index, notify=print)
    sets = question_sets(ROOT, "test")
    out: dict = {"date": time.strftime("%Y-%m-%d"), "model": searcher.encoder.model_id, "split": "test"}
    out["corpus"] = {"decks": len(searcher.documents()), "passages": len(searcher.passages)}
    out["ocr"] = ocr_engine(searcher)
    real, real_flags = [], []
    for name in ("briefing", "decks"):
        if name in sets:
            result = evaluate(searcher, sets[name], k=10)
            out[name] = figures(result)
            real += sets[name]
            real_flags += [r.low_confidence for r in result.results]
            print(name, json.dumps(out[name]["all"]), flush=True)
    out["briefing alone"] = briefing_alone(sets.get("briefing", []), index)
    out["flagged"] = {
        "real": share(real_flags),
        "offtopic": flagged(searcher, sets.get("offtopic", [])),
        "n_offtopic": len(sets.get("offtopic", [])),
    }
    out["latency"] = latency(searcher, real)
    if with_jsquad and (squad := jsquad_split(ROOT, "test", index)) is not None:
        out["jsquad"] = figures(evaluate(squad.searcher, squad.questions, k=10))
    return out


def lookup(results: dict, path: str):
    node = results
    for part in path.split("/"):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def verdicts(results: dict) -> list[tuple[str, str, float | None, str, float, bool | None]]:
    rows = []
    for label, path, op, target in TARGETS:
        for lang in ("ja", "en") if "{lang}" in path else ("",):
            value = lookup(results, path.format(lang=lang))
            ok = None if value is None else (value >= target if op == ">=" else value <= target)
            rows.append((label, lang, value, op, target, ok))
    return rows


def figure_table(results: dict) -> list[str]:
    lines = [
        "| set | group | n | passage hit@1 | passage hit@5 | slide hit@1 | slide hit@5 | mrr@10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("briefing", "briefing alone", "decks", "jsquad"):
        for group, m in results.get(name, {}).items():
            cells = " | ".join(f"{m[k]:.3f}" if k in m else "–" for k in KEYS)
            lines.append(f"| {name} | {group} | {m['n']} | {cells} |")
    return lines


def verdict_table(results: dict, measured_only: bool = False) -> list[str]:
    lines = ["| target | lang | measured | bar | verdict |", "|---|---|---|---|---|"]
    for label, lang, value, op, target, ok in verdicts(results):
        if value is None and measured_only:
            continue
        shown = "not measured" if value is None else f"{value:.3f}"
        verdict = "–" if ok is None else ("met" if ok else "**missed**")
        lines.append(f"| {label} | {lang or 'all'} | {shown} | {op} {target} | {verdict} |")
    lat = results["latency"]
    return lines + [
        "",
        f"Warm latency: a whole search {lat['ask_ms']} ms (median) vs {lat['encoder_ms']} ms for the encoder alone.",
    ]


def markdown(results: dict) -> str:
    lines = [
        f"Measured {results['date']} by `make quality` (scripts/quality.py → docs/quality.json), on the **test**"
        f" splits only; every constant was fitted on the dev splits (research/ablations.py → docs/ablations.json)."
        f" Corpus: {results['corpus']['decks']} decks in one index (the development corpus, tests/decks/)."
        f" {ocr_line(results)}",
        "",
        *figure_table(results),
        "",
        "Groups: question language; `en>ja` = English questions over Japanese decks. `briefing alone`: the same"
        " questions with the briefing as the only deck (as the figures before the real decks were added).",
        "",
        *verdict_table(results),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--no-jsquad", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="rewrite the Markdown from docs/quality.json")
    args = parser.parse_args()

    def run() -> dict:
        return measure(args.index, not args.no_jsquad)

    publish(ROOT / "docs" / "quality.json", None if args.render_only else run, markdown, "quality")
    return 0


if __name__ == "__main__":
    sys.exit(main())
