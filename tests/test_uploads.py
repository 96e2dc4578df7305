"""Adding and removing decks: safe names, refusals with reasons, background reindex, old index answering."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from qa.errors import QAError
from qa.live import LiveSearcher
from qa.search import Searcher
from ui.uploads import DeckUploads, safe_name

from .conftest import PLUMBING_MODEL

NEW_DECK = """# 量子センサー計画

- 架空の量子センサー計画の予算は七百七十七億円である

---

# Quantum sensor plan

- The fictional quantum sensor plan has a budget of 777 billion yen
"""
QUESTION = "量子センサー計画の予算は？"
# A one-page PDF with the text "Hello deck" (hand-made, for the reader's happy path).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
    b"endobj\n4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 20 100 Td (Hello deck) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
CORRUPT_PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8


@pytest.mark.parametrize(
    "given, expected",
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\evil.MD", "evil.md"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("a/b/<script>.md", "_script_.md"),
        ("報告書 2024.pptx", "報告書 2024.pptx"),
        ("Ｒｅｐｏｒｔ．ｍｄ", "Report.md"),
    ],
)
def test_names_keep_only_a_safe_last_component(given, expected):
    assert safe_name(given) == expected


@pytest.mark.parametrize("given", ["x.exe", "notes", "../..", ".md", "..pdf", "x.pdf/"])
def test_unusable_names_are_refused(given):
    with pytest.raises(QAError):
        safe_name(given)


@pytest.fixture
def uploads(own_plumbing_index):
    corpus, index = own_plumbing_index  # the test encoder's index (rebuilds take a second)
    live = LiveSearcher(Searcher.open(corpus, index, model=PLUMBING_MODEL))
    return DeckUploads(corpus, index, live, max_bytes=50_000)


def wait_for_swap(uploads: DeckUploads, generation: int, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while uploads.live.generation < generation or uploads.status.state == "indexing":
        assert uploads.status.state != "failed", uploads.status.message
        assert time.monotonic() < deadline, "the index was not rebuilt in time"
        time.sleep(0.2)


def _file(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def test_an_added_deck_is_indexed_in_the_background_and_swapped_in(uploads, tmp_path):
    before = set(p.name for p in uploads.corpus.iterdir())
    old = uploads.live.current
    assert "777" not in str(old.search(QUESTION).to_json())
    answers, stop = [], threading.Event()

    def keep_asking():  # the old index answers while the new one is built
        while not stop.is_set():
            answers.append(uploads.live.current.search("EUのホライゾン・ヨーロッパの投資総額は？", k=1))

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        message = uploads.add(_file(tmp_path, "量子.md", NEW_DECK), "量子.md")
        wait_for_swap(uploads, 1)
    finally:
        stop.set()
        asker.join()
    assert "added 量子.md" in message
    assert set(p.name for p in uploads.corpus.iterdir()) == before | {"量子.md"}
    assert answers and all("955億ユーロ" in a.hits[0].text for a in answers)
    hit = uploads.live.current.search(QUESTION, k=1).hits[0]
    assert hit.doc == "量子" and "七百七十七億円" in hit.text

    assert "removed 量子" in uploads.remove("量子")
    wait_for_swap(uploads, 2)
    assert not (uploads.corpus / "量子.md").exists()
    assert {d["doc"] for d in uploads.live.current.documents()} == {d["doc"] for d in old.documents()}


def test_a_taken_name_gets_a_suffix_never_an_overwrite(uploads, tmp_path):
    existing = next(p for p in uploads.corpus.iterdir() if p.suffix == ".txt")
    original = existing.read_bytes()
    message = uploads.add(_file(tmp_path, "x.md", NEW_DECK), existing.stem + ".md")
    assert f"saved as {existing.stem}-2.md" in message
    assert existing.read_bytes() == original and (uploads.corpus / f"{existing.stem}-2.md").is_file()
    wait_for_swap(uploads, 1)


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("big.md", "# 大きい\n\n" + "- あ\n" * 30_000, "over the"),
        ("broken.pdf", CORRUPT_PDF, "broken.pdf"),
        ("fake.pdf", NEW_DECK, "fake.pdf"),
        ("empty.txt", b"", "empty"),
        ("tool.exe", b"MZ", "not a deck type"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_is_written(uploads, tmp_path, name, data, reason):
    before = sorted(p.name for p in uploads.corpus.iterdir())
    with pytest.raises(QAError, match=reason) as exc:
        uploads.add(_file(tmp_path, name, data), name)
    assert "\n" not in str(exc.value)
    assert sorted(p.name for p in uploads.corpus.iterdir()) == before
    assert uploads.live.generation == 0 and uploads.status.state == "idle"


def test_removing_is_checked(uploads):
    with pytest.raises(QAError, match="no document named"):
        uploads.remove("../../etc/passwd")
    with pytest.raises(QAError, match="last deck"):
        uploads.remove(uploads.live.current.documents()[0]["doc"])


def test_a_pdf_deck_is_added(uploads, tmp_path):
    from qa.readers import ReaderError, read_deck

    probe = _file(tmp_path, "probe.pdf", PDF)
    try:
        read_deck(probe, "probe")
    except ReaderError as exc:
        pytest.skip(f"the PDF reader cannot read a PDF yet ({exc})")
    uploads.add(_file(tmp_path, "hello.pdf", PDF), "../../hello.pdf")
    wait_for_swap(uploads, 1)
    assert (uploads.corpus / "hello.pdf").is_file() and not (uploads.corpus.parent.parent / "hello.pdf").exists()
    assert "hello" in {d["doc"] for d in uploads.live.current.documents()}


def test_the_pictures_of_a_deck_added_later_are_served(uploads, tmp_path):
    """The page asks the API for a slide's picture: a new build's pictures are served once it is swapped in."""
    from fastapi.testclient import TestClient

    from qa.readers import ReaderError, read_deck
    from ui.app import build_server
    from ui.slide_view import picture_url

    try:
        read_deck(_file(tmp_path, "probe.pdf", PDF), "probe")
    except ReaderError as exc:
        pytest.skip(f"the PDF reader cannot read a PDF yet ({exc})")
    server = build_server(uploads.live, feedback_path=tmp_path / "fb.jsonl", uploads=uploads)
    uploads.add(_file(tmp_path, "hello.pdf", PDF), "hello.pdf")
    wait_for_swap(uploads, 1)
    if uploads.live.current.picture("hello", 1) is None:
        pytest.skip("the PDF deck's slide was not rendered as a picture")
    response = TestClient(server).get("/" + picture_url("hello", 1, uploads.live.current.index.folder.name))
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"

def test_uploads_need_credentials_beyond_loopback(tmp_path, capsys, monkeypatch):
    from qa.cli import main

    monkeypatch.delenv("QA_AUTH", raising=False)
    args = ["serve", "--corpus", str(tmp_path / "c"), "--index", str(tmp_path / "i"), "--allow-uploads"]
    assert main([*args, "--host", "0.0.0.0", "--no-auth"]) == 2
    assert "--allow-uploads beyond loopback needs credentials" in capsys.readouterr().err
    assert not (tmp_path / "i").exists()


# ---------------------------------------------------------------- in Chromium

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def upload_server(plumbing_corpus, plumbing_index, tmp_path_factory):
    import os
    import shutil

    from tests.servers import QAServer, env_without_auth

    work = tmp_path_factory.mktemp("upload-serve")
    corpus, index = work / "deep" / "corpus", work / "deep" / "index"
    shutil.copytree(plumbing_corpus, corpus)
    shutil.copytree(plumbing_index, index, ignore=shutil.ignore_patterns(".lock"))
    env = dict(os.environ, QA_CORPUS=str(corpus), QA_INDEX=str(index), QA_MODEL=PLUMBING_MODEL)
    env = env_without_auth(env)
    args = ("--allow-uploads", "--max-upload-mb", "0.05", "--feedback", str(work / "fb.jsonl"))
    server = QAServer(env, work / "serve.log", *args).wait()
    yield server, corpus
    server.stop()


@pytest.fixture(scope="module")
def page(upload_server):
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(locale="ja-JP")
        page.goto(upload_server[0].url + "/")
        page.get_by_role("tab", name="資料の追加 / Add decks").click()
        yield page
        browser.close()


class KeepAsking:
    """Asks the JSON API a question every 0.2 s in the background; every answer must be right."""

    def __init__(self, url: str) -> None:
        self.url, self.answers, self.failures = url + "/api/ask", 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        import httpx

        while not self._stop.is_set():
            try:
                r = httpx.post(
                    self.url, json={"question": "EUのホライゾン・ヨーロッパの投資総額は？", "k": 1}, timeout=60
                )
                if r.status_code != 200 or "955億ユーロ" not in r.json()["hits"][0]["text"]:
                    self.failures.append(f"{r.status_code}: {r.text[:100]}")
                self.answers += 1
            except Exception as exc:  # noqa: BLE001 - recorded, and the test fails on it
                self.failures.append(repr(exc))
            time.sleep(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def at_least(self, n: int, seconds: float = 120) -> None:
        """Keep asking until n answers came back (the server may be busy indexing)."""
        deadline = time.monotonic() + seconds
        while self.answers < n and not self.failures and time.monotonic() < deadline:
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _first_hit_once(url: str, question: str, doc: str, seconds: float) -> dict:
    """The API's first hit for the question, asked until it comes from `doc` (or the time is up)."""
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        hit = httpx.post(url + "/api/ask", json={"question": question, "k": 1}, timeout=60).json()["hits"][0]
        if hit["doc"] == doc or time.monotonic() > deadline:
            return hit
        time.sleep(0.5)


