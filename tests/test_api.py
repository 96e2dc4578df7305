"""The JSON API: same answers as `qa ask --json`, the outline and slides, exposure rules, JSON errors.

Plumbing: the API answers from an index of the test encoder (tests/conftest.py, plumbing_*).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("gradio")
from fastapi.testclient import TestClient  # noqa: E402

from tests.conftest import BRIEFING_DOC  # noqa: E402
from ui.app import build_server  # noqa: E402

JA = "EUのホライゾン・ヨーロッパの投資総額は？"
EN = "What is the total budget of Horizon Europe?"
AUTH = ("alice", "s3cret")


@pytest.fixture(scope="module")
def client(plumbing_searcher, tmp_path_factory):
    app = build_server(plumbing_searcher, feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl")
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def guarded(plumbing_searcher, tmp_path_factory):
    app = build_server(plumbing_searcher, auth=AUTH, feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl")
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("question", [JA, EN])
def test_ask_returns_exactly_the_cli_json(client, plumbing_env, plumbing_searcher, question):
    cli = subprocess.run(
        [sys.executable, "-m", "qa", "ask", "--json", "--k", "4", question],
        env=plumbing_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    response = client.post("/api/ask", json={"question": question, "k": 4})
    assert response.status_code == 200
    assert response.json() == json.loads(cli.stdout) == plumbing_searcher.search(question, k=4).to_json()
    assert len(response.json()["hits"]) == 4 and response.json()["question"] == question


def test_ask_options_are_honoured(client, plumbing_searcher):
    body = client.post("/api/ask", json={"question": "Horizon Europe", "k": 2, "mode": "keyword"}).json()
    assert body == plumbing_searcher.search("Horizon Europe", k=2, mode="keyword").to_json()
    scoped = client.post("/api/ask", json={"question": JA, "doc": BRIEFING_DOC}).json()
    assert {h["doc"] for h in scoped["hits"]} == {BRIEFING_DOC}


def test_outline_lists_documents_with_cards_and_every_slide(client, plumbing_searcher):
    body = client.get("/api/slides").json()
    assert [d["doc"] for d in body["documents"]] == [BRIEFING_DOC]
    assert "card" in body["documents"][0]
    assert len(body["slides"]) == len(plumbing_searcher.outline())
    assert body["slides"][0] == {
        "doc": BRIEFING_DOC,
        "slide": 1,
        "title": plumbing_searcher.slide(BRIEFING_DOC, 1).title,
        "kind": plumbing_searcher.slide(BRIEFING_DOC, 1).kind,
    }


def test_one_slide_with_its_passages(client, plumbing_searcher):
    body = client.get(f"/api/slides/{BRIEFING_DOC}/2").json()
    slide = plumbing_searcher.slide(BRIEFING_DOC, 2)
    assert body["title"] == slide.title and body["body"] == slide.body
    assert [p["text"] for p in body["passages"]] == [
        p.text for _, p in plumbing_searcher.slide_passages(BRIEFING_DOC, 2)
    ]
    assert body["picture"] is None  # a text deck has no pictures


def test_doc_ids_with_a_slash_reach_the_slide(client, plumbing_searcher, monkeypatch):
    real = plumbing_searcher.slide(BRIEFING_DOC, 3)
    monkeypatch.setattr(
        type(plumbing_searcher), "slide", lambda self, doc, n: real if (doc, n) == ("real/deck", 3) else None
    )
    monkeypatch.setattr(type(plumbing_searcher), "slide_passages", lambda self, doc, n: [])
    documents = [*plumbing_searcher.documents(), {"doc": "real/deck"}]
    monkeypatch.setattr(type(plumbing_searcher), "documents", lambda self: documents)
    body = client.get("/api/slides/real/deck/3").json()
    assert body["doc"] == "real/deck" and body["slide"] == 3 and body["title"] == real.title


def test_picture_url_when_the_deck_has_one(client, plumbing_searcher, monkeypatch, tmp_path):
    png = tmp_path / "p.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    monkeypatch.setattr(type(plumbing_searcher), "picture", lambda self, doc, n: png if n == 2 else None)
    body = client.get(f"/api/slides/{BRIEFING_DOC}/2").json()
    assert body["picture"] == f"/api/slides/{BRIEFING_DOC}/2/picture"
    got = client.get(body["picture"])
    assert got.status_code == 200 and got.content == png.read_bytes() and got.headers["content-type"] == "image/png"
    assert client.get(f"/api/slides/{BRIEFING_DOC}/3/picture").status_code == 404


@pytest.mark.parametrize(
    "request_kwargs, status, fragment",
    [
        ({"json": {"k": 3}}, 422, "question"),
        ({"json": {"question": JA, "k": 0}}, 422, "k"),
        ({"json": {"question": JA, "k": "many"}}, 422, "k"),
        ({"json": {"question": JA, "mode": "magic"}}, 422, "mode"),
        ({"json": {"question": JA, "doc": "nope"}}, 400, "no document named"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, ""),
        ({"json": {"question": "x" * 100_000}}, 413, "bytes"),
    ],
)
def test_bad_requests_get_a_json_error(client, request_kwargs, status, fragment):
    response = client.post("/api/ask", **request_kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert fragment in error and "\n" not in error and "Traceback" not in error


def test_unknown_slide_or_document_is_a_json_404_that_names_it(client):
    response = client.get(f"/api/slides/{BRIEFING_DOC}/999")
    assert response.status_code == 404 and "no slide 999" in response.json()["error"]
    for path in ("/api/slides/nope/1", "/api/slides/nope/1/picture"):
        response = client.get(path)
        assert response.status_code == 404 and response.json() == {
            "error": "no document named 'nope'; see /api/slides for the documents"
        }


@pytest.mark.parametrize(
    "method, path, status, allow",
    [
        ("GET", "/api/ask", 405, "POST"),
        ("DELETE", "/api/slides", 405, "GET"),
        ("PUT", f"/api/slides/{BRIEFING_DOC}/5", 405, "GET"),
        ("GET", "/api/nothing-here", 404, None),
        ("POST", "/api/ask/more", 404, None),
    ],
)
def test_every_error_under_api_has_the_api_shape(client, method, path, status, allow):
    response = client.request(method, path)
    assert response.status_code == status and set(response.json()) == {"error"}
    assert response.headers.get("allow") == allow


def test_openapi_docs_are_served_without_a_network(client):
    import re

    spec = client.get("/api/openapi.json").json()
    assert {"/api/ask", "/api/slides", "/api/slides/{doc}/{number}"} <= set(spec["paths"])
    page = client.get("/api/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    for asset in assets:  # the script and styles Swagger UI needs, from the installed package
        assert client.get(asset).status_code == 200, asset


def test_credentials_are_required_when_the_server_has_them(guarded):
    assert guarded.post("/api/ask", json={"question": JA}).status_code == 401
    assert guarded.get("/api/slides").status_code == 401
    assert guarded.get("/api/slides", auth=("alice", "wrong")).status_code == 401
    assert guarded.post("/gradio_api/mcp/", json={}).status_code == 401
    refused = guarded.get("/api/slides")
    assert refused.headers["www-authenticate"].startswith("Basic") and "credentials" in refused.json()["error"]
    ok = guarded.post("/api/ask", json={"question": JA}, auth=AUTH)
    assert ok.status_code == 200 and "955億ユーロ" in ok.json()["hits"][0]["text"]


def test_the_ui_is_still_served_beside_the_api(client, guarded):
    assert client.get("/").status_code == 200
    assert guarded.get("/config").status_code == 401  # Gradio's own login still guards the UI
