"""Ingest benchmark: `qa index` over N PDF decks of P pages, and the readers alone; seconds and peak memory.

    PYTHONPATH=. python bench/ingest.py --decks 50 --pages 40 [--no-pictures] [--readers-only]

Writes bench/ingest.json and bench/ingest.md, and splices the Markdown into README.md
between `<!-- ingest:begin -->` / `<!-- ingest:end -->` (`make bench-ingest`).

The decks are built once from the committed fixtures (a Marp PDF and a LibreOffice
PDF, so Chromium's and LibreOffice's text layers both count), their pages repeated
up to P and each page stamped with its own deck/page line, so no two texts are equal.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a file: make `qa` and `bench` importable
    sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench.machine import describe  # noqa: E402
from qa.readers import Limits, read_deck  # noqa: E402
from qa.readers.pictures import render  # noqa: E402

SOURCES = (ROOT / "tests" / "fixtures" / "marp-deck.pdf", ROOT / "tests" / "fixtures" / "deck.pdf")
TOPICS = ("semiconductors", "fusion energy", "quantum sensing", "biobanks", "ocean carbon", "robotics")


def _stamp(pdf, page, text: str) -> None:
    """Draw one line of Helvetica at the page foot (a real text object in the page content)."""
    obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(14))
    encoded = (text + "\0").encode("utf-16-le")
    buffer = ctypes.create_string_buffer(encoded, len(encoded))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 36, 18)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    page.gen_content()


def build_decks(folder: Path, decks: int, pages: int) -> list[Path]:
    """decks PDF files of pages pages each, alternating the two fixture sources."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in tqdm(range(decks), desc="building decks", unit="deck", file=sys.stderr):
        source = pdfium.PdfDocument(str(SOURCES[d % len(SOURCES)]))
        pdf = pdfium.PdfDocument.new()
        while len(pdf) < pages:
            pdf.import_pages(source, pages=list(range(min(len(source), pages - len(pdf)))))
        for n in range(pages):
            page = pdf[n]
            _stamp(pdf, page, f"Deck {d + 1} page {n + 1}: notes on {TOPICS[(d + n) % len(TOPICS)]} #{d * pages + n}")
            page.close()
        path = folder / f"deck-{d + 1:03d}.pdf"
        pdf.save(str(path))
        pdf.close()
        source.close()
        paths.append(path)
    return paths


def index_run(folder: Path) -> dict:
    """`qa index` as a user runs it (a fresh process: progress bars, per-deck summary), timed, with its peak RSS."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    command = [
        sys.executable,
        "-m",
        "qa.cli",
        "index",
        "--corpus",
        str(folder / "decks"),
        "--index",
        str(folder / "index"),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"qa index failed:\n{done.stderr[-2000:]}")
    summary = [line for line in done.stdout.splitlines() if line.strip()]
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
        "summary_lines": len(summary),
        "summary_tail": summary[-3:],
    }


def run(decks: int, pages: int, pictures: bool, limits: Limits, readers_only: bool = False) -> dict:
    """Read (and render) the generated decks; first index them with `qa index` unless readers_only."""
    with tempfile.TemporaryDirectory(prefix="qa-ingest-") as tmp:
        folder = Path(tmp)
        paths = build_decks(folder / "decks", decks, pages)
        indexed = index_run(folder) if not readers_only else None
        read_s = render_s = 0.0
        slides = chars = rendered = 0
        for path in tqdm(paths, desc="reading" + (" + rendering" if pictures else ""), unit="deck", file=sys.stderr):
            start = time.perf_counter()
            deck = read_deck(path, path.stem, limits)
            read_s += time.perf_counter() - start
            slides += len(deck.slides)
            chars += sum(len(s.title) + len(s.body) for s in deck.slides)
            if pictures:
                start = time.perf_counter()
                rendered += len(render(path, "pdf", folder / "pictures" / path.stem, limits))
                render_s += time.perf_counter() - start
    return {
        "decks": decks,
        "pages_per_deck": pages,
        "slides_read": slides,
        "characters_read": chars,
        "pictures_rendered": rendered,
        "render_width": limits.render_width,
        "read_seconds": round(read_s, 2),
        "read_ms_per_page": round(1000 * read_s / max(slides, 1), 2),
        "render_seconds": round(render_s, 2),
        "render_ms_per_page": round(1000 * render_s / max(rendered, 1), 2) if pictures else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "qa_index": indexed,
    }


def markdown(result: dict) -> str:
    r, m = result["ingest"], result["machine"]
    lines = [
        f"Measured {result['date']} by `make bench-ingest` (bench/ingest.py → bench/ingest.json) on"
        f" {m.get('cpu', 'this machine')}, {m.get('cores')} cores: {r['decks']} PDF decks × {r['pages_per_deck']} pages"
        f" ({r['slides_read']} pages).",
        "",
        "| step | seconds | per page | peak memory |",
        "|---|---|---|---|",
    ]
    if r.get("qa_index"):
        q = r["qa_index"]
        per = 1000 * q["seconds"] / max(r["slides_read"], 1)
        step = "`qa index` (read, chunk, embed, pictures, write; a fresh process)"
        lines.append(f"| {step} | {q['seconds']} | {per:.0f} ms | {q['peak_rss_mb']} MB |")
    lines.append(f"| reading alone (pypdfium2 + layout) | {r['read_seconds']} | {r['read_ms_per_page']} ms | – |")
    if r.get("render_ms_per_page") is not None:
        lines.append(
            f"| pictures alone ({r['render_width']} px) | {r['render_seconds']} | {r['render_ms_per_page']} ms | – |"
        )
    lines.append(f"| the benchmark process (readers and pictures) | | | {r['peak_rss_mb']} MB |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--no-pictures", action="store_true", help="read the text only")
    parser.add_argument("--render-width", type=int, default=Limits().render_width)
    parser.add_argument("--readers-only", action="store_true", help="skip the `qa index` run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "ingest.json")
    args = parser.parse_args(argv)
    if args.decks < 1 or args.pages < 1:
        parser.error("--decks and --pages must be at least 1")
    limits = Limits(render_width=args.render_width, max_pages=max(Limits().max_pages, args.pages))
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "ingest": run(args.decks, args.pages, not args.no_pictures, limits, args.readers_only),
        "machine": describe(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = markdown(result)
    args.out.with_suffix(".md").write_text(text, encoding="utf-8")
    if args.out == ROOT / "bench" / "ingest.json":
        from scripts.splice_readme import splice

        splice("ingest", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
