from qa.chunking import MERGE_SEPARATOR, UNPACKED, Packing, chunk_document, chunk_slide, clean, join_lines
from qa.documents import load_corpus
from qa.slides import Slide

from .conftest import BRIEFING_DOC, CORPUS


def passages(packing=UNPACKED):
    """The briefing's passages; unpacked by default, where the tests look at the fine units."""
    doc = next(d for d in load_corpus(CORPUS).documents if d.doc_id == BRIEFING_DOC)
    return chunk_document(doc, packing)


def test_passages_never_cross_slides():
    doc = next(d for d in load_corpus(CORPUS).documents if d.doc_id == BRIEFING_DOC)
    bodies = {s.number: s.body.replace("**", "") for s in doc.slides}
    for p in passages():
        # every passage's text comes from its own slide's body
        first_words = p.text.split(":")[0][:8]
        assert first_words in bodies[p.slide] or first_words in clean(bodies[p.slide]), p
    assert {p.slide for p in passages()} >= {1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15}
    assert not [p for p in passages() if p.slide in (3, 7, 11)]  # dividers hold no text


def test_table_rows_keep_their_row_header_and_lose_the_rules():
    rows = [p for p in passages() if p.kind == "row"]
    assert len(rows) == 7
    eu = next(p for p in rows if "ホライゾン" in p.text)
    assert eu.text.startswith("EU: ") and "955億ユーロ" in eu.text and eu.slide == 5
    assert eu.context == "国際的な技術競争の中で各国はSTI分野に巨額投資"
    assert not any("|" in p.text or "---" in p.text for p in passages())


def test_a_table_of_one_row_keeps_its_cells():
    """PowerPoint boxes drawn as a one-cell table (the Keras workshop's code and model summaries) read
    as a header row and its rule with no row under them: the cells are the content, not headings."""
    body = "Look at the layers.\n\n| Total params: 669,706 |\n| --- |"
    slide = Slide(doc="keras", number=41, title="Model Summary", body=body)
    texts = [p.text for p in chunk_slide(slide, UNPACKED)]
    assert "Total params: 669,706" in texts
    two_rows = Slide(doc="d", number=2, title="T", body="| name | size |\n| --- | --- |\n| a | 1 |")
    assert [p.text for p in chunk_slide(two_rows, UNPACKED)] == ["a: size: 1"]


def test_sub_bullets_carry_their_parent_and_debris_is_cleaned():
    ps = passages()
    chips = next(p for p in ps if p.text.startswith("大統領令の下"))
    assert chips.context.startswith("米国：「新ワシントン・コンセンサス」")
    assert not any("**" in p.text or p.text.startswith(("- ", "◆", "✓")) for p in ps)
    assert all(p.text.strip() for p in ps)


def test_nested_markdown_bullets_and_long_paragraphs():
    body = "- parent point\n  - child detail\n    - grandchild\n- next point\n\n" + "長い文。" * 400
    ps = chunk_slide(Slide("d", 1, "T", body), UNPACKED)
    child = next(p for p in ps if p.text == "grandchild")
    assert child.context == "parent point › child detail"
    assert next(p for p in ps if p.text == "next point").context == ""
    long_parts = [p for p in ps if p.text.startswith("長い文")]
    assert len(long_parts) > 1 and all(len(p.text) <= 600 for p in long_parts)


def test_embedding_text_carries_title_and_context():
    eu = next(p for p in passages() if "ホライゾン・ヨーロッパ」(2021" in p.text)
    assert eu.embedding_text().splitlines() == [eu.title, eu.context, eu.text]


def test_bullets_separated_by_blank_lines_are_each_a_passage_not_a_heading():
    # PDF pages give one block a bullet; a bullet never becomes the heading of the next one.
    slide = Slide("d", 6, "HTTP/1.0", "- 1996年 RFC1945\n\n- HEAD/POST とバージョンの追加\n\n- Response Header")
    texts = [(p.kind, p.text, p.context) for p in chunk_slide(slide, UNPACKED)]
    assert texts == [
        ("bullet", "1996年 RFC1945", ""),
        ("bullet", "HEAD/POST とバージョンの追加", ""),
        ("bullet", "Response Header", ""),
    ]


def test_a_lone_line_over_a_list_is_the_context_of_its_bullets_not_a_passage():
    slide = Slide("d", 2, "T", "G7首脳コミュニケ\n- 研究セキュリティの原則に合意\n- 人材の循環")
    passages = chunk_slide(slide, UNPACKED)
    assert [p.kind for p in passages] == ["bullet", "bullet"]
    assert all(p.context == "G7首脳コミュニケ" for p in passages)


def test_a_slide_that_is_only_its_title_is_searchable_by_it_but_a_section_divider_is_not():
    assert [(p.kind, p.text) for p in chunk_slide(Slide("d", 3, "Hello deck", ""))] == [("paragraph", "Hello deck")]
    assert chunk_slide(Slide("d", 4, "まとめ", "", kind="divider")) == []


LABELLED = "- 問題:\n  - AIは楽な解決策を選びがち\n- 具体例:\n  - パスワード平文保存\n- 効果:\n  - " + "長い説明" * 30


