"""The CHIP priority tags as evidence for the CHIP-aligned earmark (``reinvestment.earmarks``).

A part of a credit (``FulfilmentAllocation``) serves a CHIP priority when the direct investment
it comes from is tagged with one (``PriorityTag.direct_investment``), or when it comes from a
contribution to a wellness fund that declares one (``PriorityTag.fund``: contributions inherit
the fund's priorities). The credit names its source in ``reference``
(``reinvestment.directinvestment:<id>``, ``wellness_fund.contributionpayment:<id>``); the id is
read in SQL (digits only, guarded), so the earmark costs no extra query.
"""

from __future__ import annotations

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Exists,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Left, Length, Substr
from django.db.models.lookups import Exact, Range

from reinvestment.references import SourceKind
from wellness_fund.models import ContributionPayment

from .models import PriorityTag


def _outer_id(kind: SourceKind) -> Case:
    """SQL: the id the outer allocation's credit reference names, when it names a record of ``kind``."""
    prefix = f"{kind.value}:"
    reference = OuterRef("credit__reference")
    rest = Substr(reference, len(prefix) + 1)
    digits_only = Q(Exact(Func(rest, Value("0123456789"), function="LTRIM", output_field=CharField()), Value("")))
    return Case(
        When(Q(Exact(Left(reference, len(prefix)), Value(prefix))) & digits_only
             & Q(Range(Length(rest), (1, 18))), then=Cast(rest, BigIntegerField())),
        default=None, output_field=BigIntegerField())


def chip_tagged() -> Q:
    """``Q`` on ``FulfilmentAllocation``: its source is tagged with (or inherits) a CHIP priority."""
    investment = PriorityTag.objects.filter(direct_investment_id=_outer_id(SourceKind.DIRECT_INVESTMENT))
    contribution = ContributionPayment.objects.filter(pk=_outer_id(SourceKind.CONTRIBUTION_PAYMENT),
                                                      agreement__fund__priority_tags__isnull=False)
    return Q(Exists(investment)) | Q(Exists(contribution))
