import json
import subprocess
import sys

import pytest

from qa.cli import main


def run_qa(args, env, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300
    )


def test_ask_json_contract(cli_env):
    out = run_qa(["ask", "What is the total budget of Horizon Europe?", "--json", "--k", "3"], cli_env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["question"] == "What is the total budget of Horizon Europe?" and data["lang"] == "en"
    assert isinstance(data["low_confidence"], bool) and len(data["hits"]) == 3
    for hit in data["hits"]:
        assert {"rank", "score", "doc", "slide", "title", "text"} <= set(hit)
        assert isinstance(hit["rank"], int) and isinstance(hit["slide"], int) and isinstance(hit["score"], float)
    assert any(h["slide"] == 5 and "955億ユーロ" in h["text"] for h in data["hits"])


def test_ask_reads_questions_from_stdin_as_json_lines(cli_env):
    questions = "EUのホライゾン・ヨーロッパの投資総額は？\n\nWhich visa did the UK introduce for top scientists?\n"
    out = run_qa(["ask", "--k", "2"], cli_env, stdin=questions)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["lang"] for r in rows] == ["ja", "en"]
    assert all(len(r["hits"]) == 2 for r in rows)
    assert rows[0]["question"] == "EUのホライゾン・ヨーロッパの投資総額は？"


def test_ask_plain_output_names_the_slide(cli_env):
    out = run_qa(["ask", "EUのホライゾン・ヨーロッパの投資総額は？", "--k", "1"], cli_env)
    assert out.returncode == 0 and "スライド5「" in out.stdout and "955億ユーロ" in out.stdout


def test_slides_prints_the_outline(cli_env):
    out = run_qa(["slides"], cli_env)
    assert out.returncode == 0
    assert (
        "   5  科学技術・イノベーション(STI)分野の国際動向 競争力強化と課題解決のカギとしてのSTIへの投資" in out.stdout
    )
    assert "  13  国際連携強化に関する日本の取り組み例" in out.stdout


def test_missing_corpus_is_a_one_line_error(tmp_path, capsys):
    code = main(["ask", "x", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "idx")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: corpus folder not found") and "Traceback" not in err


@pytest.mark.parametrize("k", ["0", "51"])
def test_bad_k_is_refused(k, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ask", "x", "--k", k])
    assert exc.value.code == 2 and "--k" in capsys.readouterr().err
