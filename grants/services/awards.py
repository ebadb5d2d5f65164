"""Awards: created from an approved decision, committed in the fund's ledger, accepted by the CBO.

* ``award_create`` takes an amount at most the approved amount; the money is
  committed through ``wellness_fund.commitments.award_commit`` (reference
  ``grants.award:<id>``) in the same transaction, which locks the fund and
  refuses more than is available in the opportunity's restriction
  (``InsufficientFundsError``): then nothing at all is written.
* The payment schedule is a list of tranches, each a percent of the award or
  a fixed amount; percent tranches are split with the largest-remainder
  method so cents are never lost, and all tranches must add up exactly to the
  award. A tranche may wait for a report of the schedule to be accepted.
* The reporting schedule is generated from the opportunity's reporting
  template (``report_plan``): periods, due-date offsets are data on the template.
* The award's budget is the application's budget lines scaled to the award amount
  (largest remainder); only amendments change it afterwards.
* ``award_accept``: CBO staff of the grantee accept the terms with their name
  and title; the time is recorded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from money import format_usd, parse_amount, round_cents, split_largest_remainder
from notifications.models import InboxKind
from notifications.services import inbox_notify, members
from organizations.actors import Actor
from organizations.dates import plausible_date_check
from organizations.models import Role
from reinvestment.references import SourceKind, SourceRef
from wellness_fund import commitments
from wellness_fund.dates import add_months_clamped

from .. import states
from ..models import (
    ApplicationStatus,
    Award,
    AwardBudgetLine,
    AwardStatus,
    Decision,
    DecisionOutcome,
    ReportingTemplate,
    ReportKind,
    ReportSchedule,
    Tranche,
    TrancheBasis,
)
from ._common import error, locked, person, require_cbo_staff, require_fund_admin, user_or_none


def report_plan(
    template: ReportingTemplate, start: dt.date, end: dt.date
) -> list[tuple[str, dt.date, dt.date, dt.date]]:
    """(kind, period start, period end, due on) of every report for an award period ``start``..``end``.

    Progress periods of ``frequency_months`` run from ``start``; a period that
    would reach ``end`` is left to the final report, which covers the whole
    award period.
    """
    plan: list[tuple[str, dt.date, dt.date, dt.date]] = []
    if template.frequency_months:
        n = 1
        while True:
            period_start = add_months_clamped(start, (n - 1) * template.frequency_months)
            period_end = add_months_clamped(start, n * template.frequency_months) - dt.timedelta(days=1)
            if period_end >= end:
                break
            plan.append((ReportKind.PROGRESS, period_start, period_end,
                         period_end + dt.timedelta(days=template.due_days_after_period)))
            n += 1
    plan.append((ReportKind.FINAL, start, end, end + dt.timedelta(days=template.final_due_days_after_end)))
    return plan


def _tranche_amounts(amount: Decimal, specs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not specs:
        raise error("tranches", _("Give at least one payment tranche."))
    rows: list[dict[str, Any]] = []
    percents: dict[int, Decimal] = {}
    for n, spec in enumerate(specs, start=1):
        basis = spec.get("basis")
        due_on = spec.get("due_on")
        if not isinstance(due_on, dt.date):
            raise error("tranches", _("Tranche %(n)s: give the date it is due.") % {"n": n})
        row: dict[str, Any] = {"number": n, "basis": basis, "due_on": due_on,
                               "requires_report": spec.get("requires_report")}
        if basis == TrancheBasis.PERCENT:
            raw = spec.get("value")
            if isinstance(raw, float):
                raise error("tranches", _("Tranche %(n)s: give the percent as a number.") % {"n": n})
            try:
                pct = Decimal(str(raw))
            except (InvalidOperation, ValueError) as exc:
                raise error("tranches", _("Tranche %(n)s: “%(value)s” is not a percent.") % {"n": n, "value": raw}) from exc
            if not pct.is_finite() or not Decimal(0) < pct <= Decimal(100) or pct != pct.quantize(Decimal("0.01")):
                raise error("tranches", _("Tranche %(n)s: a percent is above 0 and at most 100, to 2 places.") % {"n": n})
            row["percent"] = pct
            percents[n] = pct
        elif basis == TrancheBasis.FIXED:
            row["percent"] = None
            row["amount"] = parse_amount(spec.get("value"), field="tranches")
        else:
            raise error("tranches", _("Tranche %(n)s: the basis is a percent or a fixed amount.") % {"n": n})
        rows.append(row)
    if percents:
        portion = round_cents(amount * sum(percents.values()) / Decimal(100))
        for n, part in split_largest_remainder(portion, percents).items():
            rows[n - 1]["amount"] = part
    total = sum((r["amount"] for r in rows), Decimal("0.00"))
    if total != amount:
        raise error("tranches", _("The tranches add up to %(total)s, but the award is %(amount)s.")
                    % {"total": format_usd(total), "amount": format_usd(amount)})
    if any(r["amount"] <= 0 for r in rows):
        raise error("tranches", _("Every tranche pays a positive amount."))
    return rows


def _budget_copy(award: Award, application: Any, amount: Decimal) -> None:
    """The award's budget: the application's lines, scaled to the award by largest remainder."""
    lines = list(application.budget_lines.order_by("number"))
    if not lines:
        AwardBudgetLine.objects.create(award=award, number=1, category="other", description="Award", amount=amount)
        return
    parts = split_largest_remainder(amount, {ln.number: ln.amount.amount for ln in lines})
    AwardBudgetLine.objects.bulk_create([
        AwardBudgetLine(award=award, number=ln.number, category=ln.category, description=ln.description,
                        amount=parts[ln.number])
        for ln in lines
    ])


def award_create(
    *,
    actor: Actor,
    decision: Decision,
    amount: Decimal | str,
    period_start: dt.date,
    period_end: dt.date,
    tranches: Sequence[Mapping[str, Any]],
    conditions: str = "",
    committed_on: dt.date | None = None,
) -> Award:
    """Create the award of an approved decision and commit its amount in the fund's restriction.

    ``tranches``: [{"basis": "percent"|"fixed", "value": "50" | "1000.00", "due_on": date,
    "requires_report": <report number in the generated schedule> | None}].
    Raises ``ValidationError`` (``InsufficientFundsError`` when the restriction
    lacks the money); nothing is written then.
    """
    application = decision.application
    opportunity = application.opportunity
    fund, restriction = opportunity.fund, opportunity.restriction
    require_fund_admin(actor, fund.ach)
    value = parse_amount(amount, field="amount")
    if decision.outcome != DecisionOutcome.APPROVED:
        raise error("decision", _("An award is created only from an approved decision."))
    if value > decision.approved_amount.amount:
        raise error("amount", _("%(value)s is more than the %(approved)s the board approved.")
                    % {"value": format_usd(value), "approved": format_usd(decision.approved_amount.amount)})
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date) or period_end <= period_start:
        raise error("period_end", _("The award period must end after it starts."))
    plausible_date_check(period_start, field="period_start")
    plausible_date_check(period_end, field="period_end")
    if committed_on is not None:
        plausible_date_check(committed_on, field="committed_on")
    rows = _tranche_amounts(value, tranches)
    template = opportunity.reporting_template
    plan = report_plan(template, period_start, period_end)
    for row in rows:
        wanted = row["requires_report"]
        if wanted is not None and not 1 <= int(wanted) <= len(plan):
            raise error("tranches", _("Tranche %(n)s: there is no report %(wanted)s (the schedule has %(count)s).")
                        % {"n": row["number"], "wanted": wanted, "count": len(plan)})
    on = committed_on or timezone.localdate()
    with transaction.atomic():
        current_app = locked(application)
        states.require_transition(states.APPLICATION, current_app.status, ApplicationStatus.AWARDED)
        award = Award.objects.create(
            application=current_app, decision=decision, grantee=current_app.applicant, fund=fund,
            restriction=restriction, amount=value, period_start=period_start, period_end=period_end,
            conditions=conditions, committed_on=on, commitment_reference=f"pending:{uuid.uuid4().hex}",
            created_by=user_or_none(actor),
        )
        award.commitment_reference = str(SourceRef(SourceKind.AWARD, award.pk))
        award.save(update_fields=["commitment_reference"])
        reports = ReportSchedule.objects.bulk_create([
            ReportSchedule(award=award, number=i, kind=kind, period_start=ps, period_end=pe, due_on=due)
            for i, (kind, ps, pe, due) in enumerate(plan, start=1)
        ])
        _budget_copy(award, current_app, value)
        by_number = {r.number: r for r in reports}
        Tranche.objects.bulk_create([
            Tranche(award=award, number=r["number"], basis=r["basis"], percent=r["percent"], amount=r["amount"],
                    due_on=r["due_on"],
                    requires_report=by_number[int(r["requires_report"])] if r["requires_report"] else None)
            for r in rows
        ])
        commitments.award_commit(
            actor=actor, fund=fund, restriction=restriction, amount=value,
            reference=award.commitment_reference, on=on,
            memo=f"Award to {current_app.applicant} ({opportunity.title})"[:255],
        )
        before_app = snapshot(current_app, ["status"])
        current_app.status = ApplicationStatus.AWARDED
        current_app.save(update_fields=["status"])
        record(actor=actor, action="grants.award.create", obj=award,
               after=snapshot(award) | {
                   "tranches": [dict(r) for r in rows],
                   "reports": [{"number": i, "kind": k, "period_start": ps, "period_end": pe, "due_on": d}
                               for i, (k, ps, pe, d) in enumerate(plan, start=1)],
               }, organization=fund.ach)
        record(actor=actor, action="grants.application.awarded", obj=current_app, before=before_app,
               after=snapshot(current_app, ["status"]), organization=current_app.applicant)
        inbox_notify(actor=actor, kind=InboxKind.AWARD_MADE, about=award,
                     link=reverse("grants:award_detail", args=[award.pk]),
                     recipients=members(award.grantee_id, Role.CBO_STAFF),
                     params={"title": current_app.project_title, "amount": format_usd(value)},
                     organization=fund.ach)
    return award


def award_accept(*, actor: Actor, award: Award, name: str, title: str) -> Award:
    """The grantee's staff member accepts the award terms online (a person's own act: name,
    title and time are recorded)."""
    require_cbo_staff(actor, award.grantee)
    signer = person(actor)
    if not name.strip():
        raise error("accepted_name", _("Type your full name to accept."))
    if not title.strip():
        raise error("accepted_title", _("Give your title."))
    with transaction.atomic():
        current = locked(award)
        states.require_transition(states.AWARD, current.status, AwardStatus.ACCEPTED)
        fields = ["status", "accepted_by", "accepted_name", "accepted_title", "accepted_at"]
        before = snapshot(current, fields)
        current.status = AwardStatus.ACCEPTED
        current.accepted_by, current.accepted_name, current.accepted_title = signer, name.strip(), title.strip()
        current.accepted_at = timezone.now()
        current.save(update_fields=fields)
        record(actor=actor, action="grants.award.accept", obj=current, before=before,
               after=snapshot(current, fields), organization=current.grantee)
        inbox_notify(actor=actor, kind=InboxKind.AWARD_ACCEPTED, about=current,
                     link=reverse("grants:award_detail", args=[current.pk]),
                     recipients=members(current.fund.ach_id, Role.FUND_ADMIN),
                     params={"grantee": str(current.grantee), "title": current.application.project_title,
                             "amount": format_usd(current.amount.amount)}, organization=current.grantee)
    award.status = current.status
    return current
