"""The index's files and manifest, rebuilds on change and damage (on indexes of the test encoder)."""

import json

import numpy as np
import pytest

from qa.encoders import load_encoder
from qa.index import IndexInvalid, Stale, build_index, current_build, ensure_index, load_index, why_stale


def test_manifest_describes_the_build(own_plumbing_index):
    _, index = own_plumbing_index
    loaded = load_index(index)
    m = loaded.manifest
    encoder = load_encoder()  # the test encoder (own_plumbing_index)
    assert m["model"] == encoder.model_id == "hash-test/1" and m["dim"] == encoder.dim == loaded.vectors.d
    assert m["n_passages"] == len(loaded.passages) == loaded.vectors.ntotal
    assert {"inputs", "built_at", "vector_index", "files", "pictures"} <= set(m)
    assert m["inputs"]["corpus"].keys() == {"jst-crds-sti-2023.txt", "catalog.toml"}
    assert {"chunker", "tokenizer", "encoder", "package_data", "jmdict", "components", "readers"} <= set(m["inputs"])
    assert m["vector_index"]["kind"] == "flat"
    assert set(m["files"]) >= {"passages.jsonl", "slides.jsonl", "vectors.faiss", "keyword/vocab.index.json"}
    assert not list(current_build(index).rglob("*.pkl")) and not list(current_build(index).rglob("*.pickle"))


def test_stored_vectors_are_the_passage_embeddings(own_plumbing_index):
    _, index = own_plumbing_index
    loaded = load_index(index)
    encoder = load_encoder()
    row = 7
    expected = encoder.encode_passages([loaded.passages[row].embedding_text()])[0]
    assert np.allclose(loaded.vectors.reconstruct(row), expected, atol=1e-5)


def test_corpus_change_triggers_a_rebuild_and_says_so(own_plumbing_index):
    corpus, index = own_plumbing_index
    before = current_build(index)
    (corpus / "extra.md").write_text("# 量子技術\n- 量子コンピュータの研究開発を推進\n", encoding="utf-8")
    loaded = load_index(index)
    assert why_stale(loaded, corpus, load_encoder()) == [Stale("corpus_file_added", "extra.md")]
    messages = []
    rebuilt = ensure_index(corpus, index, notify=messages.append)
    assert current_build(index) != before
    assert any("a deck was added: extra.md" in m for m in messages)
    assert rebuilt.rebuilt_for == [Stale("corpus_file_added", "extra.md")]
    assert "extra" in {d["doc"] for d in rebuilt.documents}


def test_model_mismatch_is_stale(own_plumbing_index):
    corpus, index = own_plumbing_index
    loaded = load_index(index)

    class Other:
        model_id, dim = "some/other-model", load_encoder().dim

    assert why_stale(loaded, corpus, Other()) == [
        Stale("encoder_changed", f"{load_encoder().model_id} → some/other-model")
    ]


def test_a_build_that_dies_leaves_the_previous_index(own_plumbing_index, monkeypatch):
    corpus, index = own_plumbing_index
    before = current_build(index)
    (corpus / "extra.md").write_text("# New\n- something new\n", encoding="utf-8")
    import faiss

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", boom)
    with pytest.raises(OSError):
        build_index(corpus, index)
    assert current_build(index) == before
    assert load_index(index).manifest["n_passages"] > 0
    assert not [p for p in index.iterdir() if p.name.startswith(".tmp-build-")]


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: (b / "vectors.faiss").write_bytes((b / "vectors.faiss").read_bytes()[:100]),
        lambda b: (b / "manifest.json").unlink(),
        lambda b: (b / "manifest.json").write_text("{not json", encoding="utf-8"),
        lambda b: (b / "passages.jsonl").write_text(
            (b / "passages.jsonl").read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8"
        ),
    ],
    ids=["truncated-faiss", "missing-manifest", "broken-manifest", "passages-out-of-step"],
)
def test_damage_is_detected_and_rebuilt(own_plumbing_index, damage):
    corpus, index = own_plumbing_index
    damage(current_build(index))
    with pytest.raises(IndexInvalid):
        load_index(index)
    messages = []
    loaded = ensure_index(corpus, index, notify=messages.append)
    assert messages and loaded.vectors.ntotal == len(loaded.passages)


def test_edited_manifest_is_refused(own_plumbing_index):
    _, index = own_plumbing_index
    path = current_build(index) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["n_passages"] += 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexInvalid, match="out of step"):
        load_index(index)


def test_the_manifest_times_each_stage_of_the_build(own_plumbing_index):
    _, index = own_plumbing_index
    stages = load_index(index).manifest["stages"]
    assert {"read", "passage_vectors", "gloss_vectors", "keyword", "hubness", "pictures"} <= set(stages)
    assert all(set(stage) == {"seconds", "computed", "reused"} for stage in stages.values())


def test_an_index_of_the_previous_format_is_rebuilt_without_sentence_vectors(own_plumbing_index):
    import hashlib

    from qa.index.build import FORMAT

    corpus, index = own_plumbing_index
    folder = current_build(index)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = "qa-index/2"  # as it was with the sentences' vectors
    data = json.dumps(manifest).encode("utf-8")
    (folder / "manifest.json").write_bytes(data)
    (index / "CURRENT").write_text(f"{folder.name}\n{hashlib.sha256(data).hexdigest()}\n", encoding="utf-8")
    rebuilt = ensure_index(corpus, index)
    assert [r.kind for r in rebuilt.rebuilt_for] == ["damaged"] and rebuilt.manifest["format"] == FORMAT
    assert not [name for name in rebuilt.manifest["files"] if name.startswith("sentence")]
