"""Answers and document cards as HTML fragments; every string from a deck or a user passes through escape().

The fragments hold no blank lines or newlines: the chat renders Markdown, where a
blank line would end the HTML block and a newline would become <br>.
"""

from __future__ import annotations

from qa.answer_line import AnswerLine
from qa.formatting import (
    CONFIDENCE_BOUNDS,
    confidence,
    confidence_word,
    repeated,
    short_title,
    slide_label,
    slide_name,
)
from qa.highlight import escape, highlight_html, passage_html
from qa.messages import say
from qa.search import Answer, Hit, More, Searcher

from .labels import t


def doc_title(searcher: Searcher, doc: str) -> str:
    for document in searcher.documents():
        if document["doc"] == doc:
            return document.get("title") or doc
    return doc


def confidence_html(relevance: float, lang: str, weak: bool = False) -> str:
    """確度 高 / Confidence High, with a small bar in tenths (the word carries the meaning; the bar is decoration).

    In a no-good-match answer every source is low, whatever its own relevance: the page
    never calls a passage confident in an answer that says nothing matched.
    """
    if weak:
        relevance = min(relevance, CONFIDENCE_BOUNDS[-1][1] - 0.01)
    level = confidence(relevance)
    tenths = max(1, min(10, round(relevance * 10)))
    return (
        f'<span class="qa-conf qa-conf-{level}">{escape(t("confidence", lang))} {escape(confidence_word(level, lang))}'
        f' <span class="qa-bar" aria-hidden="true"><span class="qa-fill qa-w{tenths}"></span></span></span>'
    )


def _passage_html(
    passage: Hit | More, terms: set[str], tokenizer, lang: str, line: AnswerLine | None, context: bool = True
) -> str:
    note = f'<span class="qa-note-label">{escape(say("notes_label", lang))}</span> ' if passage.kind == "note" else ""
    context = f'<div class="qa-context">{highlight_html(passage.context, terms, tokenizer)}</div>' if context else ""
    answer = (line.start, line.end) if line else None
    body = passage_html(passage.text, terms, tokenizer, answer)
    return f'<div class="qa-hit qa-kind-{passage.kind}">{context}<div class="qa-text">{note}{body}</div></div>'


def _source_html(
    searcher: Searcher,
    hit: Hit,
    terms,
    lang: str,
    several: bool,
    line: AnswerLine | None,
    weak: bool,
    repeats: int | None = None,
) -> str:
    """One cited slide: its hit (numbered by rank), then the slide's further passages (Hit.more); a
    slide that shows what the hit ranked `repeats` shows is cited with a pointer to it instead."""
    headline = escape(slide_label(hit.slide, short_title(hit.title), lang))
    deck = f' <span class="qa-doc">{escape(short_title(doc_title(searcher, hit.doc)))}</span>' if several else ""
    ocr = f' <span class="qa-ocr">{escape(say("ocr_mark", lang))}</span>' if hit.ocr else ""
    parts = [
        f'<li class="qa-source"><div class="qa-cite">'
        f'<span class="qa-num">[{hit.rank}]</span> <strong>{headline}</strong>{deck} '
        f"{confidence_html(hit.relevance, lang, weak)}{ocr}</div>"
    ]
    if repeats is not None:
        parts.append(f'<p class="qa-repeat">{escape(say("repeats", lang, rank=repeats))}</p></li>')
        return "".join(parts)
    previous = ""
    for passage in (hit, *hit.more):
        # the answer line's value is marked where it is: in its hit's passage or one under it
        holds = line is not None and hit.rank == line.hit and passage.passage_id == line.passage_id
        # A context line is shown once for the passages of one slide that share it.
        fresh = bool(passage.context) and passage.context != previous
        parts.append(_passage_html(passage, terms, searcher.tokenizer, lang, line if holds else None, fresh))
        previous = passage.context
    parts.append("</li>")
    return "".join(parts)


def answer_html(searcher: Searcher, answer: Answer, lang: str) -> str:
    """The answer: a lead line when the top passage holds the asked-for value, then numbered sources."""
    terms = set(answer.terms)
    weak = answer.low_confidence
    parts = [f'<div class="qa-answer{" qa-weak" if weak else ""}" lang="{lang}">']
    parts += [f'<p class="qa-notice">{escape(note)}</p>' for note in answer.notices]
    if weak:
        parts.append(f'<p class="qa-nomatch"><strong>{escape(t("no_match", lang))}</strong></p>')
        if answer.hits:
            parts.append(f'<p class="qa-weak-note">{escape(t("weak", lang))}</p>')
    elif not answer.hits:
        parts.append(f"<p>{escape(t('no_hits', lang))}</p>")
    line = answer.line
    if line:
        slide = next(h.slide for h in answer.hits if h.rank == line.hit)
        where = escape(f"[{line.hit}] {slide_name(slide, lang)}")
        parts.append(
            f'<p class="qa-lead"><span class="qa-lead-label">{escape(t("lead", lang))}</span> '
            f'<mark class="qa-span">{escape(line.text)}</mark> <span class="qa-lead-src">{where}</span></p>'
        )
    if answer.hits:
        several = len(searcher.documents()) > 1  # every hit's deck is one of them
        parts.append('<ol class="qa-sources">')
        repeats = repeated(answer.hits)
        parts += [
            _source_html(searcher, hit, terms, lang, several, line, weak, repeats.get(hit.rank)) for hit in answer.hits
        ]
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


def cards_html(searcher: Searcher, lang: str) -> str:
    """One card per deck: title, author, date, organisation, source file, slide count, reader warnings."""
    parts = ['<div class="qa-cards">']
    for document in searcher.documents():
        card = document.get("card") or {}
        rows = [
            ("card_author", card.get("author")),
            ("card_date", card.get("date")),
            ("card_org", card.get("organisation")),
            ("card_source", document.get("path") or document["doc"]),
            ("card_slides", str(document.get("slides", ""))),
        ]
        fields = "".join(
            f"<dt>{escape(t(key, lang))}</dt><dd>{escape(str(value))}</dd>" for key, value in rows if value
        )
        warnings = document.get("warnings") or []
        notes = "".join(f"<li>{escape(str(w))}</li>" for w in warnings)
        title = card.get("title") or document.get("title") or document["doc"]
        parts.append(
            f'<section class="qa-card" lang="ja"><h3>{escape(title)}</h3><dl>{fields}</dl>'
            + (f"<p>{escape(t('card_warnings', lang))}</p><ul>{notes}</ul>" if notes else "")
            + "</section>"
        )
    parts.append("</div>")
    return "".join(parts)
