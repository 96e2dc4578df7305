"""The unseen decks of the generalisation check (tests/fixtures/unseen/, `make unseen`): the files are
the upstream ones, the readers read them whole, and every question is answerable from what they read."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from qa.chunking import chunk_document
from qa.documents import load_corpus
from qa.evaluation import RelevanceJudge, read_questions
from scripts import check_questions
from scripts.unseen_decks import QUESTIONS, UNSEEN, corpus_files

from .test_real_decks import source_numbers


@pytest.fixture(scope="module")
def decks():
    corpus = load_corpus(UNSEEN)
    assert corpus.problems == []
    return {d.doc_id: d for d in corpus.documents}


def test_the_decks_are_the_upstream_files_byte_for_byte():
    sums = [line.split() for line in (UNSEEN / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    assert len(sums) == len([p for p in UNSEEN.iterdir() if p.suffix in (".pdf", ".pptx")]) == 9
    for digest, name in sums:
        assert hashlib.sha256((UNSEEN / name).read_bytes()).hexdigest() == digest, name


def test_every_deck_is_read_with_the_sources_own_slide_numbers(decks):
    assert len(decks) == 9
    for path in sorted(UNSEEN.iterdir()):
        if (expected := source_numbers(path)) is not None:
            assert [s.number for s in decks[path.stem].slides] == expected, path.name


def test_the_questions_pass_the_independent_check():
    """scripts/check_questions.py: each answer is on its gold slide as pypdfium2 / python-pptx read it."""
    assert check_questions.main([str(QUESTIONS)]) == 0


def test_every_question_is_answered_by_a_passage_on_its_gold_slide(decks):
    """What `make unseen` measures must be there to find: a question no passage answers would count
    a reader's loss as a retrieval miss."""
    passages = [replace(p, doc=f"unseen/{p.doc}") for d in decks.values() for p in chunk_document(d)]
    judge = RelevanceJudge(passages)
    questions = read_questions(QUESTIONS).questions
    assert len(questions) >= 70
    assert {q.lang for q in questions} == {"ja", "en"}
    assert [q.id for q in questions if not judge.relevant(q)] == []


def test_the_check_searches_the_unseen_decks_beside_the_shipped_corpus():
    files = corpus_files()
    assert "jst-crds-sti-2023.txt" in files and "catalog.toml" in files
    assert sum(name.startswith("real/") for name in files) == 11
    assert sorted(Path(name).name for name in files if name.startswith("unseen/")) == sorted(
        p.name for p in UNSEEN.iterdir() if p.suffix in (".pdf", ".pptx")
    )
    assert not any(name.startswith("questions/") for name in files)
