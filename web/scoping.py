"""The organization a page is about, named in its address, scoped to the user.

Plan pages are addressed by the plan's ``code`` (``/obligations/<plan>/``,
``/funds/plan/<plan>/``, ``/reports/plan/<plan>/``). ``plan_for`` answers the plan when the
user holds one of the page's roles there, and 404 otherwise: "not yours" and "does not exist"
look the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from organizations import access
from organizations.models import Organization, OrganizationKind

M = TypeVar("M", bound=Model)


def plan_for(request: HttpRequest, code: str, roles: Iterable[str]) -> Organization:
    """The plan named ``code``, or 404 unless the user holds one of ``roles`` there. A plan where
    the user is a member was read with the user (``access.member_organization``): no query."""
    plan = access.member_organization(request.user, code)
    if plan is None:
        plan = Organization.objects.filter(code=code, kind=OrganizationKind.PLAN).first()
    elif plan.kind != OrganizationKind.PLAN:
        plan = None
    if plan is None or not access.has_role(request.user, plan, *roles):
        raise Http404("Not found")
    return plan


def posted_row(request: HttpRequest, name: str, rows: QuerySet[M]) -> M:
    """The row of ``rows`` (already scoped to the page's record) whose id the form posted as
    ``name``, or 404: a missing, malformed or foreign id looks like one that does not exist."""
    value = request.POST.get(name, "")
    row = rows.filter(pk=int(value)).first() if value.isdigit() else None
    if row is None:
        raise Http404("Not found")
    return row
