"""Start `qa` as a child process and watch it: time to first output or to HTTP ready, peak memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.stats import peak_rss_bytes

READY_TIMEOUT_S = 120


def qa_command() -> list[str]:
    """The installed `qa` entry point beside this interpreter (else `python -m qa`)."""
    script = Path(sys.executable).with_name("qa")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "qa"]


def child_env(corpus: Path, index: Path, **extra: str) -> dict:
    return dict(
        os.environ,
        QA_CORPUS=str(corpus),
        QA_INDEX=str(index),
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        **extra,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Finished:
    seconds: float  # start → first line on stdout
    total_seconds: float  # start → exit
    returncode: int
    stdout: str
    stderr: str


def run_to_first_line(args: list[str], env: dict, stdin: str | None = None) -> Finished:
    """Run a command and time its first line of output (and its exit)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # stderr is drained beside stdout: a child that writes more than a pipe's buffer there
    # (`-X importtime` does) would otherwise block before its first line of output
    errors: list[str] = []
    drain = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
    drain.start()
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    first = proc.stdout.readline()
    first_at = time.perf_counter()
    rest = proc.stdout.read()
    proc.wait()
    drain.join()
    return Finished(first_at - started, time.perf_counter() - started, proc.returncode, first + rest, "".join(errors))


# wait4's ru_maxrss of a child forked from a big process starts at the parent's RSS
# (Linux keeps the pre-exec high-water mark), so the peak is taken by a small launcher.
_LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def peak_rss_of(args: list[str], env: dict, stdin: str | None = None) -> int:
    """Peak resident bytes of a command run to the end (through a launcher of a few MB)."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *args],
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-300:]}")
    return int(done.stderr.strip().splitlines()[-1]) * 1024


@dataclass
class Server:
    url: str
    pid: int
    ready_seconds: float

    def peak_rss_bytes(self) -> int:
        return peak_rss_bytes(self.pid)


@contextmanager
def serving(corpus: Path, index: Path, *, port: int | None = None, log_path: Path | None = None) -> Iterator[Server]:
    """`qa serve` on 127.0.0.1 (a free port), yielded once its page answers HTTP 200."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*qa_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=child_env(corpus, index),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"qa serve exited with {proc.returncode} before it was ready (log: {log_path})")
            if time.perf_counter() - started > READY_TIMEOUT_S:
                raise RuntimeError(f"qa serve was not ready within {READY_TIMEOUT_S} s")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        yield Server(url, proc.pid, time.perf_counter() - started)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if log_path:
            log.close()
