"""Slide -> Passages: small, citable units that never cross a slide boundary.

Pure functions, no I/O. A slide is cut into fine units (one bullet, one table row
keeping its row header, one heading line or one short paragraph), each with the
context that makes it findable and readable (slide title, and the heading or parent
bullet it sits under); `pack` then joins a bullet with the bullets it heads and
neighbouring units under one heading into passages of a few hundred characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lang import JAPANESE_TEXT
from .slides import Document, Slide, paragraph_blocks

MAX_PASSAGE_CHARS = 600
# Runs of short lone lines (a title slide, a contact box) read as one unit: merged up to this size.
MERGE_CHARS = 160
MERGE_SEPARATOR = " · "
# A lone short line that is no sentence (no closing punctuation), above a heading: it titles the
# section that heading opens, and the headings after it until a paragraph.
_SECTION_LINE = re.compile(r"(?![-*+•・]\s)[^\n]{1,40}(?<![。．.!?！？:：])")

_BULLET = re.compile(r"^(\s*)(?:[-*+•・]|\d+[.)])\s+")
_MARK = re.compile(r"^\s*[-*+•・]\s+")  # a bullet's glyph, which display drops
_TABLE_RULE = re.compile(r"^\|?[\s:\-|]+\|?$")
_DECOR = re.compile(r"^(?:[◆◇■□●○▶►✓✔➡→⇒]\s*)+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LINK_ONLY = re.compile(r"(?:https?://|E-mail\s+)?\S+[/@.]\S+")
_JA_EDGE = re.compile(JAPANESE_TEXT)
_HIRAGANA = re.compile(r"[\u3041-\u3096]")
_PARTICLES = set("をにはがでとのもへやしすされるたてなだ")  # what a wrapped line can start with
# A URL that a line break cut: the line ends inside it and the next goes on with URL characters.
_URL_TAIL = re.compile(r"https?://[^\s]*[\w/\-.?=&#%]$")
_URL_PART = re.compile(r"^[\w/\-.?=&#%]+(?:\s|$)")


@dataclass(frozen=True)
class Packing:
    """How the fine units of a slide (bullets, rows, paragraphs) join into the passages shown
    (and how much of the title slide the deck's card takes in).

    A bullet and its sub-bullets become one passage when together at most `branch_chars`
    long (a label bullet such as 「具体例:」 or "Linux" says nothing without what it heads);
    then neighbouring units under the same heading join up to `run_chars`. A one-line
    bullet alone rarely holds enough words to be found or to answer. Sizes fitted on
    the dev splits (research/ablations.py, "passages" variants); 0 turns a step off.
    """

    branch_chars: int = 300
    run_chars: int = 250
    # The title slide's own text (not its notes) joins the deck's card when at most this long: the
    # speaker, affiliation or event a title slide names and the file's properties often lack.
    # Longer, slide 1 is a slide of content, not a title slide. 0 turns it off (an ablation variant).
    card_chars: int = 300

    @property
    def id(self) -> str:
        return f"pack-{self.branch_chars}-{self.run_chars}-card-{self.card_chars}"


PACKING = Packing()
UNPACKED = Packing(0, 0)  # one passage a bullet, as before packing (an ablation variant)


def chunker_version(packing: Packing = PACKING) -> str:
    """The chunker's id in the manifest: a change of rules or sizes rebuilds the index."""
    return f"slide-passages-v14/{packing.id}"


CHUNKER_VERSION = chunker_version()


@dataclass(frozen=True)
class Passage:
    doc: str
    slide: int
    title: str
    text: str
    context: str = ""  # the heading / parent bullet the passage sits under
    kind: str = "paragraph"  # paragraph | bullet | row | section (packed) | note | card; "slide" rows: search-only

    def embedding_text(self) -> str:
        """What the models see: title and context make a short bullet findable."""
        return "\n".join(part for part in (self.title, self.context, self.text) if part)


def clean(text: str, markup: bool = True) -> str:
    """Display text: no bullet glyphs (list numbers stay), decorations or heading marks; with `markup`, no Markdown
    emphasis or link syntax either (a plain-text deck written in light Markdown). Other readers
    have rendered their markup already, so what looks like it there is the slide's own text:
    code such as `__init__.py` or `![bg](image.png)`."""
    if markup:
        text = text.replace("**", "").replace("__", "")
        text = _MD_LINK.sub(r"\1", text)
        text = re.sub(r"<(https?://[^>\s]+|[^<>\s]+@[^<>\s]+)>", r"\1", text)
    text = _MARK.sub("", text, count=1)  # an ordinal stays: "5." says which step it is
    text = _DECOR.sub("", text.strip())
    text = re.sub(r"^#{1,6}\s+", "", text)
    return text.strip()


def join_lines(lines: list[str]) -> str:
    """Join a block's lines: a line break was a wrap inside 「…」 or (…), between hiragana and
    hiragana (確認しま / しょう) or before a particle or verb ending (設計 / になっている: no
    item starts with one), and inside a URL; others a space (太郎 / ほげほげ研究室 stay two)."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        wrapped = _JA_EDGE.match(out[-1]) and _JA_EDGE.match(line[0]) and (
            _unclosed(out) or (_HIRAGANA.match(out[-1]) and _HIRAGANA.match(line[0])) or line[0] in _PARTICLES
        )
        in_url = _URL_TAIL.search(out) and _URL_PART.match(line)  # a URL cut in two
        out += line if wrapped or in_url else " " + line
    return out


def _unclosed(text: str) -> bool:
    return any(text.count(a) > text.count(b) for a, b in ("「」", "『』", "（）", "()"))


def _is_table(block: list[str]) -> bool:
    return all(line.lstrip().startswith("|") for line in block)


def _is_bullets(block: list[str]) -> bool:
    return bool(_BULLET.match(block[0]))


def _table_rows(block: list[str], tidy=clean) -> list[str]:
    rows = [[tidy(c) for c in line.strip().strip("|").split("|")] for line in block]
    header: list[str] = []
    if len(block) > 1 and _TABLE_RULE.match(block[1].strip()):
        header, rows = rows[0], rows[2:]
        if not rows:  # a table of one row (a box drawn as a table): its cells are the content, not headings
            header, rows = [], [header]
    out = []
    for cells in rows:
        if not any(cells):
            continue
        key, rest = cells[0], cells[1:]
        parts = []
        for i, cell in enumerate(rest, start=1):
            if cell:
                name = header[i] if i < len(header) else ""
                parts.append(f"{name}: {cell}" if name else cell)
        value = " / ".join(parts)
        out.append(f"{key}: {value}" if key and value else key or value)
    return out


def _split_long(text: str) -> list[str]:
    """Cut an over-long paragraph at sentence ends so each piece stays citable."""
    if len(text) <= MAX_PASSAGE_CHARS:
        return [text]
    sentences = re.split(r"(?<=[。．.!?！？])\s*", text)
    pieces, current = [], ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > MAX_PASSAGE_CHARS:
            pieces.append(current)
            current = ""
        current += sentence if not current or _JA_EDGE.match(current[-1]) else " " + sentence
    if current:
        pieces.append(current)
    return [p[i : i + MAX_PASSAGE_CHARS] for p in pieces for i in range(0, len(p), MAX_PASSAGE_CHARS)]


def _split_lead_line(block: list[str]) -> list[list[str]]:
    """A line directly over a list (no blank line between) is that list's heading: its own block."""
    if len(block) > 1 and not _BULLET.match(block[0]) and all(_BULLET.match(line) for line in block[1:]):
        return [block[:1], block[1:]]
    return [block]


def _joined(unit: list[Passage]) -> Passage:
    first = unit[0]
    if len(unit) == 1:
        return first
    kind = "note" if first.kind == "note" else "section"
    return Passage(first.doc, first.slide, first.title, MERGE_SEPARATOR.join(p.text for p in unit), first.context, kind)


def _branches(units: list[Passage], limit: int) -> list[list[Passage]]:
    """Each bullet with the bullets under it (their context starts with it) as one group, when short enough."""
    out, i = [], 0
    while i < len(units):
        first, j = units[i], i + 1
        prefix = " › ".join(part for part in (first.context, first.text) if part)
        while first.kind == "bullet" and j < len(units):
            context = units[j].context
            if context != prefix and not context.startswith(prefix + " › "):
                break
            j += 1
        group = units[i:j]
        fits = len(group) > 1 and len(MERGE_SEPARATOR.join(p.text for p in group)) <= limit
        out.extend([group] if fits else [[p] for p in group])
        i = j
    return out


def pack(units: list[Passage], packing: Packing = PACKING) -> list[Passage]:
    """A slide's fine units (in reading order) joined into passages as `packing` says."""
    groups = _branches(units, packing.branch_chars) if packing.branch_chars else [[p] for p in units]
    out: list[Passage] = []
    current: list[Passage] = []
    for group in groups:
        if current and (
            group[0].context != current[0].context
            or len(MERGE_SEPARATOR.join(p.text for p in current + group)) > packing.run_chars
        ):
            out.append(_joined(current))
            current = []
        current = current + group
    if current:
        out.append(_joined(current))
    return out


def chunk_slide(slide: Slide, packing: Packing = PACKING, markup: bool = True) -> list[Passage]:
    """The passages of one slide, in reading order: its body's, then its speaker notes'.
    `markup`: the body is light Markdown whose emphasis and links are removed (see clean)."""

    def tidy(text: str) -> str:
        return clean(text, markup)

    blocks = [part for block in paragraph_blocks(slide.body) for part in _split_lead_line(block)]
    passages: list[Passage] = []

    def add(text: str, kind: str, context: str = "") -> None:
        for piece in _split_long(text):
            if piece and re.search(r"\w", piece):
                passages.append(Passage(slide.doc, slide.number, slide.title, piece, context, kind))

    heading = ""  # a lone line directly above a list or table
    section = ""  # a lone short line directly above such a heading: the context of every heading under it
    run: list[str] = []  # consecutive short paragraphs waiting to be merged

    def flush() -> None:
        if run:
            add(MERGE_SEPARATOR.join(run), "paragraph")
            run.clear()

    def heads_list(j: int) -> bool:
        """Whether block j is a lone line directly above a list or table (a heading)."""
        if j + 1 >= len(blocks) or len(blocks[j]) != 1 or _is_bullets(blocks[j]):
            return False
        return _is_bullets(blocks[j + 1]) or _is_table(blocks[j + 1])

    for i, block in enumerate(blocks):
        if len(block) == 1 and _SECTION_LINE.fullmatch(block[0].strip()) and heads_list(i + 1):
            flush()
            section = tidy(block[0])
            continue
        if _is_table(block):
            flush()
            for row in _table_rows(block, tidy):
                add(row, "row", heading)
            continue
        if heads_list(i):
            # A heading is searched and shown as the context of what it heads, never alone:
            # alone it would outrank the bullet that holds the answer.
            flush()
            heading = " › ".join(part for part in (section, tidy(block[0])) if part)
            continue
        if _is_bullets(block):
            flush()
            parents: list[tuple[int, str]] = []  # (indent, text) of the open bullets
            for line in block:
                match = _BULLET.match(line)
                text = tidy(line)
                if match is None:  # a line under a bullet: a note on it
                    add(text, "paragraph", " › ".join(p for p in (heading, *[t for _, t in parents[-1:]]) if p))
                    continue
                indent = len(match.group(1).expandtabs(4))
                while parents and parents[-1][0] >= indent:
                    parents.pop()
                context = " › ".join(p for p in (heading, *[t for _, t in parents]) if p)
                add(text, "bullet", context)
                parents.append((indent, text))
            continue
        heading = section = ""
        text = tidy(join_lines(block))
        if not re.search(r"\w", text):
            continue
        if run and len(MERGE_SEPARATOR.join([*run, text])) > MERGE_CHARS:
            flush()
        run.append(text)
        # a long paragraph stands alone; a bare link or address closes the unit it belongs to
        if len(text) > MERGE_CHARS or _LINK_ONLY.fullmatch(text):
            flush()
    flush()
    if not passages and slide.title and slide.kind != "divider":
        # a slide that is only its title (a PDF page with one line): the title is what it says
        add(slide.title, "paragraph")  # (nothing when the title holds no word: `**`, a table rule)
    body = pack(passages, packing)
    passages.clear()  # the notes are packed apart from the body
    if slide.notes.strip():  # speaker notes: searchable, shown labelled as notes
        for block in paragraph_blocks(slide.notes):
            add(tidy(join_lines(block)), "note")
    return body + pack(passages, packing)


SLIDE_CHARS = 1500  # a whole-slide row holds at most this much (the encoder reads ~512 tokens)
SEARCH_ONLY = ("slide",)  # passage kinds that score slides but are never shown as hits


def slide_row(slide: Slide, passages: list[Passage]) -> Passage:
    """The whole slide as one search-only row (title + every passage), so a slide can match as a whole."""
    text = " ".join(p.text for p in passages)[:SLIDE_CHARS]
    return Passage(slide.doc, slide.number, slide.title, text, "", "slide")


def card_passage(document: Document, first: list[Passage], card_chars: int) -> Passage | None:
    """The deck's card (title, speaker, date, organisation) as a passage of its first slide, with
    that slide's own text (`first`, its passages) when it is at most `card_chars` long.

    What the slide says comes before the file's properties, and a property it already says is left
    out: properties are often set by a tool (a PDF's creation or export date, not the talk's)."""
    card = document.card
    own = MERGE_SEPARATOR.join(dict.fromkeys(p.text for p in first if p.kind != "note"))
    own = own if len(own) <= card_chars else ""
    properties = [field for field in (card.author, card.date, card.organisation) if field and field not in own]
    if not (properties or own):
        return None
    text = MERGE_SEPARATOR.join(dict.fromkeys(p for p in [document.title, own, *properties] if p))
    return Passage(document.doc_id, document.slides[0].number, document.slides[0].title, text, "", "card")


def chunk_document(document: Document, packing: Packing = PACKING) -> list[Passage]:
    """Every passage of a deck: its card, then slide by slide the passages and the whole-slide row."""
    per_slide = [chunk_slide(slide, packing, markup=document.format == "text") for slide in document.slides]
    out = [card] if (card := card_passage(document, per_slide[0], packing.card_chars)) else []
    for slide, passages in zip(document.slides, per_slide, strict=True):
        out.extend(passages)
        if passages:  # every passage holds a word, so the row is never empty
            out.append(slide_row(slide, passages))
    return out
