"""The Gradio app builds and answers through its API (the browser tests drive the page itself)."""

import socket

import pytest

gradio_client = pytest.importorskip("gradio_client")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def running_app(searcher):
    from ui.app import build_app

    app = build_app(searcher)
    app.queue().launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    yield app
    app.close()


def test_app_answers_a_question_through_its_api(running_app):
    client = gradio_client.Client(running_app.local_url, verbose=False)
    _, history = client.predict("EUのホライゾン・ヨーロッパの投資総額は？", 3, [], api_name="/ask")
    answer = history[-1]["content"]
    text = answer if isinstance(answer, str) else str(answer)
    assert "スライド5" in text and "955億ユーロ" in text
