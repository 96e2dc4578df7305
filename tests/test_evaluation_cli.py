"""`qa eval` end to end: --json, --split, --report, --compare, SQuAD files and bad input.

Plumbing: over indexes of the test encoder (`--model hash`); test_evaluation.py measures the real model.
"""

from __future__ import annotations

import csv
import json

import pytest

from qa.cli import main

from .conftest import CORPUS, PLUMBING_MODEL
from .test_evaluation import write_squad

HORIZON = "EUのホライゾン・ヨーロッパの投資総額は？"


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def qa_eval(plumbing_corpus, plumbing_index, capsys):
    def run(*args):
        # The test's own options come last, so its --index wins.
        common = ["--corpus", str(plumbing_corpus), "--index", str(plumbing_index), "--model", PLUMBING_MODEL]
        code = main(["eval", *common, *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_json_output_is_exactly_the_documented_object(qa_eval, tmp_path):
    rows = [
        {"id": "hz", "question": HORIZON, "slides": [5], "answers": ["955億ユーロ"]},
        {"id": "visa", "question": "Which visa did the UK introduce for top scientists?", "slides": [10]},
    ]
    code, out, err = qa_eval(write_jsonl(tmp_path / "q.jsonl", rows), "--json", "--k", "5", "--mode", "dense")
    assert code == 0, err
    assert len(out.splitlines()) == 1
    data = json.loads(out)
    assert list(data) == ["n", "k", "mode", "metrics", "latency_ms"]
    assert (data["n"], data["k"], data["mode"]) == (2, 5, "dense")
    assert list(data["metrics"]) == ["all", "ja", "en", "en>ja", "ja>ja"]
    for values in data["metrics"].values():
        assert list(values) == ["hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "slide@1", "slide@5"]
        assert all(0.0 <= v <= 1.0 for v in values.values())
    assert data["metrics"]["ja"]["hit@5"] == 1.0  # dense alone finds the answer among the first five
    assert list(data["latency_ms"]) == ["p50", "p95"] and data["latency_ms"]["p95"] >= data["latency_ms"]["p50"] > 0


def test_split_selects_the_questions_of_that_split(qa_eval, tmp_path):
    file = CORPUS / "questions" / "briefing.jsonl"
    rows = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = [r for r in rows if r["split"] == "test"][:4]  # a small copy keeps the test quick
    code, out, err = qa_eval(file, "--json", "--split", "nosuch")
    assert code == 2 and 'no question has "split": "nosuch"' in err
    small = write_jsonl(tmp_path / "small.jsonl", wanted + [dict(r, split="dev") for r in rows[:3]])
    code, out, err = qa_eval(small, "--json", "--split", "test", "--k", "3")
    assert code == 0, err
    assert json.loads(out)["n"] == len(wanted) == 4


def test_malformed_lines_are_reported_by_number_and_skipped(qa_eval, tmp_path):
    file = tmp_path / "q.jsonl"
    file.write_text(
        json.dumps({"question": HORIZON, "slides": [5]}, ensure_ascii=False) + "\n{oops\n"
        '{"question": "no gold at all"}\n',
        encoding="utf-8",
    )
    code, out, err = qa_eval(file, "--json", "--k", "3")
    assert code == 0 and json.loads(out)["n"] == 1
    assert "skipped line 2: not valid JSON" in err and "skipped line 3: neither" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"", "the file is empty"),
        ("notes.txt", b"hello\nworld\n", "not a question file"),
        ("bad.jsonl", b"{oops\n[1]\n", "no usable question; first problem: line 1"),
        ("missing.jsonl", None, "question file not found"),
    ],
)
def test_bad_files_are_one_line_errors_with_a_nonzero_exit(qa_eval, tmp_path, name, content, message):
    file = tmp_path / name
    if content is not None:
        file.write_bytes(content)
    code, out, err = qa_eval(file, "--json")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1


def test_csv_file_runs(qa_eval, tmp_path):
    file = tmp_path / "q.csv"
    file.write_text(f"id,question,slides,answers\nhz,{HORIZON},5|6,955億ユーロ|ユーロ\n", encoding="utf-8")
    code, out, err = qa_eval(file, "--json", "--k", "3")
    assert code == 0, err
    assert json.loads(out)["metrics"]["all"]["hit@1"] == 1.0


