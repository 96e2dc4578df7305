"""Text read from a page's picture by Tesseract: for PDF pages that have no text layer (a scan, a
slide exported as an image).

Tesseract is a system program (Debian: tesseract-ocr, tesseract-ocr-jpn, tesseract-ocr-eng; the
language data ships in those packages, so it runs offline), driven through pytesseract. Without it
the readers keep such pages empty and say how to install it. The lines come back as layout Lines
in page units, so the rest of the PDF reader (title, blocks, regions) treats them as it treats a
text layer's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from .layout import Line, joined

LANGUAGES = "jpn+eng"
# Tesseract's own confidence (0-100) below which a word is dropped: icons, rules and arrows read as
# "|", "©" or "Ln" come in low; its documentation treats under 50 as unreliable.
MIN_CONFIDENCE = 50
RENDER_PX = 2000  # the page's longer side when rendered for OCR: slide body text comes out 40-60 px tall
TIMEOUT_S = 60  # one page
STALE_TMP_S = 3600  # a cache entry's temporary file this old was left by a killed build


@functools.cache
def engine() -> str | None:
    """'tesseract 5.3.0 jpn+eng' when the program and both languages' data are installed, else None
    (part of the index's inputs: installing it rebuilds the decks it can now read).

    Asked of the program itself, not through pytesseract: `qa ask` probes it at every start over a
    corpus with PDFs, and importing pytesseract (Pillow, packaging) costs ten times the two calls."""
    version, languages = _tesseract("--version"), _tesseract("--list-langs")
    if not version or not languages:
        return None
    # "tesseract 5.3.0" then the libraries; "List of available languages in "...": 3" then one a line
    name, _, number = version.splitlines()[0].partition(" ")
    if name != "tesseract" or not number.strip():
        return None
    if not set(LANGUAGES.split("+")) <= {line.strip() for line in languages.splitlines()[1:]}:
        return None
    return f"tesseract {number.strip()} {LANGUAGES}"


def _tesseract(option: str) -> str:
    """What `tesseract option` prints ("" when it is not installed or fails)."""
    program = shutil.which("tesseract")
    if program is None:
        return ""
    try:
        done = subprocess.run(
            [program, option], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    # older versions print --version on stderr
    return (done.stdout or done.stderr) if done.returncode == 0 else ""


MISSING = "install tesseract-ocr, tesseract-ocr-jpn and tesseract-ocr-eng to read them by OCR"


class OCRFailed(Exception):
    """Tesseract failed or timed out on one page (the page is kept empty and named in a warning)."""


def page_lines(image, scale: float, cache: Path | None = None) -> list[Line]:
    """The text lines Tesseract reads in a page picture rendered at `scale` pixels per page unit,
    in its reading order, with boxes and sizes in page units (top-left origin). With a cache
    folder, a picture read before (same pixels, same engine) is not read again."""
    data = _words(image, cache)
    words: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= MIN_CONFIDENCE:
            words.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    lines = []
    for ids in words.values():
        text = joined([data["text"][i].strip() for i in ids])
        if sum(ch.isalpha() for ch in text) < 2:
            continue  # a lone digit or mark: a page number, an icon
        x0 = min(data["left"][i] for i in ids) / scale
        y0 = min(data["top"][i] for i in ids) / scale
        x1 = max(data["left"][i] + data["width"][i] for i in ids) / scale
        y1 = max(data["top"][i] + data["height"][i] for i in ids) / scale
        # the line's type size: its words' tallest boxes (kana sit lower than kanji and capitals)
        size = statistics.median(sorted(data["height"][i] for i in ids)[len(ids) // 2 :]) / scale
        lines.append(Line(text, x0, y0, x1, y1, size, chars=len(text)))
    return lines


# Tesseract's word table, as much of it as page_lines uses
FIELDS = ("text", "conf", "block_num", "par_num", "line_num", "left", "top", "width", "height")


def _words(image, cache: Path | None) -> dict[str, list]:
    """Tesseract's words in the picture, from the cache when it holds this picture's reading.

    Keyed by the picture's pixels and the engine, so a changed page, render size or Tesseract
    reads again; a damaged or unreadable entry is read again too (the cache only saves time)."""
    path = None
    if cache is not None:
        key = hashlib.sha256(f"{engine()}|{LANGUAGES}|{image.mode}|{image.size}|".encode())
        key.update(image.tobytes())
        path = Path(cache) / f"{key.hexdigest()}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and all(isinstance(data.get(f), list) for f in FIELDS):
                with contextlib.suppress(OSError):  # marks the entry as in use (prune keeps it)
                    os.utime(path)
                return data
        except (OSError, ValueError):
            pass
    import pytesseract

    try:
        data = pytesseract.image_to_data(image, lang=LANGUAGES, output_type=pytesseract.Output.DICT, timeout=TIMEOUT_S)
    except (RuntimeError, pytesseract.TesseractError) as exc:  # RuntimeError: the timeout
        raise OCRFailed(str(exc).strip() or type(exc).__name__) from None
    data = {f: list(data[f]) for f in FIELDS}
    if path is not None:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:  # written whole, then renamed: a concurrent or killed build never leaves half an entry
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:  # a read-only index folder or a full disk: OCR still works, only uncached
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)  # a full disk leaves a part-written file
    return data


def prune(cache: Path, used_since: float) -> int:
    """Remove the entries the last build neither read nor wrote (read or written, an entry's mtime is
    at least `used_since`, the build's start): a deck removed or changed since, another Tesseract's
    readings. Returns how many went. Never raises: it only tidies."""
    return _remove_older(cache, "*.json", used_since)


def sweep(cache: Path, older_than_s: float = STALE_TMP_S) -> int:
    """Remove the half-written entries a killed build left in the cache (a live writer's are seconds
    old, so only those older than `older_than_s` go); returns how many. Never raises: it only tidies."""
    return _remove_older(cache, "*.tmp", time.time() - older_than_s)


def _remove_older(cache: Path, pattern: str, cutoff: float) -> int:
    """Remove the cache's files matching `pattern` last modified before `cutoff`; how many went."""
    removed = 0
    try:
        for path in Path(cache).glob(pattern):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    except OSError:
        pass
    return removed
