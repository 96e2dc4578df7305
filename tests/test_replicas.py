"""scripts/replicas.sh: two `qa serve` replicas on one index build behind nginx, under a small load
(the index of the test encoder: QA_MODEL reaches every `qa` command the script starts)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import PLUMBING_MODEL, ROOT
from tests.servers import free_port


def free_port_run(n: int = 3) -> int:
    """A port p with p … p+n-1 all free (the proxy, then one port per replica)."""
    import socket

    for _ in range(50):
        base = free_port()
        try:
            for p in range(base, base + n):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
    raise RuntimeError("no run of free ports")

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install -y nginx)")

QUESTIONS = ["EUのホライゾン・ヨーロッパの投資総額は？", "What did the G7 agree on research security?"]


@pytest.fixture(scope="module")
def proxy(plumbing_corpus, tmp_path_factory):
    work = tmp_path_factory.mktemp("replicas")
    corpus = work / "corpus"
    shutil.copytree(plumbing_corpus, corpus)
    port = free_port_run(3)
    env = dict(os.environ, PYTHON=sys.executable, QA_MODEL=PLUMBING_MODEL)
    env.pop("QA_AUTH", None)
    log = (work / "script.log").open("wb")
    script = subprocess.Popen(
        [str(ROOT / "scripts/replicas.sh"), "--corpus", str(corpus), "--index", str(work / "index"),
         "--port", str(port), "--work", str(work / "w")],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while b"through nginx" not in (work / "script.log").read_bytes():
        assert script.poll() is None, (work / "script.log").read_text()
        assert time.monotonic() < deadline, "the replicas did not start"
        time.sleep(0.5)
    yield url, work, port
    script.send_signal(signal.SIGTERM)
    script.wait(timeout=60)
    log.close()
    for p in (port, port + 1, port + 2):  # nginx and both replicas were stopped with the script
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{p}/", timeout=5)


def test_load_through_nginx_reaches_both_replicas_with_the_same_answers(proxy, plumbing_searcher):
    url, _, port = proxy
    expected = {q: plumbing_searcher.search(q, k=3).to_json() for q in QUESTIONS}

    def ask(i: int):
        question = QUESTIONS[i % 2]
        response = httpx.post(f"{url}/api/ask", json={"question": question, "k": 3}, timeout=120)
        return question, response

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ask, range(40)))
    upstreams = set()
    for question, response in results:
        assert response.status_code == 200
        assert response.json() == expected[question]
        upstreams.add(response.headers["x-upstream"])
    assert upstreams == {f"127.0.0.1:{port + 1}", f"127.0.0.1:{port + 2}"}
    assert httpx.get(url + "/", timeout=30).status_code == 200  # the UI through the proxy


def test_replicas_only_read_the_shared_index(proxy):
    _, work, _ = proxy
    builds = [p for p in (work / "index").iterdir() if p.name.startswith("build-")]
    assert len(builds) == 1  # built once by the script, never rebuilt by a replica
    assert not list((work / "index").glob("feedback*"))  # feedback goes to the work folder


def test_unknown_options_are_refused(corpus_dir, tmp_path):
    port = free_port()
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    done = subprocess.run(
        [str(ROOT / "scripts/replicas.sh"), "--corpus", str(corpus), "--index", str(tmp_path / "i"),
         "--port", str(port), "--work", str(tmp_path / "w"), "--replicas", "1", "--bogus"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "unknown option --bogus" in done.stderr
