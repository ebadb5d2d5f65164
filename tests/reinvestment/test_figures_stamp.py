"""A plan's figures stamp changes with every write behind its figures, from any client, and the
obligations dashboard, which keeps its figures under the stamp, never shows figures older than
the records."""

import pytest
from django.db import connection
from django.urls import reverse

from organizations.models import Role
from reinvestment.models import FulfilmentAllocation, PlanFiguresStamp
from tests.organizations.factories import member
from tests.reinvestment.test_dashboard_progress import pay, plan_with_obligations
from web import stamped

pytestmark = pytest.mark.django_db

#: Every table whose rows the dashboard sums or names: an update of the plan's rows its guards
#: accept. Most change no value, which still names the plan's rows; a credit may only be marked
#: reversed, once no allocation counts it (the statement before it takes those away).
PLAN_UPDATES = {
    "reinvestment_obligation": ["UPDATE reinvestment_obligation SET id = id WHERE plan_id = %s"],
    "reinvestment_obligationallocation": [
        "UPDATE reinvestment_obligationallocation SET id = id"
        " WHERE obligation_id IN (SELECT id FROM reinvestment_obligation WHERE plan_id = %s)"],
    "reinvestment_obligationcredit": [
        "DELETE FROM reinvestment_fulfilmentallocation WHERE plan_id = %s",
        "UPDATE reinvestment_obligationcredit SET reversed_on = credited_on WHERE plan_id = %s"
        " AND reversed_on IS NULL"],
    "reinvestment_fulfilmentallocation": ["UPDATE reinvestment_fulfilmentallocation SET id = id WHERE plan_id = %s"],
    "reinvestment_planfinancialyear": ["UPDATE reinvestment_planfinancialyear SET id = id WHERE plan_id = %s"],
}


def stamp_of(plan):
    (stamp,) = stamped.read(plan.pk, PlanFiguresStamp)
    return stamp


def main(response):
    """The page's main content (the header carries a fresh nonce and token on every response)."""
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@pytest.fixture
def plan():
    return plan_with_obligations("plan-stamped")


@pytest.fixture
def other():
    """Another plan with figures of its own."""
    p = plan_with_obligations("plan-other")
    pay(p, "5.00", "other-1")
    return p


def test_recording_a_payment_gives_its_plan_a_new_stamp_and_no_other(plan, other):
    before, others = stamp_of(plan), stamp_of(other)
    assert before is not None and others is not None and before != others
    pay(plan, "10.00", "stamp-1")
    assert stamp_of(plan) not in (None, before)
    assert stamp_of(other) == others


@pytest.mark.parametrize("table", list(PLAN_UPDATES))
def test_an_update_from_raw_sql_gives_a_new_stamp(plan, other, table):
    pay(plan, "10.00", "stamp-2")
    *before_it, update = PLAN_UPDATES[table]
    for statement in before_it:
        sql(statement, [plan.pk])
    before, others = stamp_of(plan), stamp_of(other)
    assert sql(update, [plan.pk]) > 0
    assert stamp_of(plan) != before
    assert stamp_of(other) == others


def test_a_delete_gives_a_new_stamp(plan, other):
    pay(plan, "10.00", "stamp-3")
    before, others = stamp_of(plan), stamp_of(other)
    assert sql("DELETE FROM reinvestment_fulfilmentallocation WHERE plan_id = %s", [plan.pk]) > 0
    assert stamp_of(plan) != before
    assert stamp_of(other) == others


@pytest.mark.parametrize("table", ["organizations_county", "reinvestment_lineofbusiness"])
def test_a_change_to_names_the_figures_show_gives_every_plan_a_new_stamp(plan, other, table):
    before = dict(PlanFiguresStamp.objects.values_list("plan_id", "stamp"))
    assert {plan.pk, other.pk} <= set(before)
    assert sql(f"UPDATE {table} SET id = id WHERE id = (SELECT min(id) FROM {table})") == 1
    after = dict(PlanFiguresStamp.objects.values_list("plan_id", "stamp"))
    assert set(after) == set(before) and all(after[p] != before[p] for p in before)


def test_a_read_leaves_the_stamp_as_it_was(client, plan):
    pay(plan, "10.00", "stamp-4")
    before = stamp_of(plan)
    client.force_login(member(Role.PLAN_FINANCE, plan))
    assert client.get(reverse("reinvestment:dashboard", args=[plan.code])).status_code == 200
    assert stamp_of(plan) == before


def test_the_dashboard_shows_each_change_whoever_made_it(client, plan, django_assert_num_queries):
    pay(plan, "10.00", "stamp-5")
    client.force_login(member(Role.PLAN_FINANCE, plan))
    url = reverse("reinvestment:dashboard", args=[plan.code]) + "?year=2024"
    first = main(client.get(url))
    assert "Imperial" in first and "Imperial Valley" not in first
    # Shown again from the cache: session, user (with the plan among its memberships) and stamp only.
    with django_assert_num_queries(3):
        assert main(client.get(url)) == first
    # A payment through the service: the year's fulfilled figure moves.
    fulfilled = sum(a.amount.amount for a in FulfilmentAllocation.objects.filter(plan=plan, obligation__income_year=2024))
    pay(plan, "1234.56", "stamp-6")
    now = sum(a.amount.amount for a in FulfilmentAllocation.objects.filter(plan=plan, obligation__income_year=2024))
    assert now != fulfilled
    page = client.get(url).content.decode()
    assert f"${now:,.2f}" in page
    # A county renamed straight in the database, past every service: the page names it anew.
    sql("UPDATE organizations_county SET name = 'Imperial Valley' WHERE name = 'Imperial'")
    assert "Imperial Valley" in client.get(url).content.decode()


def test_where_the_database_keeps_no_stamps_the_dashboard_computes_every_time(
        client, plan, django_assert_num_queries, monkeypatch):
    """The SQLite of local runs has no triggers: nothing is kept, each view reads the figures."""
    monkeypatch.setattr(stamped, "kept_by_database", lambda: False)
    client.force_login(member(Role.PLAN_FINANCE, plan))
    url = reverse("reinvestment:dashboard", args=[plan.code])
    client.get(url)
    for _ in range(2):
        # session, user (with the plan); obligations (1), county allocations (1), fulfilment by
        # county (1), unallocated money (1)
        with django_assert_num_queries(6):
            assert client.get(url).status_code == 200


def test_a_plan_with_no_figures_yet_is_kept_until_its_first_record(client, django_assert_num_queries):
    from tests.reinvestment.factories import PlanFactory, financial_year, member_months
    from tests.reinvestment.test_allocations_defects import _line

    plan = PlanFactory(code="plan-new")
    assert stamp_of(plan) == stamped.NOTHING_WRITTEN
    client.force_login(member(Role.PLAN_FINANCE, plan))
    url = reverse("reinvestment:dashboard", args=[plan.code])
    assert "Income year 2024" not in main(client.get(url))
    with django_assert_num_queries(3):  # session, user (with the plan), stamp
        client.get(url)
    member_months(plan, 2024, {"Imperial": 100})
    fy = financial_year(plan, 2024, revenue="1000000.00", net_income="10000.00", **_line("medi-cal"))
    from organizations.actors import SETUP
    from reinvestment import services

    services.obligation_compute(actor=SETUP, financial_year=fy, policy_code="CA-DHCS")
    assert stamp_of(plan) not in (None, stamped.NOTHING_WRITTEN)
    assert "Income year 2024" in main(client.get(url))
