"""Build, save and load the index: FAISS vectors + BM25 + passages + manifest.

On disk (all readable, no pickle)::

    index/
      CURRENT              name of the active build folder and its manifest's sha256 (replaced atomically)
      .lock                held while a build writes
      build-<stamp>/
        manifest.json      model, dimension, corpus fingerprint, versions, checksums
        passages.jsonl     one passage a line, row i = vector i
        slides.jsonl       the outline, with each slide's raw text
        vectors.faiss      FAISS index (inner product over normalised vectors)
        keyword/           bm25s files (JSON + .npy)

A build writes a new folder under the lock and then swaps CURRENT, so a build
that dies leaves the previous index in use, and two builds run one after the
other. A build folder is never changed once CURRENT names it. Every load
verifies the manifest against CURRENT and every file against the manifest, and
checks that passages, vectors and BM25 rows agree: a mismatched index never answers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .chunking import CHUNKER_VERSION, Passage, chunk_document
from .documents import Slide, corpus_fingerprint, load_corpus
from .encoders import Encoder, load_encoder
from .errors import QAError
from .hubness import passage_hubness
from .keyword import KeywordIndex
from .lang import default_tokenizer
from .sentences import sentence_units
from .vectors import VectorConfig, build_vector_index

FORMAT = "qa-index/1"
LOCK_TIMEOUT_S = 600
LOAD_ATTEMPTS = 3  # a reader retries when CURRENT moved while it was loading
REQUIRED_FILES = ("passages.jsonl", "slides.jsonl", "vectors.faiss", "hubness.npy", "sentences.faiss")
_BUILD_NAME = re.compile(r"^build-[A-Za-z0-9_.-]+$")


@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict
    passages: list[Passage]
    slides: list[Slide]
    vectors: object  # faiss.Index
    keyword: KeywordIndex
    hubness: np.ndarray  # (languages, passages), see qa/hubness.py
    sentences: object  # faiss.Index over the sentences of multi-sentence passages
    sentence_owner: np.ndarray  # passage row of each sentence vector
    notices: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[dict]:
        return self.manifest["documents"]

    def picture(self, doc: str, number: int) -> Path | None:
        """The slide's picture in this build, if one was rendered (see qa/readers/pictures.py)."""
        return None


# ---------------------------------------------------------------- files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class IndexInvalid(QAError):
    """The index on disk cannot be used; the message says why."""


def _read_pointer(index_dir: Path) -> tuple[Path, str] | None:
    """(build folder, manifest sha256) named by CURRENT, or None when there is no index yet."""
    pointer = Path(index_dir) / "CURRENT"
    try:
        lines = pointer.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        raise IndexInvalid(f"{pointer} cannot be read") from None
    if not lines or not _BUILD_NAME.match(lines[0]):
        raise IndexInvalid(f"{pointer} is damaged")
    if len(lines) != 2 or not re.fullmatch(r"[0-9a-f]{64}", lines[1]):
        raise IndexInvalid(f"{pointer} does not name the manifest's checksum (an older or damaged index)")
    return Path(index_dir) / lines[0], lines[1]


def current_build(index_dir: Path) -> Path | None:
    """The active build folder, or None when there is none (IndexInvalid when CURRENT is damaged)."""
    pointer = _read_pointer(index_dir)
    return pointer[0] if pointer else None


def index_lock(index_dir: Path):
    from filelock import FileLock

    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return FileLock(str(Path(index_dir) / ".lock"), timeout=LOCK_TIMEOUT_S)


@contextmanager
def _holding_lock(index_dir: Path, notify: Callable[[str], None]):
    """The build lock, saying so when another build holds it, and a clear error after LOCK_TIMEOUT_S."""
    from filelock import Timeout

    lock = index_lock(index_dir)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        notify(f"Another build of {index_dir} is running; waiting for it to finish …")
        try:
            lock.acquire(timeout=LOCK_TIMEOUT_S)
        except Timeout:
            raise QAError(
                f"another build of {index_dir} has held its lock for {LOCK_TIMEOUT_S} s; try again later"
            ) from None
    try:
        yield
    finally:
        lock.release()


