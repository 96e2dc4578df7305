"""Component: the passages (row i = vector i) and the slide outline, as JSON Lines."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from ..chunking import Passage
from ..slides import Slide
from .store import read_jsonl, write_jsonl

FORMAT = "passages-jsonl/1"
FILES = ("passages.jsonl", "slides.jsonl")


def save(passages: list[Passage], slides: list[Slide], folder: Path) -> None:
    write_jsonl(folder / "passages.jsonl", (asdict(p) for p in passages))
    write_jsonl(folder / "slides.jsonl", (asdict(s) for s in slides))


def load(folder: Path) -> tuple[list[Passage], list[Slide]]:
    passages = [Passage(**row) for row in read_jsonl(folder / "passages.jsonl")]
    slides = [Slide.from_json(row) for row in read_jsonl(folder / "slides.jsonl")]
    return passages, slides