def _upload(page, name: str, data: bytes, mime: str) -> str:
    result = page.locator("#qa-upload-result")
    before = result.inner_text()
    page.locator("#qa-upload-file input[type=file]").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.wait_for_function(
        "before => { const t = document.querySelector('#qa-upload-result').innerText; return t && t !== before }",
        arg=before,
        timeout=120_000,
    )
    page.wait_for_selector("#qa-upload-file input[type=file]", state="attached")  # emptied for the next deck
    return result.inner_text()


@pytest.mark.browser
def test_bad_uploads_in_the_browser_are_refused_while_the_index_answers(page, upload_server):
    server, corpus = upload_server
    with KeepAsking(server.url) as asking:
        traversal = _upload(page, "../../x.pdf", PDF, "application/pdf")
        oversized = _upload(page, "big.md", ("# 大きい\n\n" + "- あ\n" * 30_000).encode(), "text/markdown")
        corrupt = _upload(page, "broken.pdf", CORRUPT_PDF, "application/pdf")
        asking.at_least(3)
    assert not any(p.name == "x.pdf" for p in corpus.parent.parent.rglob("x.pdf") if p.parent != corpus)
    assert "added x.pdf" in traversal or ("refused" in traversal and not (corpus / "x.pdf").exists())
    assert "refused" in oversized and "upload limit" in oversized
    assert "refused" in corrupt and "broken.pdf" in corrupt
    assert not (corpus / "big.md").exists() and not (corpus / "broken.pdf").exists()
    assert asking.answers >= 3 and not asking.failures