# ---------------------------------------------------------------- build


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder | None = None,
    *,
    vector_config: VectorConfig = VectorConfig(),
    progress: bool = False,
    notify: Callable[[str], None] = lambda message: None,
) -> Path:
    """Index every deck of corpus_dir into a new build folder and make it current."""
    with _holding_lock(index_dir, notify):
        return _build_locked(
            Path(corpus_dir), Path(index_dir), encoder, vector_config=vector_config, progress=progress, notify=notify
        )


def _build_locked(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder | None,
    *,
    vector_config: VectorConfig,
    progress: bool,
    notify: Callable[[str], None],
) -> Path:
    fingerprint = corpus_fingerprint(corpus_dir)
    corpus = load_corpus(corpus_dir)
    problems = list(corpus.problems)
    documents, passages = [], []
    for doc in corpus.documents:
        chunks = chunk_document(doc)
        if chunks:
            documents.append(doc)
            passages.extend(chunks)
        else:
            problems.append(f"{doc.path}: its slides hold no text to search, skipped")
    for problem in problems:
        notify(f"skipped: {problem}")
    if not passages:
        # Raised before anything is written: the previous index stays current.
        raise QAError(f"no passages to index: {corpus_dir} holds no readable deck")
    rows = [
        {
            "doc": d.doc_id,
            "path": d.path,
            "title": d.title,
            "citation": d.citation,
            "slides": len(d.slides),
            "format": d.format,
            "card": asdict(d.card),
            "warnings": list(d.warnings),
        }
        for d in documents
    ]
    slides = [s for doc in documents for s in doc.slides]
    return _write_build(
        index_dir,
        passages,
        slides,
        rows,
        fingerprint,
        encoder,
        vector_config=vector_config,
        progress=progress,
        problems=problems,
    )


def write_index(
    index_dir: Path,
    passages: list[Passage],
    slides: list[Slide],
    documents: list[dict],
    fingerprint: str,
    encoder: Encoder | None = None,
    *,
    vector_config: VectorConfig = VectorConfig(),
    progress: bool = False,
    problems: list[str] | None = None,
) -> Path:
    """Embed and save given passages as a new build and make it current (atomically).

    Used by evaluations that bring their own passages (e.g. one passage per SQuAD
    paragraph); build_index does the same for decks, under the lock it already holds.
    """
    with _holding_lock(Path(index_dir), lambda message: None):
        return _write_build(
            Path(index_dir),
            passages,
            slides,
            documents,
            fingerprint,
            encoder,
            vector_config=vector_config,
            progress=progress,
            problems=problems,
        )


