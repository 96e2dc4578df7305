"""Component: the passage vectors, a FAISS index (inner product over normalised rows).

Which FAISS index type to build lives in qa/vectors.py; this module owns the file.
"""

from __future__ import annotations

from pathlib import Path

FORMAT = "faiss-ip/1"
FILES = ("vectors.faiss",)


def save(index, folder: Path, name: str = "vectors.faiss") -> None:
    import faiss

    faiss.write_index(index, str(folder / name))


def load(folder: Path, name: str = "vectors.faiss"):
    import faiss

    return faiss.read_index(str(folder / name))
