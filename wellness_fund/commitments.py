"""Commitments: the services the grants app uses to commit, pay out and release award money.

Every posting is one balanced transaction of two legs in one restriction; ``reference``
names the grant-side record (e.g. "grants.award:12"). ``POSTINGS`` is the table below
as data, and ``post`` the one function that follows it: lock the fund, check, post.

=================  ===========================  ==========================  ===========================
kind               debit                        credit                      at most
=================  ===========================  ==========================  ===========================
award_commit       awards committed (expense)   awards payable (liability)  available to award
award_deobligate   awards payable               awards committed            committed, not yet disbursed
tranche_disburse   awards payable               cash                        committed, not yet disbursed
unspent_return     cash                         awards returned (income)    disbursed, not yet returned
=================  ===========================  ==========================  ===========================

Available to award = received - committed + returned (de-obligations reduce committed).
``post`` locks the fund row (select_for_update, ordered by pk) and then checks the ceiling
in the same transaction, so two commitments racing for the same money cannot both pass.
A commitment dated ``on`` needs the money both as of ``on`` and over all postings (money
dated later must not fund it, and money already committed later must stay covered).

Acting users: ``actor`` is a named system actor (demo loader, setup) or a user holding
fund_admin, board_chair or board_member in the fund's ACH (site administrators too); anyone
else gets ``AccessDenied``. Amounts are positive Decimals (or Money in the fund's currency); bad
input raises ``ValidationError`` and posts nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from moneyed import Money

from organizations import access
from organizations.actors import Actor
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


class Ceiling(enum.Enum):
    """What a posting may not exceed (the table's last column)."""

    AVAILABLE = "available to award"
    UNDISBURSED = "committed and not yet disbursed"
    UNRETURNED = "disbursed and not yet returned"


def _ceiling_words(ceiling: Ceiling) -> str:
    """The ceiling's words in the active language (its value is the English)."""
    return {
        Ceiling.AVAILABLE: gettext("available to award"),
        Ceiling.UNDISBURSED: gettext("committed and not yet disbursed"),
        Ceiling.UNRETURNED: gettext("disbursed and not yet returned"),
    }[ceiling]


@dataclass(frozen=True)
class Posting:
    """One row of the table: the accounts debited and credited, and the ceiling checked first."""

    debit: AccountRole
    credit: AccountRole
    ceiling: Ceiling


POSTINGS: dict[TransactionKind, Posting] = {
    TransactionKind.AWARD_COMMIT: Posting(AccountRole.AWARDS_COMMITTED, AccountRole.AWARDS_PAYABLE, Ceiling.AVAILABLE),
    TransactionKind.AWARD_DEOBLIGATE: Posting(AccountRole.AWARDS_PAYABLE, AccountRole.AWARDS_COMMITTED,
                                              Ceiling.UNDISBURSED),
    TransactionKind.TRANCHE_DISBURSE: Posting(AccountRole.AWARDS_PAYABLE, AccountRole.CASH, Ceiling.UNDISBURSED),
    TransactionKind.UNSPENT_RETURN: Posting(AccountRole.CASH, AccountRole.AWARDS_RETURNED, Ceiling.UNRETURNED),
}


def _check(*, actor: Actor, fund: WellnessFund, restriction: Restriction, reference: str, on: dt.date) -> None:
    access.require_role(actor, fund.ach, *FUND_ROLES)
    if restriction.fund_id != fund.pk:
        raise ValidationError({"restriction": gettext("Restriction %(code)s belongs to another fund.")
                                         % {"code": restriction.code}})
    if not reference or not reference.strip():
        raise ValidationError({"reference": gettext("A reference to the award is required.")})
    check_open_date(fund=fund, on=on)


def _check_ceiling(
    ceiling: Ceiling, value: Decimal, *, fund: WellnessFund, restriction: Restriction, reference: str, on: dt.date
) -> None:
    if ceiling is Ceiling.AVAILABLE:
        available = min(
            available_amount(fund=fund, restriction=restriction, as_of=on),
            available_amount(fund=fund, restriction=restriction),
        )
        if value > available:
            raise InsufficientFundsError(
                {"amount": gettext("%(value)s %(currency)s exceeds the %(limit)s %(currency)s %(ceiling)s in "
                                   "%(restriction)s.")
                 % {"value": value, "currency": fund.currency, "limit": available,
                    "ceiling": _ceiling_words(ceiling), "restriction": restriction.code}}
            )
        return
    parts = reference_components(reference=reference, restriction=restriction)
    limit = parts.undisbursed if ceiling is Ceiling.UNDISBURSED else parts.disbursed - parts.returned
    if value > limit:
        raise ValidationError({"amount": gettext("%(value)s exceeds the %(limit)s %(ceiling)s for %(reference)s.")
                                        % {"value": value, "limit": limit, "ceiling": _ceiling_words(ceiling),
                                           "reference": reference}})


def post(
    kind: TransactionKind, *, actor: Actor, fund: WellnessFund, restriction: Restriction, amount: Decimal,
    reference: str, on: dt.date, memo: str = "",
) -> LedgerTransaction:
    """Post ``amount`` of ``restriction`` as ``kind`` (a row of ``POSTINGS``); refused above its ceiling."""
    posting = POSTINGS[kind]
    value = fund_amount(amount, fund=fund)
    with transaction.atomic():
        fund = lock_fund(fund)
        _check(actor=actor, fund=fund, restriction=restriction, reference=reference, on=on)
        _check_ceiling(posting.ceiling, value, fund=fund, restriction=restriction, reference=reference, on=on)
        return transaction_post(
            actor=actor, fund=fund, kind=kind, posted_on=on, reference=reference, memo=memo,
            legs=[
                Leg(account_for(fund=fund, role=posting.debit, restriction=restriction), LegSide.DEBIT, value),
                Leg(account_for(fund=fund, role=posting.credit, restriction=restriction), LegSide.CREDIT, value),
            ],
        )


def available_to_award(*, fund: WellnessFund, restriction: Restriction, as_of: dt.date | None = None) -> Money:
    """Received - committed + returned in ``restriction`` as of ``as_of`` (all postings when None)."""
    return Money(available_amount(fund=fund, restriction=restriction, as_of=as_of), fund.currency)


def award_commit(
    *, actor: Actor, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "",
) -> LedgerTransaction:
    """Commit ``amount`` of ``restriction`` to an award; refused above the available balance."""
    return post(TransactionKind.AWARD_COMMIT, actor=actor, fund=fund, restriction=restriction, amount=amount,
                reference=reference, on=on, memo=memo)


def award_deobligate(
    *, actor: Actor, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "",
) -> LedgerTransaction:
    """Release ``amount`` of a commitment not yet paid out back to the available balance."""
    return post(TransactionKind.AWARD_DEOBLIGATE, actor=actor, fund=fund, restriction=restriction, amount=amount,
                reference=reference, on=on, memo=memo)


def tranche_disburse(
    *, actor: Actor, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "", bank_reference: str = "",
) -> LedgerTransaction:
    """Pay out a tranche of a commitment (never more than committed and not yet paid); the bank's
    reference is kept in the memo (cut to 255 characters)."""
    text = memo if not bank_reference else f"{memo} [bank {bank_reference}]".strip()
    return post(TransactionKind.TRANCHE_DISBURSE, actor=actor, fund=fund, restriction=restriction, amount=amount,
                reference=reference, on=on, memo=text[:255])


def unspent_return(
    *, actor: Actor, fund: WellnessFund, restriction: Restriction, amount: Decimal, reference: str,
    on: dt.date, memo: str = "",
) -> LedgerTransaction:
    """Record unspent award money paid back by the grantee (at most what was paid out, net of returns)."""
    return post(TransactionKind.UNSPENT_RETURN, actor=actor, fund=fund, restriction=restriction, amount=amount,
                reference=reference, on=on, memo=memo)


def committed_for(*, reference: str) -> Money:
    """Committed - de-obligated - returned for ``reference``."""
    parts = reference_components(reference=reference)
    return Money(parts.committed_net_of_returns, parts.currency)


def disbursed_for(*, reference: str) -> Money:
    """Tranches paid out for ``reference`` (returns are not subtracted)."""
    parts = reference_components(reference=reference)
    return Money(parts.disbursed, parts.currency)
