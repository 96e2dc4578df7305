"""Attacks on a shared `qa serve`, performed for real: each request is the one an attacker would send.

A real server (uvicorn, the Gradio queue, the JSON API) answers from a small corpus of its own,
indexed with the test encoder (qa/hash_encoder.py), so that a rebuild after an upload takes a second.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import uuid
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("gradio")
httpx = pytest.importorskip("httpx")

from qa.encoders import load_encoder  # noqa: E402
from qa.errors import QAError  # noqa: E402
from qa.readers import Limits, ReaderError, read_deck  # noqa: E402

from .conftest import PLUMBING_MODEL as MODEL  # noqa: E402
from .servers import InProcessServer  # noqa: E402

DECK = """# 量子計画

- 架空の量子計画の予算は三百三十三億円である

---

# Quantum plan

- The fictional quantum plan has a budget of 333 billion yen

---

# 体制

- 研究拠点は五か所に置かれる
"""
SECRET = "the server's private notes: launch code 0000"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A corpus of one small deck and its index (the test encoder)."""
    from qa.index import build_index

    work = tmp_path_factory.mktemp("hardening")
    corpus, index = work / "corpus", work / "index"
    corpus.mkdir()
    (corpus / "plan.md").write_text(DECK, encoding="utf-8")
    build_index(corpus, index, load_encoder(MODEL))
    return corpus, index


@pytest.fixture
def served(small, tmp_path):
    """`qa serve --allow-uploads` on a private copy of the small corpus; (server, uploads, blocks)."""
    import shutil

    from qa.live import LiveSearcher
    from qa.search import Searcher
    from ui.app import _gradio_app, build_server
    from ui.uploads import DeckUploads

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small[0], corpus)
    shutil.copytree(small[1], index, ignore=shutil.ignore_patterns(".lock"))
    live = LiveSearcher(Searcher.open(corpus, index, model=MODEL))
    uploads = DeckUploads(corpus, index, live, max_bytes=2 * 2**20)
    app = build_server(live, feedback_path=tmp_path / "fb.jsonl", uploads=uploads)
    with InProcessServer(app) as server:
        yield server, uploads, _gradio_app(app).get_blocks()


def upload_event(blocks) -> int:
    """The fn_index of the deck picker's upload event."""
    picker = next(b for b in blocks.blocks.values() if getattr(b, "elem_id", None) == "qa-upload-file")
    return next(
        i for i, fn in blocks.fns.items() if any(t[0] == picker._id and t[1] == "upload" for t in fn.targets)
    )


def run_event(url: str, fn_index: int, data: list) -> dict:
    """Send one event through Gradio's queue, as its browser client does; the completed message."""
    session = uuid.uuid4().hex
    joined = httpx.post(
        f"{url}/gradio_api/queue/join",
        json={"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None},
        timeout=30,
    )
    assert joined.status_code == 200, joined.text
    with httpx.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session}, timeout=120) as r:
        for line in r.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError("the event did not complete")


