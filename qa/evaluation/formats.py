"""Question files -> EvalQuestion records: JSON Lines, CSV, or SQuAD / JSQuAD JSON.

A malformed line (or SQuAD entry) becomes a one-line problem and is skipped; an
empty, unreadable or unrecognised file is a QAError.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import QAError
from ..lang import detect_language, normalize
from ..readers.text import decode

FORMATS = ("jsonl", "csv", "squad")
LANGS = ("ja", "en")
LIST_SEPARATOR = "|"  # several slides or answers in one CSV cell


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    lang: str
    slides: tuple[int, ...] = ()
    answers: tuple[str, ...] = ()
    doc: str | None = None
    split: str | None = None

    def gold(self) -> dict:
        """The gold as stored in reports."""
        return {"doc": self.doc, "slides": list(self.slides), "answers": list(self.answers)}


@dataclass(frozen=True)
class SquadParagraph:
    number: int  # 1-based over the whole file: the evaluation corpus's "slide"
    title: str
    text: str


@dataclass
class QuestionSet:
    name: str  # the file's name, for messages and reports
    format: str  # one of FORMATS
    questions: list[EvalQuestion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per skipped entry
    paragraphs: list[SquadParagraph] = field(default_factory=list)  # SQuAD only
    sha256: str = ""  # of the file's bytes

    @property
    def doc(self) -> str:
        """The document name of a SQuAD file's evaluation corpus."""
        return Path(self.name).stem


# ---------------------------------------------------------------- one record


def _as_list(value, what: str) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, list):
        return value
    raise ValueError(f'"{what}" must be a list')


def _slides(value) -> tuple[int, ...]:
    out = []
    for item in _as_list(value, "slides"):
        number = None
        if isinstance(item, int) and not isinstance(item, bool):
            number = item
        elif isinstance(item, float) and item.is_integer():
            number = int(item)
        elif isinstance(item, str) and item.strip().isdigit():
            number = int(item.strip())
        if number is None or number < 1:
            raise ValueError(f'"slides" holds {item!r}, not a slide number')
        out.append(number)
    return tuple(out)


def _answers(value) -> tuple[str, ...]:
    answers = []
    for item in _as_list(value, "answers"):
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise ValueError('"answers" must be strings')
        if str(item).strip():
            answers.append(str(item).strip())
    return tuple(answers)


def make_question(row: dict, default_id: str) -> EvalQuestion:
    """One question from a JSONL object or CSV row (ValueError names what is wrong)."""
    text = row.get("question")
    if not isinstance(text, str) or not normalize(text):
        raise ValueError('no "question" text')
    lang = row.get("lang") or None
    if lang is None:
        lang = detect_language(normalize(text))
    elif lang not in LANGS:
        raise ValueError(f'"lang" is {lang!r}; use "ja" or "en" (or leave it out)')
    slides, answers = _slides(row.get("slides")), _answers(row.get("answers"))
    if not slides and not answers:
        raise ValueError('neither "slides" nor "answers": nothing to judge the results by')
    doc = row.get("doc") or None
    if doc is not None and not isinstance(doc, str):
        raise ValueError('"doc" must be a string')
    qid = row.get("id")
    split = row.get("split") or None
    return EvalQuestion(
        id=str(qid).strip() if qid not in (None, "") else default_id,
        question=text.strip(),
        lang=lang,
        slides=slides,
        answers=answers,
        doc=doc,
        split=str(split) if split is not None else None,
    )


# ---------------------------------------------------------------- whole files


def read_jsonl(text: str, result: QuestionSet) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            result.problems.append(f"line {number}: not a JSON object")
            continue
        try:
            result.questions.append(make_question(row, f"line-{number}"))
        except ValueError as exc:
            result.problems.append(f"line {number}: {exc}")


