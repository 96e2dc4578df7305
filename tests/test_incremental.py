"""Incremental builds (qa/index/cache.py): a deck added, changed or removed is read and embedded
alone, and the index answers exactly as a full build of the same corpus does.

The plumbing runs on the test encoder (fast); one test runs the default model, whose latent terms
and word table go through the cache too, on the two smallest real decks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.index import CACHE, StageUpdate, build_index, index_corpus, load_index
from qa.index.progress import STAGES
from qa.search import Searcher

from .conftest import DECKS, PLUMBING_MODEL

REAL = DECKS / "real"
QUESTIONS = (
    "How do I make a slide deck with Marp?",
    "What does the theme directive do?",
    "How is spam filtered?",
    "スライドの書き方は？",
    "Which tools are used for the research presentation?",
)


def corpus_of(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(REAL / name, folder / name)
    return folder


def answers(corpus: Path, index: Path, model: str | None) -> list[list[tuple]]:
    """Each question's hits: (doc, slide, passage, score)."""
    searcher = Searcher.open(corpus, index, model=model)
    return [[(h.doc, h.slide, h.passage_id, h.score) for h in searcher.search(q, k=5).hits] for q in QUESTIONS]


def assert_same_answers(a: list[list[tuple]], b: list[list[tuple]]) -> None:
    assert [[h[:3] for h in hits] for hits in a] == [[h[:3] for h in hits] for hits in b]
    for hits_a, hits_b in zip(a, b, strict=True):
        assert [h[3] for h in hits_a] == pytest.approx([h[3] for h in hits_b], abs=1e-6)


def component_files(index: Path) -> dict[str, str]:
    """sha256 of every file of the current build but the manifest and the pictures (linked from the
    previous build by an incremental one, rendered again by a full one)."""
    files = load_index(index).manifest["files"]
    return {name: meta["sha256"] for name, meta in files.items() if not name.startswith("pictures/")}


def assert_equals_full_build(corpus: Path, index: Path, fresh: Path, model: str | None) -> None:
    build_index(corpus, fresh, None if model is None else _encoder(model))
    assert component_files(index) == component_files(fresh)
    assert_same_answers(answers(corpus, index, model), answers(corpus, fresh, model))


def _encoder(model: str):
    from qa.encoders import load_encoder

    return load_encoder(model)


def stages(index: Path) -> dict[str, dict]:
    return load_index(index).manifest["stages"]


# ---------------------------------------------------------------- the test encoder: add, change, remove


def test_adding_changing_and_removing_a_deck_reads_it_alone_and_equals_a_full_build(tmp_path):
    encoder = _encoder(PLUMBING_MODEL)
    corpus = corpus_of(tmp_path / "corpus", "marp-academic.md", "marp-example.md")
    index = tmp_path / "index"
    build_index(corpus, index, encoder)
    assert stages(index)["read"] == {"seconds": stages(index)["read"]["seconds"], "computed": 2, "reused": 0}

    shutil.copy(REAL / "bsdcan-fighting-spam.pdf", corpus)  # added: a PDF, with its pictures
    build_index(corpus, index, encoder)
    done = stages(index)
    assert (done["read"]["computed"], done["read"]["reused"]) == (1, 2)
    spam = [p for p in load_index(index).passages if p.doc == "bsdcan-fighting-spam"]
    assert 0 < done["passage_vectors"]["computed"] <= len(spam)
    assert (done["pictures"]["computed"], done["pictures"]["reused"]) == (1, 0)  # the PDF; Markdown has none
    assert_equals_full_build(corpus, index, tmp_path / "full-added", PLUMBING_MODEL)

    deck = corpus / "marp-example.md"  # changed: one slide more
    deck.write_text(deck.read_text(encoding="utf-8") + "\n---\n\n# Speaker notes\n\n- Rehearse twice\n", "utf-8")
    build_index(corpus, index, encoder)
    done = stages(index)
    assert (done["read"]["computed"], done["read"]["reused"]) == (1, 2)
    assert done["passage_vectors"]["computed"] <= 3  # the new slide's passages (a changed card at most)
    assert_equals_full_build(corpus, index, tmp_path / "full-changed", PLUMBING_MODEL)

    (corpus / "marp-academic.md").unlink()  # removed
    build_index(corpus, index, encoder)
    done = stages(index)
    assert (done["read"]["computed"], done["read"]["reused"]) == (0, 2)
    assert done["passage_vectors"]["computed"] == 0
    assert_equals_full_build(corpus, index, tmp_path / "full-removed", PLUMBING_MODEL)
    # the cache keeps what the current build uses: the removed deck's reading is gone
    assert len(list((index / CACHE / "decks").glob("*.json"))) == 2


def test_a_damaged_cache_entry_is_computed_again(tmp_path):
    encoder = _encoder(PLUMBING_MODEL)
    corpus = corpus_of(tmp_path / "corpus", "marp-academic.md", "marp-example.md")
    index = tmp_path / "index"
    build_index(corpus, index, encoder)
    before = component_files(index)
    for path in (index / CACHE / "rows").rglob("pack-*.npy"):
        path.write_bytes(path.read_bytes()[:-8] + b"\0" * 8)  # same size, other bytes
    first, second = sorted((index / CACHE / "decks").glob("*.json"))
    first.write_text("{half a deck", encoding="utf-8")
    entry = json.loads(second.read_text(encoding="utf-8"))
    entry["content"]["passages"][0]["text"] = "edited"  # valid JSON, but not what was stored
    second.write_text(json.dumps(entry), encoding="utf-8")
    (corpus / "marp-example.md").touch()
    build_index(corpus, index, encoder)
    done = stages(index)
    assert done["read"]["computed"] == 2 and done["passage_vectors"]["reused"] == 0
    assert component_files(index) == before