def file_data(path: str) -> dict:
    return {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": Path(path).name}


def result_text(message: dict) -> str:
    return str(message.get("output", {}).get("data", [""])[0])


def wait_idle(uploads, seconds: float = 300) -> None:
    """Until the build the last change asked for has swapped in or failed."""
    deadline = time.monotonic() + seconds
    swaps = uploads.rebuilder.status.generation
    while uploads.live.generation <= swaps and uploads.status.state != "failed" or uploads.status.state == "indexing":
        assert time.monotonic() < deadline, "the index was not rebuilt in time"
        time.sleep(0.2)


# ---------------------------------------------------------------- 1. a path named by the client


@pytest.mark.parametrize("relative", [False, True])
def test_the_upload_event_reads_no_file_the_client_names(served, tmp_path, relative):
    server, uploads, blocks = served
    secret = tmp_path / "private" / "notes.md"
    secret.parent.mkdir()
    secret.write_text(f"# Notes\n\n- {SECRET}\n", encoding="utf-8")
    path = os.path.relpath(secret) if relative else str(secret)
    before = sorted(p.name for p in uploads.corpus.iterdir())
    message = run_event(server.url, upload_event(blocks), [file_data(path)])
    assert "added" not in result_text(message)
    assert sorted(p.name for p in uploads.corpus.iterdir()) == before
    assert SECRET not in httpx.get(f"{server.url}/api/slides").text
    assert secret.read_text(encoding="utf-8").endswith(f"{SECRET}\n")  # and left alone


def test_a_file_uploaded_through_the_page_is_added_and_its_upload_copy_removed(served):
    server, uploads, blocks = served
    files = {"files": ("new.md", b"# Robots\n\n- Robot budgets grew in 2023 in this new deck\n", "text/markdown")}
    (received,) = httpx.post(f"{server.url}/gradio_api/upload", files=files, timeout=30).json()
    message = run_event(server.url, upload_event(blocks), [file_data(received)])
    assert "added new.md" in result_text(message), message
    assert (uploads.corpus / "new.md").is_file() and not Path(received).exists()
    wait_idle(uploads)
    hit = httpx.post(f"{server.url}/api/ask", json={"question": "robot budgets", "k": 1}).json()["hits"][0]
    assert hit["doc"] == "new"


# ---------------------------------------------------------------- 2, 3. what a deck may cost


def zip_bomb(path: Path, inflated: int = 200_000_000) -> Path:
    """A real PowerPoint file (python-pptx) with one more part of `inflated` zero bytes, deflated."""
    from pptx import Presentation

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Bomb"
    buffer = io.BytesIO()
    deck.save(buffer)
    path.write_bytes(buffer.getvalue())
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("ppt/media/zeros.bin", "w", force_zip64=True) as part:
            chunk = bytes(2**20)
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
    return path


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.pptx")
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(ReaderError, match="zip bomb"):
        read_deck(bomb, "bomb")


def test_a_zip_bomb_uploaded_is_refused_and_a_build_names_it(served, tmp_path):
    from qa.index import index_corpus

    server, uploads, blocks = served
    bomb = zip_bomb(tmp_path / "bomb.pptx")
    files = {"files": ("bomb.pptx", bomb.read_bytes(), "application/octet-stream")}
    (received,) = httpx.post(f"{server.url}/gradio_api/upload", files=files, timeout=60).json()
    refused = result_text(run_event(server.url, upload_event(blocks), [file_data(received)]))
    assert "refused" in refused and "zip bomb" in refused
    assert not (uploads.corpus / "bomb.pptx").exists()
    # dropped into the corpus by hand instead: the rest of the corpus is indexed, the bomb named with its reason
    os.replace(bomb, uploads.corpus / "bomb.pptx")
    summary = index_corpus(uploads.corpus, uploads.index, load_encoder(MODEL))
    assert [d.doc for d in summary.decks] == ["plan"]
    assert [(s.path, "zip bomb" in s.reason) for s in summary.skipped] == [("bomb.pptx", True)]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_a_text_deck_with_too_many_slides_is_refused(tmp_path, suffix):
    deck = tmp_path / f"many{suffix}"
    pages = [f"# Slide {n}\n\n- point {n}\n" for n in range(700)]
    deck.write_text(("\n---\n\n" if suffix == ".md" else "\f").join(pages), encoding="utf-8")
    with pytest.raises(ReaderError, match="700 slides, over the limit of 600"):
        read_deck(deck, "many")
    assert len(read_deck(deck, "many", Limits(max_pages=1000)).slides) == 700


def pdf_pages(path: Path, pages: int) -> Path:
    """A PDF of `pages` pages, each with a line of text (written by hand: objects, no cross-reference table)."""
    kids = " ".join(f"{4 + 2 * n} 0 R" for n in range(pages))
    objects = [
        "<</Type/Catalog/Pages 2 0 R>>",
        f"<</Type/Pages/Kids[{kids}]/Count {pages}>>",
        "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    for n in range(pages):
        stream = f"BT /F1 18 Tf 30 150 Td (Page {n + 1} of the plan) Tj ET"
        objects.append(f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 300]/Contents {5 + 2 * n} 0 R"
                       "/Resources<</Font<</F1 3 0 R>>>>>>")
        objects.append(f"<</Length {len(stream)}>>stream\n{stream}\nendstream")
    body = "".join(f"{i} 0 obj\n{o}\nendobj\n" for i, o in enumerate(objects, start=1))
    path.write_bytes(f"%PDF-1.4\n{body}trailer<</Root 1 0 R>>\n%%EOF\n".encode())
    return path


def test_pictures_stop_at_their_budget_and_an_unchanged_deck_is_not_rendered_again(small, tmp_path, monkeypatch):
    import shutil

    from qa.index import index_corpus, load_index
    from qa.readers import pictures as renderer

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small[0], corpus)
    pdf_pages(corpus / "pages.pdf", 6)
    assert len(renderer.render_pdf(corpus / "pages.pdf", tmp_path / "probe", Limits(), budget=1)) == 1
    one_page = (tmp_path / "probe" / "1.png").stat().st_size
    budget = Limits(max_deck_picture_bytes=int(2.5 * one_page))
    summary = index_corpus(corpus, index, load_encoder(MODEL), limits=budget)
    (deck,) = [d for d in summary.decks if d.doc == "pages"]
    assert deck.slides == 6 and 2 <= deck.pictures <= 4  # stopped once the budget was spent

    def no_rendering(*args, **kwargs):
        raise AssertionError("an unchanged deck's pictures were rendered again")

    monkeypatch.setattr(renderer, "render", no_rendering)
    (corpus / "more.md").write_text("# More\n\n- another deck\n", encoding="utf-8")
    index_corpus(corpus, index, load_encoder(MODEL), limits=budget)
    loaded = load_index(index)
    assert sum(loaded.picture("pages", n) is not None for n in range(1, 7)) == deck.pictures


