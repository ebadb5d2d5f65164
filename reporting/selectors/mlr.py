"""The MLR part of a Community Reinvestment Report: the computation behind the remittance and
who receives it.

The figures are the obligation's own (its inputs and policy snapshots), so a frozen obligation
shows what it was computed with: numerator and denominator as entered, the ratio
(numerator / denominator), the policy's minimum and the shortfall
(minimum x denominator - numerator, or (minimum - ratio) x denominator when only the ratio was
entered; zero when the minimum is met), rounded to cents. The recipient is a state agency (a
regulator organization) or a wellness fund, named from the records (at most two queries).
"""

from __future__ import annotations

from decimal import Decimal

from money import round_cents
from organizations.models import OrganizationKind
from reinvestment.models import Obligation

from ..documents.community_reinvestment import Mlr

ZERO = Decimal("0.00")


def _decimal(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _recipient(obligation: Obligation) -> tuple[str, str]:
    """(name, kind) of whoever receives the remittance; ("", "") when not named."""
    from wellness_fund.models import WellnessFund

    recipient = obligation.mlr_remittance_recipient
    if recipient is not None and recipient.kind == OrganizationKind.REGULATOR:
        return recipient.legal_name, "state agency"
    code = obligation.mlr_remittance_fund_code
    if not code:
        return "", ""
    funds = WellnessFund.objects.filter(code=code)
    if recipient is not None:
        funds = funds.filter(ach=recipient)
    fund = funds.first()
    return (fund.name if fund is not None else code), "wellness fund"


def mlr_data(obligation: Obligation) -> Mlr | None:
    """The MLR section's data; None when the obligation's policy sets no MLR minimum."""
    minimum = _decimal((obligation.policy_snapshot or {}).get("mlr_minimum"))
    if minimum is None:
        return None
    inputs = obligation.inputs_snapshot or {}
    numerator = _decimal(inputs.get("mlr_numerator"))
    denominator = _decimal(inputs.get("mlr_denominator"))
    ratio = _decimal(inputs.get("mlr_ratio"))
    entered = denominator is not None and (numerator is not None or ratio is not None)
    shortfall = ZERO
    if entered and denominator is not None:
        if numerator is not None:
            ratio = numerator / denominator if denominator else None
            gap = minimum * denominator - numerator
        else:
            gap = (minimum - (ratio or Decimal(0))) * denominator
        shortfall = max(round_cents(gap), ZERO)
    name, kind = _recipient(obligation) if entered else ("", "")
    return Mlr(entered=entered, numerator=numerator, denominator=denominator,
               ratio=ratio.quantize(Decimal("0.000001")) if ratio is not None else None,
               minimum=minimum, shortfall=shortfall, remittance=obligation.mlr_remittance.amount,
               recipient=name, recipient_kind=kind)
