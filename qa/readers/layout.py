"""Page geometry -> reading order: characters into lines, lines into blocks, blocks into light Markdown.

Pure functions over boxes in page points with the origin at the top left (y grows
downwards); the PDF reader feeds them pdfium's characters, the PPTX reader its
shape boxes (``reading_order`` only).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..lang import JAPANESE_TEXT
from ..slides import Region
from .tables import BULLET_GLYPHS, table_markdown, table_rows

_BULLET = re.compile(rf"^\s*(?:[{BULLET_GLYPHS}]\s*|[-–]\s+)")
_CJK = re.compile(JAPANESE_TEXT)


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float  # font size in points
    generated: bool = False  # a space or line break pdfium inferred, not in the PDF
    rotated: bool = False  # set on its side (a chart's vertical axis label): read in drawing order


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    chars: int = 1
    last_x0: float = 0.0  # where the last character starts: ligatures share one box
    cells: list[list] = field(default_factory=list)  # [text, x0, x1] runs split by wide gaps (table cells)
    rotated: bool = False  # a run of characters set on their side

    def __post_init__(self) -> None:
        self.last_x0 = self.x0
        self.cells = [[self.text, self.x0, self.x1]]

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def extend(self, other: Line, separator: str = "", new_cell: bool = False) -> None:
        # A line's size is its text's: a bullet glyph or a word of code set smaller or larger
        # than the text that follows does not set it (the largest of its characters does).
        lone_bullet = self.chars == 1 and self.text in BULLET_GLYPHS
        self.size = other.size if lone_bullet else max(self.size, other.size)
        if new_cell:
            self.cells.append([other.text, other.x0, other.x1])
        else:
            self.cells[-1][0] += separator + other.text
            self.cells[-1][2] = max(self.cells[-1][2], other.x1)
        self.text += separator + other.text
        self.x0, self.y0 = min(self.x0, other.x0), min(self.y0, other.y0)
        self.x1, self.y1 = max(self.x1, other.x1), max(self.y1, other.y1)
        self.chars += other.chars
        self.last_x0 = other.last_x0


@dataclass
class Block:
    lines: list[Line] = field(default_factory=list)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (min(ln.x0 for ln in self.lines), min(ln.y0 for ln in self.lines),
                max(ln.x1 for ln in self.lines), max(ln.y1 for ln in self.lines))


def _joiner(left: str, right: str) -> str:
    """The space a layout gap stands for: none next to Japanese text, one between Latin words."""
    if not left or not right or left.endswith(" ") or right.startswith(" "):
        return ""
    return "" if _CJK.match(left[-1]) or _CJK.match(right[0]) else " "


def _same_line(line: Line, char: Char, space: bool) -> bool:
    size = max(line.size, char.size, 1.0)
    mid = (char.y0 + char.y1) / 2
    on_baseline = line.y0 - 0.2 * size <= mid <= line.y1 + 0.2 * size
    gap = char.x0 - line.x1
    advancing = gap > -0.3 * size or char.x0 >= line.last_x0 - 0.1 * size
    is_bullet = line.chars == 1 and line.text in BULLET_GLYPHS  # a bullet sits far left of its text
    return on_baseline and advancing and (gap < 2.5 * size or is_bullet or space)


def chars_to_lines(chars: list[Char]) -> list[Line]:
    """Runs of characters on one baseline, in the order the page draws them; vertical stacks rejoined."""
    lines: list[Line] = []
    space = ""  # "real" after a space in the PDF, "soft" after one pdfium generated
    broken = False  # after a line break pdfium generated: a glyph drawn on its own
    char_run = False  # no line break since the last character
    for char in chars:
        if char.text.isspace():
            if char.text in " \u3000":
                space = "soft" if char.generated and space != "real" else "real"
            broken = broken or (char.generated and char.text in "\r\n")
            char_run = char_run and char.text not in "\r\n"
            continue
        current = lines[-1] if lines else None
        if char.rotated or (current is not None and current.rotated):
            # text on its side is one run in the order it is drawn, which is its reading order;
            # laid out by position, it would fall apart into a letter or two per line
            if char.rotated and current is not None and current.rotated and char_run:
                current.extend(_line(char), " " if space == "real" else "")
            else:
                lines.append(_line(char))
        elif current is not None and _same_line(current, char, space == "real"):
            gap = char.x0 - current.x1
            # a wide gap separates (table cells); a narrow one or an inferred space is a word
            # break, which Japanese text does not spell (LibreOffice spaces kana from digits).
            # Glyphs drawn one by one (Chromium's text layer on some pages) abut exactly, and
            # their word spaces are not written: a gap of a narrow space is one there.
            word_gap = (0.15 if broken else 0.25) * char.size
            if space == "real" or gap > 0.6 * char.size:
                sep = " "
            elif space == "soft" or gap > word_gap:
                sep = _joiner(current.text, char.text)
            else:
                sep = ""
            after_bullet = current.chars == 1 and current.text in BULLET_GLYPHS
            new_cell = gap > 0.6 * char.size and not after_bullet
            current.extend(Line(char.text, char.x0, char.y0, char.x1, char.y1, char.size), sep, new_cell)
        else:
            lines.append(_line(char))
        space, broken, char_run = "", False, True
    return _rejoin_stacks(lines)


def _line(char: Char) -> Line:
    return Line(char.text, char.x0, char.y0, char.x1, char.y1, char.size, rotated=char.rotated)


def _rejoin_stacks(lines: list[Line]) -> list[Line]:
    """Text set one character per line (a narrow box, vertical writing) becomes one line again."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(line.text) <= 2
            and (len(prev.text) <= 2 or prev.x1 - prev.x0 < 2.5 * prev.size)
            and abs((line.x0 + line.x1) / 2 - (prev.x0 + prev.x1) / 2) < 0.6 * line.size
            and 0 <= line.y0 - prev.y1 < 0.6 * line.size
            and (prev.x1 - prev.x0) < 2.5 * line.size
        ):
            prev.extend(line, "")
        else:
            out.append(line)
    return out


