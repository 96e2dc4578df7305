"""Latent terms (qa/latent.py): an index component of the default model; a search looks a question's up
in the word table."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from qa.errors import QAError
from qa.index import IndexInvalid, ensure_index, load_index
from qa.index.latent import FILES, WORD_FILES
from qa.latent import TOP_K, LatentTerms, WordTable, require_model, scores, table_words, term_columns
from qa.search import Searcher

from .conftest import copy_corpus_and_index


@pytest.fixture(scope="module")
def latent_index(tmp_path_factory, corpus_dir, index_dir):
    """The session corpus with an index of its own."""
    corpus, index = copy_corpus_and_index(corpus_dir, index_dir, tmp_path_factory.mktemp("latent"))
    searcher = Searcher.open(corpus, index)
    return corpus, index, searcher


def test_every_index_of_the_default_model_holds_the_component(latent_index, searcher):
    _, _, latent = latent_index
    index = searcher.index
    assert latent.index.rebuilt_for == []
    ids, weights = index.latent
    assert ids.shape == weights.shape == (len(searcher.passages), TOP_K)
    assert set(FILES + WORD_FILES) <= set(index.manifest["files"])
    assert (weights >= 0).all() and (weights > 0).any(axis=1).all()  # every passage has some terms
    assert np.all(np.diff(weights, axis=1) <= 0)  # strongest first, padded with zeros


def test_the_word_table_holds_the_index_words_and_the_bridged_english_ones(searcher):
    table, keyword = searcher.index.latent_words, searcher.index.keyword
    words = set(table.words)
    assert words == set(table_words(keyword.vocab, keyword.translations))
    assert {"研究", "投資"} <= words and "summit" in keyword.translations and "summit" in words
    assert not any("_" in w for w in words if w in keyword.vocab)  # the index's bigrams stay out
    assert table.ids.shape == table.weights.shape == (len(words), TOP_K) and table.dim == 16384


def test_a_word_table_max_pools_the_words_it_holds():
    table = WordTable(
        ("a", "b"), np.array([[3, 1], [3, 2]], dtype=np.int32), np.array([[0.5, 0.2], [0.9, 0.1]], dtype=np.float32), 4
    )
    assert table.query(["a", "b", "unknown"]).tolist() == pytest.approx([0.0, 0.2, 0.1, 0.9])
    assert not table.query(["unknown"]).any()


def test_a_word_table_scales_each_word_before_the_max():
    table = WordTable(
        ("a", "b"), np.array([[3, 1], [3, 2]], dtype=np.int32), np.array([[0.5, 0.2], [0.9, 0.1]], dtype=np.float32), 4
    )
    # "b" outweighed its rival on feature 3 until it counts a quarter: then "a" holds it
    weighted = table.query(["a", "b"], {"a": 1.0, "b": 0.25}.get)
    assert weighted.tolist() == pytest.approx([0.0, 0.2, 0.025, 0.5])


def test_the_word_look_up_weights_rare_words_above_common_ones(searcher):
    keyword = searcher.index.keyword
    passages = [set(searcher.tokenizer.tokens(p.embedding_text())) for p in searcher.index.passages]
    df = {w: sum(w in p for p in passages) for w in ("研究", "首脳")}
    assert 0 < df["首脳"] < df["研究"]
    for word, n in df.items():  # BM25's idf over the rows the keyword index holds
        assert keyword.idf(word) == pytest.approx(math.log(1 + (len(passages) - n + 0.5) / (n + 0.5)))
    assert keyword.idf("首脳") > keyword.idf("研究") > 0
    # an English word of the table weighs what the rarest word it is bridged to weighs
    bridged = keyword.translations["summit"]
    assert keyword.idf("summit") == pytest.approx(max(keyword.idf(w) for w in bridged))
    # and the search's look-up differs from the unweighted max by exactly that scaling
    table, words = searcher.index.latent_words, ["研究", "首脳"]
    by_idf = table.query(words, keyword.idf)
    assert not np.allclose(by_idf, table.query(words))
    assert np.allclose(by_idf, np.maximum(*(table.query([w]) * keyword.idf(w) for w in words)))


def test_latent_scores_are_the_dot_products_of_the_stored_terms(searcher):
    """The inverted index by feature gives each row the dot product of its stored terms with the
    question's vector, for every row or some."""
    ids, weights = searcher.index.latent
    table = searcher.index.latent_words
    columns = term_columns(ids, weights, table.dim)
    for question in ("半導体の輸出管理", "What does the G7 communique say about AI?"):
        query = table.query(searcher.tokenizer.terms(question)[0])
        assert query.any()
        expected = (weights * query[ids]).sum(axis=1)
        assert np.allclose(scores(columns, query), expected, rtol=1e-5, atol=1e-6)
        some = np.array([len(ids) - 1, 0, 3])
        assert np.allclose(scores(columns, query, some), expected[some], rtol=1e-5, atol=1e-6)


def test_english_words_find_japanese_passages_through_the_word_table(searcher):
    ids, weights = searcher.index.latent
    table = searcher.index.latent_words
    words, _ = searcher.tokenizer.terms("semiconductor export")
    found = scores(term_columns(ids, weights, table.dim), table.query(words))
    assert "経済安全保障" in searcher.passages[int(np.argmax(found))].embedding_text()
    # a word neither in the briefing nor bridged to it adds nothing
    assert "quantum" not in table.words and not table.query(["quantum"]).any()


