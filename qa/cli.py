"""`qa`: argument parsing and output formatting only; the library does the work."""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib.metadata import entry_points
from pathlib import Path

from .errors import QAError

EXIT_USAGE = 2


def _env_path(name: str, default: str) -> Path:
    return Path(os.environ.get(name) or default)


def _corpus_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, default=_env_path("QA_CORPUS", "corpus"), help="deck folder (env QA_CORPUS; ./corpus)"
    )


def _common(parser: argparse.ArgumentParser) -> None:
    _corpus_option(parser)
    parser.add_argument(
        "--index", type=Path, default=_env_path("QA_INDEX", "index"), help="index folder (env QA_INDEX; ./index)"
    )
    parser.add_argument(
        "--model",
        default=os.environ.get("QA_MODEL") or None,
        help="embedding model: e5-small (default, offline) or a sentence-transformers folder or name in the"
        " local Hugging Face cache (env QA_MODEL)",
    )


def notify(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def open_searcher(args, *, stale_ok: bool = False):
    from .search import Searcher
    from .stores import use_store

    searcher = Searcher.open(args.corpus, args.index, model=args.model, notify=notify, stale_ok=stale_ok)
    use_store(searcher, getattr(args, "store", None))
    return searcher


# ---------------------------------------------------------------- commands


def cmd_index(args) -> int:
    from .build_report import footer, table
    from .encoders import load_encoder
    from .index import index_corpus

    summary = index_corpus(
        args.corpus,
        args.index,
        load_encoder(args.model),
        progress=sys.stderr.isatty(),
        notify=notify,
    )
    print(table(summary))
    print(footer(summary))
    return 0


def cmd_ask(args) -> int:
    searcher = open_searcher(args)

    def answer(question: str):
        return searcher.search(question, k=args.k, mode=args.mode, doc=args.doc)

    if args.question is None:
        sys.stdin.reconfigure(errors="replace")  # a stray byte is one odd character, not the end of the batch
        if sys.stdin.isatty():
            notify("Reading questions from standard input, one per line (Ctrl-D to end).")
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(answer(line).to_json(), ensure_ascii=False), flush=True)
        return 0
    result = answer(args.question)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        from .formatting import format_answer, format_brief

        print(format_answer(result) if args.full else format_brief(result))
    return 0


def cmd_slides(args) -> int:
    searcher = open_searcher(args)
    outline = [{"doc": s.doc, "slide": s.number, "title": s.title, "kind": s.kind} for s in searcher.outline()]
    if args.json:
        print(json.dumps(outline, ensure_ascii=False, indent=1))
        return 0
    from .build_report import pictures_label

    for doc in searcher.documents():
        pictures = pictures_label(doc.get("pictures", 0), doc.get("pictures_missing", ""), doc.get("format", ""))
        pictures = f"{pictures} pictures" if pictures.isdigit() else pictures
        print(f"{doc['doc']}  ({doc['path']}, {doc['slides']} slides, {pictures})")
        for row in outline:
            if row["doc"] == doc["doc"]:
                marker = "  [section]" if row["kind"] == "divider" else ""
                print(f"  {row['slide']:>3}  {row['title']}{marker}")
    return 0


def cmd_trash(args) -> int:
    from .trash import restore, trashed

    if args.restore:
        target = restore(args.corpus, args.restore)
        print(f"restored {target.relative_to(args.corpus)}; the next command rebuilds the index")
        return 0
    items = trashed(args.corpus)
    if not items:
        print("the trash is empty")
    for item in items:
        print(f"{item.id}  (removed {item.removed_at})")
    return 0


# ---------------------------------------------------------------- parser


def store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        default=os.environ.get("QA_STORE") or "faiss",
        help="passage store: faiss (default, in memory), qdrant:///folder or qdrant+http://host:6333 (env QA_STORE)",
    )


def build_parser() -> argparse.ArgumentParser:
    from .search import MODES

    parser = argparse.ArgumentParser(
        prog="qa", description="Cited bilingual (日本語 / English) search over slide decks."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", help="build the index of the corpus")
    _common(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="answer a question (or one per line from stdin, as JSON Lines)")
    _common(p)
    p.add_argument("question", nargs="?", help="the question; omit to read questions from stdin")
    p.add_argument("--k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument("--doc", help="search only this document")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--full", action="store_true", help="print every matching passage of each slide, with scores")
    store_option(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("slides", help="print the outline: document, slide number, title")
    _common(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_slides)

    p = sub.add_parser("trash", help="list the decks removed from the corpus, or restore one")
    _corpus_option(p)
    p.add_argument("--restore", metavar="ID", help="put this deck (an id the list shows) back into the corpus")
    p.set_defaults(func=cmd_trash)

    from .evaluation.command import register as register_eval

    register_eval(sub, _common)
    # Commands other packages add (the chat UI's `serve`, ui/command.py): the library never imports them.
    for entry in entry_points(group="qa.commands"):
        entry.load()(sub, _common)
    for command in sub.choices.values():
        command.set_defaults(command_parser=command)  # a wrong option prints this command's usage
    return parser


def main(argv: list[str] | None = None) -> int:
    # The embedding engine and FAISS use OpenMP. Its default busy-wait turns a 10 ms query into ~1.4 s
    # when another process competes for the cores (measured); sleeping workers cost little when idle.
    # Set before either library loads its runtime.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # No model hub, ever: an unknown --model fails at once instead of retrying the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    command_parser = getattr(args, "command_parser", parser)
    if unknown:
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if getattr(args, "k", None) is not None and not 1 <= args.k <= 50:
        command_parser.error("--k must be between 1 and 50")
    try:
        return args.func(args) or 0
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a traceback is for developers: QA_DEBUG=1 shows it
        if os.environ.get("QA_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (set QA_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
