"""The one request body format of the API: strict JSON with a size limit.

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
from rest_framework.parsers import BaseParser, get_encoding
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
