"""The batch-evaluation tab, built inside a tiny Blocks and driven through its API (over the test encoder's index)."""

from __future__ import annotations

import json
import zipfile

import pytest

from .servers import free_port

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="module")
def eval_app(plumbing_searcher):
    import gradio as gr

    from ui.eval_tab import build_eval_tab
    from ui.received import ReceivedFiles

    with gr.Blocks() as app:
        with gr.Tab("Batch evaluation"):
            tab = build_eval_tab(plumbing_searcher, ReceivedFiles(app), max_upload_bytes=2_000)
    app.queue().launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    yield app, tab
    app.close()


@pytest.fixture(scope="module")
def client(eval_app):
    return gradio_client.Client(eval_app[0].local_url, verbose=False)


def upload(path):
    return gradio_client.handle_file(str(path))


def test_evaluate_an_uploaded_jsonl_file(client, tmp_path):
    rows = [
        {"id": "hz", "question": "EUのホライゾン・ヨーロッパの投資総額は？", "slides": [5], "answers": ["955億ユーロ"]},
        {"id": "never", "question": "What is the weather tomorrow?", "slides": [5], "answers": ["晴れのち曇り"]},
        {"question": "no gold"},
    ]
    file = tmp_path / "mine.jsonl"
    file.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    status, table, misses, report = client.predict(upload(file), 5, "hybrid", api_name="/evaluate")
    assert "mine.jsonl" in status and "2 問 / questions" in status and "1 件の取りこぼし" in status
    assert "line 3: neither" in status and "never: no passage" in status
    assert table["headers"][:3] == ["group", "n", "hit@1"]
    rows = [["all", 2, 0.5], ["ja", 1, 1.0], ["en", 1, 0.0], ["en>ja", 1, 0.0], ["ja>ja", 1, 1.0]]
    assert [row[:3] for row in table["data"]] == rows
    assert [row[0] for row in misses["data"]] == ["never"]
    found = misses["data"][0][4]  # what the search found instead: slide numbers with their titles
    slides = [item.split("「")[0] for item in found.split(" · ")]
    assert len(slides) == 3 == len(set(slides)) and all(n.isdigit() for n in slides)  # three different slides
    with zipfile.ZipFile(report) as archive:
        assert sorted(archive.namelist()) == ["metrics.json", "results.csv", "results.jsonl", "summary.md"]
        assert json.loads(archive.read("metrics.json"))["n"] == 2


def test_csv_upload_runs(client, tmp_path):
    file = tmp_path / "mine.csv"
    file.write_text("question,slides,answers\nWhat is the total budget of Horizon Europe?,5,955億\n", encoding="utf-8")
    status, table, _, report = client.predict(upload(file), 3, "keyword", api_name="/evaluate")
    assert "1 問 / questions" in status and "keyword" in status and report
    assert [row[:2] for row in table["data"]] == [["all", 1], ["en", 1], ["en>ja", 1]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.jsonl", "x" * 3_000, "the limit is"),
        ("empty.csv", "", "the file is empty"),
        ("notes.jsonl", "hello\n", "not a question file"),
        ("squad.jsonl", '{"data": [{"paragraphs": [{"context": "c", "qas": []}]}]}', "JSON Lines, CSV"),
    ],
)
def test_bad_uploads_get_a_one_line_message_and_no_report(client, tmp_path, name, content, message):
    file = tmp_path / name
    file.write_text(content, encoding="utf-8")
    status, table, misses, report = client.predict(upload(file), 5, "hybrid", api_name="/evaluate")
    assert status.startswith("**エラー / Error:**") and message in status and "Traceback" not in status
    assert table["data"] in ([], [[]]) and report is None


def test_only_uploaded_files_are_read(eval_app, tmp_path):
    tab = eval_app[1]
    outside = tmp_path / "server-side.jsonl"
    outside.write_text('{"question": "x", "slides": [1]}', encoding="utf-8")
    status, *_rest, report = tab.run(str(outside), 5, "hybrid", progress=lambda *a, **k: None)
    assert "only a file uploaded through this page" in status and report is None
    assert outside.is_file()  # refused, and left alone
    status, *_rest = tab.run(None, 5, "hybrid", progress=lambda *a, **k: None)
    assert "Choose a question file" in status


def test_the_handler_runs_one_evaluation_at_a_time(eval_app):
    app = eval_app[0]
    (dep,) = [d for d in app.fns.values() if d.api_name == "evaluate"]
    assert dep.concurrency_limit == 1 and dep.concurrency_id == "eval"


def test_other_file_types_are_refused_at_upload(client, tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text('{"question": "x", "slides": [1]}', encoding="utf-8")
    with pytest.raises(Exception, match="Invalid file type.*'.jsonl', '.csv'"):
        client.predict(upload(file), 5, "hybrid", api_name="/evaluate")


def test_figures_are_rounded_for_reading_and_the_metrics_are_explained():
    from ui.eval_tab import METRICS_HELP, rounded

    row = ["all", 3, 0.666666, 1.0, 1.0, 1.0, 0.7777777, 0.81234, 12.3456, 40.71]
    assert rounded([row]) == [["all", 3, 0.667, 1.0, 1.0, 1.0, 0.778, 0.812, 12, 41]]
    for metric in ("hit@k", "mrr@10", "ndcg@10"):
        assert metric in METRICS_HELP
