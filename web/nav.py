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

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

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
    try:
        if item.org_kwarg:
            if org_code is None:
                return None
            return reverse(item.url_name, kwargs={item.org_kwarg: org_code})
        return reverse(item.url_name)
    except NoReverseMatch:
        return None


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
