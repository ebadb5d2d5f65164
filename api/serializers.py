"""Base serializers: requests are strict (unknown fields are refused, not ignored)."""

from __future__ import annotations

from typing import Any

from moneyed import Money
from rest_framework import serializers


def _nul_paths(value: Any, path: str = "") -> list[str]:
    """Paths of strings (keys or values) holding a NUL character, which no text field accepts."""
    if isinstance(value, str):
        return [path or "non_field_errors"] if "\x00" in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            found += [sub] if "\x00" in str(key) else _nul_paths(item, sub)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _nul_paths(item, f"{path}.{i}" if path else str(i))
    return found


class StrictSerializer(serializers.Serializer):
    """A request serializer that refuses keys it does not declare (code ``unknown_field``)
    and text containing NUL characters (code ``null_characters_not_allowed``)."""

    def to_internal_value(self, data: Any) -> Any:
        if self.parent is None:
            bad = _nul_paths(data)
            if bad:
                raise serializers.ValidationError({path.replace("\x00", "\\0"): [serializers.ErrorDetail(
                    "Null characters are not allowed.", code="null_characters_not_allowed")] for path in bad})
        if isinstance(data, dict):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(str(k) for k in data if k not in writable)
            if unknown:
                raise serializers.ValidationError(
                    {k: [serializers.ErrorDetail("Unknown field.", code="unknown_field")] for k in unknown}
                )
        return super().to_internal_value(data)

    def service_kwargs(self) -> dict[str, Any]:
        """The validated data as the service's keyword arguments: money as its Decimal amount
        (a serializer whose service wants something else says so by overriding this)."""
        return {k: (v.amount if isinstance(v, Money) else v) for k, v in self.validated_data.items()}


class ErrorFieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. validation_error.")
    message = serializers.CharField()
    fields = serializers.DictField(child=ErrorFieldSerializer(many=True),
                                   help_text="Problems per field path, e.g. 'lines.0.amount'.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference by id to an object the caller may ``action`` (others: "does not exist").

    The same message for a missing and an out-of-scope id, so ids leak nothing.
    """

    def __init__(self, *, queryset: Any, action: str = "view", **kwargs: Any) -> None:
        self.action = action
        self.base_queryset = queryset
        super().__init__(queryset=queryset, **kwargs)

    def get_queryset(self) -> Any:
        from organizations import access

        request = self.context.get("request")
        user = getattr(request, "user", None)
        return access.scoped(user, self.action, self.base_queryset.all())
