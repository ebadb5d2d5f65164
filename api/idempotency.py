"""Idempotent POSTs: a repeated ``Idempotency-Key`` returns the first response, acting once.

How it works, per user + key:

1. The request's fingerprint is the SHA-256 of its method, path (with query) and
   canonical JSON body (keys sorted, so whitespace and key order do not matter;
   an uploaded file counts by the SHA-256 of its content).
2. In one transaction, a PostgreSQL advisory lock on (user, key) is taken, so a
   concurrent repeat waits for the first request to finish.
3. A stored record with the same fingerprint is replayed (same status and body,
   plus ``Idempotent-Replayed: true``) without calling the view; a stored record
   with a different fingerprint is a 422 ``idempotency_key_reused``.
4. Otherwise the view runs; a 2xx response is stored in the same transaction as
   the writes it made. An error response rolls the transaction back and is not
   stored (nothing was done, so a corrected retry with the same key acts).

Records are kept ``settings.API_IDEMPOTENCY_TTL_HOURS`` hours; an older record is
forgotten and the key may be used again.

``idempotent`` decorates one view method; ``IdempotentMixin`` applies it to every
POST of a view (the API's base view sets use it).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location",)
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was already used for a different request."
    default_code = "idempotency_key_reused"


class IdempotencyKeyInvalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters."
    default_code = "invalid_idempotency_key"


def _canonical(value: Any) -> Any:
    """Uploaded files count by their content (SHA-256), not their name."""
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "sha256": digest.hexdigest()}
    return str(value)


def _fingerprint(request: Request) -> str:
    data = request.data
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in data}
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=_canonical)
    raw = f"{request.method}\n{request.get_full_path()}\n{body}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _lock(user_id: int, key: str) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite (local demo) serializes writers itself
    digest = hashlib.sha256(f"api.idempotency:{user_id}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _replay(record: IdempotencyRecord) -> Response:
    headers = dict(record.response_headers or {})
    headers[REPLAYED_HEADER] = "true"
    return Response(record.response_body, status=record.status_code, headers=headers)


def run_idempotent(view: Any, request: Request, call: Callable[[], Response]) -> Response:
    """Run ``call`` (the view's handler) under the request's Idempotency-Key, if it has one."""
    key = request.headers.get(HEADER)
    if key is None or not request.user.is_authenticated:
        return call()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise IdempotencyKeyInvalid()
    fingerprint = _fingerprint(request)
    cutoff = timezone.now() - dt.timedelta(hours=int(settings.API_IDEMPOTENCY_TTL_HOURS))
    with transaction.atomic():
        _lock(request.user.pk, key)
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is not None and record.created_at < cutoff:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            record = None
        if record is not None:
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyReused()
            return _replay(record)
        try:
            response = call()
        except Exception as exc:  # noqa: BLE001 - turned into the API's error response
            response = view.handle_exception(exc)
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)
            return response
        body = json.loads(JSONRenderer().render(response.data)) if response.data is not None else None
        IdempotencyRecord.objects.create(
            user=request.user, key=key, fingerprint=fingerprint, method=request.method,
            path=request.get_full_path()[:2000], status_code=response.status_code,
            response_body=body,
            response_headers={h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
        )
    return response


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate a view method (``def post(self, request, ...)``) to honour Idempotency-Key."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        return run_idempotent(view, request, lambda: handler(view, request, *args, **kwargs))

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


class IdempotentMixin:
    """Every POST handled by this view honours Idempotency-Key (after authentication)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method == "POST" and HEADER in request.headers:
            handler = getattr(self, "post", None)
            if handler is not None and not getattr(handler, "idempotent", False):
                def wrapped(req: Request, *a: Any, **kw: Any) -> Response:
                    return run_idempotent(self, req, lambda: handler(req, *a, **kw))

                wrapped.idempotent = True  # type: ignore[attr-defined]
                self.post = wrapped
