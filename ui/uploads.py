"""Adding and removing decks from the UI (`qa serve --allow-uploads`): checked, saved, indexed, swapped in.

A file is refused with its reason before anything is written: not one Gradio received,
wrong type, over the size limit, or a deck its reader cannot read (a corrupt PDF, a zip
bomb). Its name is never trusted: only the last path component survives, reduced to safe
characters; a name mixing Latin with Cyrillic or Greek look-alike letters is refused, and
a name whose document id is taken gets a numbered suffix instead of replacing the other
deck. The index is rebuilt in a background thread into a new build folder while the
current searcher keeps answering (only the deck added or removed is read and embedded:
qa/index/cache.py; the tab shows the build's stage and count); the new one is swapped in
when ready. A removed deck goes to the corpus's trash folder, never straight to deletion;
when a build fails, the changes since the last good build are undone (an added deck to the
trash, a removed one back), so the corpus on disk stays the one the answering index was
built from.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from qa.documents import NOT_DECKS, deck_files
from qa.errors import QAError
from qa.highlight import escape
from qa.index import OCR_CACHE
from qa.live import LiveSearcher, Rebuilder, Status
from qa.readers import SUFFIXES, Limits, read_deck
from qa.trash import restore, to_trash, trashed, unused_name

from .received import ReceivedFiles

SAFE = re.compile(r"[^\w.\- ]+")  # \w keeps Japanese names readable
LOOKALIKE_SCRIPTS = {"CYRILLIC", "GREEK"}  # letters that pass for Latin ones (а, е, о, ѕ, ο, ν…)


@dataclass(frozen=True)
class Change:
    """One change to the corpus not yet in a good build: undone if the build fails."""

    kind: str  # added | removed
    path: Path  # the deck's place in the corpus
    trashed: Path | None = None  # where a removed deck waits


def _scripts(name: str) -> set[str]:
    return {unicodedata.name(ch, "?").split(" ")[0] for ch in name if ch.isalpha()}


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
    scripts = _scripts(stem)
    if "LATIN" in scripts and scripts & LOOKALIKE_SCRIPTS:
        raise QAError(f"{original!r}: the name mixes Latin with Cyrillic or Greek letters that look alike; rename it")
    name = stem[:100] + suffix.lower()
    if name.lower() in NOT_DECKS:
        raise QAError(f"{original!r}: that name describes the corpus folder and is never indexed; rename the deck")
    return name


class DeckUploads:
    """Adds and removes decks of one corpus and rebuilds its index in the background."""

    def __init__(
        self,
        corpus: Path,
        index: Path,
        live: LiveSearcher,
        *,
        max_bytes: int,
        store: str | None = None,
        rebuilder: Rebuilder | None = None,
    ) -> None:
        self.corpus, self.index, self.live = Path(corpus), Path(index), live
        self.max_bytes = max_bytes
        self._lock = threading.Lock()  # one change to the corpus at a time
        self._pending: list[Change] = []  # changes not yet in a good build
        self.rebuilder = rebuilder or Rebuilder(corpus, index, live, store=store)
        self.rebuilder.snapshot = self._building
        self.rebuilder.succeeded = self._built
        self.rebuilder.failed = self._failed

    @property
    def status(self) -> Status:
        return self.rebuilder.status

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
            target = unused_name(self.corpus, name)
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
            self._pending.append(Change("added", target))
        self.rebuilder.request()
        renamed = f" (saved as {target.name})" if target.name != name else ""
        return f"added {name}{renamed}: {len(deck.slides)} slides; indexing in the background"

    def remove(self, doc: str) -> str:
        """Move a deck's file to the corpus's trash folder (qa.trash) and start reindexing."""
        documents = {d["doc"]: d for d in self.live.current.documents()}
        if doc not in documents:
            raise QAError(f"no document named {doc!r}")
        with self._lock:
            path = (self.corpus / documents[doc]["path"]).resolve()
            if self.corpus.resolve() not in path.parents or not path.is_file():
                raise QAError(f"{doc}: its file is not in the corpus folder")
            if len(deck_files(self.corpus)) <= 1:
                raise QAError("the last deck cannot be removed: the index would be empty")
            item = to_trash(self.corpus, path)
            self._pending.append(Change("removed", path, item.path))
        self.rebuilder.request()
        return f"removed {doc} ({path.name} is in the trash: restore it below); indexing in the background"

    def restore(self, deck_id: str) -> str:
        """Put a deck from the trash back into the corpus and start reindexing."""
        with self._lock:
            target = restore(self.corpus, deck_id)
            self._pending.append(Change("added", target))
        self.rebuilder.request()
        return f"restored {target.name}; indexing in the background"

    def _roll_back(self, changes: list[Change]) -> str:
        """Undo changes a failed build did not make answerable; what was done, in words."""
        undone = []
        for change in reversed(changes):
            try:
                if change.kind == "added" and change.path.is_file():
                    to_trash(self.corpus, change.path)
                    undone.append(f"{change.path.name} taken out of the corpus (in the trash)")
                elif change.kind == "removed" and change.trashed and not change.path.exists():
                    os.replace(change.trashed, change.path)
                    undone.append(f"{change.path.name} put back")
            except OSError as exc:
                undone.append(f"{change.path.name} could not be undone ({exc.strerror})")
        return "; ".join(undone)

    # ------------------------------------------------------------ tied to the builds

    def _building(self) -> list[Change]:
        with self._lock:
            return list(self._pending)

    def _built(self, building: list[Change]) -> None:
        with self._lock:
            self._pending = [c for c in self._pending if c not in building]

    def _failed(self, exc: Exception, building: list[Change]) -> str:
        """A build failed: the corpus goes back to the decks of the index that answers."""
        with self._lock:
            undone = self._roll_back(self._pending)
            self._pending.clear()
            self.rebuilder.cancel_pending()
        return undone


# ---------------------------------------------------------------- the tab


def status_html(status: Status) -> str:
    """The indexing state line: while a build runs, its stage and a bar of how far it is (a moving one
    for a stage of one step)."""
    bar = ""
    if status.state == "indexing":
        how_far = f' value="{status.done}" max="{status.total}"' if status.total > 1 else ""
        bar = f'<progress class="qa-index-progress"{how_far}></progress> '
    return f'<div id="qa-upload-state" data-state="{status.state}" data-generation="{status.generation}">' + (
        f"{bar}{escape(status.message)}</div>"
    )


def build_uploads_tab(uploads: DeckUploads, received: ReceivedFiles) -> None:
    """File picker, result line, indexing state (polled); removal that names the deck and asks first; the trash."""
    limit = f"{uploads.max_bytes / 2**20:.0f} MB"
    gr.Markdown(f"PDF / PPTX / Markdown / テキスト（{limit}まで） / PDF, PPTX, Markdown or text, up to {limit}.")
    picker = gr.File(label="資料 / Deck", file_count="single", type="filepath", elem_id="qa-upload-file")
    result = gr.Markdown("", elem_id="qa-upload-result")
    state = gr.HTML(status_html(uploads.status), elem_id="qa-upload-status")
    with gr.Row():
        docs = gr.Dropdown(
            _doc_choices(uploads), value=None, label="削除する資料 / Deck to remove", elem_id="qa-remove-doc"
        )
        remove_btn = gr.Button("削除… / Remove…", variant="stop", elem_id="qa-remove")
    with gr.Group(visible=False, elem_id="qa-remove-confirm") as confirm_box:
        question = gr.Markdown("", elem_id="qa-remove-question")
        with gr.Row():
            yes = gr.Button("ゴミ箱に移す / Move to trash", variant="stop", elem_id="qa-remove-yes")
            no = gr.Button("キャンセル / Cancel", elem_id="qa-remove-no")
    with gr.Row():
        bin_list = gr.Dropdown(
            _trash_choices(uploads), value=None, label="ゴミ箱 / Trash", elem_id="qa-trash-doc"
        )
        restore_btn = gr.Button("元に戻す / Restore", elem_id="qa-restore")
    timer = gr.Timer(1.0)

    def on_upload(path):
        if not path:
            return gr.update(), gr.update()
        # Gradio keeps the name the browser sent as the file's last component: checked again in add().
        # The picker is emptied for the next deck; the file itself is in the corpus or refused.
        try:
            return _attempt(lambda: uploads.add(received.check(path), Path(path).name)), None
        finally:
            received.discard(path)

    def ask_first(doc):
        documents = {d["doc"]: d for d in uploads.live.current.documents()}
        if doc not in documents:
            return gr.update(visible=False), "", "❌ 削除する資料を選んでください / choose the deck to remove first"
        deck = documents[doc]
        title = deck.get("title") or doc
        words = (
            f"**「{escape(title)}」**（{escape(deck['path'])}）をゴミ箱に移しますか？ "
            f"/ Move **{escape(title)}** ({escape(deck['path'])}) to the trash? It can be restored below."
        )
        return gr.update(visible=True), words, ""

    def on_remove(doc):
        return gr.update(visible=False), _attempt(lambda: uploads.remove(doc or "")), gr.update(value=None)

    def on_restore(deck_id):
        return _attempt(lambda: uploads.restore(deck_id or "")), gr.update(value=None)

    def poll():
        return (
            status_html(uploads.status),
            gr.update(choices=_doc_choices(uploads)),
            gr.update(choices=_trash_choices(uploads)),
        )

    picker.upload(on_upload, [picker], [result, picker], api_visibility="private")
    remove_btn.click(ask_first, [docs], [confirm_box, question, result], api_visibility="private")
    yes.click(on_remove, [docs], [confirm_box, result, docs], api_visibility="private")
    no.click(lambda: (gr.update(visible=False), "キャンセルしました / cancelled"), None, [confirm_box, result],
             api_visibility="private")
    restore_btn.click(on_restore, [bin_list], [result, bin_list], api_visibility="private")
    timer.tick(poll, None, [state, docs, bin_list], api_visibility="private", queue=False)


def _attempt(action) -> str:
    try:
        return f"✅ {action()}"
    except QAError as exc:
        return f"❌ refused: {exc}"


def _doc_choices(uploads: DeckUploads) -> list[tuple[str, str]]:
    return [(d.get("title") or d["doc"], d["doc"]) for d in uploads.live.current.documents()]


def _trash_choices(uploads: DeckUploads) -> list[tuple[str, str]]:
    return [(f"{item.name} ({item.removed_at})", item.id) for item in trashed(uploads.corpus)]
