"""The words the CLI and the UI show for what the library returns as codes, in Japanese and English.

The library says what happened (a `Stale` reason, a notice code); this module
is the one place that says it in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGS = ("en", "ja")

STALE = {
    "missing": ("there is no index yet", "索引がまだありません"),
    "damaged": ("the index is damaged: {detail}", "索引が壊れています: {detail}"),
    "corpus_file_added": ("a deck was added: {detail}", "資料が追加されました: {detail}"),
    "corpus_file_changed": ("a deck changed: {detail}", "資料が変更されました: {detail}"),
    "corpus_file_removed": ("a deck was removed: {detail}", "資料が削除されました: {detail}"),
    "package_data_changed": ("package data changed: {detail}", "パッケージのデータが変わりました: {detail}"),
    "encoder_changed": ("the embedding model changed: {detail}", "埋め込みモデルが変わりました: {detail}"),
    "tokenizer_changed": ("the tokenizer changed: {detail}", "トークナイザが変わりました: {detail}"),
    "dictionary_changed": ("the Sudachi dictionary changed: {detail}", "Sudachi辞書が変わりました: {detail}"),
    "jmdict_changed": ("the JMdict data changed: {detail}", "JMdictのデータが変わりました: {detail}"),
    "chunker_changed": ("the passage splitter changed: {detail}", "パッセージ分割が変わりました: {detail}"),
    "reader_changed": ("a deck reader changed: {detail}", "資料の読み取りが変わりました: {detail}"),
    "component_format_changed": (
        "an index component's format changed: {detail}",
        "索引の構成要素の形式が変わりました: {detail}",
    ),
}

NOTICES = {
    "question_truncated": (
        "The question was cut to its first {max_chars} characters.",
        "質問が長すぎるため、最初の{max_chars}文字で検索しました。",
    ),
    "empty_question": ("Please type a question.", "質問を入力してください。"),
    "notes_label": ("speaker notes", "ノート"),
    "no_good_match": (
        "No good match in the documents; the closest passages, for reference:",
        "該当しそうな箇所は見つかりませんでした（参考までに近い箇所）:",
    ),
    "building": ("Building the index ({reasons}) …", "索引を作成しています（{reasons}）…"),
    "kept_previous": ("Kept the previous index: {error}", "以前の索引を使い続けます: {error}"),
    "lock_wait": (
        "Another build of {index} is running; waiting for it to finish …",
        "{index} の別の作成処理が実行中です。終了を待っています…",
    ),
    "pictures_text_format": ("text only: {format} decks have no page images", "テキストのみ: {format}形式に画像なし"),
    "pictures_not_rendered": ("text only: pictures could not be rendered", "テキストのみ: 画像を作成できません"),
}


@dataclass(frozen=True)
class Notice:
    """Something to tell the user, as a code (NOTICES) and its parameters."""

    code: str
    params: dict = field(default_factory=dict)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "ja" else pair[0]


def say(code: str, lang: str = "en", **params) -> str:
    """The words for a notice code."""
    return _pick(NOTICES[code], lang).format(**params)


def notice(note: Notice, lang: str = "en") -> str:
    return say(note.code, lang, **note.params)


def stale(reason, lang: str = "en") -> str:
    """The words for a staleness reason (qa.index.staleness.Stale)."""
    return _pick(STALE[reason.kind], lang).format(detail=reason.detail)


def stale_reasons(reasons, lang: str = "en", most: int = 3) -> str:
    """Several reasons in one line, the first `most` of them named."""
    words = [stale(r, lang) for r in reasons[:most]]
    if len(reasons) > most:
        words.append(f"+{len(reasons) - most} more" if lang != "ja" else f"ほか{len(reasons) - most}件")
    return "; ".join(words)
