"""The organization a page is about, named in its address, scoped to the user.

Plan pages are addressed by the plan's ``code`` (``/obligations/<plan>/``,
``/funds/plan/<plan>/``, ``/reports/plan/<plan>/``). ``plan_for`` answers the plan when the
user holds one of the page's roles there, and 404 otherwise: "not yours" and "does not exist"
look the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404, HttpRequest

from organizations import access
from organizations.models import Organization, OrganizationKind


def plan_for(request: HttpRequest, code: str, roles: Iterable[str]) -> Organization:
    """The plan named ``code``, or 404 unless the user holds one of ``roles`` there."""
    plan = Organization.objects.filter(code=code, kind=OrganizationKind.PLAN).first()
    if plan is None or not access.has_role(request.user, plan, *roles):
        raise Http404("Not found")
    return plan
