"""OpenAPI schema additions (drf-spectacular): security scheme, money, errors, idempotency.

``postprocess`` runs after the schema is generated and makes it describe what
the API really does:

* every operation documents the error shape (``Error``) for the 4xx codes it
  can return (400, 401, 403, 404, 429; POSTs also 409, 413, 415, 422);
* every POST documents the ``Idempotency-Key`` header;
* request bodies refuse unknown properties (``additionalProperties: false``),
  as the strict serializers do.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)

from .fields import money_schema

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "Machine-readable, e.g. validation_error."},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Problems per field path, e.g. 'lines.0.amount'.",
                    "additionalProperties": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                            "required": ["code", "message"],
                        },
                    },
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}

ERRORS_ALL = {
    "400": "Invalid request (validation_error, parse_error, invalid filter or ordering).",
    "401": "Missing, invalid, revoked or expired credentials.",
    "403": "Authenticated but not allowed (permission_denied).",
    "404": "Not found, or outside the caller's organizations.",
    "429": "Rate limit exceeded (throttled); see Retry-After.",
}
ERRORS_WRITE = {
    "409": "Not allowed from the object's current state (invalid_state).",
    "413": "Request body too large (payload_too_large).",
    "415": "Unsupported body type (unsupported_media_type): JSON; uploads take multipart/form-data or text/csv.",
    "422": "Idempotency-Key reused with a different request (idempotency_key_reused).",
}

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Repeat a POST safely: the same key with the same body returns the first "
                   "response without acting again; with a different body it is a 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "crt_<prefix>_<secret>",
                "description": "A personal API token created at /api/tokens/."}


class MoneyFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "api.fields.MoneyField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        # Responses may carry negative amounts (balances, adjustments); requests follow the field.
        allow_negative = direction == "response" or self.target.allow_negative
        return money_schema(allow_negative=allow_negative)


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    error_ref = {"$ref": "#/components/schemas/Error"}
    request_components: set[str] = set()
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            errors = dict(ERRORS_ALL)
            if method != "get":
                errors |= ERRORS_WRITE
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": error_ref}}}
                )
            if method == "post":
                params = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in params):
                    params.append(IDEMPOTENCY_PARAMETER)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref:
                    request_components.add(ref.rsplit("/", 1)[-1])
    for name in request_components:
        schema = schemas.get(name)
        if schema is not None and schema.get("type") == "object":
            schema["additionalProperties"] = False
    return result
