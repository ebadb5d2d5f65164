"""Least-privilege access: "may this user do this to this object?".

Every view, API endpoint, command and task asks here; no other module decides.

Each model that users reach registers one or more ``Grant`` rows. A grant names
the ORM path from the model to the organization that owns it and, per action
(``view``, ``change``, ``submit``...), the roles that allow it:

* ``match="membership"``: the user holds one of the roles in that organization;
* ``match="jurisdiction"``: the user holds the role in a regulator whose
  jurisdiction equals the owning organization's (a regulator reads plans of
  its state), optionally narrowed by ``condition`` (e.g. only filed reports);
* ``match="any"``: the user holds one of the roles in any organization; meant
  for things published to a whole audience (an open call for proposals is
  visible to every CBO), always narrowed by ``condition``.

``scoped(user, action, queryset)`` narrows a queryset to what the user may
reach, ``can(user, action, obj)`` answers for one object, and
``get_object_or_404`` raises 404 (never 403) for an object outside the user's
scope, so ids of other organizations' objects leak nothing.

A model may also register an ``exclude`` rule: a function of the user giving the
rows hidden from that person whatever their roles (a reviewer with a conflict of
interest loses the application and its reviews). It narrows every action, for
every user, site administrators included, so pages, API and services share it.

Site administrators (``is_superuser``) may do everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from .actors import Actor, SystemActor
from .models import Affiliation, Membership, Organization, Role

M = TypeVar("M", bound=models.Model)

ALL_ROLES: frozenset[str] = frozenset(r.value for r in Role)


@dataclass(frozen=True)
class Grant:
    path: str
    roles: Mapping[str, frozenset[str]]
    match: str = "membership"
    condition: Q | None = None


Exclusion = Callable[[Any], Q]
"""Given a signed-in user, the Q of rows hidden from that person (applied with ``exclude``)."""


@dataclass
class _Registry:
    rules: dict[type[models.Model], list[Grant]] = field(default_factory=dict)
    exclusions: dict[type[models.Model], Exclusion] = field(default_factory=dict)


_registry = _Registry()


def register(model: type[models.Model], *grants: Grant, exclude: Exclusion | None = None) -> None:
    """Declare who may reach ``model``; called at import time from each app's ``access`` module.

    ``exclude`` hides rows from a particular person on top of the grants (see the module docstring).
    """
    _registry.rules[model] = list(grants)
    if exclude is None:
        _registry.exclusions.pop(model, None)
    else:
        _registry.exclusions[model] = exclude


def grant(path: str, match: str = "membership", condition: Q | None = None, **actions: Iterable[str]) -> Grant:
    return Grant(
        path=path,
        roles={action: frozenset(roles) for action, roles in actions.items()},
        match=match,
        condition=condition,
    )


#: What ``_memberships`` reads of each active membership in an active organization, in this order
#: (``remember`` takes rows of these fields; the pages' sign-in read fetches them with the user).
MEMBERSHIP_FIELDS = ("organization_id", "role", "organization__jurisdiction", "organization__code",
                     "organization__legal_name", "organization__display_name", "organization__kind",
                     "organization__ein", "organization__created_at")
#: The organization's own fields among them, in the model's field order as ``Organization.from_db``
#: takes them (its other fields, such as the identifiers, are read if asked for).
_ORGANIZATION_FIELDS = ("id", "code", "kind", "legal_name", "display_name", "ein", "jurisdiction", "created_at")
#: The order of those rows: by organization name, then role.
MEMBERSHIP_ORDER = ("organization__legal_name", "role")


def _memberships(user: Any) -> list[tuple[int, str, str]]:
    """(organization id, role, organization jurisdiction) for the user's active memberships, cached
    on the user object (one request). The same query keeps the organizations' codes and names for
    ``named_memberships``, so the header menu costs no query of its own."""
    cached = getattr(user, "_access_memberships", None)
    if cached is None:
        remember(user, Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
                 .order_by(*MEMBERSHIP_ORDER).values_list(*MEMBERSHIP_FIELDS))
        cached = user._access_memberships
    return cached


def remember(user: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Cache on ``user`` (for the request) its active memberships in active organizations, read
    elsewhere as rows of ``MEMBERSHIP_FIELDS`` in ``MEMBERSHIP_ORDER``."""
    rows = list(rows)
    user._access_memberships = [(org_id, role, jurisdiction) for org_id, role, jurisdiction, *_ in rows]
    user._access_named = [(code, display or legal, role) for _, role, _, code, legal, display, *_ in rows]
    user._access_organizations = {
        code: (org_id, code, kind, legal, display, ein, jurisdiction, created)
        for org_id, _, jurisdiction, code, legal, display, kind, ein, created in rows}


def member_organization(user: Any, code: str) -> Organization | None:
    """The active organization ``code`` where ``user`` holds an active membership, from the rows
    read with the memberships (no query), or None (not a member, or memberships not read yet).
    Whether a role there allows a page is still the caller's question (``has_role``)."""
    if not _active(user):
        return None
    row = getattr(user, "_access_organizations", {}).get(code)
    if row is None:
        return None
    organization = Organization.from_db("default", _ORGANIZATION_FIELDS, row)
    organization.is_active = True  # memberships are read in active organizations only
    return organization


