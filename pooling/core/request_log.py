"""Request logs: a request id on every answer and one structured line per request.

Each request gets an id (the proxy's ``X-Request-Id`` when it is a plain token, else a new
one), sent back as ``X-Request-Id`` and attached to every log record written while the
request runs, errors and their tracebacks included. After the answer, one line says the
method, the route, the status, the duration and who asked. Lines are JSON objects
(python-json-logger) in production, readable text in development.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect

LOGGER_NAME = "pooling"
REQUEST_ID_HEADER = "X-Request-Id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

request_logger = logging.getLogger("pooling.request")


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        formatter: logging.Formatter = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
    else:
        formatter = logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        )
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    handler.pooling_format = log_format  # type: ignore[attr-defined]
    return handler


def configure_logging(log_format: str) -> None:
    """Send the application's records to stderr in ``log_format`` (once per process)."""
    logger = logging.getLogger(LOGGER_NAME)
    for existing in list(logger.handlers):
        if getattr(existing, "pooling_format", None) is not None:
            if existing.pooling_format == log_format:  # type: ignore[attr-defined]
                return
            logger.removeHandler(existing)
    logger.addHandler(_handler(log_format))
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)


def new_request_id() -> str:
    """The id of this request: the proxy's, when it is a plain token, else a fresh one."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex


def _stored_id(person) -> int | None:
    """The person's id without a query: after the request's commit their attributes are
    expired, but the identity the session knows them by is not."""
    state = inspect(person, raiseerr=False)
    if state is not None and state.identity is not None:
        return state.identity[0]
    return getattr(person, "id", None)


def _user_id() -> int | None:
    # Only a person already loaded by this request: logging must not query the database.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return _stored_id(user)
    actor = g.get("actor")
    return _stored_id(actor) if actor is not None else None


def init_request_log(app: Flask) -> None:
    """Give every request an id and log one line per answer."""
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    configure_logging(app.config["POOLING_LOG_FORMAT"])

    @app.before_request
    def start_request_log() -> None:
        g.request_id = new_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def write_request_log(response):
        request_id = g.get("request_id") or new_request_id()
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started else 0.0
        # The route's pattern, never the path: paths carry feed and invitation secrets.
        route = request.url_rule.rule if request.url_rule is not None else "-"
        request_logger.info(
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(duration, 1),
                "user_id": _user_id(),
                "remote_addr": request.remote_addr,
            },
        )
        return response
