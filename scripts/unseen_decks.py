"""How the default search does on real decks no constant was fitted on: `make unseen`.

Each set under tests/fixtures/ (SETS: a folder of real decks, its README with their sources and
licences, and questions.jsonl) came into the project after every constant of the search had
been fitted, and no fit reads its decks or questions: none of scripts/ablations.py,
fit_weights.py or not_kept.py opens them. They join the shipped corpus (the briefing and the
eleven real decks) in one index, as a user adding decks would have it, and the default
settings answer them, per set, language and direction. Beside them, for comparison, the same
figures of the development decks (dev split, docs/ablations.json) and of their held-out test
split (docs/quality.json).

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
from qa.evaluation.runner import summarise  # noqa: E402
from qa.search import Searcher, SearchSettings  # noqa: E402
from scripts.ablations import LATENT, VARIANTS, WORD_LATENT  # noqa: E402
from scripts.quality import TARGETS, copied_corpus_searcher, figures, ocr_engine, ocr_line, share  # noqa: E402
from scripts.question_sets import dev_sets  # noqa: E402
from scripts.splice_readme import publish  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
# The sets of the check, oldest first: folder under tests/fixtures/ (its decks' folder in the corpus
# too) -> the day its questions were written, before any search ran on its decks. A fit that wants a
# set's questions moves its decks and questions into corpus/; the newer sets stay the check.
SETS = {"unseen": "2026-11-30", "unseen-2": "2026-12-01", "unseen-3": "2026-12-01"}
RESULTS = ROOT / "docs" / "unseen.json"
GROUPS = ("all", "ja", "en", "en>en", "en>ja", "ja>en", "ja>ja")


def questions_of(name: str) -> list:
    """The questions of one set (tests/fixtures/<name>/questions.jsonl)."""
    return read_questions(FIXTURES / name / "questions.jsonl").questions


def corpus_files() -> dict[str, Path]:
    """The shipped corpus (decks and catalog, not the question sets) and each set's decks under <set>/."""
    corpus = ROOT / "tests" / "decks"
    files = {str(p.relative_to(corpus)): p for p in deck_files(corpus)}
    files["catalog.toml"] = corpus / "catalog.toml"
    for name in SETS:
        for deck in deck_files(FIXTURES / name):
            files[f"{name}/{deck.name}"] = deck
    assert not SKIP_DIRS & {Path(name).parts[0] for name in files}
    return files


def missed(r) -> bool:
    """Whether a question's first cited slide is not a gold one."""
    return r.metrics.get("slide@1", 0.0) < 1.0


def misses(result) -> dict:
    """Where the slide@1 misses went: a slide of another deck came first, or another slide of the
    right deck did (routing, or ranking within the deck)."""
    out = {"another deck": 0, "same deck": 0}
    for r in filter(missed, result.results):
        out["another deck" if not r.top or r.top[0].doc != r.question.doc else "same deck"] += 1
    return out


def split_by_set(result) -> dict:
    """The evaluation of every set's questions cut into one per set (the questions are asked once)."""
    return {
        name: summarise(
            [r for r in result.results if r.question.doc.split("/")[0] == name],
            k=result.k,
            mode=result.mode,
            model=result.model,
        )
        for name in SETS
    }


def one_set(result) -> dict:
    """One set's figures and misses, and how many decks its questions ask about."""
    decks = len({r.question.doc for r in result.results})
    return {"decks": decks, "figures": figures(result), "misses": misses(result)}


def measure(searcher: Searcher, settings: SearchSettings) -> dict:
    """The figures of every set's questions, together and per set, with these settings; and of the
    dev deck questions in this larger library."""
    searcher.settings = settings
    result = evaluate(searcher, [q for name in SETS for q in questions_of(name)], k=10)
    docs = searcher.documents()
    return {
        "date": time.strftime("%Y-%m-%d"),
        "model": searcher.encoder.model_id,
        "corpus": {
            "decks": len(docs),
            "unseen decks": sum(d["doc"].split("/")[0] in SETS for d in docs),
            "passages": len(searcher.passages),
        },
        "ocr": ocr_engine(searcher),
        "unseen": figures(result),
        "sets": {name: {"written": SETS[name], **one_set(one)} for name, one in split_by_set(result).items()},
        "dev decks": one_set(evaluate(searcher, dev_sets(ROOT)["decks"], k=10)),
        "flagged": share([r.low_confidence for r in result.results]),
        "slide@1 missed": [r.question.id for r in filter(missed, result.results)],
        # a question whose answer no passage holds would be a reader fault (tests/test_unseen_decks.py)
        "unanswerable": [r.question.id for r in result.results if r.relevant_passages == 0],
    }


