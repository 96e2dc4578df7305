"""A question analysed once: its language, words, their translations and what it asks of a slide.

Every signal, the slide structure, the calibration and the faces' highlighting read this
record; nothing downstream tokenises or translates the question again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .highlight import question_terms as words_to_mark
from .keyword import KeywordIndex
from .lang import Question, clean_question, detect_language, question_terms
from .structure import question_roles


@dataclass(frozen=True)
class Analysis:
    cleaned: Question  # as shown and as searched (qa/lang.py)
    lang: str  # "ja" or "en"
    words: list[str]  # content words, question stop words left out
    bigrams: list[str]
    coverage: float  # the share of the words the index knows
    reach: float  # coverage plus the share of the other words the bridge turns into known ones
    translated: list[str]  # the bridge's words: the other language's index words for the question's
    translated_share: float  # the share of the words translated
    roles: set[str]  # the slide roles the question asks for (qa/structure.py)
    highlight: frozenset[str]  # the words to mark in a passage: the content words and their translations

    @property
    def tokens(self) -> list[str]:
        return self.words + self.bigrams

    @property
    def searchable(self) -> bool:
        """Whether there is anything to search for (a letter or a digit)."""
        return bool(self.cleaned.text) and any(ch.isalnum() for ch in self.cleaned.text)


def analyse(question: object, keyword: KeywordIndex, searched_languages: Iterable[str] | None = None) -> Analysis:
    """Clean, detect the language, take the words and translate them (JMdict, both directions).

    The bridge translates every word when the searched decks include one in the question's other
    language (a word known from one deck may still need translating for another), else only the
    words the index does not know (in a corpus of one language the bridge only adds noise).
    `searched_languages` None: only the unknown words."""
    cleaned = clean_question(question)
    text = cleaned.text
    lang = detect_language(text)
    tokenizer = keyword.tokenizer
    words, bigrams = question_terms(*tokenizer.terms(text))
    coverage = len(keyword.known(words)) / len(words) if words else 0.0
    bridge = keyword.translate if lang == "en" else keyword.translate_to_english
    unknown_only = bridge(words, every_word=False)
    across = any(language != lang for language in searched_languages or ())
    translated, share = bridge(words, every_word=True) if across else unknown_only
    marked = words_to_mark(text, tokenizer)
    marked_translations, _ = keyword.translate(sorted(marked))
    return Analysis(
        cleaned=cleaned,
        lang=lang,
        words=words,
        bigrams=bigrams,
        coverage=coverage,
        reach=coverage + unknown_only[1],
        translated=translated,
        translated_share=share,
        roles=question_roles(text),
        highlight=frozenset(marked | set(marked_translations)),
    )