@pytest.mark.browser
def test_a_deck_added_in_the_browser_answers_after_the_swap(page, upload_server):
    server, corpus = upload_server
    with KeepAsking(server.url) as asking:
        added = _upload(page, "量子.md", NEW_DECK.encode(), "text/markdown")
        assert "added 量子.md" in added
        # The old build answers while the new one is made (an earlier test's deck may be indexing too);
        # the new deck answers once its build is swapped in.
        hit = _first_hit_once(server.url, QUESTION, doc="量子", seconds=300)
    assert asking.answers >= 1 and not asking.failures
    assert (corpus / "量子.md").is_file()
    assert hit["doc"] == "量子" and "七百七十七億円" in hit["text"]
    page.wait_for_selector("#qa-upload-state[data-state=idle]", timeout=60_000)  # the page says it is done

    # The page's lists of decks follow the swap: on the open page (no reload) and on a page loaded anew.
    for reload in (False, True):
        if reload:
            page.reload()
        page.get_by_role("tab", name="資料一覧 / Documents").click()
        page.wait_for_function("document.querySelector('#qa-cards').innerText.includes('量子センサー計画')")
        page.get_by_role("tab", name="質問 / Ask").click()
        page.locator("#qa-outline input").click()
        page.get_by_role("option", name="量子 · 1. 量子センサー計画").wait_for(timeout=30_000)
        page.keyboard.press("Escape")
        page.locator("#qa-settings .label-wrap").click()  # the document filter shows once there are two decks
        page.locator("#qa-doc").wait_for(state="visible", timeout=10_000)
    page.get_by_role("tab", name="資料の追加 / Add decks").click()


