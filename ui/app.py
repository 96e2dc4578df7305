"""The chat UI: Gradio Blocks around a Searcher; retrieval, highlighting and feedback live in qa/."""

from __future__ import annotations

import os
import warnings

# Before gradio is imported: it reads the variable at import time.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402

from qa.feedback import FeedbackLog, default_path  # noqa: E402
from qa.search import Searcher  # noqa: E402

from .eval_tab import MAX_UPLOAD_BYTES as EVAL_UPLOAD_BYTES  # noqa: E402
from .eval_tab import build_eval_tab  # noqa: E402
from .handlers import ChatApp  # noqa: E402
from .labels import UI_LANGS, mode_choices, t  # noqa: E402
from .received import ReceivedFiles  # noqa: E402
from .render import cards_html  # noqa: E402
from .style import CSS, HEAD, SCROLL_TO_NEWEST, THEME  # noqa: E402

EXAMPLES = [
    "EUのホライゾン・ヨーロッパの投資総額は？",
    "What is the total budget of Horizon Europe?",
    "英国のグローバル・タレント・ビザはいつ導入された？",
    "What did the G7 agree on research security?",
]


def feedback_log(searcher: Searcher, feedback_path: Path | None = None) -> FeedbackLog:
    """The given feedback file, else feedback.jsonl in the index folder (beside CURRENT and build-*/)."""
    return FeedbackLog(feedback_path or default_path(searcher.index.folder.parent))


