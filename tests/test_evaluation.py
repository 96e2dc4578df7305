"""qa.evaluation: question formats, the relevance rule, metric values, and runs with the real model."""

from __future__ import annotations

import json
import math

import pytest

from qa.chunking import Passage
from qa.errors import QAError
from qa.evaluation import EvalQuestion, RelevanceJudge, evaluate, is_relevant, parse_questions, read_questions
from qa.evaluation.metrics import METRIC_KEYS, mean_metrics, per_question
from qa.evaluation.squad import cache_folder, squad_searcher

from .conftest import CORPUS, SHARED

TINY_SQUAD = {
    "version": "tiny",
    "data": [
        {
            "title": "山と天気",
            "paragraphs": [
                {
                    "context": "富士山 [SEP] 富士山は静岡県と山梨県にまたがる、標高3776メートルの日本最高峰である。",
                    "qas": [{"id": "p1q1", "question": "日本で一番高い山の標高は何メートル？", "answers": []}],
                },
                {
                    "context": "梅雨 [SEP] 梅雨は、5月から7月にかけて来る曇りや雨の多い期間のこと。",
                    "qas": [{"id": "p2q1", "question": "雨の多い季節は何月から何月まで？"}],
                },
            ],
        },
        {
            "title": "Science",
            "paragraphs": [
                {
                    "context": "Python is a programming language created by Guido van Rossum in 1991.",
                    "qas": [
                        {"id": "p3q1", "question": "Who created the Python programming language?"},
                        {"id": "p3q2"},
                    ],
                },
                {
                    "context": "Photosynthesis [SEP] Green plants use sunlight to make sugar from water.",
                    "qas": [{"id": "p4q1", "question": "How do plants turn sunlight into sugar?"}],
                },
            ],
        },
    ],
}


def write_squad(folder, name="tiny-squad.json"):
    path = folder / name
    path.write_text(json.dumps(TINY_SQUAD, ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- formats


def test_jsonl_reports_each_malformed_line_by_number_and_keeps_the_rest():
    lines = [
        '{"id": "a", "question": "EUの投資総額は？", "slides": [5], "answers": ["955億ユーロ"], "split": "test"}',
        '{"question": "broken',
        '{"slides": [5]}',
        '{"question": "What is this?"}',
        '{"question": "x", "lang": "fr", "slides": [1]}',
        '{"question": "x", "slides": ["five"]}',
        "[1, 2]",
        "",
        '{"question": "Which visa did the UK introduce?", "answers": "Global Talent Visa"}',
    ]
    qs = parse_questions("\n".join(lines).encode(), "set.jsonl")
    assert qs.format == "jsonl"
    assert [q.id for q in qs.questions] == ["a", "line-9"]
    first, last = qs.questions
    assert (first.lang, first.slides, first.answers, first.split) == ("ja", (5,), ("955億ユーロ",), "test")
    assert (last.lang, last.slides, last.answers) == ("en", (), ("Global Talent Visa",))  # lang detected
    assert [p.split(":")[0] for p in qs.problems] == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7"]
    assert "not valid JSON" in qs.problems[0] and 'no "question"' in qs.problems[1]
    assert "neither" in qs.problems[2] and '"lang"' in qs.problems[3] and "slide number" in qs.problems[4]


def test_csv_with_pipe_separated_lists_and_shift_jis_from_excel():
    text = (
        "id,question,lang,slides,answers\n"
        "c1,発表者の所属部署は？,ja,1|15,海外動向ユニット|CRDS\n"
        "c2,,en,3,\n"
        "c3,Who gave the talk?,,1,長谷川\n"
    )
    qs = parse_questions(text.encode("cp932"), "set.csv")
    assert qs.format == "csv"
    assert [(q.id, q.slides, q.answers, q.lang) for q in qs.questions] == [
        ("c1", (1, 15), ("海外動向ユニット", "CRDS"), "ja"),
        ("c3", (1,), ("長谷川",), "en"),
    ]
    assert qs.problems == ['line 3: no "question" text']


def test_csv_needs_a_question_column():
    with pytest.raises(QAError, match="'question' column"):
        parse_questions(b"q,slides\nfoo,1\n", "set.csv")


def test_squad_paragraphs_become_numbered_passages_and_questions_point_at_their_own(tmp_path):
    qs = read_questions(write_squad(tmp_path))
    assert qs.format == "squad" and qs.doc == "tiny-squad"
    assert [(p.number, p.title) for p in qs.paragraphs] == [(1, "富士山"), (2, "梅雨"), (3, ""), (4, "Photosynthesis")]
    assert qs.paragraphs[0].text.startswith("富士山は静岡県")
    assert qs.paragraphs[2].text.startswith("Python is")  # no [SEP]: no title
    assert [(q.id, q.slides, q.answers, q.lang) for q in qs.questions] == [
        ("p1q1", (1,), (), "ja"),
        ("p2q1", (2,), (), "ja"),
        ("p3q1", (3,), (), "en"),
        ("p4q1", (4,), (), "en"),
    ]
    assert qs.problems == ['data[1].paragraphs[0].qas[1]: no "question" text']


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"just some notes\nnothing else\n", "not a question file"),
        (b'{"question": "no gold"}\n{"question": "x"}\n', "no usable question; first problem: line 1"),
        (b'{"data": "nope"}', "'data' list"),
    ],
)
def test_empty_unreadable_or_unrecognised_files_are_one_line_errors(data, message):
    with pytest.raises(QAError, match=message) as exc:
        parse_questions(data, "set.jsonl")
    assert "\n" not in str(exc.value)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(QAError, match="not found"):
        read_questions(tmp_path / "nope.jsonl")


