"""Dictionary-based query translation for the keyword side, from a distilled JMdict.

Classic dictionary-based cross-language retrieval. The package ships
qa/data/jmdict-en-ja.tsv.gz (made by scripts/distil_jmdict.py from jamdict-data):
each Japanese headword with the English words of its first senses' short
glosses. At index time the map is restricted to the index's own vocabulary, so
a question's words can only become words the decks actually use; at query time
no dictionary is opened.

- English -> Japanese (`build_map`): an English question over Japanese decks.
- Japanese -> English (`build_reverse_map`): a Japanese question over English decks.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from .lang import ENGLISH_STOPWORDS
from .lang import JAPANESE as JAPANESE_CHARS

MAX_SENSES = 3  # JMdict lists common senses first
MAX_GLOSS_WORDS = 3  # longer glosses are explanations, not translations
DATA_NAME = "jmdict-en-ja.tsv.gz"
DATA_FILE = Path(__file__).with_name("data") / DATA_NAME
JAPANESE = re.compile(JAPANESE_CHARS)
_WORD = re.compile(r"[a-z][a-z\-']*")


def gloss_words(gloss: str) -> list[str]:
    """The content words of one short English gloss ([] for an explanation-length gloss)."""
    words = [w for w in _WORD.findall(re.sub(r"\(.*?\)", "", gloss.lower())) if w not in ENGLISH_STOPWORDS]
    return words if len(words) <= MAX_GLOSS_WORDS else []


def dictionary_path() -> Path | None:
    """The distilled dictionary shipped in the package, or None when it was removed."""
    return DATA_FILE if DATA_FILE.is_file() else None


def source_id(path: Path | None = None) -> str | None:
    """The dictionary's identity for the manifest: its header line and a short hash of its bytes."""
    path = path or dictionary_path()
    if path is None:
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header = fh.readline().lstrip("# ").strip()
    return f"{header} sha256:{digest}"


@lru_cache(maxsize=2)
def headwords(path: Path = DATA_FILE) -> dict[str, tuple[str, ...]]:
    """Japanese headword -> its English gloss words, read from the distilled file."""
    out: dict[str, tuple[str, ...]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            head, _, words = line.rstrip("\n").partition("\t")
            out[head] = tuple(words.split())
    return out


def build_map(vocabulary: Iterable[str], path: Path = DATA_FILE) -> dict[str, list[str]]:
    """English word -> the vocabulary's Japanese tokens whose common senses it glosses."""
    table = headwords(path)
    out: dict[str, set[str]] = {}
    for token in vocabulary:
        for word in table.get(token, ()) if JAPANESE.search(token) else ():
            out.setdefault(word, set()).add(token)
    return {word: sorted(tokens) for word, tokens in sorted(out.items())}


def build_reverse_map(vocabulary: Iterable[str], path: Path = DATA_FILE) -> dict[str, list[str]]:
    """Japanese headword -> the vocabulary's English words among its glosses (Japanese questions, English decks)."""
    known = {t for t in vocabulary if not JAPANESE.search(t)}
    out = {}
    for head, words in headwords(path).items():
        found = [w for w in words if w in known]
        if found:
            out[head] = found
    return dict(sorted(out.items()))


def _lemmas(word: str) -> list[str]:
    """The word and its plausible base forms (a light stemmer for lookups only)."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if word.endswith("ed"):
        forms += [word[:-2], word[:-1]]
    if word.endswith("ing"):
        forms += [word[:-3], word[:-3] + "e"]
    return forms


def translate(tokens: Sequence[str], table: dict[str, list[str]], forms=_lemmas) -> tuple[list[str], int]:
    """Japanese tokens for the English tokens (by their forms), and how many tokens found a translation."""
    out: list[str] = []
    found = 0
    for token in tokens:
        for form in forms(token):
            if form in table:
                out.extend(table[form])
                found += 1
                break
    return out, found


def translate_to_english(tokens: Sequence[str], reverse: dict[str, list[str]]) -> tuple[list[str], int]:
    """English vocabulary words for Japanese tokens (a reverse map), and how many tokens found one."""
    return translate(tokens, reverse, forms=lambda token: [token])
