"""Roll-ups reconcile to the ledger to the cent, per fund and per plan (two plans in one fund)."""

import datetime as dt
from decimal import Decimal

import pytest

from community.models import EquityCategory, EquityDimension, EquityTaxonomy
from grants import services
from grants.selectors import rollups
from reporting.suppression import suppress
from tests.grants import factories as gf
from tests.wellness_fund import factories as wf
from wellness_fund.models import FundingSourceKind
from wellness_fund.selectors.balances import reference_components

pytestmark = pytest.mark.django_db

FIGURES = ("awarded", "disbursed", "spent", "returned")


def _suppressor(rows):
    return suppress(rows, 11)


@pytest.fixture
def two_plans(w):
    """Plan A pays 33,333.33, plan B 22,222.22 and a foundation 11,111.11 into the general restriction;
    one award is closed with money returned, one is paid in part, one is only offered."""
    plan_a, plan_b = wf.plan(), wf.plan()
    for plan, amount in ((plan_a, "33333.33"), (plan_b, "22222.22")):
        wf.receive(w.fund, amount, src=wf.source(w.fund, kind=FundingSourceKind.PLAN_CONTRIBUTION, contributor=plan))
    wf.receive(w.fund, "11111.11")
    closed = gf.award(w, i=0, amount="20000.00", receive=None)
    gf.pay(w, closed, 1)
    gf.accepted_report(w, closed, 1, spend={1: "4000.00", 2: "1000.00"})
    gf.pay(w, closed, 2, on=dt.date(2027, 8, 1))
    gf.accepted_report(w, closed, 2, spend={1: "3000.00", 2: "2000.33"}, total_served=130,
                       people=gf.people(130))
    services.award_closeout(actor=w.admin, award=closed, on=dt.date(2028, 3, 1))
    open_ = gf.award(w, i=1, amount="15000.00", receive=None)
    gf.pay(w, open_, 1)
    gf.award(w, i=2, amount="7777.77", receive=None, accept=False)
    return plan_a, plan_b, [closed, open_]


def _ledger_totals(fund):
    from grants.models import Award

    out = dict.fromkeys(("awarded", "disbursed", "returned"), Decimal("0.00"))
    for a in Award.objects.filter(fund=fund):
        parts = reference_components(reference=a.commitment_reference)
        out["awarded"] += parts.committed
        out["disbursed"] += parts.disbursed
        out["returned"] += parts.returned
    return out


def test_fund_rollup_reconciles_to_the_ledger(w, two_plans):
    data = rollups.fund_rollup(fund=w.fund)
    ledger = _ledger_totals(w.fund)
    assert {k: data[k] for k in ledger} == ledger
    # closed award: 16,000 paid, 10,000.33 spent, 5,999.67 returned, 4,000 released
    assert data["returned"] == Decimal("5999.67")
    assert data["awarded"] == Decimal("16000.00") + Decimal("15000.00") + Decimal("7777.77")
    assert data["spent"] == Decimal("10000.33")
    for breakdown in ("by_county", "by_domain", "by_period", "by_restriction"):
        for name in FIGURES:
            assert sum(row[name] for row in data[breakdown]) == data[name], (breakdown, name)
    assert data["people"]["total"] == 130
    codes = [d["code"] for d in data["people"]["dimensions"]]
    assert codes == ["county", "race", "ethnicity", "language", "disability", "sexual_orientation",
                     "gender_identity", "sex", "age_band"]
    for dimension in codes:
        assert sum(c["count"] for c in data["people"][dimension]) == 130, dimension


def test_plan_parts_add_up_to_the_fund_to_the_cent(w, two_plans):
    plan_a, plan_b, _ = two_plans
    fund = rollups.fund_rollup(fund=w.fund)
    a = rollups.plan_rollup(plan=plan_a, fund=w.fund, suppressor=_suppressor)
    b = rollups.plan_rollup(plan=plan_b, fund=w.fund, suppressor=_suppressor)
    other = rollups.plan_split(fund=w.fund)["parts"][rollups.OTHER]
    received = Decimal("66666.66")
    for name in FIGURES:
        assert a[name] + b[name] + other[name] == fund[name], name
        assert abs(a[name] - fund[name] * Decimal("33333.33") / received) < Decimal("0.01")
        assert abs(b[name] - fund[name] * Decimal("22222.22") / received) < Decimal("0.01")
    assert a["awarded"] != b["awarded"]


def test_people_leaving_the_fund_are_suppressed_below_eleven(w, two_plans):
    plan_a, _, _ = two_plans
    data = rollups.plan_rollup(plan=plan_a, fund=w.fund, suppressor=_suppressor)
    county = {c["label"]: c["count"] for c in data["people"]["county"]}
    # 129 in Imperial and 1 not reported: the single small cell and its complement are hidden
    assert county == {"Imperial": None, "Not reported": None}
    language = {c["label"]: c["count"] for c in data["people"]["language"]}
    assert language == {"English": 65, "Spanish": 65}
    raw = rollups.fund_rollup(fund=w.fund)
    assert {c["label"]: c["count"] for c in raw["people"]["county"]} == {"Imperial": 129, "Not reported": 1}


