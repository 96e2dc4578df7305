"""Adding and removing decks from the UI (`qa serve --allow-uploads`): checked, saved, indexed, swapped in.

A file is refused with its reason before anything is written: wrong type, over the
size limit, or a deck its reader cannot read (a corrupt PDF). Its name is never
trusted: only the last path component survives, reduced to safe characters, and a
name whose document id is taken gets a numbered suffix instead of replacing the other
deck. The index is rebuilt in a background thread into a new build folder while the
current searcher keeps answering; the new one is swapped in when ready.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from qa.documents import deck_files
from qa.errors import QAError
from qa.highlight import escape
from qa.index import OCR_CACHE
from qa.readers import SUFFIXES, Limits, read_deck

if TYPE_CHECKING:
    from qa.search import Searcher

SAFE = re.compile(r"[^\w.\- ]+")  # \w keeps Japanese names readable


@dataclass
class Status:
    """What the background indexer is doing, for the UI to show."""

    state: str = "idle"  # idle | indexing | failed
    message: str = ""
    generation: int = 0  # searcher swaps so far


def safe_name(original: str) -> str:
    """The last component of a client-given file name, NFKC, safe characters only; refuses what is left empty."""
    name = unicodedata.normalize("NFKC", str(original)).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    name = SAFE.sub("_", name).strip(" .")
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in SUFFIXES:
        raise QAError(f"{original!r}: not a deck type (accepted: {', '.join(sorted(SUFFIXES))})")
    if not stem.strip("_ ."):
        raise QAError(f"{original!r}: the name has no usable characters")
    return stem[:100] + suffix.lower()


class DeckUploads:
    """Adds and removes decks of one corpus and rebuilds its index in the background."""

    def __init__(self, corpus: Path, index: Path, live, *, max_bytes: int, store: str | None = None) -> None:
        self.corpus, self.index, self.live = Path(corpus), Path(index), live
        self.max_bytes = max_bytes
        self.store = store
        self.status = Status()
        self._lock = threading.Lock()  # one change to the corpus at a time
        self._dirty = threading.Event()
        self._worker: threading.Thread | None = None
        # called as hook(old, new) just before a new searcher is swapped in (ui.app allows its pictures)
        self.before_swap: list[Callable[[Searcher, Searcher], None]] = []

    # ------------------------------------------------------------ changes

    def add(self, path: Path, original_name: str) -> str:
        """Check a received file, save it into the corpus under a safe, unused name, start reindexing."""
        name = safe_name(original_name)
        size = Path(path).stat().st_size
        if size > self.max_bytes:
            raise QAError(f"{name}: {size / 2**20:.1f} MB, over the {self.max_bytes / 2**20:.1f} MB upload limit")
        if size == 0:
            raise QAError(f"{name}: the file is empty")
        with self._lock:
            target = self._unused(name)
            with tempfile.TemporaryDirectory() as tmp:
                trial = Path(tmp) / target.name
                shutil.copyfile(path, trial)
                # ReaderError says why; OCR readings go where the background build will find them
                limits = Limits(max_bytes=self.max_bytes, ocr_cache=self.index / OCR_CACHE)
                deck = read_deck(trial, trial.stem, limits)
                if not deck.slides:
                    raise QAError(f"{name}: no slide with text was found")
                part = self.corpus / f".{target.name}.part"  # hidden: never indexed half-written
                shutil.copyfile(trial, part)
                os.replace(part, target)
        self._reindex()
        renamed = f" (saved as {target.name})" if target.name != name else ""
        return f"added {name}{renamed}: {len(deck.slides)} slides; indexing in the background"

    def remove(self, doc: str) -> str:
        """Delete a deck's file from the corpus and start reindexing."""
        documents = {d["doc"]: d for d in self.live.current.documents()}
        if doc not in documents:
            raise QAError(f"no document named {doc!r}")
        with self._lock:
            path = (self.corpus / documents[doc]["path"]).resolve()
            if self.corpus.resolve() not in path.parents or not path.is_file():
                raise QAError(f"{doc}: its file is not in the corpus folder")
            if len(deck_files(self.corpus)) <= 1:
                raise QAError("the last deck cannot be removed: the index would be empty")
            path.unlink()
        self._reindex()
        return f"removed {doc}; indexing in the background"

    def _unused(self, name: str) -> Path:
        """corpus/name, or name-2, name-3… when a deck with that document id exists."""
        taken = {p.stem.lower() for p in self.corpus.iterdir() if p.is_file()}
        stem, suffix = os.path.splitext(name)
        candidate, n = stem, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}-{n}"
        return self.corpus / (candidate + suffix)

    # ------------------------------------------------------------ background indexing

    def _reindex(self) -> None:
        self._dirty.set()
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._index_loop, name="qa-uploads-index", daemon=True)
            self._worker.start()

    def _index_loop(self) -> None:
        from qa.index import build_index, load_index
        from qa.search import Searcher
        from qa.stores import use_store

        while self._dirty.is_set():
            self._dirty.clear()  # a change arriving during this build triggers one more
            self.status = Status("indexing", "indexing…", self.status.generation)
            old = self.live.current
            try:
                # The default model's index holds the latent terms whatever the server asked for.
                build_index(self.corpus, self.index, old.encoder, notify=self._note)
                searcher = Searcher(load_index(self.index), old.encoder, old.settings)
                use_store(searcher, self.store)
                for hook in self.before_swap:
                    hook(old, searcher)
            except Exception as exc:  # the old index keeps answering; the reason is shown
                self.status = Status("failed", f"indexing failed: {exc}", self.status.generation)
                continue
            self.live.swap(searcher)
            self.status = Status("idle", f"index updated: {len(searcher.documents())} decks", self.live.generation)

    def _note(self, message: str) -> None:
        self.status = Status("indexing", message, self.status.generation)