def test_a_link_out_of_the_corpus_is_not_followed(small, tmp_path):
    import shutil

    from qa.index import index_corpus

    corpus = tmp_path / "corpus"
    shutil.copytree(small[0], corpus)
    outside = tmp_path / "outside.md"
    outside.write_text(f"# Outside\n\n- {SECRET}\n", encoding="utf-8")
    (corpus / "link.md").symlink_to(outside)
    summary = index_corpus(corpus, tmp_path / "index", load_encoder(MODEL))
    assert [d.doc for d in summary.decks] == ["plan"]
    assert [s.path for s in summary.skipped] == ["link.md"] and "outside the corpus" in summary.skipped[0].reason


# ---------------------------------------------------------------- 4, 5. request sizes


def chunked(total: int, piece: int = 64 * 1024, head: bytes = b""):
    """A body sent in chunks, with no Content-Length."""
    yield head
    sent = 0
    while sent < total:
        yield b"x" * min(piece, total - sent)
        sent += piece


@pytest.mark.parametrize(
    "path, size",
    [
        ("/api/ask", 1_000_000),
        ("/gradio_api/queue/join", 20_000_000),
        ("/gradio_api/call/ask", 20_000_000),
        ("/gradio_api/upload", 20_000_000),
    ],
)
def test_a_chunked_body_over_the_limit_is_refused(served, path, size):
    server = served[0]
    headers, head = {"content-type": "application/json"}, b""
    if path.endswith("upload"):  # a well-formed start of a file that never ends
        headers = {"content-type": "multipart/form-data; boundary=b"}
        head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.md"\r\n\r\n'
    response = httpx.post(f"{server.url}{path}", content=chunked(size, head=head), headers=headers, timeout=60)
    # the upload route is cut off by whichever counts first: ui.guards, or Gradio's own file-size limit
    assert response.status_code == 413
    assert "request body over" in response.text or (path.endswith("upload") and "maximum allowed size" in response.text)


