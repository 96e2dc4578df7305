"""PowerPoint decks with python-pptx: slides in presentation order, numbered by position.

Hidden slides are skipped (their numbers stay unused) and named in a warning.
Shapes, grouped ones included, are read top to bottom, left to right; bulleted
paragraphs become indented "- " items, tables "| a | b |" rows, notes Slide.notes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError
from pptx.shapes.shapetree import SlideShapeFactory

from ..lang import JAPANESE_TEXT
from ..slides import DocumentCard, Slide
from .base import UNPACK_RATIO, Deck, Limits, ReaderError, have, ideographs, numbered, property_value, with_slide_title
from .layout import TITLE_CHARS, joined, page_region, reading_order
from .tables import table_markdown

_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_BULLETED = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.VERTICAL_BODY}
# Repeated furniture, not content: a slide number is not a passage.
_FURNITURE = {PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.HEADER}
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
# A line break (\v) between two Japanese characters joins them: Japanese has no spaces.
_CJK_BREAK = re.compile(rf"(?<={JAPANESE_TEXT})\s*\v\s*(?={JAPANESE_TEXT})")


@dataclass(frozen=True)
class _Box:
    """A text-bearing shape with its box in slide EMUs (group offsets applied)."""

    shape: object
    x0: float
    y0: float
    x1: float
    y1: float
    grouped: bool = False  # part of a group: a diagram's label, not a heading


def check_unpacked_size(path: Path, limits: Limits) -> None:
    """Refuse a zip whose parts would unpack beyond the limits, from its directory alone (nothing inflated).

    The sizes a zip declares bound what Python's zipfile (python-pptx's reader) returns: a part
    that inflates past its declared size fails its check instead of growing."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReaderError(f"{path.name}: damaged or not a PowerPoint file ({exc})") from None
    if len(parts) > limits.max_zip_members:
        raise ReaderError(f"{path.name}: {len(parts)} parts in the file, over the limit of {limits.max_zip_members}")
    unpacked = sum(part.file_size for part in parts)
    allowed = min(limits.max_unpacked_bytes, UNPACK_RATIO * max(path.stat().st_size, 1))
    if unpacked > allowed:
        raise ReaderError(
            f"{path.name}: unpacks to {unpacked / 1e6:,.0f} MB, over the limit of {allowed / 1e6:,.0f} MB"
            " (a PowerPoint file this small cannot hold that much; is it a zip bomb?)"
        )


def open_presentation(path: Path, limits: Limits):
    """The presentation; a damaged file, a zip bomb or one over the slide limit is a ReaderError."""
    check_unpacked_size(path, limits)
    try:
        prs = Presentation(str(path))
    except PackageNotFoundError:  # python-pptx's word for "not a readable zip"
        raise ReaderError(f"{path.name}: damaged or not a PowerPoint file (not a readable .pptx package)") from None
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError, EOFError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReaderError(f"{path.name}: damaged or not a PowerPoint file ({reason.strip(chr(34))})") from None
    if len(prs.slides) > limits.max_pages:
        raise ReaderError(f"{path.name}: {len(prs.slides)} slides, over the limit of {limits.max_pages} slides")
    return prs


def hidden_numbers(prs) -> list[int]:
    """1-based positions of the slides marked hidden (show="0")."""
    return [n for n, slide in enumerate(prs.slides, start=1) if slide._element.get("show") in ("0", "false")]


def read(path: Path, doc_id: str, limits: Limits) -> Deck:
    prs = open_presentation(path, limits)
    hidden = set(hidden_numbers(prs))
    size = (prs.slide_width or 9144000, prs.slide_height or 6858000)
    try:
        slides = tuple(
            _slide(slide, doc_id, n, size) for n, slide in enumerate(prs.slides, start=1) if n not in hidden
        )
    except (KeyError, ValueError, etree.LxmlError) as exc:
        raise ReaderError(f"{path.name}: damaged PowerPoint file ({exc})") from None
    warnings = [f"hidden slides skipped: {', '.join(map(str, sorted(hidden)))}"] if hidden else []
    empty = [s.number for s in slides if not s.title and not s.body and not s.notes]
    if empty:
        warnings.append(f"{numbered('slide', empty)} {have(empty)} no text (pictures only?)")
    card = with_slide_title(_card(prs.core_properties), slides)
    return Deck(slides=slides, card=card, warnings=tuple(warnings))


