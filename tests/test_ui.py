"""The Gradio app through its API (gradio_client) and its handlers; the browser tests drive the page itself.

The handlers' mechanics run on an index of the test encoder (plumbing_searcher); the app asked through
its API answers from the real model's index (searcher), since what it shows (the answer line, the
confidence in words, no good match) is fitted to that model's scores.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from qa.errors import QAError
from qa.feedback import FeedbackLog
from qa.highlight import escape

from .servers import free_port

gradio_client = pytest.importorskip("gradio_client")
gr = pytest.importorskip("gradio")

BRIEFING = "jst-crds-sti-2023"
CITATION_5 = "JST CRDS「科学技術・イノベーションを取り巻く国際情勢と新潮流」(2023-08-25) スライド5"
# A text deck keeps every character as written (a Markdown deck would drop the tags), so escaping is what is tested.
EVIL = "# 予算 <script>alert(1)</script>\n\n- 予算は <img src=x onerror=alert(1)> ![x](http://example.com/x.png)\n"
OTHER = "# Robots\n\n- Robot budgets grew in 2023 according to this deck about robots.\n"


def start(app):
    from ui.app import serve

    serve(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    return gradio_client.Client(app.local_url, verbose=False)


@pytest.fixture(scope="module")
def feedback_file(tmp_path_factory):
    return tmp_path_factory.mktemp("ui-feedback") / "feedback.jsonl"


@pytest.fixture(scope="module")
def running(searcher, feedback_file):
    from ui.app import build_app

    app = build_app(searcher, feedback_file)
    start(app)
    yield app.local_url
    app.close()


@pytest.fixture
def client(running):
    """A fresh session: the chat history, answers and slide view are per session."""
    return gradio_client.Client(running, verbose=False)


def ask(client, question: str, k: int = 5, answer_lang: str = "auto", doc: str = BRIEFING, ui: str = "日本語"):
    _, history, slide, citation, outline, cited = client.predict(
        question, k, "hybrid", doc, answer_lang, ui, [], api_name="/ask"
    )
    content = history[-1]["content"]
    text = content if isinstance(content, str) else "".join(part.get("text", "") for part in content)
    return text, cited, slide, citation


def test_app_answers_a_question_through_its_api(client):
    answer, cited, slide, citation = ask(client, "EUのホライゾン・ヨーロッパの投資総額は？", k=3)
    assert "スライド5" in answer and "955億ユーロ" in answer
    # k slides, with further passages under each
    assert answer.count('class="qa-source"') == 3 and answer.count('class="qa-hit') >= 3
    assert "<mark>ホライゾン</mark>" in answer  # the question's words, marked
    # The lead line: the asked-for amount, marked, with its source.
    lead = answer.split('class="qa-lead"', 1)[1].split("</p>", 1)[0]
    assert '<mark class="qa-span">総額955億ユーロ</mark>' in lead and "スライド5" in lead
    levels = re.findall(r"確度 (高|中|低)", answer)  # confidence in words, never a raw score
    assert len(levels) == 3 and "qa-score" not in answer
    assert "高中低".index(levels[0]) <= min("高中低".index(level) for level in levels)  # the first is the surest
    # The top citation opens: the whole slide, the cited passage marked, a citation to copy.
    assert "qa-cited" in slide and "955億ユーロ" in slide.split("qa-cited", 1)[1]
    assert "5 / 15" in slide
    assert citation == CITATION_5
    assert cited["value"] == "0:0" and cited["choices"][0][0].startswith("[1] スライド5")
    assert len({label for label, _ in cited["choices"]}) == len(cited["choices"])  # one entry per slide


def test_the_interface_language_frames_the_answer_unless_the_toggle_forces_one(client):
    english, *_ = ask(client, "What is the total budget of Horizon Europe?", ui="English")
    assert "Slide 5" in english and "スライド" not in english and "Confidence" in english
    japanese, *_ = ask(client, "What is the total budget of Horizon Europe?")  # Japanese interface
    assert "スライド5" in japanese and "Slide " not in japanese
    forced, _, _, citation = ask(client, "EUのホライゾン・ヨーロッパの投資総額は？", answer_lang="en")
    assert "Slide 5" in forced and citation.endswith("Slide 5")  # one spelling everywhere


def test_the_slide_view_steps_through_slides_through_the_api(client):
    html, citation, outline, *_ = client.predict("0:3", "日本語", api_name="/slide")
    assert "スライド3" in html and citation.endswith("スライド3") and outline == "0:3" and "3 / 15" in html
    html, citation, *_ = client.predict(api_name="/next")
    assert "スライド4" in html and "qa-cited" not in html
    html, *_ = client.predict(api_name="/previous")
    assert "スライド3" in html
    client.predict("0:15", "日本語", api_name="/slide")
    html, citation, *_ = client.predict(api_name="/next")  # the last slide stays the last
    assert "スライド15" in html and citation.endswith("スライド15")


def test_the_slide_view_keeps_the_cited_list_in_step_and_disables_the_ends(plumbing_searcher, tmp_path):
    from ui.handlers import ChatApp

    chat = ChatApp(plumbing_searcher, FeedbackLog(tmp_path / "f.jsonl"))
    _, _, turns, html, _, view, _, cited, previous, following = chat.ask(
        "EUのホライゾン・ヨーロッパの投資総額は？", 5, "hybrid", "", "auto", "日本語", [], []
    )
    assert cited["value"] == "0:0" and previous["interactive"] and following["interactive"]
    sources = [tuple(s[:2]) for s in turns[0]["sources"]]
    # Step to a slide that is not a source: nothing in the cited list stays selected.
    number = next(n for n in range(1, 16) if (BRIEFING, n) not in sources)
    html, _, view, outline, cited, *_ = chat.open_outline(f"0:{number}", view, "日本語")
    assert cited["value"] is None and "qa-cited" not in html and outline == f"0:{number}"
    # Open a source's slide from the outline: its entry is selected again.
    doc, second = sources[1]
    *_, cited, _, _ = chat.open_outline(f"0:{second}", view, "日本語")
    assert cited["value"] == "0:1"
    # The same slide picked again (keyboard focus passing through the outline) keeps its marks.
    _, _, view, *_ = chat.show_cited(turns, 0, 0)
    again = chat.open_outline(f"0:{sources[0][1]}", view, "日本語")
    assert again[2] == view and all(update == {"__type__": "update"} for update in again[:2])
    *_, previous, following = chat.open_outline("0:15", view, "日本語")
    assert following["interactive"] is False and previous["interactive"] is True
    *_, previous, following = chat.open_outline("0:1", view, "日本語")
    assert previous["interactive"] is False


def test_notes_are_labelled_and_pictures_show_the_cited_region(plumbing_searcher, tmp_path, monkeypatch):
    """Speaker notes carry their label; a slide with a picture shows it with the passage's box drawn over it."""
    from qa.search import Hit
    from qa.slides import Region
    from ui.render import _passage_html
    from ui.slide_view import slide_html

    searcher = plumbing_searcher
    note = Hit(1, 1.0, BRIEFING, 5, "t", "話者のメモ", "", 0, kind="note", relevance=0.9)
    assert "ノート" in _passage_html(note, set(), searcher.tokenizer, "ja", None)
    assert "Speaker notes" in _passage_html(note, set(), searcher.tokenizer, "en", None)

    passages = searcher.slide_passages(BRIEFING, 5)
    cited_id, cited = passages[2]
    slide = searcher.slide(BRIEFING, 5)
    regions = (Region("unrelated heading", 0.1, 0.05, 0.9, 0.1), Region(cited.text, 0.2, 0.4, 0.8, 0.45))
    monkeypatch.setattr(searcher, "slide", lambda doc, n: slide.__class__(**{**slide.__dict__, "regions": regions}))
    picture = tmp_path / "slide-5.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setattr(searcher, "picture", lambda doc, n: picture)
    html = slide_html(searcher, BRIEFING, 5, "ja", cited_id, "", total=15)
    build = searcher.index.folder.name  # served by the JSON API, which checks it; no server path in the page
    assert f'src="api/slides/{BRIEFING}/5/picture?build={build}"' in unescape(html) and str(tmp_path) not in html
    assert "left:20.00%;top:40.00%;width:60.00%;height:5.00%" in html
    assert "qa-slide-text" in html and "qa-cited" in html  # the text view beside the picture
    # Without a cited passage there is no rectangle.
    assert "qa-region" not in slide_html(searcher, BRIEFING, 5, "ja", None, "", total=15)


