"""The unseen decks of the generalisation check (tests/fixtures/unseen*/, `make unseen`): the files are
the upstream ones, the readers read them whole, and every question is answerable from what they read."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from qa.chunking import chunk_document
from qa.documents import deck_files, load_corpus
from qa.evaluation import RelevanceJudge, read_questions

from .test_real_decks import source_numbers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Every set of real decks with questions under tests/fixtures/ (the sets scripts/unseen_decks.py asks).
SETS = sorted(p.parent.name for p in FIXTURES.glob("unseen*/questions.jsonl"))

each_set = pytest.mark.parametrize("name", SETS)


def questions_of(name: str) -> list:
    return read_questions(FIXTURES / name / "questions.jsonl").questions


def test_there_are_sets_to_check():
    assert len(SETS) >= 3


@functools.cache
def read_set(name: str) -> dict:
    """A set's decks as the readers read them, read once per session: {doc id: document}."""
    corpus = load_corpus(FIXTURES / name)
    assert corpus.problems == []
    return {d.doc_id: d for d in corpus.documents}


@each_set
def test_the_decks_are_the_upstream_files_byte_for_byte(name):
    folder = FIXTURES / name
    sums = [line.split() for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    assert sorted(file for _, file in sums) == sorted(p.name for p in deck_files(folder))
    assert len(sums) >= 8
    for digest, file in sums:
        assert hashlib.sha256((folder / file).read_bytes()).hexdigest() == digest, file


@each_set
def test_every_deck_is_read_with_the_sources_own_slide_numbers(name):
    decks = read_set(name)
    assert len(decks) == len(deck_files(FIXTURES / name))
    for path in deck_files(FIXTURES / name):
        if (expected := source_numbers(path)) is not None:
            assert [s.number for s in decks[path.stem].slides] == expected, path.name


@each_set
def test_every_question_is_answered_by_a_passage_on_its_gold_slide(name):
    """What `make unseen` measures must be there to find: a question no passage answers would count
    a reader's loss as a retrieval miss."""
    passages = [replace(p, doc=f"{name}/{p.doc}") for d in read_set(name).values() for p in chunk_document(d)]
    judge = RelevanceJudge(passages)
    questions = questions_of(name)
    assert len(questions) >= 70
    assert {q.lang for q in questions} == {"ja", "en"}
    assert {q.doc.split("/")[0] for q in questions} == {name}
    assert [q.id for q in questions if not judge.relevant(q)] == []
