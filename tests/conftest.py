"""Shared fixtures: the real corpus, indexed once per session with the real default model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DECKS = ROOT / "tests" / "decks"  # the development corpus: the briefing and the eleven real decks
BRIEFING_DOC = "jst-crds-sti-2023"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _no_hub(monkeypatch):
    # Nothing may reach a model hub: fail fast instead of waiting on the network.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """A private copy of corpus/ (decks only), so tests never touch the user's files."""
    target = tmp_path_factory.mktemp("corpus")
    for path in CORPUS.iterdir():
        if path.is_file():
            shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, corpus_dir) -> Path:
    from qa.index import build_index

    folder = tmp_path_factory.mktemp("index")
    build_index(corpus_dir, folder)
    return folder


@pytest.fixture(scope="session")
def searcher(corpus_dir, index_dir):
    from qa.search import Searcher

    return Searcher.open(corpus_dir, index_dir)


@pytest.fixture
def cli_env(corpus_dir, index_dir, monkeypatch):
    """Environment for running `qa` as a subprocess against the session index."""
    env = dict(os.environ, QA_CORPUS=str(corpus_dir), QA_INDEX=str(index_dir), HF_HUB_OFFLINE="1")
    return env


def copy_corpus_and_index(corpus_dir: Path, index_dir: Path, folder: Path) -> tuple[Path, Path]:
    """Copies of a corpus and its index under folder (the index's lock file left behind)."""
    corpus, index = folder / "corpus", folder / "index"
    shutil.copytree(corpus_dir, corpus)
    shutil.copytree(index_dir, index, ignore=shutil.ignore_patterns(".lock"))
    return corpus, index


@pytest.fixture
def own_index(tmp_path, corpus_dir, index_dir):
    """Copies of the session's corpus and index that this test may damage."""
    return copy_corpus_and_index(corpus_dir, index_dir, tmp_path)
