"""The document kinds: how each one finds its owner, its data and its report id.

Each kind pairs a selector module (ORM -> plain data) with a renderer module
(plain data -> PDF, ``reporting/documents``). ``resolve`` validates the
parameters cheaply (the records exist, the year has what the document needs)
and names the organization that owns the report; ``collect`` returns the data.
Both raise ``django.core.exceptions.ValidationError`` with a message naming the
problem.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from organizations.models import Organization

from .selectors import award_letter, community_reinvestment, fund_statement, minutes


@dataclass
class DocumentKind:
    kind: str
    prefix: str  # report id prefix
    params: tuple[str, ...]  # required parameter names
    resolve: Callable[[Mapping[str, Any]], Organization]
    collect: Callable[[Mapping[str, Any]], dict[str, Any]]
    attestable: bool = False

    def normalize(self, params: Mapping[str, Any]) -> dict[str, Any]:
        missing = [p for p in self.params if params.get(p) in (None, "")]
        if missing:
            raise ValidationError({missing[0]: f"{self.kind} needs --{missing[0]}."})
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            raise ValidationError({unknown[0]: f"{self.kind} takes no parameter {unknown[0]!r}."})
        out: dict[str, Any] = {}
        for name in self.params:
            value = params[name]
            if name in ("year", "award", "meeting"):
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise ValidationError({name: f"{name} must be a whole number, not {value!r}."}) from None
            else:
                value = str(value)
            out[name] = value
        return out

    def report_id(self, params: Mapping[str, Any], version: int) -> str:
        parts = "-".join(str(params[p]) for p in self.params)
        return f"{self.prefix}-{parts}-v{version}"


def params_key(params: Mapping[str, Any]) -> str:
    return json.dumps(dict(params), sort_keys=True, separators=(",", ":"))


KINDS: dict[str, DocumentKind] = {
    "community-reinvestment": DocumentKind(
        "community-reinvestment", "CRR", ("plan", "year"),
        community_reinvestment.resolve, community_reinvestment.community_reinvestment_data,
        attestable=True),
    "fund-statement": DocumentKind(
        "fund-statement", "WFS", ("fund", "year"),
        fund_statement.resolve, fund_statement.fund_statement_data),
    "award-letter": DocumentKind(
        "award-letter", "AWL", ("award",), award_letter.resolve, award_letter.award_letter_data),
    "minutes": DocumentKind(
        "minutes", "MIN", ("meeting",), minutes.resolve, minutes.minutes_data),
}


def document_kind(kind: str) -> DocumentKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationError(
            {"kind": f"Unknown report kind {kind!r}; use one of {', '.join(KINDS)}."}) from None
