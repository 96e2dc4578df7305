"""How the default search does on real decks no constant was fitted on: `make unseen`.

The decks of tests/fixtures/unseen/ (sources and licences in its README) came into the
project after every constant of the search had been fitted, and their questions
(tests/fixtures/unseen/questions.jsonl, written for this check) are read by no fit:
none of scripts/ablations.py, fit_weights.py or not_kept.py opens them. They join the
shipped corpus (the briefing and the eleven real decks) in one index, as a user adding
decks would have it, and the default settings answer them, per language and direction.
Beside them, for comparison, the same figures of the development decks (dev split,
docs/ablations.json) and of their held-out test split (docs/quality.json).

Writes docs/unseen.json, then docs/unseen.md from it, spliced into README.md between
`<!-- unseen:begin -->` / `<!-- unseen:end -->`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.documents import SKIP_DIRS, deck_files  # noqa: E402
from qa.evaluation import evaluate, read_questions  # noqa: E402
from qa.search import SearchSettings  # noqa: E402
from scripts.ablations import LATENT, VARIANTS, WORD_LATENT  # noqa: E402
from scripts.quality import copied_corpus_searcher, figures, share  # noqa: E402
from scripts.question_sets import dev_sets  # noqa: E402
from scripts.splice_readme import publish  # noqa: E402

UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
QUESTIONS = UNSEEN / "questions.jsonl"
RESULTS = ROOT / "docs" / "unseen.json"
GROUPS = ("all", "ja", "en", "en>en", "en>ja", "ja>en", "ja>ja")


def corpus_files() -> dict[str, Path]:
    """The shipped corpus (decks and catalog, not the question sets) and the unseen decks under unseen/."""
    corpus = ROOT / "corpus"
    files = {str(p.relative_to(corpus)): p for p in deck_files(corpus)}
    files["catalog.toml"] = corpus / "catalog.toml"
    for deck in deck_files(UNSEEN):
        files[f"unseen/{deck.name}"] = deck
    assert not SKIP_DIRS & {Path(name).parts[0] for name in files}
    return files


def measure(index: Path, latent: bool = False) -> dict:
    """The figures of the unseen questions with the default settings, or (`latent`) with --latent-terms."""
    questions = read_questions(QUESTIONS).questions
    with copied_corpus_searcher(corpus_files(), index, latent) as searcher:
        result = evaluate(searcher, questions, k=10)
        docs = searcher.documents()
        return {
            "date": time.strftime("%Y-%m-%d"),
            "model": searcher.encoder.model_id,
            "corpus": {
                "decks": len(docs),
                "unseen decks": sum(d["doc"].startswith("unseen/") for d in docs),
                "passages": len(searcher.passages),
            },
            "unseen": figures(result),
            "flagged": share([r.low_confidence for r in result.results]),
            "slide@1 missed": [r.question.id for r in result.results if r.metrics.get("slide@1", 0.0) < 1.0],
            # a question whose answer no passage holds would be a reader fault (tests/test_unseen_decks.py)
            "unanswerable": [r.question.id for r in result.results if r.relevant_passages == 0],
        }


def decks_objective(groups: dict) -> float:
    """The ablations' objective on one set of deck questions: the mean of passage hit@1 and slide@1
    over the two question languages."""
    return round(float(np.mean([groups[lang][k] for lang in ("ja", "en") for k in ("hit@1", "slide@1")])), 4)


def variants(index: Path) -> dict:
    """Every settings-only row of the ablation table (packings need indexes of their own), and the two
    single-signal modes, scored on the dev deck questions and on the unseen ones: does a row's standing
    on dev carry to decks nobody fitted on? Reported only; nothing is chosen from it."""
    rows = {name: ("hybrid", o) for name, o in {**VARIANTS, **WORD_LATENT, **LATENT}.items()}
    rows |= {"dense vectors only (mode)": ("dense", {}), "keyword index only (mode)": ("keyword", {})}
    unseen, dev = read_questions(QUESTIONS).questions, dev_sets(ROOT)["decks"]
    out = {}
    with copied_corpus_searcher(corpus_files(), index, latent=True) as searcher:
        for name, (mode, overrides) in rows.items():
            searcher.settings = replace(SearchSettings(), **overrides)
            scored = {
                split: figures(evaluate(searcher, questions, k=10, mode=mode))
                for split, questions in (("dev", dev), ("unseen", unseen))
            }
            out[name] = {split: decks_objective(groups) for split, groups in scored.items()}
            out[name]["unseen slide@1"] = scored["unseen"]["all"]["slide@1"]
            print(name, out[name], flush=True)
    return out


def comparison() -> dict:
    """The development decks' figures for the same groups: dev (the fitted default) and test."""
    ablations = json.loads((ROOT / "docs" / "ablations.json").read_text("utf-8"))
    quality = json.loads((ROOT / "docs" / "quality.json").read_text("utf-8"))
    return {"dev": ablations["variants"]["default"]["decks"], "test": quality["decks"]}


