"""Helpers shared by the grants services (not part of the public interface)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from organizations import access
from organizations.models import Organization, Role


def require_fund_admin(actor: Any, ach: Organization) -> None:
    access.require_role(actor, ach, Role.FUND_ADMIN)


def require_cbo_staff(actor: Any, organization: Organization) -> None:
    access.require_role(actor, organization, Role.CBO_STAFF)


def locked(obj: models.Model) -> Any:
    """A fresh copy of ``obj`` with its row locked for the rest of the transaction."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})
