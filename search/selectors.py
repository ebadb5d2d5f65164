"""Finding what a person may see, by words.

Each kind of record (``SOURCES``) names its queryset, the fields its words come from and how
a hit is shown. ``search`` narrows each queryset with ``organizations.access.scoped`` first,
then matches:

* on PostgreSQL, full-text search (``config='simple'``: no stemming, so it behaves the same
  for English and Spanish words and names), every word of the query as a prefix
  (``promo`` finds "Promotores"), ranked by ``SearchRank``;
* elsewhere (SQLite under ``make run``), every word must appear (``icontains``) in one of the
  fields, newest first.

Only letters and digits make words: quotes, ``&|!():*`` and other punctuation separate words
and never reach the database as operators. A query longer than ``MAX_QUERY`` characters is
refused with a message (``QueryTooLong``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, Model, Q, QuerySet, TextField, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.models import Application, Award, FundingOpportunity
from money import format_usd
from organizations import access
from organizations.models import Organization
from reporting.models import ReportArtifact, ReportRun, RunStatus

#: The longest query accepted, in characters.
MAX_QUERY = 200
#: At most this many words of a query are matched (the rest are ignored).
MAX_WORDS = 12
#: Hits shown per kind.
PER_KIND = 20

_WORD = re.compile(r"[^\W_]+")


class QueryTooLong(ValueError):
    """The query is longer than ``MAX_QUERY`` characters."""


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    href: str


@dataclass
class Group:
    """The hits of one kind of record (at most ``PER_KIND``; ``more`` when there were others)."""

    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


@dataclass(frozen=True)
class Source:
    key: str
    label: Any  # lazy translated
    queryset: Callable[[Any], QuerySet[Any]]  # the user's visible rows, already scoped
    fields: Sequence[str]
    hit: Callable[[Any, Any], Hit]  # (row, user) -> Hit


def words(query: str) -> list[str]:
    """The words of ``query``: runs of letters and digits, lowercased, at most ``MAX_WORDS``."""
    return [w.lower() for w in _WORD.findall(query)][:MAX_WORDS]


def clean_query(raw: str | None) -> str:
    """The query as typed, trimmed; ``QueryTooLong`` above ``MAX_QUERY`` characters."""
    text = " ".join((raw or "").replace("\x00", " ").split())
    if len(text) > MAX_QUERY:
        raise QueryTooLong(f"Search for at most {MAX_QUERY} characters.")
    return text


#: Characters of codes and identifiers ("gcbo-42", "CR-plan-2024-v1") read as spaces in the
#: document, as in the query: otherwise PostgreSQL's parser reads "-42" as a signed number.
_SEPARATORS = "-_./:"


def _words_of(name: str) -> Func:
    return Func(F(name), Value(_SEPARATORS), Value(" " * len(_SEPARATORS)), function="translate",
                output_field=TextField())


def _full_text(qs: QuerySet[Any], fields: Sequence[str], terms: list[str]) -> QuerySet[Any]:
    # Each term is letters and digits only, so the raw tsquery holds no operator but ours.
    query = SearchQuery(" & ".join(f"{t}:*" for t in terms), config="simple", search_type="raw")
    vector = SearchVector(*(_words_of(f) for f in fields), config="simple")
    return (qs.annotate(search_document=vector).filter(search_document=query)
            .annotate(search_rank=SearchRank(vector, query)).order_by("-search_rank", "-pk"))


def _contains(qs: QuerySet[Any], fields: Sequence[str], terms: list[str]) -> QuerySet[Any]:
    every_word = [reduce(or_, (Q(**{f"{f}__icontains": t}) for f in fields)) for t in terms]
    return qs.filter(reduce(and_, every_word)).order_by("-pk")


def matching(qs: QuerySet[Any], fields: Sequence[str], terms: list[str],
             *, full_text: bool | None = None) -> QuerySet[Any]:
    """Rows of ``qs`` whose ``fields`` hold every one of ``terms`` (best first)."""
    if full_text is None:
        full_text = connection.vendor == "postgresql"
    return (_full_text if full_text else _contains)(qs, fields, terms)


# --------------------------------------------------------------------------- the kinds


def _visible(model: type[Model], *related: str) -> Callable[[Any], QuerySet[Any]]:
    def queryset(user: Any) -> QuerySet[Any]:
        return access.scoped(user, "view", model._default_manager.select_related(*related))
    return queryset


def _application(a: Application, user: Any) -> Hit:
    return Hit(a.project_title or str(_("Untitled application")),
               f"{a.applicant} · {a.opportunity.title} · {a.get_status_display()}",
               reverse("grants:application_detail", args=[a.pk]))


def _award(a: Award, user: Any) -> Hit:
    return Hit(a.application.project_title or str(a), f"{a.grantee} · {format_usd(a.amount.amount)} · "
                                                       f"{a.get_status_display()}",
               reverse("grants:award_detail", args=[a.pk]))


def _organization(o: Organization, user: Any) -> Hit:
    href = (reverse("admin:organizations_organization_change", args=[o.pk])
            if access.is_site_admin(user) and not access.roles_in(user, o) else f"{reverse('home')}#org-{o.code}")
    return Hit(str(o), f"{o.get_kind_display()} · {o.code}", href)


def _opportunity(o: FundingOpportunity, user: Any) -> Hit:
    return Hit(o.title, f"{o.fund.name} · {o.get_status_display()}",
               reverse("grants:opportunity_detail", args=[o.pk]))


def _artifact(a: ReportArtifact, user: Any) -> Hit:
    state = _("filed") if getattr(a, "filing", None) else (_("final") if a.is_final else _("draft"))
    version = _("version %(number)s") % {"number": a.version}
    return Hit(a.report_id, " · ".join([a.get_kind_display(), str(a.organization), version, str(state)]),
               reverse("reporting:artifact", args=[a.pk]))


def _run(r: ReportRun, user: Any) -> Hit:
    return Hit(f"{r.get_kind_display()} · {r.params_key}", f"{r.organization} · {r.get_status_display()}",
               reverse("reporting:run", args=[r.pk]))


def _unfinished_runs(user: Any) -> QuerySet[Any]:
    return _visible(ReportRun, "organization")(user).exclude(status=RunStatus.DONE)


SOURCES: tuple[Source, ...] = (
    Source("applications", _("Applications"), _visible(Application, "applicant", "opportunity"),
           ("project_title", "project_summary", "applicant__legal_name", "applicant__display_name",
            "opportunity__title"), _application),
    Source("awards", _("Awards"), _visible(Award, "grantee", "application"),
           ("application__project_title", "grantee__legal_name", "grantee__display_name", "fund__name"), _award),
    Source("organizations", _("Organizations"), _visible(Organization),
           ("legal_name", "display_name", "code"), _organization),
    Source("opportunities", _("Calls for proposals"), _visible(FundingOpportunity, "fund"),
           ("title", "description", "fund__name"), _opportunity),
    Source("reports", _("Reports"), _visible(ReportArtifact, "organization", "filing"),
           ("report_id", "kind", "params_key", "organization__legal_name", "organization__display_name"),
           _artifact),
    Source("report_requests", _("Report requests not finished"), _unfinished_runs,
           ("kind", "params_key", "organization__legal_name", "organization__display_name"), _run),
)


def search(*, user: Any, query: str, full_text: bool | None = None) -> list[Group]:
    """The groups (one per kind, in ``SOURCES`` order, empty ones left out) of what ``user`` may
    see matching every word of ``query``. Nothing for an anonymous visitor or a query without words."""
    terms = words(clean_query(query))
    if not terms or not (user and user.is_authenticated):
        return []
    groups = []
    for source in SOURCES:
        rows = list(matching(source.queryset(user), source.fields, terms, full_text=full_text)[:PER_KIND + 1])
        if rows:
            groups.append(Group(source.key, str(source.label), [source.hit(r, user) for r in rows[:PER_KIND]],
                                more=len(rows) > PER_KIND))
    return groups
