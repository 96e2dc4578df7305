"""What stands in front of every route of `qa serve`: a body-size limit and, with --auth, credentials.

Both are ASGI middleware on the outer app, so they cover the JSON API, Gradio's routes
(page, queue, upload, files, MCP) and anything Gradio adds later: deny by default.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi.responses import JSONResponse

API_BODY_BYTES = 64 * 1024  # /api/: a question is at most a few kB
EVENT_BODY_BYTES = 4 * 2**20  # Gradio's events carry the chat so far with each question
UPLOAD_OVERHEAD_BYTES = 64 * 1024  # multipart headers around an uploaded file
UPLOAD_ROUTE = "/gradio_api/upload"
# Without credentials only the login form may be posted (gradio_client logs in there, then sends its cookie).
LOGIN_ROUTES = ("/login", "/login/")


def error_response(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    """The one error shape of the server: {"error": message}."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


@dataclass(frozen=True)
class BodyLimits:
    """Bytes a request body may have, by route."""

    upload: int  # the largest file a tab accepts
    api: int = API_BODY_BYTES
    other: int = EVENT_BODY_BYTES

    def for_path(self, path: str) -> int:
        if path.startswith("/api/"):
            return self.api
        if path.startswith(UPLOAD_ROUTE):
            return self.upload + UPLOAD_OVERHEAD_BYTES
        return self.other


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a body over its route's limit is refused with 413, whether or not it declares its
    length: a declared length is checked before reading, a chunked body is counted as it arrives and cut off."""

    def __init__(self, app, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        refusal = error_response(413, f"request body over {limit} bytes")
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await refusal(scope, receive, send)
            return
        state = {"received": 0, "over": False, "started": False}

        async def counted():
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["over"] = True
                    raise _TooLarge
            return message

        async def guarded_send(message):
            if state["over"]:
                return  # the app's reply to a body it never got whole: 413 below instead
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception:
            if not state["over"]:
                raise
        if state["over"] and not state["started"]:
            await refusal(scope, receive, send)


@dataclass
class Lockout:
    """Wrong passwords slow their sender down: after FREE_TRIES within WINDOW_S, a client waits, doubling."""

    FREE_TRIES = 5
    WINDOW_S = 300.0
    MAX_WAIT_S = 60.0
    clock: Callable[[], float] = time.monotonic
    failures: dict[str, list[float]] = field(default_factory=dict)
    until: dict[str, float] = field(default_factory=dict)

    def wait(self, client: str) -> float:
        """Seconds this client must still wait before its credentials are looked at (0: none)."""
        return max(0.0, self.until.get(client, 0.0) - self.clock())

    def failed(self, client: str) -> None:
        now = self.clock()
        recent = [t for t in self.failures.get(client, []) if now - t < self.WINDOW_S] + [now]
        self.failures[client] = recent
        extra = len(recent) - self.FREE_TRIES
        if extra >= 0:
            self.until[client] = now + min(2.0**extra, self.MAX_WAIT_S)
        if len(self.failures) > 10_000:  # many clients: forget those quiet for a window
            for other in [c for c, times in self.failures.items() if now - times[-1] >= self.WINDOW_S]:
                self.failures.pop(other, None)
                self.until.pop(other, None)

    def succeeded(self, client: str) -> None:
        self.failures.pop(client, None)
        self.until.pop(client, None)


class AuthGuard:
    """ASGI middleware: with --auth, every route needs HTTP Basic credentials or the cookie of a Gradio login.

    Only the login form is open. Without credentials nothing is served, not even the page (whose
    HTML would embed every document and slide id): a browser asks for the user and password.
    Wrong passwords are answered 429 for a while once a client has given FREE_TRIES of them.
    """

    def __init__(self, app, credentials: tuple[str, str], sessions: Callable[[], dict]) -> None:
        self.app = app
        self.expected = f"{credentials[0]}:{credentials[1]}".encode()
        self.sessions = sessions  # Gradio's logged-in tokens: {token: user}
        self.lockout = Lockout()

    def _basic(self, headers: dict[bytes, bytes]) -> bool | None:
        """True / False for Basic credentials that match / do not; None when none were given."""
        value = headers.get(b"authorization")
        if value is None or value[:6].lower() != b"basic ":
            return None
        try:
            given = base64.b64decode(value[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return secrets.compare_digest(given, self.expected)

    def _session(self, headers: dict[bytes, bytes]) -> bool:
        cookies = headers.get(b"cookie", b"").decode("latin-1")
        tokens = self.sessions()
        for part in cookies.split(";"):
            name, _, value = part.strip().partition("=")
            if name.startswith("access-token") and value and value in tokens:
                return True
        return False

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        client = (scope.get("client") or ("?", 0))[0]
        basic = self._basic(headers)
        logging_in = scope["path"] in LOGIN_ROUTES and scope.get("method") == "POST"
        if basic is not None or logging_in:
            wait = self.lockout.wait(client)
            if wait > 0:
                message = f"too many wrong passwords: try again in {wait:.0f} s"
                await error_response(429, message, {"Retry-After": str(int(wait) + 1)})(scope, receive, send)
                return
        if basic is False:
            self.lockout.failed(client)
        if basic is True:
            self.lockout.succeeded(client)
        if basic is True or self._session(headers):
            await self.app(scope, receive, send)
            return
        if logging_in:
            await self.app(scope, receive, self._watching_login(client, send))
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        refusal = error_response(401, "credentials required (HTTP Basic, the UI's user:password)")
        refusal.headers["WWW-Authenticate"] = 'Basic realm="qa"'
        await refusal(scope, receive, send)

    def _watching_login(self, client: str, send):
        """send, noting whether Gradio's login form accepted the password."""

        async def watched(message):
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    self.lockout.succeeded(client)
                else:
                    self.lockout.failed(client)
            await send(message)

        return watched