def test_report_writes_metrics_results_and_a_summary_with_every_miss(qa_eval, tmp_path):
    rows = [
        {"id": "hz", "question": HORIZON, "slides": [5], "answers": ["955億ユーロ"], "split": "test"},
        {"id": "never", "question": "What is the weather tomorrow?", "slides": [5], "answers": ["晴れのち曇り"]},
    ]
    report = tmp_path / "report"
    code, out, err = qa_eval(write_jsonl(tmp_path / "q.jsonl", rows), "--k", "4", "--report", report)
    assert code == 0, err
    assert "| all | 2 |" in out and "never: no passage of the index meets its gold" in err
    assert sorted(p.name for p in report.iterdir()) == ["metrics.json", "results.csv", "results.jsonl", "summary.md"]
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["n"] == 2 and metrics["k"] == 4 and metrics["metrics"]["all"]["hit@1"] == 0.5
    lines = [json.loads(x) for x in (report / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["rank"]) for r in lines] == [("hz", 1), ("never", None)]
    assert lines[0]["gold"] == {"doc": None, "slides": [5], "answers": ["955億ユーロ"]}
    assert lines[0]["top"][0]["slide"] == 5 and isinstance(lines[0]["top"][0]["score"], float)
    assert len(lines[0]["top"]) == 4 and lines[0]["split"] == "test"
    with open(report / "results.csv", encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [(r["id"], r["rank"]) for r in table] == [("hz", "1"), ("never", "")]
    assert table[0]["top_slides"].split("|")[0] == "5" and len(table[0]["top_scores"].split("|")) == 4
    summary = (report / "summary.md").read_text(encoding="utf-8")
    assert "| group | n | hit@1 |" in summary and "## Misses (1)" in summary
    assert "| never | en | What is the weather tomorrow? |" in summary and "| hz |" not in summary


def test_compare_shows_deltas_flips_and_a_paired_test(qa_eval, tmp_path):
    base = [
        {"id": "a", "question": HORIZON, "slides": [5]},
        {"id": "b", "question": "英国のグローバル・タレント・ビザはいつ導入された？", "slides": [10]},
        {"id": "c", "question": "What did the G7 agree on research security?", "answers": ["no such text"]},
    ]
    code, _, err = qa_eval(write_jsonl(tmp_path / "old.jsonl", base), "--k", "5", "--report", tmp_path / "old")
    assert code == 0, err
    changed = [dict(base[0], answers=["no such text"]), base[1], dict(base[2], answers=["G7"])]
    new_file = write_jsonl(tmp_path / "new.jsonl", changed)
    code, out, err = qa_eval(new_file, "--k", "5", "--report", tmp_path / "new", "--compare", tmp_path / "old")
    assert code == 0, err
    assert "| all | hit@1 |" in out and "Paired questions: 3" in out
    assert "paired t-test: statistic" in out and "Wilcoxon signed-rank:" in out
    hit_to_miss = out.split("## Hit → miss (1)")[1].split("##")[0]
    miss_to_hit = out.split("## Miss → hit (1)")[1]
    assert "- a (rank 1 → None)" in hit_to_miss and "- c (rank None → " in miss_to_hit
    assert (tmp_path / "new" / "compare.md").read_text(encoding="utf-8").startswith("# Compared with")
    # With --json the object stays alone on stdout; the comparison goes to stderr.
    code, out, err = qa_eval(new_file, "--k", "5", "--json", "--compare", tmp_path / "old")
    assert code == 0 and list(json.loads(out)) == ["n", "k", "mode", "metrics", "latency_ms"]
    assert "## Hit → miss (1)" in err


def test_compare_with_a_folder_that_is_no_report_fails_before_running(qa_eval, tmp_path):
    rows = [{"question": HORIZON, "slides": [5]}]
    code, out, err = qa_eval(write_jsonl(tmp_path / "q.jsonl", rows), "--compare", tmp_path)
    assert code == 2 and "is not an evaluation report (metrics.json is missing)" in err


def test_squad_file_gets_its_own_cached_corpus(qa_eval, tmp_path):
    squad = write_squad(tmp_path)
    code, out, err = qa_eval(squad, "--json", "--k", "3", "--index", tmp_path / "idx")
    assert code == 0, err
    data = json.loads(out)
    assert data["n"] == 4 and data["metrics"]["all"]["hit@3"] == 1.0
    assert set(data["metrics"]) == {"all", "ja", "en", "ja>ja", "en>ja"}
    assert "Indexing the 4 paragraphs" in err and "skipped data[1].paragraphs[0].qas[1]" in err
    code, out, err = qa_eval(squad, "--json", "--k", "3", "--index", tmp_path / "idx")
    assert code == 0 and "Indexing" not in err  # the cache is reused
