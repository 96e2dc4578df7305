"""Put generated Markdown between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in the README or a docs page.

    python scripts/splice_readme.py perf bench/results.md   # one section, into the page that holds it
    python scripts/splice_readme.py summary                 # the README's two small tables, from the results files

Figures are regenerated, never edited by hand. Each section lives in one page (`SECTIONS`);
a leading `## ` heading of the generated text is dropped (the page has its own). A section
whose page is None has no page beyond the Markdown file its script writes (docs/ablations.md,
docs/not_kept.md, …), which the docs link to: splicing it only says so.

The README holds two small tables of its own, rendered here from the results files
(docs/quality.json, docs/unseen.json, bench/results.json, bench/ingest.json): every splice
of a section they come from (quality, unseen, perf, ingest) renders them again.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

SECTIONS: dict[str, Path | None] = {
    "quality": DOCS / "evaluation.md",  # make quality (scripts/quality.py)
    "unseen": DOCS / "evaluation.md",  # make unseen (scripts/unseen_decks.py)
    "perf": DOCS / "benchmarks.md",  # make bench (bench/run.py → bench/results.md)
    "ingest": DOCS / "benchmarks.md",  # make bench-ingest (bench/ingest.py)
    "install-size": DOCS / "benchmarks.md",  # scripts/install_size.sh
    "serve-load": DOCS / "serving.md",  # make serve-report (bench/serve_report.py)
    "scale-big": DOCS / "serving.md",  # research/scale_big.py --report (research/results/scale_big_*.json)
    "ablations": None,  # docs/ablations.md (research/ablations.py)
    "fit-weights": None,  # docs/fit_weights.md (research/fit_weights.py)
    "reranker-survey": None,  # docs/reranker_survey.md (research/reranker_survey.py)
    "one-pass": None,  # docs/one_pass_latency.json (research/one_pass_latency.py)
}
# The sections whose results the README's own two tables are rendered from.
SUMMARISED = {"quality", "unseen", "perf", "ingest"}


def replace_between(page: Path, name: str, body: str) -> None:
    text = page.read_text(encoding="utf-8")
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"{page.name} has no {begin} … {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    page.write_text(f"{head}{begin}\n{body.strip()}\n{end}{tail}", encoding="utf-8")


def splice(name: str, markdown: str, readme: Path | None = None) -> None:
    """The section `name` replaced by `markdown` in its page (`readme`, when given: that file instead)."""
    lines = markdown.strip().splitlines()
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    if readme is not None:
        replace_between(readme, name, "\n".join(lines))
        return
    if name not in SECTIONS:
        raise SystemExit(f"unknown section {name!r}: one of {', '.join(SECTIONS)}")
    page = SECTIONS[name]
    if page is None:
        print(f"({name}: no page holds this section; its own Markdown file is the record)", file=sys.stderr)
    else:
        replace_between(page, name, "\n".join(lines))
    if name in SUMMARISED:
        summarise()


def publish(results_path: Path, measure: Callable[[], dict] | None, markdown: Callable[[dict], str], name: str) -> None:
    """Measure (None: read the saved results instead) into results_path (JSON), write its Markdown
    beside it (.md) and splice that into the section `name`."""
    if measure is None:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    else:
        results = measure()
        results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = markdown(results)
    results_path.with_suffix(".md").write_text(text, encoding="utf-8")
    splice(name, text)
    print(text)


# The README's two tables -------------------------------------------------------------------

DIRECTIONS = ("ja>ja", "en>ja", "ja>en", "en>en")
MIN_SHOWN = 10  # a direction with fewer questions is shown as "–" (one question is no figure)


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _cell(group: dict | None, key: str = "slide@1") -> str:
    if not group or group.get("n", 0) < MIN_SHOWN or key not in group:
        return "–"
    return f"{group[key]:.3f}"


def quality_summary(quality: dict | None, unseen: dict | None) -> str:
    """Slide@1 per question set and language direction, held-out questions only."""
    rows = []
    if quality:
        decks = quality.get("corpus", {}).get("decks", "?")
        sets = [
            ("briefing, test split", "the briefing alone (the default corpus)", quality.get("briefing alone")),
            ("briefing, test split", f"the {decks} decks of tests/decks/", quality.get("briefing")),
            ("real decks, test split", f"the {decks} decks of tests/decks/", quality.get("decks")),
            ("JSQuAD test (Wikipedia paragraphs)", "its own paragraphs", quality.get("jsquad")),
        ]
        rows += [(name, searched, figures) for name, searched, figures in sets if figures]
    if unseen:
        corpus = unseen.get("corpus", {})
        name = f"{corpus.get('unseen decks', '?')} real decks nothing was fitted on"
        rows.append((name, f"{corpus.get('decks', '?')} decks in one index", unseen.get("unseen")))
    if not rows:
        return "No results yet: run `make quality` and `make unseen`."
    dates = sorted({d["date"] for d in (quality, unseen) if d and "date" in d})
    lines = [
        f"Measured {' and '.join(dates)} by `make quality` and `make unseen`, on held-out questions only (test"
        " splits, and decks no constant was fitted on). slide@1: the first cited slide is a right one (for"
        " JSQuAD, the right paragraph); the last four columns are slide@1 by direction, `en>ja` being English"
        f" questions over Japanese decks; –: fewer than {MIN_SHOWN} questions."
        " Every figure: [docs/evaluation.md](docs/evaluation.md).",
        "",
        "| questions | decks searched | n | slide@1 | slide@5 | " + " | ".join(DIRECTIONS) + " |",
        "|---|---|---|---|---|" + "---|" * len(DIRECTIONS),
    ]
    for name, searched, figures in rows:
        every = figures.get("all", {})
        cells = [_cell(figures.get(d)) for d in DIRECTIONS]
        lines.append(
            f"| {name} | {searched} | {every.get('n', '?')} | {_cell(every)} | {_cell(every, 'slide@5')} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def _ms(latency: dict) -> str:
    return f"{latency['p50']:.1f} / {latency['p95']:.1f} ms"


def speed_summary(bench: dict | None, ingest: dict | None) -> str:
    """Index build and query latency, from `make bench` (and `make bench-ingest`)."""
    if not bench:
        return "No results yet: run `make bench`."
    machine = bench.get("machine", {})
    lines = [
        f"Measured {bench.get('generated_at', '?')[:10]} by `make bench` on {machine.get('cpu', 'this machine')},"
        f" {machine.get('cores', '?')} cores, {machine.get('ram_gb', '?')} GB. Every figure:"
        " [docs/benchmarks.md](docs/benchmarks.md).",
        "",
        "| what | time |",
        "|---|---|",
    ]
    build = bench.get("build")
    if build:
        lines.append(
            f"| build the index of the default corpus ({build['slides']} slides, {build['passages']} passages)"
            f" | {build['seconds']:.1f} s |"
        )
    run = (ingest or {}).get("ingest", {})
    if run.get("qa_index"):
        where = (ingest.get("machine") or {}).get("cpu", "another machine")
        lines.append(
            f"| build the index of {run['decks']} PDF decks × {run['pages_per_deck']} pages, with slide pictures"
            f" (`make bench-ingest`, {ingest.get('date', '?')}, {where}) | {run['qa_index']['seconds']:.1f} s |"
        )
    cold = bench.get("cold", {})
    if cold.get("ask"):
        lines.append(f"| `qa ask`: process start to first answer | {cold['ask']['first_answer_s']:.2f} s |")
    if cold.get("serve"):
        lines.append(f"| `qa serve`: start to the page answering | {cold['serve']['ready_s']:.2f} s |")
    modes = bench.get("warm", {}).get("modes", {}).get("hybrid", {})
    for lang, label in (("ja", "a Japanese"), ("en", "an English")):
        if lang in modes:
            lines.append(f"| {label} question, warm (p50 / p95) | {_ms(modes[lang]['latency_ms'])} |")
    extras = bench.get("warm", {}).get("extras", {})
    cached = [f"{extras[lang]['cached_ms']['p50']:.1f} ms {lang}" for lang in ("ja", "en") if lang in extras]
    if cached:
        lines.append(f"| the same question again (query cache, p50) | {', '.join(cached)} |")
    return "\n".join(lines)


def summarise(readme: Path = README) -> None:
    """Render the README's quality and speed tables from the results files."""
    quality = _load(DOCS / "quality.json")
    unseen = _load(DOCS / "unseen.json")
    replace_between(readme, "quality-summary", quality_summary(quality, unseen))
    bench = _load(ROOT / "bench" / "results.json")
    ingest = _load(ROOT / "bench" / "ingest.json")
    replace_between(readme, "speed-summary", speed_summary(bench, ingest))


if __name__ == "__main__":
    if sys.argv[1:] == ["summary"]:
        summarise()
    elif len(sys.argv) == 3:
        splice(sys.argv[1], Path(sys.argv[2]).read_text(encoding="utf-8"))
    else:
        raise SystemExit("usage: splice_readme.py NAME FILE | splice_readme.py summary")
