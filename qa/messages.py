"""The words the CLI and the UI show for what the library returns as codes, in Japanese and English.

The library says what happened (a `Stale` reason, a notice code); this module
is the one place that says it in words. Every table of wording (here, in
qa/formatting.py and in ui/labels.py) stores (Japanese, English) pairs and reads them
with `pick`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STALE = {
    "missing": ("索引がまだありません", "there is no index yet"),
    "damaged": ("索引が壊れています: {detail}", "the index is damaged: {detail}"),
    "corpus_file_added": ("資料が追加されました: {detail}", "a deck was added: {detail}"),
    "corpus_file_changed": ("資料が変更されました: {detail}", "a deck changed: {detail}"),
    "corpus_file_removed": ("資料が削除されました: {detail}", "a deck was removed: {detail}"),
    "package_data_changed": ("パッケージのデータが変わりました: {detail}", "package data changed: {detail}"),
    "encoder_changed": ("埋め込みモデルが変わりました: {detail}", "the embedding model changed: {detail}"),
    "tokenizer_changed": ("トークナイザが変わりました: {detail}", "the tokenizer changed: {detail}"),
    "dictionary_changed": ("Sudachi辞書が変わりました: {detail}", "the Sudachi dictionary changed: {detail}"),
    "jmdict_changed": ("JMdictのデータが変わりました: {detail}", "the JMdict data changed: {detail}"),
    "chunker_changed": ("パッセージ分割が変わりました: {detail}", "the passage splitter changed: {detail}"),
    "reader_changed": ("資料の読み取りが変わりました: {detail}", "a deck reader changed: {detail}"),
    "ocr_changed": ("OCR（Tesseract）が変わりました: {detail}", "the OCR engine (Tesseract) changed: {detail}"),
    "component_format_changed": (
        "索引の構成要素の形式が変わりました: {detail}",
        "an index component's format changed: {detail}",
    ),
}

NOTICES = {
    "question_truncated": (
        "質問が長すぎるため、最初の{max_chars}文字で検索しました。",
        "The question was cut to its first {max_chars} characters.",
    ),
    "empty_question": ("質問を入力してください。", "Please type a question."),
    "notes_label": ("ノート", "Speaker notes"),  # the CLI's and the UI's label
    # a slide whose text Tesseract read from its picture (qa/readers/ocr.py)
    "ocr_mark": ("OCRで読み取り・誤読の可能性あり", "read by OCR, may misread"),
    # a hit whose slide shows what an earlier hit's shows (a quiz slide and its answer reveal)
    "repeats": ("[{rank}]と同じ内容", "same text as [{rank}]"),
    "no_good_match": (
        "該当しそうな箇所は見つかりませんでした（参考までに近い箇所）:",
        "No good match in the documents; the closest passages, for reference:",
    ),
    "building": ("索引を作成しています（{reasons}）…", "Building the index ({reasons}) …"),
    "relevance_label": ("関連度", "relevance"),
    "answer_label": ("答え", "Answer"),
    "answering_stale": (
        "前回の索引で回答しながら、バックグラウンドで作り直します（{reasons}）…",
        "Answering from the last good build while the index is rebuilt in the background ({reasons}) …",
    ),
    "kept_previous": ("以前の索引を使い続けます: {error}", "Kept the previous index: {error}"),
    "lock_wait": (
        "{index} の別の作成処理が実行中です。終了を待っています…",
        "Another build of {index} is running; waiting for it to finish …",
    ),
    "pictures_text_format": ("テキストのみ: {format}形式に画像なし", "text only: {format} decks have no page images"),
    "pictures_over_budget": (
        "テキストのみ: この索引の画像の容量上限に達しました",
        "text only: the build's pictures reached their size limit",
    ),
    "pictures_not_rendered": ("テキストのみ: 画像を作成できません", "text only: pictures could not be rendered"),
}


@dataclass(frozen=True)
class Notice:
    """Something to tell the user, as a code (NOTICES) and its parameters."""

    code: str
    params: dict = field(default_factory=dict)


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Japanese or the English of a (Japanese, English) pair: Japanese for 'ja', else English."""
    ja, en = pair
    return ja if lang == "ja" else en


def say(code: str, lang: str = "en", **params) -> str:
    """The words for a notice code."""
    return pick(NOTICES[code], lang).format(**params)


def notice(note: Notice, lang: str = "en") -> str:
    return say(note.code, lang, **note.params)


def stale(reason, lang: str = "en") -> str:
    """The words for a staleness reason (qa.index.staleness.Stale)."""
    return pick(STALE[reason.kind], lang).format(detail=reason.detail)


def stale_reasons(reasons, lang: str = "en", most: int = 3) -> str:
    """Several reasons in one line, the first `most` of them named."""
    words = [stale(r, lang) for r in reasons[:most]]
    if len(reasons) > most:
        words.append(f"+{len(reasons) - most} more" if lang != "ja" else f"ほか{len(reasons) - most}件")
    return "; ".join(words)
