"""Corpus files -> Document / Slide records (reading and slide splitting only)."""

from __future__ import annotations

import codecs
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QAError

DECK_SUFFIXES = (".md", ".markdown", ".txt")
NOT_DECKS = {"readme.md", "catalog.toml"}
SKIP_DIRS = {"questions"}
MAX_DECK_BYTES = 20_000_000


@dataclass(frozen=True)
class Slide:
    doc: str
    number: int
    title: str
    body: str
    kind: str = "content"  # "content" or "divider" (a section title standing alone)


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: str  # relative to the corpus folder
    title: str
    citation: str  # prefix of a pasteable reference, e.g. 'JST CRDS「…」(2023-08-25)'
    slides: tuple[Slide, ...]


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per file that was skipped


# ---------------------------------------------------------------- reading files


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
        if re.search(r"[\u3040-\u30ff]", text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise QAError(f"{name}: cannot tell the text encoding (save it as UTF-8)")
    return str(best)


def deck_files(corpus_dir: Path) -> list[Path]:
    """The deck files of a corpus folder, in a stable order."""
    if not corpus_dir.is_dir():
        raise QAError(f"corpus folder not found: {corpus_dir}")
    files = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if path.is_file() and path.suffix.lower() in DECK_SUFFIXES and path.name.lower() not in NOT_DECKS:
            if not path.name.startswith("."):
                files.append(path)
    return files


def corpus_fingerprint(corpus_dir: Path) -> str:
    """sha256 over every deck's relative path and bytes, plus catalog.toml."""
    digest = hashlib.sha256()
    paths = deck_files(corpus_dir)
    catalog = corpus_dir / "catalog.toml"
    if catalog.is_file():
        paths.append(catalog)
    for path in paths:
        digest.update(path.relative_to(corpus_dir).as_posix().encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:  # load_corpus reports the file; the fingerprint notes it cannot be read
            digest.update(f"unreadable:{exc.errno}".encode())
    return digest.hexdigest()


def read_catalog(corpus_dir: Path) -> dict:
    path = corpus_dir / "catalog.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QAError(f"{path}: not valid TOML ({exc})") from None


def load_corpus(corpus_dir: Path) -> Corpus:
    """Every deck of the folder; a file that cannot be read is reported and skipped."""
    corpus_dir = Path(corpus_dir)
    catalog = read_catalog(corpus_dir)
    corpus = Corpus()
    for path in deck_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            if path.stat().st_size > MAX_DECK_BYTES:
                raise QAError(f"{rel}: larger than {MAX_DECK_BYTES // 1_000_000} MB, skipped")
            text = decode(path.read_bytes(), rel)
            corpus.documents.append(parse_document(text, rel, catalog.get(path.name, {})))
        except QAError as exc:
            corpus.problems.append(str(exc))
        except OSError as exc:
            corpus.problems.append(f"{rel}: cannot be read ({exc.strerror})")
    return corpus


def doc_id_for(rel_path: str) -> str:
    return rel_path.rsplit(".", 1)[0]


def parse_document(text: str, rel_path: str, meta: dict | None = None) -> Document:
    """Split one deck's text into slides by the convention its format follows."""
    meta = meta or {}
    doc_id = doc_id_for(rel_path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if rel_path.lower().endswith((".md", ".markdown")) and _MD_SEPARATOR.search(text):
        raw = split_markdown(text)
    elif "\f" in text:
        raw = split_form_feeds(text)
    else:
        raw = infer_slides(text)
    slides = tuple(
        Slide(doc=doc_id, number=i, title=title, body=body, kind=kind)
        for i, (title, body, kind) in enumerate(raw, start=1)
    )
    if not slides:
        raise QAError(f"{rel_path}: no slides found (is the file empty of text?)")
    title = str(meta.get("title") or slides[0].title)
    citation = str(meta.get("citation") or f"「{title}」")
    return Document(doc_id=doc_id, path=rel_path, title=title, citation=citation, slides=slides)


# ---------------------------------------------------------------- explicit separators

_MD_SEPARATOR = re.compile(r"^-{3,}\s*$", re.MULTILINE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(?:[A-Za-z_][\w-]*\s*:.*\n)+---\s*\n")


def _title_and_body(chunk: str) -> tuple[str, str] | None:
    lines = [line for line in chunk.split("\n")]
    for i, line in enumerate(lines):
        if line.strip():
            heading = _MD_HEADING.match(line)
            title = heading.group(1) if heading else line.strip()
            return _clean_title(title), "\n".join(lines[i + 1 :]).strip("\n")
    return None


def split_markdown(text: str) -> list[tuple[str, str, str]]:
    """Marp / reveal.js decks: slides separated by `---` lines, front matter skipped."""
    text = _FRONT_MATTER.sub("", text, count=1)
    slides = []
    for chunk in _MD_SEPARATOR.split(text):
        found = _title_and_body(chunk)
        if found:
            slides.append((*found, "content"))
    return slides


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


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs: runs of non-blank lines (whitespace-only lines count as blank)."""
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


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
    blocks = _blocks(text)
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
