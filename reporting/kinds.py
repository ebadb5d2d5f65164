"""The document kinds, each registered once: parameters, owner, data, PDF and twin tables.

A ``DocumentKind`` pairs a selector (ORM -> the document's frozen dataclass,
``reporting/selectors``) with a renderer (dataclass -> PDF story and twin tables,
``reporting/documents``). ``normalize`` parses the parameters; ``resolve``
validates them cheaply (the records exist, the year has what the document needs)
and names the organization that owns the report; ``collect`` returns the data.
All raise ``django.core.exceptions.ValidationError`` with a message naming the
problem.

``GENERATOR_VERSION`` names the layout and data rules of the generator; it is
part of every artifact's idempotency key, so a changed generator makes a new
version instead of pretending an old file came from it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from types import ModuleType
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.utils import translation

from organizations.models import Organization

from .data import gc_paused
from .documents import award_letter as award_letter_doc
from .documents import community_reinvestment as community_reinvestment_doc
from .documents import fund_statement as fund_statement_doc
from .documents import minutes as minutes_doc
from .models import ReportKind
from .pdf.template import DocumentMeta, build_pdf
from .selectors import (
    award_letter,
    community_reinvestment,
    fund_statement,
    minutes,
    obligation_choice,
)
from .twin import Tables, Twin, TwinFile, build

GENERATOR_VERSION = "reporting/1.2"

P = ParamSpec("P")
T = TypeVar("T")

#: The language of every document, its data and its twin, whoever reads them: the choices'
#: labels (statuses, kinds, domains) are translated for pages, and a report read by a
#: Spanish-speaking person must hold, hash and print the same words as any other.
DOCUMENT_LANGUAGE = "en"


def in_document_language(fn: Callable[P, T]) -> Callable[P, T]:
    """``fn`` run with the documents' language active (a new override per call: thread-safe)."""
    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with translation.override(DOCUMENT_LANGUAGE):
            return fn(*args, **kwargs)
    return run


@dataclass(frozen=True)
class Param:
    """A parameter of a document kind: its name (also the command-line option) and type."""

    name: str
    type: type[int] | type[str] = str
    required: bool = True

    def parse(self, value: Any) -> int | str:
        if self.type is int:
            try:
                return int(value)
            except (TypeError, ValueError):
                raise ValidationError({self.name: f"{self.name} must be a whole number, not {value!r}."}) from None
        return str(value)


