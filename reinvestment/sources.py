"""Words for the payment behind a credit, for people: "Contribution payment of 2026-01-15 to
Imperial Valley Wellness Fund", never the record key the credit stores.

The app that owns a kind of record may register how to name the receiver of a batch of them
(``register``; the wellness fund app names the fund each contribution payment went to).
Without one, the credit's payee names the receiver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import CreditSource, ObligationCredit
from .references import SourceKind, ids_of

#: kind of record -> (primary keys -> the name of who received each payment).
Namer = Callable[[set[int]], dict[int, str]]
_NAMERS: dict[SourceKind, Namer] = {}

WORDS: dict[str, Any] = {
    CreditSource.FUND_CONTRIBUTION: _("Contribution payment"),
    CreditSource.DIRECT_INVESTMENT: _("Direct investment"),
    CreditSource.PURCHASER_PAYMENT: _("Premium-at-risk payment"),
}
KIND_OF_SOURCE = {
    CreditSource.FUND_CONTRIBUTION: SourceKind.CONTRIBUTION_PAYMENT,
    CreditSource.DIRECT_INVESTMENT: SourceKind.DIRECT_INVESTMENT,
}


def register(kind: SourceKind, namer: Namer) -> None:
    """Name the receivers of records of ``kind`` with ``namer`` (called once at start-up)."""
    _NAMERS[kind] = namer


def payment_words(source: str, on: dt.date, receiver: str = "") -> str:
    """"Contribution payment of Feb. 10, 2027 to <receiver>", in the active language."""
    values = {"what": WORDS.get(source, _("Payment")), "date": formats.date_format(on, "DATE_FORMAT"),
              "receiver": receiver}
    if receiver:
        return gettext("%(what)s of %(date)s to %(receiver)s") % values
    return gettext("%(what)s of %(date)s") % values


def describe(credits: Iterable[ObligationCredit | Any]) -> dict[int, str]:
    """credit id -> "<what> of <date> to <receiver>" (the credits need ``payee`` loaded; one query
    per registered kind present)."""
    rows = list(credits)
    receivers: dict[tuple[str, str], str] = {}
    for source, kind in KIND_OF_SOURCE.items():
        namer = _NAMERS.get(kind)
        refs = [c.reference for c in rows if c.source == source]
        if namer is None or not refs:
            continue
        for pk, name in namer(ids_of(kind, refs)).items():
            receivers[(source, f"{kind.value}:{pk}")] = name
    out = {}
    for c in rows:
        receiver = receivers.get((c.source, c.reference)) or (str(c.payee) if c.payee_id else "")
        out[c.pk] = payment_words(c.source, c.credited_on, receiver)
    return out