def test_the_slide_view_shows_a_packed_passages_units_on_lines_of_their_own(plumbing_searcher):
    from qa.chunking import MERGE_SEPARATOR
    from ui.slide_view import slide_html

    packed = [p.text for _, p in plumbing_searcher.slide_passages(BRIEFING, 5) if MERGE_SEPARATOR in p.text]
    assert packed  # the briefing's slide 5 has bullets packed together
    html = slide_html(plumbing_searcher, BRIEFING, 5, "ja", None, "", total=15)
    first, second = packed[0].split(MERGE_SEPARATOR)[:2]
    assert f"{escape(first)}<br>{escape(second)}" in html and MERGE_SEPARATOR not in html


def test_document_cards_show_each_decks_metadata(plumbing_searcher):
    from ui.render import cards_html

    html = cards_html(plumbing_searcher, "ja")
    document = plumbing_searcher.documents()[0]
    assert html.count('class="qa-card"') == len(plumbing_searcher.documents())
    assert "スライド数" in html and f"<dd>{document['slides']}</dd>" in html
    assert "Source file" in cards_html(plumbing_searcher, "en")


def test_a_slide_that_repeats_an_earlier_hit_points_at_it_in_the_answer(plumbing_searcher):
    from dataclasses import replace

    from ui.render import answer_html

    answer = plumbing_searcher.search("英国のグローバル・タレント・ビザはいつ導入された？", k=2)
    first, second = answer.hits
    copied = replace(first, rank=2, slide=first.slide + 1)  # the same slide shown again, as a reveal slide is
    html = answer_html(plumbing_searcher, replace(answer, hits=[first, copied]), "en")
    assert html.count('class="qa-repeat"') == 1 and escape("same text as [1]") in html
    alone = answer_html(plumbing_searcher, replace(answer, hits=[first]), "en")
    assert html.count("qa-text") == alone.count("qa-text") > 0  # its passages printed for [1] only
    html = answer_html(plumbing_searcher, replace(answer, hits=[first, second]), "en")
    assert "qa-repeat" not in html