def build_app(searcher: Searcher, feedback_path: Path | None = None, *, uploads=None) -> gr.Blocks:
    """The page: the chat on the left, the slide view on the right; documents and batch evaluation in tabs.

    `uploads` (ui.uploads.DeckUploads) adds the tab that adds and removes decks.
    """
    chat_app = ChatApp(searcher, feedback_log(searcher, feedback_path))
    several = len(chat_app.documents) > 1
    warning = chat_app.feedback_warning()
    ja = "ja"

    with gr.Blocks(title="スライド資料 Q&A / Slide deck Q&A", analytics_enabled=False) as app:
        turns = gr.State([])
        view = gr.State(None)
        with gr.Row(equal_height=False):
            heading = gr.Markdown(f"## {t('title', ja)}\n{t('intro', ja)}", elem_id="qa-heading")
            ui_lang = gr.Radio(list(UI_LANGS), value="日本語", label=t("ui_lang", ja), elem_id="qa-ui-lang", scale=0)
        gr.Markdown(f"**{warning}**", visible=bool(warning), elem_id="qa-feedback-warning")
        with gr.Tabs():
            with gr.Tab(f"{t('chat_tab', ja)} / Ask", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=300):
                        chat = gr.Chatbot(
                            label=t("chat", ja),
                            show_label=False,
                            elem_id="qa-chat",
                            height=560,
                            autoscroll=False,
                            sanitize_html=True,
                            latex_delimiters=[],
                            buttons=["copy"],
                        )
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                label=t("question", ja),
                                placeholder=t("placeholder", ja),
                                elem_id="qa-question",
                                max_length=2000,
                                scale=4,
                                min_width=180,
                                autofocus=True,
                            )
                            ask_btn = gr.Button(
                                t("ask", ja), variant="primary", elem_id="qa-ask", scale=1, min_width=96
                            )
                        with gr.Group(visible=False, elem_id="qa-feedback-box") as fb_box:
                            fb_note = gr.Markdown(f"**{t('feedback_title', ja)}**")
                            with gr.Row():
                                fb_slide = gr.Number(
                                    label=t("feedback_slide", ja), precision=0, minimum=1, elem_id="qa-fb-slide"
                                )
                                fb_doc = gr.Dropdown(
                                    chat_app.doc_choices(ja)[1:],
                                    value=chat_app.documents[0]["doc"],
                                    label=t("feedback_doc", ja),
                                    visible=several,
                                )
                            fb_send = gr.Button(t("feedback_send", ja), elem_id="qa-fb-send", size="sm")
                        fb_turn = gr.Number(visible=False, precision=0)
                        fb_status = gr.Markdown("", elem_id="qa-fb-status")
                    with gr.Column(scale=2, min_width=300):
                        cited = gr.Radio([], label=t("cited", ja), elem_id="qa-cited-list")
                        slide_view = gr.HTML("", elem_id="qa-slide-view")
                        with gr.Row():
                            prev_btn = gr.Button(t("prev", ja), elem_id="qa-prev", size="sm", min_width=100)
                            next_btn = gr.Button(t("next", ja), elem_id="qa-next", size="sm", min_width=100)
                        outline = gr.Dropdown(
                            chat_app.outline_choices(), value=None, label=t("outline", ja), elem_id="qa-outline"
                        )
                        cite_box = gr.Textbox(
                            label=t("copy", ja), interactive=False, buttons=["copy"], elem_id="qa-citation"
                        )
                # Below the answer and the slide view, so a phone reaches both first.
                gr.Examples(EXAMPLES, inputs=question, label="質問の例 / Example questions")
                with gr.Accordion(t("settings", ja), open=False, elem_id="qa-settings") as settings:
                    k = gr.Slider(1, 20, value=5, step=1, label=t("k", ja), elem_id="qa-k")
                    mode = gr.Radio(mode_choices(ja), value="hybrid", label=t("mode", ja), elem_id="qa-mode")
                    doc = gr.Dropdown(
                        chat_app.doc_choices(ja), value="", label=t("doc", ja), visible=several, elem_id="qa-doc"
                    )
                    answer_lang = gr.Radio(
                        [(t("auto", ja), "auto"), ("日本語", "ja"), ("English", "en")],
                        value="auto",
                        label=t("answer_lang", ja),
                        elem_id="qa-answer-lang",
                    )
            with gr.Tab(f"{t('docs_tab', ja)} / Documents", id="docs"):
                cards = gr.HTML(cards_html(searcher, ja), elem_id="qa-cards")
            received = ReceivedFiles(app)
            with gr.Tab(f"{t('eval_tab', ja)} / Batch evaluation", id="eval"):
                build_eval_tab(searcher, received)
            _uploads_tab(uploads, received)
        _search_tool(searcher)

        slide_outputs = [slide_view, cite_box, view, outline, cited, prev_btn, next_btn]
        ask_inputs = [question, k, mode, doc, answer_lang, ui_lang, chat, turns]
        ask_outputs = [question, chat, turns, *slide_outputs]
        question.submit(chat_app.ask, ask_inputs, ask_outputs, api_name="ask").then(None, js=SCROLL_TO_NEWEST)
        ask_btn.click(chat_app.ask, ask_inputs, ask_outputs, api_name="ask_button", api_visibility="private").then(
            None, js=SCROLL_TO_NEWEST
        )
        chat.select(chat_app.select_message, [turns], slide_outputs, api_visibility="private")
        cited.input(chat_app.open_cited, [cited, turns], slide_outputs, api_name="cited")
        outline.input(chat_app.open_outline, [outline, view, ui_lang], slide_outputs, api_name="slide")
        prev_btn.click(lambda v: chat_app.step(v, -1), [view], slide_outputs, api_name="previous")
        next_btn.click(lambda v: chat_app.step(v, 1), [view], slide_outputs, api_name="next")
        chat.like(chat_app.like, [turns, ui_lang], [fb_box, fb_turn, fb_doc, fb_status], api_visibility="private")
        fb_inputs = [fb_turn, fb_slide, fb_doc, turns, ui_lang]
        fb_send.click(chat_app.send_feedback, fb_inputs, [fb_status, fb_box], api_name="feedback")
        fb_slide.submit(chat_app.send_feedback, fb_inputs, [fb_status, fb_box], api_visibility="private")

        def relabel(choice: str):
            lang = UI_LANGS.get(choice, "ja")
            return [
                gr.update(value=f"## {t('title', lang)}\n{t('intro', lang)}"),
                gr.update(label=t("chat", lang)),
                gr.update(label=t("question", lang), placeholder=t("placeholder", lang)),
                gr.update(value=t("ask", lang)),
                gr.update(value=f"**{t('feedback_title', lang)}**"),
                gr.update(label=t("feedback_slide", lang)),
                gr.update(label=t("feedback_doc", lang)),
                gr.update(value=t("feedback_send", lang)),
                gr.update(label=t("settings", lang)),
                gr.update(label=t("k", lang)),
                gr.update(label=t("mode", lang), choices=mode_choices(lang)),
                gr.update(label=t("doc", lang), choices=chat_app.doc_choices(lang)),
                gr.update(
                    label=t("answer_lang", lang),
                    choices=[(t("auto", lang), "auto"), ("日本語", "ja"), ("English", "en")],
                ),
                gr.update(label=t("cited", lang)),
                gr.update(label=t("outline", lang)),
                gr.update(value=t("prev", lang)),
                gr.update(value=t("next", lang)),
                gr.update(label=t("copy", lang)),
                gr.update(value=cards_html(searcher, lang)),
            ]

        relabelled = [
            heading,
            chat,
            question,
            ask_btn,
            fb_note,
            fb_slide,
            fb_doc,
            fb_send,
            settings,
            k,
            mode,
            doc,
            answer_lang,
            cited,
            outline,
            prev_btn,
            next_btn,
            cite_box,
            cards,
        ]
        ui_lang.change(relabel, [ui_lang], relabelled, api_visibility="private")
        if uploads is not None:
            _follow_swaps(app, chat_app, uploads.live, [ui_lang, view, doc, fb_doc], [outline, doc, fb_doc, cards])
    return app


