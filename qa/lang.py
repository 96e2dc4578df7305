"""Text normalisation, ja/en detection and Japanese-aware keyword tokens."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Enough for any question a person types; longer input is cut (with a notice) before
# it reaches the models, which take 512 tokens at most.
MAX_QUESTION_CHARS = 1000

# The Unicode ranges of Japanese text, named once for every module that looks for it.
KANA = "\u3040-\u30ff"  # hiragana and katakana
HALFWIDTH_KANA = "\uff66-\uff9f"
IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs: extension A, unified, compatibility
CJK_PUNCTUATION = "\u3000-\u303f"
FULLWIDTH_FORMS = "\uff00-\uffef"
JAPANESE = f"[{KANA}{IDEOGRAPHS}]"  # a kana or an ideograph: a Japanese word's character
# Japanese text's characters (CJK punctuation, kana, ideographs, full-width forms): a line break
# between two of them was a wrap, not a space (Japanese puts none between words).
JAPANESE_TEXT = f"[{CJK_PUNCTUATION}{KANA}{IDEOGRAPHS}{FULLWIDTH_FORMS}]"
_KANA = re.compile(f"[{KANA}{HALFWIDTH_KANA}]")
_CJK = re.compile(f"[{IDEOGRAPHS}]")
_LATIN = re.compile(r"[A-Za-z]")
# Control characters (but not tab/newline) and lone surrogates, which cannot be encoded.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# Invisible characters a question has no use for: zero-width spaces, the BOM, and the
# bidirectional overrides that can make an echoed question display as something else.
_INVISIBLE = re.compile(r"[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# NFKC can turn one character into up to 18, so at most this much raw input is normalised.
_RAW_LIMIT = 4 * MAX_QUESTION_CHARS

# Parts of speech that carry no topic: particles, auxiliaries, symbols, blanks.
_DROP_POS = {"助詞", "助動詞", "補助記号", "記号", "空白"}
_LATIN_TOKEN = re.compile(r"^[a-z][a-z0-9\-'.&]*$")

ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves tell give show please much many
    does did say says said according briefing slide slides deck""".split()
)


# Words a question uses for the deck itself ("この資料の発表者は", "this talk", "according to the speaker")
# or as grammar (Sudachi's base forms of この / その, する, いる, なる, ある), not for what it asks about.
# They are dropped from a question's terms only: a passage may well be about 資料 or a talk. Kept as
# terms, they make a slide that happens to say "教育資料" win every question about "この資料" in a
# larger library (make unseen, "question stop words kept").
QUESTION_STOPWORDS = frozenset(
    """此の 其の 為る 居る 成る 有る 在る 資料 スライド 講演 発表 プレゼン プレゼンテーション
    talk presentation speaker presenter""".split()
)


def question_terms(words: list[str], bigrams: list[str]) -> tuple[list[str], list[str]]:
    """A question's words and bigrams without QUESTION_STOPWORDS, or as they are when nothing else is left."""
    kept = [w for w in words if w not in QUESTION_STOPWORDS]
    if not kept:
        return words, bigrams
    return kept, [b for b in bigrams if not QUESTION_STOPWORDS.intersection(b.split("_"))]


def printable(text: str) -> str:
    """The text without control characters or lone surrogates (which cannot even be encoded)."""
    return _UNPRINTABLE.sub(" ", text)


def normalize(text: str) -> str:
    """NFKC, unprintable characters removed, runs of whitespace collapsed."""
    text = _UNPRINTABLE.sub(" ", text)
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


@dataclass(frozen=True)
class Question:
    """A question made safe to search and to echo."""

    shown: str  # echoed back: printable, stripped, at most MAX_QUESTION_CHARS
    text: str  # searched: normalised, at most MAX_QUESTION_CHARS
    truncated: bool  # the input was longer than the models take


def clean_question(question: object) -> Question:
    """Any input (None, bytes, str with surrogates or controls, 100k characters) as a Question."""
    if question is None:
        raw = ""
    elif isinstance(question, bytes | bytearray):
        raw = bytes(question).decode("utf-8", errors="replace")
    else:
        raw = str(question)
    head = _INVISIBLE.sub("", raw[:_RAW_LIMIT])
    text = normalize(head)
    truncated = len(text) > MAX_QUESTION_CHARS or bool(raw[_RAW_LIMIT:].strip())
    shown = printable(head).strip()[:MAX_QUESTION_CHARS]
    return Question(shown=shown, text=text[:MAX_QUESTION_CHARS].strip(), truncated=truncated)


def detect_language(text: str) -> str:
    """'ja' when the text is written in Japanese, else 'en'.

    Any kana means Japanese; kanji without kana (e.g. "EU 投資総額") counts as
    Japanese when it outweighs the Latin letters.
    """
    if _KANA.search(text):
        return "ja"
    cjk = len(_CJK.findall(text))
    return "ja" if cjk and cjk >= len(_LATIN.findall(text)) / 3 else "en"


class Tokenizer:
    """SudachiPy (core dictionary, mode A) tokens for BM25 and highlighting.

    Japanese tokens are Sudachi's normalised forms; Latin tokens are lower-cased
    surfaces (Sudachi would katakanise them) with English stop words dropped.
    """

    name = "sudachi-core-A+C+bigrams-normalized-v3"

    def __init__(self) -> None:
        from sudachipy import Dictionary

        self._dictionary = Dictionary(dict="core")
        # Sudachi tokenizers are not safe to share between threads.
        self._local = threading.local()

    def _sudachi(self, mode: str):
        tok = getattr(self._local, mode, None)
        if tok is None:
            tok = self._dictionary.tokenizer(mode=mode)
            setattr(self._local, mode, tok)
        return tok

    def morphemes(self, text: str, mode: str = "A"):
        """Sudachi's morphemes of the text, with their parts of speech (A: short units, C: compounds)."""
        # Sudachi refuses input over ~49k bytes; passages and questions are far smaller.
        return self._sudachi(mode).tokenize(text[:12000])

    def spans(self, text: str, mode: str = "A") -> list[tuple[str, str]]:
        """(surface, token) pairs of the kept morphemes of NFKC text, in order (short units by default)."""
        out = []
        for m in self.morphemes(text, mode):
            if m.part_of_speech()[0] in _DROP_POS:
                continue
            surface = m.surface()
            low = surface.lower()
            if _LATIN_TOKEN.match(low):
                if low in ENGLISH_STOPWORDS or len(low) < 2:
                    continue
                out.append((surface, low))
            else:
                token = m.normalized_form().lower()
                if token.strip():
                    out.append((surface, token))
        return out

    def tokens(self, text: str) -> list[str]:
        """Index terms: short units (mode A), the compounds of mode C they split, and A bigrams.

        Each addition measured better on JSQuAD: compounds match as a whole and
        through their parts, and bigrams reward the question's word order (phrases),
        which tells neighbouring paragraphs of one article apart.
        """
        words, bigrams = self.terms(text)
        return words + bigrams

    def terms(self, text: str) -> tuple[list[str], list[str]]:
        """(words, bigrams) of tokens(): words alone measure what a question can match."""
        text = normalize(text)
        short = [tok for _, tok in self.spans(text, "A")]
        have = set(short)
        compounds = [tok for _, tok in self.spans(text, "C") if tok not in have]
        bigrams = [f"{a}_{b}" for a, b in zip(short, short[1:], strict=False)]
        return short + compounds, bigrams


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    return Tokenizer()