def test_feedback_through_the_api_lands_in_the_file(client, feedback_file):
    question = "英国のグローバル・タレント・ビザはいつ導入された？"
    ask(client, question)
    turn = 0  # this client session's first answer
    status = client.predict(turn, 8, BRIEFING, "日本語", api_name="/feedback")
    assert "スライド8" in status
    records = [json.loads(line) for line in feedback_file.read_text(encoding="utf-8").splitlines()]
    record = records[-1]
    assert record["question"] == question and record["slides"] == [8] and record["rating"] == "down"
    assert record["lang"] == "ja" and record["doc"] == BRIEFING and record["answered_slides"]

    lines = feedback_file.read_text(encoding="utf-8")
    status = client.predict(turn, 99, BRIEFING, "日本語", api_name="/feedback")
    assert "スライド99" in status and "1〜15" in status  # a clear refusal, nothing stored
    assert feedback_file.read_text(encoding="utf-8") == lines


def test_thumbs_up_records_the_cited_slide(plumbing_searcher, tmp_path):
    from ui.handlers import ChatApp

    chat = ChatApp(plumbing_searcher, FeedbackLog(tmp_path / "feedback.jsonl"))
    _, history, turns, *_ = chat.ask(
        "EUのホライゾン・ヨーロッパの投資総額は？", 5, "hybrid", "", "auto", "日本語", [], []
    )
    box, _, _, status = chat.like(turns, "日本語", gr.LikeData(None, {"index": 1, "value": "", "liked": True}))
    assert "記録しました" in status["value"]
    (record,) = FeedbackLog(tmp_path / "feedback.jsonl").read()
    assert record["rating"] == "up" and record["slides"] == [5] and record["doc"] == BRIEFING

    # Thumbs down opens the 'right slide was N' box for that answer instead of storing anything.
    box, turn, doc, _ = chat.like(turns, "日本語", gr.LikeData(None, {"index": 1, "value": "", "liked": False}))
    assert box["visible"] is True and turn == 0 and doc["value"] == BRIEFING
    assert len(FeedbackLog(tmp_path / "feedback.jsonl").read()) == 1


