"""Index faults: damage is detected at load, killed and concurrent builds never leave a broken index
(on indexes of the test encoder: own_plumbing_index, and QA_MODEL for the `qa index` it starts)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa.encoders import load_encoder
from qa.errors import QAError
from qa.index import IndexInvalid, build_index, current_build, ensure_index, index_lock, load_index
from qa.search import Searcher

from .conftest import PLUMBING_MODEL

QUESTION = "EUのホライゾン・ヨーロッパの投資総額は？"
EXTRA_DECK = "# 量子技術の国際動向\n- 量子コンピュータの研究開発を各国が推進\n---\n# 人材\n- 博士人材の国際流動\n"


def answers_the_budget_question(loaded) -> bool:
    hits = Searcher(loaded, load_encoder()).search(QUESTION, k=3).hits
    return any(h.slide == 5 and "955億ユーロ" in h.text for h in hits)


def _reseal(build: Path, *names: str) -> None:
    """Update the manifest's checksums of files and CURRENT's checksum of the manifest, as a coherent writer would."""
    manifest_path = build / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name in names:
        data = (build / name).read_bytes()
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    digest = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    (build.parent / "CURRENT").write_text(f"{build.name}\n{digest}\n", encoding="utf-8")


def _edit_passage(build: Path) -> None:
    path = build / "passages.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("955億ユーロ", "999億ユーロ"), encoding="utf-8")


def _edit_passage_and_its_checksum(build: Path) -> None:
    path = build / "passages.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("955億ユーロ", "999億ユーロ"), encoding="utf-8")
    manifest_path = build / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    data = path.read_bytes()
    manifest["files"]["passages.jsonl"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _retitle_document(build: Path) -> None:
    path = build / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["documents"][0]["title"] = "別の資料"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _flip_a_vector_byte(build: Path) -> None:
    path = build / "vectors.faiss"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _vectors_of_another_model(build: Path) -> None:
    """A coherent build whose vectors come from a 512-dimensional model: checksums all match."""
    import faiss

    n = faiss.read_index(str(build / "vectors.faiss")).ntotal
    other = faiss.IndexFlatIP(512)
    other.add(np.random.default_rng(0).standard_normal((n, 512)).astype(np.float32))
    faiss.write_index(other, str(build / "vectors.faiss"))
    _reseal(build, "vectors.faiss")


def _passages_of_another_build(build: Path) -> None:
    """One passage fewer, resealed: checksums match but rows no longer match the vectors."""
    path = build / "passages.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    _reseal(build, "passages.jsonl")


DAMAGE = {
    "passage-edited": (_edit_passage, "passages.jsonl does not match its checksum"),
    "passage-and-manifest-edited": (_edit_passage_and_its_checksum, "manifest.json does not match its checksum"),
    "manifest-edited": (_retitle_document, "manifest.json does not match its checksum"),
    "vector-byte-flipped": (_flip_a_vector_byte, "vectors.faiss does not match its checksum"),
    "glosses-truncated": (
        lambda b: (b / "glosses.faiss").write_bytes((b / "glosses.faiss").read_bytes()[:64]),
        "glosses.faiss does not match",
    ),
    "keyword-file-missing": (lambda b: (b / "keyword" / "vocab.index.json").unlink(), "is missing from the index"),
    "vectors-from-another-model": (_vectors_of_another_model, "out of step"),
    "passages-resealed-out-of-step": (_passages_of_another_build, "out of step"),
    "current-names-a-missing-build": (lambda b: shutil.rmtree(b), "which is missing"),
    "current-garbage": (lambda b: (b.parent / "CURRENT").write_text("../../etc\n", encoding="utf-8"), "damaged"),
    "current-without-checksum": (
        lambda b: (b.parent / "CURRENT").write_text(b.name + "\n", encoding="utf-8"),
        "does not name the manifest's checksum",
    ),
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_mismatched_index_is_refused_at_load(own_plumbing_index, name):
    _, index = own_plumbing_index
    damage, message = DAMAGE[name]
    damage(current_build(index))
    with pytest.raises(IndexInvalid, match=message):
        load_index(index)


def test_a_coherent_index_of_another_model_is_rebuilt_and_answers(own_plumbing_index):
    corpus, index = own_plumbing_index
    _vectors_of_another_model(current_build(index))
    messages = []
    loaded = ensure_index(corpus, index, notify=messages.append)
    assert any("out of step" in m for m in messages)
    assert loaded.vectors.d == load_encoder().dim and answers_the_budget_question(loaded)


def test_an_edited_passage_never_answers(own_plumbing_index):
    """Searcher.open rebuilds rather than serving the edited (wrong) figure."""
    corpus, index = own_plumbing_index
    _edit_passage_and_its_checksum(current_build(index))
    messages = []
    searcher = Searcher.open(corpus, index, notify=messages.append)
    texts = " ".join(h.text for h in searcher.search(QUESTION, k=5).hits)
    assert "955億ユーロ" in texts and "999億ユーロ" not in texts
    assert any("manifest.json does not match" in m for m in messages)


# ---------------------------------------------------------------- killed and concurrent builds


def run_index(corpus: Path, index: Path, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.Popen(
        [sys.executable, "-m", "qa", "index", "--corpus", str(corpus), "--index", str(index)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.slow
def test_builds_killed_at_random_moments_never_break_the_index(own_plumbing_index):
    corpus, index = own_plumbing_index
    old = load_index(index)
    old_docs = {d["doc"] for d in old.documents}
    (corpus / "quantum.md").write_text(EXTRA_DECK, encoding="utf-8")
    # Spread the kills over a whole build: interpreter start-up plus what the last build took.
    span = 8 + 1.5 * old.manifest["build_seconds"]
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for delay in sorted(rng.uniform(0.5, span) for _ in range(3)):
        build = run_index(corpus, index)
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait()
        loaded = load_index(index)  # previous or new, never a mix (the load verifies every file)
        docs = {d["doc"] for d in loaded.documents}
        assert docs in (old_docs, old_docs | {"quantum"}), f"seed {seed}, delay {delay:.1f}"
        assert answers_the_budget_question(loaded), f"seed {seed}, delay {delay:.1f}"
    finished = run_index(corpus, index)
    out, err = finished.communicate(timeout=600)
    assert finished.returncode == 0, err
    assert "quantum" in {d["doc"] for d in load_index(index).documents}
    # What the killed builds left behind is gone after the next build.
    assert not [p.name for p in index.iterdir() if p.name.startswith((".tmp-build-", ".CURRENT."))]
    assert len([p for p in index.iterdir() if p.name.startswith("build-")]) <= 2


def test_leftover_temporary_builds_do_not_break_loading(own_plumbing_index):
    _, index = own_plumbing_index
    leftover = index / ".tmp-build-20200101-000000-1-1"
    shutil.copytree(current_build(index), leftover)
    (leftover / "passages.jsonl").write_text("{broken", encoding="utf-8")
    (index / ".CURRENT.20200101-000000-1-1").write_text("garbage", encoding="utf-8")
    assert answers_the_budget_question(load_index(index))


@pytest.mark.slow
def test_a_build_waits_for_the_lock_held_by_another(own_plumbing_index):
    corpus, index = own_plumbing_index
    before = current_build(index)
    (corpus / "quantum.md").write_text(EXTRA_DECK, encoding="utf-8")
    lock = index_lock(index)
    with lock:
        build = run_index(corpus, index)
        deadline = time.monotonic() + 300
        waiting = ""
        while "waiting" not in waiting:
            assert build.poll() is None and time.monotonic() < deadline, build.stderr.read()
            waiting += os.read(build.stderr.fileno(), 4096).decode("utf-8", "replace")
        time.sleep(1.0)
        assert current_build(index) == before  # nothing swapped while the lock is held
    out, err = build.communicate(timeout=600)
    assert build.returncode == 0, err
    assert current_build(index) != before and "quantum" in {d["doc"] for d in load_index(index).documents}


def test_a_lock_held_too_long_is_a_clear_error(own_plumbing_index, monkeypatch):
    import qa.index.store

    corpus, index = own_plumbing_index
    monkeypatch.setattr(qa.index.store, "LOCK_TIMEOUT_S", 0.2)
    with index_lock(index):
        with pytest.raises(QAError, match="try again later"):
            build_index(corpus, index)


@pytest.mark.slow
def test_two_builds_at_once_both_succeed(own_plumbing_index):
    corpus, index = own_plumbing_index
    (corpus / "quantum.md").write_text(EXTRA_DECK, encoding="utf-8")
    builds = [run_index(corpus, index) for _ in range(2)]
    results = [b.communicate(timeout=900) for b in builds]
    assert [b.returncode for b in builds] == [0, 0], [err for _, err in results]
    loaded = load_index(index)
    assert "quantum" in {d["doc"] for d in loaded.documents} and answers_the_budget_question(loaded)
    assert not [p for p in index.iterdir() if p.name.startswith(".tmp-build-")]


@pytest.mark.slow
def test_a_reader_never_sees_a_damaged_index_while_a_writer_rebuilds(own_plumbing_index):
    corpus, index = own_plumbing_index
    (corpus / "quantum.md").write_text(EXTRA_DECK, encoding="utf-8")
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from qa.encoders import load_encoder; from qa.index import build_index\n"
            "for _ in range(3): build_index(sys.argv[1], sys.argv[2], load_encoder(sys.argv[3]))",
            str(corpus),
            str(index),
            PLUMBING_MODEL,
        ],
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
        stderr=subprocess.PIPE,
        text=True,
    )
    encoder = load_encoder()
    seen, loads = set(), 0
    while writer.poll() is None:
        loaded = load_index(index)  # raises on any damage: the test fails
        seen.add(loaded.folder.name)
        hits = Searcher(loaded, encoder).search(QUESTION, k=3).hits
        assert any(h.slide == 5 and "955億ユーロ" in h.text for h in hits)
        loads += 1
    assert writer.returncode == 0, writer.stderr.read()
    seen.add(load_index(index).folder.name)
    assert loads > 0 and len(seen) >= 2  # the reader read across at least one swap
