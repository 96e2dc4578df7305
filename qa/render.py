"""How slides and citations are named for people, in Japanese or English."""

from __future__ import annotations


def slide_label(number: int, title: str, lang: str = "ja") -> str:
    """スライド5「title」 or Slide 5 “title”."""
    if lang == "ja":
        return f"スライド{number}「{title}」"
    return f"Slide {number} “{title}”"


def citation(document: dict, number: int, lang: str = "ja") -> str:
    """A reference to paste into a memo, e.g. JST CRDS「…」(2023-08-25) スライド5."""
    where = f"スライド{number}" if lang == "ja" else f"slide {number}"
    return f"{document.get('citation') or document.get('title') or document.get('doc')} {where}"