def named_memberships(user: Any) -> list[tuple[str, str, str]]:
    """(organization code, organization name, role) of the user's active memberships, by
    organization name then role (the query of ``_memberships``, cached with it)."""
    if not _active(user):
        return []
    _memberships(user)
    return list(getattr(user, "_access_named", []))


def forget(user: Any) -> None:
    """Drop the cached memberships (after a membership change)."""
    for name in ("_access_memberships", "_access_named", "_access_organizations"):
        if hasattr(user, name):
            delattr(user, name)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_site_admin(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser)


def organizations_with_role(user: Any, *roles: str) -> set[int]:
    """Ids of organizations where the user holds any of ``roles`` (all roles when none given)."""
    if not _active(user):
        return set()
    wanted = set(roles) or ALL_ROLES
    return {org_id for org_id, role, _ in _memberships(user) if role in wanted}


def has_role(user: Any, organization: Organization | int, *roles: str) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return is_site_admin(user) or org_id in organizations_with_role(user, *roles)


def roles_in(user: Any, organization: Organization) -> set[str]:
    if not _active(user):
        return set()
    return {role for org_id, role, _ in _memberships(user) if org_id == organization.pk}


def _jurisdictions(user: Any, roles: frozenset[str]) -> set[str]:
    return {j for _, role, j in _memberships(user) if role in roles and j}


def _prefix(path: str, lookup: str) -> str:
    return f"{path}__{lookup}" if path else lookup


def visibility(user: Any, action: str, model: type[models.Model]) -> Q | None:
    """The Q that limits ``model`` to what ``user`` may ``action``; None means nothing."""
    grants = _registry.rules.get(model)
    if grants is None:
        raise LookupError(f"No access rule registered for {model.__name__}")
    combined: Q | None = None
    for g in grants:
        roles = g.roles.get(action)
        if not roles:
            continue
        if g.match == "membership":
            org_ids = organizations_with_role(user, *roles)
            if not org_ids:
                continue
            q = Q(**{f"{g.path}__in" if g.path else "pk__in": org_ids})
        elif g.match == "jurisdiction":
            states = _jurisdictions(user, roles)
            if not states:
                continue
            q = Q(**{_prefix(g.path, "jurisdiction__in"): states})
        elif g.match == "any":
            if not organizations_with_role(user, *roles):
                continue
            q = Q(pk__isnull=False)
        else:  # pragma: no cover - programming error
            raise ValueError(f"Unknown grant match {g.match!r}")
        if g.condition is not None:
            q &= g.condition
        combined = q if combined is None else combined | q
    return combined


def scoped(user: Any, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` narrowed to the rows ``user`` may ``action``."""
    if not _active(user):
        return queryset.none()
    exclusion = _registry.exclusions.get(queryset.model)
    if exclusion is not None:
        queryset = queryset.exclude(exclusion(user))
    if user.is_superuser:
        return queryset
    q = visibility(user, action, queryset.model)
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def can(user: Any, action: str, obj: models.Model) -> bool:
    """May ``user`` perform ``action`` on ``obj``? One query, same rules as ``scoped``."""
    if is_site_admin(user) and type(obj) not in _registry.exclusions:
        return True
    return scoped(user, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def get_object_or_404(user: Any, action: str, queryset: QuerySet[M], **lookup: Any) -> M:
    """The object, or 404 when it does not exist *or* lies outside the user's scope."""
    try:
        return scoped(user, action, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:  # the model's DoesNotExist
        raise Http404("Not found") from exc


class AccessDenied(PermissionError):
    """Raised by services when the acting user lacks the role; the web layer maps it to 404/403."""


def require(actor: Actor, action: str, obj: models.Model) -> None:
    """Refuse unless ``actor`` may ``action`` ``obj``; a named system actor is trusted code."""
    if isinstance(actor, SystemActor):
        return
    if not can(actor, action, obj):
        raise AccessDenied(f"You may not {action} this {obj._meta.verbose_name}.")


def require_role(actor: Actor, organization: Organization, *roles: str) -> None:
    """Refuse unless ``actor`` holds one of ``roles`` at ``organization`` (system actors pass).

    The message names neither the organization nor the person, so a refusal reveals nothing
    that "does not exist" would not.
    """
    if isinstance(actor, SystemActor):
        return
    if not has_role(actor, organization, *roles):
        raise AccessDenied("You do not have the role this action needs.")


def require_site_admin(actor: Actor) -> None:
    """Refuse unless ``actor`` is a site administrator (system actors pass): for writes that
    belong to no organization's staff (people, organizations, the outbox)."""
    if isinstance(actor, SystemActor):
        return
    if not is_site_admin(actor):
        raise AccessDenied("Only a site administrator may do this.")


# Organizations and memberships: a user sees the organizations they belong to,
# and the memberships of those organizations.
register(Organization, grant("", view=ALL_ROLES))
register(Membership, grant("organization", view=ALL_ROLES))
# Affiliations: visible to the members of the organization the person is tied to.
register(Affiliation, grant("organization", view=ALL_ROLES))
