"""Roll-ups of awards after the award: money from the ledger, spending and people from reports.

Figures per award (USD, to the cent):

* ``awarded``   = committed - de-obligated for the award's reference (ledger);
* ``disbursed`` = tranches paid out (ledger);
* ``returned``  = unspent money paid back (ledger);
* ``spent``     = expenditures in the award's accepted reports;
* people served = the award's accepted **final** report, which covers the whole
  award period with each person counted once (progress reports describe periods and
  would count a person served in two periods twice, so they are not added up).

They roll up per fund, per county and per social-driver domain (an award serving
several counties or domains is split equally between them by the largest-remainder
method, so parts add up to the cent), and per period (ledger postings by their date;
spending and people by the end of the report's period).

**Per plan**: within each restriction of a fund, every figure is split between the
contributors in proportion to the contributions received in that restriction
(ledger credits to its contributions accounts, grouped by the funding source's
contributor; sources without one count as "other sources"), by the largest-remainder
method. A plan's figure is the sum of its parts over the restrictions, so the plans'
and other sources' parts add up exactly to the fund's figures. People are not split:
a plan is shown the people served by awards of restrictions it contributed to.

People served are keyed by dimension code: ``county`` and every dimension of the equity
taxonomy (``community.EquityTaxonomy``) in force on the roll-up's end (today when open), plus any
dimension of another version that accepted reports used; ``dimensions`` lists them in order with
their names. Each row is a category's code, its name in the taxonomy (the county's name for a
county) and its count; "not reported" and "declined" stay apart.

Small cells: people counts that leave the fund go through a ``suppressor`` given by
the caller (the reporting part passes ``reporting.suppression.suppress`` with its
disclosure threshold), since grants must not depend on reporting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from community.models import EquityCategory
from money import split_largest_remainder
from organizations.models import County, Organization
from wellness_fund.models import Account, AccountRole, LedgerLeg, WellnessFund
from wellness_fund.selectors.balances import SIGNED

from ..models import (
    COUNTY_DIMENSION,
    Award,
    PeopleServed,
    ReportExpenditure,
    ReportKind,
    ReportStatus,
)

ZERO = Decimal("0.00")
FIGURES = ("awarded", "disbursed", "spent", "returned")
OTHER = "other"
NOT_REPORTED = "not_reported"

Suppressor = Callable[[Sequence[tuple[str, int]]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Names:
    """The dimensions in force in order (code, name), every version's dimension names and, per
    dimension code, its categories' order and names."""

    dimensions: tuple[tuple[str, str], ...]
    dimension_names: dict[str, str]
    categories: dict[str, dict[str, tuple[int, str]]]
    counties: dict[str, str]


def people_names(on: dt.date | None = None) -> Names:
    """``county`` and the dimensions of the equity taxonomy in force on ``on`` (today when None),
    with the names of their categories; a code that only another version has keeps the name of
    the latest version that has it (reports are checked against the version of their period).
    Queries: 2 (categories with their dimension and version, county names)."""
    day = on or timezone.localdate()
    rows = (EquityCategory.objects.select_related("dimension__taxonomy")
            .order_by("dimension__taxonomy__effective_from", "dimension__taxonomy__version",
                      "dimension__position", "position", "id"))
    dims: dict[str, tuple[tuple[bool, dt.date, int], str]] = {}
    cats: dict[str, dict[str, tuple[tuple[bool, dt.date, int], int, str]]] = defaultdict(dict)
    in_force: list[str] = []
    current: int | None = None
    for c in rows:
        d, t = c.dimension, c.dimension.taxonomy
        rank = (t.effective_from <= day, t.effective_from, t.version)  # the version in force on the day wins
        if t.effective_from <= day and t.pk != current:
            current, in_force = t.pk, []
        if t.effective_from <= day and d.code not in in_force:
            in_force.append(d.code)
        if d.code not in dims or rank >= dims[d.code][0]:
            dims[d.code] = (rank, d.name)
        if c.code not in cats[d.code] or rank >= cats[d.code][c.code][0]:
            cats[d.code][c.code] = (rank, c.position, c.name)
    return Names(dimensions=((COUNTY_DIMENSION, "County"), *((k, dims[k][1]) for k in in_force)),
                 dimension_names={k: name for k, (_r, name) in dims.items()},
                 categories={k: {code: (pos, name) for code, (_r, pos, name) in v.items()} for k, v in cats.items()},
                 counties=dict(County.objects.values_list("fips", "name")))


