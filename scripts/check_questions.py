"""Validate a question set over the real decks: `python scripts/check_questions.py`.

Checks every line of corpus/questions/decks.jsonl: the fields and their values,
that each (doc, slide) exists, and that each answer string occurs in the text of
one of the listed slides. Slide texts come straight from the files, independently
of the `qa` readers (which are written in parallel): pypdfium2 for a PDF (page
number), python-pptx for a PowerPoint file (position in the presentation, speaker
notes included), and markdown-it-py for a Marp deck (Marp splits slides on the
top-level horizontal rules that markdown-it finds, after the front matter).

`--dump real/<name>` prints a deck's slide texts (to write questions from);
`--counts` prints the slide count of every deck. Exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "decks"  # the development corpus: the briefing and the real decks
QUESTIONS = ROOT / "corpus" / "questions" / "decks.jsonl"
# Where a question's "doc" is looked up: the shipped corpus, then the unseen decks of the
# generalisation check (doc "unseen-2/<name>" -> tests/fixtures/unseen-2/<name>.pdf, .pptx or .md).
ROOTS = (CORPUS, ROOT / "tests" / "fixtures")

FIELDS = {"id", "question", "lang", "doc", "slides", "answers", "split", "deck_lang", "type"}
TYPES = {"fact", "deck", "summary", "agenda"}
LANGS = {"ja", "en"}
SPLITS = {"dev", "test"}
FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n", re.S)


def pdf_slides(path: Path) -> list[str]:
    """Text of each PDF page, in page order."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def _shape_texts(shapes) -> list[str]:
    out = []
    for shape in shapes:
        if shape.shape_type == 6:  # a group: recurse into its members
            out += _shape_texts(shape.shapes)
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            out.append(shape.text_frame.text)
        if getattr(shape, "has_table", False) and shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def pptx_slides(path: Path) -> list[str]:
    """Text of each slide (shapes, tables, groups, speaker notes), hidden slides included."""
    from pptx import Presentation

    texts = []
    for slide in Presentation(str(path)).slides:
        parts = _shape_texts(slide.shapes)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
        texts.append("\n".join(parts))
    return texts


def markdown_slides(path: Path) -> list[str]:
    """Markdown source of each Marp slide: split on level-0 horizontal rules."""
    from markdown_it import MarkdownIt

    source = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(source)
    offset = source[: match.end()].count("\n") if match else 0
    lines = source.splitlines()[offset:]
    breaks = [
        tok.map for tok in MarkdownIt("commonmark").parse("\n".join(lines)) if tok.type == "hr" and tok.level == 0
    ]
    slides, start = [], 0
    for begin, end in breaks:
        slides.append("\n".join(lines[start:begin]))
        start = end
    slides.append("\n".join(lines[start:]))
    return slides


READERS = {".pdf": pdf_slides, ".pptx": pptx_slides, ".md": markdown_slides}


def deck_path(doc: str) -> Path | None:
    for root in ROOTS:
        for suffix in READERS:
            path = root / f"{doc}{suffix}"
            if path.is_file():
                return path
    return None


def squash(text: str) -> str:
    """Collapse runs of whitespace: PDF/PPTX text breaks lines where the slide did."""
    return " ".join(text.split())


class Decks:
    """Slide texts of each deck, read once."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str] | None] = {}

    def slides(self, doc: str) -> list[str] | None:
        if doc not in self._cache:
            path = deck_path(doc)
            self._cache[doc] = READERS[path.suffix](path) if path else None
        return self._cache[doc]


def check_fields(q: dict) -> list[str]:
    problems = []
    if set(q) != FIELDS:
        problems.append(f"fields {sorted(set(q) ^ FIELDS)} missing or unexpected")
        return problems
    if q["lang"] not in LANGS or q["deck_lang"] not in LANGS:
        problems.append("lang/deck_lang must be ja or en")
    if q["split"] not in SPLITS:
        problems.append("split must be dev or test")
    if q["type"] not in TYPES:
        problems.append(f"type must be one of {sorted(TYPES)}")
    if not q["slides"] or not all(isinstance(n, int) and n >= 1 for n in q["slides"]):
        problems.append("slides must be a non-empty list of slide numbers")
    if not q["answers"] and q["type"] in {"fact", "deck"}:
        problems.append("a fact/deck question needs at least one answer string")
    if not q["question"].strip():
        problems.append("empty question")
    return problems


def check_question(q: dict, decks: Decks) -> list[str]:
    problems = check_fields(q)
    if problems:
        return problems
    slides = decks.slides(q["doc"])
    if slides is None:
        return [f"no deck {q['doc']} (.pdf/.pptx/.md) under corpus/ or tests/fixtures/"]
    missing = [n for n in q["slides"] if n > len(slides)]
    if missing:
        return [f"slide(s) {missing} beyond the deck's {len(slides)} slides"]
    texts = [squash(slides[n - 1]) for n in q["slides"]]
    for answer in q["answers"]:
        if not any(squash(answer) in text for text in texts):
            problems.append(f"answer {answer!r} not on slide(s) {q['slides']}")
    return problems


def summary(questions: list[dict]) -> str:
    direction = Counter(f"{q['lang']}->{q['deck_lang']}" for q in questions)
    counts = {
        "questions": len(questions),
        "per doc": dict(sorted(Counter(q["doc"] for q in questions).items())),
        "per lang": dict(Counter(q["lang"] for q in questions)),
        "per direction": dict(sorted(direction.items())),
        "per split": dict(Counter(q["split"] for q in questions)),
        "per type": dict(Counter(q["type"] for q in questions)),
    }
    return json.dumps(counts, ensure_ascii=False, indent=1)


def validate(path: Path) -> int:
    decks, seen, bad = Decks(), set(), 0
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as err:
            print(f"{path.name}:{number}: not JSON ({err.msg})")
            bad += 1
            continue
        problems = check_question(q, decks)
        if q.get("id") in seen:
            problems.append("duplicate id")
        seen.add(q.get("id"))
        for problem in problems:
            print(f"{path.name}:{number} {q.get('id')}: {problem}")
        bad += bool(problems)
        questions.append(q)
    print(summary(questions))
    print(f"{len(questions)} questions, {bad} with problems")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=QUESTIONS)
    parser.add_argument("--dump", metavar="DOC", help="print the slide texts of one deck, e.g. real/ms-django")
    parser.add_argument("--counts", action="store_true", help="print the slide count of every deck under corpus/real")
    args = parser.parse_args(argv)
    if args.dump:
        slides = Decks().slides(args.dump)
        if slides is None:
            print(f"no deck {args.dump}")
            return 1
        for number, text in enumerate(slides, 1):
            print(f"=== {args.dump} slide {number}\n{text.strip()}")
        return 0
    if args.counts:
        for path in sorted((CORPUS / "real").iterdir()):
            if path.suffix in READERS:
                print(f"real/{path.stem}\t{path.suffix[1:]}\t{len(READERS[path.suffix](path))}")
        return 0
    if not args.questions.is_file():
        print(f"no question file {args.questions}")
        return 1
    return validate(args.questions)


if __name__ == "__main__":
    sys.exit(main())