# ---------------------------------------------------------------- the tab


def status_html(status: Status) -> str:
    bar = '<progress class="qa-index-progress"></progress> ' if status.state == "indexing" else ""
    return f'<div id="qa-upload-state" data-state="{status.state}" data-generation="{status.generation}">' + (
        f"{bar}{escape(status.message)}</div>"
    )


def build_uploads_tab(uploads: DeckUploads) -> None:
    """File picker, result line, indexing state (polled), and a remove control."""
    limit = f"{uploads.max_bytes / 2**20:.0f} MB"
    gr.Markdown(f"PDF / PPTX / Markdown / テキスト（{limit}まで） / PDF, PPTX, Markdown or text, up to {limit}.")
    picker = gr.File(label="資料 / Deck", file_count="single", type="filepath", elem_id="qa-upload-file")
    result = gr.Markdown("", elem_id="qa-upload-result")
    state = gr.HTML(status_html(uploads.status), elem_id="qa-upload-status")
    with gr.Row():
        docs = gr.Dropdown(_doc_choices(uploads), label="削除する資料 / Deck to remove", elem_id="qa-remove-doc")
        remove_btn = gr.Button("削除 / Remove", variant="stop", elem_id="qa-remove")
    timer = gr.Timer(1.0)

    def on_upload(path):
        if not path:
            return gr.update(), gr.update()
        # Gradio keeps the name the browser sent as the file's last component: checked again in add().
        # The picker is emptied for the next deck; the file itself is in the corpus or refused.
        return _attempt(lambda: uploads.add(Path(path), Path(path).name)), None

    def on_remove(doc):
        return _attempt(lambda: uploads.remove(doc or ""))

    def poll():
        return status_html(uploads.status), gr.update(choices=_doc_choices(uploads))

    picker.upload(on_upload, [picker], [result, picker], api_visibility="private")
    remove_btn.click(on_remove, [docs], [result], api_visibility="private")
    timer.tick(poll, None, [state, docs], api_visibility="private", queue=False)


def _attempt(action) -> str:
    try:
        return f"✅ {action()}"
    except QAError as exc:
        return f"❌ refused: {exc}"


def _doc_choices(uploads: DeckUploads) -> list[tuple[str, str]]:
    return [(d.get("title") or d["doc"], d["doc"]) for d in uploads.live.current.documents()]
