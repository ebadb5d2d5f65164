"""Creating funds, their restriction buckets and funding sources (audited)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from audit.services import record_create
from organizations import access
from organizations.actors import Actor
from organizations.models import County, Organization, OrganizationKind, Role

from ..models import FundingSource, FundingSourceKind, Restriction, RestrictionKind, WellnessFund


def fund_create(
    *, actor: Actor, code: str, name: str, ach: Organization, counties: Iterable[County],
    fiscal_agent: Organization | None = None, fiscal_year_start_month: int = 7,
    governing_body_name: str = "", currency: str = "USD",
) -> WellnessFund:
    """Create a fund of an ACH with an unrestricted bucket ``general``."""
    access.require_role(actor, ach, Role.FUND_ADMIN)
    if ach.kind != OrganizationKind.ACH:
        raise ValidationError({"ach": gettext("%(ach)s is not an ACH.") % {"ach": ach.code}})
    counties = list(counties)
    if not counties:
        raise ValidationError({"counties": gettext("A fund serves at least one county.")})
    with transaction.atomic():
        fund = WellnessFund(
            code=code, name=name, ach=ach, fiscal_agent=fiscal_agent,
            fiscal_year_start_month=fiscal_year_start_month, governing_body_name=governing_body_name,
            currency=currency,
        )
        fund.full_clean()
        fund.save()
        fund.counties.set(counties)
        record_create(actor=actor, action="wellness_fund.fund.create", obj=fund, organization=ach)
        restriction_create(actor=actor, fund=fund, code="general", name="Unrestricted",
                           kind=RestrictionKind.UNRESTRICTED)
    return fund


def restriction_create(
    *, actor: Actor, fund: WellnessFund, code: str, name: str, kind: str, purpose: str = "",
    county: County | None = None,
) -> Restriction:
    access.require_role(actor, fund.ach, Role.FUND_ADMIN)
    if kind == RestrictionKind.PURPOSE and not purpose.strip():
        raise ValidationError({"purpose": gettext("A purpose restriction names its purpose.")})
    if county is not None and not fund.counties.filter(pk=county.pk).exists():
        raise ValidationError({"county": gettext("%(county)s is not served by %(fund)s.") % {"county": county, "fund": fund.code}})
    with transaction.atomic():
        restriction = Restriction(fund=fund, code=code, name=name, kind=kind, purpose=purpose, county=county)
        restriction.full_clean()
        restriction.save()
        record_create(actor=actor, action="wellness_fund.restriction.create", obj=restriction,
                      organization=fund.ach)
    return restriction


def funding_source_create(
    *, actor: Actor, fund: WellnessFund, code: str, name: str, kind: str, restriction: Restriction | None = None,
    contributor: Organization | None = None,
) -> FundingSource:
    """A source; restricted when ``restriction`` is a restricted bucket (unrestricted: ``general``)."""
    access.require_role(actor, fund.ach, Role.FUND_ADMIN)
    if kind not in FundingSourceKind.values:
        raise ValidationError({"kind": gettext("Unknown funding source kind “%(kind)s”.") % {"kind": kind}})
    if restriction is None:
        restriction = Restriction.objects.filter(fund=fund, kind=RestrictionKind.UNRESTRICTED).order_by("pk").first()
        if restriction is None:
            raise ValidationError({"restriction": gettext("%(fund)s has no unrestricted bucket.") % {"fund": fund.code}})
    if restriction.fund_id != fund.pk:
        raise ValidationError({"restriction": gettext("The restriction belongs to another fund.")})
    if kind == FundingSourceKind.PLAN_CONTRIBUTION and (contributor is None or contributor.kind != OrganizationKind.PLAN):
        raise ValidationError({"contributor": gettext("Plan contributions come from a plan.")})
    with transaction.atomic():
        source = FundingSource(
            fund=fund, code=code, name=name, kind=kind, restriction=restriction, contributor=contributor,
            is_restricted=restriction.kind != RestrictionKind.UNRESTRICTED,
        )
        source.full_clean()
        source.save()
        record_create(actor=actor, action="wellness_fund.funding_source.create", obj=source,
                      organization=fund.ach)
    return source
