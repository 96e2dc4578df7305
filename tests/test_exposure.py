"""Who may reach `qa serve`: loopback by default, credentials beyond it, never a share link."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from qa.cli import main
from qa.errors import QAError
from qa.serving import AUTH_ENV, resolve_auth


@pytest.fixture(autouse=True)
def _no_auth_env(monkeypatch):
    monkeypatch.delenv(AUTH_ENV, raising=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_needs_no_credentials(host):
    assert resolve_auth(host, None, no_auth=False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org", "", "[::1]"])
def test_beyond_loopback_without_credentials_is_refused(host):
    with pytest.raises(QAError, match="--auth user:password") as exc:
        resolve_auth(host, None, no_auth=False)
    assert AUTH_ENV in str(exc.value) and "--no-auth" in str(exc.value) and "\n" not in str(exc.value)


def test_no_auth_must_be_explicit():
    assert resolve_auth("0.0.0.0", None, no_auth=True) is None


def test_auth_flag_and_environment_give_credentials(monkeypatch):
    assert resolve_auth("0.0.0.0", "alice:s3cr:et", no_auth=False) == ("alice", "s3cr:et")
    monkeypatch.setenv(AUTH_ENV, "bob:pw")
    assert resolve_auth("0.0.0.0", None, no_auth=False) == ("bob", "pw")
    assert resolve_auth("127.0.0.1", None, no_auth=False) == ("bob", "pw")  # honoured on loopback too
    assert resolve_auth("0.0.0.0", "alice:x", no_auth=False) == ("alice", "x")  # the flag wins


@pytest.mark.parametrize("auth", ["alice", "alice:", ":secret", ":"])
def test_malformed_auth_is_refused(auth):
    with pytest.raises(QAError, match="user:password"):
        resolve_auth("0.0.0.0", auth, no_auth=False)


def test_serve_refuses_an_open_bind_before_loading_anything(tmp_path, capsys):
    code = main(["serve", "--host", "0.0.0.0", "--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "i")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: binding to 0.0.0.0") and err.count("\n") == 1
    assert not (tmp_path / "i").exists()


def test_launch_never_creates_a_share_link(monkeypatch):
    gr = pytest.importorskip("gradio")
    from ui.app import serve

    calls = []
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("GRADIO_SHARE", "True")
    with gr.Blocks() as app:
        gr.Markdown("x")
    serve(app, host="0.0.0.0", port=7999, auth=("u", "p"))
    assert calls == [calls[0]] and calls[0]["share"] is False
    assert calls[0]["server_name"] == "0.0.0.0" and calls[0]["auth"] == ("u", "p")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_running_server_requires_the_credentials(plumbing_env):
    httpx = pytest.importorskip("httpx")
    gradio_client = pytest.importorskip("gradio_client")
    port = _free_port()
    # GRADIO_SHARE asks Gradio for a public link: the server must ignore it.
    env = dict(plumbing_env, GRADIO_SHARE="True")  # the test encoder's index
    env.pop(AUTH_ENV, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "qa", "serve", "--host", "127.0.0.1", "--port", str(port), "--auth", "u:p"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                status = httpx.get(f"{url}/config", timeout=5).status_code
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
        assert status == 401
        assert httpx.post(f"{url}/gradio_api/call/ask", json={"data": ["EU", 3]}, timeout=10).status_code == 401
        with pytest.raises(gradio_client.exceptions.AuthenticationError):
            gradio_client.Client(url, verbose=False)
        with pytest.raises(Exception):  # noqa: B017 - the wrong password is refused however the client says it
            gradio_client.Client(url, auth=("u", "wrong"), verbose=False)

        client = gradio_client.Client(url, auth=("u", "p"), verbose=False)
        result = client.predict(text="EUのホライゾン・ヨーロッパの投資総額は？", k=3, api_name="/ask")
        client.close()  # its heartbeat stream would hold the server's shutdown open
        assert "955億ユーロ" in str(result)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "gradio.live" not in output and "public URL" not in output.lower()
    assert os.environ.get("GRADIO_SHARE") != "True"  # the test did not leak its setting
