"""Batch evaluation of question sets (formats, relevance, metrics, reports)."""