def test_a_label_bullet_is_packed_with_the_bullets_it_heads():
    branches = chunk_slide(Slide("d", 8, "T", LABELLED), Packing(branch_chars=100, run_chars=0))
    texts = [p.text for p in branches]
    assert texts[:2] == ["問題: · AIは楽な解決策を選びがち", "具体例: · パスワード平文保存"]
    assert branches[0].kind == "section" and branches[0].context == ""
    # a branch longer than the limit stays as its bullets, each with its context
    assert texts[2:] == ["効果:", "長い説明" * 30] and branches[3].context == "効果:"


def test_neighbouring_units_are_packed_up_to_the_size_and_never_across_headings():
    body = "予算\n- 米国 3兆円\n- 欧州 2兆円\n- 日本 1兆円\n\n人材\n- 研究者の循環"
    ps = chunk_slide(Slide("d", 5, "T", body), Packing(branch_chars=0, run_chars=16))
    assert [(p.context, p.text) for p in ps] == [
        ("予算", MERGE_SEPARATOR.join(["米国 3兆円", "欧州 2兆円"])),  # the third would pass 16 characters
        ("予算", "日本 1兆円"),
        ("人材", "研究者の循環"),
    ]


def test_packing_keeps_every_word_and_notes_apart():
    slide = Slide("d", 2, "T", LABELLED, notes="話すこと一つ目\n\n話すこと二つ目")
    fine = chunk_slide(slide, UNPACKED)
    packed = chunk_slide(slide)
    assert len(packed) < len(fine)
    assert "".join(p.text for p in packed).replace(MERGE_SEPARATOR, "") == "".join(p.text for p in fine)
    assert [p.text for p in packed if p.kind == "note"] == [MERGE_SEPARATOR.join(["話すこと一つ目", "話すこと二つ目"])]
    assert all(p.kind != "note" for p in packed[: len(packed) - 1])


def test_the_packed_briefing_keeps_table_rows_under_their_heading():
    packed = [p for p in passages(Packing()) if p.slide == 5 and "ホライゾン" in p.text and p.kind != "slide"]
    assert len(packed) == 1 and packed[0].context == "国際的な技術競争の中で各国はSTI分野に巨額投資"
    assert len(passages(Packing())) < len(passages())


def test_only_a_plain_text_deck_has_its_emphasis_and_links_removed():
    slide = Slide("d", 1, "T", "- **予算**は [資料](https://x.org) を参照\n- `__init__.py` と ![bg](a.png)")
    light_markdown = [p.text for p in chunk_slide(slide, UNPACKED)]
    assert light_markdown == ["予算は 資料 を参照", "`init.py` と bg"]
    rendered = [p.text for p in chunk_slide(slide, UNPACKED, markup=False)]  # Markdown, PDF, PPTX readers
    assert rendered == ["**予算**は [資料](https://x.org) を参照", "`__init__.py` と ![bg](a.png)"]


def test_a_short_line_over_headed_lists_titles_each_of_them_and_is_not_a_passage():
    body = "学習ロードマップ\n\nステップ1:小プロジェクト\n\n- TDD習慣化\n\nステップ2:チーム開発\n\n- プロンプト共有"
    ps = chunk_slide(Slide("d", 39, "T", body), UNPACKED)
    assert [(p.context, p.text) for p in ps] == [
        ("学習ロードマップ › ステップ1:小プロジェクト", "TDD習慣化"),
        ("学習ロードマップ › ステップ2:チーム開発", "プロンプト共有"),
    ]
    # a paragraph ends the section: what follows it is not under the title
    after = chunk_slide(Slide("d", 2, "T", body + "\n\n補足の段落。\n\n次の見出し\n- 項目"), UNPACKED)
    assert after[-1].context == "次の見出し"


def test_a_line_break_inside_a_japanese_word_or_a_url_joins_without_a_space():
    assert join_lines(["クライアント側から確認しま", "しょう"]) == "クライアント側から確認しましょう"
    assert join_lines(["スケールする設計", "になっている"]) == "スケールする設計になっている"
    assert join_lines(["著者 太郎", "ほげほげ研究室 M2"]) == "著者 太郎 ほげほげ研究室 M2"  # a new item
    assert join_lines(["詳しくは https://docs.pyinfra.com/en/3.x/oper", "ations.html を参照"]) == (
        "詳しくは https://docs.pyinfra.com/en/3.x/operations.html を参照"
    )
    assert join_lines(["Reduce spam:", "Block at the MTA"]) == "Reduce spam: Block at the MTA"


def test_display_drops_a_bullets_glyph_but_keeps_a_list_number():
    assert clean("- 営業で直接会った人に話す") == "営業で直接会った人に話す"
    assert clean("5. 案件概要を書く（負荷が大きく、ここで止まることが多い）").startswith("5. 案件概要を書く")


def test_the_card_says_what_the_title_slide_says_first_and_each_thing_once():
    card = next(p for p in passages(Packing()) if p.kind == "card")
    assert card.slide == 1 and "JST研究開発戦略センターセミナー" in card.text  # the title slide's own line
    assert card.text.count("長谷川貴之") == 1  # the author property, already on the slide
    assert card.text.index("2023年8月25日") < card.text.index("2023-08-25")  # the slide's date, then the property's