def test_people_are_keyed_by_dimension_code_and_named_as_the_taxonomy_in_force_names_them(w, two_plans):
    people = rollups.fund_rollup(fund=w.fund)["people"]
    assert "race_ethnicity" not in people
    names = {d["code"]: d["name"] for d in people["dimensions"]}
    assert names["sexual_orientation"] == "Sexual orientation" and names["county"] == "County"
    # 130 people: "declined" and "not reported" stay apart, each under its own name
    assert [(c["category"], c["label"], c["count"]) for c in people["disability"]] == [
        ("no_disability", "No disability", 65), ("declined", "Declined to answer", 65)]
    assert [(c["label"], c["count"]) for c in people["race"]] == [
        ("Hispanic or Latino", 65), ("White", 64), ("Not reported", 1)]
    # the names are data: a later version of the taxonomy renames a category, and the roll-up follows
    later = EquityTaxonomy.objects.create(version=2, name="Later dimensions", effective_from=dt.date(2026, 1, 1),
                                          source_citation="A later standard.")
    sex = EquityDimension.objects.create(taxonomy=later, code="sex", name="Sex assigned at birth",
                                         source_citation="A later standard.")
    EquityCategory.objects.create(dimension=sex, code="female", name="Female (assigned at birth)")
    renamed = rollups.fund_rollup(fund=w.fund, end=dt.date(2028, 12, 31))["people"]
    # the dimensions in force first, then those of the earlier version the reports used
    assert [d["code"] for d in renamed["dimensions"]][:3] == ["county", "sex", "age_band"]
    assert {d["code"]: d["name"] for d in renamed["dimensions"]}["sex"] == "Sex assigned at birth"
    assert {c["category"]: c["label"] for c in renamed["sex"]} == {"female": "Female (assigned at birth)",
                                                                   "male": "Male"}
    assert sum(c["count"] for c in renamed["disability"]) == 130
    # before the later version, the names of the version then in force
    earlier = rollups.people_names(dt.date(2025, 12, 31))
    assert earlier.categories["sex"]["female"][1] == "Female"
    assert [code for code, _name in earlier.dimensions] == [d["code"] for d in people["dimensions"]]


def test_only_accepted_final_reports_count_people(w):
    wf.receive(w.fund, "50000.00")
    a = gf.award(w, receive=None)
    gf.accepted_report(w, a, 1, total_served=40, people=gf.people(40))
    assert rollups.fund_rollup(fund=w.fund)["people"]["total"] == 0
    gf.submitted_report(w, a, 2, total_served=90, people=gf.people(90))
    assert rollups.fund_rollup(fund=w.fund)["people"]["total"] == 0


def test_fund_rollup_queries_do_not_grow(w, django_assert_num_queries):
    wf.receive(w.fund, "100000.00")
    gf.award(w, i=0, receive=None)
    with django_assert_num_queries(7):
        rollups.fund_rollup(fund=w.fund)
    b = gf.award(w, i=1, receive=None)
    gf.accepted_report(w, b, 1, i=1)
    gf.award(w, i=2, receive=None)
    with django_assert_num_queries(7):
        data = rollups.fund_rollup(fund=w.fund)
    assert len(data["awards"]) == 3


def test_plan_outcomes_feed_documents_with_small_cells_suppressed(w, two_plans):
    plan_a, _, (closed, _) = two_plans
    data = rollups.plan_outcomes(plan=plan_a, fund_ids=[w.fund.pk], suppressor=_suppressor)
    assert data["people_served"]["total"] == 130
    assert {c["label"]: c["count"] for c in data["people_served"]["county"]} == {"Imperial": None,
                                                                                 "Not reported": None}
    measures = [(o["measure"], o["target"], o["actual"]) for o in data["outcomes"]
                if o["award"] == closed.commitment_reference]
    assert measures == [("Participants", Decimal("100.00"), Decimal("120.00"))]  # as the factory reports
    outsider = wf.plan()
    assert rollups.plan_outcomes(plan=outsider, fund_ids=[w.fund.pk], suppressor=_suppressor)["outcomes"] == []


def test_plan_selectors_queries_do_not_grow(w, django_assert_num_queries):
    plan = wf.plan()
    wf.receive(w.fund, "100000.00", src=wf.source(w.fund, kind=FundingSourceKind.PLAN_CONTRIBUTION, contributor=plan))
    gf.award(w, i=0, receive=None)

    def run():
        rollups.plan_rollup(plan=plan, fund=w.fund, suppressor=_suppressor)
        return rollups.plan_outcomes(plan=plan, fund_ids=[w.fund.pk], suppressor=_suppressor)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        run()
    b = gf.award(w, i=1, receive=None)
    gf.accepted_report(w, b, 1, i=1)
    gf.accepted_report(w, b, 2, i=1)
    gf.award(w, i=2, receive=None)
    with django_assert_num_queries(len(small.captured_queries)):
        data = run()
    assert data["people_served"]["total"] == 120
