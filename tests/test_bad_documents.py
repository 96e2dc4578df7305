"""Bad documents are named and skipped; the rest is indexed; an unusable corpus keeps the previous index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.documents import load_corpus
from qa.encoders import load_encoder
from qa.errors import QAError
from qa.index import build_index, current_build, load_index
from qa.index.inputs import corpus_files
from qa.readers.text import decode
from qa.search import Searcher

SJIS_DECK = "量子技術の国際動向\n\n- 量子コンピュータの研究開発を各国が推進している\n"
EUC_DECK = "半導体の供給網\n\n- 半導体の供給網を同盟国と強化する動きが広がる\n"


def test_utf16_with_a_bom_is_decoded():
    assert decode(SJIS_DECK.encode("utf-16"), "a.txt") == SJIS_DECK


def test_utf8_with_a_stray_byte_is_named_not_read_as_shift_jis():
    data = (SJIS_DECK * 20).encode("utf-8")
    data = data[:301] + b"\xff" + data[301:]
    with pytest.raises(QAError, match=r"^bad\.txt: UTF-8 with .* invalid byte"):
        decode(data, "bad.txt")


def _unreadable(path: Path, monkeypatch) -> None:
    """chmod 000; as root (who reads anything) the read is made to fail the same way."""
    path.chmod(0)
    if os.geteuid() == 0:
        real = Path.read_bytes

        def read_bytes(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.fixture
def mixed_corpus(tmp_path, monkeypatch) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sjis.txt").write_bytes(SJIS_DECK.encode("cp932"))
    (corpus / "euc.txt").write_bytes(EUC_DECK.encode("euc_jp"))
    (corpus / "good.md").write_text("# 人材\n- 博士人材の国際流動を促す\n---\n# 予算\n- 研究開発費", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blob.txt").write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)))
    (corpus / "rules.md").write_text("---\n---\n", encoding="utf-8")  # separators, no slides
    (corpus / "debris.md").write_text("# **\n\n---\n# |---|---|\n", encoding="utf-8")  # slides, nothing to search
    (corpus / "locked.txt").write_text("秘密\n\n- 読めない", encoding="utf-8")
    _unreadable(corpus / "locked.txt", monkeypatch)
    return corpus


def test_bad_files_are_named_and_the_rest_is_indexed(mixed_corpus, tmp_path, hash_model):
    messages = []
    build_index(mixed_corpus, tmp_path / "index", notify=messages.append)
    loaded = load_index(tmp_path / "index")
    assert {d["doc"] for d in loaded.documents} == {"sjis", "euc", "good"}
    expected = {
        "empty.txt": "empty",
        "blob.txt": "ZIP file",
        "rules.md": "no text to search",  # empty front matter: one empty page, as Marp makes it
        "debris.md": "no text to search",
        "locked.txt": "cannot be read",
    }
    for name, reason in expected.items():
        assert [m for m in messages if name in m and reason in m], (name, messages)
    assert set(loaded.manifest["problems"]) == {m.removeprefix("skipped: ") for m in messages}
    searcher = Searcher(loaded, load_encoder())
    top = searcher.search("量子コンピュータの研究開発", k=1).hits[0]
    assert top.doc == "sjis" and "量子コンピュータ" in top.text
    top = searcher.search("同盟国と供給網を強化する動き", k=1).hits[0]
    assert top.doc == "euc" and "同盟国" in top.text


def test_an_unreadable_file_does_not_stop_the_fingerprint(mixed_corpus):
    before = corpus_files(mixed_corpus)
    assert before == corpus_files(mixed_corpus)
    assert any("locked.txt" in p for p in load_corpus(mixed_corpus).problems)


def test_a_deck_in_a_subfolder_is_named_once_by_its_path(tmp_path):
    from pptx import Presentation

    (tmp_path / "sub").mkdir()
    Presentation().save(tmp_path / "sub" / "empty.pptx")  # a real PowerPoint file with no slides
    assert load_corpus(tmp_path).problems == ["sub/empty.pptx: no slides found (is the file empty of text?)"]


def _ruin(corpus: Path) -> None:
    for path in corpus.glob("*.txt"):
        path.write_bytes(b"\x00\x01binary now")


def test_qa_index_over_an_unusable_corpus_keeps_the_current_index(own_plumbing_index):
    corpus, index = own_plumbing_index
    before = current_build(index)
    _ruin(corpus)
    out = subprocess.run(
        [sys.executable, "-m", "qa", "index", "--corpus", str(corpus), "--index", str(index)],
        capture_output=True,
        text=True,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
        timeout=600,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "jst-crds-sti-2023.txt: this looks like a binary file" in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("error: no passages to index")
    assert current_build(index) == before and load_index(index).manifest["n_passages"] > 0


def test_searcher_keeps_answering_from_the_previous_index_when_the_corpus_becomes_unusable(own_plumbing_index):
    corpus, index = own_plumbing_index
    before = current_build(index)
    _ruin(corpus)
    messages = []
    searcher = Searcher.open(corpus, index, notify=messages.append)
    assert current_build(index) == before
    assert any(m.startswith("Kept the previous index: no passages to index") for m in messages)
    hits = searcher.search("EUのホライゾン・ヨーロッパの投資総額は？", k=3).hits
    assert any(h.slide == 5 and "955億ユーロ" in h.text for h in hits)
