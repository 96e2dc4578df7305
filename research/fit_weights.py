"""Fit the fusion and structure weights by coordinate ascent on the dev splits (never the test splits).

Coordinate ascent (Metzler & Croft, 2007) over SearchSettings' weights: each weight in turn is
tried at a few multiples of its value, and the change is kept when the ablation objective (mean
of passage and slide hit@1 over the briefing and real decks, each language) rises by more than
`--min-gain`. Before fitting on the whole dev split, a two-fold check fits on one half of the dev
questions and scores the other, so the gain a fit is expected to carry to unseen questions is on
record next to the gain it shows on the questions it was fitted on.

    python research/fit_weights.py

Writes docs/fit_weights.json and .md. A fit is adopted in SearchSettings only if it raises the
held-out halves; so far it has not (see the .md). Research: nothing imports this file, and it
runs on research/ablations.py, whose rows no longer all run (deck_weight and deck_name_weight
below are settings the search no longer has).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.search import Searcher, SearchSettings  # noqa: E402
from research.ablations import objective, run  # noqa: E402
from scripts.question_sets import dev_sets, halves  # noqa: E402
from scripts.splice_readme import splice  # noqa: E402

# The weights searched, and the multiples of the current value tried for each (0 switches a signal off).
WEIGHTS = (
    "dense_weight",
    "keyword_weight",
    "translation_weight",
    "slide_weight",
    "deck_weight",
    "deck_name_weight",
    "role_weight",
    "hubness_en",
    "hubness_ja",
    "latent_weight",
)
STEPS = (0.0, 0.5, 0.75, 1.33, 2.0)


def score(searcher: Searcher, sets: dict, settings: SearchSettings, measure=objective) -> float:
    return measure(run(searcher, {k: v for k, v in sets.items() if k != "offtopic"}, settings))


def ascend(
    searcher: Searcher, sets: dict, start: SearchSettings, rounds: int, min_gain: float, log, measure=objective
) -> tuple:
    """The settings coordinate ascent reaches from `start`, with their `measure` on `sets`."""
    best, best_score = start, score(searcher, sets, start, measure)
    for round_no in range(rounds):
        improved = False
        for name in WEIGHTS:
            current = getattr(best, name)
            for step in STEPS:
                value = round(current * step, 4)
                if value == current:
                    continue
                trial = replace(best, **{name: value})
                trial_score = score(searcher, sets, trial, measure)
                if trial_score > best_score + min_gain:
                    best, best_score, improved = trial, trial_score, True
                    log(f"round {round_no + 1}: {name} {current} -> {value}: {trial_score:.4f}")
            # the next weight starts from whatever this one settled on
        if not improved:
            break
    return best, best_score


def changed(settings: SearchSettings) -> dict:
    default = asdict(SearchSettings())
    return {k: v for k, v in asdict(settings).items() if k in WEIGHTS and v != default[k]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-gain", type=float, default=0.002)
    parser.add_argument("--report-only", action="store_true", help="rewrite the .md from the .json")
    args = parser.parse_args()
    if args.report_only:
        report(json.loads((ROOT / "docs" / "fit_weights.json").read_text("utf-8")))
        return 0

    searcher = Searcher.open(ROOT / "tests" / "decks", args.index, notify=print)
    sets = {k: v for k, v in dev_sets(ROOT).items() if k != "offtopic"}
    start = SearchSettings()
    out = {"date": time.strftime("%Y-%m-%d"), "steps": STEPS, "min_gain": args.min_gain, "two-fold": []}
    for fit_on, held_out in (halves(sets), reversed(halves(sets))):
        fitted, fitted_score = ascend(searcher, fit_on, start, args.rounds, args.min_gain, print)
        row = {
            "fitted half, start": score(searcher, fit_on, start),
            "fitted half, fitted": fitted_score,
            "held-out half, start": score(searcher, held_out, start),
            "held-out half, fitted": score(searcher, held_out, fitted),
            "changed": changed(fitted),
        }
        out["two-fold"].append(row)
        print("two-fold", json.dumps(row), flush=True)
    fitted, fitted_score = ascend(searcher, sets, start, args.rounds, args.min_gain, print)
    out["all dev"] = {"start": score(searcher, sets, start), "fitted": fitted_score, "changed": changed(fitted)}
    print("all dev", json.dumps(out["all dev"]), flush=True)
    (ROOT / "docs" / "fit_weights.json").write_text(json.dumps(out, indent=1) + "\n", "utf-8")
    report(out)
    return 0


def report(out: dict) -> None:
    """docs/fit_weights.md from the results."""
    lines = [
        f"Measured {out['date']} by `python research/fit_weights.py` (→ docs/fit_weights.json), dev splits only:"
        " coordinate ascent over the fusion and structure weights, fitted on one half of the dev questions"
        " and scored on the other (the ablation objective).",
        "",
        "| fitted on | objective there, before → after | held-out half, before → after | weights changed |",
        "|---|---|---|---|",
    ]
    for n, row in enumerate(out["two-fold"], 1):
        weights = ", ".join(f"{k} {v}" for k, v in row["changed"].items()) or "none"
        lines.append(
            f"| half {n} | {row['fitted half, start']:.4f} → {row['fitted half, fitted']:.4f}"
            f" | {row['held-out half, start']:.4f} → {row['held-out half, fitted']:.4f} | {weights} |"
        )
    held = [row["held-out half, fitted"] - row["held-out half, start"] for row in out["two-fold"]]
    verdict = "raised" if min(held) > 0 else "did not raise"
    lines += [
        "",
        f"The fit {verdict} the held-out halves (changes {', '.join(f'{d:+.4f}' for d in held)}); on all dev"
        f" questions it reaches {out['all dev']['fitted']:.4f} from {out['all dev']['start']:.4f}.",
    ]
    (ROOT / "docs" / "fit_weights.md").write_text("\n".join(lines) + "\n", "utf-8")
    splice("fit-weights", (ROOT / "docs" / "fit_weights.md").read_text("utf-8"))


if __name__ == "__main__":
    sys.exit(main())