def mark_bullets(lines: list[Line], markers: list[tuple[float, float, float, float]]) -> None:
    """Give a line the bullet a browser drew as a shape (Chrome's list markers are not text).

    A marker is a small square-ish shape just left of where the line starts, at its height.
    """
    for line in lines:
        if _BULLET.match(line.text):
            continue
        for x0, y0, x1, y1 in markers:
            middle = (y0 + y1) / 2
            if 0 <= line.x0 - x1 < 1.5 * line.size and line.y0 <= middle <= line.y1:
                line.text = "• " + line.text
                line.x0 = x0
                break


# Private-use code points: what a symbol font's glyphs (PowerPoint's Wingdings bullets) map to
# in a PDF's text layer; no reader can read them.
_PRIVATE_USE = re.compile("^[\ue000-\uf8ff]")


def symbol_bullets(lines: list[Line]) -> None:
    """A line led by a symbol font's glyph (U+F09E, U+F0A7…) is a list item: the glyph is its bullet."""
    for line in lines:
        if _PRIVATE_USE.match(line.text):
            line.text = _PRIVATE_USE.sub("•", line.text)
            line.cells[0][0] = _PRIVATE_USE.sub("•", line.cells[0][0])


def lines_to_blocks(lines: list[Line]) -> list[Block]:
    """Lines close above one another, overlapping sideways and of one font size, form a block."""
    blocks: list[Block] = []
    for line in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        best, best_gap = None, None
        for block in blocks:
            last = block.lines[-1]
            gap = line.y0 - last.y1
            overlaps = min(line.x1, last.x1) - max(line.x0, last.x0) > 0
            # a paragraph keeps its font size (a heading only a little larger is another block);
            # a list shrinks its nested levels
            ratio = abs(line.size - last.size) / max(line.size, last.size)
            similar = ratio <= 0.03 or (ratio <= 0.35 and bool(_BULLET.match(line.text)) and _has_bullets(block))
            # below the last line (its top half a size lower at least: PowerPoint's PDFs give
            # line boxes taller than the line pitch, so wrapped lines overlap by a third of a size)
            close = line.y0 - last.y0 > 0.5 * line.size and gap < 0.9 * line.size
            if overlaps and similar and close and (best_gap is None or gap < best_gap):
                best, best_gap = block, gap
        if best is None:
            blocks.append(Block([line]))
        else:
            best.lines.append(line)
    return reading_order(blocks, lambda b: b.box)


