import json
import os
import socket
import subprocess
import sys

import pytest

from qa.cli import main


def run_qa(args, env, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300
    )


def test_ask_json_contract(plumbing_env, plumbing_searcher):
    out = run_qa(["ask", "What is the total budget of Horizon Europe?", "--json", "--k", "3"], plumbing_env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["question"] == "What is the total budget of Horizon Europe?" and data["lang"] == "en"
    assert isinstance(data["low_confidence"], bool) and len(data["hits"]) == 3
    for hit in data["hits"]:
        assert {"rank", "score", "doc", "slide", "title", "text"} <= set(hit)
        assert isinstance(hit["rank"], int) and isinstance(hit["slide"], int) and isinstance(hit["score"], float)
    # the library's answer, through the command (which slide answers it is test_retrieval's claim)
    expected = plumbing_searcher.search(data["question"], k=3).to_json()
    assert [(h["doc"], h["slide"], h["text"]) for h in data["hits"]] == [
        (h["doc"], h["slide"], h["text"]) for h in expected["hits"]
    ]


def test_ask_reads_questions_from_stdin_as_json_lines(plumbing_env):
    questions = "EUのホライゾン・ヨーロッパの投資総額は？\n\nWhich visa did the UK introduce for top scientists?\n"
    out = run_qa(["ask", "--k", "2"], plumbing_env, stdin=questions)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["lang"] for r in rows] == ["ja", "en"]
    assert all(len(r["hits"]) == 2 for r in rows)
    assert rows[0]["question"] == "EUのホライゾン・ヨーロッパの投資総額は？"


def test_ask_plain_output_names_the_slide(plumbing_env):
    out = run_qa(["ask", "EUのホライゾン・ヨーロッパの投資総額は？", "--k", "1"], plumbing_env)
    assert out.returncode == 0 and "スライド5「" in out.stdout and "955億ユーロ" in out.stdout


def test_slides_prints_the_outline(plumbing_env):
    out = run_qa(["slides"], plumbing_env)
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


def test_index_prints_a_summary_per_deck(tmp_path, plumbing_corpus, hash_model):
    out = run_qa(  # QA_MODEL names the test encoder (hash_model)
        ["index", "--corpus", str(plumbing_corpus), "--index", str(tmp_path / "index")],
        dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert out.returncode == 0, out.stderr
    header, row = out.stdout.splitlines()[:2]
    assert header.split() == ["doc", "format", "slides", "passages", "pictures", "warnings"]
    assert row.split()[:3] == ["jst-crds-sti-2023", "text", "15"]
    assert "text only: text decks have no page images" in row
    *_, totals, stages = out.stdout.splitlines()  # the footer: what was indexed, then where the time went
    assert totals.startswith(f"indexed {row.split()[3]} passages from 15 slides of 1 document(s) in ")
    assert stages.startswith("time: reading decks ")


def test_a_wrong_option_prints_the_subcommand_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ask", "x", "--bogus"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.startswith("usage: qa ask") and "--bogus" in err


def test_a_port_in_use_is_named_with_the_way_out(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"port {port} is already in use" in err and "--port" in err and "make run PORT=" in err


def test_an_unknown_model_fails_at_once_naming_the_choices(tmp_path, capsys, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    torch_side_loaded = "sentence_transformers" in sys.modules
    code = main(["ask", "x", "--model", "e5-smal", "--corpus", str(tmp_path), "--index", str(tmp_path / "i")])
    err = capsys.readouterr().err
    assert code == 2 and "unknown model 'e5-smal'" in err and "e5-small" in err
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # the hub is switched off inside the process
    assert ("sentence_transformers" in sys.modules) == torch_side_loaded  # refused before torch loads


# The modules of the ui and eval extras, made unimportable as on a core install (`pip install .`).
CORE_ONLY = """
import sys
for name in ("gradio", "uvicorn", "pandas", "fastapi", "ir_measures", "scipy", "pytrec_eval"):
    sys.modules[name] = None  # `import name` now raises ImportError
from qa.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_core_only(args, env):
    return subprocess.run(
        [sys.executable, "-c", CORE_ONLY, *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_the_core_install_answers_without_the_ui_and_eval_extras(plumbing_env):
    out = run_core_only(["ask", "EUのホライゾン・ヨーロッパの投資総額は？", "--json", "--k", "3"], plumbing_env)
    assert out.returncode == 0, out.stderr
    assert any(h["slide"] == 5 and "955億ユーロ" in h["text"] for h in json.loads(out.stdout)["hits"])
    out = run_core_only(["slides"], plumbing_env)
    assert out.returncode == 0 and "まとめ" in out.stdout, out.stderr


@pytest.mark.parametrize(
    ("args", "extra"), [(["serve", "--port", "0"], "ui"), (["eval", "questions.jsonl"], "eval")]
)
def test_a_command_whose_extra_is_missing_names_the_install(plumbing_env, args, extra):
    out = run_core_only(args, plumbing_env)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"pip install 'qa-briefing[{extra}]'" in out.stderr, out.stderr
