"""What each role reaches from the menu and the home dashboard.

Each app adds its pages with ``register(NavItem(...))`` (from its ``AppConfig.ready`` or
its ``urls`` module). An entry shows only when its URL name resolves, so the menu and the
dashboard list pages that exist and nothing else.

* ``roles``: the membership roles that use the page (``Role`` values). Site administrators
  see every entry.
* ``org_kwarg``: when the page belongs to one organization, the URL keyword that takes the
  organization's ``code``; the entry is then shown on the dashboard once per membership
  holding one of the roles. Otherwise the entry is shown once, in the menu and on the
  dashboard of each matching membership.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from organizations import access


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translated string
    url_name: str
    roles: frozenset[str]
    description: Any = ""
    org_kwarg: str | None = None
    in_menu: bool = True
    order: int = 100


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    description: str = ""


@dataclass
class _Registry:
    items: dict[str, NavItem] = field(default_factory=dict)


_registry = _Registry()


def register(item: NavItem) -> None:
    """Add (or replace, by ``key``) a menu/dashboard entry."""
    _registry.items[item.key] = item


def items() -> list[NavItem]:
    return sorted(_registry.items.values(), key=lambda i: (i.order, i.key))


def _href(item: NavItem, org_code: str | None = None) -> str | None:
    if item.org_kwarg and org_code is None:
        return None
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(urlconf, get_script_prefix(), item.url_name, item.org_kwarg, org_code)


@functools.lru_cache(maxsize=4096)
def _reverse(urlconf: str, prefix: str, url_name: str, org_kwarg: str | None, org_code: str | None) -> str | None:
    """An entry's address (None when its URL name does not resolve). A URLconf does not change
    while the process runs, so the answer is kept per URLconf, script prefix, name and organization."""
    try:
        if org_kwarg:
            return reverse(url_name, urlconf=urlconf, kwargs={org_kwarg: org_code})
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


#: The permission that opens the audit trail (``audit.views.may_read_audit``).
AUDIT_PERMISSION = ("audit", "view_auditevent")
#: Backends that answer ``has_perm`` from the database's permission rows alone (the page backend
#: also reads the answer with the user: ``web.auth``).
_MODEL_BACKENDS = (["django.contrib.auth.backends.ModelBackend"], ["web.auth.PageBackend"])


def shows_audit_trail(user: Any) -> bool:
    """Whether the header links the audit trail: a site administrator, or a person holding the
    permission to read it, directly or through a group (what ``user.has_perm`` answers with
    Django's model backend, in one query instead of two), cached on the user for the request."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_nav_audit_trail", None)
    if cached is None:
        app_label, codename = AUDIT_PERMISSION
        if list(settings.AUTHENTICATION_BACKENDS) not in _MODEL_BACKENDS or hasattr(user, "_perm_cache"):
            cached = user.has_perm(f"{app_label}.{codename}")
        else:
            from django.contrib.auth.models import Permission

            cached = (Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                      .filter(Q(user=user) | Q(group__user=user)).exists())
        user._nav_audit_trail = cached
    return bool(cached)


def menu_links(user: Any) -> list[Link]:
    """Entries for the main menu: pages not tied to one organization that the user's roles use."""
    if not (user and user.is_authenticated):
        return []
    admin = access.is_site_admin(user)
    links = []
    for item in items():
        if not item.in_menu or item.org_kwarg:
            continue
        if admin or access.organizations_with_role(user, *item.roles):
            href = _href(item)
            if href:
                links.append(Link(str(item.label), href, str(item.description)))
    return links


def dashboard_links(user: Any, organization_code: str, roles: set[str]) -> list[Link]:
    """Entries for one membership's section of the dashboard."""
    links = []
    admin = access.is_site_admin(user)
    for item in items():
        if not (admin or roles & item.roles):
            continue
        href = _href(item, organization_code)
        if href:
            links.append(Link(str(item.label), href, str(item.description)))
    return links


#: How many entries the header shows side by side before the rest go under "More".
HEADER_LIMIT = 6


@dataclass(frozen=True)
class Menu:
    """The header navigation of one user: entries side by side, then the rest under "More"."""

    primary: list[Link]
    more: list[Link]

    @property
    def links(self) -> list[Link]:
        return self.primary + self.more


def _memberships(user: Any) -> list[tuple[str, str, str]]:
    """(organization code, organization name, role) of the user's active memberships in active
    organizations: read with the access rules' own query, cached on the user for the request."""
    return access.named_memberships(user)


def header_links(user: Any) -> list[Link]:
    """Every page the user's roles use, in menu order: pages tied to one organization once per
    organization where the user holds one of the page's roles (named after the organization when
    there are several)."""
    if not (user and user.is_authenticated):
        return []
    admin = access.is_site_admin(user)
    org_roles = {role for item in items() if item.in_menu and item.org_kwarg for role in item.roles}
    memberships = _memberships(user) if access.organizations_with_role(user, *org_roles) else []
    links: list[Link] = []
    seen: set[str] = set()
    for item in items():
        if not item.in_menu:
            continue
        if not item.org_kwarg:
            if admin or access.organizations_with_role(user, *item.roles):
                href = _href(item)
                if href and href not in seen:
                    seen.add(href)
                    links.append(Link(str(item.label), href, str(item.description)))
            continue
        orgs: dict[str, str] = {}
        for code, name, role in memberships:
            if role in item.roles:
                orgs.setdefault(code, name)
        for code, name in orgs.items():
            href = _href(item, code)
            if href and href not in seen:
                seen.add(href)
                label = str(item.label) if len(orgs) == 1 else f"{item.label} · {name}"
                links.append(Link(label, href, str(item.description)))
    return links


def header_menu(user: Any, limit: int = HEADER_LIMIT) -> Menu:
    """``header_links`` split for the header: ``limit`` entries side by side, the rest under "More"."""
    links = header_links(user)
    if len(links) <= limit:
        return Menu(links, [])
    return Menu(links[: limit - 1], links[limit - 1:])


def section_for(links: list[Link], path: str) -> Link | None:
    """The entry whose page holds ``path`` (its address is the longest prefix of it), for breadcrumbs."""
    best: Link | None = None
    for link in links:
        if path.startswith(link.href) and (best is None or len(link.href) > len(best.href)):
            best = link
    return best