def test_upload_formats_can_be_restricted(tmp_path):
    with pytest.raises(QAError, match="JSON Lines, CSV"):
        read_questions(write_squad(tmp_path), allowed=("jsonl", "csv"))


# ---------------------------------------------------------------- relevance


def P(slide, text, doc="deck"):
    return Passage(doc=doc, slide=slide, title="t", text=text)


def Q(slides=(), answers=(), doc=None):
    return EvalQuestion(id="q", question="?", lang="ja", slides=tuple(slides), answers=tuple(answers), doc=doc)


def test_relevance_needs_the_gold_slide_and_an_answer_string():
    passage = P(5, "EU: 研究開発枠組み「ホライゾン・ヨーロッパ」の投資総額は955億ユーロ")
    assert is_relevant(Q([5], ["955億ユーロ"]), passage)
    assert not is_relevant(Q([6], ["955億ユーロ"]), passage)  # right words, wrong slide
    assert not is_relevant(Q([5], ["1000億ユーロ"]), passage)  # right slide, no answer
    assert is_relevant(Q([5]), passage)  # slides only
    assert is_relevant(Q(answers=["ホライゾン・ヨーロッパ"]), passage)  # answers only, any slide
    assert is_relevant(Q([4, 5], ["nothing", "955億"]), passage)  # any of several


def test_answers_match_after_nfkc_and_ignoring_whitespace_and_case():
    passage = P(1, "２０２３年８月２５日 開催 ＣＲＤＳ")  # full-width digits and letters
    assert is_relevant(Q([1], ["2023年8月25日"]), passage)
    assert is_relevant(Q([1], ["25日開催 crds"]), passage)
    assert not is_relevant(Q([1], ["2022年"]), passage)


def test_a_question_with_a_doc_only_counts_that_documents_slides():
    passages = [P(5, "955億ユーロ", doc="a"), P(5, "955億ユーロ", doc="b"), P(4, "955億ユーロ", doc="b")]
    judge = RelevanceJudge(passages)
    assert judge.relevant(Q([5], ["955億ユーロ"], doc="b")) == {1}
    assert judge.relevant(Q([5], ["955億ユーロ"])) == {0, 1}
    assert judge.relevant(Q(answers=["955億ユーロ"], doc="b")) == {1, 2}


