"""Helpers shared by the grants services (not part of the public interface)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from organizations import access
from organizations.actors import Actor, SystemActor, User
from organizations.models import Organization, Role

#: The roles of an ACH's people: board and review acts need one of them in the fund's ACH;
#: the seat or review-assignment rules then say who may do what (ValidationError otherwise).
ACH_PEOPLE = (Role.FUND_ADMIN, Role.BOARD_CHAIR, Role.BOARD_MEMBER)


def require_fund_admin(actor: Actor, ach: Organization) -> None:
    access.require_role(actor, ach, Role.FUND_ADMIN)


def require_cbo_staff(actor: Actor, organization: Organization) -> None:
    access.require_role(actor, organization, Role.CBO_STAFF)


def require_ach_person(actor: Actor, ach: Organization) -> None:
    access.require_role(actor, ach, *ACH_PEOPLE)


def person(actor: Actor) -> User:
    """The person acting: a recusal, a ballot, a review or a grantee report is a person's own act."""
    if isinstance(actor, SystemActor):
        raise access.AccessDenied(_("%(actor)s is not a person and cannot do this.") % {"actor": actor})
    return actor


def user_or_none(actor: Actor) -> User | None:
    """The user to store in a ``*_by`` column (none for a system actor; the audit trail names it)."""
    return actor if isinstance(actor, User) else None


def locked(obj: models.Model) -> Any:
    """A fresh copy of ``obj`` with its row locked for the rest of the transaction."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})