def decks_objective(groups: dict) -> float:
    """The ablations' objective on one set of deck questions: the mean of passage hit@1 and slide@1
    over the two question languages."""
    return round(float(np.mean([groups[lang][k] for lang in ("ja", "en") for k in ("hit@1", "slide@1")])), 4)


def variants(searcher: Searcher) -> tuple[dict, dict]:
    """Every settings-only row of the ablation table (packings need indexes of their own), and the two
    single-signal modes, scored on the dev deck questions, on every set's questions and on each set's:
    does a row's standing on dev carry to decks nobody fitted on? Reported only; nothing is chosen
    from it. Also the ceiling of these rows (see `ceiling`)."""
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


def comparison() -> dict:
    """The development decks' figures for the same groups: dev (the fitted default) and test."""
    ablations = json.loads((ROOT / "docs" / "ablations.json").read_text("utf-8"))
    quality = json.loads((ROOT / "docs" / "quality.json").read_text("utf-8"))
    return {"dev": ablations["variants"]["default"]["decks"], "test": quality["decks"]}


def markdown(results: dict) -> str:
    c, unseen, other = results["corpus"], results["unseen"], comparison()
    folders = ", ".join(f"tests/fixtures/{name}/" for name in results["sets"])
    lines = [
        f"Measured {results['date']} by `make unseen` (scripts/unseen_decks.py → docs/unseen.json): "
        f"{unseen['all']['n']} questions on {c['unseen decks']} real decks that no constant was fitted on"
        f" ({folders}), searched in one index with the shipped corpus ({c['decks']} decks,"
        f" {c['passages']} passages), default settings. Beside them: the development decks of tests/decks/real/,"
        f" dev split (what the constants were fitted on) and test split (`make quality`). {ocr_line(results)}",
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
        "",
        *set_table(results),
    ]
    if "variants" in results:
        lines += ["", *variant_table(results["variants"], c["decks"])]
    if "ceiling" in results:
        lines += ["", *ceiling_table(results["ceiling"], len(results["variants"]))]
    return "\n".join(lines) + "\n"


def set_label(name: str) -> str:
    """A question set's label in the tables: its folder, or the development decks' dev split ("dev")."""
    return "tests/decks/real/, dev split" if name == "dev" else f"tests/fixtures/{name}/"


def set_table(results: dict) -> list[str]:
    """Each set on its own (default settings, and slide@1 with --latent-terms): a set whose questions a
    later fit reads stops being a check, and the newer sets' rows are the ones to trust then."""
    lines = [
        "Per set (written on the day given, before any search ran on its decks), and the development"
        " decks' dev questions searched in this same larger library. Misses: the slide@1 misses whose"
        " first answer came from another deck (routing) or from another slide of the right deck.",
        "",
        "| set | written | decks | n | slide@1 | slide@5 | passage hit@1 | passage hit@5 | ja slide@1"
        " | en slide@1 | misses: another deck | misses: same deck | slide@1 with --latent-terms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    latent = results["latent terms"]
    rows = [(set_label(name), one, latent["sets"][name]) for name, one in results["sets"].items()]
    rows.append((set_label("dev"), {**results["dev decks"], "written": "–"}, latent["dev decks"]))
    for label, one, with_latent in rows:
        m = one["figures"]
        cells = [f"{m['all'][k]:.3f}" for k in ("slide@1", "slide@5", "hit@1", "hit@5")]
        cells += [f"{m[lang]['slide@1']:.3f}" if lang in m else "–" for lang in ("ja", "en")]
        cells += [str(one["misses"][where]) for where in ("another deck", "same deck")]
        row = [label, one["written"], str(one["decks"]), str(m["all"]["n"]), *cells]
        lines.append(f"| {' | '.join(row)} | {with_latent['figures']['all']['slide@1']:.3f} |")
    return lines


def variant_table(rows: dict, decks: int) -> list[str]:
    """The ablation rows on dev and on the unseen decks, best on dev first, with the rank correlation."""
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index" / "unseen")
    parser.add_argument("--render-only", action="store_true", help="rewrite the Markdown from docs/unseen.json")
    parser.add_argument("--no-variants", action="store_true", help="the default and --latent-terms only (fast)")
    args = parser.parse_args()

    def every() -> dict:
        # One index and one searcher (with the latent terms' model pass at hand) for every measurement.
        with copied_corpus_searcher(corpus_files(), args.index, latent=True) as searcher:
            results = measure(searcher, SearchSettings())
            results["latent terms"] = measure(searcher, SearchSettings().with_latent_terms())
            if not args.no_variants:
                results["variants"], results["ceiling"] = variants(searcher)
        return results

    publish(RESULTS, None if args.render_only else every, markdown, "unseen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
