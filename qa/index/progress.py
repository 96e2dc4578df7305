"""A build's stages: each one timed (the manifest's "stages"), shown as a bar in a terminal, and told
to a listener (a server's status line) as it advances."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# The manifest's stage names, in build order, and the words a bar or a status line shows for each.
STAGES = {
    "read": "reading decks",  # the readers, OCR included (its readings are cached in index/ocr-cache/)
    "passage_vectors": "embedding passages",
    "gloss_texts": "glossing Japanese passages",
    "gloss_vectors": "embedding glosses",
    "keyword": "keyword index",
    "hubness": "hubness",
    "latent_passages": "latent terms",
    "word_table": "word table",
    "pictures": "slide pictures",
}


@dataclass(frozen=True)
class StageUpdate:
    """Where a build stands: the stage (a STAGES name), its words, and how far it is."""

    stage: str
    label: str
    done: int
    total: int
    unit: str

    def line(self) -> str:
        """'embedding passages 120/400' (no count for a stage of one step)."""
        return f"{self.label} {self.done}/{self.total}" if self.total > 1 else self.label


Listener = Callable[[StageUpdate], None]


class Step:
    """One running stage. `advance(n)`: n more of its units done (computed, or with `reused`, taken
    from the build cache); `reused` may also count units the bar never shows (they cost nothing)."""

    def __init__(self, progress: BuildProgress, stage: str, total: int, unit: str, bar) -> None:
        self._progress, self.stage, self.total, self.unit, self._bar = progress, stage, total, unit, bar
        self.done = self.computed = self.reused = 0
        self._lock = threading.Lock()  # the word pass advances from several threads

    def advance(self, n: int = 1, *, reused: bool = False) -> None:
        with self._lock:
            self.done += n
            if reused:
                self.reused += n
            else:
                self.computed += n
            update = StageUpdate(self.stage, STAGES[self.stage], self.done, self.total, self.unit)
            if self._bar is not None:
                self._bar.update(n)
        self._progress.tell(update)


class BuildProgress:
    """The stages of one build. `terminal`: a tqdm bar per stage on stderr (gone when it ends);
    `listener`: told every step. A stage that runs twice adds up."""

    def __init__(self, terminal: bool = False, listener: Listener | None = None) -> None:
        self.terminal, self.listener = terminal, listener
        self._record: dict[str, dict] = {}

    def tell(self, update: StageUpdate) -> None:
        if self.listener is not None:
            self.listener(update)

    @contextmanager
    def stage(self, stage: str, total: int = 1, unit: str = "step") -> Iterator[Step]:
        bar = None
        if self.terminal and total > 0:  # a stage with nothing to do (all from the cache) shows no bar
            from tqdm import tqdm

            bar = tqdm(total=total, desc=STAGES[stage], unit=unit, leave=False, dynamic_ncols=True)
        step = Step(self, stage, total, unit, bar)
        self.tell(StageUpdate(stage, STAGES[stage], 0, total, unit))
        started = time.perf_counter()
        try:
            yield step
        finally:
            seconds = time.perf_counter() - started
            if bar is not None:
                bar.close()
            entry = self._record.setdefault(stage, {"seconds": 0.0, "computed": 0, "reused": 0})
            entry["seconds"] = round(entry["seconds"] + seconds, 3)
            entry["computed"] += step.computed
            entry["reused"] += step.reused

    def record(self) -> dict[str, dict]:
        """{stage: {seconds, computed, reused}} in build order (the manifest's "stages")."""
        return {name: dict(self._record[name]) for name in STAGES if name in self._record}
