"""Wellness fund endpoints: funds, balances, statements, agreements, contribution statements, payments."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from tests.api.factories import fund_setup, money, token_client
from tests.organizations.factories import member
from tests.wellness_fund import factories as wf
from wellness_fund.models import ContributionPayment, ContributionStatement, LedgerTransaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    made = fund_setup()
    wf.receive(made["fund"], "1000.00")
    plan = wf.plan("api-fund-plan")
    agreement = wf.agreement(made["fund"], plan, code="api-agr")
    wf.member_months(plan, "Imperial", dt.date(2026, 1, 1), 400)
    return made | {"plan": plan, "agreement": agreement}


@pytest.fixture
def admin(setup):
    return token_client(member("fund_admin", setup["ach"]))


@pytest.fixture
def plan_finance(setup):
    return token_client(member("plan_finance", setup["plan"]))


def test_funds_list_and_balances(setup, admin):
    body = admin.get("/api/funds/").json()
    assert [f["code"] for f in body["results"]] == ["api-fund"]
    balances = admin.get(f"/api/funds/{setup['fund'].pk}/balances/").json()
    general = next(r for r in balances["restrictions"] if r["restriction"] == "general")
    assert general["cash"] == money("1000.00") and general["available"] == money("1000.00")


def test_fund_statement(setup, admin):
    url = f"/api/funds/{setup['fund'].pk}/statement/?start=2026-01-01&end=2026-12-31"
    body = admin.get(url).json()
    assert body["inflows_total"] == money("1000.00") and body["closing_balance"] == money("1000.00")
    missing = admin.get(f"/api/funds/{setup['fund'].pk}/statement/?start=2026-01-01")
    assert missing.status_code == 400 and "end" in missing.json()["error"]["fields"]
    backwards = admin.get(f"/api/funds/{setup['fund'].pk}/statement/?start=2026-02-01&end=2026-01-01")
    assert backwards.status_code == 400


def test_another_achs_fund_is_404(setup, admin):
    other = setup["other_fund"]
    assert admin.get(f"/api/funds/{other.pk}/").status_code == 404
    assert admin.get(f"/api/funds/{other.pk}/balances/").status_code == 404


def test_plan_sees_its_agreement_but_not_the_fund_ledger(setup, plan_finance):
    assert plan_finance.get("/api/funds/").json()["count"] == 0
    assert [a["code"] for a in plan_finance.get("/api/contribution-agreements/").json()["results"]] == ["api-agr"]


def test_issue_statement_and_record_payment(setup, plan_finance):
    agreement = setup["agreement"]
    issued = plan_finance.post("/api/contribution-statements/",
                               {"agreement": agreement.pk, "period_start": "2026-01-01"}, format="json")
    assert issued.status_code == 201, issued.content
    assert issued.json()["expected_amount"] == money("500.00")  # 400 member months x 1.25
    paid = plan_finance.post("/api/contribution-payments/",
                             {"agreement": agreement.pk, "amount": money("500.00"), "received_on": "2026-02-10",
                              "bank_reference": "WIRE-1", "income_year": 2024}, format="json")
    assert paid.status_code == 201, paid.content
    assert paid.json()["amount"] == money("500.00")
    assert ContributionPayment.objects.get().statement_id == issued.json()["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": {"amount": 500.0, "currency": "USD"}}, "amount"),
        ({"amount": money("-5.00")}, "amount"),
        ({"bank_reference": ""}, "bank_reference"),
        ({"received_on": "soon"}, "received_on"),
        ({"memo": "x"}, "memo"),
    ],
)
def test_payment_bad_input_writes_nothing(setup, plan_finance, change, field):
    agreement = setup["agreement"]
    plan_finance.post("/api/contribution-statements/", {"agreement": agreement.pk, "period_start": "2026-01-01"},
                      format="json")
    transactions = LedgerTransaction.objects.count()
    payload = {"agreement": agreement.pk, "amount": money("500.00"), "received_on": "2026-02-10",
               "bank_reference": "WIRE-1", "income_year": 2024} | change
    response = plan_finance.post("/api/contribution-payments/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert ContributionPayment.objects.count() == 0
    assert LedgerTransaction.objects.count() == transactions


def test_payment_without_a_statement_is_refused(setup, plan_finance):
    response = plan_finance.post("/api/contribution-payments/",
                                 {"agreement": setup["agreement"].pk, "amount": money("5.00"),
                                  "received_on": "2026-02-10", "bank_reference": "W"}, format="json")
    assert response.status_code == 400 and "statement" in response.json()["error"]["fields"]
    assert ContributionPayment.objects.count() == 0


def test_another_plans_agreement_is_refused(setup):
    other_plan = wf.plan("api-fund-other-plan")
    outsider = token_client(member("plan_finance", other_plan))
    agreement = setup["agreement"]
    assert outsider.get(f"/api/contribution-agreements/{agreement.pk}/").status_code == 404
    response = outsider.post("/api/contribution-statements/", {"agreement": agreement.pk,
                                                               "period_start": "2026-01-01"}, format="json")
    assert response.status_code == 400 and "agreement" in response.json()["error"]["fields"]
    assert ContributionStatement.objects.count() == 0


def test_statement_twice_for_a_period_is_refused(setup, plan_finance):
    payload = {"agreement": setup["agreement"].pk, "period_start": "2026-01-01"}
    assert plan_finance.post("/api/contribution-statements/", payload, format="json").status_code == 201
    again = plan_finance.post("/api/contribution-statements/", payload, format="json")
    assert again.status_code == 400 and "period_start" in again.json()["error"]["fields"]
    assert ContributionStatement.objects.count() == 1


def test_payment_idempotent_retry(setup, plan_finance):
    agreement = setup["agreement"]
    plan_finance.post("/api/contribution-statements/", {"agreement": agreement.pk, "period_start": "2026-01-01"},
                      format="json")
    payload = {"agreement": agreement.pk, "amount": money("500.00"), "received_on": "2026-02-10",
               "bank_reference": "WIRE-9", "income_year": 2024}
    first = plan_finance.post("/api/contribution-payments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="p")
    events = AuditEvent.objects.count()
    again = plan_finance.post("/api/contribution-payments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="p")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ContributionPayment.objects.count() == 1 and AuditEvent.objects.count() == events


def test_close_agreement_only_by_fund_admin(setup, admin, plan_finance):
    agreement = setup["agreement"]
    refused = plan_finance.post(f"/api/contribution-agreements/{agreement.pk}/close/", {"ends_on": "2026-06-30"},
                                format="json")
    assert refused.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "active"
    bad = admin.post(f"/api/contribution-agreements/{agreement.pk}/close/", {"ends_on": "June"}, format="json")
    assert bad.status_code == 400
    done = admin.post(f"/api/contribution-agreements/{agreement.pk}/close/", {"ends_on": "2026-06-30"},
                      format="json")
    assert done.status_code == 200 and done.json()["status"] == "closed"


def test_ledger_transactions_are_scoped_and_balanced(setup, admin, plan_finance):
    body = admin.get(f"/api/ledger-transactions/?fund={setup['fund'].pk}").json()
    assert body["count"] == 1
    legs = body["results"][0]["legs"]
    assert len({leg["side"] for leg in legs}) == 2  # one debit, one credit
    assert legs[0]["amount"] == legs[1]["amount"] == money("1000.00")
    # a plan never sees the fund's ledger; another ACH's transaction is 404
    assert plan_finance.get("/api/ledger-transactions/").json()["count"] == 0
    other_tx = wf.receive(setup["other_fund"], "5.00").transaction_id
    assert admin.get(f"/api/ledger-transactions/{other_tx}/").status_code == 404
    assert admin.get("/api/ledger-transactions/?posted_from=yesterday").status_code == 400


def test_ledger_list_query_count_does_not_grow(setup, admin, django_assert_num_queries):
    url = f"/api/ledger-transactions/?fund={setup['fund'].pk}"
    admin.get("/api/me/")  # the token is marked used: no last-used write below
    # queries: token, memberships, count, page, legs with accounts
    with django_assert_num_queries(5):
        assert admin.get(url).json()["count"] == 1
    for _ in range(6):
        wf.receive(setup["fund"], "1.00")
    with django_assert_num_queries(5):
        assert admin.get(url).json()["count"] == 7
