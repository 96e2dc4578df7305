"""Question-term highlighting follows Sudachi morphemes and keeps every other character inert."""

from __future__ import annotations

from qa.chunking import MERGE_SEPARATOR
from qa.highlight import escape, highlight_html, marked_spans, passage_html, question_terms


def test_japanese_highlighting_follows_morphemes_not_characters():
    terms = question_terms("京都の大学は？")
    # 東京都 is 東京 + 都 to Sudachi: its characters 京都 are not the word 京都.
    assert highlight_html("東京都と京都の大学", terms) == "東京都と<mark>京都</mark>の<mark>大学</mark>"


def test_particles_are_not_highlighted_and_spelling_variants_are():
    terms = question_terms("EUのホライゾン・ヨーロッパの投資総額は？")
    assert "の" not in terms and "は" not in terms
    html = highlight_html("ホライズン・ヨーロッパへの総額955億ユーロの投資", terms)  # ズ/ゾ: one normalised form
    assert html.count("<mark>") == 4
    assert "<mark>ホライズン</mark>" in html and "<mark>投資</mark>" in html and "<mark>の" not in html


def test_english_terms_match_case_insensitively_without_stop_words():
    terms = question_terms("What is the total budget of Horizon Europe?")
    assert terms == {"total", "budget", "horizon", "europe"}
    assert highlight_html("HORIZON Europe: the budget", terms) == (
        "<mark>HORIZON</mark> <mark>Europe</mark>&#58; the <mark>budget</mark>"
    )


def test_extra_terms_mark_translations():
    terms = question_terms("budget", extra=["予算"])
    assert "<mark>予算</mark>" in highlight_html("研究開発の予算を増額", terms)


def test_spans_are_merged_and_cover_compounds():
    text = "研究開発投資が増加"
    spans = marked_spans(text, question_terms("研究開発投資"))
    assert spans == [(0, 6)]  # one mark over the compound, not three touching ones


def test_markup_in_passages_and_questions_stays_text():
    terms = question_terms("alert <script>")
    html = highlight_html("<script>alert(1)</script> <img src=x onerror=alert(1)> ![x](http://e.com/x.png)", terms)
    assert "<script" not in html and "<img" not in html and "](" not in html and "http:" not in html
    assert "<mark>alert</mark>" in html


def test_escape_is_a_superset_of_html_escape():
    assert escape('<a href="x">&\'') == "&#60;a href&#61;&#34;x&#34;&#62;&#38;&#39;"
    assert escape("$x$ `c` **b**") == "&#36;x&#36; &#96;c&#96; &#42;&#42;b&#42;&#42;"
    assert escape("日本語の文") == "日本語の文"


def test_grammar_words_are_not_marked():
    """「された」 is する + れる + た: none of it is a content word, so no さ on the slide lights up."""
    terms = question_terms("英国のビザはいつ導入された？")
    assert {"する", "さ", "れる", "た"}.isdisjoint(terms)
    html = highlight_html("ビザが導入されたことにより、研究がさらに進んだ", terms)
    assert html.count("<mark>") == 2 and "<mark>ビザ</mark>" in html and "<mark>導入</mark>" in html


def test_the_answer_span_is_marked_whole_over_word_marks():
    terms = question_terms("投資総額は？")
    text = "7年間で総額955億ユーロを投資"
    html = highlight_html(text, terms, answer=(4, 13))
    assert '<mark class="qa-span">総額955億ユーロ</mark>' in html
    assert "<mark>総額</mark>" not in html and "<mark>投資</mark>" in html


def test_the_passage_box_is_the_union_of_its_lines():
    from qa.highlight import passage_box
    from qa.slides import Region

    regions = [
        Region("予算", 0.1, 0.05, 0.5, 0.12),
        Region("• 初年度の研究予算は", 0.1, 0.3, 0.7, 0.36),
        Region("１２億円", 0.1, 0.37, 0.3, 0.42),  # full-width digits: NFKC makes them match
        Region("海外の研究機関と共同で実験する", 0.1, 0.5, 0.8, 0.56),
    ]
    assert passage_box(regions, "初年度の研究予算は 12億円") == (0.1, 0.3, 0.7, 0.42)
    assert passage_box(regions, "共同") == (0.1, 0.5, 0.8, 0.56)  # a short passage inside one line
    assert passage_box(regions, "どこにもない文") is None
    assert passage_box(regions, "") is None


def test_a_packed_passages_units_stand_on_lines_of_their_own():
    text = MERGE_SEPARATOR.join(["EU: 総額955億ユーロ", "英国: 200億ポンド"])
    start = text.index("総額")
    html = passage_html(text, question_terms("英国の投資は？"), answer=(start, start + len("総額955億ユーロ")))
    colon = escape(": ")
    assert html == f'EU{colon}<mark class="qa-span">総額955億ユーロ</mark><br><mark>英国</mark>{colon}200億ポンド'


def test_an_answer_mark_never_splits_a_word():
    from qa.highlight import highlight_html

    text = "費用は合計420万円です"
    start = text.index("計")
    html = highlight_html(text, set(), answer=(start, start + len("計420万円")))
    assert '<mark class="qa-span">合計420万円</mark>' in html