def _label(dimension: str, category: str, names: Names) -> tuple[tuple[int, str], str]:
    """(sort key, name) of a category: the taxonomy's order and name, counties by name with
    "Not reported" last; a code no version knows is shown as words (it was never accepted)."""
    if dimension == COUNTY_DIMENSION:
        if category == NOT_REPORTED:
            return (1, ""), "Not reported"
        name = names.counties.get(category, category)
        return (0, name), name
    known = names.categories.get(dimension, {}).get(category)
    if known is not None:
        return (known[0], ""), known[1]
    words = category.replace("_", " ").capitalize()
    return (10_000, words), words


def _period_key(day: dt.date, period: str) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _zero() -> dict[str, Decimal]:
    return dict.fromkeys(FIGURES, ZERO)


def award_figures(*, awards: Iterable[Award], start: dt.date | None = None, end: dt.date | None = None,
                  period: str = "year") -> dict[int, dict[str, Any]]:
    """Per award id: the four figures, by period, and people served by dimension (4 queries)."""
    awards = list(awards)
    by_ref = {a.commitment_reference: a.pk for a in awards}
    out: dict[int, dict[str, Any]] = {
        a.pk: {**_zero(), "periods": defaultdict(_zero), "people": defaultdict(lambda: defaultdict(int)),
               "total_served": 0} for a in awards}
    legs = LedgerLeg.objects.filter(transaction__reference__in=list(by_ref))
    if start:
        legs = legs.filter(posted_on__gte=start)
    if end:
        legs = legs.filter(posted_on__lte=end)
    for row in (legs.values("transaction__reference", "account__role", "posted_on")
                .annotate(s=Sum(SIGNED)).order_by()):
        fig = out[by_ref[row["transaction__reference"]]]
        key = _period_key(row["posted_on"], period)
        role, s = row["account__role"], row["s"]
        parts = {}
        if role == AccountRole.AWARDS_COMMITTED:
            parts["awarded"] = s  # debit-positive: commitments less de-obligations
        elif role == AccountRole.AWARDS_RETURNED:
            # A return credits "returned" and debits cash; adding it back to the cash
            # figure below leaves the payments out (disbursed = returned - cash balance).
            parts["returned"] = -s
            parts["disbursed"] = -s
        elif role == AccountRole.CASH:
            parts["disbursed"] = -s  # returned - paid out, debit-positive
        for name, value in parts.items():
            fig[name] += value
            fig["periods"][key][name] += value
    reports = ReportExpenditure.objects.filter(report__schedule__award__in=list(out),
                                               report__schedule__status=ReportStatus.ACCEPTED)
    finals = PeopleServed.objects.filter(report__schedule__award__in=list(out),
                                         report__schedule__status=ReportStatus.ACCEPTED,
                                         report__schedule__kind=ReportKind.FINAL)
    if start:
        reports = reports.filter(report__schedule__period_end__gte=start)
        finals = finals.filter(report__schedule__period_end__gte=start)
    if end:
        reports = reports.filter(report__schedule__period_end__lte=end)
        finals = finals.filter(report__schedule__period_end__lte=end)
    for row in (reports.values("report__schedule__award_id", "report__schedule__period_end")
                .annotate(s=Sum("amount")).order_by()):
        fig = out[row["report__schedule__award_id"]]
        fig["spent"] += row["s"]
        fig["periods"][_period_key(row["report__schedule__period_end"], period)]["spent"] += row["s"]
    for award_id, dimension, category, count in (finals.values_list("report__schedule__award_id", "dimension",
                                                                    "category", "count").order_by()):
        out[award_id]["people"][dimension][category] += count
    for fig in out.values():
        if fig["people"]:
            fig["total_served"] = sum(fig["people"].get("county", {}).values())
    return out


def _people(figs: Iterable[dict[str, Any]], names: Names, suppressor: Suppressor | None) -> dict[str, Any]:
    """``{"total", "dimensions": [{"code", "name"}], <dimension code>: [{"category", "label", "count"}]}``:
    every dimension of ``names`` (empty when nobody was counted in it) and any other stored one;
    each dimension's rows pass through ``suppressor`` as (label, count) pairs."""
    cells: dict[str, dict[str, int]] = {code: defaultdict(int) for code, _name in names.dimensions}
    others: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # of other versions
    total = 0
    for fig in figs:
        total += fig["total_served"]
        for dimension, counts in fig["people"].items():
            for category, n in counts.items():
                (cells[dimension] if dimension in cells else others[dimension])[category] += n
    cells |= dict(sorted(others.items()))
    titles = {**names.dimension_names, **dict(names.dimensions)}
    out: dict[str, Any] = {"total": total, "dimensions": [
        {"code": code, "name": titles.get(code) or code.replace("_", " ").capitalize()} for code in cells]}
    for dimension, counts in cells.items():
        labelled = sorted((_label(dimension, c, names), c, n) for c, n in counts.items())
        pairs = [(label, n) for (_key, label), _c, n in labelled]
        shown = suppressor(pairs) if suppressor else [{"label": lb, "count": n} for lb, n in pairs]
        out[dimension] = [{"category": c, **row} for (_l, c, _n), row in zip(labelled, shown, strict=True)]
    return out


