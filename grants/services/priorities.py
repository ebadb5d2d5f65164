"""Tagging opportunities and awards with the CHIP priorities they serve (the fund's administrators).

A priority must belong to a community health plan covering a county the grant serves (the
opportunity's counties, else its fund's; the award's application counties, else its fund's): a
priority of another county's CHIP is refused, nothing written.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from audit.services import record, record_create, snapshot
from community.models import HealthPriority
from community.services import check_priority_covers
from organizations import access
from organizations.actors import Actor
from organizations.models import County

from ..models import Award, FundingOpportunity, GrantPriorityTag


def _opportunity_counties(opportunity: FundingOpportunity) -> Sequence[County]:
    return list(opportunity.counties.all()) or list(opportunity.fund.counties.all())


def _award_counties(award: Award) -> Sequence[County]:
    return list(award.application.counties.all()) or list(award.fund.counties.all())


def counties_served(target: FundingOpportunity | Award) -> Sequence[County]:
    """The counties whose CHIP priorities ``target`` may be tagged with (what the pages offer)."""
    return _award_counties(target) if isinstance(target, Award) else _opportunity_counties(target)


def _create(actor: Actor, tag: GrantPriorityTag, action: str, organization: Model) -> GrantPriorityTag:
    try:
        with transaction.atomic():
            tag.save()
            record_create(actor=actor, action=action, obj=tag, organization=organization)
    except IntegrityError as exc:  # the same tag written concurrently
        raise ValidationError({"priority": _("This priority is already tagged.")}) from exc
    return tag


def opportunity_priority_tag(*, actor: Actor, opportunity: FundingOpportunity,
                             priority: HealthPriority) -> GrantPriorityTag:
    """Tag a call for proposals with a CHIP priority of a county it serves."""
    access.require(actor, "change", opportunity)
    check_priority_covers(priority, _opportunity_counties(opportunity))
    if GrantPriorityTag.objects.filter(priority=priority, opportunity=opportunity).exists():
        raise ValidationError({"priority": _("The opportunity is already tagged with this priority.")})
    return _create(actor, GrantPriorityTag(priority=priority, opportunity=opportunity),
                   "grants.priority_tag.opportunity", opportunity.fund.ach)


def award_priority_tag(*, actor: Actor, award: Award, priority: HealthPriority) -> GrantPriorityTag:
    """Tag an award with a CHIP priority of a county its application serves."""
    access.require(actor, "change", award)
    check_priority_covers(priority, _award_counties(award))
    if GrantPriorityTag.objects.filter(priority=priority, award=award).exists():
        raise ValidationError({"priority": _("The award is already tagged with this priority.")})
    return _create(actor, GrantPriorityTag(priority=priority, award=award), "grants.priority_tag.award",
                   award.fund.ach)


def grant_priority_untag(*, actor: Actor, tag: GrantPriorityTag) -> None:
    target = tag.opportunity if tag.opportunity_id else tag.award
    assert target is not None  # exactly one target (a database constraint)
    access.require(actor, "change", target)
    with transaction.atomic():
        record(actor=actor, action="grants.priority_tag.remove", obj=tag, before=snapshot(tag),
               organization=target.fund.ach)
        tag.delete()
