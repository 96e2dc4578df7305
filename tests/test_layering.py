"""The library's layering: it never imports the UI, and importing it changes no environment."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

CHECK = """
import os, sys
before = dict(os.environ)
import qa, qa.cli, qa.search, qa.index, qa.evaluation, qa.live, qa.readers
assert dict(os.environ) == before, "importing the library changed the environment"
assert not [m for m in sys.modules if m == "ui" or m.startswith("ui.")], "the library imported the UI"
from qa.cli import build_parser
build_parser()  # the CLI's edge loads the `qa.commands` entry points: the UI's command module, not gradio
assert "gradio" not in sys.modules
"""


def test_the_library_never_imports_the_ui_and_leaves_the_environment_alone():
    # A fresh interpreter: this test session has imported ui already.
    run = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_the_ui_adds_serve_to_the_cli_through_its_entry_point():
    from qa.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["serve", "--port", "7999"])
    assert args.func.__module__ == "ui.command" and args.port == 7999