def _has_bullets(block: Block) -> bool:
    return any(_BULLET.match(ln.text) for ln in block.lines)


def reading_order(items: list, box) -> list:
    """Top to bottom in bands of items that overlap vertically; left to right inside a band.

    Two columns side by side form one band, so each is read whole, left column first.
    """
    ordered = sorted(items, key=lambda it: (box(it)[1], box(it)[0]))
    bands: list[list] = []
    bottom = None
    for item in ordered:
        x0, y0, x1, y1 = box(item)
        if bands and bottom is not None and y0 < bottom - 0.25 * (y1 - y0):
            bands[-1].append(item)
            bottom = max(bottom, y1)
        else:
            bands.append([item])
            bottom = y1
    return [item for band in bands for item in sorted(band, key=lambda it: box(it)[0])]


def split_title(
    blocks: list[Block], page_height: float, title_size: float | None = None
) -> tuple[list[Line], list[Block]]:
    """The title's lines, and the blocks without them.

    The title is the largest-font text in the top half of the page (its lines of that
    size, consecutive), when it stands out from the body; else the first line. With
    `title_size` (the size the deck's titles are set in), the top-most text in the top half
    set in that size wins over larger text: a callout set large is not the slide's title.
    Text that is not title-like (_title_like: a paragraph, a list, a table) leaves the slide
    without a title, all of it body.
    """
    if not blocks:
        return [], []
    # A title has words: an equation's parts set large (a fraction's denominator) are no title.
    worded = [b for b in blocks if _worded(_largest_lines(b))] or blocks
    top = [b for b in worded if b.box[1] < 0.5 * page_height] or worded
    biggest = max(top, key=lambda b: (_largest_size(b), -b.box[1]))
    if title_size:
        sized = [b for b in top if abs(_largest_size(b) - title_size) <= 0.03 * title_size]
        biggest = min(sized, key=lambda b: b.box[1]) if sized else biggest
    size = _largest_size(biggest)
    body = sorted(ln.size for b in blocks if b is not biggest for ln in b.lines)
    if not body or size > 1.1 * body[len(body) // 2]:
        block, chosen = biggest, _largest_lines(biggest)
    else:
        block = next((b for b in blocks if _worded(b.lines[:1])), blocks[0])
        chosen = block.lines[:1]
    if not _title_like(chosen, block):
        return [], blocks  # the largest text is a paragraph, a list or a table: the slide has no title
    rest = [Block([ln for ln in b.lines if ln not in chosen]) if b is block else b for b in blocks]
    return chosen, [b for b in rest if b.lines]


# A title is short, however large it is set (a section slide's four words on four lines);
# longer, it is a paragraph set large: a slide without a heading.
TITLE_CHARS = 100


def _title_like(lines: list[Line], block: Block) -> bool:
    """Whether the lines can be a title: at most TITLE_CHARS characters, no list item, not a
    table's header row."""
    return (
        sum(len(ln.text.strip()) for ln in lines) <= TITLE_CHARS
        and not any(_BULLET.match(ln.text) for ln in lines)
        and not table_rows(block.lines)
    )


def _largest_size(block: Block) -> float:
    return max(ln.size for ln in block.lines)


def _largest_lines(block: Block) -> list[Line]:
    """The block's first run of consecutive lines in its largest type."""
    size = _largest_size(block)
    # sizes of one style differ in the last digits (36.0 and 36.02): within 3 % is the same type
    first = next(i for i, ln in enumerate(block.lines) if ln.size >= 0.97 * size)
    end = first
    while end < len(block.lines) and block.lines[end].size >= 0.97 * size:
        end += 1
    return block.lines[first:end]


def _worded(lines: list[Line]) -> bool:
    """Whether the lines have two letters or more that are not mathematical italics (𝑥, 𝜕)."""
    letters = (ch for ln in lines for ch in ln.text if unicodedata.category(ch).startswith("L"))
    return sum(1 for ch in letters if not 0x1D400 <= ord(ch) <= 0x1D7FF) >= 2


def block_markdown(block: Block) -> str:
    """A block as light Markdown: bullet glyphs become indented "- " items, wrapped lines are rejoined,
    rows of aligned cells become "| a | b |" table rows."""
    rows = table_rows(block.lines)
    if rows:
        return table_markdown(rows)
    out: list[str] = []
    bullets = [ln for ln in block.lines if _BULLET.match(ln.text)]
    indents: list[float] = []  # the distinct left edges of the bullets: level = rank
    for x in sorted(ln.x0 for ln in bullets):
        if not indents or x - indents[-1] > 0.5 * min(ln.size for ln in bullets):
            indents.append(x)
    full = _full_lines(block)
    bullet_x: float | None = None
    prev: Line | None = None
    for line in block.lines:
        match = _BULLET.match(line.text)
        text = line.text.strip()
        if match:
            level = min(3, sum(1 for x in indents[1:] if line.x0 >= x - 0.25 * line.size))
            out.append("  " * level + "- " + line.text[match.end():].strip())
            bullet_x = line.x0
        elif out and bullet_x is not None and line.x0 > bullet_x + 0.3 * line.size:
            out[-1] += _joiner(out[-1], text) + text  # indented under a bullet's text: its next line
        elif prev is not None and id(prev) in full and _wrapped_under(prev, line) and _CJK.match(text):
            out[-1] += _joiner(out[-1], text) + text  # a paragraph wrapped at the box's edge
        else:
            out.append(text)
            bullet_x = None
        prev = line
    return "\n".join(out)


def _wrapped_under(prev: Line, line: Line) -> bool:
    """Whether the line can be prev's continuation: it starts where prev starts, one line pitch
    below (lines spaced wider than 1.5 sizes are separate items, however far they reach)."""
    return abs(line.x0 - prev.x0) < 0.5 * line.size and line.y0 - prev.y0 < 1.5 * line.size


def _full_lines(block: Block) -> set[int]:
    """Japanese lines that end at the block's right edge without a full stop: they wrapped.

    Only a block where two or more lines reach the edge counts as a wrapped paragraph
    (in a two-line block the longer line reaches the edge by definition). Latin lines
    are left alone: a ragged edge proves little, and chunking joins them with a space anyway.
    """
    right = block.box[2]
    reaching = [ln for ln in block.lines[:-1] if ln.x1 >= right - 1.0 * ln.size]
    if len(reaching) < 2:
        return set()
    ends = [ln.text.rstrip()[-1:] for ln in reaching]
    return {id(ln) for ln, end in zip(reaching, ends) if end and _CJK.match(end) and end not in "。：！？"}


def page_region(text: str, box: tuple[float, float, float, float], width: float, height: float) -> Region:
    """A box (x0, y0, x1, y1) in page units as fractions of the page, clamped to [0, 1]."""

    def frac(value: float, whole: float) -> float:
        return round(min(1.0, max(0.0, value / whole)), 4) if whole > 0 else 0.0

    x0, y0, x1, y1 = box
    return Region(text, frac(x0, width), frac(y0, height), frac(x1, width), frac(y1, height))


def page_regions(lines: list[Line], width: float, height: float) -> tuple[Region, ...]:
    """Every line's box as fractions of the page (its bullet dropped)."""
    return tuple(
        page_region(text, (ln.x0, ln.y0, ln.x1, ln.y1), width, height)
        for ln in lines
        if (text := _BULLET.sub("", ln.text).strip())
    )


def joined(parts: list[str]) -> str:
    """Wrapped pieces of one text (a title over two lines) as one line."""
    out = ""
    for part in parts:
        out += _joiner(out, part) + part
    return out
