"""The slide view as HTML: position, title, the picture with the cited region, the text passage by passage."""

from __future__ import annotations

from urllib.parse import quote

from qa.formatting import slide_label
from qa.highlight import escape, passage_box, passage_html
from qa.messages import say
from qa.search import Searcher

from .labels import t
from .render import doc_title


def picture_url(doc: str, number: int, build: str) -> str:
    """The JSON API's route for a slide's picture, relative to the page: it checks the file against the
    index's manifest and reveals no server path. `build` makes a new build's picture a new URL."""
    return f"api/slides/{quote(doc)}/{number}/picture?build={quote(build)}"


def picture_html(src: str, box: tuple[float, float, float, float] | None, number: int, lang: str) -> str:
    """The slide's picture, with the cited passage's region as a translucent rectangle over it."""
    alt = escape(t("picture_alt", lang, n=number))
    region = ""
    if box:
        x0, y0, x1, y1 = (min(max(v, 0.0), 1.0) for v in box)
        region = (
            f'<div class="qa-region" aria-hidden="true" style="left:{x0 * 100:.2f}%;top:{y0 * 100:.2f}%;'
            f'width:{(x1 - x0) * 100:.2f}%;height:{(y1 - y0) * 100:.2f}%"></div>'
        )
    return f'<figure class="qa-picture"><img src="{escape(src)}" alt="{alt}" loading="lazy">{region}</figure>'


def _passage_label(kind: str, is_cited: bool, weak: bool, lang: str) -> str:
    labels = []
    if is_cited:
        labels.append(f'<span class="qa-label">{escape(t("weak_mark" if weak else "cited_mark", lang))}</span>')
    if kind == "note":
        labels.append(f'<span class="qa-note-label">{escape(say("notes_label", lang))}</span> ')
    return "".join(labels)


def slide_html(
    searcher: Searcher,
    doc: str,
    number: int,
    lang: str,
    cited: int | None,
    terms: set[str] = frozenset(),
    *,
    weak: bool = False,
    total: int | None = None,
) -> str:
    """A whole slide, passage by passage; the cited passage marked cited, or closest when the match is weak."""
    slide = searcher.slide(doc, number)
    if slide is None:
        return ""
    position = ""
    if total:
        aria = escape(t("position_aria", lang, n=number, total=total))
        where = escape(t("position", lang, n=number, total=total))
        position = f'<span class="qa-pos" aria-label="{aria}">{where}</span>'
    deck = escape(doc_title(searcher, doc))
    head = (
        f'<div class="qa-slide-head"><span class="qa-slide-doc">{deck}</span>{position}</div>'
        f'<h3 class="qa-slide-title">{escape(slide_label(number, slide.title, lang))}</h3>'
    )
    if slide.ocr:  # the text below is Tesseract's reading of the picture: quote from the picture
        head += f'<p><span class="qa-ocr">{escape(say("ocr_mark", lang))}</span></p>'
    passages = searcher.slide_passages(doc, number)
    # The heading above a list or table is usually a passage itself; show a context only when it is not.
    shown = {p.text for _, p in passages}
    text, context, cited_text = [], "", ""
    for passage_id, passage in passages:
        if passage.context and passage.context != context and passage.context not in shown:
            text.append(f'<div class="qa-context">{escape(passage.context)}</div>')
        context = passage.context
        body = passage_html(passage.text, terms, searcher.tokenizer)
        is_cited = passage_id == cited
        label = _passage_label(passage.kind, is_cited, weak, lang)
        if is_cited:
            cited_text = passage.text
            mark = "qa-closest" if weak else "qa-cited"
            text.append(f'<div class="qa-p qa-{passage.kind} {mark}" id="{mark}">{label}{body}</div>')
        else:
            text.append(f'<div class="qa-p qa-{passage.kind}">{label}{body}</div>')
    if searcher.picture(doc, number) is None:
        return f'<div class="qa-slide" lang="ja">{head}{"".join(text)}</div>'
    box = passage_box(slide.regions, cited_text) if cited_text else None
    src = picture_url(doc, number, searcher.index.folder.name)
    return (
        f'<div class="qa-slide qa-with-picture" lang="ja">{head}<div class="qa-slide-body">'
        f'{picture_html(src, box, number, lang)}<div class="qa-slide-text">{"".join(text)}</div></div></div>'
    )
