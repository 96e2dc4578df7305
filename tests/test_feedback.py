"""Feedback records: the `qa eval` question format, atomic appends, malformed files left alone."""

from __future__ import annotations

import json
import multiprocessing
import threading

import pytest

from qa.errors import QAError
from qa.feedback import Feedback, FeedbackLog, default_path, problems


def make(question: str = "EUの投資総額は？", rating: str = "down", slides=(5,)) -> Feedback:
    return Feedback(
        question=question,
        lang="ja",
        slides=list(slides),
        doc="jst-crds-sti-2023",
        rating=rating,
        answered_slides=[8, 5],
    )


def test_a_record_is_a_question_of_the_eval_format(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.append(make())
    line = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8")
    assert line.endswith("\n") and line.count("\n") == 1
    record = json.loads(line)
    assert list(record)[:4] == ["question", "lang", "slides", "doc"]
    assert record["question"] == "EUの投資総額は？" and record["slides"] == [5] and record["rating"] == "down"
    assert record["id"].startswith("fb-") and record["answered_slides"] == [8, 5] and "T" in record["time"]
    assert "EUの" in line  # readable Japanese, not \u escapes
    assert log.read() == [record]


def test_the_default_file_sits_beside_the_index_builds(tmp_path):
    assert default_path(tmp_path / "index") == tmp_path / "index" / "feedback.jsonl"


@pytest.mark.parametrize(
    "fields, message",
    [({"rating": "meh"}, "rating"), ({"lang": "fr"}, "lang"), ({"question": "  "}, "question")],
)
def test_invalid_records_are_refused(fields, message):
    values = {"question": "q", "lang": "ja", "slides": [1], "doc": "d", "rating": "up"} | fields
    with pytest.raises(QAError, match=message):
        Feedback(**values)


def test_concurrent_appends_from_many_threads_all_land_whole(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    long_question = "研究セキュリティ" * 400  # lines far beyond PIPE_BUF, so atomicity comes from the lock

    def worker(n: int) -> None:
        for i in range(25):
            log.append(make(question=f"{long_question} {n}-{i}", slides=(n % 15 + 1,)))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = log.read()  # read() raises on any torn or interleaved line
    assert len(records) == 200
    assert len({r["id"] for r in records}) == 200
    assert {r["question"].rsplit(" ", 1)[1] for r in records} == {f"{n}-{i}" for n in range(8) for i in range(25)}


def _append_many(path: str, n: int) -> None:
    log = FeedbackLog(path)
    for i in range(20):
        log.append(make(question=f"process {n} question {i} " + "x" * 5000))


def test_concurrent_appends_from_several_processes_all_land(tmp_path):
    path = tmp_path / "feedback.jsonl"
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_append_many, args=(str(path), n)) for n in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert all(p.exitcode == 0 for p in processes)
    assert len(FeedbackLog(path).read()) == 80


@pytest.mark.parametrize(
    "content, problem",
    [
        (
            '{"question": "q", "lang": "ja", "slides": [1], "doc": "d", "id": "fb-1", "rating": "up"}\nnot json\n',
            "line 2 is not JSON",
        ),
        ('{"question": "q", "lang": "ja"', "incomplete"),
        ("[1, 2]\n", "line 1 is not a JSON object"),
        ('{"question": "q"}\n', "line 1 lacks or mistypes"),
    ],
)
def test_a_malformed_file_is_reported_and_never_rewritten(tmp_path, content, problem):
    path = tmp_path / "feedback.jsonl"
    path.write_text(content, encoding="utf-8")
    before = path.read_bytes()
    log = FeedbackLog(path)
    with pytest.raises(QAError, match=problem) as caught:
        log.append(make())
    assert str(path) in str(caught.value) and "left as it is" in str(caught.value)
    assert path.read_bytes() == before
    with pytest.raises(QAError):
        log.check()


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "feedback.jsonl"
    path.write_bytes("質問\n".encode("shift_jis"))
    with pytest.raises(QAError, match="not UTF-8"):
        FeedbackLog(path).append(make())
    assert path.read_bytes() == "質問\n".encode("shift_jis")


def test_an_unwritable_place_gives_a_clear_error(tmp_path):
    folder = tmp_path / "feedback.jsonl"
    folder.mkdir()  # a directory where the file should be
    with pytest.raises(QAError, match="cannot write the feedback file"):
        FeedbackLog(folder).append(make())


def test_problems_of_a_well_formed_file_are_none():
    line = json.dumps(make().to_json(), ensure_ascii=False)
    assert problems(f"{line}\n\n{line}\n") == []
