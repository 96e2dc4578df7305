"""The JSON API beside the UI: /api/ask, /api/slides, one slide, its picture; OpenAPI docs at /api/docs.

Three faces of one Searcher (UI, API, MCP tool): nothing here retrieves, it validates,
calls the library, and returns its JSON. `POST /api/ask` returns exactly what
`qa ask --json` prints. Credentials and body limits are ui.guards', in front of every route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.errors import QAError
from qa.search import MAX_K, Searcher

from .guards import error_response

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class AskRequest(BaseModel):
    question: str = Field(description="the question, in Japanese or English")
    k: int = Field(5, ge=1, le=MAX_K, description="number of passages")
    mode: Literal["hybrid", "dense", "keyword"] = "hybrid"
    doc: str | None = Field(None, description="search only this document (its id, as in /api/slides)")


class ApiError(Exception):
    def __init__(self, status: int, message: str, allow: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = {"Allow": ", ".join(allow)} if allow else None


def slide_json(searcher: Searcher, doc: str, number: int, *, picture_url: str | None) -> dict:
    """One slide: its text, speaker notes, passages, and the picture's URL when there is one."""
    known_document(searcher, doc)
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


def known_document(searcher: Searcher, doc: str) -> None:
    """ApiError 404 naming the document when the index has none of that id."""
    if doc not in {d["doc"] for d in searcher.documents()}:
        raise ApiError(404, f"no document named {doc!r}; see /api/slides for the documents")


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
        searcher = current()
        known_document(searcher, doc)
        path = searcher.picture(doc, number)
        if path is None:
            raise ApiError(404, f"slide {number} of {doc!r} has no picture")
        return FileResponse(path, media_type="image/png")

    @api.get("/slides/{doc:path}/{number}", summary="One slide: text, notes, passages, picture URL")
    def slide(doc: str, number: int, request: Request) -> dict:
        url = str(request.url_for("picture", doc=doc, number=number).path)
        return slide_json(current(), doc, number, picture_url=url)

    # Last: any other path or method under /api/ gets the API's own error, not the UI's (mounted at /).
    @api.api_route("/{rest:path}", methods=list(METHODS), include_in_schema=False)
    def elsewhere(rest: str, request: Request):
        path = request.url.path
        allowed = sorted(
            {m for r in api.routes if r.name != "elsewhere" and r.path_regex.match(path) for m in r.methods}
        )
        if allowed:
            raise ApiError(405, f"{request.method} is not allowed on {path}; use {' or '.join(allowed)}", allowed)
        raise ApiError(404, f"no API route {path}; see /api/docs")

    return api


def api_app(current: Callable[[], Searcher]) -> FastAPI:
    """A FastAPI app with the /api routes and JSON errors; Gradio mounts under it (ui.guards guards both)."""
    # The docs page's script and styles come from the installed fastapi-offline, never a CDN.
    app = FastAPIOffline(
        title="Slide deck Q&A",
        description="Cited bilingual (日本語 / English) search over slide decks.",
        docs_url="/api/docs",
        redoc_url=None,
        static_url="/api/docs/static",
        openapi_url="/api/openapi.json",
    )
    app.include_router(router(current))
    _error_handlers(app)
    return app


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request, exc: ApiError):
        return error_response(exc.status, str(exc), exc.headers)

    @app.exception_handler(QAError)
    async def qa_error(request, exc: QAError):
        return error_response(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return error_response(422, f"{where or 'request'}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request, exc: Exception):  # a traceback is for the server log, never the client
        return error_response(500, f"internal error ({type(exc).__name__})")
