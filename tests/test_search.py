import numpy as np
import pytest

import qa.signals.bm25
import qa.signals.dense
import qa.signals.sparse
from qa.errors import QAError
from qa.settings import MORE_PER_SLIDE

HORIZON = "955億ユーロ"


@pytest.mark.parametrize(
    "question, lang",
    [("EUのホライゾン・ヨーロッパの投資総額は？", "ja"), ("What is the total budget of Horizon Europe?", "en")],
)
def test_horizon_europe_budget_is_in_the_top_3(searcher, question, lang):
    answer = searcher.search(question, k=3)
    assert answer.lang == lang and not answer.low_confidence
    assert any(h.slide == 5 and HORIZON in h.text for h in answer.hits)


def test_hits_are_ranked_and_cited(searcher):
    answer = searcher.search("英国のグローバル・タレント・ビザ", k=5)
    assert [h.rank for h in answer.hits] == [1, 2, 3, 4, 5]
    top = answer.hits[0]
    assert top.slide == 10 and "グローバル・タレント・ビザ" in top.text
    assert top.title == searcher.slide(top.doc, top.slide).title


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_every_mode_finds_a_japanese_keyword_question(searcher, mode):
    answer = searcher.search("フランス2030の投資額", k=3, mode=mode)
    assert answer.mode == mode
    assert answer.hits[0].slide == 5 and "540億ユーロ" in answer.hits[0].text


def test_one_hit_a_slide_and_its_further_passages_listed_under_it(searcher):
    answer = searcher.search("ホライゾン・ヨーロッパ", k=6)
    slides = [(h.doc, h.slide) for h in answer.hits]
    assert len(slides) == len(set(slides)) == 6  # six different slides
    for h in answer.hits:
        assert len(h.more) <= MORE_PER_SLIDE
        mine = {i for i, _ in searcher.slide_passages(h.doc, h.slide)}
        assert {m.passage_id for m in h.more} <= mine and h.passage_id not in {m.passage_id for m in h.more}
        assert [m.score for m in h.more] == sorted((m.score for m in h.more), reverse=True)
        assert all(m.score <= h.score for m in h.more)


def one_candidate_a_signal(monkeypatch) -> None:
    for module in (qa.signals.bm25, qa.signals.dense, qa.signals.sparse):
        monkeypatch.setattr(module, "POOL", 1)


def test_a_slides_passages_outside_every_candidate_pool_are_still_listed_under_it(searcher, monkeypatch):
    import qa.search

    one_candidate_a_signal(monkeypatch)
    candidates, fuse = set(), qa.search.weighted_zscore_fusion
    monkeypatch.setattr(
        qa.search, "weighted_zscore_fusion", lambda signals: candidates.update(fuse(signals)) or fuse(signals)
    )
    hits = searcher.search("ホライゾン・ヨーロッパ", k=3).hits
    listed = set()
    for h in hits:
        mine = [i for i, _ in searcher.slide_passages(h.doc, h.slide) if i != h.passage_id]
        listed |= {m.passage_id for m in h.more}
        assert {m.passage_id for m in h.more} <= set(mine) and len(h.more) == min(len(mine), MORE_PER_SLIDE)
    assert listed - candidates  # passages no signal offered, listed under their slide's hit


def test_whole_slide_rows_are_never_shown(searcher):
    for question in ("ホライゾン・ヨーロッパ", "What is the conclusion of this talk?"):
        for h in searcher.search(question, k=10).hits:
            assert h.kind != "slide" and all(m.kind != "slide" for m in h.more)


def test_document_filter_and_bad_mode(searcher):
    assert all(h.doc == "jst-crds-sti-2023" for h in searcher.search("G7", doc="jst-crds-sti-2023").hits)
    with pytest.raises(QAError):
        searcher.search("G7", doc="no-such-deck")
    with pytest.raises(QAError):
        searcher.search("G7", mode="magic")


def test_empty_question_gets_a_prompt_not_an_error(searcher):
    answer = searcher.search("   ")
    assert answer.hits == [] and answer.notices


def test_a_decks_language_is_that_of_most_of_its_passages():
    from qa.chunking import Passage
    from qa.search import deck_languages

    rows = [
        Passage(doc="a", slide=1, title="研究開発の動向", text="予算は増えている"),
        Passage(doc="a", slide=2, title="Code", text="$ git log --oneline"),
        Passage(doc="a", slide=3, title="まとめ", text="国際連携が鍵"),
        Passage(doc="b", slide=1, title="Agenda", text="What is Django?"),
    ]
    assert deck_languages(rows) == {"a": "ja", "b": "en"}


