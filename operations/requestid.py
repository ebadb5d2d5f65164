"""A request id on every log line, carried from the web request into the Celery tasks it queues.

* ``RequestIdMiddleware`` takes the id from an ``X-Request-ID`` header sent by the proxy (32
  characters at most, letters, digits, ``-`` and ``_``; anything else is replaced) or makes a new
  one, keeps it in a context variable for the request and returns it in ``X-Request-ID``;
* ``RequestIdFilter`` adds ``request_id`` to every log record (``-`` outside a request);
* ``JsonFormatter`` writes one JSON object a line (production logging);
* the Celery signal handlers put the id into each task's headers when it is published and
  restore it in the worker while the task runs.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
current: ContextVar[str] = ContextVar("request_id", default="-")


def _clean(candidate: str | None) -> str:
    if candidate and _VALID.match(candidate):
        return candidate
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _clean(request.headers.get(HEADER))
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, request id, message."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", current.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


@before_task_publish.connect
def _publish_with_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None and current.get() != "-":
        headers.setdefault("request_id", current.get())


_task_tokens: dict[str, Any] = {}


@task_prerun.connect
def _task_starts(task_id: str = "", task: Any = None, **_: Any) -> None:
    request_id = getattr(getattr(task, "request", None), "request_id", None)
    if request_id is None and task is not None:
        request_id = (getattr(task.request, "headers", None) or {}).get("request_id")
    _task_tokens[task_id] = current.set(_clean(request_id) if request_id else f"task-{task_id[:8]}")


@task_postrun.connect
def _task_ends(task_id: str = "", **_: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        current.reset(token)
