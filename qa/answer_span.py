"""The answer inside a passage: what kind of thing a question asks for, and where the passage says it.

Readable rules, no model: a question asking "how much" wants an amount, "when" a date,
"how many" a count, and so on (`question_kind`); the passage's candidates of that kind
are found by patterns (numbers with their units) or, for names and places, by Sudachi's
proper-noun parts of speech (`find_span`). When a passage has several candidates, the
one nearest the question's own words wins. RELIABLE_KINDS lists the kinds whose marked
span was right often enough on the dev questions to offer (precision >= 0.8 there).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .chunking import MERGE_SEPARATOR
from .highlight import morphemes
from .lang import Tokenizer, default_tokenizer

# Kinds are judged in two groups, since each kind alone has only a handful of dev
# questions: numbers (found by the same unit patterns) and names (proper nouns).
GROUPS = {"numbers": ("amount", "percentage", "count", "duration", "date"), "names": ("name", "place")}
MIN_PRECISION = 0.8
# The groups whose marked spans were right at least MIN_PRECISION of the time on the dev
# questions (measured 2026-12-08, docs/research.md): numbers 24/28,
# names 3/9 (the briefing and the real decks, one index). Only their spans are shown as an answer.
RELIABLE_KINDS = frozenset(GROUPS["numbers"])

# What a question asks for, by its wording. The first matching kind wins, so the more
# specific wordings (percentages, durations) come before the general "how much".
_ASKS = [
    ("percentage", r"割合|比率|パーセント|何%|何％|対GDP|GDP比|率は|percent|percentage|\bshare of\b|\bintensity\b"),
    ("duration", r"how long|何年間|何か月|何ヶ月|期間|最長|何年いれば|何年で|for how many years"),
    ("count", r"いくつ|何人|何校|何件|何か国|何カ国|何ヶ国|何社|何名|何本|何個|how many|number of"),
    ("date", r"いつ|何月|何日|日付|何年に|when\b|what date|what year|which year"),
    (
        "amount",
        r"いくら|金額|総額|額は|予算|規模|費用|どれくらい|どのくらい|how much|how big|amount|budget|"
        r"funding|\bcost|spend|invest",
    ),
    ("name", r"誰|だれ|どなた|名前|名称|何と呼|who\b|whom\b|what is the name|called"),
    ("place", r"どこ|どの国|場所|where\b|which country|which city"),
]
_ASK_PATTERNS = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _ASKS]

_NUM = r"\d[\d,.]*"
_SCALE = r"(?:[万億兆千百]+|\s?(?:thousand|million|billion|trillion|bn|mn|m)\b)"
_CURRENCY = r"(?:円|ドル|米ドル|ユーロ|ポンド|元|ウォン|yen|dollars?|euros?|pounds?|USD|EUR|GBP|JPY)"
_ABOUT = r"(?:約|およそ|最大|総額|計|about |around |over |some )?"
_SPANS = {
    "amount": [
        rf"{_ABOUT}[$€£¥]\s?{_NUM}{_SCALE}?",
        rf"{_ABOUT}{_NUM}\s?{_SCALE}?\s?{_CURRENCY}",
    ],
    "percentage": [
        rf"{_ABOUT}{_NUM}\s?(?:%|パーセント|percent)(?:以上|以下|超)?",
        rf"{_NUM}(?:\s?[-~〜]\s?{_NUM})?\s?(?:倍|times\b)",  # "how much more": 3-5倍, 2 times
        r"\d+/\d+",  # a fraction: 1/3短縮
    ],
    "count": [
        rf"{_ABOUT}{_NUM}\s?(?:大学|校|人|名|件|か国|カ国|ヶ国|社|機関|個|本|つ|回|種類|ビット|"
        rf"universities|countries|people|domains?|bits?|digits?|items?|times)"
    ],
    "duration": [
        r"(?:最長|最短|約)?\d{1,3}\s?(?:年間|年|か月|カ月|ヶ月|週間|日間|時間|分間?|秒|"
        r"years?|months?|weeks?|days?|hours?|minutes?|seconds?)"
    ],
    "date": [
        r"\d{4}年\d{1,2}月(?:\d{1,2}日)?",
        r"\d{4}[./-]\d{1,2}(?:[./-]\d{1,2})?",
        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (?:\d{1,2}, )?\d{4}",
        r"\d{1,2}月\d{1,2}日",
        r"(?:19|20)\d{2}年(?:度)?",
        r"(?:January|February|March|April|May|June|July|August|September|October|November|December),? \d{4}",
        r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,%])",  # a year alone: "released in 2005"
    ],
}
_SPAN_PATTERNS = {kind: [re.compile(p, re.IGNORECASE) for p in patterns] for kind, patterns in _SPANS.items()}
# Kinds that fall back to another kind's patterns when the passage has none of their own:
# "how much did it rise" is often answered with a percentage.
_FALLBACK = {"amount": ("percentage",)}
_PROPER = {"name": ("人名", "組織名", None), "place": ("地名",)}
_QUOTED = re.compile(r"「([^「」]{2,40})」|『([^『』]{2,40})』|“([^“”]{2,60})”")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the passage that answer the question, and what kind of answer they are."""

    start: int
    end: int
    text: str
    kind: str