def _boxes(shapes, transform=lambda x, y: (x, y), grouped: bool = False) -> list[_Box]:
    """Every shape with text or a table, groups opened (their children's offsets mapped to the slide)."""
    out = []
    for shape in [*shapes, *_alternate_content(shapes)]:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            out.extend(_boxes(shape.shapes, _group_transform(shape, transform), grouped=True))
            continue
        if not (shape.has_text_frame and shape.text_frame.text.strip()) and not _is_table(shape):
            continue
        if shape.is_placeholder and shape.placeholder_format.type in _FURNITURE:
            continue
        left, top = shape.left or 0, shape.top or 0
        x0, y0 = transform(left, top)
        x1, y1 = transform(left + (shape.width or 0), top + (shape.height or 0))
        out.append(_Box(shape, x0, y0, x1, y1, grouped))
    return out


def _alternate_content(shapes) -> list:
    """The shapes PowerPoint wraps in mc:AlternateContent, which python-pptx's shape tree skips: a
    text box holding an equation is one, prose and all. The first branch (mc:Choice, the
    version PowerPoint itself shows) is read; _paragraph_text writes its equations out."""
    out = []
    for alternate in shapes._spTree.iterchildren(f"{_MC}AlternateContent"):
        branch = next(iter(alternate.iterchildren(f"{_MC}Choice", f"{_MC}Fallback")), None)
        if branch is None:
            continue
        out += [SlideShapeFactory(e, shapes) for e in branch.iterchildren(f"{_P}sp", f"{_P}grpSp", f"{_P}graphicFrame")]
    return out


def _group_transform(group, outer):
    xfrm = group._element.grpSpPr.xfrm
    if xfrm is None or xfrm.chOff is None or xfrm.chExt is None or not xfrm.chExt.cx or not xfrm.chExt.cy:
        return outer
    off_x, off_y, ext_x, ext_y = group.left, group.top, group.width, group.height
    ch_x, ch_y, ch_cx, ch_cy = xfrm.chOff.x, xfrm.chOff.y, xfrm.chExt.cx, xfrm.chExt.cy
    return lambda x, y: outer(off_x + (x - ch_x) * ext_x / ch_cx, off_y + (y - ch_y) * ext_y / ch_cy)


# PowerPoint's size for text that sets none (a new text box's 18 pt).
_DEFAULT_POINTS = 18.0


def _heading(marked: list[tuple[_Box, str]], height: int) -> int | None:
    """Which of the slide's text boxes heads it when no title placeholder does. Only ungrouped
    boxes in the top half can (a caption under a picture is not a title, nor a diagram's
    label): the first of them when it is a placeholder (the layout's own text, its size set
    there), else the one whose first paragraph has the largest type, reading order breaking
    ties, so a small callout above a title typed large is not taken for it."""
    top = [
        (i, box)
        for i, (box, _) in enumerate(marked)
        if box.y0 < height / 2 and not box.grouped and not _is_table(box.shape)
    ]
    if not top or top[0][1].shape.is_placeholder:
        return top[0][0] if top else None
    return max(top, key=lambda item: (_points(item[1].shape), -item[0]))[0]


def _level_styles(shape, level: int):
    """The list-style entries (`a:lvl{level}pPr`, None where there is none) a paragraph at that
    level takes its style from, nearest first: the shape's own list style, then, for a
    placeholder, its layout's placeholder's and the master's (the master's text styles not)."""
    source = shape
    for depth in range(3):
        found = source._element.xpath(f"./p:txBody/a:lstStyle/a:lvl{level}pPr")
        yield found[0] if found else None
        if depth == 2 or not source.is_placeholder:
            return
        try:
            source = source._base_placeholder
        except (AttributeError, KeyError, ValueError):
            return
        if source is None:
            return


def _style_points(style) -> float | None:
    """The type size a list-style entry sets, if any."""
    run = style.find(f"{_A}defRPr") if style is not None else None
    size = run.get("sz", "") if run is not None else ""
    return int(size) / 100 if size.isdigit() else None


def _points(shape) -> float:
    """The largest type size set on the runs of the shape's first paragraph with text; when none is,
    the size of the shape's own list style for the paragraph's level (a title copied into a text
    box keeps its 44 pt there), else PowerPoint's default."""
    paragraph = next((p for p in shape.text_frame.paragraphs if p.text.strip()), None)
    if paragraph is None:
        return _DEFAULT_POINTS
    own = _style_points(next(_level_styles(shape, paragraph.level + 1)))
    inherited = _DEFAULT_POINTS if own is None else own
    return max((run.font.size.pt for run in paragraph.runs if run.font.size), default=inherited)


def _stated_points(paragraph, shape) -> float | None:
    """The type size the file states for a paragraph: its runs' largest, else its level's in the
    nearest list style that sets one (_level_styles); None when none of them says."""
    sizes = [run.font.size.pt for run in paragraph.runs if run.font.size]
    if sizes:
        return max(sizes)
    stated = (_style_points(style) for style in _level_styles(shape, paragraph.level + 1))
    return next((size for size in stated if size is not None), None)


