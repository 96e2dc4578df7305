"""The searcher a server answers with, swapped atomically when a new index build is ready."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .search import Searcher


class LiveSearcher:
    """Holds the current Searcher; readers take `.current` once per request, a rebuild calls `swap`.

    Every request works with the Searcher it took at its start, so a swap never mixes two
    builds inside one answer; the old build is freed once its last request is done.
    """

    def __init__(self, searcher: Searcher) -> None:
        self._current = searcher
        self._lock = threading.Lock()
        self.generation = 0  # bumped at every swap (the UI shows it; tests wait on it)

    @property
    def current(self) -> Searcher:
        return self._current

    def __getattr__(self, name: str):
        # Stands in for a Searcher wherever one is expected (the UI's handlers).
        return getattr(self._current, name)

    def swap(self, searcher: Searcher) -> None:
        with self._lock:
            self._current = searcher
            self.generation += 1


@dataclass
class Status:
    """What the background rebuild is doing, for a page or a log to show."""

    state: str = "idle"  # idle | indexing | failed
    message: str = ""
    generation: int = 0  # searcher swaps so far
    stage: str = ""  # while indexing: the build's stage (qa/index/progress.py STAGES), and how far it is
    done: int = 0
    total: int = 0


class Rebuilder:
    """Rebuilds a corpus's index in a background thread and swaps the new searcher in; the old one answers
    meanwhile, and goes on answering when the build fails.

    `request()` asks for a build; requests during a build ask for one more after it. The optional
    hooks let the caller tie its changes to a build: `snapshot()` is taken as a build starts and given
    to `succeeded(snapshot)`, or `failed(exc, snapshot)` returns what was undone, in words. While it
    builds, `status` says the stage and how far it is (and with `progress`, None: when stderr is a
    terminal, a bar per stage shows there too). A build reads and embeds only the decks that changed
    (qa/index/cache.py): an upload takes seconds.
    """

    def __init__(
        self,
        corpus: Path,
        index: Path,
        live: LiveSearcher,
        *,
        store: str | None = None,
        notify: Callable[[str], None] = lambda message: None,
        progress: bool | None = None,
    ) -> None:
        self.corpus, self.index, self.live, self.store = Path(corpus), Path(index), live, store
        self.notify = notify
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.status = Status()
        self.snapshot: Callable[[], object] = lambda: None
        self.succeeded: Callable[[object], None] = lambda snapshot: None
        self.failed: Callable[[Exception, object], str] = lambda exc, snapshot: ""
        self._dirty = threading.Event()
        self._worker: threading.Thread | None = None
        self._start = threading.Lock()

    def request(self) -> None:
        with self._start:
            self._dirty.set()
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="qa-rebuild", daemon=True)
                self._worker.start()

    def cancel_pending(self) -> None:
        """Forget a requested build that has not started (its changes were undone)."""
        self._dirty.clear()

    def _run(self) -> None:
        while True:
            self._loop()
            with self._start:  # a request that came as the loop ended is built, never lost
                if not self._dirty.is_set():
                    self._worker = None
                    return

    def _loop(self) -> None:
        from .index import build_index, load_index
        from .stores import use_store

        while self._dirty.is_set():
            self._dirty.clear()  # a request arriving during this build triggers one more
            self._say(Status("indexing", "indexing…", self.status.generation))
            old = self.live.current
            snapshot = self.snapshot()
            try:
                build_index(
                    self.corpus,
                    self.index,
                    old.encoder,
                    notify=self._progress,
                    progress=self.progress,
                    on_stage=self._stage,
                )
                searcher = Searcher(load_index(self.index), old.encoder, old.settings)
                use_store(searcher, self.store)
            except Exception as exc:  # the old index keeps answering; the reason is shown
                undone = self.failed(exc, snapshot)
                reason = f"indexing failed: {str(exc) or type(exc).__name__}; the previous index keeps answering"
                self._say(Status("failed", f"{reason}; {undone}" if undone else reason, self.status.generation))
                continue
            self.succeeded(snapshot)
            self.live.swap(searcher)
            self._say(Status("idle", f"index updated: {len(searcher.documents())} decks", self.live.generation))

    def _progress(self, message: str) -> None:
        self.status = Status("indexing", message, self.status.generation)

    def _stage(self, update) -> None:
        """A step of the build (qa.index.StageUpdate): the status line says the stage and the count."""
        self.status = Status(
            "indexing", f"indexing: {update.line()}", self.status.generation, update.stage, update.done, update.total
        )

    def _say(self, status: Status) -> None:
        self.status = status
        self.notify(status.message)
