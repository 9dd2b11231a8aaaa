"""Error pages: JSON for the API and for clients that ask for it, HTML otherwise; rollback first."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from pooling.core.errors import DomainError
from pooling.extensions import db


def wants_json() -> bool:
    """API paths and clients that prefer JSON get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


def http_messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in (or send an API token)."),
        403: _("You are not allowed to do this."),
        404: _("This page or object does not exist."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        415: _("Send JSON with the Content-Type application/json."),
        429: _("Too many attempts; please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing was saved."),
        503: _("The service is briefly unavailable; please try again."),
    }


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    """The API's error shape: ``{"error", "message", "fields"}`` plus any extra keys."""
    return {"error": code, "message": message, "fields": fields or {}, **extra}


def init_error_handlers(app: Flask) -> None:
    """One handler for HTTP errors, one for domain errors, one for anything unexpected."""

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        message = http_messages().get(status) or error.description or error.name
        if wants_json():
            response = jsonify(error_body(HTTP_CODES.get(status, "error"), message))
            response.status_code = status
            if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return render_template("errors/error.html", status=status, message=message), status

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError):
        db.session.rollback()
        if wants_json():
            response = jsonify(error_body(error.code, error.message, error.fields, **error.extra))
            response.status_code = error.status
            return response
        return render_template(
            "errors/error.html", status=error.status, message=error.message
        ), error.status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        from sqlalchemy.exc import DBAPIError

        from pooling.core.database import is_transient

        status = 500
        # A lost connection, or a conflict between transactions still there after the
        # retries: nothing was saved and trying again later will work.
        if isinstance(error, DBAPIError) and (error.connection_invalidated or is_transient(error)):
            status = 503
        message = http_messages()[status]
        if wants_json():
            response = jsonify(error_body(HTTP_CODES[status], message))
            response.status_code = status
            return response
        return render_template("errors/error.html", status=status, message=message), status
