from __future__ import annotations

from django.apps import AppConfig
from django.db import models


def organization_of(obj: models.Model) -> models.Model | None:
    """The organization an audited object belongs to: itself, or its first organization-valued
    ``organization``, ``plan``, ``ach``, ``applicant`` or ``owner`` attribute (None otherwise)."""
    from .models import Organization

    if isinstance(obj, Organization):
        return obj
    for attr in ("organization", "plan", "ach", "applicant", "owner"):
        candidate = getattr(obj, attr, None)
        if isinstance(candidate, Organization):
            return candidate
    return None


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organizations, people and roles"

    def ready(self) -> None:
        # The audit trail sits below this app and cannot import it: tell it how to find an
        # event's organization.
        from audit.services import set_organization_resolver

        from . import reauth  # noqa: F401  (records the sign-in time in the session)

        set_organization_resolver(organization_of)
