"""A wellness fund's public transparency page: what it awarded (grantee, amount, county, domain, CHIP
priority), totals by county and by domain, the advisory meetings of its ACH, and its outcomes by
equity dimension with small cells suppressed.

The awards live in ``grants`` and the small-cell suppression in ``reporting`` (threshold as data,
complementary suppression), both above this app: they register here when their apps load
(``register_awards``, ``register_suppression``, and ``register_discussed`` for the awards discussed
at a public advisory meeting), so this app imports neither. Only what may be
published is read: no e-mail address, no private note, no person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from wellness_fund.models import WellnessFund

from .models import AdvisoryMeeting, InvestmentMeeting, MeetingStatus
from .selectors import OutcomeCell, OutcomeTable, fund_outcomes


@dataclass(frozen=True)
class PublicAward:
    grantee: str
    amount: Decimal
    currency: str
    counties: tuple[str, ...]
    domains: tuple[str, ...]  # labels
    priorities: tuple[str, ...]  # CHIP priority titles (the award's own tags, else its opportunity's)
    committed_on: dt.date


@dataclass(frozen=True)
class Total:
    label: str
    amount: Decimal
    awards: int


@dataclass(frozen=True)
class Discussed:
    """A record discussed at an advisory meeting, as the public meeting page shows it."""

    kind: str  # "award" or "investment"
    party: str  # the grantee, or the payee of a direct investment
    amount: Decimal
    currency: str


AwardsProvider = Callable[[WellnessFund], list[PublicAward]]
DiscussedProvider = Callable[[AdvisoryMeeting], list[Discussed]]
Suppressor = Callable[[Sequence[tuple[str, int]], int], list[dict[str, Any]]]

_awards: list[AwardsProvider] = []
_suppressor: list[Suppressor] = []
_discussed: list[DiscussedProvider] = []


def register_awards(provider: AwardsProvider) -> None:
    _awards[:] = [provider]


def register_suppression(suppressor: Suppressor) -> None:
    _suppressor[:] = [suppressor]


def register_discussed(provider: DiscussedProvider) -> None:
    """The awards discussed at a meeting (``grants`` registers it)."""
    _discussed[:] = [provider]


def discussed_at(meeting: AdvisoryMeeting) -> list[Discussed]:
    """What was discussed at ``meeting``: direct investments (payee and amount), then awards (grantee
    and amount, cancelled ones left out). Nothing else of the records is read (2 queries)."""
    out = [Discussed("investment", display or legal, amount, currency)
           for display, legal, amount, currency in InvestmentMeeting.objects.filter(meeting=meeting)
           .order_by("direct_investment__paid_on", "id")
           .values_list("direct_investment__payee__display_name", "direct_investment__payee__legal_name",
                        "direct_investment__amount", "direct_investment__amount_currency")]
    return out + (_discussed[0](meeting) if _discussed else [])


def public_awards(fund: WellnessFund) -> list[PublicAward]:
    return _awards[0](fund) if _awards else []


def totals(awards: Sequence[PublicAward]) -> tuple[list[Total], list[Total]]:
    """Totals by county and by domain; an award serving several counties (domains) is split evenly
    between them to the cent, the last share taking the remainder, so each list adds up to the total."""
    def split(keys: Sequence[str], amount: Decimal) -> list[tuple[str, Decimal]]:
        keys = list(keys) or ["—"]
        share = (amount / len(keys)).quantize(Decimal("0.01"))
        parts = [(k, share) for k in keys[:-1]]
        return parts + [(keys[-1], amount - share * (len(keys) - 1))]

    by_county: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal(0)])
    by_domain: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal(0)])
    for a in awards:
        for key, part in split(a.counties, a.amount):
            by_county[key][0] += part
            by_county[key][1] += 1
        for key, part in split(a.domains, a.amount):
            by_domain[key][0] += part
            by_domain[key][1] += 1
    return ([Total(k, v[0], int(v[1])) for k, v in sorted(by_county.items())],
            [Total(k, v[0], int(v[1])) for k, v in sorted(by_domain.items())])


def public_meetings(fund: WellnessFund) -> QuerySet[AdvisoryMeeting]:
    """Meetings of the advisory bodies of the fund (or of its ACH), held or scheduled, latest first."""
    return (AdvisoryMeeting.objects.filter(body__organization=fund.ach)
            .exclude(status=MeetingStatus.CANCELLED).select_related("body").prefetch_related("topics")
            .order_by("-meets_on", "-id"))


def suppressed_outcomes(fund: WellnessFund) -> list[OutcomeTable]:
    """The fund's outcomes with each table's counts below the measure's threshold suppressed, and a
    second cell where one alone could be derived from the total (the reporting app's suppression);
    a suppressed count hides its denominator too."""
    tables = fund_outcomes(fund, public=False)
    if not _suppressor:
        return fund_outcomes(fund, public=True)
    suppress = _suppressor[0]
    out = []
    for table in tables:
        threshold = max(table.suppress_below, 1)
        counts = suppress([(str(i), c.count or 0) for i, c in enumerate(table.cells)], threshold)
        denominators = suppress([(str(i), c.denominator or 0) for i, c in enumerate(table.cells)], threshold)
        cells = []
        for cell, n, d in zip(table.cells, counts, denominators, strict=True):
            hidden = n["count"] is None or (cell.denominator is not None and d["count"] is None)
            cells.append(OutcomeCell(cell.category, None if hidden else cell.count,
                                     None if hidden else cell.denominator, hidden))
        out.append(OutcomeTable(table.measure, table.period_start, table.period_end, table.dimension,
                                table.suppress_below, cells))
    return out
