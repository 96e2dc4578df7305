"""The chat UI in a real browser: Debian's Chromium driven by Playwright against `qa serve`.

Every page records its requests and dialogs; a test fails when any request leaves
127.0.0.1 (fonts, scripts, analytics) or any dialog opens.

The briefing is served from the real model's session index: what the page shows of an answer (the
answer line, the confidence in words, no good match) is fitted to that model. The decks that test the
page's mechanics (escaping, pictures and their regions) are indexed with the test encoder.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .conftest import PLUMBING_MODEL, ROOT
from .servers import QAServer

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A text deck (pages split by a form feed) keeps every character as written; a Markdown deck
# would reduce its HTML to text, so this is the deck that tests escaping.
EVIL_DECK = """# 攻撃テスト <script>alert(1)</script>

- 予算の話 <script>alert(1)</script> は文字として表示される
- 画像タグ <img src=x onerror=alert(1)> も文字のまま
\f
# Links ![x](http://example.com/x.png) [link](http://evil.example/)

- 研究セキュリティ ![x](http://example.com/x.png) [link](http://evil.example/) について
"""

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk)",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")


class Server(QAServer):
    """`qa serve` on a corpus and index, writing the feedback the tests read back to `feedback`."""

    def __init__(self, corpus: Path, index: Path, feedback: Path, log: Path, model: str | None = None) -> None:
        env = dict(os.environ, QA_CORPUS=str(corpus), QA_INDEX=str(index))
        if model:
            env["QA_MODEL"] = model
        super().__init__(env, log, "--feedback", str(feedback))
        self.feedback = feedback


@contextmanager
def serving(
    folder: Path, corpus: Path | None = None, index: Path | None = None, seconds: float = 180, model: str | None = None
):
    """`qa serve` on a folder's corpus and index (or the given ones), up and answering, stopped afterwards
    (`model`: the embedding model's name, None for the default)."""
    corpus, index = corpus or folder / "corpus", index or folder / "index"
    server = Server(corpus, index, folder / "feedback.jsonl", folder / "serve.log", model)
    try:
        server.wait(seconds)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def briefing(corpus_dir, index_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-briefing")
    with serving(folder, corpus_dir, index_dir) as server:
        yield server


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-evil")
    (folder / "corpus").mkdir()
    (folder / "corpus" / "evil.txt").write_text(EVIL_DECK, encoding="utf-8")
    with serving(folder, model=PLUMBING_MODEL) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with every request URL and dialog recorded."""

    def __init__(self, browser, width: int = 1280, height: int = 900, scheme: str = "light") -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, locale="ja-JP", color_scheme=scheme
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

        def dismiss(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", dismiss)

    def outside(self) -> list[str]:
        return [url for url in self.requests if urlparse(url).hostname not in ("127.0.0.1",) and url != "about:blank"]

    def open(self, server: Server):
        self.page.goto(server.url)
        self.page.wait_for_selector("#qa-question textarea, #qa-question input", timeout=60_000)
        return self.page

    def ask(self, question: str) -> None:
        """Type a question and press Enter (no click): the keyboard path."""
        answers = self.page.locator("#qa-chat .qa-answer").count()
        box = self.page.locator("#qa-question textarea, #qa-question input").first
        box.click()
        box.fill(question)
        box.press("Enter")
        self.page.wait_for_function(
            f"document.querySelectorAll('#qa-chat .qa-answer').length > {answers}", timeout=60_000
        )

    def last_answer(self):
        return self.page.locator("#qa-chat .qa-answer").last


@pytest.fixture
def watched(browser):
    pages = []

    def make(width: int = 1280, height: int = 900, scheme: str = "light") -> Watched:
        pages.append(Watched(browser, width, height, scheme))
        return pages[-1]

    yield make
    for w in pages:
        outside, dialogs = w.outside(), w.dialogs
        w.context.close()
        assert not outside, f"requests left 127.0.0.1: {outside}"
        assert not dialogs, f"dialogs opened: {dialogs}"


def switch_to_english(page) -> None:
    page.locator("#qa-ui-lang label", has_text="English").click()
    page.wait_for_function("document.querySelector('#qa-ask').innerText.trim() === 'Ask'")


def test_japanese_and_english_questions_show_slide_citations(briefing, watched):
    w = watched()
    page = w.open(briefing)
    w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
    answer = w.last_answer()
    first = answer.locator(".qa-source").first
    assert first.locator(".qa-cite").inner_text().startswith("[1] スライド5")
    assert "955億ユーロ" in first.inner_text()
    assert answer.locator(".qa-lead mark.qa-span").inner_text() == "総額955億ユーロ"  # the answer, emphasised
    # The question's content words are marked by morpheme (ホライゾン matches the question's ホライゾン)
    marked = [m.inner_text() for m in answer.locator("mark:not(.qa-span)").all()]
    assert "ホライゾン" in marked and "投資" in marked and "の" not in marked
    assert answer.locator(".qa-conf").first.inner_text().startswith("確度 ")  # words, not raw scores
    # The interface language frames the answer, whatever the question's language.
    w.ask("What is the total budget of Horizon Europe?")
    assert w.last_answer().locator(".qa-cite").first.inner_text().startswith("[1] スライド")
    switch_to_english(page)
    w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
    cites = " ".join(c.inner_text() for c in w.last_answer().locator(".qa-cite").all())
    assert "Slide 5" in cites and "スライド" not in cites and "Confidence" in cites
    assert page.locator("#qa-chat [data-testid='user']").count() == 3  # the history keeps every question


def test_the_newest_answer_is_in_view_without_scrolling(briefing, watched):
    w = watched(1280, 900)
    page = w.open(briefing)
    w.ask("英国のグローバル・タレント・ビザはいつ導入された？")
    w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
    page.wait_for_timeout(600)  # the scroll runs just after the answer renders
    span = w.last_answer().locator(".qa-lead mark.qa-span")
    assert span.inner_text() == "総額955億ユーロ"
    assert page.evaluate("window.scrollY") == 0
    box = span.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 900
    # Really visible: the point at its centre is the mark itself, not the chat's clipped overflow.
    hit = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.closest('mark.qa-span') !== null; }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit, "the newest answer's value is scrolled out of the chat"


def test_an_off_topic_question_offers_no_citation_and_labels_nothing_cited(briefing, watched):
    w = watched()
    page = w.open(briefing)
    w.ask("火星の天気はどうですか？")
    answer = w.last_answer()
    assert "該当する箇所が見つかりませんでした" in answer.inner_text()
    assert answer.locator(".qa-lead").count() == 0
    assert {c.inner_text().split()[-1] for c in answer.locator(".qa-conf").all()} == {"低"}
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-closest') !== null")
    view = page.locator("#qa-slide-view")
    assert "最も近い箇所（弱い一致）" in view.inner_text() and "引用箇所" not in view.inner_text()
    assert view.locator(".qa-cited").count() == 0
    assert page.locator("#qa-citation textarea").input_value() == ""
    assert "最も近い" in page.locator("#qa-cited-list").inner_text()


CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
SETTLED_JS = """() => ['#qa-chat .qa-answer', '#qa-slide-view .qa-slide'].every((selector) => {
  const all = document.querySelectorAll(selector);
  let e = all[all.length - 1], opacity = 1;
  for (; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
  return all.length > 0 && opacity === 1;
})"""
CONTRAST_SELECTORS = [
    "#qa-chat mark",
    "#qa-chat .qa-text",
    "#qa-chat .qa-context",
    "#qa-chat .qa-cite",
    "#qa-chat .qa-conf",
    "#qa-chat .qa-lead",
    "#qa-chat .qa-lead-src",
    "#qa-chat .qa-nomatch",
    "#qa-chat .qa-weak-note",
    "#qa-slide-view .qa-slide-doc",
    "#qa-slide-view .qa-pos",
    "#qa-slide-view .qa-slide-title",
    "#qa-slide-view .qa-p",
    "#qa-slide-view .qa-label",
    "#qa-slide-view mark",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_answer_text_and_mark_meets_wcag_aa_contrast(briefing, watched, scheme):
    """Contrast from computed styles (colour over the blended backgrounds, opacity included) >= 4.5:1."""
    w = watched(scheme=scheme)
    page = w.open(briefing)
    assert page.evaluate("document.body.classList.contains('dark')") == (scheme == "dark")
    measured = []
    for question, marked in (
        ("EUのホライゾン・ヨーロッパの投資総額は？", "qa-cited"),
        ("火星の天気はどうですか？", "qa-closest"),
    ):
        w.ask(question)
        page.wait_for_function(f"document.querySelector('#qa-slide-view .{marked}') !== null")
        # Gradio fades a component while an event runs; measure once every fade is over.
        page.wait_for_function(SETTLED_JS, timeout=15_000)
        measured += page.evaluate(CONTRAST_JS, CONTRAST_SELECTORS)
    seen = {m["selector"] for m in measured}
    assert {"#qa-chat mark", "#qa-slide-view mark", "#qa-slide-view .qa-label", "#qa-chat .qa-conf"} <= seen
    low = [m for m in measured if m["ratio"] < 4.5]
    assert not low, f"{scheme}: below 4.5:1: {low[:5]}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)  # the chat's scroll to the newest answer
    page.screenshot(path=str(ARTIFACTS / f"answer-{scheme}.png"))


def test_the_slide_view_marks_the_cited_passage_and_steps_through_slides(briefing, watched):
    w = watched()
    page = w.open(briefing)
    w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
    view = page.locator("#qa-slide-view")
    # The top citation opens by itself; the cited passage is marked inside the whole slide.
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-cited') !== null")
    assert "スライド5" in view.locator(".qa-slide-title").inner_text()
    assert view.locator(".qa-pos").inner_text() == "5 / 15"
    assert "955億ユーロ" in view.locator(".qa-cited").inner_text()
    # the whole slide, not just the passage
    assert view.locator(".qa-p").count() > 1
    assert len(view.inner_text()) > 2 * len(view.locator(".qa-cited").inner_text())
    citation = page.locator("#qa-citation textarea").input_value()
    assert citation == "JST CRDS「科学技術・イノベーションを取り巻く国際情勢と新潮流」(2023-08-25) スライド5"

    page.locator("#qa-next").click()
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-pos').innerText === '6 / 15'")
    assert view.locator(".qa-cited").count() == 0
    page.locator("#qa-prev").click()
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-slide-title').innerText.includes('スライド5')")

    # Another source from the answer's list, then a slide from the outline: the list follows.
    options = page.locator("#qa-cited-list label")
    other = next(i for i in range(options.count()) if "スライド5" not in options.nth(i).inner_text())
    number = options.nth(other).inner_text().split("スライド")[1].split("「")[0]
    options.nth(other).click()
    page.wait_for_function(
        f"document.querySelector('#qa-slide-view .qa-slide-title').innerText.includes('スライド{number}')"
    )
    assert view.locator(".qa-cited").count() == 1
    assert page.locator("#qa-cited-list input:checked").count() == 1

    page.locator("#qa-outline input").click()
    page.get_by_role("option", name="15. ", exact=False).first.click()
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-pos').innerText === '15 / 15'")
    assert page.locator("#qa-citation textarea").input_value().endswith("スライド15")
    page.wait_for_function("document.querySelectorAll('#qa-cited-list input:checked').length === 0")
    assert page.locator("#qa-next").is_disabled()  # ▶ on the last slide says so

    # A source clicked in the chat opens its slide, and the list selects it.
    source = w.last_answer().locator(".qa-source").nth(1)
    number = source.locator(".qa-cite").inner_text().split("スライド")[1].split("「")[0]
    source.locator(".qa-cite").click()
    page.wait_for_function(
        f"document.querySelector('#qa-slide-view .qa-slide-title').innerText.includes('スライド{number}')"
    )
    page.wait_for_function("document.querySelector('#qa-cited-list input:checked') !== null")
    assert page.locator("#qa-cited-list input:checked").locator("xpath=..").inner_text().startswith("[2]")


def test_the_cited_slides_work_from_the_keyboard_with_a_visible_focus(briefing, watched):
    w = watched()
    page = w.open(briefing)
    w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-cited') !== null")
    radios = page.locator("#qa-cited-list input[type=radio]")
    assert radios.count() >= 2
    radios.first.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function("document.querySelector('#qa-cited-list input:checked') !== null")
    focused = page.evaluate("document.activeElement.closest('#qa-cited-list') !== null")
    assert focused
    outline = page.evaluate("getComputedStyle(document.activeElement.closest('label')).outlineStyle")
    assert outline != "none", "the focused citation shows no focus ring"
    checked = page.locator("#qa-cited-list input:checked").locator("xpath=..").inner_text()
    number = checked.split("スライド")[1].split("「")[0]
    page.wait_for_function(
        f"document.querySelector('#qa-slide-view .qa-slide-title').innerText.includes('スライド{number}')"
    )
    # Tabbing through the outline moves on to the next control (never the page body) and
    # leaves the slide and its cited mark as they were.
    page.locator("#qa-outline input").focus()
    page.keyboard.press("Tab")
    page.wait_for_function("document.activeElement.closest('#qa-citation') !== null", timeout=5_000)
    page.locator("#qa-outline input").focus()
    page.keyboard.press("Shift+Tab")
    page.wait_for_function("document.activeElement.closest('#qa-next, #qa-prev') !== null", timeout=5_000)
    assert page.locator("#qa-slide-view .qa-cited").count() == 1
    assert f"スライド{number}" in page.locator("#qa-slide-view .qa-slide-title").inner_text()


def test_thumbs_down_with_a_slide_number_lands_in_the_feedback_file(briefing, watched):
    w = watched()
    page = w.open(briefing)
    question = "英国のグローバル・タレント・ビザはいつ導入された？"
    w.ask(question)
    # Gradio names its own buttons in the browser's language (the context is ja-JP).
    page.locator("#qa-chat button[aria-label='よくないね'], #qa-chat button[aria-label='Dislike']").last.click()
    box = page.locator("#qa-fb-slide input")
    # A server round trip, as an answer is: the same allowance as ask()'s (a clean clone's run with an
    # index build beside it once took over the default 30 s here).
    box.wait_for(state="visible", timeout=60_000)
    box.fill("7")
    page.locator("#qa-fb-send").click()
    page.wait_for_function("document.querySelector('#qa-fb-status').innerText.includes('7')", timeout=60_000)
    records = [json.loads(line) for line in briefing.feedback.read_text(encoding="utf-8").splitlines()]
    mine = [r for r in records if r["question"] == question and r["rating"] == "down"]
    assert len(mine) == 1
    record = mine[0]
    assert record["slides"] == [7] and record["lang"] == "ja" and record["doc"] == "jst-crds-sti-2023"
    assert record["id"].startswith("fb-") and record["answered_slides"]


def test_a_script_injection_deck_stays_inert(evil, watched):
    w = watched()
    page = w.open(evil)
    question = "研究セキュリティ <img src=x onerror=alert(2)> ![y](http://example.com/y.png) [l](http://evil.example/)"
    w.ask(question)
    w.ask("予算の話 <script>alert(3)</script>")
    page.wait_for_timeout(500)  # let any injected handler fire before counting dialogs
    chat = page.locator("#qa-chat").inner_text()
    assert question in chat  # the question is echoed literally
    assert "<script>alert(1)</script>" in chat and "<script>alert(3)</script>" in chat
    assert "<img src=x onerror=alert(1)>" in chat or "<img src=x onerror=alert(1)>" in page.content()
    view = page.locator("#qa-slide-view").inner_text()
    assert "<script>alert(1)</script>" in view
    # Nothing from the deck or the question became an element.
    for selector in ("#qa-chat img[src='x']", "#qa-chat img[src*='example.com']", "a[href*='evil.example']"):
        assert page.locator(selector).count() == 0, selector
    assert page.locator("#qa-chat script, #qa-slide-view script").count() == 0
    page.locator("#qa-outline input").click()
    page.get_by_role("option", name="2. ", exact=False).first.click()
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-slide-title').innerText.includes('2')")
    assert "![x](http://example.com/x.png) [link](http://evil.example/)" in page.locator("#qa-slide-view").inner_text()


def test_a_screenshot_of_a_full_answer_is_saved(briefing, watched):
    w = watched(1280, 900)
    page = w.open(briefing)
    w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-cited') !== null")
    page.wait_for_timeout(600)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "answer.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 50_000  # a real page with text, not a blank frame
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_phone_width_window_is_still_usable(briefing, watched):
    w = watched(390, 844)
    page = w.open(briefing)
    w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
    assert "スライド5" in w.last_answer().locator(".qa-source").first.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways ({width} px wide)"
    for selector in ("#qa-question", "#qa-ask", "#qa-chat"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 391, selector
    # The button's label is on one line (no 質問す／る).
    lines = page.evaluate(
        "() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('#qa-ask'));"
        " return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }"
    )
    assert lines == 1
    # The slide view starts within a screen of the question box.
    question = page.locator("#qa-question").bounding_box()
    view = page.locator("#qa-cited-list").bounding_box()
    assert view["y"] - (question["y"] + question["height"]) < 844, "the slide view is far below the question"
    page.locator("#qa-next").scroll_into_view_if_needed()
    page.locator("#qa-next").click()
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-pos').innerText === '6 / 15'")
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "phone.png"))


def test_the_interface_language_switch_relabels_the_page(briefing, watched):
    w = watched()
    page = w.open(briefing)
    assert page.locator("#qa-ask").inner_text().strip() == "質問する"
    page.locator("#qa-ui-lang label", has_text="English").click()
    page.wait_for_function("document.querySelector('#qa-ask').innerText.trim() === 'Ask'")
    assert "Slide outline" in page.locator("#qa-outline").inner_text()
    assert "Previous slide" in page.locator("#qa-prev").inner_text()


def test_the_page_loads_nothing_from_outside_the_machine(briefing, watched):
    w = watched()
    page = w.open(briefing)
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(2000)  # Gradio keeps a connection open, so 'networkidle' never comes; let lazy loads run
    families = page.evaluate("getComputedStyle(document.querySelector('#qa-question textarea')).fontFamily")
    assert "system-ui" in families and "Source Sans" not in families  # the theme's fonts, all local
    assert w.requests and all(urlparse(u).hostname == "127.0.0.1" for u in w.requests)


PDF_SLIDES = """<html><head><style>
@page { size: 960px 540px; margin: 0; }
body { margin: 0; font-family: 'Noto Sans CJK JP', sans-serif; }
section { width: 960px; height: 540px; padding: 48px; box-sizing: border-box; page-break-after: always; }
h1 { font-size: 40px; } li { font-size: 28px; margin: 12px 0; }
</style></head><body>
<section><h1>量子計算の研究計画</h1><ul><li>発表者: 山田花子</li><li>2024年4月</li></ul></section>
<section><h1>予算</h1><ul><li>初年度の研究予算は12億円</li><li>海外の研究機関と共同で実験する</li></ul></section>
</body></html>"""


@pytest.fixture(scope="module")
def pdf_deck(browser, tmp_path_factory):
    """A two-slide PDF deck printed by Chromium itself (a real tool), indexed; skipped without pictures."""
    from qa.readers.pictures import render

    folder = tmp_path_factory.mktemp("serve-pdf")
    (folder / "corpus").mkdir()
    deck = folder / "corpus" / "quantum.pdf"
    context = browser.new_context()
    page = context.new_page()
    page.set_content(PDF_SLIDES)
    page.pdf(path=str(deck), width="960px", height="540px", print_background=True)
    context.close()
    if not render(deck, "pdf", folder / "probe"):
        pytest.skip("slide pictures are not rendered yet (qa/readers/pictures.render returns {} for a PDF deck)")
    from qa.encoders import load_encoder
    from qa.index import build_index
    from qa.search import Searcher

    build_index(folder / "corpus", folder / "index", load_encoder(PLUMBING_MODEL))
    searcher = Searcher.open(folder / "corpus", folder / "index", model=PLUMBING_MODEL)
    if all(searcher.picture("quantum", n) is None for n in (1, 2)):
        pytest.skip("searcher.picture returns None for every slide of the PDF deck")
    with serving(folder, model=PLUMBING_MODEL) as server:
        yield server


def picture_shown(page):
    """The slide view's picture, once it is there and loaded."""
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-picture img') !== null")
    page.wait_for_function("document.querySelector('#qa-slide-view .qa-picture img').naturalWidth > 0")
    return page.locator("#qa-slide-view .qa-picture img")


def test_a_pdf_slide_shows_its_picture_with_the_cited_region(pdf_deck, watched):
    w = watched()
    page = w.open(pdf_deck)
    w.ask("初年度の研究予算はいくら？")
    image = picture_shown(page)
    assert "2 / 2" in page.locator("#qa-slide-view .qa-pos").inner_text()
    region = page.locator("#qa-slide-view .qa-region").bounding_box()
    picture = image.bounding_box()
    assert region and 0 < region["width"] < picture["width"] and 0 < region["height"] < picture["height"] / 2
    # The rectangle sits on the cited line: in the upper half of the slide, below the title.
    assert picture["y"] < region["y"] < picture["y"] + picture["height"] / 2
    assert "12億円" in page.locator("#qa-slide-view .qa-slide-text .qa-cited").inner_text()  # the text view beside it
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "picture.png"))


def test_the_picture_view_serves_the_picture_with_the_region(
    browser, plumbing_searcher, watched, tmp_path, monkeypatch
):
    """The UI half of the picture view, in Chromium: the real page served in-process, with only the
    picture path and the slide's text regions supplied by the test (pictures.render is still a stub)."""
    from types import SimpleNamespace

    from qa.slides import Region
    from ui.app import build_server

    from .servers import InProcessServer

    searcher = plumbing_searcher
    slide = searcher.slide("jst-crds-sti-2023", 5)
    passages = [p for _, p in searcher.slide_passages("jst-crds-sti-2023", 5)]
    cited = next(p for p in passages if "955億ユーロ" in p.text)
    regions = (Region(slide.title, 0.05, 0.04, 0.95, 0.12), Region(cited.text, 0.1, 0.55, 0.9, 0.62))
    picture = tmp_path / "slide-5.png"
    context = browser.new_context(viewport={"width": 960, "height": 540})
    painter = context.new_page()
    painter.set_content("<body style='margin:0;background:#fff'><h1 style='padding:20px'>Slide 5</h1></body>")
    painter.screenshot(path=str(picture))
    context.close()
    monkeypatch.setattr(searcher, "picture", lambda doc, n: picture if n == 5 else None)
    monkeypatch.setattr(
        searcher,
        "slide",
        lambda doc, n, real=searcher.slide: (
            slide.__class__(**{**slide.__dict__, "regions": regions}) if n == 5 else real(doc, n)
        ),
    )
    with InProcessServer(build_server(searcher, feedback_path=tmp_path / "feedback.jsonl")) as server:
        w = watched()
        page = w.open(SimpleNamespace(url=server.url + "/"))
        w.ask("EUのホライゾン・ヨーロッパの投資総額は？")
        page.wait_for_function(
            "() => { const i = document.querySelector('#qa-slide-view .qa-picture img');"
            " return i !== null && i.naturalWidth > 0; }",
            timeout=30_000,
        )
        image = page.locator("#qa-slide-view .qa-picture img").bounding_box()
        region = page.locator("#qa-slide-view .qa-region").bounding_box()
        assert abs(region["y"] - (image["y"] + 0.55 * image["height"])) < 2  # the cited line, not the title
        assert abs(region["width"] - 0.8 * image["width"]) < 2
        assert "955億ユーロ" in page.locator("#qa-slide-view .qa-slide-text .qa-cited").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "picture-view.png"))
        # The next slide has no picture: the text view alone.
        page.locator("#qa-next").click()
        page.wait_for_function("document.querySelector('#qa-slide-view .qa-pos').innerText === '6 / 15'")
        assert page.locator("#qa-slide-view .qa-picture").count() == 0


