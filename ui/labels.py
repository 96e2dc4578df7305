"""Interface wording in Japanese and English, one table so both stay in step.

Pairs are (Japanese, English), read with qa.messages.pick like the library's wording;
words the CLI shows too (the speaker-notes label) live in qa/messages.py.
"""

from __future__ import annotations

from qa.messages import pick

UI_LANGS = {"日本語": "ja", "English": "en"}

TEXT = {
    "title": ("スライド資料 Q&A", "Slide deck Q&A"),
    "intro": (
        "日本語または英語で質問すると、答えが書かれている箇所をスライド番号つきで示します。",
        "Ask in Japanese or English; you get the passages that answer, each with its slide.",
    ),
    "chat": ("回答", "Answers"),
    "question": ("質問", "Question"),
    "placeholder": (
        "例: EUのホライゾン・ヨーロッパの投資総額は？ (Enterで送信)",
        "e.g. What is Horizon Europe's budget? (Enter sends)",
    ),
    "ask": ("質問する", "Ask"),
    "settings": ("設定", "Settings"),
    "k": ("表示する箇所の数", "Passages shown"),
    "mode": ("検索方式", "Search mode"),
    "doc": ("資料", "Document"),
    "all_docs": ("すべての資料", "All documents"),
    "answer_lang": ("回答の言語", "Answer language"),
    "auto": ("表示言語に合わせる", "Same as the interface"),
    "cited": ("引用スライド (クリックで表示)", "Cited slides (click to show)"),
    "outline": ("スライド一覧", "Slide outline"),
    "slide_view": ("スライド", "Slide"),
    "prev": ("◀ 前のスライド", "◀ Previous slide"),
    "next": ("次のスライド ▶", "Next slide ▶"),
    "copy": ("引用 (コピーしてメモへ)", "Citation (copy into a memo)"),
    "feedback_title": ("正しいスライドは？", "Which slide is right?"),
    "feedback_slide": ("正しいスライド番号", "The right slide was number"),
    "feedback_doc": ("その資料", "In document"),
    "feedback_send": ("送信", "Send"),
    "feedback_cancel": ("取り消し", "Cancel"),
    "thanks_up": ("ありがとうございます。評価を記録しました。", "Thank you: your rating was recorded."),
    "thanks_down": (
        "ありがとうございます。スライド{n}を正解として記録しました。",
        "Thank you: slide {n} was recorded as the answer.",
    ),
    "ask_slide": (
        "どのスライドに答えがありますか？番号を入れて送信してください。",
        "Which slide holds the answer? Enter its number and send.",
    ),
    "bad_slide": ("{doc} にスライド{n}はありません (1〜{last})。", "{doc} has no slide {n} (1–{last})."),
    "no_answer_yet": ("先に質問してください。", "Ask a question first."),
    "no_match": ("該当する箇所が見つかりませんでした。", "No good match in the documents."),
    "weak": ("参考までに、最も近い箇所 (一致は弱い):", "The closest passages, for reference (weak matches):"),
    "no_hits": ("該当する箇所はありません。", "Nothing matched."),
    "cited_mark": ("引用箇所", "Cited"),
    "weak_mark": ("最も近い箇所（弱い一致）", "Closest passage (weak match)"),
    "closest": ("最も近いスライド (弱い一致・クリックで表示)", "Closest slides (weak matches; click to show)"),
    "lead": ("答え", "Answer"),
    "confidence": ("確度", "Confidence"),
    "position": ("{n} / {total}", "{n} / {total}"),
    "position_aria": ("全{total}枚中{n}枚目", "slide {n} of {total}"),
    "picture_alt": ("スライド{n}の画像", "Picture of slide {n}"),
    "docs_tab": ("資料一覧", "Documents"),
    "card_author": ("発表者・著者", "Speaker / author"),
    "card_date": ("日付", "Date"),
    "card_org": ("組織", "Organisation"),
    "card_source": ("ファイル", "Source file"),
    "card_slides": ("スライド数", "Slides"),
    "card_warnings": ("注意", "Notes"),
    "mode_hybrid": ("ハイブリッド (おすすめ)", "Hybrid (recommended)"),
    "mode_dense": ("意味で探す", "By meaning (dense)"),
    "mode_keyword": ("キーワード", "Keywords"),
    "eval_tab": ("一括評価", "Batch evaluation"),
    "chat_tab": ("質問", "Ask"),
    "examples": ("質問の例", "Example questions"),
    "ui_lang": ("表示言語 / Language", "表示言語 / Language"),
    "error": ("エラー: {message}", "Error: {message}"),
}


def mode_choices(lang: str) -> list[tuple[str, str]]:
    """The search modes with translated labels; the values stay the library's names."""
    return [(t(f"mode_{mode}", lang), mode) for mode in ("hybrid", "dense", "keyword")]


def t(key: str, lang: str, **values) -> str:
    """The wording of `key` in lang ('ja' or 'en'), with {placeholders} filled."""
    return pick(TEXT[key], lang).format(**values)
