"""Feedback on answers, kept as JSON Lines in the `qa eval` question format.

Each record is a test question in waiting: the question, its language, the slide
the user says answers it (or the cited slide, on a thumbs-up) and the document.
Appends are single `os.write` calls on an O_APPEND descriptor under an exclusive
`flock`, so lines from concurrent sessions (threads or processes) never
interleave; a file that is already malformed is reported and left untouched.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import QAError

RATINGS = ("up", "down")
FILE_NAME = "feedback.jsonl"
REQUIRED = {"question": str, "lang": str, "slides": list, "doc": str, "id": str, "rating": str}


@dataclass(frozen=True)
class Feedback:
    """One judgement of one answer; `slides` is what a correct answer should cite."""

    question: str
    lang: str
    slides: list[int]
    doc: str
    rating: str
    answered_slides: list[int] = field(default_factory=list)
    id: str = field(default_factory=lambda: f"fb-{uuid.uuid4()}")
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        if self.rating not in RATINGS:
            raise QAError(f"rating must be one of {', '.join(RATINGS)}, not {self.rating!r}")
        if self.lang not in ("ja", "en"):
            raise QAError(f"lang must be ja or en, not {self.lang!r}")
        if not self.question.strip():
            raise QAError("feedback needs the question it is about")

    def to_json(self) -> dict:
        record = asdict(self)
        # The `qa eval` fields first, so a person reading the file sees the question first.
        return {key: record[key] for key in ("question", "lang", "slides", "doc", "id", "rating", "time")} | {
            "answered_slides": record["answered_slides"]
        }


def default_path(index_dir: Path) -> Path:
    """feedback.jsonl beside the index's build folders, so it survives rebuilds."""
    return Path(index_dir) / FILE_NAME


def problems(text: str) -> list[str]:
    """What is wrong with the content of a feedback file (empty when it is well formed)."""
    found = []
    if text and not text.endswith("\n"):
        found.append("the last line is incomplete (no newline at the end)")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            found.append(f"line {number} is not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            found.append(f"line {number} is not a JSON object")
            continue
        wrong = [key for key, kind in REQUIRED.items() if not isinstance(record.get(key), kind)]
        if wrong:
            found.append(f"line {number} lacks or mistypes {', '.join(wrong)}")
    return found


class FeedbackLog:
    """An append-only JSON Lines file of Feedback records."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def check(self) -> None:
        """Raise QAError naming the file and its first problems when it is not well formed."""
        if not self.path.exists():
            return
        try:
            text = self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise QAError(self._malformed(["it is not UTF-8 text"])) from None
        except OSError as exc:
            raise QAError(f"cannot read the feedback file {self.path}: {exc.strerror}") from None
        found = problems(text)
        if found:
            raise QAError(self._malformed(found))

    def _malformed(self, found: list[str]) -> str:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        return (
            f"the feedback file {self.path} is malformed: {'; '.join(found[:3])}{more}. "
            "It was left as it is; fix or move it to record feedback."
        )

    def append(self, feedback: Feedback) -> None:
        """Add one line atomically; refuses (QAError) when the file is malformed or unwritable."""
        line = (json.dumps(feedback.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise QAError(f"cannot write the feedback file {self.path}: {exc.strerror}") from None
        try:
            # The lock makes check-then-append one step: no writer lands between them.
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.check()
            written = os.write(fd, line)
            if written != len(line):  # a full disk; say so rather than leave half a line unexplained
                raise QAError(f"the feedback file {self.path} took only {written} of {len(line)} bytes")
            os.fsync(fd)
        except OSError as exc:
            raise QAError(f"cannot write the feedback file {self.path}: {exc.strerror}") from None
        finally:
            os.close(fd)  # closing releases the lock

    def read(self) -> list[dict]:
        """All records (raises QAError when the file is malformed)."""
        self.check()
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
