"""The CHIP priority tags as evidence for the CHIP-aligned earmark (``reinvestment.earmarks``).

A part of a credit (``FulfilmentAllocation``) serves a CHIP priority when the direct investment
it comes from is tagged with one (``PriorityTag.direct_investment``), or when it comes from a
contribution to a wellness fund that declares one (``PriorityTag.fund``: contributions inherit
the fund's priorities). The credit names its source in ``reference``
(``reinvestment.directinvestment:<id>``, ``wellness_fund.contributionpayment:<id>``); the id is
read in SQL (``referenced_id``; a payment's is kept in ``ObligationCredit.contribution_payment_id``),
so the earmark costs no extra query.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from reinvestment.models.obligations import referenced_id
from reinvestment.references import SourceKind
from wellness_fund.models import ContributionPayment

from .models import PriorityTag


def chip_tagged() -> Q:
    """``Q`` on ``FulfilmentAllocation``: its source is tagged with (or inherits) a CHIP priority."""
    investment = PriorityTag.objects.filter(
        direct_investment_id=referenced_id(OuterRef("credit__reference"), f"{SourceKind.DIRECT_INVESTMENT.value}:"))
    # the payment's id, which the database keeps beside the credit's reference
    contribution = ContributionPayment.objects.filter(pk=OuterRef("credit__contribution_payment_id"),
                                                      agreement__fund__priority_tags__isnull=False)
    return Q(Exists(investment)) | Q(Exists(contribution))