def _several_lines_title(shape, others: list) -> str:
    """The heading box's text as one title when it is one title written on several lines: every
    paragraph in one stated size (as the PDF reader joins a title's lines of one size), larger than
    the first paragraph of every other box on the slide, none a list item, short as a title is
    ("Introduction to" / "Git & GitHub & Version Control" in a body placeholder); else ""."""
    paragraphs = [p for p in shape.text_frame.paragraphs if p.text.strip()]
    if len(paragraphs) < 2 or _is_table(shape):
        return ""
    sizes = [_stated_points(p, shape) for p in paragraphs]
    if sizes[0] is None or any(s is None or abs(s - sizes[0]) > 0.03 * sizes[0] for s in sizes):
        return ""
    if any(_auto_number(p) is not None or _is_bullet(p, shape) for p in paragraphs):
        return ""
    if any(sizes[0] <= _points(o) for o in others if not _is_table(o)):
        return ""
    lines = [_one_line(_paragraph_text(p)) for p in paragraphs]
    return joined(lines) if sum(map(len, lines)) <= TITLE_CHARS else ""


def _is_table(shape) -> bool:
    return bool(getattr(shape, "has_table", False))


def _is_title(shape) -> bool:
    return shape.is_placeholder and shape.placeholder_format.type in _TITLES


def _content(boxes: list[_Box], height: int) -> list[_Box]:
    """The boxes less a copy of one just before it in the same place (LibreOffice writes a text
    shadow as a second text box) and a bare number in the top or bottom margin (a page number
    typed into a text box rather than PowerPoint's slide-number placeholder)."""
    kept: list[tuple[_Box, str]] = []
    near = 0.01 * height  # about 5 pt on a 7.5 inch slide
    for box in boxes:
        text = _plain(box.shape).strip()
        margin = box.y1 < 0.12 * height or box.y0 > 0.88 * height
        if margin and text.isdigit() and len(text) <= 3:
            continue
        if any(t == text and abs(o.x0 - box.x0) < near and abs(o.y0 - box.y0) < near for o, t in kept):
            continue
        kept.append((box, text))
    return [box for box, _ in kept]


def _slide(slide, doc_id: str, number: int, size: tuple[int, int]) -> Slide:
    boxes = reading_order(_content(_boxes(slide.shapes), size[1]), lambda b: (b.x0, b.y0, b.x1, b.y1))
    title_box = next((b for b in boxes if _is_title(b.shape)), None)
    marked = [(b, _markdown(b.shape)) for b in boxes if b is not title_box]
    marked = [(b, text) for b, text in marked if text]
    blocks = [text for _, text in marked]
    if title_box is not None:
        title = _one_line(title_box.shape.text_frame.text)
    elif (heading := _heading(marked, size[1])) is not None:
        # no title placeholder: the heading box is the title when it is one title on several
        # lines (_several_lines_title), else its first line stands as the title
        others = [b.shape for i, (b, _) in enumerate(marked) if i != heading]
        title = _several_lines_title(marked[heading][0].shape, others)
        if title:
            blocks[heading] = ""
        else:
            first, _, rest = blocks[heading].partition("\n")
            title, blocks[heading] = first.lstrip("-| ").strip(), rest
    else:
        title = ""
    notes = ""
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        notes = ideographs(slide.notes_slide.notes_text_frame.text).replace("\v", "\n").strip()
    width, height = size
    regions = tuple(page_region(_one_line(_plain(b.shape)), (b.x0, b.y0, b.x1, b.y1), width, height) for b in boxes)
    body = "\n\n".join(b for b in blocks if b.strip())
    # a section header slide: a title standing alone (chunking and the outline treat it as a divider)
    divider = bool(title) and not body and "section" in (slide.slide_layout.name or "").lower()
    kind = "divider" if divider else "content"
    return Slide(doc=doc_id, number=number, title=title, body=body, kind=kind, notes=notes, regions=regions)


def _one_line(text: str) -> str:
    return " ".join(ideographs(_CJK_BREAK.sub("", text)).replace("\v", " ").split())


def _paragraph_text(paragraph) -> str:
    """The paragraph's text with its equations (Office Math, as in a box PowerPoint wraps in
    mc:AlternateContent) in their places, written out in their own characters."""
    parts = paragraph._p.iter(f"{_A}t", f"{_MATH}t", f"{_A}br")
    return "".join("\v" if e.tag == f"{_A}br" else e.text or "" for e in parts)


def _plain(shape) -> str:
    if _is_table(shape):
        return " ".join(cell.text for row in shape.table.rows for cell in row.cells)
    return shape.text_frame.text