def test_the_batch_tab_tables_fit_and_explain_their_metrics(briefing, watched, tmp_path):
    rows = [
        {"id": "hz", "question": "EUのホライゾン・ヨーロッパの投資総額は？", "slides": [5]},
        {"id": "never", "question": "What is the weather like on Mars tomorrow, and who will win?", "slides": [3]},
    ]
    file = tmp_path / "mine.jsonl"
    file.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    w = watched(1280, 900)
    page = w.open(briefing)
    page.get_by_role("tab", name="一括評価 / Batch evaluation").click()
    page.locator("#qa-eval-file input[type=file]").set_input_files(str(file))
    page.wait_for_timeout(500)
    page.locator("#qa-eval-run").click()
    page.wait_for_function("document.querySelector('#qa-eval-status').innerText.includes('mine.jsonl')", timeout=60_000)
    page.wait_for_function("document.querySelector('#qa-eval-misses').innerText.includes('never')")
    assert "mrr@10" in page.locator("#qa-eval-help").inner_text()
    table = page.locator("#qa-eval-table").inner_text()
    assert "0.5" in table and "0.5000" not in table  # figures to at most 3 decimals
    overflow = page.evaluate(
        "() => Array.from(document.querySelectorAll('#qa-eval-misses *, #qa-eval-table *'))"
        ".filter(e => e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(e).overflowX))"
        ".map(e => e.className)"
    )
    assert not overflow, f"a table scrolls sideways at 1280 px: {overflow}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch.png"), full_page=True)


