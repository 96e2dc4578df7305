"""What the page's events do: each handler takes component values and returns updates."""

from __future__ import annotations

import gradio as gr

from qa.errors import QAError
from qa.feedback import Feedback, FeedbackLog
from qa.formatting import citation, short_title, slide_label
from qa.highlight import escape
from qa.lang import clean_question
from qa.search import Searcher

from .labels import UI_LANGS, t
from .render import answer_html, cards_html
from .slide_view import slide_html


def _turn_of(index) -> int:
    """The question/answer pair a chat message belongs to (messages alternate user, assistant)."""
    if isinstance(index, list | tuple):
        index = index[0]
    return int(index) // 2


class ChatApp:
    """The handlers behind the page: each takes component values and returns updates."""

    def __init__(self, searcher: Searcher, feedback: FeedbackLog) -> None:
        self.searcher = searcher  # a Searcher, or a LiveSearcher whose build an upload swaps
        self.feedback = feedback
        self._indexed: tuple[list[dict], dict[str, int]] = ([], {})

    # ------------------------------------------------------------ the searcher's documents

    def _documents(self) -> tuple[list[dict], dict[str, int]]:
        """The current build's documents and each one's position, taken together (a swap may come between calls).

        The position map is rebuilt only when the searcher hands out another documents list.
        """
        documents = self.searcher.documents()
        indexed = self._indexed
        if indexed[0] is not documents:
            indexed = self._indexed = (documents, {d["doc"]: i for i, d in enumerate(documents)})
        return indexed

    @property
    def documents(self) -> list[dict]:
        return self._documents()[0]

    @property
    def doc_index(self) -> dict[str, int]:
        return self._documents()[1]

    # ------------------------------------------------------------ choices

    def outline_choices(self) -> list[tuple[str, str]]:
        several = len(self.documents) > 1
        choices = []
        for slide in self.searcher.outline():
            prefix = f"{slide.doc} · " if several else ""
            choices.append((f"{prefix}{slide.number}. {slide.title}", f"{self.doc_index[slide.doc]}:{slide.number}"))
        return choices

    def doc_choices(self, lang: str) -> list[tuple[str, str]]:
        return [(t("all_docs", lang), "")] + [(d.get("title") or d["doc"], d["doc"]) for d in self.documents]

    def deck_lists(self, lang: str, view: dict | None, doc_filter: str | None, feedback_doc: str | None) -> tuple:
        """Updates for what lists the decks (outline, document filter, feedback's deck, the Documents tab),
        made from the current build: after an upload swapped it, the page's own copies are out of date.
        A choice the page holds stays unless its deck is gone (the filter then searches every deck)."""
        documents, doc_index = self._documents()
        several = len(documents) > 1
        view = view or {}
        shown = f"{doc_index[view['doc']]}:{view['slide']}" if view.get("doc") in doc_index else None
        searched = doc_filter if doc_filter in doc_index else ""
        kept = feedback_doc if feedback_doc in doc_index else documents[0]["doc"]
        choices = self.doc_choices(lang)  # "all decks", then each deck (the feedback form's list)
        return (
            gr.update(choices=self.outline_choices(), value=shown),
            gr.update(choices=choices, value=searched, visible=several),
            gr.update(choices=choices[1:], value=kept, visible=several),
            gr.update(value=cards_html(self.searcher, lang)),
        )

    # ------------------------------------------------------------ the slide view

    def show(self, doc: str, number: int, *, cited: int | None, terms: list[str], lang: str, **where):
        """Updates for SLIDE_OUTPUTS: slide HTML, citation, view state, outline, cited list, ◀, ▶.

        `terms` are the words the answer marks (Answer.terms); `where` carries the answer the slide belongs
        to (turn, sources, weak, choices) so the cited list's selection follows the slide shown, whichever
        control opened it.
        """
        slide = self.searcher.slide(doc, number)
        if slide is None:
            return "", "", None, None, gr.update(), gr.update(), gr.update()
        documents, doc_index = self._documents()
        document = documents[doc_index[doc]]
        total = document["slides"]
        weak = bool(where.get("weak")) and cited is not None
        turn, slides = where.get("turn"), [tuple(s) for s in where.get("sources") or []]
        view = {"doc": doc, "slide": number, "cited": cited, "terms": list(terms), "lang": lang}
        view |= {"weak": bool(where.get("weak")), "turn": turn, "sources": slides}
        html = slide_html(self.searcher, doc, number, lang, cited, set(terms), weak=weak, total=total)
        # A weak match is never offered as a citation; a slide the reader opened is.
        cite = "" if weak else citation(document, number, lang)
        selected = f"{turn}:{slides.index((doc, number))}" if turn is not None and (doc, number) in slides else None
        cited_update = gr.update(value=selected)
        if "choices" in where:
            label = t("closest" if where.get("weak") else "cited", lang)
            cited_update = gr.update(value=selected, choices=where["choices"], label=label)
        outline = f"{doc_index[doc]}:{number}"
        return (
            html,
            cite,
            view,
            outline,
            cited_update,
            gr.update(interactive=number > 1),
            gr.update(interactive=number < total),
        )

    def _again(self, view: dict | None, doc: str, number: int, cited: int | None):
        """show() for a slide of the same answer as the current view."""
        view = view or {}
        return self.show(
            doc,
            number,
            cited=cited,
            terms=view.get("terms") or [],
            lang=view.get("lang") or "ja",
            weak=view.get("weak"),
            turn=view.get("turn"),
            sources=view.get("sources"),
        )

    def open_outline(self, value: str, view: dict | None, ui_lang: str):
        """A slide picked in the outline (value 'document-index:number')."""
        try:
            doc_i, number = (int(part) for part in str(value).split(":"))
            doc = self.documents[doc_i]["doc"]
        except (ValueError, IndexError):
            return (gr.update(),) * 2 + (view,) + (gr.update(),) * 4
        if view and view.get("doc") == doc and view.get("slide") == number:
            return (gr.update(),) * 2 + (view,) + (gr.update(),) * 4  # the slide shown: keep its marks
        view = dict(view or {"terms": []}, lang=(view or {}).get("lang") or UI_LANGS.get(ui_lang, "ja"))
        return self._again(view, doc, number, None)

    def step(self, view: dict | None, delta: int):
        """The previous or next slide of the same document (the buttons are disabled at either end)."""
        if not view:
            view = {"doc": self.documents[0]["doc"], "slide": 1 - delta, "terms": [], "lang": "ja"}
        documents, doc_index = self._documents()
        last = documents[doc_index[view["doc"]]]["slides"]
        number = min(max(view["slide"] + delta, 1), last)
        cited = view.get("cited") if number == view["slide"] else None
        return self._again(view, view["doc"], number, cited)

    def open_cited(self, value: str, turns: list):
        """A source picked among an answer's (value 'turn:source')."""
        try:
            turn, index = (int(part) for part in str(value).split(":"))
            turns[turn]["sources"][index]
        except (ValueError, IndexError, TypeError, KeyError):
            return (gr.update(),) * 7
        return self.show_cited(turns, turn, index)

    # ------------------------------------------------------------ asking

    def cited_choices(self, turns: list, turn: int) -> list[tuple[str, str]]:
        """One choice per source slide: [1] スライド5「title」."""
        record = turns[turn]
        return [
            (f"[{i + 1}] {slide_label(slide, short_title(title), record['lang'])}", f"{turn}:{i}")
            for i, (_doc, slide, _pid, title) in enumerate(record["sources"])
        ]

    def ask(self, text, k, mode, doc, answer_lang, ui_lang, history, turns):
        """Answer one question: the chat grows by two messages and the top source opens."""
        history, turns = list(history or []), list(turns or [])
        text = text if isinstance(text, str) else ""
        if not text.strip():
            return (gr.update(),) * 10
        ui = UI_LANGS.get(ui_lang, "ja")
        # The question is searched and shown up to MAX_QUESTION_CHARS (the answer says when it was cut)
        history.append({"role": "user", "content": escape(clean_question(text).shown)})
        nothing = (gr.update(),) * 4 + (gr.update(choices=[], value=None), gr.update(), gr.update())
        try:
            answer = self.searcher.search(text, k=int(k or 5), mode=mode or "hybrid", doc=doc or None)
        except QAError as exc:
            history.append({"role": "assistant", "content": f"<p>{escape(t('error', ui, message=str(exc)))}</p>"})
            turns.append({"question": clean_question(text).shown, "lang": ui, "terms": [], "sources": []})
            return "", history, turns, *nothing
        # The interface language frames the answer (unless the settings force one);
        # the question's own language only decides how it is searched.
        lang = answer_lang if answer_lang in ("ja", "en") else ui
        history.append({"role": "assistant", "content": answer_html(self.searcher, answer, lang)})
        turns.append(
            {
                "question": answer.question,
                "lang": lang,
                "question_lang": answer.lang,
                "terms": sorted(answer.terms),  # the words to mark on any slide opened from it
                "doc": doc or "",
                "weak": answer.low_confidence,
                # one [doc, slide, passage_id, title] per cited slide (Searcher gives one Hit per slide)
                "sources": [[h.doc, h.slide, h.passage_id, h.title] for h in answer.hits],
            }
        )
        if not answer.hits:
            return "", history, turns, *nothing
        return "", history, turns, *self.show_cited(turns, len(turns) - 1, 0, choices=True)

    def select_message(self, turns: list, data: gr.SelectData):
        """Clicking an answer in the chat lists its sources and opens the first."""
        turn = _turn_of(data.index)
        if not turns or turn >= len(turns) or not turns[turn]["sources"]:
            return (gr.update(),) * 7
        return self.show_cited(turns, turn, 0, choices=True)

    def show_cited(self, turns: list, turn: int, index: int, choices: bool = False):
        record = turns[turn]
        doc, number, passage_id, _ = record["sources"][index]
        where = {"turn": turn, "weak": record.get("weak", False), "sources": [s[:2] for s in record["sources"]]}
        if choices:
            where["choices"] = self.cited_choices(turns, turn)
        return self.show(doc, number, cited=passage_id, terms=record.get("terms") or [], lang=record["lang"], **where)

    # ------------------------------------------------------------ feedback

    def record(self, turns: list, turn: int, rating: str, slide: int | None = None, doc: str | None = None) -> str:
        """Store a rating of one answer; returns the thank-you line (raises QAError with the reason)."""
        if not turns or not 0 <= turn < len(turns):
            raise QAError("no such answer to rate")
        entry = turns[turn]
        cited = entry["sources"]
        if rating == "up":
            slides, doc = ([cited[0][1]], cited[0][0]) if cited else ([], entry.get("doc") or self.documents[0]["doc"])
        else:
            doc = doc or (cited[0][0] if cited else entry.get("doc") or self.documents[0]["doc"])
            documents, doc_index = self._documents()
            if doc not in doc_index:
                raise QAError(f"no document named {doc}")
            last = documents[doc_index[doc]]["slides"]
            if slide is None or int(slide) != slide or not 1 <= int(slide) <= last:
                lang = entry["lang"]
                shown = "?" if slide is None else slide
                raise QAError(t("bad_slide", lang, doc=doc, n=shown, last=last))
            slides = [int(slide)]
        self.feedback.append(
            Feedback(
                question=entry["question"],
                lang=entry.get("question_lang", entry["lang"]),
                slides=slides,
                doc=doc,
                rating=rating,
                answered_slides=[h[1] for h in cited],
            )
        )
        return t("thanks_up", entry["lang"]) if rating == "up" else t("thanks_down", entry["lang"], n=slides[0])

    def like(self, turns: list, ui_lang: str, data: gr.LikeData):
        """Thumbs up is stored at once; thumbs down opens the 'right slide was N' box."""
        ui = UI_LANGS.get(ui_lang, "ja")
        turn = _turn_of(data.index)
        hidden = gr.update(visible=False)
        if data.liked is True:
            try:
                return hidden, gr.update(), gr.update(), gr.update(value=escape(self.record(turns, turn, "up")))
            except QAError as exc:
                return hidden, gr.update(), gr.update(), gr.update(value=escape(t("error", ui, message=str(exc))))
        if data.liked is False and turns and turn < len(turns):
            cited = turns[turn]["sources"]
            doc = cited[0][0] if cited else (turns[turn].get("doc") or self.documents[0]["doc"])
            return gr.update(visible=True), turn, gr.update(value=doc), gr.update(value=escape(t("ask_slide", ui)))
        return hidden, gr.update(), gr.update(), gr.update(value="")

    def send_feedback(self, turn, slide, doc, turns: list, ui_lang: str):
        """The thumbs-down box's Send: (status line, box visibility)."""
        ui = UI_LANGS.get(ui_lang, "ja")
        if turn is None or not turns:
            return escape(t("no_answer_yet", ui)), gr.update(visible=True)
        try:
            message = self.record(turns, int(turn), "down", slide=slide, doc=doc or None)
        except QAError as exc:
            return escape(t("error", ui, message=str(exc))), gr.update(visible=True)
        return escape(message), gr.update(visible=False)

    def feedback_warning(self) -> str:
        """A problem with the feedback file, shown on the page from the start ('' when fine)."""
        try:
            self.feedback.check()
        except QAError as exc:
            return escape(str(exc))
        return ""