def read_csv(text: str, result: QuestionSet) -> None:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if "question" not in header:
        raise QAError(f"{result.name}: a CSV question file needs a header row with a 'question' column")
    reader.fieldnames = header
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(f"line {reader.line_num}: not valid CSV ({exc})")
            continue
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        if None in row:  # more cells than header names
            result.problems.append(f"line {reader.line_num}: more cells than the header has columns")
            continue
        try:
            result.questions.append(make_question(row, f"line-{reader.line_num}"))
        except ValueError as exc:
            result.problems.append(f"line {reader.line_num}: {exc}")


def read_squad(data: dict, result: QuestionSet) -> None:
    """Paragraphs become passages; each question's gold is its own paragraph."""
    articles = data.get("data")
    if not isinstance(articles, list):
        raise QAError(f"{result.name}: a SQuAD file needs a 'data' list")
    for a, article in enumerate(articles):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            result.problems.append(f"data[{a}]: no 'paragraphs' list, skipped")
            continue
        for p, paragraph in enumerate(paragraphs):
            where = f"data[{a}].paragraphs[{p}]"
            context = paragraph.get("context") if isinstance(paragraph, dict) else None
            if not isinstance(context, str) or not context.strip():
                result.problems.append(f"{where}: no 'context' text, skipped")
                continue
            # JSQuAD writes "title [SEP] text"; SQuAD has the title on the article.
            title, sep, body = context.partition(" [SEP] ")
            if not sep:
                title, body = "", context
            number = len(result.paragraphs) + 1
            result.paragraphs.append(SquadParagraph(number, title.strip(), body.strip()))
            for q, qa in enumerate(paragraph.get("qas") or []):
                row = qa if isinstance(qa, dict) else {}
                try:
                    result.questions.append(
                        make_question(
                            {
                                "question": row.get("question"),
                                "id": row.get("id"),
                                "slides": [number],
                                "doc": result.doc,
                            },
                            f"{where}.qas[{q}]",
                        )
                    )
                except ValueError as exc:
                    result.problems.append(f"{where}.qas[{q}]: {exc}")
    if not result.paragraphs:
        raise QAError(f"{result.name}: the SQuAD file holds no paragraphs")


def sniff(text: str, suffix: str) -> tuple[str, object]:
    """(format, parsed JSON or None), from the content first and the extension second."""
    stripped = text.lstrip()
    if suffix != ".csv" and stripped.startswith("{"):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict) and "data" in whole and "question" not in whole:
            return "squad", whole
        return "jsonl", None
    first = stripped.split("\n", 1)[0].lower()
    if suffix == ".csv" or "question" in first.replace('"', "").split(","):
        return "csv", None
    return "", None


def parse_questions(data: bytes, name: str, *, allowed: tuple[str, ...] = FORMATS) -> QuestionSet:
    """A question set from a file's bytes (its name gives the extension and the SQuAD document)."""
    text = decode(data, name).lstrip("\ufeff")  # QAError when empty or binary
    if not text.strip():
        raise QAError(f"{name}: the file is empty")
    kind, parsed = sniff(text, Path(name).suffix.lower())
    if kind not in allowed:
        expected = ", ".join({"jsonl": "JSON Lines", "csv": "CSV", "squad": "SQuAD JSON"}[f] for f in allowed)
        raise QAError(f"{name}: not a question file this accepts ({expected})")
    result = QuestionSet(name=name, format=kind, sha256=hashlib.sha256(data).hexdigest())
    if kind == "squad":
        read_squad(parsed, result)
    elif kind == "csv":
        read_csv(text, result)
    else:
        read_jsonl(text, result)
    if not result.questions:
        detail = f"; first problem: {result.problems[0]}" if result.problems else ""
        raise QAError(f"{name}: no usable question{detail}")
    return result


def read_questions(path: Path, *, allowed: tuple[str, ...] = FORMATS) -> QuestionSet:
    """A question set from a file (QAError when missing, unreadable, empty or unrecognised)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise QAError(f"question file not found: {path}") from None
    except IsADirectoryError:
        raise QAError(f"{path} is a folder, not a question file") from None
    except OSError as exc:
        raise QAError(f"cannot read {path} ({exc.strerror})") from None
    return parse_questions(data, path.name, allowed=allowed)