def _split_equal(amount: Decimal, keys: Sequence[str]) -> dict[str, Decimal]:
    if not keys:
        return {"—": amount}
    return split_largest_remainder(amount, dict.fromkeys(keys, 1)) if amount else dict.fromkeys(keys, ZERO)


def _fund_awards(fund: WellnessFund) -> list[Award]:
    return list(Award.objects.filter(fund=fund).select_related("restriction", "application")
                .prefetch_related("application__counties").order_by("id"))


def fund_rollup(*, fund: WellnessFund, start: dt.date | None = None, end: dt.date | None = None,
                period: str = "year", suppressor: Suppressor | None = None) -> dict[str, Any]:
    """A fund's awards: totals, by county, domain, period and restriction, and people served.

    Queries (constant): awards, counties of their applications, ledger legs, expenditures,
    people, county names. ``suppressor`` applies to people counts (pass one for anything
    that leaves the fund).
    """
    awards = _fund_awards(fund)
    figs = award_figures(awards=awards, start=start, end=end, period=period)
    names = people_names(end)
    totals = _zero()
    by_county: dict[str, dict[str, Decimal]] = defaultdict(_zero)
    by_domain: dict[str, dict[str, Decimal]] = defaultdict(_zero)
    by_period: dict[str, dict[str, Decimal]] = defaultdict(_zero)
    by_restriction: dict[str, dict[str, Decimal]] = defaultdict(_zero)
    for a in awards:
        fig = figs[a.pk]
        counties = sorted(c.name for c in a.application.counties.all())
        domains = sorted(a.application.domains or [])
        for name in FIGURES:
            totals[name] += fig[name]
            by_restriction[a.restriction.code][name] += fig[name]
            for key, part in _split_equal(fig[name], counties).items():
                by_county[key][name] += part
            for key, part in _split_equal(fig[name], domains).items():
                by_domain[key][name] += part
        for key, values in fig["periods"].items():
            for name, value in values.items():
                by_period[key][name] += value
    return {
        "fund": fund.code, "currency": fund.currency, "start": start, "end": end,
        **totals,
        "by_restriction": [{"restriction": k, **v} for k, v in sorted(by_restriction.items())],
        "by_county": [{"county": k, **v} for k, v in sorted(by_county.items())],
        "by_domain": [{"domain": k, **v} for k, v in sorted(by_domain.items())],
        "by_period": [{"period": k, **v} for k, v in sorted(by_period.items())],
        "people": _people(figs.values(), names, suppressor),
        "awards": [{"award_id": a.pk, "reference": a.commitment_reference, "restriction": a.restriction.code,
                    "status": a.status, **{n: figs[a.pk][n] for n in FIGURES},
                    "total_served": figs[a.pk]["total_served"]} for a in awards],
    }


