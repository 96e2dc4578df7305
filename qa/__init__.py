"""Cited bilingual question answering over slide decks."""

import os

# The embedding engine and FAISS use OpenMP. Its default busy-wait turns a 10 ms query
# into ~1.4 s when another process competes for the 2 cores (measured); sleeping
# workers cost little when idle. Set before either library loads its runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .errors import QAError
from .search import Answer, Hit, Searcher, SearchSettings

__all__ = ["Answer", "Hit", "QAError", "Searcher", "SearchSettings"]
__version__ = "0.1.0"
