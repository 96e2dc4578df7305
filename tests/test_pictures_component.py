"""The pictures component: rendered at build time into the build, covered by the manifest, read only when shown."""

from __future__ import annotations

import pytest

import qa.index.pictures
import qa.readers.pictures
from qa.index import build_index, current_build, index_corpus, load_index

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32  # enough for a file the build only stores


@pytest.fixture
def rendered(monkeypatch):
    """Pretend text decks have page images: the renderer writes one PNG per slide it is asked for."""
    calls = []

    def render(path, fmt, out_dir, limits, budget=None):
        calls.append((path.name, fmt))
        (out_dir / "1.png").write_bytes(PNG + b"1")
        (out_dir / "2.png").write_bytes(PNG + b"2")
        return {1: "1.png", 2: "2.png"}

    monkeypatch.setattr(qa.index.pictures, "PICTURE_FORMATS", ("text",))
    monkeypatch.setattr(qa.readers.pictures, "render", render)
    return calls


def test_pictures_are_stored_in_the_build_and_found_by_slide(own_plumbing_index, rendered):
    corpus, index = own_plumbing_index
    summary = index_corpus(corpus, index)
    assert rendered == [("jst-crds-sti-2023.txt", "text")]
    assert [(d.doc, d.pictures, d.pictures_missing) for d in summary.decks] == [("jst-crds-sti-2023", 2, "")]
    loaded = load_index(index)
    picture = loaded.picture("jst-crds-sti-2023", 2)
    assert picture is not None and picture.read_bytes() == PNG + b"2"
    assert picture.parent.parent == current_build(index) / "pictures"
    assert picture.relative_to(current_build(index)).as_posix() in loaded.manifest["files"]
    assert loaded.picture("jst-crds-sti-2023", 3) is None and loaded.picture("nope", 1) is None


def test_a_damaged_picture_is_not_shown_and_does_not_stop_answering(own_plumbing_index, rendered):
    corpus, index = own_plumbing_index
    build_index(corpus, index)
    picture = load_index(index).picture("jst-crds-sti-2023", 1)
    picture.write_bytes(b"edited")
    loaded = load_index(index)  # answering never reads the pictures
    assert loaded.picture("jst-crds-sti-2023", 1) is None
    assert loaded.picture("jst-crds-sti-2023", 2) is not None


def test_text_decks_are_text_only_and_say_why(own_plumbing_index):
    corpus, index = own_plumbing_index
    summary = index_corpus(corpus, index)
    assert [(d.pictures, d.pictures_missing) for d in summary.decks] == [(0, "text_format")]
    assert load_index(index).picture("jst-crds-sti-2023", 1) is None


def test_a_deck_the_renderer_cannot_draw_is_text_only(own_plumbing_index, monkeypatch):
    corpus, index = own_plumbing_index
    monkeypatch.setattr(qa.index.pictures, "PICTURE_FORMATS", ("text",))
    summary = index_corpus(corpus, index)  # the stub renderer returns {}
    assert [(d.pictures, d.pictures_missing) for d in summary.decks] == [(0, "not_rendered")]
    assert not (current_build(index) / "pictures").exists() or not any((current_build(index) / "pictures").iterdir())
