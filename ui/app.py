"""The chat UI: Gradio Blocks around a Searcher, no retrieval logic here."""

from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from qa.render import slide_label
from qa.search import Searcher

EXAMPLES = [
    "EUのホライゾン・ヨーロッパの投資総額は？",
    "What is the total budget of Horizon Europe?",
    "英国のグローバル・タレント・ビザはいつ導入された？",
    "What did the G7 agree on research security?",
]


def render_answer(searcher: Searcher, question: str, k: int) -> str:
    """One answer as HTML; every piece of document or question text is escaped."""
    answer = searcher.search(question, k=int(k))
    parts = [f"<p>{html.escape(n)}</p>" for n in answer.notices]
    if answer.low_confidence and answer.hits:
        parts.append("<p><b>No good match.</b></p>")
    for hit in answer.hits:
        label = html.escape(f"{hit.doc} · {slide_label(hit.slide, hit.title, answer.lang)}")
        parts.append(f"<p><b>{hit.rank}. {label}</b> <small>{hit.score:.3f}</small><br>{html.escape(hit.text)}</p>")
    return "\n".join(parts)


def build_app(searcher: Searcher, feedback_path: Path | None = None) -> gr.Blocks:
    with gr.Blocks(title="QA") as app:
        chat = gr.Chatbot(label="Answers", sanitize_html=True)
        question = gr.Textbox(label="Question", placeholder="質問 / question")
        k = gr.Slider(1, 20, value=5, step=1, label="k")

        def respond(text, k_value, history):
            history = list(history or [])
            history.append({"role": "user", "content": html.escape(text)})
            history.append({"role": "assistant", "content": render_answer(searcher, text, k_value)})
            return "", history

        question.submit(respond, [question, k, chat], [question, chat], api_name="ask")
        gr.Examples(EXAMPLES, inputs=question)
    return app


def launch(searcher: Searcher, *, host: str, port: int, auth=None, feedback_path: Path | None = None) -> None:
    app = build_app(searcher, feedback_path)
    app.queue(default_concurrency_limit=4).launch(server_name=host, server_port=port, auth=auth, share=False)
