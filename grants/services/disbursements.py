"""Disbursements: the fund administrator releases a tranche, then records its payment.

* ``tranche_release``: a scheduled tranche of an accepted award becomes *released*;
  a tranche that waits for a report (``requires_report``) is released only once that
  report is accepted.
* ``disbursement_record``: the payment of a released tranche (date, amount, bank
  reference) is posted to the fund's ledger through
  ``wellness_fund.commitments.tranche_disburse`` in the same transaction. The amount
  never exceeds what remains of the award (award amount - paid so far), and it is the
  tranche's amount (amendments adjust unpaid tranches, so tranches always add up to
  the award). The ledger refuses again what is not committed and unpaid.

Both act for a fund administrator of the fund's ACH (``AccessDenied`` otherwise); bad
input raises ``ValidationError`` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, record_create, snapshot
from money import format_usd, parse_amount
from organizations.actors import Actor
from organizations.dates import date_words, plausible_date_check
from wellness_fund import commitments

from .. import states
from ..models import AwardStatus, Disbursement, ReportStatus, Tranche, TrancheStatus
from ._common import error, locked, require_fund_admin, user_or_none

ZERO = Decimal("0.00")


def paid_to_date(award: Any) -> Decimal:
    """Sum of the award's recorded payments (USD)."""
    return Disbursement.objects.filter(award=award).aggregate(s=Sum("amount"))["s"] or ZERO


def tranche_release(*, actor: Actor, tranche: Tranche) -> Tranche:
    """Release a tranche for payment (after its report is accepted, when it waits for one)."""
    award = tranche.award
    require_fund_admin(actor, award.fund.ach)
    with transaction.atomic():
        current = locked(tranche)
        award = locked(award)
        if award.status != AwardStatus.ACCEPTED:
            raise error("award", _("The award is %(status)s: only an accepted award is paid.")
                        % {"status": award.get_status_display().lower()})
        states.require_transition(states.TRANCHE, current.status, TrancheStatus.RELEASED)
        if current.requires_report_id is not None:
            report = current.requires_report
            if report.status != ReportStatus.ACCEPTED:
                raise error("requires_report", _("Tranche %(number)s waits for %(kind)s %(report)s due %(due)s "
                                                 "to be accepted (it is %(status)s).")
                            % {"number": current.number, "kind": report.get_kind_display(), "report": report.number,
                               "due": date_words(report.due_on), "status": report.get_status_display().lower()})
        fields = ["status", "released_at", "released_by"]
        before = snapshot(current, fields)
        current.status = TrancheStatus.RELEASED
        current.released_at = timezone.now()
        current.released_by = user_or_none(actor)
        current.save(update_fields=fields)
        record(actor=actor, action="grants.tranche.release", obj=current, before=before,
               after=snapshot(current, fields), organization=award.fund.ach)
    return current


def disbursement_record(
    *, actor: Actor, tranche: Tranche, paid_on: dt.date, amount: Decimal | str, payment_reference: str,
) -> Disbursement:
    """Record the payment of a released tranche and post it to the ledger."""
    award = tranche.award
    require_fund_admin(actor, award.fund.ach)
    value = parse_amount(amount, field="amount")
    if not isinstance(paid_on, dt.date):
        raise error("paid_on", _("Give the date of the payment."))
    plausible_date_check(paid_on, field="paid_on")
    reference = (payment_reference or "").strip()
    if not reference:
        raise error("payment_reference", _("Give the bank transfer or check reference of the payment."))
    with transaction.atomic():
        award = locked(award)
        current = locked(tranche)
        remaining = award.amount.amount - paid_to_date(award)
        if value > remaining:
            raise error("amount", _("%(value)s is more than the %(remaining)s that remains of the award.")
                        % {"value": format_usd(value), "remaining": format_usd(remaining)})
        if award.status != AwardStatus.ACCEPTED:
            raise error("award", _("The award is %(status)s: only an accepted award is paid.")
                        % {"status": award.get_status_display().lower()})
        if current.status != TrancheStatus.RELEASED:
            raise error("tranche", _("Tranche %(number)s is %(status)s: release it before recording its payment.")
                        % {"number": current.number, "status": current.get_status_display().lower()})
        if value != current.amount.amount:
            raise error("amount", _("Tranche %(number)s pays %(amount)s, not %(value)s.")
                        % {"number": current.number, "amount": format_usd(current.amount.amount),
                           "value": format_usd(value)})
        if paid_on < award.committed_on:
            raise error("paid_on", _("The payment cannot precede the award (%(day)s).")
                        % {"day": date_words(award.committed_on)})
        posted = commitments.tranche_disburse(
            actor=actor, fund=award.fund, restriction=award.restriction, amount=value,
            reference=award.commitment_reference, on=paid_on, bank_reference=reference,
            memo=f"Tranche {current.number} to {award.grantee}"[:200],
        )
        payment = Disbursement.objects.create(
            tranche=current, award=award, paid_on=paid_on, amount=value, payment_reference=reference,
            transaction=posted, recorded_by=user_or_none(actor),
        )
        before = snapshot(current, ["status"])
        states.require_transition(states.TRANCHE, current.status, TrancheStatus.PAID)
        current.status = TrancheStatus.PAID
        current.save(update_fields=["status"])
        record_create(actor=actor, action="grants.disbursement.record", obj=payment, organization=award.fund.ach)
        record(actor=actor, action="grants.tranche.paid", obj=current, before=before,
               after=snapshot(current, ["status"]), organization=award.fund.ach)
    return payment
