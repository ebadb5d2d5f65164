"""Commitments: the services the grants app uses to commit, pay out and release award money.

Postings (per restriction; ``reference`` names the grant-side record, e.g. "grants.award:12"):

=================  ===========================  ==========================
service            debit                        credit
=================  ===========================  ==========================
award_commit       awards committed (expense)   awards payable (liability)
award_deobligate   awards payable               awards committed
tranche_disburse   awards payable               cash
unspent_return     cash                         awards returned (income)
=================  ===========================  ==========================

Available to award = received - committed + returned (de-obligations reduce committed).
``award_commit`` locks the fund row (select_for_update, ordered by pk) and then checks the
available balance in the same transaction, so two commitments racing for the same money
cannot both pass. Disbursements and de-obligations never exceed what is committed and not
yet paid for that reference; returns never exceed what was paid out and not yet returned.

Acting users: ``actor`` may be ``None`` (system, demo) or a user holding fund_admin,
board_chair or board_member in the fund's ACH (site administrators too); anyone else gets
``AccessDenied``. Amounts are positive Decimals (or Money in the fund's currency); bad
input raises ``ValidationError`` and posts nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from moneyed import Money

from organizations import access
from organizations.models import Role

from .models import (
    AccountRole,
    LedgerTransaction,
    LegSide,
    Restriction,
    TransactionKind,
    WellnessFund,
)
from .selectors.balances import available_amount, reference_components
from .services.ledger import (
    Leg,
    account_for,
    check_open_date,
    fund_amount,
    lock_fund,
    transaction_post,
)

FUND_ROLES = (Role.FUND_ADMIN, Role.BOARD_CHAIR, Role.BOARD_MEMBER)


class InsufficientFundsError(ValidationError):
    """The restriction does not hold enough uncommitted money for the commitment."""


def _check(*, actor: Any, fund: WellnessFund, restriction: Restriction, reference: str, on: dt.date) -> None:
    if actor is not None:
        access.require_role(actor, fund.ach, *FUND_ROLES)
    if restriction.fund_id != fund.pk:
        raise ValidationError({"restriction": f"Restriction {restriction.code} belongs to another fund."})
    if not reference or not reference.strip():
        raise ValidationError({"reference": "A reference to the award is required."})
    check_open_date(fund=fund, on=on)


def available_to_award(*, fund: WellnessFund, restriction: Restriction, as_of: dt.date | None = None) -> Money:
    """Received - committed + returned in ``restriction`` as of ``as_of`` (all postings when None)."""
    return Money(available_amount(fund=fund, restriction=restriction, as_of=as_of), fund.currency)


def award_commit(
    *, actor: Any, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "",
) -> LedgerTransaction:
    """Commit ``amount`` of ``restriction`` to an award; refused above the available balance."""
    value = fund_amount(amount, fund=fund)
    with transaction.atomic():
        fund = lock_fund(fund)
        _check(actor=actor, fund=fund, restriction=restriction, reference=reference, on=on)
        # Money dated after ``on`` must not fund a commitment dated ``on``, and money already
        # committed later must stay covered: both figures must allow it.
        available = min(
            available_amount(fund=fund, restriction=restriction, as_of=on),
            available_amount(fund=fund, restriction=restriction),
        )
        if value > available:
            raise InsufficientFundsError(
                {"amount": f"{value} {fund.currency} exceeds the {available} {fund.currency} available "
                           f"to award in {restriction.code}."}
            )
        return transaction_post(
            actor=actor, fund=fund, kind=TransactionKind.AWARD_COMMIT, posted_on=on, reference=reference,
            memo=memo,
            legs=[
                Leg(account_for(fund=fund, role=AccountRole.AWARDS_COMMITTED, restriction=restriction),
                    LegSide.DEBIT, value),
                Leg(account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=restriction),
                    LegSide.CREDIT, value),
            ],
        )


def award_deobligate(
    *, actor: Any, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "",
) -> LedgerTransaction:
    """Release ``amount`` of a commitment not yet paid out back to the available balance."""
    value = fund_amount(amount, fund=fund)
    with transaction.atomic():
        fund = lock_fund(fund)
        _check(actor=actor, fund=fund, restriction=restriction, reference=reference, on=on)
        parts = reference_components(reference=reference, restriction=restriction)
        if value > parts.undisbursed:
            raise ValidationError(
                {"amount": f"{value} exceeds the {parts.undisbursed} committed and not yet disbursed for {reference}."}
            )
        return transaction_post(
            actor=actor, fund=fund, kind=TransactionKind.AWARD_DEOBLIGATE, posted_on=on, reference=reference,
            memo=memo,
            legs=[
                Leg(account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=restriction),
                    LegSide.DEBIT, value),
                Leg(account_for(fund=fund, role=AccountRole.AWARDS_COMMITTED, restriction=restriction),
                    LegSide.CREDIT, value),
            ],
        )


def tranche_disburse(
    *, actor: Any, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "", bank_reference: str = "",
) -> LedgerTransaction:
    """Pay out a tranche of a commitment (never more than committed and not yet paid)."""
    value = fund_amount(amount, fund=fund)
    with transaction.atomic():
        fund = lock_fund(fund)
        _check(actor=actor, fund=fund, restriction=restriction, reference=reference, on=on)
        parts = reference_components(reference=reference, restriction=restriction)
        if value > parts.undisbursed:
            raise ValidationError(
                {"amount": f"{value} exceeds the {parts.undisbursed} committed and not yet disbursed for {reference}."}
            )
        text = memo if not bank_reference else f"{memo} [bank {bank_reference}]".strip()
        return transaction_post(
            actor=actor, fund=fund, kind=TransactionKind.TRANCHE_DISBURSE, posted_on=on, reference=reference,
            memo=text[:255],
            legs=[
                Leg(account_for(fund=fund, role=AccountRole.AWARDS_PAYABLE, restriction=restriction),
                    LegSide.DEBIT, value),
                Leg(account_for(fund=fund, role=AccountRole.CASH, restriction=restriction), LegSide.CREDIT, value),
            ],
        )


def unspent_return(
    *, actor: Any, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "",
) -> LedgerTransaction:
    """Record unspent award money paid back by the grantee (at most what was paid out, net of returns)."""
    value = fund_amount(amount, fund=fund)
    with transaction.atomic():
        fund = lock_fund(fund)
        _check(actor=actor, fund=fund, restriction=restriction, reference=reference, on=on)
        parts = reference_components(reference=reference, restriction=restriction)
        outstanding = parts.disbursed - parts.returned
        if value > outstanding:
            raise ValidationError(
                {"amount": f"{value} exceeds the {outstanding} disbursed and not yet returned for {reference}."}
            )
        return transaction_post(
            actor=actor, fund=fund, kind=TransactionKind.UNSPENT_RETURN, posted_on=on, reference=reference,
            memo=memo,
            legs=[
                Leg(account_for(fund=fund, role=AccountRole.CASH, restriction=restriction), LegSide.DEBIT, value),
                Leg(account_for(fund=fund, role=AccountRole.AWARDS_RETURNED, restriction=restriction),
                    LegSide.CREDIT, value),
            ],
        )


def committed_for(*, reference: str) -> Money:
    """Committed - de-obligated - returned for ``reference``."""
    parts = reference_components(reference=reference)
    return Money(parts.committed_net_of_returns, parts.currency)


def disbursed_for(*, reference: str) -> Money:
    """Tranches paid out for ``reference`` (returns are not subtracted)."""
    parts = reference_components(reference=reference)
    return Money(parts.disbursed, parts.currency)