def _write_build(
    index_dir: Path,
    passages: list[Passage],
    slides: list[Slide],
    documents: list[dict],
    fingerprint: str,
    encoder: Encoder | None,
    *,
    vector_config: VectorConfig,
    progress: bool,
    problems: list[str] | None,
) -> Path:
    """write_index's work; the caller holds the index lock."""
    encoder = encoder or load_encoder()
    started = time.perf_counter()
    tokenizer = default_tokenizer()
    texts = [p.embedding_text() for p in passages]
    vectors = encoder.encode_passages(texts, progress=progress)
    vector_index = build_vector_index(vectors, vector_config)
    sentence_texts, sentence_owner = sentence_units(passages)
    sentence_vectors = (
        encoder.encode_passages(sentence_texts, progress=progress)
        if sentence_texts
        else np.zeros((0, encoder.dim), dtype=np.float32)
    )
    keyword = KeywordIndex.build(texts, tokenizer)

    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000}"
    tmp = index_dir / f".tmp-build-{stamp}"
    tmp.mkdir(parents=True)
    try:
        import faiss

        _write_jsonl(tmp / "passages.jsonl", (asdict(p) for p in passages))
        _write_jsonl(tmp / "slides.jsonl", (asdict(s) for s in slides))
        faiss.write_index(vector_index, str(tmp / "vectors.faiss"))
        keyword.save(tmp / "keyword")
        np.save(tmp / "hubness.npy", passage_hubness(vectors, encoder), allow_pickle=False)
        faiss.write_index(build_vector_index(sentence_vectors, vector_config), str(tmp / "sentences.faiss"))
        np.save(tmp / "sentence_owner.npy", sentence_owner, allow_pickle=False)
        files = {
            p.relative_to(tmp).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
            for p in sorted(tmp.rglob("*"))
            if p.is_file()
        }
        manifest = {
            "format": FORMAT,
            "model": encoder.model_id,
            "dim": encoder.dim,
            "corpus_fingerprint": fingerprint,
            "chunker": CHUNKER_VERSION,
            "tokenizer": tokenizer.name,
            "vector_index": {**asdict(vector_config), "kind": vector_config.resolve(len(passages))},
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 3),
            "n_passages": len(passages),
            "n_slides": len(slides),
            "documents": documents,
            "problems": problems or [],
            "files": files,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        (tmp / "manifest.json").write_bytes(manifest_bytes)
        for path in tmp.rglob("*"):
            if path.is_file():
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
        final = index_dir / f"build-{stamp}"
        os.rename(tmp, final)
        pointer_tmp = index_dir / f".CURRENT.{stamp}"
        pointer_tmp.write_text(f"{final.name}\n{hashlib.sha256(manifest_bytes).hexdigest()}\n", encoding="utf-8")
        with open(pointer_tmp, "rb") as fh:
            os.fsync(fh.fileno())
        previous = current_build_or_none(index_dir)
        os.replace(pointer_tmp, index_dir / "CURRENT")
        _fsync_dir(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _collect_garbage(index_dir, keep={final.name, previous.name if previous else ""})
    return final


def current_build_or_none(index_dir: Path) -> Path | None:
    try:
        return current_build(index_dir)
    except QAError:
        return None


def _collect_garbage(index_dir: Path, keep: set[str]) -> None:
    """Remove old builds and what killed builds left; the previous build stays for readers loading it.

    Runs under the lock, and only the lock holder writes, so any other temporary
    folder or pointer belongs to a build that died.
    """
    for path in index_dir.iterdir():
        if path.is_dir() and path.name not in keep and path.name.startswith(("build-", ".tmp-build-")):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".CURRENT."):
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------- load


def load_index(index_dir: Path, *, verify: bool = True) -> LoadedIndex:
    """The current build, with the manifest checked against CURRENT and every file against the manifest.

    A build swapped in (and an old one removed) while this reads is not damage:
    the load starts over from the new CURRENT, at most LOAD_ATTEMPTS times.
    """
    for attempt in range(LOAD_ATTEMPTS):
        pointer = _read_pointer(Path(index_dir))
        if pointer is None:
            raise IndexInvalid("there is no index yet")
        try:
            return _load_build(*pointer, verify=verify)
        except IndexInvalid:
            if attempt + 1 == LOAD_ATTEMPTS or _read_pointer(Path(index_dir)) == pointer:
                raise


