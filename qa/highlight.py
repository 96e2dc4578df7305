"""Mark the question's words in a passage, by morphemes rather than raw characters.

Japanese has no spaces, so matching characters would light up every の and 年;
instead both texts go through the index's Sudachi tokenizer and a passage
morpheme is marked when its normalised form is one of the question's terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from .chunking import MERGE_SEPARATOR
from .lang import Tokenizer, default_tokenizer, normalize

# Parts of speech that carry what a question is about; particles, auxiliaries, pronouns,
# adverbs and suffixes do not, so 「された」 marks nothing and 「彼の研究」 marks only 研究.
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "接頭辞"}
# Verbs that only carry grammar (する in 導入された, ある, いる, なる).
_LIGHT_VERBS = {"する", "ある", "居る", "いる", "成る", "なる", "出来る", "できる", "為る", "在る", "有る"}


def morphemes(text: str, tokenizer: Tokenizer | None = None, mode: str = "A"):
    """Sudachi morphemes of the text with their parts of speech (the index tokenizer's dictionary)."""
    return (tokenizer or default_tokenizer()).morphemes(text, mode)


def content_words(text: str, tokenizer: Tokenizer | None = None) -> set[str]:
    """Normalised forms of the text's content words (nouns, verbs other than する/ある/なる, adjectives)."""
    words = set()
    for mode in ("A", "C"):
        for m in morphemes(text, tokenizer, mode):
            pos = m.part_of_speech()
            if pos[0] not in _CONTENT_POS or pos[1] == "数詞" and len(m.surface()) < 2:
                continue
            form = m.normalized_form().lower()
            if pos[0] == "動詞" and (form in _LIGHT_VERBS or m.dictionary_form() in _LIGHT_VERBS):
                continue
            words.add(form)
    return words


def question_terms(question: str, tokenizer: Tokenizer | None = None, extra: Iterable[str] = ()) -> set[str]:
    """The question's content words as index tokens (short units and compounds), plus extra terms.

    English words are kept unless they are stop words; Japanese ones only when Sudachi
    tags them as content words, so grammar (された, ある, の) is never marked.
    """
    tokenizer = tokenizer or default_tokenizer()
    text = normalize(question)
    content = content_words(text, tokenizer)
    terms = {
        token
        for mode in ("A", "C")
        for surface, token in tokenizer.spans(text, mode)
        if token in content or surface.isascii()
    }
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


def whole_words(text: str, span: tuple[int, int], tokenizer: Tokenizer | None = None) -> tuple[int, int]:
    """The span widened to the words it cuts into (合[計420万円] becomes [合計420万円]): a mark never splits a word."""
    start, end = span
    cursor = 0
    for surface, _ in (tokenizer or default_tokenizer()).spans(text, "A"):
        at = text.find(surface, cursor)
        if at < 0:
            continue
        cursor = at + len(surface)
        if at < start < cursor:
            start = at
        if at < end < cursor:
            end = cursor
    return start, end


def highlight_html(
    text: str, terms: set[str], tokenizer: Tokenizer | None = None, answer: tuple[int, int] | None = None
) -> str:
    """The text, HTML-escaped, with the question's words in <mark> and the answer span in <mark class="qa-span">.

    Word marks that overlap the answer span give way to it, so the answer reads as one piece.
    """
    marks = [(start, end, "") for start, end in marked_spans(text, terms, tokenizer)]
    if answer:
        answer = whole_words(text, answer, tokenizer)
        marks = [m for m in marks if m[1] <= answer[0] or m[0] >= answer[1]]
        marks = sorted([*marks, (answer[0], answer[1], ' class="qa-span"')])
    out, cursor = [], 0
    for start, end, attrs in marks:
        out.append(escape(text[cursor:start]))
        out.append(f"<mark{attrs}>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def passage_html(
    text: str, terms: set[str], tokenizer: Tokenizer | None = None, answer: tuple[int, int] | None = None
) -> str:
    """highlight_html for a passage: the units a packed passage joins (a bullet, a row, a line)
    each on a line of their own, as on the slide, instead of run together with " · "."""
    return highlight_html(text, terms, tokenizer, answer).replace(MERGE_SEPARATOR, "<br>")


_BULLETS = re.compile(r"^[\-•・●○■□◆◇▪▶►*]+")


def _squeeze(text: str) -> str:
    """NFKC, no spaces and no leading bullet mark: how a PDF line and a passage are compared."""
    return _BULLETS.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def passage_box(regions: Sequence, text: str) -> tuple[float, float, float, float] | None:
    """The union (x0, y0, x1, y1) of the slide's text lines that make up the passage, or None.

    The passage is the longest run of consecutive lines whose joined text lies inside the
    passage's (a passage spans several lines; a lone title word elsewhere loses to the
    run). Failing any run of two characters or more, the one line holding the whole
    passage (a short bullet on a long line). Compared after NFKC, without spaces.
    """
    target = _squeeze(text)
    if not target:
        return None
    lines = [_squeeze(r.text) for r in regions]
    best, best_length = None, 1
    for i in range(len(lines)):
        joined = ""
        for j in range(i, len(lines)):
            joined += lines[j]
            if joined not in target:
                break
            if len(joined) > best_length:
                best, best_length = (i, j), len(joined)
    if best:
        chosen = regions[best[0] : best[1] + 1]
    else:
        chosen = [r for r, line in zip(regions, lines, strict=True) if line and target in line][:1]
    if not chosen:
        return None
    return (
        min(r.x0 for r in chosen),
        min(r.y0 for r in chosen),
        max(r.x1 for r in chosen),
        max(r.y1 for r in chosen),
    )


# Every character HTML, Markdown or LaTeX gives a meaning to, as a numeric entity: a
# superset of html.escape (& < > " ') in one pass, so nothing is double-encoded, and
# `![x](http://host/x.png)`, a bare URL or `$x$` from a deck stays text in the chat.
_INERT = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"'\\`*_{}[]()#+-.!|~$:="})


def escape(text: str) -> str:
    """Text made inert for an HTML or Markdown component: tags, links, images and maths stay literal."""
    return text.translate(_INERT)