def test_the_default_search_looks_the_terms_up_without_a_model_pass(searcher):
    question = "Which partnership fund did the UK launch?"
    fresh = Searcher(searcher.index, searcher.encoder, searcher.settings)
    assert fresh.settings.latent_weight > 0
    with_terms = fresh.search(question, k=5)
    plain = Searcher(searcher.index, searcher.encoder, replace(searcher.settings, latent_weight=0.0))
    assert [h.score for h in with_terms.hits] != [h.score for h in plain.search(question, k=5).hits]


def test_a_rebuild_passes_over_its_new_words_only(latent_index, monkeypatch):
    corpus, index, _ = latent_index
    before = load_index(index).latent_words
    import qa.latent

    passed, word_pass = [], qa.latent._word_pass

    def spy(words, progress):
        passed.append(list(words))
        return word_pass(words, progress)

    monkeypatch.setattr(qa.latent, "_word_pass", spy)
    (corpus / "extra.md").write_text("# 追加の資料\n\n量子コンピュータの研究開発投資\n", encoding="utf-8")
    try:
        rebuilt = ensure_index(corpus, index)
        assert [r.kind for r in rebuilt.rebuilt_for] == ["corpus_file_added"]
        assert rebuilt.latent is not None and rebuilt.latent[0].shape[0] == len(rebuilt.passages)
        table = rebuilt.latent_words
        new = [w for w in table.words if w not in before.rows]
        assert "追加" in new and passed[-1] == new  # the word pass: the new words, nothing else
        kept = before.rows["投資"]
        assert (table.ids[table.rows["投資"]] == before.ids[kept]).all()
    finally:
        (corpus / "extra.md").unlink()
        ensure_index(corpus, index)


def test_latent_terms_match_the_words_of_a_question(latent_index):
    _, _, latent = latent_index
    ids, weights = latent.index.latent
    model = LatentTerms()
    found_ids, found_weights = model.encode(["G7首脳コミュニケ"])
    query = np.zeros(model.dim, dtype=np.float32)
    query[found_ids[0]] = found_weights[0]
    found = scores(term_columns(ids, weights, model.dim), query)
    best = [latent.passages[i].embedding_text() for i in np.argsort(-found)[:3]]
    assert all("G7" in text for text in best), best


def test_the_signal_changes_the_ranking_only_when_weighted(latent_index):
    _, _, latent = latent_index
    question = "Which partnership fund did the UK launch?"
    with_terms = latent.search(question, k=5)
    plain = Searcher(latent.index, latent.encoder, replace(latent.settings, latent_weight=0.0))
    without = plain.search(question, k=5)
    assert [h.score for h in with_terms.hits] != [h.score for h in without.hits]
    words, _ = latent.tokenizer.terms(question)
    assert plain.latent.scores(words, None)  # the component is there; weight 0 leaves it unused


def test_an_index_without_latent_terms_leaves_the_signal_out(searcher):
    # Another model's index has no latent terms: the default leaves the signal out...
    bare = replace(searcher.index, latent=None, latent_words=None)
    default = Searcher(bare, searcher.encoder, searcher.settings).search("量子技術", k=3)
    unweighted = Searcher(bare, searcher.encoder, replace(searcher.settings, latent_weight=0.0))
    assert [h.score for h in default.hits] == [h.score for h in unweighted.search("量子技術", k=3).hits]


def test_latent_terms_need_the_default_model(searcher):
    require_model(searcher.encoder.model_id)  # the default passes
    with pytest.raises(QAError, match="e5-small only"):
        require_model("sentence-transformers/another-model")


def test_a_damaged_latent_file_is_caught_by_the_manifest(latent_index, tmp_path):
    _, copy = copy_corpus_and_index(*latent_index[:2], tmp_path)
    folder = load_index(copy).folder
    (folder / FILES[1]).write_bytes(b"\x93NUMPY broken")
    with pytest.raises(IndexInvalid):
        load_index(copy)


def test_a_squad_sets_index_holds_latent_terms_too(tmp_path, capsys):
    import json

    from qa.cli import main

    from .test_evaluation import write_squad

    squad = write_squad(tmp_path)
    code = main(["eval", str(squad), "--json", "--k", "3", "--index", str(tmp_path / "idx")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["metrics"]["all"]["hit@3"] == 1.0
    cached = [load_index(folder) for folder in (tmp_path / "idx" / "eval-cache").iterdir()]
    assert len(cached) == 1 and cached[0].latent is not None and cached[0].latent[0].shape[0] == 4


def test_a_rebuild_reuses_a_word_table_only_when_it_is_intact_and_of_the_same_model(own_index, searcher):
    from qa.index.latent import previous_table

    _, index = own_index
    model = searcher.encoder.model_id
    assert previous_table(index, model).words == searcher.index.latent_words.words
    assert previous_table(index, "sentence-transformers/another-model") is None
    (load_index(index).folder / WORD_FILES[1]).write_bytes(b"\x93NUMPY broken")
    assert previous_table(index, model) is None  # a damaged table is passed over again, not reused


def test_the_word_pass_gives_what_a_pass_over_each_word_gives():
    # the table's words go through handles side by side, on one OpenMP thread each
    from qa.latent import _word_pass

    words = ["投資", "summit", "研究", "export", "量子"]
    ids, weights = _word_pass(words, progress=False)
    one_by_one = LatentTerms().encode(words)
    assert np.array_equal(ids, one_by_one[0]) and np.allclose(weights, one_by_one[1])