def test_a_malformed_feedback_file_is_reported_and_kept(plumbing_searcher, tmp_path):
    from ui.handlers import ChatApp

    path = tmp_path / "feedback.jsonl"
    path.write_text("this is not json\n", encoding="utf-8")
    chat = ChatApp(plumbing_searcher, FeedbackLog(path))
    assert "malformed" in chat.feedback_warning()  # shown on the page from the start
    _, _, turns, *_ = chat.ask("EUの投資総額は？", 5, "hybrid", "", "auto", "日本語", [], [])
    status, box = chat.send_feedback(0, 5, BRIEFING, turns, "日本語")
    assert "malformed" in status and "line 1" in status and box["visible"] is True
    assert path.read_text(encoding="utf-8") == "this is not json\n"


def test_no_good_match_is_said_plainly_and_the_closest_passages_are_marked_weak(searcher, client):
    question = "火星の天気はどうですか？"
    assert searcher.search(question).low_confidence  # the premise: retrieval finds nothing convincing
    answer, cited, slide, citation = ask(client, question)
    assert "該当する箇所が見つかりませんでした" in answer and "qa-weak" in answer
    # Consistent everywhere: no lead line, nothing labelled cited, no citation to copy.
    assert "qa-lead" not in answer and "確度 高" not in answer and "確度 中" not in answer
    assert "qa-cited" not in slide and "引用箇所" not in slide and "最も近い箇所（弱い一致）" in slide
    assert citation == "" and "最も近い" in cited["label"]
    english, *_ = ask(client, "How tall is Mount Fuji?", ui="English")
    assert "No good match" in english


def test_the_default_feedback_file_sits_in_the_index_folder(plumbing_searcher, plumbing_index):
    from ui.app import feedback_log

    assert feedback_log(plumbing_searcher).path == plumbing_index / "feedback.jsonl"


def test_empty_or_bad_input_answers_without_a_traceback(plumbing_searcher, tmp_path):
    from ui.handlers import ChatApp

    chat = ChatApp(plumbing_searcher, FeedbackLog(tmp_path / "f.jsonl"))
    result = chat.ask("   ", 5, "hybrid", "", "auto", "日本語", [], [])
    assert all(isinstance(r, dict) for r in result)  # nothing changes for an empty question
    _, history, *_ = chat.ask("EU", 5, "hybrid", "no-such-deck", "auto", "日本語", [], [])
    assert "no document named &#39;no&#45;such&#45;deck&#39;" in history[-1]["content"]  # escaped, one line
    with pytest.raises(QAError):
        chat.record([], 0, "up")


@pytest.fixture(scope="module")
def two_decks(tmp_path_factory):
    from qa.encoders import load_encoder
    from qa.index import build_index
    from qa.search import Searcher

    from .conftest import PLUMBING_MODEL

    root = tmp_path_factory.mktemp("two-decks")
    (root / "corpus").mkdir()
    (root / "corpus" / "evil.txt").write_text(EVIL, encoding="utf-8")
    (root / "corpus" / "robots.md").write_text(OTHER, encoding="utf-8")
    build_index(root / "corpus", root / "index", load_encoder(PLUMBING_MODEL))
    return Searcher.open(root / "corpus", root / "index", model=PLUMBING_MODEL)


