"""Writes for organizations and memberships; each one audited in its transaction.

Organizations, people and memberships are the site administrator's to change (the
admin site and the demo loader call these with the administrator or a system actor);
an affiliation is declared by the person or recorded by a fund administrator.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record, snapshot

from . import access
from .access import require_site_admin
from .actors import Actor, SystemActor
from .models import ROLES_BY_KIND, Affiliation, County, Membership, Organization, Role, User


def organization_create(
    *,
    actor: Actor,
    code: str,
    kind: str,
    legal_name: str,
    display_name: str = "",
    ein: str = "",
    jurisdiction: str = "",
    counties: list[County] | None = None,
) -> Organization:
    require_site_admin(actor)
    with transaction.atomic():
        org = Organization(
            code=code,
            kind=kind,
            legal_name=legal_name,
            display_name=display_name,
            ein=ein,
            jurisdiction=jurisdiction,
        )
        org.full_clean()
        org.save()
        if counties:
            org.counties_served.set(counties)
        after = snapshot(org) | {"counties_served": sorted(c.fips for c in counties or [])}
        record(actor=actor, action="organization.create", obj=org, after=after)
    return org


def membership_grant(*, actor: Actor, user: User, organization: Organization, role: str) -> Membership:
    """Give ``user`` a role in ``organization`` (the role must fit the organization's kind)."""
    require_site_admin(actor)
    if role not in ROLES_BY_KIND.get(organization.kind, set()):
        raise ValidationError(
            {"role": _("Role %(role)s does not exist in a %(kind)s.")
                     % {"role": repr(role), "kind": organization.get_kind_display()}}
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"is_active": True}
        )
        if not created and not membership.is_active:
            before = snapshot(membership)
            membership.is_active = True
            membership.save(update_fields=["is_active"])
            record(actor=actor, action="membership.reactivate", obj=membership, before=before,
                   after=snapshot(membership), organization=organization)
        elif created:
            record(actor=actor, action="membership.grant", obj=membership,
                   after=snapshot(membership), organization=organization)
    access.forget(user)
    return membership


def membership_revoke(*, actor: Actor, membership: Membership) -> Membership:
    require_site_admin(actor)
    with transaction.atomic():
        before = snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        record(actor=actor, action="membership.revoke", obj=membership, before=before,
               after=snapshot(membership), organization=membership.organization)
    access.forget(membership.user)
    return membership


USER_AUDIT_FIELDS = ["username", "email", "first_name", "last_name", "title", "is_active", "is_staff",
                     "is_superuser"]


def user_create(
    *, actor: Actor, username: str, email: str, password: str | None, superuser: bool = False, **profile: Any
) -> User:
    """Create a person who can sign in (the password is hashed and never audited)."""
    require_site_admin(actor)
    with transaction.atomic():
        user = User(username=username, email=email, is_staff=superuser, is_superuser=superuser, **profile)
        user.set_password(password) if password else user.set_unusable_password()
        user.full_clean()
        user.save()
        record(actor=actor, action="user.create", obj=user, after=snapshot(user, USER_AUDIT_FIELDS))
    return user


def user_language_set(*, actor: Actor, user: User, language: str) -> User:
    """Record the language ``user`` reads e-mails in (one of ``settings.LANGUAGES``).

    A person sets their own; a site administrator (or a system actor) anyone's. An unknown
    code is refused and nothing is written; the same language again writes nothing.
    """
    if not isinstance(actor, SystemActor) and actor.pk != user.pk and not access.is_site_admin(actor):
        raise access.AccessDenied("You may not change this person's language.")
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise ValidationError({"language": _("%(language)s is not a language of this site.")
                                           % {"language": repr(language)}})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.language == language:
            return user
        before = snapshot(user, ["language"])
        user.language = language
        user.save(update_fields=["language"])
        record(actor=actor, action="user.language", obj=user, before=before, after=snapshot(user, ["language"]))
    return user


def affiliation_record(
    *,
    actor: Actor,
    user: User,
    organization: Organization,
    kind: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    notes: str = "",
) -> Affiliation:
    """Record that ``user`` is tied to ``organization`` (for conflict-of-interest checks).

    Declared by the person themself, or recorded by a fund administrator of an
    organization the person belongs to (or a site administrator, or a system actor).
    """
    if not isinstance(actor, SystemActor) and actor.pk != user.pk and not access.is_site_admin(actor):
        admin_of = access.organizations_with_role(actor, Role.FUND_ADMIN)
        if not Membership.objects.filter(user=user, organization_id__in=admin_of, is_active=True).exists():
            raise access.AccessDenied("You may not record affiliations of this person.")
    with transaction.atomic():
        affiliation = Affiliation(
            user=user, organization=organization, kind=kind, since=since, until=until, notes=notes
        )
        affiliation.full_clean()
        affiliation.save()
        record(actor=actor, action="affiliation.record", obj=affiliation, after=snapshot(affiliation),
               organization=organization)
    return affiliation
