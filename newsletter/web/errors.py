"""Error pages: every failure is a clear HTML page with its status, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from newsletter.web.csrf import CsrfError
from newsletter.web.deps import InvalidLink
from newsletter.web.pages import page

log = logging.getLogger(__name__)

TITLES = {400: "Bad request", 401: "Sign-in required", 403: "Forbidden", 404: "Page not found",
          405: "Method not allowed", 413: "Request too large", 422: "Invalid request",
          429: "Too many requests"}


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(InvalidLink, invalid_link)
    app.add_exception_handler(CsrfError, csrf_failed)
    app.add_exception_handler(Exception, server_error)


def error_page(request: Request, status: int, message: str, headers: dict | None = None):
    response = page(request, "error.html", status_code=status,
                    title=TITLES.get(status, "Error"), message=message)
    response.headers.update(headers or {})
    return response


def http_error(request: Request, error: HTTPException):
    message = {404: "There is no page at this address.",
               405: "This address does not accept that kind of request."}.get(
        error.status_code, str(error.detail))
    return error_page(request, error.status_code, message, getattr(error, "headers", None))


def invalid_request(request: Request, error: RequestValidationError):
    return error_page(request, 422, "The request was incomplete or malformed. Nothing was changed.")


def invalid_link(request: Request, error: InvalidLink):
    return page(request, "invalid_link.html", status_code=400, reason=str(error))


def csrf_failed(request: Request, error: CsrfError):
    return error_page(request, 403, "This form has expired or did not come from this site. "
                                    "Nothing was changed: reload the page and try again.")


def server_error(request: Request, error: Exception):
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return error_page(request, 500, "Something went wrong on our side. Nothing was changed; "
                                    "please try again later.")
