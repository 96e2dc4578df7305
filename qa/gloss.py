"""English glosses of Japanese passages, for English questions (document-side translation).

The keyword bridge translates an English question's words into Japanese; this is
the other half of classic dictionary-based cross-language retrieval: each
Japanese passage is also written word by word in English, each word the first
gloss of its JMdict headword (JMdict lists the commonest sense first), and that
gloss is embedded as one more vector of the passage. An English question is
matched against it with the vector it already has: no model pass more a
question, only an embedding pass more a Japanese passage at index time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .chunking import Passage
from .lang import Tokenizer, detect_language, normalize
from .translate import JAPANESE, dictionary_path, headwords


def gloss(text: str, tokenizer: Tokenizer, table: dict[str, tuple[str, ...]]) -> str:
    """The text word by word in English: a compound's gloss when JMdict has it, else its short units';
    Latin words as they are; a word JMdict lacks is left out."""
    out: list[str] = []
    for surface, token in tokenizer.spans(normalize(text), "C"):
        if not JAPANESE.search(token):
            out.append(token)
            continue
        words = table.get(token) or table.get(surface)
        if words:
            out.append(words[0])
            continue
        for part_surface, part in tokenizer.spans(surface, "A"):
            words = table.get(part) or table.get(part_surface)
            if words:
                out.append(words[0])
            elif not JAPANESE.search(part):
                out.append(part)
    return " ".join(out)


def gloss_units(passages: Sequence[Passage], tokenizer: Tokenizer) -> tuple[list[str], np.ndarray]:
    """The English gloss of every Japanese passage and the passage row each belongs to
    (none without the JMdict file)."""
    path = dictionary_path()
    if path is None:
        return [], np.zeros(0, dtype=np.int64)
    table = headwords(path)
    texts, owners = [], []
    for row, passage in enumerate(passages):
        text = passage.embedding_text()
        if detect_language(text) != "ja":
            continue
        glossed = gloss(text, tokenizer, table)
        if glossed:
            texts.append(glossed)
            owners.append(row)
    return texts, np.asarray(owners, dtype=np.int64)
