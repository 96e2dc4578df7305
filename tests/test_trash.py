"""The corpus's trash: removed decks are kept, listed and restored, never overwritten."""

from __future__ import annotations

import pytest

from qa.cli import main
from qa.errors import QAError
from qa.trash import restore, to_trash, trashed


def test_a_removed_deck_waits_in_the_trash_and_comes_back(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "deck.md").write_text("# first\n", encoding="utf-8")
    first = to_trash(corpus, corpus / "deck.md")
    (corpus / "deck.md").write_text("# second\n", encoding="utf-8")
    second = to_trash(corpus, corpus / "deck.md")
    assert not (corpus / "deck.md").exists() and first.id != second.id
    assert {item.path.read_text(encoding="utf-8") for item in trashed(corpus)} == {"# first\n", "# second\n"}

    assert restore(corpus, first.id) == corpus / "deck.md"
    assert restore(corpus, second.id) == corpus / "deck-2.md"  # the name was taken again: never overwritten
    assert (corpus / "deck.md").read_text(encoding="utf-8") == "# first\n"
    assert (corpus / "deck-2.md").read_text(encoding="utf-8") == "# second\n"
    assert trashed(corpus) == [] and not any((corpus / ".trash").iterdir())
    with pytest.raises(QAError, match="no deck 'nope' in the trash"):
        restore(corpus, "nope")


def test_the_cli_lists_and_restores(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    assert main(["trash", "--corpus", str(corpus)]) == 0 and "empty" in capsys.readouterr().out
    (corpus / "deck.md").write_text("# deck\n", encoding="utf-8")
    item = to_trash(corpus, corpus / "deck.md")
    assert main(["trash", "--corpus", str(corpus)]) == 0
    assert item.id in capsys.readouterr().out
    assert main(["trash", "--corpus", str(corpus), "--restore", item.id]) == 0
    assert "restored deck.md" in capsys.readouterr().out and (corpus / "deck.md").is_file()
    assert main(["trash", "--corpus", str(corpus), "--restore", item.id]) == 2
    assert "no deck" in capsys.readouterr().err