def test_the_bridge_takes_every_word_only_across_languages(searcher, monkeypatch):
    """Over decks of the question's own language only, the bridge translates the words the index
    lacks; with a deck in the other language among those searched, every word (a word known from
    one deck may still need translating for another)."""
    from qa.search import Searcher

    keyword = searcher.index.keyword
    asked = []
    for name in ("translate", "translate_to_english"):
        real = getattr(keyword, name)

        def spy(words, every_word=False, real=real):
            asked.append(every_word)
            return real(words, every_word=every_word)

        monkeypatch.setattr(keyword, name, spy)
    fresh = Searcher(searcher.index, searcher.encoder, searcher.settings)
    assert set(fresh._deck_language.values()) == {"ja"}  # the session corpus: the briefing alone

    def every_word(question: str, **kw) -> bool:
        asked.clear()
        fresh.search(question, k=3, **kw)
        # the first call measures reach (and serves alone when False), then comes the bridge's own; the
        # last translates the words to mark in the passages (Analysis.highlight)
        return asked[-2]

    assert every_word("研究開発の予算は？") is False
    assert every_word("What is the R&D budget?") is True
    fresh._deck_language["some english deck"] = "en"
    assert every_word("研究開発の予算は？") is True
    assert every_word("研究開発の予算は？", doc="jst-crds-sti-2023") is False  # one Japanese deck searched


def test_a_deck_filter_scores_every_gloss_of_its_deck(searcher, monkeypatch):
    """Searching one deck, the glosses its passages own are scored exactly, not a global pool
    filtered afterwards: with a pool of one a deck's glosses would mostly miss it."""
    one_candidate_a_signal(monkeypatch)
    index, dense = searcher.index, searcher.dense
    question = "What is the research budget?"
    vector = searcher.encoder.encode_queries([question])
    owner = index.gloss_owner
    doc = index.passages[int(owner[-1])].doc
    rows = searcher._doc_rows[doc]
    mine = np.flatnonzero(np.isin(owner, rows))
    assert len(set(owner[mine].tolist())) > 1  # the deck owns glosses of several passages
    expected = {}
    for unit, sim in zip(mine.tolist(), (index.glosses.reconstruct_batch(mine) @ vector[0]).tolist(), strict=True):
        expected[int(owner[unit])] = max(sim, expected.get(int(owner[unit]), -2.0))
    found = dense._gloss_scores(vector, set(rows), {})
    assert found.keys() == expected.keys()
    assert all(abs(found[row] - expected[row]) < 1e-5 for row in expected)
    assert len(dense._gloss_scores(vector, None, {})) == 1  # unfiltered: the pool
    glossed = dense.scores(vector, "en", rows, searcher.settings, glosses=True).glosses
    assert set(owner.tolist()) & set(rows) <= set(glossed)  # through the signal itself


def test_the_passages_a_word_is_in_are_read_from_the_keyword_index(searcher):
    """The no-good-match evidence reads which of the question's words the top passage holds from the
    keyword index; it must agree with tokenising the passage."""
    keyword, tokenizer = searcher.index.keyword, searcher.tokenizer
    sample = list(range(0, len(searcher.passages), 3))
    asked = {token for i in sample[:8] for token in tokenizer.tokens(searcher.passages[i].embedding_text())}
    asked |= {"quantum", "存在しない語"}
    for i in sample:
        holds = set(tokenizer.tokens(searcher.passages[i].embedding_text()))
        assert keyword.held_by(asked, i) == asked & holds


def test_words_for_the_deck_itself_are_not_searched_for(searcher, monkeypatch):
    """「この資料」, "the speaker": the keyword side searches what the question asks about, unless
    nothing else is left."""
    from qa.search import Searcher

    searched = []
    fresh = Searcher(searcher.index, searcher.encoder, searcher.settings)
    real = fresh.store.keyword_scores
    monkeypatch.setattr(fresh.store, "keyword_scores", lambda tokens: searched.extend(tokens) or real(tokens))

    def terms(question: str) -> set[str]:
        searched.clear()
        fresh.search(question, k=3)
        return set(searched)

    asked = terms("この資料の発表者はどの部署に所属している？")
    assert {"部署", "所属", "発表者"} <= asked and not {"資料", "此の", "発表", "此の_資料"} & asked
    assert "speaker" not in terms("Which department does the speaker belong to?")
    assert "資料" in terms("資料")  # nothing else left: searched as asked
