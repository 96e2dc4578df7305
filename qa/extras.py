"""Optional parts of the install: which extra a command needs, said in words when it is missing.

The core install (`pip install .`) indexes and answers from the command line. The chat UI
with its API and MCP server is the `ui` extra; batch evaluation (ir-measures, scipy) is the
`eval` extra. `make run` and `make test` install both.
"""

from __future__ import annotations

from importlib import import_module

from .errors import QAError

# extra -> (the modules it provides, what it is for)
EXTRAS = {
    "ui": (("gradio", "uvicorn", "pandas"), "the chat UI, its JSON API and MCP server (qa serve)"),
    "eval": (("ir_measures", "scipy"), "batch evaluation (qa eval)"),
}


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here (the command imports them next anyway)."""
    modules, _ = EXTRAS[extra]
    absent = []
    for name in modules:
        try:
            import_module(name)
        except ImportError:
            absent.append(name)
    return absent


def require(extra: str) -> None:
    """Raise a QAError naming the install command when `extra` is not installed."""
    absent = missing(extra)
    if absent:
        _, purpose = EXTRAS[extra]
        raise QAError(
            f"{purpose} needs the '{extra}' extra ({', '.join(absent)} not installed): "
            f"pip install 'qa-briefing[{extra}]' (make run installs every extra)"
        )
