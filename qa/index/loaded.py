"""Loading the current build: every component read back and checked to be in step."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..chunking import Passage
from ..keyword import KeywordIndex
from ..lang import default_tokenizer
from ..latent import WordTable
from ..slides import Slide
from . import hubness, keyword, latent, passages, pictures, vectors
from .build import FORMAT
from .owned import GLOSSES
from .staleness import Stale
from .store import IndexInvalid, check_pointer, open_manifest, read_pointer, verify, verify_file

LOAD_ATTEMPTS = 3  # a reader retries when CURRENT moved while it was loading
REQUIRED_FILES = passages.FILES + vectors.FILES + hubness.FILES + GLOSSES.FILES


@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict
    passages: list[Passage]
    slides: list[Slide]
    vectors: object  # faiss.Index
    keyword: KeywordIndex
    hubness: np.ndarray  # (languages, passages), see qa/hubness.py
    glosses: object  # faiss.Index over the English glosses of Japanese passages (qa/gloss.py)
    gloss_owner: np.ndarray  # passage row of each gloss vector
    latent: tuple[np.ndarray, np.ndarray] | None = None  # the passages' latent terms, when built (qa/latent.py)
    latent_words: WordTable | None = None  # the words' latent terms, built with the passages'
    notices: list[str] = field(default_factory=list)
    rebuilt_for: list[Stale] = field(default_factory=list)  # why ensure_index rebuilt it, if it did
    pending: list[Stale] = field(default_factory=list)  # why it needs a rebuild it has not had yet (stale_ok)

    @property
    def documents(self) -> list[dict]:
        return self.manifest["documents"]

    def picture(self, doc: str, number: int) -> Path | None:
        """The slide's PNG in this build, checked against the manifest, or None (text only)."""
        name = pictures.lookup(self.manifest, doc, number)
        if name is None:
            return None
        try:
            verify_file(self.folder, name, self.manifest["files"].get(name))
        except IndexInvalid:
            return None
        return self.folder / name


def load_index(index_dir: Path, *, verify_files: bool = True) -> LoadedIndex:
    """The current build, with the manifest checked against CURRENT and every file against the manifest.

    A build swapped in (and an old one removed) while this reads is not damage:
    the load starts over from the new CURRENT, at most LOAD_ATTEMPTS times.
    """
    for attempt in range(LOAD_ATTEMPTS):
        pointer = read_pointer(Path(index_dir))
        if pointer is None:
            raise IndexInvalid("there is no index yet")
        try:
            return _load_build(*pointer, verify_files=verify_files)
        except IndexInvalid:
            if attempt + 1 == LOAD_ATTEMPTS or read_pointer(Path(index_dir)) == pointer:
                raise
    raise AssertionError("unreachable")


def _load_build(folder: Path, manifest_sha256: str, *, verify_files: bool) -> LoadedIndex:
    manifest, manifest_bytes = open_manifest(folder)
    if (
        manifest.get("format") != FORMAT
        or not isinstance(manifest.get("documents"), list)
        or not set(REQUIRED_FILES) <= set(manifest["files"])
    ):
        raise IndexInvalid("the manifest is from another version or damaged")
    if verify_files:
        verify(folder, manifest, skip=(pictures.FOLDER + "/",))  # pictures: checked when shown
    try:
        rows, slides = passages.load(folder)
        loaded = LoadedIndex(
            folder,
            manifest,
            rows,
            slides,
            vectors.load(folder),
            keyword.load(folder, default_tokenizer()),
            hubness.load(folder),
            *GLOSSES.load(folder),
            *(latent.load(folder, manifest["files"]) or (None, None)),
        )
    except Exception as exc:  # a damaged file can fail in many ways; all mean "rebuild"
        raise IndexInvalid(f"the index files cannot be read ({type(exc).__name__})") from None
    if not _in_step(loaded):
        raise IndexInvalid("passages and vectors are out of step")
    # Checked last so that a damaged manifest is first named by what it breaks.
    check_pointer(manifest_bytes, manifest_sha256)
    return loaded


def _in_step(index: LoadedIndex) -> bool:
    """Passages, vectors, BM25 rows, hubness and glosses all describe the same rows."""
    n = len(index.passages)
    slide_keys = {(s.doc, s.number) for s in index.slides}
    try:
        return bool(
            index.vectors.ntotal == n == index.manifest.get("n_passages") == index.hubness.shape[-1]
            and index.vectors.d == index.manifest.get("dim") == index.glosses.d
            and index.hubness.ndim == 2
            and index.keyword.scores([]).shape[0] == n
            and _owned(index.glosses, index.gloss_owner, n)
            and (index.latent is None or index.latent[0].shape == index.latent[1].shape == (n, latent.TOP_K))
            and (index.latent_words is None or index.latent_words.ids.shape == index.latent_words.weights.shape)
            # An evaluation corpus may bring passages without slides (write_index).
            and (not index.slides or all((p.doc, p.slide) in slide_keys for p in index.passages))
        )
    except (TypeError, ValueError, IndexError):
        return False


def _owned(vectors, owner: np.ndarray, n: int) -> bool:
    """One owner row for each vector, every one a passage row."""
    return vectors.ntotal == len(owner) and (not len(owner) or 0 <= int(owner.min()) and int(owner.max()) < n)