def test_the_document_filter_appears_with_several_decks_and_deck_text_stays_inert(two_decks, tmp_path):
    from ui.app import build_app

    app = build_app(two_decks, tmp_path / "f.jsonl")
    filters = [b for b in app.blocks.values() if isinstance(b, gr.Dropdown) and b.label == "資料"]
    assert len(filters) == 1 and filters[0].visible is True
    client = start(app)
    try:
        answer, _, slide, citation = ask(client, "予算 <script>alert(2)</script>", doc="evil")
        assert "robots" not in answer.lower()  # the filter keeps the other deck out
        for html in (answer, slide):
            assert "<script" not in html and "<img" not in html and "](http" not in html
        assert "&#60;script&#62;alert&#40;1&#41;" in answer
        robots, *_ = ask(client, "robot budgets", doc="robots")
        assert "Robot" in robots and "予算" not in robots
    finally:
        app.close()


def test_a_single_deck_has_no_document_filter(plumbing_searcher, tmp_path):
    from ui.app import build_app

    app = build_app(plumbing_searcher, tmp_path / "f.jsonl")
    filters = [b for b in app.blocks.values() if isinstance(b, gr.Dropdown) and b.label == "資料"]
    assert len(filters) == 1 and filters[0].visible is False


def test_pictures_are_served_by_the_api_alone_and_only_when_they_match_the_index(own_plumbing_index, tmp_path):
    """Gradio's file route serves nothing of the disk; the API serves a picture the manifest vouches for."""
    from urllib.parse import quote

    import httpx

    from qa.index import build_index
    from qa.search import Searcher
    from ui.app import build_server

    from .servers import InProcessServer
    from .test_uploads import PDF

    corpus, index = own_plumbing_index  # the test encoder is the default meanwhile
    (corpus / "hello.pdf").write_bytes(PDF)
    build_index(corpus, index)
    searcher = Searcher.open(corpus, index)
    picture = searcher.picture("hello", 1)
    if picture is None:
        pytest.skip("the PDF deck's slide was not rendered as a picture")
    with InProcessServer(build_server(searcher, feedback_path=tmp_path / "fb.jsonl")) as server:
        api = f"{server.url}/api/slides/hello/1/picture"
        response = httpx.get(api)
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        assert httpx.get(f"{server.url}/gradio_api/file={quote(str(picture))}").status_code == 403
        manifest = picture.parents[2] / "manifest.json"
        assert httpx.get(f"{server.url}/gradio_api/file={quote(str(manifest))}").status_code == 403
        picture.write_bytes(picture.read_bytes() + b"edited")  # no longer the file the build made
        refused = httpx.get(api)
        assert refused.status_code >= 400 and refused.headers["content-type"].startswith("application/json")

def test_after_a_swap_the_deck_lists_are_remade_and_a_gone_decks_choices_reset(plumbing_searcher, two_decks, tmp_path):
    from qa.live import LiveSearcher
    from ui.handlers import ChatApp

    live = LiveSearcher(two_decks)
    chat = ChatApp(live, FeedbackLog(tmp_path / "f.jsonl"))
    view = {"doc": "robots", "slide": 1}
    outline, doc_filter, feedback_doc, cards = chat.deck_lists("ja", view, "robots", "robots")
    assert doc_filter["value"] == "robots" and feedback_doc["value"] == "robots" and doc_filter["visible"]
    assert outline["value"] == f"{chat.doc_index['robots']}:1"
    live.swap(plumbing_searcher)  # the briefing alone: robots is gone
    outline, doc_filter, feedback_doc, cards = chat.deck_lists("en", view, "robots", "robots")
    assert outline["value"] is None and doc_filter["value"] == "" and not doc_filter["visible"]
    assert feedback_doc["value"] == plumbing_searcher.documents()[0]["doc"]
    assert len(outline["choices"]) == len(plumbing_searcher.outline()) and "robots" not in cards["value"]
    assert all(value.startswith("0:") for _, value in outline["choices"])  # one deck: document 0
