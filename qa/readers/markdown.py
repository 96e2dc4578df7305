"""Markdown and Marp decks, parsed as CommonMark (markdown-it-py), numbered as Marp numbers its pages.

- YAML front matter is metadata (title, author, date, organisation), never a slide.
- A slide break is a thematic break (``---``, ``***``, ``___``) outside code; Marp's
  ``headingDivider`` (front matter or a global directive comment) also splits before
  headings of the given levels. Empty slides are kept: Marp exports them as pages.
- Marp directives are applied (`header` titles a slide without a heading, `_footer` is text
  of its slide, and so is `_header` above a heading); other HTML
  comments are presenter notes (Slide.notes), as Marp takes them; HTML blocks are reduced to their
  text; images give their alt text minus Marp's image keywords (``bg``, ``w:200``…);
  code blocks stay as text of their slide; tables become ``| a | b |`` rows.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..slides import DocumentCard, Slide
from .base import Deck, Limits
from .text import decode

_PARSER = (
    MarkdownIt("commonmark", {"html": True})
    .enable(["table", "strikethrough"])
    .use(front_matter_plugin)
    .use(dollarmath_plugin)  # Marp renders $…$ and $$…$$ as math: its source is text of the slide
)
# Words Marp reads in an image's alt text as layout instructions, not as a description.
_MARP_IMAGE_WORD = re.compile(
    r"^(?:bg|left|right|contain|cover|fit|auto|vertical|horizontal|\d+%|"
    r"(?:w|h|width|height|x|y|left|right|blur|brightness|contrast|drop-shadow|grayscale|"
    r"hue-rotate|invert|opacity|saturate|sepia|sizing)(?::\S*)?)$",
    re.IGNORECASE,
)
_HEADING_DIVIDER = re.compile(r"^\s*headingDivider\s*:\s*(.+?)\s*$", re.MULTILINE)
_CARD_KEYS = {
    "title": ("title",),
    "author": ("author", "authors", "speaker", "presenter"),
    "date": ("date",),
    "organisation": ("organisation", "organization", "affiliation", "institute", "company"),
}


def read(path: Path, doc_id: str, limits: Limits) -> Deck:
    """A .md deck from disk."""
    return markdown_deck(decode(path.read_bytes(), path.name), doc_id)


def markdown_deck(text: str, doc_id: str) -> Deck:
    """Slides, card and warnings of one Markdown / Marp deck."""
    tokens = _PARSER.parse(text.replace("\r\n", "\n").replace("\r", "\n"))
    meta = _front_matter(tokens)
    divider = _heading_levels(meta.get("headingDivider"))
    for token in tokens:  # a global directive may also sit in an HTML comment
        if token.type == "html_block" and (found := _HEADING_DIVIDER.search(_comment_text(token.content))):
            divider = _heading_levels(_yaml(found.group(1))) or divider
    slides, header = [], str(meta.get("header") or "")
    for number, part in enumerate(_split(tokens, divider), start=1):
        slide, header = _slide(doc_id, number, part, header)
        slides.append(slide)
    slides = tuple(slides)
    card = DocumentCard(**{name: _card_value(meta, keys) for name, keys in _CARD_KEYS.items()})
    return Deck(slides=slides, card=card)


# ---------------------------------------------------------------- front matter and directives


def _yaml(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _front_matter(tokens: list[Token]) -> dict:
    for token in tokens:
        if token.type == "front_matter":
            data = _yaml(token.content)
            return data if isinstance(data, dict) else {}
    return {}


# Marp's directives (Marpit's, and the first Marp's $-prefixed and page ones): a comment that
# sets only these is a directive; any other comment is a presenter note.
_DIRECTIVES = {
    "theme", "style", "headingDivider", "lang", "marp", "size", "math", "title", "author",
    "description", "image", "keywords", "url", "paginate", "header", "footer", "class",
    "backgroundColor", "backgroundImage", "backgroundPosition", "backgroundRepeat",
    "backgroundSize", "color", "transition", "width", "height", "page_number", "template", "prerender",
}


def _directives(comment: str) -> dict | None:
    """What a comment sets as directives ({} for an empty comment), or None: a presenter note."""
    if not comment.strip():
        return {}
    data = _yaml(comment)
    if isinstance(data, dict) and data and all(str(key).lstrip("_$*") in _DIRECTIVES for key in data):
        return data
    return None


def _heading_levels(value) -> set[int]:
    """Marp's headingDivider: a number n means levels 1..n; a list names the levels."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return set(range(1, min(value, 6) + 1))
    if isinstance(value, list):
        return {v for v in value if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 6}
    return set()


