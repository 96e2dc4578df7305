"""The MCP tool: AI assistants search the decks through Gradio's MCP server (/gradio_api/mcp/).

Gradio turns every public API function of the Blocks into a tool, named after the
function and described by its docstring; `add_search_tool` registers `search`.
"""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from qa.formatting import format_answer
from qa.search import MAX_K, Searcher


def add_search_tool(current: Callable[[], Searcher]) -> None:
    """Register the `search` tool (and API endpoint) in the Blocks being built."""

    def search(question: str, k: int = 5) -> str:
        """Search the slide decks (Japanese or English) and return the passages that answer, with citations.

        Args:
            question: the question, in Japanese or English, e.g. "What is the total budget of Horizon Europe?"
            k: how many passages to return (1 to 50, default 5)

        Returns:
            One block per cited slide: [rank] document · slide number and title, then its passages.
        """
        k = max(1, min(int(k or 5), MAX_K))
        # as `qa ask` prints an answer, without the relevance column
        return format_answer(current().search(question, k=k), scores=False) or "No passage found."

    # Not queued: the MCP server then calls it directly instead of through an HTTP loopback.
    gr.api(search, api_name="search", queue=False)


def only_search_tool(blocks: gr.Blocks) -> None:
    """Keep the UI's own events (chat turns, slide steps, feedback) out of the MCP tool list.

    Gradio lists every public API function as a tool; it skips a function marked with an
    MCP type other than "tool". The UI events stay callable through Gradio's API.
    """
    for block_fn in blocks.fns.values():
        fn = block_fn.fn
        if fn is None or getattr(fn, "__name__", "") == "search":
            continue
        try:
            getattr(fn, "__func__", fn)._mcp_type = "ui"
        except (AttributeError, TypeError):  # a builtin cannot carry the mark; it stays listed
            pass
