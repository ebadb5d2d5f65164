"""References from one record to another across the apps, as ``"<kind>:<id>"``.

Obligation credits name the record behind them (``ObligationCredit.reference``)
and ledger transactions the grant-side record they post for
(``LedgerTransaction.reference``). Both columns store ``str(SourceRef)``, e.g.
``wellness_fund.contributionpayment:17`` or ``grants.award:1``; ``SourceRef.parse``
reads them back. These keys are for machines (twins, ledgers, audit): documents
people read show ``SourceRef.label`` ("Award #1") instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """The kinds of record a reference may name (value: ``<app label>.<model name>``)."""

    CONTRIBUTION_PAYMENT = "wellness_fund.contributionpayment", _("Contribution payment")
    CONTRIBUTION_AGREEMENT = "wellness_fund.contributionagreement", _("Contribution agreement")
    FUNDING_SOURCE = "wellness_fund.fundingsource", _("Funding source")
    DIRECT_INVESTMENT = "reinvestment.directinvestment", _("Direct investment")
    OBLIGATION = "reinvestment.obligation", _("Obligation")
    AWARD = "grants.award", _("Award")


@dataclass(frozen=True, order=True)
class SourceRef:
    """One record of another app: its kind and primary key."""

    kind: SourceKind
    pk: int

    def __str__(self) -> str:
        # ``_value_``, not ``value``: the same text without the enum's property lookup (twins
        # write tens of thousands of references).
        return f"{self.kind._value_}:{self.pk}"

    @property
    def label(self) -> str:
        """Words for people: ``Award #1``."""
        return f"{self.kind.label} #{self.pk}"

    @classmethod
    def parse(cls, text: str) -> SourceRef:
        """``"grants.award:1"`` -> ``SourceRef(SourceKind.AWARD, 1)``; ValueError for anything else."""
        kind, sep, pk = str(text).partition(":")
        if not sep or kind not in SourceKind.values or not pk.isdigit():
            raise ValueError(f"Not a record reference: {text!r} (expected <kind>:<id>, e.g. grants.award:1).")
        return cls(SourceKind(kind), int(pk))

    @classmethod
    def try_parse(cls, text: str) -> SourceRef | None:
        """Like ``parse``, but None for text that names no known record."""
        try:
            return cls.parse(text)
        except ValueError:
            return None


def ids_of(kind: SourceKind, references: Iterable[str]) -> set[int]:
    """The primary keys of the references (strings) that name a record of ``kind``."""
    out: set[int] = set()
    for text in references:
        ref = SourceRef.try_parse(text)
        if ref is not None and ref.kind == kind:
            out.add(ref.pk)
    return out