def test_judge_agrees_with_the_rule_passage_by_passage(searcher):
    judge = RelevanceJudge(searcher.passages)
    question = Q([5, 9], ["ユーロ", "ドル"])
    expected = {i for i, p in enumerate(searcher.passages) if is_relevant(question, p)}
    assert judge.relevant(question) == expected and expected


# ---------------------------------------------------------------- metrics


def test_metric_values_match_hand_computed_ones():
    relevant = {"q1": {"a"}, "q2": {"c"}, "q3": {"x", "y"}, "q4": {"z"}, "q5": set()}
    rankings = {"q1": ["a", "b", "c"], "q2": ["a", "b", "c"], "q3": ["a", "x", "b", "y"], "q4": ["a"], "q5": ["a"]}
    scores = per_question(relevant, rankings)
    ndcg3 = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))  # relevant at ranks 2 and 4
    expected = {
        "q1": {"hit@1": 1, "hit@3": 1, "hit@5": 1, "hit@10": 1, "mrr@10": 1, "ndcg@10": 1},
        "q2": {"hit@1": 0, "hit@3": 1, "hit@5": 1, "hit@10": 1, "mrr@10": 1 / 3, "ndcg@10": 0.5},
        "q3": {"hit@1": 0, "hit@3": 1, "hit@5": 1, "hit@10": 1, "mrr@10": 0.5, "ndcg@10": ndcg3},
        "q4": dict.fromkeys(METRIC_KEYS, 0),  # its passage was not retrieved
        "q5": dict.fromkeys(METRIC_KEYS, 0),  # nothing relevant exists: a miss, not left out
    }
    for qid, values in expected.items():
        assert scores[qid] == pytest.approx(values), qid
    means = mean_metrics(list(scores.values()))
    assert means == pytest.approx(
        {
            "hit@1": 0.2,
            "hit@3": 0.6,
            "hit@5": 0.6,
            "hit@10": 0.6,
            "mrr@10": (1 + 1 / 3 + 0.5) / 5,
            "ndcg@10": (1.5 + ndcg3) / 5,
        },
        abs=1e-4,
    )


def test_the_library_scores_in_the_searchers_order_not_by_id():
    # Ids sort as "b" < "a" in reverse; rank must follow the list, whatever the ids.
    scores = per_question({"q": {"a"}}, {"q": ["b", "a"]})
    assert scores["q"]["mrr@10"] == pytest.approx(0.5) and scores["q"]["hit@1"] == 0


# ---------------------------------------------------------------- runs with the real model


