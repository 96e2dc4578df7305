"""Hubness correction for dense scores (CSLS, Conneau et al. 2018).

Some passages sit close to almost any question in a language — English
boilerplate when the question is English, short generic headings — and win on
similarity alone. For each passage and language we store r = the mean cosine of
its k nearest generic reference questions (qa/data/reference_questions.json,
everyday topics unrelated to any deck); the search ranks by cos(q, p) - r[lang, p].
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

LANGS = ("en", "ja")
K = 10
_REFERENCE = Path(__file__).with_name("data") / "reference_questions.json"


@lru_cache(maxsize=1)
def reference_questions() -> dict[str, list[str]]:
    data = json.loads(_REFERENCE.read_text(encoding="utf-8"))
    return {lang: data[lang] for lang in LANGS}


def passage_hubness(vectors: np.ndarray, encoder, k: int = K, batch: int = 65536) -> np.ndarray:
    """(len(LANGS), n) float32: per language, each passage's mean similarity to its k nearest references."""
    out = np.zeros((len(LANGS), len(vectors)), dtype=np.float32)
    for row, lang in enumerate(LANGS):
        refs = encoder.encode_queries(reference_questions()[lang])
        kk = min(k, len(refs))
        for start in range(0, len(vectors), batch):
            sims = refs @ vectors[start : start + batch].T  # (refs, batch)
            out[row, start : start + batch] = np.sort(sims, axis=0)[-kk:].mean(axis=0)
    return out


def row_for(lang: str) -> int:
    return LANGS.index(lang) if lang in LANGS else 0
