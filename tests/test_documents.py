from pathlib import Path

import pytest

from qa.documents import deck_files, load_corpus
from qa.errors import QAError
from qa.readers.markdown import markdown_deck
from qa.readers.text import decode, text_deck

from .conftest import BRIEFING_DOC, CORPUS, DECKS

EXPECTED_OUTLINE = {
    1: "科学技術・イノベーションを取り巻く国際情勢と新潮流",
    2: "発表内容",
    3: "科学技術・イノベーション(STI)分野の国際動向",
    4: "科学技術・イノベーション(STI)分野の国際動向",
    5: "科学技術・イノベーション(STI)分野の国際動向 競争力強化と課題解決のカギとしてのSTIへの投資",
    6: "科学技術・イノベーション(STI)分野の国際動向 経済安全保障の確保に向けたSTI政策の推進",
    7: "価値を共有する国々との国際連携強化へ",
    8: "価値を共有する国々との国際連携強化へ",
    9: "価値を共有する国々との国際連携強化へ 研究の開放性とセキュリティの両立に向けた動き",
    10: "価値を共有する国々との国際連携強化へ 優秀な科学技術人材の確保に向けた動き",
    11: "まとめ",
    12: "まとめ",
    13: "国際連携強化に関する日本の取り組み例",
    14: "ご清聴ありがとうございました",
    15: "作成担当",
}


def briefing():
    corpus = load_corpus(CORPUS)
    return next(d for d in corpus.documents if d.doc_id == BRIEFING_DOC)


def test_briefing_outline_matches_the_deck():
    doc = briefing()
    assert {s.number: s.title for s in doc.slides} == EXPECTED_OUTLINE
    assert [s.number for s in doc.slides if s.kind == "divider"] == [3, 7, 11]


def test_slide_bodies_hold_their_own_content():
    slides = {s.number: s for s in briefing().slides}
    assert "2023年8月25日" in slides[1].body and "長谷川貴之" in slides[1].body
    assert "955億ユーロ" in slides[5].body and "955億ユーロ" not in slides[4].body
    assert "グローバル・タレント・ビザ" in slides[10].body
    assert "国際頭脳循環" in slides[10].body and "国際頭脳循環" not in slides[12].body
    assert "マサチューセッツ工科大(MIT)と連携" in slides[13].body
    assert "crds@jst.go.jp" in slides[14].body and "ISBN" in slides[15].body
    assert slides[3].body == "" and slides[7].body == ""


def test_briefing_file_is_kept_exactly_as_given():
    seed = CORPUS.parent.parent / "shared" / "seed" / "000_af354f0228660032.txt"
    if not seed.exists():
        pytest.skip("../shared/seed is not present in this checkout")
    assert (CORPUS / "jst-crds-sti-2023.txt").read_bytes() == seed.read_bytes()


def test_default_corpus_is_the_briefing_and_the_development_corpus_holds_it_unchanged():
    assert [d.doc_id for d in load_corpus(CORPUS).documents] == [BRIEFING_DOC]
    for name in ("jst-crds-sti-2023.txt", "catalog.toml"):
        assert (DECKS / name).read_bytes() == (CORPUS / name).read_bytes()
    assert len(deck_files(DECKS)) == 12  # the briefing and the eleven real decks (read in test_real_decks)


def test_markdown_deck_splits_on_rule_lines():
    text = "---\nmarp: true\n---\n# Intro\nhello\n\n---\n\n## Budget\n- item one\n---\nno heading here\nbody"
    deck = markdown_deck(text, "talk")
    assert [(s.number, s.title) for s in deck.slides] == [(1, "Intro"), (2, "Budget"), (3, "no heading here")]
    assert deck.slides[0].doc == "talk" and deck.slides[1].body == "- item one"


def test_form_feeds_split_plain_text():
    deck = text_deck("Page one\nalpha\n\fPage two\nbeta\n\f\n", "notes")
    assert [s.title for s in deck.slides] == ["Page one", "Page two"]


def test_shift_jis_and_euc_jp_are_decoded():
    text = "経済安全保障の確保\n\n- 半導体"
    assert decode(text.encode("cp932"), "a.txt") == text
    assert decode(text.encode("euc_jp"), "b.txt") == text


@pytest.mark.parametrize("data, message", [(b"", "empty"), (b"  \n", "empty"), (b"\x00\x01PK\x03", "binary")])
def test_unreadable_files_are_named(data, message):
    with pytest.raises(QAError, match=message):
        decode(data, "bad.txt")


def test_bad_files_are_reported_and_the_rest_still_loads(tmp_path: Path):
    (tmp_path / "good.md").write_text("# One\ntext\n---\n# Two\nmore", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(b"\x00" * 64)
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["good"]
    assert len(corpus.problems) == 2
    assert any("empty.txt" in p for p in corpus.problems) and any("blob.txt" in p for p in corpus.problems)