def test_evaluate_the_briefing_questions_with_the_real_model(searcher):
    questions = read_questions(CORPUS / "questions" / "briefing.jsonl").questions
    chosen = [q for q in questions if q.id in {"ja-001", "ja-003", "en-001", "en-003"}] + [
        EvalQuestion("hz", "EUのホライゾン・ヨーロッパの投資総額は？", "ja", (5,), ("955億ユーロ",)),
        EvalQuestion("never", "What is the weather tomorrow?", "en", (5,), ("no such string anywhere",)),
    ]
    calls = []
    result = evaluate(searcher, chosen, k=5, mode="hybrid", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (len(chosen), len(chosen)) and len(calls) == len(chosen)
    data = result.to_json()
    assert set(data) == {"n", "k", "mode", "metrics", "latency_ms"} and (data["n"], data["k"]) == (len(chosen), 5)
    assert set(data["metrics"]) == {"all", "ja", "en", "ja>ja", "en>ja"}  # languages and directions
    assert all(tuple(m) == METRIC_KEYS + ("slide@1", "slide@5") for m in data["metrics"].values())
    assert set(data["latency_ms"]) == {"p50", "p95"} and data["latency_ms"]["p50"] > 0
    by_id = {r.question.id: r for r in result.results}
    assert by_id["hz"].first_relevant == 1 and by_id["hz"].top[0].slide == 5
    assert by_id["never"].relevant_passages == 0 and not by_id["never"].hit
    assert any(p.startswith("never:") for p in result.problems)
    for r in result.results:  # ir-measures agrees with the ranks read off the hits
        assert len(r.top) <= 5
        assert r.metrics["hit@1"] == (r.first_relevant == 1)
        assert r.metrics["hit@5"] == r.hit
        assert r.metrics["mrr@10"] == pytest.approx(1 / r.first_relevant if r.hit else 0.0)


def test_each_result_carries_its_answers_no_good_match_flag_whatever_k(searcher):
    questions = [
        EvalQuestion("hz", "EUのホライゾン・ヨーロッパの投資総額は？", "ja", (5,), ()),
        EvalQuestion("never", "What is the weather tomorrow?", "en", (5,), ()),
        EvalQuestion("cake", "How long do I bake a sponge cake?", "en", (), ()),
    ]
    result = evaluate(searcher, questions, k=10)
    for q, r in zip(questions, result.results, strict=True):
        assert r.low_confidence == searcher.search(q.question, k=1).low_confidence
        assert r.low_confidence == searcher.search(q.question, k=5).low_confidence


def test_languages_without_questions_are_left_out(searcher):
    only_ja = [EvalQuestion("hz", "EUのホライゾン・ヨーロッパの投資総額は？", "ja", (5,), ())]
    assert set(evaluate(searcher, only_ja, k=3).to_json()["metrics"]) == {"all", "ja", "ja>ja"}


def test_every_briefing_question_has_a_relevant_passage_in_the_real_index(searcher):
    """The gauge is valid: no question's gold (slides + answer strings) is impossible to meet."""
    qs = read_questions(CORPUS / "questions" / "briefing.jsonl")
    assert not qs.problems
    judge = RelevanceJudge(searcher.passages)
    unmet = [q.id for q in qs.questions if not judge.relevant(q)]
    assert unmet == []
    assert len(qs.questions) >= 100 and {q.split for q in qs.questions} == {"dev", "test"}
    assert {1, 4, 5, 6, 8, 9, 10, 12, 13} <= {s for q in qs.questions for s in q.slides}


def test_squad_file_is_indexed_once_and_each_question_finds_its_paragraph(tmp_path):
    qs = read_questions(write_squad(tmp_path))
    searcher = squad_searcher(qs, tmp_path / "index")
    folder = cache_folder(tmp_path / "index", qs)
    assert folder.is_dir() and searcher.index.manifest["inputs"]["corpus"] == {qs.name: qs.sha256}
    assert [(p.slide, p.title, p.kind) for p in searcher.passages][:2] == [
        (1, "富士山", "paragraph"),
        (2, "梅雨", "paragraph"),
    ]
    result = evaluate(searcher, qs.questions, k=3)
    assert {r.question.id: r.first_relevant for r in result.results} == {"p1q1": 1, "p2q1": 1, "p3q1": 1, "p4q1": 1}
    assert result.metrics["all"]["hit@1"] == 1.0 and set(result.metrics) == {"all", "ja", "en", "ja>ja", "en>ja"}
    again = squad_searcher(qs, tmp_path / "index")
    assert again.index.folder == searcher.index.folder  # reused, not rebuilt


def test_the_jsquad_example_parses_to_its_paragraphs_and_questions():
    path = SHARED / "data" / "jsquad-v1.3-valid.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent (the shared JSQuAD example)")
    qs = read_questions(path)
    assert (len(qs.paragraphs), len(qs.questions), qs.problems) == (1145, 4442, [])
    assert all(q.lang == "ja" for q in qs.questions[:50]) and qs.paragraphs[0].title == "梅雨"
