"""Amendments to an accepted award: budget reallocation, no-cost extension, amount change.

Every amendment is an ``Amendment`` row with the terms before and after (the award's
history) and an audit event, written in one transaction with the change itself.

* ``amendment_reallocate``: new amounts for the budget lines; they still add up to
  the award, and no line falls below what reports already spent on it.
* ``amendment_extend``: a later end of the award period, no money; the final
  report's period and due date move with it (due date offset from the template).
* ``amendment_change_amount``: a new award amount with the new budget lines.
  An increase needs a passed board motion of the fund's ACH (``board_item``) and
  money available in the restriction (committed through the ledger, which locks
  the fund and refuses otherwise); the difference goes to the last unpaid
  tranche, or a new one. A decrease is de-obligated through the ledger, taken from
  unpaid tranches (last first), and never goes below what was paid or spent.

The fund administrator of the fund's ACH amends; bad input writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_create
from money import format_usd, parse_amount
from organizations.actors import Actor
from organizations.dates import date_words, plausible_date_check
from wellness_fund import commitments

from ..models import (
    AgendaItem,
    Amendment,
    AmendmentKind,
    Award,
    AwardStatus,
    ReportExpenditure,
    ReportKind,
    ReportStatus,
    Tranche,
    TrancheBasis,
    TrancheStatus,
    VoteOutcome,
)
from ._common import error, locked, require_fund_admin, user_or_none
from .disbursements import paid_to_date

ZERO = Decimal("0.00")
UNPAID = (TrancheStatus.SCHEDULED, TrancheStatus.RELEASED)


def _terms(award: Award) -> dict[str, Any]:
    return {
        "amount": str(award.amount.amount),
        "period_end": award.period_end.isoformat(),
        "budget": {str(ln.number): str(ln.amount.amount) for ln in award.budget_lines.order_by("number")},
        "tranches": {str(t.number): str(t.amount.amount) for t in award.tranches.order_by("number")},
    }


def _spent_by_line(award: Award) -> dict[int, Decimal]:
    rows = (ReportExpenditure.objects.filter(report__schedule__award=award)
            .exclude(report__schedule__status__in=[ReportStatus.DUE, ReportStatus.RETURNED])
            .values("budget_line__number").annotate(s=Sum("amount")).order_by())
    return {r["budget_line__number"]: r["s"] for r in rows}


def _begin(actor: Actor, award: Award, reason: str) -> Award:
    require_fund_admin(actor, award.fund.ach)
    if not reason or not reason.strip():
        raise error("reason", _("Give the reason for the amendment."))
    current = locked(award)
    if current.status != AwardStatus.ACCEPTED:
        raise error("award", _("The award is %(status)s: only an accepted award is amended.")
                    % {"status": current.get_status_display().lower()})
    return current


def _new_budget(award: Award, lines: Mapping[int, Any], total: Decimal) -> dict[int, Decimal]:
    existing = {ln.number: ln for ln in award.budget_lines.all()}
    parsed: dict[int, Decimal] = {}
    for number, raw in lines.items():
        if int(number) not in existing:
            raise error("lines", _("The award has no budget line %(number)s.") % {"number": number})
        parsed[int(number)] = parse_amount(raw, field="lines", allow_zero=True)
    budget = {n: parsed.get(n, ln.amount.amount) for n, ln in existing.items()}
    if sum(budget.values(), ZERO) != total:
        raise error("lines", _("The budget lines add up to %(sum)s, not the award's %(total)s.")
                    % {"sum": format_usd(sum(budget.values(), ZERO)), "total": format_usd(total)})
    spent = _spent_by_line(award)
    for n, value in budget.items():
        if value < spent.get(n, ZERO):
            raise error("lines", _("Line %(n)s cannot go below the %(spent)s already spent on it.")
                        % {"n": n, "spent": format_usd(spent[n])})
    return budget


def _apply_budget(award: Award, budget: Mapping[int, Decimal]) -> None:
    for ln in award.budget_lines.all():
        if ln.amount.amount != budget[ln.number]:
            ln.amount = budget[ln.number]
            ln.save(update_fields=["amount"])


def _record(actor: Actor, award: Award, kind: str, reason: str, before: dict[str, Any], *,
            amount_change: Decimal = ZERO, board_item: AgendaItem | None = None,
            effective_on: dt.date | None = None) -> Amendment:
    number = (award.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        award=award, number=number, kind=kind, reason=reason.strip(), board_item=board_item,
        amount_change=amount_change, before=before, after=_terms(award),
        effective_on=effective_on or timezone.localdate(),
        created_by=user_or_none(actor),
    )
    record_create(actor=actor, action=f"grants.award.amend.{kind}", obj=amendment, reason=reason.strip(),
                  organization=award.fund.ach)
    return amendment


def amendment_reallocate(*, actor: Actor, award: Award, lines: Mapping[int, Any], reason: str) -> Amendment:
    """Move money between budget lines: ``lines`` = {line number: new amount}."""
    with transaction.atomic():
        current = _begin(actor, award, reason)
        before = _terms(current)
        budget = _new_budget(current, lines, current.amount.amount)
        if all(budget[ln.number] == ln.amount.amount for ln in current.budget_lines.all()):
            raise error("lines", _("The new budget is the same as the current one."))
        _apply_budget(current, budget)
        return _record(actor, current, AmendmentKind.REALLOCATION, reason, before)


def amendment_extend(*, actor: Actor, award: Award, period_end: dt.date, reason: str) -> Amendment:
    """Extend the award period at no cost; the final report moves with the end."""
    with transaction.atomic():
        current = _begin(actor, award, reason)
        if not isinstance(period_end, dt.date) or period_end <= current.period_end:
            raise error("period_end", _("An extension ends after the current end (%(end)s).")
                        % {"end": date_words(current.period_end)})
        plausible_date_check(period_end, field="period_end")
        before = _terms(current)
        final = current.reports.select_for_update().get(kind=ReportKind.FINAL)
        if final.status not in (ReportStatus.DUE, ReportStatus.RETURNED):
            raise error("period_end", _("The final report is already submitted: the period can no longer change."))
        template = current.application.opportunity.reporting_template
        current.period_end = period_end
        current.save(update_fields=["period_end"])
        final.period_end = period_end
        final.due_on = period_end + dt.timedelta(days=template.final_due_days_after_end)
        final.save(update_fields=["period_end", "due_on"])
        return _record(actor, current, AmendmentKind.EXTENSION, reason, before)


def amendment_change_amount(
    *, actor: Actor, award: Award, amount: Decimal | str, lines: Mapping[int, Any], reason: str,
    board_item: AgendaItem | None = None, on: dt.date | None = None,
) -> Amendment:
    """Change the award amount (``lines``: the budget lines' new amounts, adding up to it)."""
    value = parse_amount(amount, field="amount")
    on = on or timezone.localdate()
    with transaction.atomic():
        current = _begin(actor, award, reason)
        old = current.amount.amount
        delta = value - old
        if delta == 0:
            raise error("amount", _("The award is already %(amount)s.") % {"amount": format_usd(old)})
        if delta > 0:
            if board_item is None:
                raise error("board_item", _("An increase needs the board's decision: name the passed motion."))
            item = AgendaItem.objects.select_related("meeting__body").get(pk=board_item.pk)
            if item.meeting.body.ach_id != current.fund.ach_id or item.outcome != VoteOutcome.PASSED:
                raise error("board_item", _("The motion must be one the fund's board passed."))
            if Amendment.objects.filter(board_item=item).exists() or item.pk == current.decision.item_id:
                raise error("board_item", _("That motion already decided another change."))
        else:
            floor = max(paid_to_date(current), sum(_spent_by_line(current).values(), ZERO))
            if value < floor:
                raise error("amount", _("%(value)s is less than the %(floor)s already paid or spent.")
                            % {"value": format_usd(value), "floor": format_usd(floor)})
        before = _terms(current)
        budget = _new_budget(current, lines, value)
        tranches = list(current.tranches.select_for_update().order_by("-number"))
        unpaid = [t for t in tranches if t.status in UNPAID]
        if delta > 0:
            commitments.award_commit(actor=actor, fund=current.fund, restriction=current.restriction, amount=delta,
                                     reference=current.commitment_reference, on=on,
                                     memo=f"Amendment: increase of award to {current.grantee}"[:255])
            if unpaid:
                last = unpaid[0]
                last.amount = last.amount.amount + delta
                if last.basis == TrancheBasis.PERCENT:
                    last.basis, last.percent = TrancheBasis.FIXED, None
                last.save(update_fields=["amount", "basis", "percent"])
            else:
                Tranche.objects.create(award=current, number=(tranches[0].number + 1) if tranches else 1,
                                       basis=TrancheBasis.FIXED, amount=delta, due_on=on)
        else:
            if sum((t.amount.amount for t in unpaid), ZERO) < -delta:
                raise error("amount", _("The unpaid tranches are smaller than the decrease."))
            commitments.award_deobligate(actor=actor, fund=current.fund, restriction=current.restriction,
                                         amount=-delta, reference=current.commitment_reference, on=on,
                                         memo=f"Amendment: decrease of award to {current.grantee}"[:255])
            left = -delta
            for t in unpaid:
                take = min(left, t.amount.amount)
                left -= take
                if take == t.amount.amount:
                    t.status = TrancheStatus.CANCELLED
                    t.save(update_fields=["status"])
                elif take:
                    t.amount = t.amount.amount - take
                    t.basis, t.percent = TrancheBasis.FIXED, None
                    t.save(update_fields=["amount", "basis", "percent"])
                if not left:
                    break
        current.amount = value
        current.save(update_fields=["amount"])
        _apply_budget(current, budget)
        return _record(actor, current, AmendmentKind.AMOUNT, reason, before, amount_change=delta,
                       board_item=board_item, effective_on=on)
