"""Rendering a document kind from its plain data: the PDF and its data twin.

``GENERATOR_VERSION`` names the layout and data rules of the generator; it is
part of every artifact's idempotency key, so a changed generator makes a new
version instead of pretending an old file came from it.
"""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

from .documents import award_letter, community_reinvestment, fund_statement, minutes
from .pdf.template import DocumentMeta, build_pdf
from .twin import Tables, json_bytes, zip_bytes

GENERATOR_VERSION = "reporting/1.0"

RENDERERS: dict[str, ModuleType] = {
    "community-reinvestment": community_reinvestment,
    "fund-statement": fund_statement,
    "award-letter": award_letter,
    "minutes": minutes,
}


def renderer(kind: str) -> ModuleType:
    try:
        return RENDERERS[kind]
    except KeyError:
        raise ValueError(f"Unknown report kind {kind!r}; use one of {', '.join(RENDERERS)}.") from None


def render_pdf(kind: str, data: dict[str, Any], *, report_id: str, version: int,
               generated_at: dt.datetime, draft: bool) -> bytes:
    module = renderer(kind)
    labels = module.meta_labels(data)
    meta = DocumentMeta(report_id=report_id, generated_at=generated_at, draft=draft,
                        keywords=(kind, report_id), **labels)
    return build_pdf(module.story(data, report_id, version), meta)


def render_tables(kind: str, data: dict[str, Any]) -> Tables:
    return renderer(kind).tables(data)


def render_twin(kind: str, data: dict[str, Any]) -> tuple[bytes, bytes]:
    """(JSON bytes, zip bytes) holding the same figures as the PDF."""
    return json_bytes(data), zip_bytes(data, render_tables(kind, data))
