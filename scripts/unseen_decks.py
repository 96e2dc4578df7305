"""How the default search does on real decks no constant was fitted on: `make unseen`.

Each set under tests/fixtures/ (SETS: a folder of real decks, its README with their sources and
licences, and questions.jsonl) came into the project after every constant of the search had
been fitted, and no fit reads its decks or questions (nor did the research scripts, research/).
They join the shipped corpus (the briefing and the eleven real decks) in one index, as a user
adding decks would have it, and the default settings answer them, per set, language and
direction. Beside them, for comparison, the development decks' dev questions (what the constants
were fitted on) searched in the same index, and their held-out test split (docs/quality.json).

Writes docs/unseen.json, then docs/unseen.md from it, spliced into the section `unseen`
(scripts/splice_readme.py). research/unseen_variants.py scores other settings on these sets.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.documents import SKIP_DIRS, deck_files  # noqa: E402
from qa.evaluation import evaluate, read_questions  # noqa: E402
from qa.evaluation.runner import summarise  # noqa: E402
from qa.search import Searcher, SearchSettings  # noqa: E402
from scripts.quality import copied_corpus_searcher, figures, ocr_engine, ocr_line, share  # noqa: E402
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


def comparison(results: dict) -> dict:
    """The development decks' figures for the same groups: dev (their dev questions in this same
    index, default settings) and test (`make quality`, docs/quality.json)."""
    quality = json.loads((ROOT / "docs" / "quality.json").read_text("utf-8"))
    return {"dev": results["dev decks"]["figures"], "test": quality["decks"]}


def markdown(results: dict) -> str:
    c, unseen, other = results["corpus"], results["unseen"], comparison(results)
    folders = ", ".join(f"tests/fixtures/{name}/" for name in results["sets"])
    lines = [
        f"Measured {results['date']} by `make unseen` (scripts/unseen_decks.py → docs/unseen.json): "
        f"{unseen['all']['n']} questions on {c['unseen decks']} real decks that no constant was fitted on"
        f" ({folders}), searched in one index with the shipped corpus ({c['decks']} decks,"
        f" {c['passages']} passages), default settings. Beside them: the development decks of tests/decks/real/,"
        f" dev split (what the constants were fitted on; searched in this same index) and test split"
        f" (`make quality`). {ocr_line(results)}",
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
    lines += [
        "",
        f"Flagged as no good match: {results['flagged']:.3f} of these questions (all answerable).",
        "",
        *set_table(results),
    ]
    return "\n".join(lines) + "\n"


def set_label(name: str) -> str:
    """A question set's label in the tables: its folder, or the development decks' dev split ("dev")."""
    return "tests/decks/real/, dev split" if name == "dev" else f"tests/fixtures/{name}/"


def set_table(results: dict) -> list[str]:
    """Each set on its own (default settings): a set whose questions a later fit reads stops being a
    check, and the newer sets' rows are the ones to trust then."""
    lines = [
        "Per set (written on the day given, before any search ran on its decks), and the development"
        " decks' dev questions searched in this same larger library. Misses: the slide@1 misses whose"
        " first answer came from another deck (routing) or from another slide of the right deck.",
        "",
        "| set | written | decks | n | slide@1 | slide@5 | passage hit@1 | passage hit@5 | ja slide@1"
        " | en slide@1 | misses: another deck | misses: same deck |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [(set_label(name), one) for name, one in results["sets"].items()]
    rows.append((set_label("dev"), {**results["dev decks"], "written": "–"}))
    for label, one in rows:
        m = one["figures"]
        cells = [f"{m['all'][k]:.3f}" for k in ("slide@1", "slide@5", "hit@1", "hit@5")]
        cells += [f"{m[lang]['slide@1']:.3f}" if lang in m else "–" for lang in ("ja", "en")]
        cells += [str(one["misses"][where]) for where in ("another deck", "same deck")]
        row = [label, one["written"], str(one["decks"]), str(m["all"]["n"]), *cells]
        lines.append(f"| {' | '.join(row)} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index" / "unseen")
    parser.add_argument("--render-only", action="store_true", help="rewrite the Markdown from docs/unseen.json")
    args = parser.parse_args()

    def every() -> dict:
        with copied_corpus_searcher(corpus_files(), args.index) as searcher:
            return measure(searcher, SearchSettings())

    publish(RESULTS, None if args.render_only else every, markdown, "unseen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
