"""`qa serve` as a real subprocess on a free loopback port, for the API, MCP, upload, replica and browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QAServer:
    """Starts `qa serve <args>`; `url` once `wait()` saw the page answer."""

    def __init__(self, env: dict, log: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qa", "serve", "--port", str(self.port), *args],
            cwd=ROOT,
            env=dict(env, HF_HUB_OFFLINE="1"),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, seconds: float = 240) -> QAServer:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"qa serve exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/api/openapi.json", timeout=2):
                    return self
            except urllib.error.HTTPError:  # 401: up, and guarded
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"qa serve did not start in {seconds} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def env_without_auth(env: dict) -> dict:
    env = dict(env)
    env.pop("QA_AUTH", None)
    return env


__all__ = ["InProcessServer", "QAServer", "env_without_auth", "free_port"]


class InProcessServer:
    """An ASGI app (ui.app.build_server) served by uvicorn in a thread on a free loopback port."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A client's open stream (gradio_client's heartbeat) is cut after 2 s instead of holding the shutdown.
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> InProcessServer:
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=30)