def markdown(results: dict) -> str:
    c, unseen, other = results["corpus"], results["unseen"], comparison()
    lines = [
        f"Measured {results['date']} by `make unseen` (scripts/unseen_decks.py → docs/unseen.json): "
        f"{unseen['all']['n']} questions on {c['unseen decks']} real decks that no constant was fitted on"
        f" (tests/fixtures/unseen/), searched in one index with the shipped corpus ({c['decks']} decks,"
        f" {c['passages']} passages), default settings. Beside them: the development decks of corpus/real/,"
        " dev split (what the constants were fitted on) and test split (`make quality`).",
        "",
        "| group | unseen n | unseen slide@1 | unseen slide@5 | unseen passage hit@1 | unseen passage hit@5"
        " | dev slide@1 | test slide@1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for group in GROUPS:
        if group not in unseen:
            continue
        m = unseen[group]
        dev, test = (other[split].get(group, {}).get("slide@1") for split in ("dev", "test"))
        cells = [f"{m[k]:.3f}" for k in ("slide@1", "slide@5", "hit@1", "hit@5")]
        cells += ["–" if v is None else f"{v:.3f}" for v in (dev, test)]
        lines.append(f"| {group} | {m['n']} | {' | '.join(cells)} |")
    latent = results["latent terms"]["unseen"]["all"]
    lines += [
        "",
        f"Flagged as no good match: {results['flagged']:.3f} of these questions (all answerable)."
        f" With `--latent-terms`: slide@1 {latent['slide@1']:.3f}, slide@5 {latent['slide@5']:.3f},"
        f" passage hit@1 {latent['hit@1']:.3f}, hit@5 {latent['hit@5']:.3f} (all questions).",
    ]
    if "variants" in results:
        lines += ["", *variant_table(results["variants"], c["decks"])]
    return "\n".join(lines) + "\n"


def variant_table(rows: dict, decks: int) -> list[str]:
    """The ablation rows on dev and on the unseen decks, best on dev first, with the rank correlation."""
    from scipy.stats import spearmanr

    names = sorted(rows, key=lambda name: -rows[name]["dev"])
    rho = spearmanr([rows[n]["dev"] for n in names], [rows[n]["unseen"] for n in names]).statistic
    base = rows["default"]
    better = {split: sum(rows[n][split] > base[split] for n in names) for split in ("dev", "unseen")}
    lines = [
        f"The ablation table's {len(names) - 2} settings-only rows and the two single-signal modes, on the"
        " deck questions (objective: the mean of passage hit@1 and slide@1 over both languages; the dev"
        f" questions here are searched in the same {decks}-deck index, so they differ a little from the ablation"
        f" table). Spearman's rank correlation between the two columns: **{rho:.2f}**. Rows above the"
        f" default: {better['dev']} on dev, {better['unseen']} on the unseen decks. Reported only: no row is"
        " chosen from the unseen column.",
        "",
        "| row | dev decks | unseen decks | unseen slide@1 |",
        "|---|---|---|---|",
    ]
    for name in names:
        r = rows[name]
        label = f"**{name}**" if name == "default" else name
        lines.append(f"| {label} | {r['dev']:.4f} | {r['unseen']:.4f} | {r['unseen slide@1']:.3f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index" / "unseen")
    parser.add_argument("--render-only", action="store_true", help="rewrite the Markdown from docs/unseen.json")
    parser.add_argument("--no-variants", action="store_true", help="the default and --latent-terms only (fast)")
    args = parser.parse_args()

    def every() -> dict:
        results = measure(args.index)
        results["latent terms"] = measure(args.index, latent=True)
        if not args.no_variants:
            results["variants"] = variants(args.index)
        return results

    publish(RESULTS, None if args.render_only else every, markdown, "unseen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
