"""Bad questions: whatever is asked, the ask path answers or explains, and its JSON stays valid.

Plumbing: asked of an index of the test encoder (plumbing_searcher, plumbing_env).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.errors import QAError
from qa.lang import MAX_QUESTION_CHARS, clean_question
from qa.search import MODES

CORPUS_WORDS = ["EU", "ホライゾン・ヨーロッパ", "投資総額", "経済安全保障", "半導体", "visa", "MIT", "人材", "予算"]

# Every code point, lone surrogates and control characters included.
ANY_CHAR = st.characters(codec=None, categories=None)
QUESTIONS = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(st.one_of(st.sampled_from(CORPUS_WORDS), st.text(ANY_CHAR, max_size=5)), max_size=12).map("".join),
    st.text(st.sampled_from(" \t\n\r\x00\x0b\u3000\u200b\ufeff\u202e<>&\"'`*#[]()!"), max_size=50),
)


def check_answer(searcher, answer, k: int) -> None:
    """The contract of every answer: at most k real citations and JSON that survives the wire."""
    assert len(answer.hits) <= k
    assert [h.rank for h in answer.hits] == list(range(1, len(answer.hits) + 1))
    outline = {(s.doc, s.number) for s in searcher.outline()}
    assert all((h.doc, h.slide) in outline for h in answer.hits)
    wire = json.dumps(answer.to_json(), ensure_ascii=False)
    assert json.loads(wire.encode("utf-8").decode("utf-8")) == answer.to_json()
    assert len(answer.question) <= MAX_QUESTION_CHARS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=QUESTIONS, k=st.integers(1, 10), mode=st.sampled_from(MODES))
def test_any_question_is_answered_within_the_contract(plumbing_searcher, question, k, mode):
    check_answer(plumbing_searcher, plumbing_searcher.search(question, k=k, mode=mode), k)


@pytest.mark.parametrize("question", ["", "   ", "\t\n\u3000", "\x00\x07", "\u200b\ufeff", "？！", None])
def test_empty_questions_get_a_friendly_prompt(plumbing_searcher, question):
    answer = plumbing_searcher.search(question)
    assert answer.hits == [] and answer.low_confidence
    assert answer.notices and answer.notices[-1] in ("Please type a question.", "質問を入力してください。")


def test_a_huge_question_is_cut_with_a_notice(plumbing_searcher):
    answer = plumbing_searcher.search("EUのホライゾン・ヨーロッパの投資総額は？" + "あ" * 100_000)
    assert len(answer.question) == MAX_QUESTION_CHARS
    assert any(str(MAX_QUESTION_CHARS) in n for n in answer.notices)
    check_answer(plumbing_searcher, answer, 5)


def test_a_huge_question_after_nfkc_expansion_is_cut(plumbing_searcher):
    answer = plumbing_searcher.search("\ufdfa" * 100_000)  # one character, 18 after NFKC
    assert answer.notices and len(answer.question) == MAX_QUESTION_CHARS
    check_answer(plumbing_searcher, answer, 5)


def test_short_questions_have_no_notice(plumbing_searcher):
    assert plumbing_searcher.search("EUのホライゾン・ヨーロッパの投資総額は？").notices == []


@pytest.mark.parametrize(
    "question",
    [
        "EUの\x00投資\x1b[31m総額\x7fは？",  # control characters and an ANSI escape
        "\ud800EUの投資総額\udfffは？",  # lone surrogates (cannot even be encoded)
        "😀 EUの投資総額は？ 🇪🇺👨‍👩‍👧",  # emoji, flags, ZWJ sequences
        "ＥＵの投資総額は？",  # full-width Latin
        "EUの投資総額は? How much is it?",  # mixed scripts
        "EU\u202eの投資総額は？",  # a bidi override
    ],
)
def test_odd_characters_still_find_the_budget(plumbing_searcher, question):
    answer = plumbing_searcher.search(question, k=5)
    check_answer(plumbing_searcher, answer, 5)
    assert any(h.slide == 5 for h in answer.hits)
    assert not any(0xD800 <= ord(c) <= 0xDFFF or ord(c) < 0x20 or c == "\u202e" for c in answer.question)


def test_full_and_half_width_ask_the_same_question(plumbing_searcher):
    wide, narrow = plumbing_searcher.search("ＥＵのﾎﾗｲｿﾞﾝ･ﾖｰﾛｯﾊﾟ"), plumbing_searcher.search("EUのホライゾン・ヨーロッパ")
    assert [(h.doc, h.slide, h.text) for h in wide.hits] == [(h.doc, h.slide, h.text) for h in narrow.hits]


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script>EUの投資総額は？",
        '<img src=x onerror="alert(1)">EUの投資総額は？',
        "**EU**の[投資総額](javascript:alert(1))は？ `code` # heading",
        "{{7*7}} ${7*7} '; DROP TABLE slides; -- EUの投資総額",
    ],
)
def test_markup_payloads_are_plain_text(plumbing_searcher, payload):
    answer = plumbing_searcher.search(payload)
    check_answer(plumbing_searcher, answer, 5)
    # Echoed exactly as typed: the JSON carries text, and escaping is the renderer's job.
    assert answer.to_json()["question"] == payload
    assert any(h.slide == 5 for h in answer.hits)


@pytest.mark.parametrize("k", ["abc", None, float("nan"), float("inf")])
def test_a_bad_k_is_a_clear_error(plumbing_searcher, k):
    with pytest.raises(QAError, match="k must be a whole number"):
        plumbing_searcher.search("EU", k=k)


def test_bytes_and_other_types_are_questions_too():
    assert clean_question(b"EU\xff\xfe\x80").text == "EU\ufffd\ufffd\ufffd"
    assert clean_question(None).text == "" and clean_question(42).text == "42"


# ---------------------------------------------------------------- through the CLI


def run_qa(args: list, env, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], input=stdin, capture_output=True, env=env, timeout=300)


def test_cli_answers_odd_arguments_without_a_traceback(plumbing_env):
    # Invalid UTF-8 in argv arrives as lone surrogates (surrogateescape).
    question = os.fsencode("EUの\x01投資総額は？ <script>alert(1)</script> \U0001f600") + b"\xff\xfe"
    out = run_qa(["ask", question, "--json", "--k", "2"], plumbing_env)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
    data = json.loads(out.stdout.decode("utf-8"))
    assert len(data["hits"]) == 2 and "<script>alert(1)</script>" in data["question"]


def test_cli_empty_question_is_a_prompt(plumbing_env):
    out = run_qa(["ask", "   ", "--json"], plumbing_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["hits"] == [] and data["notices"]


@pytest.mark.parametrize("stdin_errors", ["surrogateescape", "strict"])
def test_cli_stdin_with_invalid_utf8_answers_every_line(plumbing_env, stdin_errors):
    # The C locale reads stdin leniently; a real UTF-8 locale (ja_JP.UTF-8) reads it strictly.
    env = dict(plumbing_env, PYTHONIOENCODING=f"utf-8:{stdin_errors}")
    stdin = "EUのホライゾン・ヨーロッパの投資総額は？\n".encode() + b"\xff\xfe broken \x80 bytes\n" + b"\x00\x01\n"
    out = run_qa(["ask", "--k", "2"], env, stdin=stdin)
    assert b"Traceback" not in out.stderr and out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert len(rows) == 3 and any(h["slide"] == 5 for h in rows[0]["hits"])
    assert rows[2]["hits"] == [] and rows[2]["notices"]
