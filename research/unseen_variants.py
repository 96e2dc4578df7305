"""Does a settings row's standing on dev carry to decks nobody fitted on? And the ceiling of the rows.

    python research/unseen_variants.py [--index index/unseen] [--render-only]

Every settings-only row of research/ablations.py (packings need indexes of their own) and the
two single-signal modes, scored on the dev deck questions and on the unseen sets' questions
(`make unseen`'s library: the shipped corpus and tests/fixtures/unseen*/ in one index), with the
rank correlation between the two columns; and the ceiling of these rows: for each question the
best row, chosen knowing the answer, and what a perfect reranker of the default's ten cited
slides would put first. Reported only: nothing is chosen from it.

Writes research/results/unseen_variants.json and .md. Until 2026-12-08 these tables were part of
`make unseen` (docs/unseen.json "variants" and "ceiling", measured 2026-12-01); the recorded
results file holds that run. Research: nothing imports this file, and the rows of settings the
search no longer has (research/ablations.py's docstring) no longer run.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.evaluation import evaluate  # noqa: E402
from qa.search import Searcher, SearchSettings  # noqa: E402
from research.ablations import LATENT, VARIANTS, WORD_LATENT  # noqa: E402
from scripts.quality import TARGETS, copied_corpus_searcher, figures, share  # noqa: E402
from scripts.question_sets import dev_sets  # noqa: E402
from scripts.unseen_decks import SETS, corpus_files, questions_of, set_label, split_by_set  # noqa: E402

RESULTS = ROOT / "research" / "results" / "unseen_variants.json"


def decks_objective(groups: dict) -> float:
    """The ablations' objective on one set of deck questions: the mean of passage hit@1 and slide@1
    over the two question languages."""
    return round(float(np.mean([groups[lang][k] for lang in ("ja", "en") for k in ("hit@1", "slide@1")])), 4)


def variants(searcher: Searcher) -> tuple[dict, dict]:
    """Every settings-only row and the two single-signal modes, on the dev deck questions, on every
    set's questions and on each set's; and the ceiling of these rows."""
    rows = {name: ("hybrid", o) for name, o in {**VARIANTS, **WORD_LATENT, **LATENT}.items()}
    rows |= {"dense vectors only (mode)": ("dense", {}), "keyword index only (mode)": ("keyword", {})}
    dev, unseen = dev_sets(ROOT)["decks"], [q for name in SETS for q in questions_of(name)]
    out, ranks = {}, {}
    for name, (mode, overrides) in rows.items():
        searcher.settings = replace(SearchSettings(), **overrides)
        every = evaluate(searcher, unseen, k=10, mode=mode)
        on_dev = evaluate(searcher, dev, k=10, mode=mode)
        scored = {"dev": figures(on_dev), "unseen": figures(every)}
        scored |= {f"set {set_name}": figures(one) for set_name, one in split_by_set(every).items()}
        out[name] = {split: decks_objective(groups) for split, groups in scored.items()}
        out[name]["unseen slide@1"] = scored["unseen"]["all"]["slide@1"]
        for r in [*every.results, *on_dev.results]:
            ranks.setdefault(r.question.id, {})[name] = r.metrics.get("slide_rank")
        print(name, out[name], flush=True)
    groups = {"dev": [q.id for q in dev]} | {name: [q.id for q in questions_of(name)] for name in SETS}
    return out, ceiling(ranks, groups)


def ceiling(ranks: dict[str, dict[str, int | None]], groups: dict[str, list[str]]) -> dict:
    """How far the signals the search has could go, per group of questions ({question id: {row: the
    gold slide's rank among the ten cited, None when not cited}}): the default's slide@1 and slide@10
    (what a perfect reranker of its ten slides would put first), and the share of questions that some
    row puts first, or among its ten: the best row for each question, chosen knowing the answer."""
    return {
        group: {
            "n": len(ids),
            "default slide@1": share([ranks[i]["default"] == 1 for i in ids]),
            "default slide@10": share([ranks[i]["default"] is not None for i in ids]),
            "any row slide@1": share([1 in ranks[i].values() for i in ids]),
            "any row slide@10": share([any(rank is not None for rank in ranks[i].values()) for i in ids]),
        }
        for group, ids in groups.items()
    }


def variant_table(rows: dict, decks: int) -> list[str]:
    """The rows on dev and on the unseen decks, best on dev first, with the rank correlation."""
    from scipy.stats import spearmanr

    names = sorted(rows, key=lambda name: -rows[name]["dev"])
    sets = [name for name in SETS if f"set {name}" in rows["default"]]
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
        f"| row | dev decks | unseen decks | {' | '.join(f'{name}/' for name in sets)} | unseen slide@1 |",
        f"|---|---|---|{'---|' * len(sets)}---|",
    ]
    for name in names:
        r = rows[name]
        label = f"**{name}**" if name == "default" else name
        cells = [f"{r[split]:.4f}" for split in ("dev", "unseen", *(f"set {name}" for name in sets))]
        lines.append(f"| {label} | {' | '.join(cells)} | {r['unseen slide@1']:.3f} |")
    return lines


def ceiling_table(groups: dict, rows: int) -> list[str]:
    """The ceiling of the rows above, per set: what no setting of these signals can pass."""
    lines = [
        f"The ceiling of these signals: for each question, the best of the {rows} rows above, chosen knowing the"
        " answer (no search can choose so), and what a perfect reranker of the default's ten cited slides"
        " would put first (slide@10).",
        "",
        "| questions | n | default slide@1 | default slide@10 | best row for each question, slide@1"
        " | any row, slide@10 |",
        "|---|---|---|---|---|---|",
    ]
    for group, m in groups.items():
        cells = [f"{m[k]:.3f}" for k in ("default slide@1", "default slide@10", "any row slide@1", "any row slide@10")]
        lines.append(f"| {set_label(group)} | {m['n']} | {' | '.join(cells)} |")
    bar = next(target for name, _, _, target in TARGETS if name == "real decks slide hit@1")
    reached = [set_label(group) for group, m in groups.items() if m["any row slide@1"] >= bar]
    lines += [
        "",
        f"The retrieval issue's bar for slide@1 is {bar}: the best row for each question reaches it on"
        f" {', '.join(reached) if reached else 'none of these sets'}.",
    ]
    return lines


def markdown(results: dict) -> str:
    head = f"Measured {results['date']} ({results['corpus']['decks']} decks in one index, `make unseen`'s library)."
    lines = [head, "", *variant_table(results["variants"], results["corpus"]["decks"])]
    lines += ["", *ceiling_table(results["ceiling"], len(results["variants"]))]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index" / "unseen")
    parser.add_argument("--render-only", action="store_true", help="rewrite the Markdown from the results file")
    args = parser.parse_args()
    if args.render_only:
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    else:
        import time

        with copied_corpus_searcher(corpus_files(), args.index) as searcher:
            corpus = {"decks": len(searcher.documents()), "passages": len(searcher.passages)}
            rows, top = variants(searcher)
        results = {"date": time.strftime("%Y-%m-%d"), "corpus": corpus, "variants": rows, "ceiling": top}
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = markdown(results)
    RESULTS.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
