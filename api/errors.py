"""One error shape for every API failure.

Every 4xx response body is::

    {"error": {"code": "validation_error",          # machine-readable
               "message": "Some fields are invalid.",  # for people
               "fields": {"amount": [{"code": "invalid", "message": "..."}]}}}

``fields`` maps a field path (``lines.0.amount`` for nested data,
``non_field_errors`` for the object as a whole) to its problems; it is empty
when the error is not about fields. Django ``ValidationError`` raised by services
becomes a 400 ``validation_error`` (or a 409 ``invalid_state`` when it is only
about ``status``/``state``/``vote_status``: a state change not allowed from the current state);
``AccessDenied`` from a service becomes a 403 ``permission_denied`` with one fixed message
(a service's own refusal may name the person acting, and an error body names nobody); objects
outside the user's scope are 404 ``not_found`` before any service is called (``api/actions.py``),
the same answer whether the object belongs to another organization or does not exist.

One narrow mapping of a service's ValidationError to 403: an error whose only field is
``actor`` says who may act, not what is wrong with the input (the board rules raise
``{"actor": "Only the chair of <body> can do this."}`` for a member who is not the chair
of the meeting's body). The caller can see the object but may not do this to it, so it is
a 403 ``permission_denied`` carrying the service's message (it names the body, not a person).
(A recusal by someone not seated, ``{"member": ...}``, stays a 400: the service uses the
same field for "already recused" and "has voted", which are about the input.)

A view may give a validation error its own summary (``exc.message``), e.g. an upload's
"2 of 30 rows are invalid; nothing was written."
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from organizations.access import AccessDenied

STATE_FIELDS = {"status", "state", "vote_status"}
#: A ValidationError on only these fields is about who acts: 403 (see the module docstring).
ACTOR_FIELDS = {"actor"}


class InvalidState(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This change is not allowed from the current state."
    default_code = "invalid_state"


def _is_leaf(detail: Any) -> bool:
    return isinstance(detail, dict) and set(detail) == {"message", "code"}


def _leaf(detail: dict[str, Any]) -> dict[str, str]:
    return {"code": str(detail["code"]), "message": str(detail["message"])}


def _field_details(detail: Any, prefix: str = "") -> dict[str, list[dict[str, str]]]:
    """Flatten DRF's full error details into ``{"a.0.b": [{"code", "message"}]}``."""
    if _is_leaf(detail):
        return {prefix or "non_field_errors": [_leaf(detail)]}
    out: dict[str, list[dict[str, str]]] = {}
    if isinstance(detail, list):
        if detail and all(_is_leaf(d) for d in detail):
            return {prefix or "non_field_errors": [_leaf(d) for d in detail]}
        items: Any = enumerate(detail)
    elif isinstance(detail, dict):
        items = detail.items()
    else:
        return {prefix or "non_field_errors": [{"code": "invalid", "message": str(detail)}]}
    for key, value in items:
        out.update(_field_details(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _from_django_validation(exc: DjangoValidationError) -> exceptions.APIException:
    if hasattr(exc, "error_dict") and set(exc.error_dict) == ACTOR_FIELDS:
        return exceptions.PermissionDenied(" ".join(str(m) for e in exc.error_dict["actor"] for m in e.messages))
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): [
                {"message": str(m), "code": e.code or "invalid"}
                for e in errors for m in e.messages
            ]
            for field, errors in exc.error_dict.items()
        }
        if set(detail) <= STATE_FIELDS:
            error = InvalidState()
            error.fields = detail  # type: ignore[attr-defined]
            error.message = next(iter(detail.values()))[0]["message"]  # type: ignore[attr-defined]
            return error
    else:
        detail = {"non_field_errors": [{"message": str(m), "code": exc.code or "invalid"}
                                       for m in exc.messages]}
    error = exceptions.ValidationError()
    error.fields = detail  # type: ignore[attr-defined]
    return error


MESSAGES = {
    "validation_error": "Some fields are invalid.",
    "permission_denied": "You may not do this.",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)
    elif isinstance(exc, AccessDenied | DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(MESSAGES["permission_denied"])
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    fields: dict[str, Any] = getattr(exc, "fields", None) or {}
    if isinstance(exc, exceptions.ValidationError):
        code = "validation_error"
        if not fields:
            fields = _field_details(exc.get_full_details())
        message = MESSAGES[code]
        if list(fields) == ["non_field_errors"]:
            message = fields["non_field_errors"][0]["message"]
        message = getattr(exc, "message", message)
    else:
        details = exc.get_full_details()
        if isinstance(details, dict) and "code" in details:
            code, message = str(details["code"]), str(details["message"])
        else:
            code, message = exc.default_code, str(exc.default_detail)
        message = getattr(exc, "message", message)
    response.data = error_body(code, message, fields)
    return response