def test_the_cache_is_readable_and_bounded(tmp_path, monkeypatch):
    """JSON and .npy with a manifest, never pickle; rows no build uses go once they outnumber the used
    ones (here: at once)."""
    import numpy as np

    from qa.gloss import gloss_units
    from qa.index import cache
    from qa.lang import default_tokenizer

    encoder = _encoder(PLUMBING_MODEL)
    corpus = corpus_of(tmp_path / "corpus", "marp-academic.md", "marp-example.md")
    (corpus / "briefing.txt").write_text((DECKS / "jst-crds-sti-2023.txt").read_text(encoding="utf-8"), "utf-8")
    index = tmp_path / "index"
    build_index(corpus, index, encoder)
    root = index / CACHE
    assert {p.suffix for p in root.rglob("*") if p.is_file()} == {".json", ".npy"}
    for pack in (root / "rows").rglob("pack-*.json"):
        meta = json.loads(pack.read_text(encoding="utf-8"))
        for array in meta["arrays"].values():
            rows = np.load(pack.parent / array["file"], allow_pickle=False)
            assert rows.shape[0] == len(meta["keys"]) == array["shape"][0]
    monkeypatch.setattr(cache, "KEEP_UNUSED", 0.0)
    monkeypatch.setattr(cache, "SPARE_ROWS", 0)
    (corpus / "marp-example.md").unlink()
    build_index(corpus, index, encoder)
    loaded = load_index(index)
    texts = {p.embedding_text() for p in loaded.passages}
    texts |= set(gloss_units(loaded.passages, default_tokenizer())[0])
    space = cache.BuildCache(root).space(encoder.model_id, "passage")
    assert len(space) == len(texts) and all(space.has(t) for t in texts)
    assert len(list((root / "rows").iterdir())) == 2  # passages' and reference questions' vectors


# ---------------------------------------------------------------- progress


def test_every_build_says_its_stages_and_times_them(tmp_path, capsys):
    encoder = _encoder(PLUMBING_MODEL)
    corpus = corpus_of(tmp_path / "corpus", "marp-example.md")
    updates: list[StageUpdate] = []
    summary = index_corpus(corpus, tmp_path / "index", encoder, progress=True, on_stage=updates.append)
    told = {u.stage for u in updates}
    assert {"read", "passage_vectors", "keyword", "hubness", "pictures"} <= told <= set(STAGES)
    last = [u for u in updates if u.stage == "passage_vectors"][-1]
    texts = {p.embedding_text() for p in load_index(tmp_path / "index").passages}
    assert last.done == last.total == len(texts)  # each text once
    assert last.line() == f"embedding passages {last.total}/{last.total}"
    assert "embedding passages" in capsys.readouterr().err  # the terminal's bar
    assert list(summary.stages) == [s for s in STAGES if s in summary.stages]
    assert all(stage["seconds"] >= 0 for stage in summary.stages.values())


def test_a_server_rebuild_shows_its_stage_and_count(tmp_path):
    from qa.live import LiveSearcher, Rebuilder, Status
    from ui.uploads import status_html

    corpus = corpus_of(tmp_path / "corpus", "marp-example.md")
    index = tmp_path / "index"
    live = LiveSearcher(Searcher.open(corpus, index, model=PLUMBING_MODEL))
    rebuilder = Rebuilder(corpus, index, live, progress=False)
    seen: list[Status] = []
    stage = rebuilder._stage
    rebuilder._stage = lambda update: (stage(update), seen.append(rebuilder.status))
    shutil.copy(REAL / "marp-academic.md", corpus)
    rebuilder.request()
    rebuilder._worker.join(60)
    assert rebuilder.status.state == "idle" and live.generation == 1
    embedding = [s for s in seen if s.stage == "passage_vectors" and s.total]
    last = embedding[-1]
    assert last.message == f"indexing: embedding passages {last.total}/{last.total}"
    html = status_html(embedding[0])
    assert f'max="{embedding[0].total}"' in html and "embedding passages" in html


# ---------------------------------------------------------------- the default model: latent terms and word table


def test_with_the_default_model_an_added_deck_gives_the_answers_of_a_full_build(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # a one-slide deck to start from keeps the two full builds short; the deck added is a real one
    (corpus / "notes.md").write_text("# 研究発表の準備\n\n- スライドは前日までに仕上げる\n", encoding="utf-8")
    index = tmp_path / "index"
    build_index(corpus, index)
    shutil.copy(REAL / "marp-academic.md", corpus)
    build_index(corpus, index)
    done = stages(index)
    assert (done["read"]["computed"], done["read"]["reused"]) == (1, 1)
    assert done["word_table"]["reused"] > 0 and done["latent_passages"]["reused"] > 0
    assert done["hubness"]["computed"] == 0  # the reference questions' vectors, from the cache
    assert_equals_full_build(corpus, index, tmp_path / "full", None)
