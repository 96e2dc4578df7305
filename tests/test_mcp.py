"""The MCP tool, through the official `mcp` client against a running `qa serve` (with credentials),
which answers from an index of the test encoder (plumbing_env)."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest

from qa.chunking import MERGE_SEPARATOR
from tests.servers import QAServer, env_without_auth

mcp = pytest.importorskip("mcp")
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

JA = "EUのホライゾン・ヨーロッパの投資総額は？"
EN = "What did the G7 agree on research security?"
HEADERS = {"Authorization": "Basic " + base64.b64encode(b"u:p").decode()}


@pytest.fixture(scope="module")
def server(plumbing_corpus, plumbing_index, tmp_path_factory):
    import os

    from tests.conftest import PLUMBING_MODEL

    env = dict(os.environ, QA_CORPUS=str(plumbing_corpus), QA_INDEX=str(plumbing_index), QA_MODEL=PLUMBING_MODEL)
    env = env_without_auth(env)
    work = tmp_path_factory.mktemp("mcp")
    s = QAServer(env, work / "serve.log", "--auth", "u:p", "--feedback", str(work / "fb.jsonl")).wait()
    yield s
    s.stop()


async def _session(url: str, call):
    async with httpx.AsyncClient(headers=HEADERS, timeout=120) as http:
        async with streamable_http_client(url + "/gradio_api/mcp/", http_client=http) as (read, write, _):
            async with mcp.ClientSession(read, write) as session:
                await session.initialize()
                return await call(session)


def test_the_search_tool_is_listed_with_its_arguments(server):
    tools = asyncio.run(_session(server.url, lambda s: s.list_tools())).tools
    assert [t.name for t in tools] == ["search"]  # the UI's own events are not offered to assistants
    search = tools[0]
    assert {"question", "k"} <= set(search.inputSchema["properties"])
    assert "slide decks" in search.description


@pytest.mark.parametrize("question", [JA, EN])
def test_the_tool_cites_the_same_passages_as_search(server, plumbing_searcher, question):
    result = asyncio.run(_session(server.url, lambda s: s.call_tool("search", {"question": question, "k": 3})))
    assert not result.isError
    text = "\n".join(part.text for part in result.content if part.type == "text")
    hits = plumbing_searcher.search(question, k=3).hits
    assert len(hits) == 3
    positions = []
    for hit in hits:
        assert all(unit in text for unit in hit.text.split(MERGE_SEPARATOR))  # a packed passage: a unit a line
        positions.append(text.index(f"[{hit.rank}] {hit.doc} · "))
    assert positions == sorted(positions)  # in rank order


def test_mcp_and_api_refuse_requests_without_credentials(server):
    assert httpx.post(server.url + "/gradio_api/mcp/", json={}, timeout=10).status_code == 401
    assert httpx.post(server.url + "/api/ask", json={"question": JA}, timeout=10).status_code == 401
    with pytest.raises(Exception):  # noqa: B017 - the client reports the 401 in its own way
        asyncio.run(
            asyncio.wait_for(
                _session_without_auth(server.url),
                timeout=30,
            )
        )
    ok = httpx.post(server.url + "/api/ask", json={"question": JA}, headers=HEADERS, timeout=60)
    assert ok.status_code == 200 and "955億ユーロ" in ok.json()["hits"][0]["text"]


async def _session_without_auth(url: str):
    async with streamable_http_client(url + "/gradio_api/mcp/") as (read, write, _):
        async with mcp.ClientSession(read, write) as session:
            await session.initialize()