def _markdown(shape) -> str:
    if _is_table(shape):
        return _table(shape.table)
    lines = []
    counters: dict[int, tuple[str, int]] = {}  # level -> (numbering scheme, last number)
    for paragraph in shape.text_frame.paragraphs:
        text = _one_line(_paragraph_text(paragraph))
        if not text:
            continue
        level = paragraph.level
        counters = {lvl: c for lvl, c in counters.items() if lvl <= level}
        numbering = _auto_number(paragraph)
        if numbering is not None:
            scheme, start = numbering
            previous = counters.get(level)
            number = previous[1] + 1 if previous and previous[0] == scheme else start
            counters[level] = (scheme, number)
            # the number PowerPoint shows ("A.", "3)") is text a reader quotes: "the answer is B"
            lines.append("  " * level + "- " + _number_label(scheme, number) + " " + text)
            continue
        counters.pop(level, None)
        if _is_bullet(paragraph, shape):
            lines.append("  " * level + "- " + text)
        else:
            lines.append(text)
    return "\n".join(lines)


def _auto_number(paragraph) -> tuple[str, int] | None:
    """The paragraph's own automatic numbering (scheme, first number), when it sets one."""
    ppr = paragraph._p.pPr
    found = ppr.find(f"{_A}buAutoNum") if ppr is not None else None
    if found is None:
        return None
    start = found.get("startAt", "1")
    return found.get("type", "arabicPeriod"), int(start) if start.isdigit() else 1


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _number_label(scheme: str, number: int) -> str:
    """PowerPoint's label for a number in a scheme: alphaUcPeriod 2 -> "B.", romanLcParenR 3 -> "iii)";
    a scheme not written out here (circled, Asian digits) gives the arabic number."""
    match = re.match(r"(arabic|alphaUc|alphaLc|romanUc|romanLc)(Period|ParenR|ParenBoth|Plain)$", scheme)
    kind, suffix = match.groups() if match else ("arabic", "Period")
    if kind.startswith("alpha"):
        # a, b, … z, then aa, bb: PowerPoint repeats the letter
        digits = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
    elif kind.startswith("roman"):
        digits, rest = "", number
        for value, letters in _ROMAN:
            while rest >= value:
                digits, rest = digits + letters, rest - value
    else:
        digits = str(number)
    if kind.endswith("Uc"):
        digits = digits.upper()
    return {"Period": f"{digits}.", "ParenR": f"{digits})", "ParenBoth": f"({digits})", "Plain": digits}[suffix]


def _bullet_mark(ppr) -> bool | None:
    """What a paragraph-properties element says: bullet (True), none (False) or nothing (None)."""
    if ppr is None:
        return None
    tags = {child.tag for child in ppr}
    if f"{_A}buNone" in tags:
        return False
    if tags & {f"{_A}buChar", f"{_A}buAutoNum", f"{_A}buBlip"}:
        return True
    return None


def _is_bullet(paragraph, shape) -> bool:
    """The nearest bullet setting: the paragraph's, its layout's and master's placeholder, the master's
    body style; when none says, a paragraph at level > 0 is a bullet."""
    for mark in (_bullet_mark(paragraph._p.pPr), _inherited_mark(shape, paragraph.level + 1)):
        if mark is not None:
            return mark
    return paragraph.level > 0


def _inherited_mark(shape, level: int) -> bool | None:
    if not shape.is_placeholder:
        return None  # a plain text box: no bullets unless it says so
    for style in islice(_level_styles(shape, level), 1, None):  # the layout's placeholder, then the master's
        if style is not None and (mark := _bullet_mark(style)) is not None:
            return mark
    if shape.placeholder_format.type not in _BULLETED:
        return None
    try:
        master = shape.part.slide_layout.slide_master
    except AttributeError:
        return None
    found = master._element.xpath(f"./p:txStyles/p:bodyStyle/a:lvl{level}pPr")
    return _bullet_mark(found[0]) if found else None


def _table(table) -> str:
    return table_markdown([[_one_line(cell.text) for cell in row.cells] for row in table.rows])


# A file last saved more than this long after it was made started as an older file (a template,
# last year's deck): kaityo256's decks of 2025 and 2026 both say "created 2019-01-02 05:23:01".
TEMPLATE_AGE = dt.timedelta(days=365)


def _card(props) -> DocumentCard:
    """The card from the file's properties. Its date is the file's creation, unless the file was saved
    over a year later: then it is a template's date, and the card states none rather than a wrong one."""
    created, modified = props.created, props.modified
    inherited = created is not None and modified is not None and modified - created > TEMPLATE_AGE
    return DocumentCard(
        title=property_value(props.title),
        author=property_value(props.author),
        date=created.date().isoformat() if created and not inherited else "",
    )
