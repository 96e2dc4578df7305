"""Load: 32 concurrent clients ask `qa serve` through the Gradio API for a minute without one error."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("gradio_client")

from qa.evaluation import read_questions  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.servers import QAServer, env_without_auth  # noqa: E402

CLIENTS = 32
SECONDS = 60
REQUEST_TIMEOUT_S = 60


def ask_for(url: str, questions: list[str], seconds: float) -> tuple[list[int], list[str]]:
    """CLIENTS threads, each with its own Gradio client, asking the UI's `/ask` in a loop for `seconds`:
    the answers each client got, and every error (a call that raised, timed out or came back empty)."""
    from gradio_client import Client

    answered = [0] * CLIENTS
    errors: list[str] = []
    lock = threading.Lock()

    def client_loop(number: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # a client that cannot connect is an error, not a crash
            with lock:
                errors.append(f"connect: {type(exc).__name__}: {exc}"[:200])
            return
        deadline = time.monotonic() + seconds
        i = number
        while time.monotonic() < deadline:
            question = questions[i % len(questions)]
            i += CLIENTS
            try:
                if client.submit(question, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S) is None:
                    raise ValueError("empty response")
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            answered[number] += 1
        if hasattr(client, "close"):  # gradio_client keeps a heartbeat thread per client
            client.close()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(client_loop, range(CLIENTS)))
    return answered, errors


@pytest.mark.slow
def test_thirty_two_clients_for_a_minute_get_answers_without_errors(cli_env, tmp_path):
    questions = [q.question for q in read_questions(CORPUS / "questions" / "briefing.jsonl").questions]
    env = env_without_auth(dict(cli_env, GRADIO_ANALYTICS_ENABLED="False"))
    server = QAServer(env, tmp_path / "serve.log").wait()
    try:
        answered, errors = ask_for(server.url, questions, SECONDS)
    finally:
        server.stop()
    assert errors == [], sorted(set(errors))[:5]
    # every client got answers, not just connected
    assert min(answered) >= 1, answered
