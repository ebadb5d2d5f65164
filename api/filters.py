"""Filtering and ordering of lists by plain query parameters.

A view declares ``filter_fields = {"kind": Filter("kind", "choice", choices=...)}``
and ``ordering_fields = [...]``. A filter value of the wrong type, an unknown
choice or an unknown ordering field is a 400 ``validation_error`` naming the
parameter (never silently ignored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from rest_framework import filters, serializers
from rest_framework.request import Request

from .fields import EARLIEST_DATE, LATEST_DATE

TYPES = {"string", "integer", "boolean", "date", "choice"}


@dataclass(frozen=True)
class Filter:
    lookup: str
    type: str = "string"
    choices: Sequence[str] = ()
    description: str = ""
    minimum: int = -(2**63)  # integers: bounds of a database bigint unless narrowed
    maximum: int = 2**63 - 1
    negate: bool = False  # for booleans: filter on the opposite (e.g. revoked -> revoked_at is null)

    def parse(self, name: str, raw: str) -> Any:
        if "\x00" in raw or len(raw) > 255:
            raise serializers.ValidationError(
                {name: [serializers.ErrorDetail("Not a valid value (too long or a NUL character).",
                                                code="invalid")]}
            )
        try:
            if self.type == "integer":
                value = int(raw)
                if not self.minimum <= value <= self.maximum:
                    raise ValueError
                return value
            if self.type == "boolean":
                if raw.lower() not in {"true", "false"}:
                    raise ValueError
                return (raw.lower() == "true") != self.negate
            if self.type == "date":
                day = dt.date.fromisoformat(raw)
                if not EARLIEST_DATE <= day <= LATEST_DATE:  # the edge of the calendar overflows
                    raise ValueError
                return day
        except ValueError as exc:
            raise serializers.ValidationError(
                {name: [serializers.ErrorDetail(f"Not a valid {self.type}: {raw!r}.", code="invalid")]}
            ) from exc
        if self.type == "choice" and raw not in self.choices:
            raise serializers.ValidationError(
                {name: [serializers.ErrorDetail(
                    f"{raw!r} is not one of: {', '.join(self.choices)}.", code="invalid_choice")]}
            )
        return raw

    def schema(self) -> dict[str, Any]:
        if self.type == "choice":
            return {"type": "string", "enum": list(self.choices)}
        if self.type == "date":
            return {"type": "string", "format": "date"}
        if self.type == "integer":
            return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        return {"type": self.type}


class QueryParamFilter(filters.BaseFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        for name, spec in getattr(view, "filter_fields", {}).items():
            raw = request.query_params.get(name)
            if raw is None or raw == "":
                continue
            queryset = queryset.filter(**{spec.lookup: spec.parse(name, raw)})
        return queryset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": name, "required": False, "in": "query",
             "description": spec.description or f"Filter by {name}.", "schema": spec.schema()}
            for name, spec in getattr(view, "filter_fields", {}).items()
        ]


class StrictOrderingFilter(filters.OrderingFilter):
    """DRF's ordering, but an unknown field is an error instead of being ignored."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [p.strip() for p in params.split(",") if p.strip()]
            allowed = set(getattr(view, "ordering_fields", []) or [])
            bad = [f for f in fields if f.lstrip("-") not in allowed]
            if bad:
                raise serializers.ValidationError({self.ordering_param: [serializers.ErrorDetail(
                    f"Cannot order by {', '.join(bad)}; use one of: {', '.join(sorted(allowed))}.",
                    code="invalid_choice")]})
            return fields
        return self.get_default_ordering(view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        allowed = list(getattr(view, "ordering_fields", []) or [])
        return [{
            "name": self.ordering_param, "required": False, "in": "query",
            "description": "Order by a field; prefix with '-' for descending. Comma-separate several.",
            "schema": {"type": "string", "enum": [f for a in allowed for f in (a, f"-{a}")]},
        }]
