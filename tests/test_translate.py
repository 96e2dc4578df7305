"""The distilled JMdict bridge shipped in the package, in both directions."""

from __future__ import annotations

import gzip

from qa import translate


def test_the_shipped_dictionary_names_its_source_and_licence():
    with gzip.open(translate.DATA_FILE, "rt", encoding="utf-8") as fh:
        header = fh.readline()
    assert header.startswith("# JMdict") and "EDRDG" in header and "CC BY-SA 4.0" in header
    assert translate.source_id().startswith("JMdict") and "sha256:" in translate.source_id()


def test_english_words_point_to_the_vocabulary_only():
    table = translate.build_map(["研究", "投資", "EU", "存在しない語彙"])
    assert table["research"] == ["研究"] and table["investment"] == ["投資"]
    assert all(set(tokens) <= {"研究", "投資"} for tokens in table.values())
    assert translate.translate(["researches", "unknownword"], table) == (["研究"], 1)


def test_japanese_words_point_to_english_vocabulary_only():
    reverse = translate.build_reverse_map(["research", "budget", "研究"])
    assert reverse["研究"] == ["research"]
    assert all(set(words) <= {"research", "budget"} for words in reverse.values())
    assert translate.translate_to_english(["研究", "予算", "猫"], reverse)[1] == 2


def test_long_glosses_are_explanations_not_translations():
    assert translate.gloss_words("research (esp. scientific)") == ["research"]
    assert translate.gloss_words("a person who studies the history of science in depth") == []
