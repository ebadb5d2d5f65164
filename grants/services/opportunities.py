"""Funding opportunities: create (with questions, rubric and reporting template), open, close, decide.

States: draft -> open -> closed -> decided (``grants.states.OPPORTUNITY``).
Only a fund administrator of the ACH that owns the fund acts here.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from money import parse_amount
from organizations.actors import Actor
from organizations.dates import moment_words
from organizations.models import County
from wellness_fund.models import Restriction, WellnessFund

from .. import states
from ..models import (
    ApplicationStatus,
    EligibilityQuestion,
    FundingOpportunity,
    OpportunityStatus,
    ReportingTemplate,
    RubricCriterion,
    SocialDriverDomain,
)
from ._common import error, locked, require_fund_admin, user_or_none

DOMAINS = {d.value for d in SocialDriverDomain}


def validate_domains(domains: Iterable[str], *, field: str = "domains") -> list[str]:
    values = list(domains)
    unknown = [d for d in values if d not in DOMAINS]
    if unknown:
        raise error(field, _("Unknown social-driver domain(s): %(domains)s.") % {"domains": ", ".join(map(str, unknown))})
    return sorted(set(values))


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise error(field, _("Give a date-time with its time zone."))
    return value


def _questions(specs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n, spec in enumerate(specs, start=1):
        text = str(spec.get("text", "")).strip()
        choices = [str(c) for c in spec.get("choices", ["yes", "no"])]
        disqualifying = [str(c) for c in spec.get("disqualifying", [])]
        if not text:
            raise error("eligibility_questions", _("Question %(n)s has no text.") % {"n": n})
        if len(choices) < 2:
            raise error("eligibility_questions", _("Question %(n)s needs at least two answer choices.") % {"n": n})
        if not set(disqualifying) <= set(choices):
            raise error("eligibility_questions",
                        _("Question %(n)s: disqualifying answers must be among its choices: %(choices)s.")
                        % {"n": n, "choices": ", ".join(map(str, choices))})
        out.append({"number": n, "text": text, "answer_choices": choices,
                    "disqualifying_answers": disqualifying})
    return out


def _rubric(specs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not specs:
        raise error("rubric", _("A scoring rubric needs at least one criterion."))
    out = []
    for n, spec in enumerate(specs, start=1):
        name = str(spec.get("name", "")).strip()
        raw_weight = spec.get("weight")
        if isinstance(raw_weight, float):
            raise error("rubric", _("Criterion %(n)s: give the weight as a number.") % {"n": n})
        try:
            weight = Decimal(str(raw_weight))
        except (InvalidOperation, ValueError) as exc:
            raise error("rubric", _("Criterion %(n)s: the weight “%(weight)s” is not a number.")
                        % {"n": n, "weight": raw_weight}) from exc
        scale_min, scale_max = int(spec.get("scale_min", 0)), int(spec.get("scale_max", 5))
        if not name:
            raise error("rubric", _("Criterion %(n)s has no name.") % {"n": n})
        if not weight.is_finite() or weight <= 0:
            raise error("rubric", _("Criterion %(n)s: the weight must be greater than zero.") % {"n": n})
        if scale_min < 0 or scale_max <= scale_min:
            raise error("rubric", _("Criterion %(n)s: the scale must run upwards from 0 or more.") % {"n": n})
        out.append({"number": n, "name": name, "description": str(spec.get("description", "")),
                    "weight": weight, "scale_min": scale_min, "scale_max": scale_max})
    return out


def _checked(*, fund: WellnessFund, restriction: Restriction, total_budget: Decimal | str,
             award_min: Decimal | str, award_max: Decimal | str, opens_at: dt.datetime, closes_at: dt.datetime,
             time_zone: str, domains: Iterable[str], eligibility_questions: Sequence[Mapping[str, Any]],
             rubric: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The checks a new or edited call passes before anything is written (``ValidationError``)."""
    if restriction.fund_id != fund.pk:
        raise error("restriction", _("The restriction %(restriction)s does not belong to the fund %(fund)s.")
                    % {"restriction": restriction, "fund": fund.code})
    if time_zone not in zoneinfo.available_timezones():
        raise error("time_zone", _("“%(zone)s” is not a known time zone.") % {"zone": time_zone})
    budget = parse_amount(total_budget, field="total_budget")
    low = parse_amount(award_min, field="award_min")
    high = parse_amount(award_max, field="award_max")
    if low > high:
        raise error("award_min", _("The smallest award must not exceed the largest."))
    if high > budget:
        raise error("award_max", _("The largest award must not exceed the total budget."))
    _aware(opens_at, "opens_at")
    _aware(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise error("closes_at", _("The close date-time must come after the open date-time."))
    return {"budget": budget, "low": low, "high": high, "domains": validate_domains(domains),
            "questions": _questions(eligibility_questions), "criteria": _rubric(rubric)}


def opportunity_create(
    *,
    actor: Actor,
    fund: WellnessFund,
    restriction: Restriction,
    title: str,
    total_budget: Decimal | str,
    award_min: Decimal | str,
    award_max: Decimal | str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    rubric: Sequence[Mapping[str, Any]],
    description: str = "",
    time_zone: str = "America/Los_Angeles",
    counties: Iterable[County] = (),
    domains: Iterable[str] = (),
    eligibility_questions: Sequence[Mapping[str, Any]] = (),
    reporting: Mapping[str, Any] | None = None,
    attachment_max_bytes: int | None = None,
) -> FundingOpportunity:
    """Create a draft call for proposals with its questions, rubric and reporting template.

    ``rubric``: [{"name", "weight" (Decimal/str), "scale_min", "scale_max", "description"}];
    ``eligibility_questions``: [{"text", "choices", "disqualifying"}];
    ``reporting``: {"frequency_months", "due_days_after_period", "final_due_days_after_end",
    "metrics", "demographics"}.
    """
    require_fund_admin(actor, fund.ach)
    checked = _checked(fund=fund, restriction=restriction, total_budget=total_budget, award_min=award_min,
                       award_max=award_max, opens_at=opens_at, closes_at=closes_at, time_zone=time_zone,
                       domains=domains, eligibility_questions=eligibility_questions, rubric=rubric)
    budget, low, high = checked["budget"], checked["low"], checked["high"]
    domain_list, questions, criteria = checked["domains"], checked["questions"], checked["criteria"]
    reporting = dict(reporting or {})
    county_list = list(counties)
    with transaction.atomic():
        opportunity = FundingOpportunity(
            fund=fund, restriction=restriction, title=title, description=description,
            total_budget=budget, award_min=low, award_max=high, opens_at=opens_at, closes_at=closes_at,
            time_zone=time_zone, domains=domain_list, created_by=user_or_none(actor),
        )
        if attachment_max_bytes is not None:
            opportunity.attachment_max_bytes = attachment_max_bytes
        opportunity.full_clean()
        opportunity.save()
        opportunity.counties.set(county_list)
        EligibilityQuestion.objects.bulk_create(
            [EligibilityQuestion(opportunity=opportunity, **q) for q in questions]
        )
        RubricCriterion.objects.bulk_create([RubricCriterion(opportunity=opportunity, **c) for c in criteria])
        template = ReportingTemplate(
            opportunity=opportunity,
            frequency_months=int(reporting.get("frequency_months", 6)),
            due_days_after_period=int(reporting.get("due_days_after_period", 30)),
            final_due_days_after_end=int(reporting.get("final_due_days_after_end", 60)),
            metrics=list(reporting.get("metrics", [])),
            demographics=list(reporting.get("demographics", [])),
        )
        template.full_clean(exclude=["opportunity"])
        template.save()
        after = snapshot(opportunity) | {
            "counties": sorted(c.fips for c in county_list),
            "eligibility_questions": questions,
            "rubric": criteria,
            "reporting": snapshot(template),
        }
        record(actor=actor, action="grants.opportunity.create", obj=opportunity, after=after,
               organization=fund.ach)
    return opportunity


def opportunity_update(
    *,
    actor: Actor,
    opportunity: FundingOpportunity,
    restriction: Restriction,
    title: str,
    total_budget: Decimal | str,
    award_min: Decimal | str,
    award_max: Decimal | str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    rubric: Sequence[Mapping[str, Any]],
    description: str = "",
    counties: Iterable[County] = (),
    domains: Iterable[str] = (),
    eligibility_questions: Sequence[Mapping[str, Any]] = (),
    reporting: Mapping[str, Any] | None = None,
) -> FundingOpportunity:
    """Change a draft call: every part given replaces what was saved (questions, rubric and
    reporting template included). Refused once the call is open: applicants rely on it."""
    fund = opportunity.fund
    require_fund_admin(actor, fund.ach)
    checked = _checked(fund=fund, restriction=restriction, total_budget=total_budget, award_min=award_min,
                       award_max=award_max, opens_at=opens_at, closes_at=closes_at, time_zone=opportunity.time_zone,
                       domains=domains, eligibility_questions=eligibility_questions, rubric=rubric)
    reporting = dict(reporting or {})
    county_list = list(counties)
    with transaction.atomic():
        current = locked(opportunity)
        if current.status != OpportunityStatus.DRAFT:
            raise error("status", _("The call is %(status)s: only a draft call can be edited.")
                        % {"status": _(current.get_status_display()).lower()})
        template = ReportingTemplate.objects.get(opportunity=current)
        before = snapshot(current) | {
            "counties": sorted(current.counties.values_list("fips", flat=True)),
            "eligibility_questions": list(current.eligibility_questions.order_by("number").values(
                "number", "text", "answer_choices", "disqualifying_answers")),
            "rubric": list(current.rubric.order_by("number").values(
                "number", "name", "description", "weight", "scale_min", "scale_max")),
            "reporting": snapshot(template),
        }
        current.restriction, current.title, current.description = restriction, title, description
        current.total_budget, current.award_min, current.award_max = (checked["budget"], checked["low"],
                                                                      checked["high"])
        current.opens_at, current.closes_at, current.domains = opens_at, closes_at, checked["domains"]
        current.full_clean()
        current.save()
        current.counties.set(county_list)
        current.eligibility_questions.all().delete()
        EligibilityQuestion.objects.bulk_create(
            [EligibilityQuestion(opportunity=current, **q) for q in checked["questions"]])
        current.rubric.all().delete()
        RubricCriterion.objects.bulk_create([RubricCriterion(opportunity=current, **c) for c in checked["criteria"]])
        template.frequency_months = int(reporting.get("frequency_months", template.frequency_months))
        template.metrics = list(reporting.get("metrics", template.metrics))
        template.demographics = list(reporting.get("demographics", template.demographics))
        template.full_clean(exclude=["opportunity"])
        template.save()
        after = snapshot(current) | {
            "counties": sorted(c.fips for c in county_list),
            "eligibility_questions": checked["questions"],
            "rubric": checked["criteria"],
            "reporting": snapshot(template),
        }
        record(actor=actor, action="grants.opportunity.update", obj=current, before=before, after=after,
               organization=fund.ach)
    return current


def _transition(*, actor: Actor, opportunity: FundingOpportunity, target: str, action: str) -> FundingOpportunity:
    current = locked(opportunity)
    states.require_transition(states.OPPORTUNITY, current.status, target)
    before = snapshot(current, ["status"])
    current.status = target
    current.save(update_fields=["status"])
    record(actor=actor, action=action, obj=current, before=before, after=snapshot(current, ["status"]),
           organization=current.fund.ach)
    opportunity.status = target
    return current


def opportunity_open(*, actor: Actor, opportunity: FundingOpportunity) -> FundingOpportunity:
    """Publish a draft call: every signed-in CBO can see it and apply until it closes."""
    require_fund_admin(actor, opportunity.fund.ach)
    with transaction.atomic():
        return _transition(actor=actor, opportunity=opportunity, target=OpportunityStatus.OPEN,
                           action="grants.opportunity.open")


def opportunity_close(*, actor: Actor, opportunity: FundingOpportunity) -> FundingOpportunity:
    """Close the call once its close time has passed (never earlier: applicants rely on the date)."""
    require_fund_admin(actor, opportunity.fund.ach)
    with transaction.atomic():
        if timezone.now() < opportunity.closes_at:
            raise error("status", _("The call closes at %(when)s; it cannot close earlier.")
                        % {"when": moment_words(opportunity.closes_at)})
        return _transition(actor=actor, opportunity=opportunity, target=OpportunityStatus.CLOSED,
                           action="grants.opportunity.close")


UNDECIDED = (ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED)


def opportunity_mark_decided(*, actor: Actor, opportunity: FundingOpportunity) -> FundingOpportunity:
    """Mark a closed call decided once no submitted or recommended application awaits the board."""
    require_fund_admin(actor, opportunity.fund.ach)
    with transaction.atomic():
        waiting = opportunity.applications.filter(status__in=UNDECIDED).count()
        if waiting:
            raise error("status", _("%(count)s application(s) still await review or a board decision.") % {"count": waiting})
        return _transition(actor=actor, opportunity=opportunity, target=OpportunityStatus.DECIDED,
                           action="grants.opportunity.decide")


__all__ = [
    "opportunity_close",
    "opportunity_create",
    "opportunity_mark_decided",
    "opportunity_open",
    "opportunity_update",
    "validate_domains",
]
