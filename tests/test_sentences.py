import numpy as np

from qa.chunking import Passage
from qa.sentences import best_sentence_scores, sentence_units, split_sentences


def test_split_sentences_japanese_and_english():
    assert split_sentences("投資は増加。各国は競争している。") == ["投資は増加。", "各国は競争している。"]
    assert split_sentences("It grew. Then it fell.") == ["It grew.", "Then it fell."]
    assert split_sentences("短い。OK。十分に長い二つ目の文です。") == ["短い。OK。", "十分に長い二つ目の文です。"]


def test_only_multi_sentence_passages_get_sentence_units():
    passages = [
        Passage("d", 1, "T", "一つだけの文です。"),
        Passage("d", 1, "T", "最初の文がここにある。二番目の文もここにある。", context="見出し"),
    ]
    texts, owners = sentence_units(passages)
    assert texts == ["T\\n見出し\\n最初の文がここにある。".replace("\\n", "\n"), "T\n見出し\n二番目の文もここにある。"]
    assert owners.tolist() == [1, 1]


def test_best_sentence_scores_keeps_each_passages_maximum():
    owners = np.array([0, 0, 1])
    best = best_sentence_scores(np.array([0.2, 0.7, 0.4]), np.array([0, 1, 2]), owners)
    assert best == {0: 0.7, 1: 0.4}
    assert best_sentence_scores(np.array([0.9]), np.array([-1]), owners) == {}
