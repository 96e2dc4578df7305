"""The searcher a server answers with, swapped atomically when a new index build is ready."""

from __future__ import annotations

import threading

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
