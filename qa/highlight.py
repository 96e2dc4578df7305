"""Mark the question's words in a passage, by morphemes rather than raw characters.

Japanese has no spaces, so matching characters would light up every の and 年;
instead both texts go through the index's Sudachi tokenizer and a passage
morpheme is marked when its normalised form is one of the question's terms.
"""

from __future__ import annotations

from collections.abc import Iterable

from .lang import Tokenizer, default_tokenizer, normalize


def question_terms(question: str, tokenizer: Tokenizer | None = None, extra: Iterable[str] = ()) -> set[str]:
    """The normalised tokens of a question (short units and compounds), plus extra terms (e.g. translations)."""
    tokenizer = tokenizer or default_tokenizer()
    text = normalize(question)
    terms = {token for mode in ("A", "C") for _, token in tokenizer.spans(text, mode)}
    return terms | {t for t in extra if t}


def marked_spans(text: str, terms: set[str], tokenizer: Tokenizer | None = None) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) character ranges of `text` whose morphemes are question terms."""
    if not terms or not text:
        return []
    tokenizer = tokenizer or default_tokenizer()
    ranges = []
    for mode in ("A", "C"):  # C catches a compound the question names whole; A its parts
        cursor = 0
        for surface, token in tokenizer.spans(text, mode):
            start = text.find(surface, cursor)
            if start < 0:  # Sudachi changed the surface; skip it rather than mark the wrong place
                continue
            cursor = start + len(surface)
            if token in terms:
                ranges.append((start, cursor))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_html(text: str, terms: set[str], tokenizer: Tokenizer | None = None) -> str:
    """The text, HTML-escaped, with the question's words in <mark>."""
    out, cursor = [], 0
    for start, end in marked_spans(text, terms, tokenizer):
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


# Every character HTML, Markdown or LaTeX gives a meaning to, as a numeric entity: a
# superset of html.escape (& < > " ') in one pass, so nothing is double-encoded, and
# `![x](http://host/x.png)`, a bare URL or `$x$` from a deck stays text in the chat.
_INERT = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"'\\`*_{}[]()#+-.!|~$:="})


def escape(text: str) -> str:
    """Text made inert for an HTML or Markdown component: tags, links, images and maths stay literal."""
    return text.translate(_INERT)