def test_a_scanned_pdf_is_read_by_ocr_once(own_plumbing_index, tmp_path, monkeypatch):
    """The upload's check reads the pages by OCR; the background build finds those readings."""
    from qa.readers import ocr

    if ocr.engine() is None:
        pytest.skip("Tesseract with jpn+eng data is not installed (scripts/test-deps.sh installs it)")
    import pytesseract

    corpus, index = own_plumbing_index
    live = LiveSearcher(Searcher.open(corpus, index, model=PLUMBING_MODEL))
    uploads = DeckUploads(corpus, index, live, max_bytes=5_000_000)
    scanned = Path(__file__).parent / "fixtures" / "scanned-deck.pdf"
    assert uploads.add(scanned, "scanned.pdf").startswith("added scanned.pdf: 3 slides")

    def no_tesseract(*args, **kwargs):
        raise AssertionError("Tesseract read a page again")

    monkeypatch.setattr(pytesseract, "image_to_data", no_tesseract)
    wait_for_swap(uploads, 1)
    hits = uploads.live.current.search("How much does China invest?", k=10).hits
    assert any(hit.doc == "scanned" and hit.ocr for hit in hits)


@pytest.mark.browser
def test_removing_in_the_browser_names_the_deck_asks_first_and_the_trash_gives_it_back(page, upload_server):
    corpus = upload_server[1]
    deck = corpus / "jst-crds-sti-2023.txt"
    original = deck.read_bytes()
    assert page.locator("#qa-remove-doc input").input_value() == ""  # nothing chosen for the user
    page.locator("#qa-remove").click()
    page.wait_for_function("document.querySelector('#qa-upload-result').innerText.includes('choose the deck')")
    assert deck.read_bytes() == original

    def choose_briefing():
        page.locator("#qa-remove-doc input").click()
        page.get_by_role("option", name="科学技術・イノベーションを取り巻く国際情勢と新潮流").first.click()
        page.locator("#qa-remove").click()
        page.locator("#qa-remove-question").wait_for(state="visible")
        return page.locator("#qa-remove-question").inner_text()

    question = choose_briefing()
    assert "jst-crds-sti-2023.txt" in question and "科学技術・イノベーション" in question
    page.locator("#qa-remove-no").click()
    page.wait_for_function("document.querySelector('#qa-upload-result').innerText.includes('cancelled')")
    assert deck.read_bytes() == original  # a cancelled removal leaves the file where it was

    choose_briefing()
    page.locator("#qa-remove-yes").click()
    page.wait_for_function("document.querySelector('#qa-upload-result').innerText.includes('removed')")
    assert not deck.exists()
    (kept,) = list((corpus / ".trash").rglob("jst-crds-sti-2023.txt"))
    assert kept.read_bytes() == original

    # Restored at once: the build it asks for follows the removal's (the server stops with the module).
    page.locator("#qa-trash-doc input").click()
    page.get_by_role("option", name="jst-crds-sti-2023.txt").first.click()
    page.locator("#qa-restore").click()
    page.wait_for_function("document.querySelector('#qa-upload-result').innerText.includes('restored')")
    assert deck.read_bytes() == original and not list((corpus / ".trash").rglob("jst-crds-sti-2023.txt"))
