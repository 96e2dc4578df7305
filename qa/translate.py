"""English -> Japanese query translation for the keyword side, from JMdict.

Classic dictionary-based cross-language retrieval: at index time, every
Japanese token of the index vocabulary is looked up in JMdict (the
`jamdict-data` package ships it as SQLite) and the English words of its first
senses' glosses point back to it. The map keeps only translations that occur in
the index's own vocabulary, so a question's English words can only become
Japanese words the decks actually use. At query time no dictionary is opened.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence

from .lang import ENGLISH_STOPWORDS

MAX_SENSES = 3  # JMdict lists common senses first
MAX_GLOSS_WORDS = 3  # longer glosses are explanations, not translations
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_WORD = re.compile(r"[a-z][a-z\-']*")


def dictionary_path() -> str | None:
    """The JMdict SQLite file of jamdict-data, or None when it is not installed."""
    try:
        import jamdict_data
    except ImportError:
        return None
    from pathlib import Path

    path = Path(jamdict_data.__file__).with_name("jamdict.db")
    return str(path) if path.is_file() else None


def source_id() -> str | None:
    try:
        from importlib.metadata import version

        return f"jmdict/jamdict-data-{version('jamdict-data')}"
    except Exception:
        return None


def build_map(vocabulary: Iterable[str], db_path: str) -> dict[str, list[str]]:
    """English word -> the vocabulary's Japanese tokens whose common senses it glosses."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    out: dict[str, set[str]] = {}
    try:
        for token in vocabulary:
            if not _JAPANESE.search(token):
                continue
            entries = [r[0] for r in con.execute("SELECT idseq FROM Kanji WHERE text=?", (token,))]
            entries += [r[0] for r in con.execute("SELECT idseq FROM Kana WHERE text=?", (token,))]
            for idseq in dict.fromkeys(entries):
                senses = con.execute("SELECT ID FROM Sense WHERE idseq=? ORDER BY ID LIMIT ?", (idseq, MAX_SENSES))
                for (sense,) in senses.fetchall():
                    glosses = con.execute("SELECT text FROM SenseGloss WHERE sid=? AND lang='eng'", (sense,))
                    for (gloss,) in glosses.fetchall():
                        words = [w for w in _WORD.findall(re.sub(r"\(.*?\)", "", gloss.lower()))]
                        words = [w for w in words if w not in ENGLISH_STOPWORDS]
                        if 0 < len(words) <= MAX_GLOSS_WORDS:
                            for word in words:
                                out.setdefault(word, set()).add(token)
    finally:
        con.close()
    return {word: sorted(tokens) for word, tokens in sorted(out.items())}


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


def translate(tokens: Sequence[str], table: dict[str, list[str]]) -> tuple[list[str], int]:
    """Japanese tokens for the English tokens, and how many tokens found a translation."""
    out: list[str] = []
    found = 0
    for token in tokens:
        for form in _lemmas(token):
            if form in table:
                out.extend(table[form])
                found += 1
                break
    return out, found
