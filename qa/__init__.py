"""Cited bilingual question answering over slide decks."""

from .errors import QAError
from .search import Answer, Hit, Searcher, SearchSettings

__all__ = ["Answer", "Hit", "QAError", "Searcher", "SearchSettings"]
__version__ = "0.1.0"
