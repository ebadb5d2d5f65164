"""Pages of the organizations app: the role-aware home dashboard and the friendly error pages."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from web import nav

from .models import Membership, Organization
from .selectors import memberships_of


@dataclass
class DashboardSection:
    """One organization on the dashboard: the user's roles there and the pages those roles use."""

    organization: Organization
    roles: list[str] = field(default_factory=list)
    links: list[nav.Link] = field(default_factory=list)


def _sections(user: object, memberships: list[Membership]) -> list[DashboardSection]:
    by_org: dict[int, DashboardSection] = {}
    role_codes: dict[int, set[str]] = {}
    for m in memberships:
        section = by_org.setdefault(m.organization_id, DashboardSection(m.organization))
        section.roles.append(m.get_role_display())
        role_codes.setdefault(m.organization_id, set()).add(m.role)
    for org_id, section in by_org.items():
        section.links = nav.dashboard_links(user, section.organization.code, role_codes[org_id])
    return list(by_org.values())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: one section per organization the user belongs to, with that role's pages."""
    memberships = list(memberships_of(request.user))
    return render(
        request,
        "organizations/home.html",
        {"memberships": memberships, "sections": _sections(request.user, memberships)},
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without the request context (the database may be what failed)."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)
