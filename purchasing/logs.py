"""Application logs on stderr: one line per request, and every server error with its traceback.

Lines go through the ``logging`` module in gunicorn's own error-log format ("[date] [pid] [LEVEL] …"),
so ``gunicorn --error-logfile FILE --capture-output`` (or plain stderr under systemd) keeps them with
gunicorn's. Each request has an id: the ``X-Request-ID`` header a proxy sent (if well formed), else a
new one; it is echoed in the response, written on the request's line, on its error and in its
security events.
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

#: the format of gunicorn's error log (gunicorn/glogging.py), with the logger's name
LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
#: the application's loggers; every module logs under one of them (logging.getLogger(__name__))
APP_LOGGERS = ("purchasing", "lifecycle")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

request_log = logging.getLogger("purchasing.requests")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (gunicorn and test runners replace it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(app: Flask) -> None:
    """One stderr handler on the application's loggers (added once per process), at LOG_LEVEL."""
    level = logging.getLevelName(str(app.config.get("LOG_LEVEL", "INFO")).upper())
    level = level if isinstance(level, int) else logging.INFO
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))
            logger.addHandler(handler)


def request_id() -> str:
    return g.get("request_id", "")


def init_app(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def _start_request():
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        response.headers["X-Request-ID"] = request_id() or "-"
        started = g.get("request_started")
        duration_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        user = g.get("_login_user")  # only if the request loaded it: no query for this line
        user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
        request_log.info(
            "request_id=%s method=%s path=%s endpoint=%s status=%d duration_ms=%.1f user=%s member=%s",
            request_id() or "-", request.method, request.path, request.endpoint or "-", response.status_code,
            duration_ms, user_id if user_id is not None else "-",
            getattr(user, "member_id", None) or "-" if user_id is not None else "-",
        )
        return response