def _card_value(meta: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _comments(html: str) -> list[str]:
    """The insides of an HTML fragment's comments (where Marp's directives and notes live)."""
    return re.findall(r"<!--(.*?)-->", html, re.S)


def _comment_text(html: str) -> str:
    return "\n".join(_comments(html))


# ---------------------------------------------------------------- slides


def _split(tokens: list[Token], divider: set[int]) -> list[list[Token]]:
    """Top-level token runs, one per slide, cut where Marp cuts.

    A thematic break always cuts. A divider heading cuts when anything visible came
    before it anywhere in the deck (Marpit's rule, which makes ``---`` followed by a
    divider heading an empty page); comments and <style> blocks are not visible.
    """
    slides: list[list[Token]] = [[]]
    seen_visible = False
    for token in tokens:
        if token.type == "front_matter":
            continue
        if token.type == "hr" and token.level == 0:
            slides.append([])
            seen_visible = True
            continue
        if token.type == "heading_open" and token.level == 0 and int(token.tag[1]) in divider and seen_visible:
            slides.append([])
        if token.level == 0 and not (token.type == "html_block" and _hidden_html(token.content)):
            seen_visible = True
        slides[-1].append(token)
    return slides


def _hidden_html(html: str) -> bool:
    """Comments and <style> blocks: Marp takes them out of the slide."""
    return not re.sub(r"<!--.*?-->|<style[^>]*>.*?</style>", "", html, flags=re.S | re.I).strip()


class _SlideWriter:
    """Collects one slide's title and light-Markdown body while walking its tokens."""

    def __init__(self) -> None:
        self.title = ""
        self.blocks: list[str] = []
        self.markers: list[str] = []  # open lists, innermost last ("-" or "1.")
        self.list_lines: list[str] = []
        self.item: list[str] = []  # text of the open list item
        self.cells: list[str] = []
        self.rows: list[str] = []
        self.first_prose = ""  # a title for a slide without a heading
        self.math = False

    def block(self, text: str) -> None:
        if self.markers:  # inside a list item: part of the item
            self.item.append(" ".join(text.split("\n")))
        elif text.strip():
            self.blocks.append(text.strip("\n"))

    def end_item(self) -> None:
        if self.item:
            indent = "  " * (len(self.markers) - 1)
            self.list_lines.append(f"{indent}{self.markers[-1]} " + " ".join(self.item))
            self.item = []

    def open_list(self, marker: str) -> None:
        self.end_item()
        self.markers.append(marker)

    def close_list(self) -> None:
        self.end_item()
        self.markers.pop()
        if not self.markers and self.list_lines:
            self.blocks.append("\n".join(self.list_lines))
            self.list_lines = []

    def end_row(self) -> None:
        self.rows.append("| " + " | ".join(self.cells) + " |")
        if len(self.rows) == 1:  # the header row: a rule under it, as Markdown writes tables
            self.rows.append("|" + "---|" * len(self.cells))
        self.cells = []

    def end_table(self) -> None:
        rows, self.rows = self.rows, []
        self.block("\n".join(rows))


def _slide(doc_id: str, number: int, tokens: list[Token], header: str) -> tuple[Slide, str]:
    """The slide, and the header the next slides inherit (Marp's `header` carries on, `_header`
    is this slide's only). Comments that are not directives are the speaker's notes."""
    w = _SlideWriter()
    notes, own_header, own_footer = [], None, ""
    for token in tokens:
        for comment in _comments(token.content) if token.type == "html_block" else ():
            found = _directives(comment)
            if found is None:
                notes.append(" ".join(comment.split()))
                continue
            if "header" in found:
                header = str(found["header"] or "")
            if "_header" in found:
                own_header = str(found["_header"] or "")
            if "_footer" in found:
                own_footer = str(found["_footer"] or "")
    shown_header = header if own_header is None else own_header
    for i, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            w.open_list("-" if kind == "bullet_list_open" else "1.")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            w.close_list()
        elif kind == "list_item_open":
            w.end_item()
            if w.markers[-1] != "-":  # an ordered item keeps its own number
                w.markers[-1] = f"{token.info or 1}."
        elif kind == "inline":
            text = _inline_text(token)
            parent = tokens[i - 1].type if i else ""
            if parent == "heading_open" and not w.title:
                w.title = " ".join(text.split("\n"))
            elif parent in ("th_open", "td_open"):
                w.cells.append(" ".join(text.split("\n")).replace("|", "/"))
            elif text:
                if not w.first_prose and not w.markers and not text.startswith("$"):
                    w.first_prose = text.split("\n")[0]
                w.block(text)
        elif kind == "tr_close":
            w.end_row()
        elif kind == "table_close":
            w.end_table()
        elif kind in ("math_block", "math_block_label"):
            w.block(token.content.strip())
            w.math = True
        elif kind in ("fence", "code_block"):
            w.block("\n".join(line for line in token.content.split("\n") if line.strip()))
        elif kind == "html_block":
            w.block(_text_of_html(token.content))
    while w.markers:
        w.close_list()
    # A footer set for this slide alone is its own text (a source, a link to the docs); the
    # deck's footer, repeated on every page, is furniture and stays out.
    footer = _inline(own_footer)
    # So is a header set for this slide alone, above a heading that titles the slide (Marp shows
    # it at the top); without a heading, the header titles the slide.
    own = _inline(own_header or "") if w.title else ""
    body = "\n\n".join([*([own] if own else []), *w.blocks, *([footer] if footer else [])])
    # Marp shows the header at the top of the slide: the title of a slide without a heading
    title = w.title or _inline(shown_header) or w.first_prose[:120] or ("" if w.math else _first_line(body))
    return Slide(doc=doc_id, number=number, title=title, body=body, notes="\n".join(notes)), header


def _inline(markdown: str) -> str:
    """A directive's Markdown value (a header) as plain text."""
    tokens = _PARSER.parseInline(markdown) if markdown.strip() else []
    return " ".join(_inline_text(t) for t in tokens if t.type == "inline").strip()


def _first_line(body: str) -> str:
    """A title for a slide without a heading: its first line of prose (not math, not a table rule)."""
    for line in body.split("\n"):
        line = re.sub(r"^\s*(?:[-*+]|\d+\.|\|)\s*", "", line).strip(" |")
        if line and not set(line) <= set("-|: ") and not line.startswith(("$", "\\")):
            return line[:120]
    return ""


def _inline_text(token: Token) -> str:
    """An inline run as plain text: tags dropped, images as their alt text, line breaks kept as spaces."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "math_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            alt = " ".join(w for w in child.content.split() if not _MARP_IMAGE_WORD.match(w))
            if alt:
                parts.append(alt)
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append("\n")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: tags, comments, <style> and <script> dropped, <img> as its alt."""

    SKIP = {"style", "script", "template"}
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "ul", "ol", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _text_of_html(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
