"""Request body formats: strict JSON with a size limit (and, for uploads only, CSV or multipart).

* At most ``settings.API_MAX_BODY_BYTES`` bytes (checked against Content-Length
  and again while reading), else 413 ``payload_too_large``.
* ``NaN``/``Infinity`` are refused (not JSON), and so is a body whose top level
  is not an object where a serializer expects one (the serializer says so).
* Numbers keep their JSON type (a JSON number stays ``int``/``float``), so money
  fields can refuse them: amounts travel as strings.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser, MultiPartParser, get_encoding
from rest_framework.renderers import JSONRenderer


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def _strict_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"duplicate key {key!r}")
        data[key] = value
    return data


class StrictJSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict[str, Any] | None = None) -> Any:
        parser_context = parser_context or {}
        limit = int(settings.API_MAX_BODY_BYTES)
        request = parser_context.get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        encoding = get_encoding(parser_context)
        try:
            text = codecs.decode(raw, encoding)
            return json.loads(text, parse_constant=_strict_constant, object_pairs_hook=_no_duplicates)
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(f"Malformed JSON: {exc}") from exc


class CSVTextParser(BaseParser):
    """A ``text/csv`` body, returned as text (UTF-8, a leading BOM dropped), within the size limit."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict[str, Any] | None = None) -> Any:
        limit = int(settings.API_MAX_BODY_BYTES)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError("The CSV is not UTF-8 text.") from exc


class LimitedMultiPartParser(MultiPartParser):
    """``multipart/form-data`` (file uploads) within a size limit (default: the API's body limit)."""

    limit: int | None = None  # bytes; None: settings.API_MAX_BODY_BYTES

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict[str, Any] | None = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = int(self.limit or settings.API_MAX_BODY_BYTES)
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        return super().parse(stream, media_type, parser_context)