@dataclass
class DocumentKind:
    kind: ReportKind
    prefix: str  # report id prefix
    params: tuple[Param, ...]  # parameters (required ones, then optional ones), in report id order
    resolve: Callable[[Mapping[str, Any]], Organization]
    collect: Callable[[Mapping[str, Any]], Any]  # -> the document's frozen dataclass
    renderer: ModuleType  # ``reporting.documents.<kind>``: meta_labels, story, tables
    attestable: bool = False
    prints_twin: bool = False  # the PDF lists the twin's files with their SHA-256 (``story(..., twin=)``)
    #: Fills in the optional parameters the records decide (after ``resolve``), so one document
    #: always has the same parameters whether the requester named them or not.
    complete: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        # The data is read in the documents' language whoever asks (a preview, an attestation
        # check): labels are turned into text there, and the inputs hash must not change with it.
        self.collect = in_document_language(self.collect)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def normalize(self, params: Mapping[str, Any]) -> dict[str, Any]:
        missing = [p.name for p in self.params if p.required and params.get(p.name) in (None, "")]
        if missing:
            raise ValidationError({missing[0]: f"{self.kind} needs --{missing[0].replace('_', '-')}."})
        unknown = sorted(set(params) - set(self.param_names))
        if unknown:
            raise ValidationError({unknown[0]: f"{self.kind} takes no parameter {unknown[0]!r}."})
        return {p.name: p.parse(params[p.name]) for p in self.params if params.get(p.name) not in (None, "")}

    def completed(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``params`` (normalized and resolved) with the parameters the records decide filled in."""
        return self.complete(params) if self.complete is not None else dict(params)

    def report_id(self, params: Mapping[str, Any], version: int) -> str:
        parts = "-".join(str(params[p]) for p in self.param_names if p in params)
        return f"{self.prefix}-{parts}-v{version}"

    def render(self, data: Any, *, report_id: str, version: int, generated_at: dt.datetime,
               draft: bool) -> tuple[bytes, Twin]:
        """The PDF and its data twin, from one reading of ``data`` (the twin is made first, so a
        PDF that prints the twin's SHA-256 prints those of the files returned with it)."""
        with gc_paused():
            twin = self.build_twin(data)
            pdf = self._pdf(data, report_id=report_id, version=version, generated_at=generated_at, draft=draft,
                            twin=twin.files)
        return pdf, twin

    def render_pdf(self, data: Any, *, report_id: str, version: int, generated_at: dt.datetime,
                   draft: bool) -> bytes:
        files = self.build_twin(data).files if self.prints_twin else ()
        return self._pdf(data, report_id=report_id, version=version, generated_at=generated_at, draft=draft,
                         twin=files)

    @in_document_language
    def _pdf(self, data: Any, *, report_id: str, version: int, generated_at: dt.datetime, draft: bool,
             twin: tuple[TwinFile, ...]) -> bytes:
        labels = self.renderer.meta_labels(data)
        meta = DocumentMeta(report_id=report_id, generated_at=generated_at, draft=draft,
                            keywords=(labels["document_label"], report_id), **labels)
        extra = {"twin": twin} if self.prints_twin else {}
        with gc_paused():
            return build_pdf(self.renderer.story(data, report_id, version, **extra), meta)

    def render_tables(self, data: Any) -> Tables:
        tables: Tables = self.renderer.tables(data)
        return tables

    def build_twin(self, data: Any) -> Twin:
        with gc_paused(), translation.override(DOCUMENT_LANGUAGE):
            return build(data, self.render_tables(data))

    def render_twin(self, data: Any) -> tuple[bytes, bytes]:
        """(JSON bytes, zip bytes) holding the same figures as the PDF."""
        twin = self.build_twin(data)
        return twin.json, twin.zip


def params_key(params: Mapping[str, Any]) -> str:
    return json.dumps(dict(params), sort_keys=True, separators=(",", ":"))


KINDS: dict[str, DocumentKind] = {dk.kind: dk for dk in (
    # One report per obligation: the policy (and line of business) may be left out when the
    # plan's income year has one live obligation (``selectors.obligation_choice``).
    DocumentKind(ReportKind.COMMUNITY_REINVESTMENT, "CRR",
                 (Param("plan"), Param("year", int), Param("policy", required=False),
                  Param("line_of_business", required=False)),
                 community_reinvestment.resolve, community_reinvestment.community_reinvestment_data,
                 community_reinvestment_doc, attestable=True, prints_twin=True,
                 complete=obligation_choice.complete_params),
    DocumentKind(ReportKind.FUND_STATEMENT, "WFS", (Param("fund"), Param("year", int)),
                 fund_statement.resolve, fund_statement.fund_statement_data, fund_statement_doc),
    DocumentKind(ReportKind.AWARD_LETTER, "AWL", (Param("award", int),),
                 award_letter.resolve, award_letter.award_letter_data, award_letter_doc),
    DocumentKind(ReportKind.MINUTES, "MIN", (Param("meeting", int),),
                 minutes.resolve, minutes.minutes_data, minutes_doc),
)}
if set(KINDS) != set(ReportKind.values):  # pragma: no cover - a kind added to one list only
    raise ImportError("Every ReportKind needs exactly one DocumentKind in reporting.kinds.KINDS.")


def document_kind(kind: str) -> DocumentKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationError(
            {"kind": f"Unknown report kind {kind!r}; use one of {', '.join(KINDS)}."}) from None


def render_pdf(kind: str, data: Any, *, report_id: str, version: int, generated_at: dt.datetime,
               draft: bool) -> bytes:
    return document_kind(kind).render_pdf(data, report_id=report_id, version=version,
                                          generated_at=generated_at, draft=draft)


def render_twin(kind: str, data: Any) -> tuple[bytes, bytes]:
    return document_kind(kind).render_twin(data)
