"""Load: 32 concurrent clients ask `qa serve` through the Gradio API for a minute without one error."""

import pytest

pytest.importorskip("gradio_client")

from bench.load import run_load  # noqa: E402
from bench.questions import load_questions  # noqa: E402
from bench.server import serving  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402

CLIENTS = 32
SECONDS = 60


@pytest.mark.slow
def test_thirty_two_clients_for_a_minute_get_answers_without_errors(corpus_dir, index_dir, tmp_path):
    questions = [q.question for q in load_questions(CORPUS / "questions" / "briefing.jsonl")]
    with serving(corpus_dir, index_dir, log_path=tmp_path / "serve.log") as server:
        result = run_load(server.url, questions, clients=CLIENTS, seconds=SECONDS)
        assert server.peak_rss_bytes() > 0
    assert result.errors == 0, result.error_samples
    # every client got answers, not just connected
    assert result.requests >= CLIENTS
    assert result.latency_ms["n"] == result.requests
