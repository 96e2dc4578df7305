"""Component: the keyword index (qa/keyword.py: bm25s files + translation maps) in keyword/."""

from __future__ import annotations

from pathlib import Path

from ..keyword import KeywordIndex
from ..lang import Tokenizer

FORMAT = "bm25s/1+translations-v2"


def save(keyword: KeywordIndex, folder: Path) -> None:
    keyword.save(folder / "keyword")


def load(folder: Path, tokenizer: Tokenizer) -> KeywordIndex:
    return KeywordIndex.load(folder / "keyword", tokenizer)