def _load_build(folder: Path, manifest_sha256: str, *, verify: bool) -> LoadedIndex:
    import faiss

    if not folder.is_dir():
        raise IndexInvalid(f"CURRENT names {folder.name}, which is missing")
    manifest_path = folder / "manifest.json"
    try:
        manifest_bytes = manifest_path.read_bytes()
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except FileNotFoundError:
        raise IndexInvalid(f"{manifest_path} is missing") from None
    except (ValueError, UnicodeDecodeError):
        raise IndexInvalid(f"{manifest_path} is not valid JSON") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
        or not isinstance(manifest.get("documents"), list)
        or not set(REQUIRED_FILES) <= set(manifest["files"])
    ):
        raise IndexInvalid("the manifest is from another version or damaged")
    if verify:
        for name, meta in manifest["files"].items():
            path = folder / name
            if not path.is_file():
                raise IndexInvalid(f"{name} is missing from the index")
            try:
                matches = path.stat().st_size == meta["bytes"] and _sha256(path) == meta["sha256"]
            except (TypeError, KeyError):
                raise IndexInvalid("the manifest is from another version or damaged") from None
            except OSError:
                raise IndexInvalid(f"{name} cannot be read") from None
            if not matches:
                raise IndexInvalid(f"{name} does not match its checksum (damaged or edited)")
    try:
        passages = [Passage(**row) for row in _read_jsonl(folder / "passages.jsonl")]
        slides = [Slide.from_json(row) for row in _read_jsonl(folder / "slides.jsonl")]
        vectors = faiss.read_index(str(folder / "vectors.faiss"))
        keyword = KeywordIndex.load(folder / "keyword", default_tokenizer())
        hubness = np.load(folder / "hubness.npy", allow_pickle=False)
        sentences = faiss.read_index(str(folder / "sentences.faiss"))
        sentence_owner = np.load(folder / "sentence_owner.npy", allow_pickle=False)
    except Exception as exc:  # a damaged file can fail in many ways; all mean "rebuild"
        raise IndexInvalid(f"the index files cannot be read ({type(exc).__name__})") from None
    slide_keys = {(s.doc, s.number) for s in slides}
    try:
        in_step = (
            vectors.ntotal == len(passages) == manifest.get("n_passages") == hubness.shape[-1]
            and vectors.d == manifest.get("dim") == sentences.d
            and hubness.ndim == 2
            and keyword.scores([]).shape[0] == len(passages)
            and sentences.ntotal == len(sentence_owner)
            and (not len(sentence_owner) or int(sentence_owner.max()) < len(passages))
            # An evaluation corpus may bring passages without slides (write_index).
            and (not slides or all((p.doc, p.slide) in slide_keys for p in passages))
        )
    except (TypeError, ValueError, IndexError):
        in_step = False
    if not in_step:
        raise IndexInvalid("passages and vectors are out of step")
    # Checked last so that a damaged manifest is first named by what it breaks.
    if hashlib.sha256(manifest_bytes).hexdigest() != manifest_sha256:
        raise IndexInvalid("manifest.json does not match its checksum in CURRENT (damaged or edited)")
    if hasattr(vectors, "hnsw"):
        vectors.hnsw.efSearch = manifest["vector_index"].get("hnsw_ef_search", 96)
    return LoadedIndex(folder, manifest, passages, slides, vectors, keyword, hubness, sentences, sentence_owner)


def staleness(index: LoadedIndex, corpus_dir: Path, encoder: Encoder) -> str | None:
    """Why the index no longer fits the corpus or model, or None when it does."""
    manifest = index.manifest
    if manifest.get("model") != encoder.model_id:
        return f"it was built with {manifest.get('model')}, not {encoder.model_id}"
    if manifest.get("chunker") != CHUNKER_VERSION or manifest.get("tokenizer") != default_tokenizer().name:
        return "the passage splitter or tokenizer has changed"
    if manifest.get("corpus_fingerprint") != corpus_fingerprint(corpus_dir):
        return "the corpus has changed"
    return None


def ensure_index(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder | None = None,
    *,
    notify: Callable[[str], None] = lambda message: None,
    progress: bool = False,
) -> LoadedIndex:
    """The current index, built or rebuilt first when missing, damaged or stale (and said so).

    When the corpus changed but no longer yields any passage, the previous index
    stays in use (with a notice) rather than leaving nothing to answer from.
    """
    if not Path(corpus_dir).is_dir():
        raise QAError(f"corpus folder not found: {corpus_dir}")
    encoder = encoder or load_encoder()
    previous = None
    try:
        previous = load_index(index_dir)
        reason = staleness(previous, Path(corpus_dir), encoder)
        if reason is None:
            return previous
    except QAError as exc:
        reason = str(exc)
    with _holding_lock(index_dir, notify):
        # Another process may have rebuilt it while this one waited for the lock.
        try:
            fresh = load_index(index_dir)
            if staleness(fresh, Path(corpus_dir), encoder) is None:
                return fresh
        except QAError:
            pass
        notify(f"Building the index ({reason}) …")
        try:
            _build_locked(
                Path(corpus_dir),
                Path(index_dir),
                encoder,
                vector_config=VectorConfig(),
                progress=progress,
                notify=notify,
            )
        except QAError as exc:
            if previous is None or reason != "the corpus has changed":
                raise
            message = f"Kept the previous index: {exc}"
            notify(message)
            previous.notices.append(message)
            return previous
    try:
        return load_index(index_dir)
    except IndexInvalid as exc:
        raise QAError(f"the index just built cannot be loaded: {exc}") from None
