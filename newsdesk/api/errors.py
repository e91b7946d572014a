"""Errors of the API as JSON a person understands: `{"error": code, "message": one line}`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

log = logging.getLogger("newsdesk.api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


class ErrorBody(BaseModel):
    error: str = Field(description="A short code: `invalid_parameter`, `bad_cursor`, `not_found`, `rate_limited`, ...")
    message: str = Field(description="What was wrong and what to do, in one line.")


# The error responses every endpoint documents (schemathesis checks the documented codes).
ERROR_RESPONSES = {
    400: {"model": ErrorBody, "description": "A parameter is wrong (bad date, bad cursor, out of range)."},
    429: {"model": ErrorBody, "description": "Over the rate limit; `Retry-After` says how many seconds to wait."},
    503: {"model": ErrorBody, "description": "The database cannot be reached right now."},
}
NOT_FOUND = {404: {"model": ErrorBody, "description": "No such object."}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def _describe_validation(exc: RequestValidationError) -> str:
    error = exc.errors()[0]
    location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
    name = ".".join(location) or "request"
    value = error.get("input")
    shown = f" (got {str(value)[:60]!r})" if value is not None and not isinstance(value, dict) else ""
    if error.get("type", "").startswith(("datetime", "date")):
        return f"{name}: not a date or time{shown}; use ISO 8601, e.g. 2026-11-01 or 2026-11-01T09:30:00Z"
    message = error.get("msg", "invalid value").removeprefix("Value error, ")
    return f"{name}: {message}{shown}"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        return error_response(400, "invalid_parameter", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = "no such endpoint: see /docs" if exc.status_code == 404 and exc.detail == "Not Found" else str(exc.detail)
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def _database_down(_request: Request, exc: OperationalError):
        log.warning("database unavailable: %s", str(exc.orig or exc).splitlines()[0])
        return error_response(503, "database_unavailable", "the database cannot be reached right now; try again shortly",
                              {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal_error", "the server failed on this request (it is logged); please report it")