def question_kind(question: str) -> str | None:
    """amount | percentage | count | duration | date | name | place, or None when the question asks none of these."""
    text = unicodedata.normalize("NFKC", question)
    for kind, pattern in _ASK_PATTERNS:
        if pattern.search(text):
            return kind
    return None


def _pattern_candidates(passage: str, kind: str) -> list[tuple[int, int]]:
    found = []
    for pattern in _SPAN_PATTERNS.get(kind, []):
        found += [(m.start(), m.end()) for m in pattern.finditer(passage)]
    # Overlapping candidates: keep the longest (e.g. 2023年8月25日 over 2023年).
    found.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def _proper_candidates(passage: str, kind: str, tokenizer: Tokenizer) -> list[tuple[int, int]]:
    """Runs of proper nouns (persons, organisations, places) and quoted titles."""
    found = [(m.start(m.lastindex), m.end(m.lastindex)) for m in _QUOTED.finditer(passage)] if kind == "name" else []
    wanted = _PROPER[kind]
    run: list[int] = []
    for m in morphemes(passage, tokenizer, mode="C"):
        pos = m.part_of_speech()
        if pos[1] == "固有名詞" and (pos[2] in wanted or None in wanted):
            run = [run[0] if run else m.begin(), m.end()]
        elif run:
            found.append((run[0], run[1]))
            run = []
    if run:
        found.append((run[0], run[1]))
    return sorted(found)


def unit_bounds(passage: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span's own unit of a packed passage: the bullet or row between " · " marks around it."""
    start = passage.rfind(MERGE_SEPARATOR, 0, span[0])
    end = passage.find(MERGE_SEPARATOR, span[1])
    return (start + len(MERGE_SEPARATOR) if start >= 0 else 0, end if end >= 0 else len(passage))


def nearness(passage: str, span: tuple[int, int], words: list[str]) -> tuple[int, int]:
    """How many of the question's words appear in the span's own unit of a packed passage, then within
    30 characters before the span."""
    start, end = unit_bounds(passage, span)
    unit = passage[start:end].lower()
    window = passage[max(0, span[0] - 30) : span[0]].lower()
    return sum(1 for word in words if word in unit), sum(1 for word in words if word in window)


def candidates_of(passage: str, kind: str) -> list[tuple[int, int]]:
    """The (start, end) of every value of a number kind in the passage."""
    return _pattern_candidates(passage, kind)


def find_span(
    question: str, passage: str, tokenizer: Tokenizer | None = None, extra_words: list[str] = ()
) -> Span | None:
    """The part of the passage that answers the question, or None when its kind is unknown or absent.

    Among several candidates the one nearest the question's words wins; `extra_words` (their
    translations, for a question in the other language than the deck) count as its words too.
    The passage must be NFKC text (passages in the index are); offsets index into it.
    """
    kind = question_kind(question)
    if kind is None or not passage:
        return None
    tokenizer = tokenizer or default_tokenizer()
    candidates: list[tuple[int, int]] = []
    for option in (kind, *_FALLBACK.get(kind, ())):
        if option in _PROPER:
            candidates = _proper_candidates(passage, option, tokenizer)
        else:
            candidates = _pattern_candidates(passage, option)
        if candidates:
            break
    if not candidates:
        return None
    words = [token for _, token in tokenizer.spans(unicodedata.normalize("NFKC", question), "A") if len(token) > 1]
    words += [word.lower() for word in extra_words if len(word) > 1 and word.lower() not in words]
    best = max(candidates, key=lambda span: (*nearness(passage, span, words), -span[0]))
    start, end = best
    text = passage[start:end].strip()
    start += len(passage[start:end]) - len(passage[start:end].lstrip())
    return Span(start, start + len(text), text, kind)


def is_right(span_text: str, answers: list[str]) -> bool:
    """A marked span is right when it and a gold answer string contain one another (NFKC, no spaces)."""

    def squeeze(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()

    span = squeeze(span_text)
    return bool(span) and any(span in squeeze(a) or (squeeze(a) and squeeze(a) in span) for a in answers)
