"""How slides, citations and confidence are named for people, in Japanese or English."""

from __future__ import annotations

from .chunking import MERGE_SEPARATOR
from .messages import pick, say

# Hit.relevance (a calibrated 0-1 probability that the hit answers) in words: the one
# place these thresholds live. At or above the first bound "high", above the second
# "medium", else "low". Round numbers on purpose: the calibration, not these bounds,
# is what makes the words honest.
CONFIDENCE_BOUNDS = (("high", 0.7), ("medium", 0.4))
CONFIDENCE_WORDS = {
    "high": ("高", "High"),
    "medium": ("中", "Medium"),
    "low": ("低", "Low"),
}
MAX_TITLE = 48  # characters of a slide title shown in a citation; the slide view shows it whole


def confidence(relevance: float) -> str:
    """high | medium | low, from a calibrated relevance."""
    for level, bound in CONFIDENCE_BOUNDS:
        if relevance >= bound:
            return level
    return "low"


def confidence_word(level: str, lang: str = "ja") -> str:
    return pick(CONFIDENCE_WORDS[level], lang)


def short_title(title: str, limit: int = MAX_TITLE) -> str:
    """A slide title on one line, cut at `limit` characters with an ellipsis."""
    line = " ".join(title.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def slide_name(number: int, lang: str = "ja") -> str:
    """スライド5 or Slide 5: the one spelling used everywhere."""
    return f"スライド{number}" if lang == "ja" else f"Slide {number}"


def slide_label(number: int, title: str, lang: str = "ja") -> str:
    """スライド5「title」 or Slide 5 “title”; a slide without a title by its number alone."""
    if not title.strip():
        return slide_name(number, lang)
    if lang == "ja":
        return f"{slide_name(number, lang)}「{title}」"
    return f"{slide_name(number, lang)} “{title}”"


def citation(document: dict, number: int, lang: str = "ja") -> str:
    """A reference to paste into a memo, e.g. JST CRDS「…」(2023-08-25) スライド5."""
    return f"{document.get('citation') or document.get('title') or document.get('doc')} {slide_name(number, lang)}"


def repeated(hits) -> dict[int, int]:
    """{rank: earlier rank} for each hit that shows exactly what an earlier hit of the same deck
    shows (title, passages, context lines): a quiz slide and its answer reveal, a slide copied
    forward. The renderers cite such a hit by its slide and point at the earlier one instead of
    printing the text twice; the hits themselves (and so every measure) are unchanged."""
    first: dict[tuple, int] = {}
    out = {}
    for hit in hits:
        shown = (hit.doc, hit.title, tuple((p.context, p.kind, p.text) for p in (hit, *hit.more)))
        if shown in first:
            out[hit.rank] = first[shown]
        else:
            first[shown] = hit.rank
    return out


def answer_line_text(answer) -> str:
    """答え: 955億ユーロ（[1] スライド5） / Answer: … ([1] Slide 5), or "" when the answer has no line."""
    line = answer.line
    if line is None:
        return ""
    hit = next(h for h in answer.hits if h.rank == line.hit)
    where = f"[{line.hit}] {slide_name(hit.slide, answer.lang)}"
    if answer.lang == "ja":
        return f"{say('answer_label', answer.lang)}: {line.text}（{where}）"
    return f"{say('answer_label', answer.lang)}: {line.text} ({where})"


def _opening(answer) -> list[str]:
    """What comes before the sources: notices, no good match, or the answer line."""
    lines = [f"note: {note}" for note in answer.notices]
    if answer.hits and answer.low_confidence:
        lines.append(say("no_good_match", answer.lang))
    elif answer.line is not None:
        lines.append(answer_line_text(answer))
    return lines


BRIEF_CHARS = 120  # of the matched line `qa ask` prints under each source


def format_brief(answer) -> str:
    """An answer in a few lines (`qa ask`): notices, then per cited slide its deck, number and title,
    and under it the line of the slide's passages that holds most of the question's words."""
    from .highlight import marked_spans

    lines = _opening(answer)
    repeats = repeated(answer.hits)
    for hit in answer.hits:
        ocr = f"  [{say('ocr_mark', answer.lang)}]" if hit.ocr else ""
        lines.append(f"[{hit.rank}] {hit.doc} · {slide_label(hit.slide, short_title(hit.title), answer.lang)}{ocr}")
        if hit.rank in repeats:
            lines.append(f"    ({say('repeats', answer.lang, rank=repeats[hit.rank])})")
            continue
        units = [u.strip() for p in (hit, *hit.more) for u in p.text.split(MERGE_SEPARATOR) if u.strip()]
        marked = [sum(end - start for start, end in marked_spans(u, set(answer.terms))) for u in units]
        best = units[marked.index(max(marked))] if units else ""
        lines.append(f"    {short_title(best, BRIEF_CHARS)}")
    return "\n".join(lines)


def format_answer(answer, show_context: bool = True, scores: bool = True) -> str:
    """An answer as plain text (`qa ask --full`, the MCP tool): notices or the answer line, then one block per
    cited slide.

    Each block: [rank] relevance  document · slide and title, then the slide's passages
    (its context line once for the passages it heads; further passages marked "· ", and
    the units of a packed passage each on a line). `scores=False` leaves the
    relevance out. An answer without hits gives its notices alone ("" when none).
    """
    lines = _opening(answer)
    repeats = repeated(answer.hits)
    for hit in answer.hits:
        # relevance is the calibrated 0-1 score: comparable across questions, unlike the fused score
        score = f"{say('relevance_label', answer.lang)} {hit.relevance:4.2f}  " if scores else ""
        ocr = f"  [{say('ocr_mark', answer.lang)}]" if hit.ocr else ""
        lines.append(f"[{hit.rank}] {score}{hit.doc} · {slide_label(hit.slide, hit.title, answer.lang)}{ocr}")
        if hit.rank in repeats:
            lines.append(f"      ({say('repeats', answer.lang, rank=repeats[hit.rank])})")
            continue
        shown = ""
        for passage in (hit, *hit.more):
            if show_context and passage.context and passage.context != shown:  # once for the bullets it heads
                lines.append(f"      ({passage.context})")
            shown = passage.context
            label = f"{say('notes_label', answer.lang)}: " if passage.kind == "note" else ""
            # A packed passage's units (bullets, rows) on lines of their own, under its first.
            first, *rest = passage.text.split(MERGE_SEPARATOR)
            lead = "" if passage is hit else "· "
            lines.append(f"      {lead}{label}{first}")
            lines += [f"      {' ' * len(lead)}{unit}" for unit in rest]
    return "\n".join(lines)