@pytest.fixture(scope="module")
def real_pdf(tmp_path_factory):
    """A real Beamer deck from tests/decks/real/ (see tests/decks/README.md), alone in its corpus, indexed with
    pictures (and the test encoder)."""
    folder = tmp_path_factory.mktemp("serve-real-pdf")
    (folder / "corpus").mkdir()
    shutil.copy(ROOT / "tests" / "decks" / "real" / "bsdcan-fighting-spam.pdf", folder / "corpus")
    with serving(folder, seconds=600, model=PLUMBING_MODEL) as server:
        yield server


def page_holding(pdf: Path, text: str) -> int:
    """The physical page number of a PDF on which a text is printed (the reference for the citation)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return next(i + 1 for i in range(len(document)) if text in document[i].get_textpage().get_text_bounded())
    finally:
        document.close()


def test_a_real_pdf_deck_cites_its_page_and_marks_the_region_on_its_picture(real_pdf, watched):
    w = watched()
    page = w.open(real_pdf)
    w.ask("What does Postscreen do with inbound SMTP connections?")
    image = picture_shown(page)
    expected = page_holding(ROOT / "tests" / "decks" / "real" / "bsdcan-fighting-spam.pdf", "Postscreen")
    assert f"{expected} / 43" in page.locator("#qa-slide-view .qa-pos").inner_text()
    region = page.locator("#qa-slide-view .qa-region").first.bounding_box()
    picture = image.bounding_box()
    assert region and picture["x"] <= region["x"]
    assert region["x"] + region["width"] <= picture["x"] + picture["width"] + 1
    assert picture["y"] <= region["y"] and region["y"] + region["height"] <= picture["y"] + picture["height"] + 1
    assert "Postscreen" in page.locator("#qa-slide-view .qa-slide-text").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "real-pdf.png"))