def test_a_declared_body_over_the_limit_is_refused_unread(served):
    server = served[0]
    big = json.dumps({"data": ["x" * 5_000_000, 3]})
    response = httpx.post(f"{server.url}/gradio_api/call/ask", content=big, timeout=60)
    assert response.status_code == 413


def test_a_long_question_is_echoed_cut_to_its_limit(served):
    from gradio_client import Client

    from qa.lang import MAX_QUESTION_CHARS

    question = "量子計画の予算は？" + "あ" * 200_000
    client = Client(served[0].url + "/", verbose=False)
    try:
        outputs = client.predict(text=question, k=3, api_name="/ask")
    finally:
        client.close()  # its heartbeat stream would hold the server's shutdown open
    assert len(json.dumps(outputs, ensure_ascii=False)) < 100_000
    (echoed,) = [m["content"] for m in outputs[1] if m["role"] == "user"]
    echoed = echoed if isinstance(echoed, str) else json.dumps(echoed, ensure_ascii=False)
    assert "量子計画の予算は" in echoed and echoed.count("あ") <= MAX_QUESTION_CHARS


def test_an_upload_over_the_size_limit_is_refused_by_the_upload_route(served):
    server, uploads = served[0], served[1]
    files = {"files": ("big.md", b"# Big\n\n" + b"- x\n" * (uploads.max_bytes // 4 + 10), "text/markdown")}
    assert httpx.post(f"{server.url}/gradio_api/upload", files=files, timeout=60).status_code == 413


# ---------------------------------------------------------------- 6. failures keep the service answering


def test_a_failed_rebuild_rolls_the_upload_back_and_the_old_index_answers(served, tmp_path, monkeypatch):
    import errno

    import qa.index

    server, uploads, _ = served

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(qa.index, "build_index", disk_full)
    incoming = tmp_path / "incoming.md"
    incoming.write_text("# Robots\n\n- Robot budgets grew in 2023\n", encoding="utf-8")
    assert uploads.add(incoming, "robots.md").startswith("added robots.md")
    wait_idle(uploads)
    assert uploads.status.state == "failed" and "No space left" in uploads.status.message
    assert "robots.md taken out of the corpus" in uploads.status.message
    assert not (uploads.corpus / "robots.md").exists()
    assert list((uploads.corpus / ".trash").rglob("robots.md"))  # kept, not deleted
    hit = httpx.post(f"{server.url}/api/ask", json={"question": "量子計画の予算は？", "k": 1}).json()["hits"][0]
    assert "三百三十三億円" in hit["text"]


def test_a_removal_whose_rebuild_fails_puts_the_deck_back(small, tmp_path, monkeypatch):
    import shutil

    import qa.index
    from qa.live import LiveSearcher
    from qa.search import Searcher
    from ui.uploads import DeckUploads

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small[0], corpus)
    (corpus / "other.md").write_text("# Other\n\n- another deck\n", encoding="utf-8")
    uploads = DeckUploads(corpus, index, LiveSearcher(Searcher.open(corpus, index, model=MODEL)), max_bytes=2**20)
    go = threading.Event()

    def failing_build(*args, **kwargs):
        go.wait(60)  # until the test has seen the deck in the trash
        raise RuntimeError("disk")

    monkeypatch.setattr(qa.index, "build_index", failing_build)
    assert "removed other" in uploads.remove("other")
    assert not (corpus / "other.md").exists() and list((corpus / ".trash").rglob("other.md"))
    go.set()
    wait_idle(uploads)
    assert uploads.status.state == "failed" and "other.md put back" in uploads.status.message
    assert (corpus / "other.md").read_text(encoding="utf-8") == "# Other\n\n- another deck\n"


def test_a_full_disk_at_start_keeps_the_last_good_build(small, tmp_path, monkeypatch):
    import errno
    import shutil

    from qa.index import build
    from qa.search import Searcher

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small[0], corpus)
    shutil.copytree(small[1], index, ignore=shutil.ignore_patterns(".lock"))
    (corpus / "new.md").write_text("# New\n\n- a deck added while the server was down\n", encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build, "writer", disk_full)
    said = []
    searcher = Searcher.open(corpus, index, model=MODEL, notify=said.append)
    assert "三百三十三億円" in searcher.search("量子計画の予算は？", k=1).hits[0].text
    assert any("Kept the previous index" in s and "No space left" in s for s in said)


def test_a_server_answers_from_the_last_good_build_at_once_and_rebuilds_behind(small, tmp_path):
    """A build killed half-way (kill -9) leaves the corpus ahead of the index: `qa serve` does not make
    its users wait for the rebuild."""
    import shutil
    import signal
    import subprocess
    import sys

    from .servers import QAServer, env_without_auth

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small[0], corpus)
    shutil.copytree(small[1], index, ignore=shutil.ignore_patterns(".lock"))
    (corpus / "new.md").write_text("# Robots\n\n- Robot budgets grew in 2023 in this new deck\n", encoding="utf-8")
    env = env_without_auth(dict(os.environ, QA_CORPUS=str(corpus), QA_INDEX=str(index), QA_MODEL=MODEL))
    build = subprocess.Popen([sys.executable, "-m", "qa", "index"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (index / ".lock").exists():  # the build holds the index's lock: it reads and embeds next
        assert build.poll() is None and time.monotonic() < deadline, "the build did not start"
        time.sleep(0.05)
    build.send_signal(signal.SIGKILL)
    build.wait()
    server = QAServer(env, tmp_path / "serve.log").wait()
    try:
        first = httpx.post(f"{server.url}/api/ask", json={"question": "量子計画の予算は？", "k": 1}, timeout=60)
        assert first.status_code == 200 and "三百三十三億円" in first.json()["hits"][0]["text"]
        deadline = time.monotonic() + 300
        while True:  # the rebuild behind it brings the new deck in
            hit = httpx.post(f"{server.url}/api/ask", json={"question": "robot budgets", "k": 1}).json()["hits"][0]
            if hit["doc"] == "new":
                break
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.5)
    finally:
        server.stop()
    assert "Answering from the last good build" in server.log.read_text()


# ---------------------------------------------------------------- 7. batch evaluation


def test_an_evaluation_over_the_question_limit_is_refused_and_leaves_no_files(served, monkeypatch, tmp_path):
    import tempfile

    import ui.eval_tab

    server, _, blocks = served
    monkeypatch.setattr(ui.eval_tab, "MAX_QUESTIONS", 2)
    (fn_index,) = [i for i, fn in blocks.fns.items() if fn.api_name == "evaluate"]
    rows = "".join(json.dumps({"question": q, "slides": [1]}) + "\n" for q in ("予算は？", "budget?", "拠点は？"))
    files = {"files": ("three.jsonl", rows.encode(), "application/octet-stream")}
    (received,) = httpx.post(f"{server.url}/gradio_api/upload", files=files, timeout=30).json()
    before = set(Path(tempfile.gettempdir()).glob("qa-eval-*"))
    status = result_text(run_event(server.url, fn_index, [file_data(received), 5, "hybrid"]))
    assert "3 問" in status and "2 questions at most here" in status and "qa eval" in status
    assert not Path(received).exists() and set(Path(tempfile.gettempdir()).glob("qa-eval-*")) == before

    monkeypatch.setattr(ui.eval_tab, "MAX_QUESTIONS", 500)
    (received,) = httpx.post(f"{server.url}/gradio_api/upload", files=files, timeout=30).json()
    message = run_event(server.url, fn_index, [file_data(received), 5, "hybrid"])
    assert "3 問 / questions" in result_text(message)
    assert set(Path(tempfile.gettempdir()).glob("qa-eval-*")) == before  # the report is in Gradio's cache


# ---------------------------------------------------------------- 8. with credentials


@pytest.fixture
def guarded(small, tmp_path):
    from qa.search import Searcher
    from ui.app import build_server

    searcher = Searcher.open(*small, model=MODEL)
    app = build_server(searcher, auth=("alice", "s3cret"), feedback_path=tmp_path / "fb.jsonl")
    with InProcessServer(app) as server:
        yield server


@pytest.mark.parametrize(
    "path", ["/", "/?view=api", "/openapi.json", "/gradio_api/info", "/config", "/gradio_api/openapi.json"]
)
def test_without_credentials_nothing_of_the_decks_is_revealed(guarded, path):
    response = httpx.get(guarded.url + path)
    assert response.status_code == 401
    assert "plan" not in response.text and "量子" not in response.text


def test_the_page_and_api_answer_with_credentials_basic_or_a_login_cookie(guarded):
    assert httpx.get(guarded.url + "/", auth=("alice", "s3cret")).status_code == 200
    with httpx.Client(base_url=guarded.url) as browser:
        assert browser.post("/login", data={"username": "alice", "password": "s3cret"}).status_code == 200
        assert browser.get("/api/slides").json()["documents"][0]["doc"] == "plan"


def test_wrong_passwords_are_slowed_down(guarded):
    wrong = [httpx.get(guarded.url + "/api/slides", auth=("alice", f"guess{n}")).status_code for n in range(7)]
    assert wrong[:5] == [401] * 5 and wrong[5:] == [429, 429]
    locked = httpx.get(guarded.url + "/api/slides", auth=("alice", "s3cret"))
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    form = httpx.post(guarded.url + "/login", data={"username": "alice", "password": "s3cret"})
    assert form.status_code == 429  # the login form counts too


def test_lockout_doubles_and_forgets():
    from ui.guards import Lockout

    now = [0.0]
    lockout = Lockout(clock=lambda: now[0])
    for _ in range(Lockout.FREE_TRIES - 1):
        lockout.failed("a")
    assert lockout.wait("a") == 0
    waits = []
    for _ in range(4):
        lockout.failed("a")
        waits.append(lockout.wait("a"))
    assert waits == [1.0, 2.0, 4.0, 8.0] and lockout.wait("b") == 0
    lockout.succeeded("a")
    assert lockout.wait("a") == 0


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name, reason",
    [
        ("jѕt-crds-sti-2023.txt", "Cyrillic or Greek"),  # a Cyrillic ѕ among Latin letters
        ("pΙan.md", "Cyrillic or Greek"),  # a Greek capital iota
        ("README.md", "never indexed"),
        ("readme.MD", "never indexed"),
    ],
)
def test_names_that_deceive_or_are_never_indexed_are_refused(name, reason):
    from ui.uploads import safe_name

    with pytest.raises(QAError, match=reason):
        safe_name(name)


def test_names_in_one_script_are_kept():
    from ui.uploads import safe_name

    assert safe_name("доклад.md") == "доклад.md" and safe_name("量子 plan 2024.pdf") == "量子 plan 2024.pdf"


def test_a_removed_deck_is_restored_from_the_trash_and_answers_again(small, tmp_path):
    import shutil

    from qa.live import LiveSearcher
    from qa.search import Searcher
    from qa.trash import trashed
    from ui.uploads import DeckUploads

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small[0], corpus)
    (corpus / "other.md").write_text("# Robots\n\n- Robot budgets grew in 2023 in this other deck\n", encoding="utf-8")
    uploads = DeckUploads(corpus, index, LiveSearcher(Searcher.open(corpus, index, model=MODEL)), max_bytes=2**20)
    assert "removed other" in uploads.remove("other")
    wait_idle(uploads)
    assert {d["doc"] for d in uploads.live.current.documents()} == {"plan"}
    (item,) = trashed(corpus)
    assert uploads.restore(item.id).startswith("restored other.md")
    wait_idle(uploads)
    assert uploads.live.current.search("robot budgets", k=1).hits[0].doc == "other"
