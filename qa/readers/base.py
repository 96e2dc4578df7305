"""What every reader returns, and the limits it reads within."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import QAError
from ..lang import JAPANESE
from ..slides import DocumentCard, Slide

# What office suites write into a file's properties when nobody filled them in: not a title or
# an author. PowerPoint's own words carry into the PDFs it exports.
PLACEHOLDER_PROPERTIES = {
    "powerpoint presentation",
    "powerpoint プレゼンテーション",
    "microsoft office user",
    "microsoft office ユーザー",
    "python-pptx",
}


# A file's name written as its title (Keynote's "Spark20.key", Windows' "Microsoft PowerPoint - a.pptx").
_FILE_NAME = re.compile(r"\.(?:key|pptx?|odp|pdf|docx?|tex|md)$", re.IGNORECASE)


def property_value(text: str | None) -> str:
    """A document property as written, or "" when it is empty, an office suite's placeholder or
    a file name."""
    text = (text or "").strip()
    return "" if text.lower() in PLACEHOLDER_PROPERTIES or _FILE_NAME.search(text) else text


# Kangxi radicals and CJK radical supplements that some exporters (macOS Quartz, LibreOffice)
# write for ordinary kanji: 利⽤ for 利用. Shown as they are, they defeat copy and find.
_RADICALS = re.compile("[\u2e80-\u2fdf]")


def ideographs(text: str) -> str:
    """The text with radical characters written as the ideographs they stand for (NFKC of those alone)."""
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


_LATIN_WORD = re.compile(r"[a-z]{3,}")
_JAPANESE_PAIR = re.compile(f"(?=({JAPANESE}{{2}}))")


def _marks(text: str) -> set[str]:
    """Latin words of three letters or more and pairs of Japanese characters: what two texts
    about the same thing share."""
    text = unicodedata.normalize("NFKC", text).lower()
    return set(_LATIN_WORD.findall(text)) | set(_JAPANESE_PAIR.findall(text))


# A file's name as its title: no spaces, words joined by "_" (or kebab-case in lower case:
# "webserver-overview"), maybe after a date (Keynote's "20190417_toretate_MongoDB"). Capitals
# with a hyphen ("GPT-4", "Wi-Fi") are a name, not a slug.
_SLUG = re.compile(r"(?:[^\W_]+_)+[^\W_]+|[a-z0-9]+(?:-[a-z0-9]+)+")
_SLUG_DATE = re.compile(r"((?:19|20)\d\d)(\d\d)(\d\d)[_-]")


def slug_date(title: str) -> str:
    """The date a slug title begins with (20190417_… -> 2019-04-17), else ""."""
    match = _SLUG_DATE.match(title) if _SLUG.fullmatch(title) else None
    if not match:
        return ""
    year, month, day = match.groups()
    return f"{year}-{month}-{day}" if 1 <= int(month) <= 12 and 1 <= int(day) <= 31 else ""


def with_slide_title(card: DocumentCard, slides: tuple[Slide, ...]) -> DocumentCard:
    """The card with its title weighed against the first slide's: a file name written as the title
    (a slug: "webserver-overview", "20190417_toretate_MongoDB") gives way to the slide's title,
    keeping the slug's date when the card has none; then with_echoed_title."""
    first_title = slides[0].title if slides else ""
    if first_title and _SLUG.fullmatch(card.title):
        card = replace(card, title="", date=card.date or slug_date(card.title))
    return with_echoed_title(card, slides)


def with_echoed_title(card: DocumentCard, slides: tuple[Slide, ...]) -> DocumentCard:
    """The card, its title and author dropped when the first slide says less than a third of the
    title's words: properties left in the file by the deck a template was copied from
    ("Designing Monolith First for Microservice Architecture" on a talk about multi-threading,
    or about authorization in microservices; the template's author with it). A first slide
    without text cannot judge."""
    first = slides[0] if slides else None
    said = _marks(f"{first.title}\n{first.body}") if first else set()
    words = _marks(card.title)
    if words and said and 3 * len(words & said) < len(words):
        return replace(card, title="", author="")
    return card


def numbered(noun: str, numbers: list[int]) -> str:
    """The pages or slides a warning names: "page 3", "pages 3, 4"."""
    return f"{noun if len(numbers) == 1 else noun + 's'} {', '.join(map(str, numbers))}"


def have(numbers: list[int]) -> str:
    """The verb after `numbered(...)`: "page 3 has", "pages 3, 4 have"."""
    return "has" if len(numbers) == 1 else "have"


class ReaderError(QAError):
    """A deck that cannot be read; the message names the file and says why in one line."""


UNPACK_RATIO = 200  # real decks unpack to 1-20 times their size; a zip bomb to thousands


@dataclass(frozen=True)
class Limits:
    """How much a reader accepts and renders; configurable per corpus (docs/decks.md, limits)."""

    max_bytes: int = 200_000_000  # per file
    max_pages: int = 600  # a deck of any format with more pages (slides) is refused
    # A PowerPoint file is a zip that python-pptx inflates whole into memory: its parts may unpack to at
    # most this many bytes, and to at most UNPACK_RATIO times the file's size (a zip bomb is refused unread).
    max_unpacked_bytes: int = 400_000_000
    max_zip_members: int = 20_000
    render_width: int = 1280  # slide pictures, in pixels (the longer side; so at most 1280 x 1280 per page)
    max_deck_picture_bytes: int = 100_000_000  # a deck's pictures stop here (the rest of its slides: text only)
    max_picture_bytes: int = 400_000_000  # all pictures of one build
    render_timeout_s: int = 180  # LibreOffice converting one PPTX
    ocr: bool = True  # read PDF pages without a text layer with Tesseract, when installed (qa/readers/ocr.py)
    ocr_cache: Path | None = None  # where OCR readings are kept between builds (an index build sets index/ocr-cache)


@dataclass(frozen=True)
class Deck:
    """One file's slides (numbered as the source numbers them) and its metadata."""

    slides: tuple[Slide, ...]
    card: DocumentCard = field(default_factory=DocumentCard)
    # Things a user should know about this deck: skipped hidden slides, pages without text.
    warnings: tuple[str, ...] = ()
