"""The build store: immutable build folders, the CURRENT pointer, atomic publish, lock, verify, GC.

It knows nothing about models or passages: a build is a folder of files plus
manifest.json, whose "files" section lists every file's sha256 and size.

    index/
      CURRENT          build folder name + sha256 of its manifest (replaced atomically)
      .lock            held while a build writes
      build-<stamp>/   manifest.json and the components' files; never changed once published

A build is written to a temporary folder under the lock, then CURRENT is
swapped, so a build that dies leaves the previous one in use. Loading checks the
manifest against CURRENT and every file against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from ..errors import QAError

LOCK_TIMEOUT_S = 600
_BUILD_NAME = re.compile(r"^build-[A-Za-z0-9_.-]+$")


class IndexInvalid(QAError):
    """The index on disk cannot be used; the message says why."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- pointer and lock


def read_pointer(index_dir: Path) -> tuple[Path, str] | None:
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
    pointer = read_pointer(index_dir)
    return pointer[0] if pointer else None


def index_lock(index_dir: Path):
    from filelock import FileLock

    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return FileLock(str(Path(index_dir) / ".lock"), timeout=LOCK_TIMEOUT_S)


@contextmanager
def holding_lock(index_dir: Path, on_wait: Callable[[], None] = lambda: None):
    """The build lock; on_wait is called when another build holds it, a clear error after LOCK_TIMEOUT_S."""
    from filelock import Timeout

    lock = index_lock(index_dir)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        on_wait()
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


# ---------------------------------------------------------------- publish


def publish(index_dir: Path, write: Callable[[Path], dict]) -> Path:
    """A new build: write(folder) fills a temporary folder and returns the manifest, then it becomes CURRENT.

    The caller holds the lock. The store adds "files" (every file's checksum) to the manifest.
    """
    index_dir = Path(index_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 100000}"
    tmp = index_dir / f".tmp-build-{stamp}"
    tmp.mkdir(parents=True)
    try:
        manifest = write(tmp)
        manifest["files"] = {
            p.relative_to(tmp).as_posix(): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(tmp.rglob("*"))
            if p.is_file()
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
        previous = _current_or_none(index_dir)
        os.replace(pointer_tmp, index_dir / "CURRENT")
        _fsync(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    collect_garbage(index_dir, keep={final.name, previous.name if previous else ""})
    return final


def _current_or_none(index_dir: Path) -> Path | None:
    try:
        return current_build(index_dir)
    except QAError:
        return None


def collect_garbage(index_dir: Path, keep: set[str]) -> None:
    """Remove old builds and what killed builds left; the previous build stays for readers loading it.

    Runs under the lock, and only the lock holder writes, so any other temporary
    folder or pointer belongs to a build that died.
    """
    for path in Path(index_dir).iterdir():
        if path.is_dir() and path.name not in keep and path.name.startswith(("build-", ".tmp-build-")):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".CURRENT."):
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------- open and verify


def open_manifest(folder: Path) -> tuple[dict, bytes]:
    """A build's manifest (checked for shape, not yet against CURRENT) and its bytes."""
    if not folder.is_dir():
        raise IndexInvalid(f"CURRENT names {folder.name}, which is missing")
    path = folder / "manifest.json"
    try:
        data = path.read_bytes()
        manifest = json.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise IndexInvalid(f"{path} is missing") from None
    except (ValueError, UnicodeDecodeError):
        raise IndexInvalid(f"{path} is not valid JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise IndexInvalid("the manifest is from another version or damaged")
    return manifest, data


def verify_file(folder: Path, name: str, meta: dict) -> None:
    """IndexInvalid unless the file exists with the size and sha256 the manifest gives."""
    path = folder / name
    if not path.is_file():
        raise IndexInvalid(f"{name} is missing from the index")
    try:
        matches = path.stat().st_size == meta["bytes"] and sha256_file(path) == meta["sha256"]
    except (TypeError, KeyError):
        raise IndexInvalid("the manifest is from another version or damaged") from None
    except OSError:
        raise IndexInvalid(f"{name} cannot be read") from None
    if not matches:
        raise IndexInvalid(f"{name} does not match its checksum (damaged or edited)")


def verify(folder: Path, manifest: dict, skip: tuple[str, ...] = ()) -> None:
    """Every file against the manifest, except those under the `skip` prefixes (checked when used)."""
    for name, meta in manifest["files"].items():
        if not (skip and name.startswith(skip)):
            verify_file(folder, name, meta)


def check_pointer(manifest_bytes: bytes, expected_sha256: str) -> None:
    if hashlib.sha256(manifest_bytes).hexdigest() != expected_sha256:
        raise IndexInvalid("manifest.json does not match its checksum in CURRENT (damaged or edited)")
