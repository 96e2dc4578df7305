"""The JSON API beside the UI: /api/ask, /api/slides, one slide, its picture; OpenAPI docs at /api/docs.

Three faces of one Searcher (UI, API, MCP tool): nothing here retrieves, it validates,
calls the library, and returns its JSON. `POST /api/ask` returns exactly what
`qa ask --json` prints. Beyond loopback the same credentials as the UI are required,
as HTTP Basic (also for the MCP endpoint, which Gradio itself leaves open).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.errors import QAError
from qa.search import MAX_K, Searcher

MAX_BODY_BYTES = 64 * 1024  # a question is at most a few kB; anything larger is refused unread
PROTECTED = ("/api/", "/gradio_api/mcp")  # what Basic credentials guard when the server has them


class AskRequest(BaseModel):
    question: str = Field(description="the question, in Japanese or English")
    k: int = Field(5, ge=1, le=MAX_K, description="number of passages")
    mode: Literal["hybrid", "dense", "keyword"] = "hybrid"
    doc: str | None = Field(None, description="search only this document (its id, as in /api/slides)")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def slide_json(searcher: Searcher, doc: str, number: int, *, picture_url: str | None) -> dict:
    """One slide: its text, speaker notes, passages, and the picture's URL when there is one."""
    slide = searcher.slide(doc, number)
    if slide is None:
        raise ApiError(404, f"no slide {number} in document {doc!r}; see /api/slides")
    return {
        "doc": doc,
        "slide": number,
        "title": slide.title,
        "kind": slide.kind,
        "body": slide.body,
        "notes": slide.notes,
        "passages": [
            {"id": i, "kind": p.kind, "text": p.text, "context": p.context}
            for i, p in searcher.slide_passages(doc, number)
        ],
        "picture": picture_url if searcher.picture(doc, number) else None,
    }


def outline_json(searcher: Searcher) -> dict:
    """Every document (with its card) and every slide's number, title and kind."""
    return {
        "documents": searcher.documents(),
        "slides": [{"doc": s.doc, "slide": s.number, "title": s.title, "kind": s.kind} for s in searcher.outline()],
    }


def router(current: Callable[[], Searcher]) -> APIRouter:
    """The /api routes; `current` gives the searcher to answer with (it changes after an upload)."""
    api = APIRouter(prefix="/api", tags=["search"])

    @api.post("/ask", summary="Answer a question: the `qa ask --json` object")
    def ask(request: AskRequest) -> dict:
        return current().search(request.question, k=request.k, mode=request.mode, doc=request.doc).to_json()

    @api.get("/slides", summary="The outline: documents with their cards, and every slide")
    def slides() -> dict:
        return outline_json(current())

    @api.get("/slides/{doc:path}/{number}/picture", summary="The slide's picture (PNG), when its deck has one")
    def picture(doc: str, number: int):
        path = current().picture(doc, number)
        if path is None:
            raise ApiError(404, f"slide {number} of {doc!r} has no picture")
        return FileResponse(path, media_type="image/png")

    @api.get("/slides/{doc:path}/{number}", summary="One slide: text, notes, passages, picture URL")
    def slide(doc: str, number: int, request: Request) -> dict:
        url = str(request.url_for("picture", doc=doc, number=number).path)
        return slide_json(current(), doc, number, picture_url=url)

    return api


class BasicAuthGuard:
    """ASGI middleware: paths under PROTECTED need HTTP Basic credentials matching the server's."""

    def __init__(self, app, credentials: tuple[str, str]) -> None:
        self.app = app
        self.expected = f"{credentials[0]}:{credentials[1]}".encode()

    def _allowed(self, headers: list[tuple[bytes, bytes]]) -> bool:
        for name, value in headers:
            if name == b"authorization" and value[:6].lower() == b"basic ":
                try:
                    given = base64.b64decode(value[6:].strip(), validate=True)
                except (binascii.Error, ValueError):
                    return False
                return secrets.compare_digest(given, self.expected)
        return False

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PROTECTED) and not self._allowed(scope["headers"]):
            response = _error(401, "credentials required (HTTP Basic, the UI's user:password)")
            response.headers["WWW-Authenticate"] = 'Basic realm="qa"'
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """ASGI middleware: an /api request declaring more than MAX_BODY_BYTES is refused before it is read."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            length = dict(scope["headers"]).get(b"content-length", b"0")
            if not length.isdigit() or int(length) > self.limit:
                await _error(413, f"request body over {self.limit} bytes")(scope, receive, send)
                return
        await self.app(scope, receive, send)


def api_app(current: Callable[[], Searcher], *, auth: tuple[str, str] | None) -> FastAPI:
    """A FastAPI app with the /api routes, JSON errors, and the exposure rules; Gradio mounts under it."""
    app = FastAPI(
        title="Slide deck Q&A",
        description="Cited bilingual (日本語 / English) search over slide decks.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.include_router(router(current))
    _error_handlers(app)
    app.add_middleware(BodyLimit)
    if auth is not None:
        app.add_middleware(BasicAuthGuard, credentials=auth)
    return app


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request, exc: ApiError):
        return _error(exc.status, str(exc))

    @app.exception_handler(QAError)
    async def qa_error(request, exc: QAError):
        return _error(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return _error(422, f"{where or 'request'}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request, exc: Exception):  # a traceback is for the server log, never the client
        return _error(500, f"internal error ({type(exc).__name__})")
