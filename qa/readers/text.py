"""Plain-text decks: pages split by form feeds, else slides inferred from their titles.

The briefing (a PDF converted to text without page markers) is the case the
inference was written for; it keeps exactly its 15 slides and outline.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import QAError
from ..lang import KANA
from ..slides import DocumentCard, Slide, paragraph_blocks
from .base import Deck, Limits


def decode(data: bytes, name: str) -> str:
    """UTF-8 (or UTF-16 with a BOM), else Shift_JIS / EUC-JP / what charset-normalizer finds; binary is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Windows "Unicode" text
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise QAError(f"{name}: not valid UTF-16 although it starts like it") from None
    if not data.strip():
        raise QAError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise QAError(f"{name}: this looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # A UTF-8 file with a stray byte still decodes as cp932 (into nonsense that has kana):
    # refuse it by name rather than index mojibake.
    lenient = data.decode("utf-8", errors="replace")
    invalid = lenient.count("\ufffd")
    if sum(ord(ch) > 127 for ch in lenient) - invalid >= 10 * invalid:
        raise QAError(
            f"{name}: UTF-8 with {invalid} invalid byte sequence(s), first at byte {utf8_error.start} "
            "(fix or re-save it as UTF-8)"
        )
    for encoding in ("cp932", "euc_jp"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if re.search(f"[{KANA}]", text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise QAError(f"{name}: cannot tell the text encoding (save it as UTF-8)")
    return str(best)



def read(path: Path, doc_id: str, limits: Limits) -> Deck:
    """A .txt deck: form-feed pages when it has them, else inferred slides."""
    return text_deck(decode(path.read_bytes(), path.name), doc_id)


def text_deck(text: str, doc_id: str) -> Deck:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw = split_form_feeds(text) if "\f" in text else infer_slides(text)
    slides = tuple(
        Slide(doc=doc_id, number=i, title=title, body=body, kind=kind)
        for i, (title, body, kind) in enumerate(raw, start=1)
    )
    return Deck(slides=slides, card=DocumentCard(title=slides[0].title if slides else ""))


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _title_and_body(chunk: str) -> tuple[str, str] | None:
    lines = chunk.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            heading = _HEADING.match(line)
            title = heading.group(1) if heading else line.strip()
            return _clean_title(title), "\n".join(lines[i + 1 :]).strip("\n")
    return None


def split_form_feeds(text: str) -> list[tuple[str, str, str]]:
    """Plain text with one page per form feed (pdftotext's convention)."""
    slides = []
    for chunk in text.split("\f"):
        found = _title_and_body(chunk)
        if found:
            slides.append((*found, "content"))
    return slides


# ---------------------------------------------------------------- inferred structure

_BULLET = re.compile(r"^\s*(?:[-*+•・]\s|\d+[.)]\s)")
_TITLE_DECOR = tuple("「『✓➡※◆■●○▶►(（<@*|")
_FRAMED = re.compile(r"^■(.+)■$")


def _clean_title(title: str) -> str:
    return re.sub(r"\*\*|__", "", title).strip()


def _single(block: list[str]) -> str | None:
    """The line of a one-line, non-bullet, non-table block, else None."""
    if len(block) == 1 and not _BULLET.match(block[0]) and not block[0].lstrip().startswith("|"):
        return block[0].strip()
    return None


def _looks_like_title(line: str) -> bool:
    return len(line) <= 60 and not line.startswith(_TITLE_DECOR) and not re.search(r"[：:、。,]|https?://", line)


def infer_slides(text: str) -> list[tuple[str, str, str]]:
    """Slides of a PDF-to-text deck without page markers, found from its titles.

    Rules, in order (each names the block that starts a new slide):
    1. the first block starts the title slide (titled by its 「…」 quote, if any);
    2. a line standing alone and repeated as the next block is a section divider,
       and the repeat starts the section's first content slide;
    3. a line beginning with a section title plus a subtitle starts a slide of it;
    4. a lone line followed by a numbered list naming a section is the agenda;
    5. a lone title-like line (short, no punctuation or decoration) that follows a
       bulleted block and is followed by another lone line starts a slide
       (e.g. 国際連携強化に関する日本の取り組み例, ご清聴ありがとうございました);
    6. a framed line ■…■ starts a slide (the colophon's 作成担当).
    """
    blocks = paragraph_blocks(text)
    if not blocks:
        return []
    singles = [_single(b) for b in blocks]
    sections = {s for i, s in enumerate(singles[:-1]) if s and singles[i + 1] == s and _looks_like_title(s)}
    starts: dict[int, tuple[str, str]] = {0: ("", "content")}
    for i, line in enumerate(singles):
        prev_bullets = i > 0 and any(_BULLET.match(x) for x in blocks[i - 1])
        nxt = singles[i + 1] if i + 1 < len(singles) else None
        if line in sections and nxt == line:
            starts[i] = (line, "divider")
        elif line in sections and i > 0 and singles[i - 1] == line:
            starts[i] = (line, "content")
        elif any(blocks[i][0].startswith(s + sep) for s in sections for sep in (" ", "\u3000")):
            starts[i] = (blocks[i][0].strip(), "content")
        elif (
            line
            and i + 1 < len(blocks)
            and re.match(r"^\s*\d+[.)]\s", blocks[i + 1][0])
            and any(s in blocks[i + 1][0] for s in sections)
        ):
            starts[i] = (line, "content")
        elif line and _looks_like_title(line) and prev_bullets and nxt and nxt not in sections:
            starts[i] = (line, "content")
        elif line and _FRAMED.match(line):
            starts[i] = (_FRAMED.match(line).group(1).strip(), "content")

    slides = []
    order = sorted(starts)
    for n, start in enumerate(order):
        end = order[n + 1] if n + 1 < len(order) else len(blocks)
        title, kind = starts[start]
        body_blocks = blocks[start:end] if start == 0 else blocks[start + 1 : end]
        body = "\n\n".join("\n".join(b) for b in body_blocks)
        if start == 0:
            quoted = re.search(r"「([^」]+)」", body.replace("\n", ""))
            title = quoted.group(1) if quoted else blocks[0][0].strip()
        slides.append((_clean_title(title), body, kind))
    return slides
