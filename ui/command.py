"""`qa serve`: the chat UI, JSON API and MCP tool as one server (registered with the qa CLI through the
`qa.commands` entry point, so the library never imports the UI)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from qa.cli import notify, open_searcher, store_option
from qa.errors import QAError


def register(sub, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the `serve` command to the qa CLI's subcommands."""
    p = sub.add_parser("serve", help="start the chat UI")
    common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=int(os.environ.get("QA_PORT", "7860")))
    p.add_argument("--auth", help="user:password required when bound beyond loopback (or env QA_AUTH)")
    p.add_argument("--no-auth", action="store_true", help="allow a non-loopback bind without credentials")
    p.add_argument("--feedback", type=Path, help="feedback file (default: feedback.jsonl next to the index)")
    p.add_argument("--allow-uploads", action="store_true", help="let users add and remove decks from the UI")
    p.add_argument("--max-upload-mb", type=float, default=20.0, help="largest deck accepted (default 20 MB)")
    store_option(p)
    p.set_defaults(func=cmd_serve)



def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port (checked before the slow start)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _port_taken(port: int) -> QAError:
    return QAError(f"port {port} is already in use: choose another with --port N (or make run PORT=N)")


def cmd_serve(args) -> int:
    from qa.extras import require
    from qa.serving import is_loopback, resolve_auth

    require("ui")

    auth = resolve_auth(args.host, args.auth, args.no_auth)
    if args.allow_uploads and auth is None and not is_loopback(args.host):
        raise QAError("--allow-uploads beyond loopback needs credentials: give --auth user:password")
    if args.max_upload_mb <= 0:
        raise QAError("--max-upload-mb must be a positive number")
    if port_in_use(args.host, args.port):
        raise _port_taken(args.port)
    from qa.live import Rebuilder

    searcher = _serving_searcher(args)
    rebuilder = Rebuilder(args.corpus, args.index, searcher, store=args.store, notify=notify)
    from .app import launch

    uploads = None
    if args.allow_uploads:
        from .uploads import DeckUploads

        max_bytes = int(args.max_upload_mb * 2**20)
        uploads = DeckUploads(args.corpus, args.index, searcher, max_bytes=max_bytes, rebuilder=rebuilder)
    if searcher.index.pending:  # the corpus changed since the last good build (or a build was interrupted)
        rebuilder.request()
    host = f"[{args.host}]" if ":" in args.host else args.host
    notify(f"Serving on http://{host}:{args.port}/  (API docs /api/docs, MCP /gradio_api/mcp/; Ctrl-C to stop)")
    try:
        launch(searcher, host=args.host, port=args.port, auth=auth, feedback_path=args.feedback, uploads=uploads)
    except OSError as exc:  # taken between the check and the start
        if "port" in str(exc).lower():
            raise _port_taken(args.port) from None
        raise
    return 0


def _serving_searcher(args):
    """The searcher a server shares: micro-batched encoder, chosen vector store, swappable."""
    from qa.batching import with_batching
    from qa.live import LiveSearcher

    searcher = open_searcher(args, stale_ok=True)
    searcher.encoder = with_batching(searcher.encoder)
    return LiveSearcher(searcher)


