"""Answers and slides as HTML fragments; every string from a deck or a user passes through escape().

The fragments hold no blank lines or newlines: the chat renders Markdown, where a
blank line would end the HTML block and a newline would become <br>.
"""

from __future__ import annotations

from qa.highlight import escape, highlight_html, question_terms
from qa.lang import Tokenizer
from qa.render import slide_label
from qa.search import Answer, Searcher

from .labels import t


def terms_for(searcher: Searcher, question: str) -> set[str]:
    """The words to mark: the question's tokens, plus their Japanese translations for an English question."""
    tokenizer: Tokenizer = searcher.tokenizer
    terms = question_terms(question, tokenizer)
    translated, _ = searcher.index.keyword.translate(sorted(terms))
    return terms | set(translated)


def doc_title(searcher: Searcher, doc: str) -> str:
    for document in searcher.documents():
        if document["doc"] == doc:
            return document.get("title") or doc
    return doc


def answer_html(searcher: Searcher, answer: Answer, lang: str) -> str:
    """The answer's passages, ranked, each headed by its citation, with the question's words marked."""
    terms = terms_for(searcher, answer.question)
    parts = [f'<div class="qa-answer" lang="{lang}">']
    parts += [f'<p class="qa-notice">{escape(note)}</p>' for note in answer.notices]
    weak = answer.low_confidence
    if weak:
        parts.append(f'<p class="qa-nomatch"><strong>{escape(t("no_match", lang))}</strong></p>')
        if answer.hits:
            parts.append(f'<p class="qa-weak-note">{escape(t("weak", lang))}</p>')
    elif not answer.hits:
        parts.append(f"<p>{escape(t('no_hits', lang))}</p>")
    if answer.hits:
        parts.append(f'<ol class="qa-hits{" qa-weak" if weak else ""}">')
        for hit in answer.hits:
            headline = escape(slide_label(hit.slide, hit.title, lang))
            parts.append(
                f'<li class="qa-hit"><div class="qa-cite"><strong>{headline}</strong>'
                f' <span class="qa-doc">{escape(doc_title(searcher, hit.doc))}</span>'
                f' <small class="qa-score" title="{escape(t("score", lang))}">{hit.score:.2f}</small></div>'
            )
            if hit.context:
                parts.append(f'<div class="qa-context">{highlight_html(hit.context, terms, searcher.tokenizer)}</div>')
            parts.append(f'<div class="qa-text">{highlight_html(hit.text, terms, searcher.tokenizer)}</div></li>')
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


def slide_html(searcher: Searcher, doc: str, number: int, lang: str, cited: int | None, question: str = "") -> str:
    """A whole slide, passage by passage, the cited passage marked and the question's words highlighted."""
    slide = searcher.slide(doc, number)
    if slide is None:
        return ""
    terms = terms_for(searcher, question) if question else set()
    parts = [
        f'<div class="qa-slide" lang="ja"><div class="qa-slide-doc">{escape(doc_title(searcher, doc))}</div>',
        f'<h3 class="qa-slide-title">{escape(slide_label(number, slide.title, lang))}</h3>',
    ]
    passages = searcher.slide_passages(doc, number)
    # The heading above a list or table is usually a passage itself; show a context only when it is not.
    shown = {p.text for _, p in passages}
    context = ""
    for passage_id, passage in passages:
        if passage.context and passage.context != context and passage.context not in shown:
            parts.append(f'<div class="qa-context">{escape(passage.context)}</div>')
        context = passage.context
        body = highlight_html(passage.text, terms, searcher.tokenizer)
        if passage_id == cited:
            label = escape(t("cited_mark", lang))
            parts.append(
                f'<div class="qa-p qa-{passage.kind} qa-cited" id="qa-cited">'
                f'<span class="qa-cited-label">{label}</span>{body}</div>'
            )
        else:
            parts.append(f'<div class="qa-p qa-{passage.kind}">{body}</div>')
    parts.append("</div>")
    return "".join(parts)
