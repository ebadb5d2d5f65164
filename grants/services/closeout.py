"""Close-out of an award, once its final report is accepted.

``award_closeout`` (fund administrator of the fund's ACH), in one transaction:

1. refuses unless the final report is accepted, and unless what was paid covers
   what reports spent (pay the last tranche first);
2. unspent money (paid - spent in submitted/accepted reports) comes back to the
   fund: ``wellness_fund.commitments.unspent_return`` posts it to the restriction;
3. the commitment not paid out (amount - paid) is released with
   ``award_deobligate``, and unpaid tranches are cancelled;
4. the award becomes *closed*, with the figures in its audit event. Its accepted
   reports' outcomes then count in the roll-ups (``grants.selectors.rollups``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from money import format_usd
from organizations.actors import Actor
from wellness_fund import commitments

from .. import states
from ..models import Award, AwardStatus, ReportExpenditure, ReportKind, ReportStatus, TrancheStatus
from ._common import error, locked, require_fund_admin, user_or_none
from .disbursements import paid_to_date

ZERO = Decimal("0.00")


def award_spent(award: Award) -> Decimal:
    """What the award's submitted and accepted reports spent (USD)."""
    return (ReportExpenditure.objects.filter(report__schedule__award=award,
                                             report__schedule__status__in=[ReportStatus.SUBMITTED,
                                                                           ReportStatus.ACCEPTED])
            .aggregate(s=Sum("amount"))["s"] or ZERO)


def award_closeout(*, actor: Actor, award: Award, on: dt.date | None = None) -> Award:
    """Return unspent money, release the unpaid commitment and close the award."""
    require_fund_admin(actor, award.fund.ach)
    on = on or timezone.localdate()
    with transaction.atomic():
        current = locked(award)
        states.require_transition(states.AWARD, current.status, AwardStatus.CLOSED)
        final = current.reports.filter(kind=ReportKind.FINAL).first()
        if final is None or final.status != ReportStatus.ACCEPTED:
            if final is None:
                raise error("award", _("The final report is missing: an award closes once it is accepted."))
            raise error("award", _("The final report is %(status)s: an award closes once it is accepted.")
                        % {"status": final.get_status_display().lower()})
        paid = paid_to_date(current)
        spent = award_spent(current)
        if spent > paid:
            raise error("award", _("Reports spent %(spent)s but only %(paid)s was paid: pay the remaining tranche first.")
                        % {"spent": format_usd(spent), "paid": format_usd(paid)})
        unspent = paid - spent
        undisbursed = current.amount.amount - paid
        reference = current.commitment_reference
        if unspent > 0:
            commitments.unspent_return(actor=actor, fund=current.fund, restriction=current.restriction,
                                       amount=unspent, reference=reference, on=on,
                                       memo=f"Unspent funds returned at close-out ({current.grantee})"[:255])
        if undisbursed > 0:
            commitments.award_deobligate(actor=actor, fund=current.fund, restriction=current.restriction,
                                         amount=undisbursed, reference=reference, on=on,
                                         memo=f"Unpaid balance released at close-out ({current.grantee})"[:255])
        cancelled = list(current.tranches.filter(status__in=[TrancheStatus.SCHEDULED, TrancheStatus.RELEASED])
                         .values_list("number", flat=True))
        current.tranches.filter(number__in=cancelled).update(status=TrancheStatus.CANCELLED)
        fields = ["status", "closed_at", "closed_by"]
        before = snapshot(current, fields)
        current.status = AwardStatus.CLOSED
        current.closed_at = timezone.now()
        current.closed_by = user_or_none(actor)
        current.save(update_fields=fields)
        record(actor=actor, action="grants.award.closeout", obj=current, before=before,
               after=snapshot(current, fields) | {"paid": paid, "spent": spent, "returned": unspent,
                                                  "released": undisbursed, "tranches_cancelled": cancelled},
               organization=current.fund.ach)
    return current