def contributor_shares(*, fund: WellnessFund, as_of: dt.date | None = None) -> dict[int, dict[Any, Decimal]]:
    """Per restriction id: {contributor organization id, or "other": contributions received} (1 query)."""
    legs = LedgerLeg.objects.filter(fund=fund, account__role=AccountRole.CONTRIBUTIONS)
    if as_of:
        legs = legs.filter(posted_on__lte=as_of)
    shares: dict[int, dict[Any, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in (legs.values("account__restriction_id", "account__funding_source__contributor_id")
                .annotate(s=Sum(SIGNED)).order_by()):
        who = row["account__funding_source__contributor_id"] or OTHER
        shares[row["account__restriction_id"]][who] += -row["s"]  # credits are income
    return shares


def plan_split(*, fund: WellnessFund, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """Every contributor's part of the fund's figures: {contributor id or "other": {figures, restrictions}}."""
    awards = _fund_awards(fund)
    figs = award_figures(awards=awards, start=start, end=end)
    shares = contributor_shares(fund=fund, as_of=end)
    per_restriction: dict[int, dict[str, Decimal]] = defaultdict(_zero)
    for a in awards:
        for name in FIGURES:
            per_restriction[a.restriction_id][name] += figs[a.pk][name]
    parts: dict[Any, dict[str, Any]] = defaultdict(lambda: {**_zero(), "restrictions": set(), "award_ids": set()})
    for restriction_id, values in per_restriction.items():
        weights = {k: v for k, v in shares.get(restriction_id, {}).items() if v > 0}
        if not weights:
            weights = {OTHER: Decimal(1)}
        for name in FIGURES:
            for who, part in (split_largest_remainder(values[name], weights) if values[name]
                              else dict.fromkeys(weights, ZERO)).items():
                parts[who][name] += part
        for who in weights:
            parts[who]["restrictions"].add(restriction_id)
    for a in awards:
        for p in parts.values():
            if a.restriction_id in p["restrictions"]:
                p["award_ids"].add(a.pk)
    return {"parts": parts, "figures": figs}


def plan_rollup(*, plan: Organization, fund: WellnessFund, suppressor: Suppressor, start: dt.date | None = None,
                end: dt.date | None = None) -> dict[str, Any]:
    """The plan's pro-rata part of a fund's figures, and people served by the awards it helped fund.

    People leave the fund here, so a ``suppressor`` is required.
    """
    split = plan_split(fund=fund, start=start, end=end)
    part = split["parts"].get(plan.pk) or {**_zero(), "award_ids": set()}
    figs = split["figures"]
    return {
        "plan": plan.code, "fund": fund.code, "currency": fund.currency,
        **{name: part[name] for name in FIGURES},
        "awards": len(part["award_ids"]),
        "people": _people([figs[i] for i in sorted(part["award_ids"])], people_names(end), suppressor),
    }


def plan_outcomes(*, plan: Organization, fund_ids: Iterable[int], suppressor: Suppressor,
                  on: dt.date | None = None) -> dict[str, Any]:
    """Outcomes and people served of the awards a plan helped fund, for documents that leave the fund.

    Awards counted: those of the given funds in restrictions that received the plan's
    contributions. ``outcomes``: per award, the metrics of its accepted final report (else
    its latest accepted progress report). ``people_served``: accepted final reports only
    (each person once), by county and by every dimension of the equity taxonomy in force on
    ``on`` (the shape of ``_people``), summed in SQL and passed through ``suppressor``.
    Queries (constant): restrictions, metrics (with their award and grantee), people, taxonomy
    names, county names; three when the plan paid into no fund.
    """
    ids = list(fund_ids)
    restrictions = set(
        Account.objects.filter(fund_id__in=ids, role=AccountRole.CONTRIBUTIONS, funding_source__contributor=plan)
        .filter(Exists(LedgerLeg.objects.filter(account=OuterRef("pk")))).order_by()
        .values_list("restriction_id", flat=True)) if ids else set()
    if not restrictions:
        return {"outcomes": [], "people_served": _people([], people_names(on), suppressor)}
    from ..models import ReportMetric

    awards = Award.objects.filter(fund_id__in=ids, restriction_id__in=restrictions).values("pk")
    chosen: dict[int, tuple[int, int]] = {}
    rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    names: dict[int, tuple[dt.date, str, str]] = {}
    for (award_id, kind, number, label, target, actual, unit, committed_on, reference, display_name,
         legal_name) in (
            ReportMetric.objects.filter(report__schedule__award__in=awards,
                                        report__schedule__status=ReportStatus.ACCEPTED)
            .order_by("report__schedule__number", "code").values_list(
                "report__schedule__award_id", "report__schedule__kind", "report__schedule__number", "label",
                "target", "actual", "unit", "report__schedule__award__committed_on",
                "report__schedule__award__commitment_reference", "report__schedule__award__grantee__display_name",
                "report__schedule__award__grantee__legal_name")):
        rank = (1 if kind == ReportKind.FINAL else 0, number)
        if award_id not in chosen or rank > chosen[award_id]:
            chosen[award_id] = rank
            rows[award_id] = []
            names[award_id] = (committed_on, reference, display_name or legal_name)
        if chosen[award_id] == rank:
            rows[award_id].append((label, target, actual, unit))
    outcomes = [{"award": reference, "grantee": grantee, "measure": label, "target": target, "actual": actual,
                 "unit": unit}
                for award_id, (_, reference, grantee) in sorted(names.items(), key=lambda kv: (kv[1][0], kv[0]))
                for label, target, actual, unit in rows[award_id]]
    # The people of every award's accepted final report, summed per cell in SQL: the same cells
    # and total (the county dimension) as adding up ``award_figures`` people award by award.
    cells: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dimension, category, n in (
            PeopleServed.objects.filter(report__schedule__award__in=awards,
                                        report__schedule__status=ReportStatus.ACCEPTED,
                                        report__schedule__kind=ReportKind.FINAL)
            .order_by().values("dimension", "category").annotate(n=Sum("count"))
            .values_list("dimension", "category", "n")):
        cells[dimension][category] += n
    total = sum(cells["county"].values()) if "county" in cells else 0
    return {"outcomes": outcomes,
            "people_served": _people([{"total_served": total, "people": cells}], people_names(on), suppressor)}