# What the page is made of, the same whichever way it is served (theme, local fonts, its own scripts).
PAGE = {"theme": THEME, "css": CSS, "head": HEAD}


def serve(
    app: gr.Blocks,
    *,
    host: str,
    port: int,
    auth=None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
):
    """Start the Blocks alone (no JSON API: slide pictures are not served): local fonts only, never a share link,
    nothing of the disk. `qa serve` runs build_server instead."""
    app.queue(default_concurrency_limit=4)
    return app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        **PAGE,
        allowed_paths=[],
        footer_links=[],
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
    )


# ---------------------------------------------------------------- serving a team (issue 13)

QUEUE_CONCURRENCY = 16  # UI events run together so their questions share encoder calls (qa/batching.py)
# Gradio's copies of uploads and reports: every 10 minutes, those older than an hour are deleted.
CACHE_CLEANUP = (600, 3600)


def _search_tool(searcher) -> None:
    """The MCP `search` tool (also /gradio_api/call/search)."""
    from .mcp import add_search_tool

    add_search_tool(lambda: getattr(searcher, "current", searcher))


def _follow_swaps(app: gr.Blocks, chat_app: ChatApp, live, inputs: list, lists: list) -> None:
    """Keep the page's deck lists (built into the page when the server started) current after an upload:
    at every page load, and every two seconds on an open page, they are remade once the build changed."""
    seen = gr.State(live.generation)

    def follow(choice: str, view: dict | None, doc_filter: str | None, feedback_doc: str | None, generation: int):
        now = live.generation  # read first: a swap during the remake only makes the next tick remake again
        if generation == now:
            return (gr.update(),) * len(lists) + (now,)
        return (*chat_app.deck_lists(UI_LANGS.get(choice, "ja"), view, doc_filter, feedback_doc), now)

    for event in (app.load, gr.Timer(2.0).tick):
        event(follow, [*inputs, seen], [*lists, seen], api_visibility="private", queue=False)


def _uploads_tab(uploads, received: ReceivedFiles) -> None:
    """The tab adding and removing decks, when the operator allowed uploads."""
    if uploads is not None:
        from .uploads import build_uploads_tab

        with gr.Tab("資料の追加 / Add decks", id="uploads"):
            build_uploads_tab(uploads, received)


def build_server(searcher: Searcher, *, auth=None, feedback_path: Path | None = None, uploads=None):
    """The whole server as one ASGI app: the JSON API (/api, docs at /api/docs), the UI at /, MCP;
    in front of every route a body-size limit and, with `auth`, the credentials (ui.guards)."""
    from .api import api_app
    from .guards import AuthGuard, BodyLimit, BodyLimits
    from .mcp import only_search_tool

    blocks = build_app(searcher, feedback_path, uploads=uploads)
    only_search_tool(blocks)
    blocks.queue(default_concurrency_limit=QUEUE_CONCURRENCY)
    blocks.delete_cache = CACHE_CLEANUP
    server = api_app(lambda: getattr(searcher, "current", searcher))
    largest = max(EVAL_UPLOAD_BYTES, uploads.max_bytes if uploads is not None else 0)
    with warnings.catch_warnings():  # about the UI's chat-state events, which MCP does not list
        warnings.filterwarnings("ignore", message="This MCP server includes a tool that has a gr.State input")
        server = gr.mount_gradio_app(
            server,
            blocks,
            path="/",
            auth=auth,
            **PAGE,
            footer_links=["api"],
            mcp_server=True,
            max_file_size=largest,
            allowed_paths=[],  # slide pictures are served by /api/slides/…/picture, which verifies them
        )
    # Gradio checks that an event's file was uploaded only in apps it launched itself: mounted, it must be told.
    blocks.has_launched = True
    server.add_middleware(BodyLimit, limits=BodyLimits(upload=largest))
    if auth is not None:
        server.add_middleware(AuthGuard, credentials=auth, sessions=lambda: _gradio_app(server).tokens)
    return server


def _gradio_app(server):
    """The Gradio app mounted in the server (it holds the tokens of logged-in users)."""
    from gradio.routes import App
    from starlette.routing import Mount

    return next(r.app for r in server.routes if isinstance(r, Mount) and isinstance(r.app, App))


def launch(
    searcher: Searcher, *, host: str, port: int, auth=None, feedback_path: Path | None = None, uploads=None
) -> None:
    """Serve UI, JSON API and MCP tool on one port until interrupted."""
    import uvicorn

    app = build_server(searcher, auth=auth, feedback_path=feedback_path, uploads=uploads)
    # Browsers and Gradio clients hold event streams open: stop waiting for them after a few seconds.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
