"""Fund set-up and books: fund, restriction and funding-source creation, receipts from
non-plan sources, fiscal period close and transaction reversal.

Each: success, validation error (nothing written), another organization's object (404),
a role that may read but not act (403), and idempotent retry for POSTs.
"""

import datetime as dt

import pytest

from audit.models import AuditEvent
from tests.api.factories import fund_setup, money, token_client
from tests.organizations.factories import member
from tests.wellness_fund import factories as wf
from wellness_fund.models import (
    FiscalPeriod,
    FundingSource,
    LedgerTransaction,
    OtherReceipt,
    Restriction,
    WellnessFund,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return fund_setup()


@pytest.fixture
def admin(setup):
    return token_client(member("fund_admin", setup["ach"]))


@pytest.fixture
def board(setup):
    return token_client(member("board_member", setup["ach"]))


# --- funds -------------------------------------------------------------------------------------


def _fund_payload(setup, **extra):
    return {"code": "api-fund-2", "name": "Second fund", "ach": setup["ach"].pk, "counties": ["06025"], **extra}


def test_create_fund(setup, admin):
    response = admin.post("/api/funds/", _fund_payload(setup, fiscal_year_start_month=1), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["counties"] == ["06025"] and response.json()["ach"] == "api-ach"
    fund = WellnessFund.objects.get(code="api-fund-2")
    assert Restriction.objects.filter(fund=fund, code="general").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"counties": []}, "counties"), ({"counties": ["99999"]}, "counties"),
     ({"code": "api-fund"}, "code"), ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
     ({"colour": "red"}, "colour")],
)
def test_create_fund_bad_input_writes_nothing(setup, admin, change, field):
    before = WellnessFund.objects.count()
    response = admin.post("/api/funds/", _fund_payload(setup) | change, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert WellnessFund.objects.count() == before


def test_create_fund_for_another_ach_or_as_board_is_refused(setup, admin, board):
    other_ach = setup["other_fund"].ach
    before = WellnessFund.objects.count()
    response = admin.post("/api/funds/", _fund_payload(setup, ach=other_ach.pk), format="json")
    assert response.status_code == 400 and "ach" in response.json()["error"]["fields"]
    assert board.post("/api/funds/", _fund_payload(setup), format="json").status_code == 403
    assert WellnessFund.objects.count() == before


def test_create_fund_is_idempotent(setup, admin):
    first = admin.post("/api/funds/", _fund_payload(setup), format="json", HTTP_IDEMPOTENCY_KEY="f1")
    again = admin.post("/api/funds/", _fund_payload(setup), format="json", HTTP_IDEMPOTENCY_KEY="f1")
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert WellnessFund.objects.filter(code="api-fund-2").count() == 1


# --- restrictions and funding sources ------------------------------------------------------------


def test_create_restriction_and_source_and_record_receipt(setup, admin):
    fund = setup["fund"]
    made = admin.post("/api/restrictions/", {"fund": fund.pk, "code": "youth", "name": "Youth",
                                             "kind": "purpose", "purpose": "Youth programs"}, format="json")
    assert made.status_code == 201, made.content
    source = admin.post("/api/funding-sources/", {"fund": fund.pk, "code": "found", "name": "Foundation",
                                                  "kind": "philanthropy", "restriction": made.json()["id"]},
                        format="json")
    assert source.status_code == 201, source.content
    assert source.json()["is_restricted"] is True and source.json()["restriction"] == "youth"
    receipt = admin.post("/api/receipts/", {"funding_source": source.json()["id"], "amount": money("2500.00"),
                                            "received_on": "2026-03-01", "reference": "GIFT-1"}, format="json")
    assert receipt.status_code == 201, receipt.content
    balances = admin.get(f"/api/funds/{fund.pk}/balances/").json()
    youth = next(r for r in balances["restrictions"] if r["restriction"] == "youth")
    assert youth["cash"] == money("2500.00")
    assert [r["code"] for r in admin.get(f"/api/restrictions/?fund={fund.pk}").json()["results"]] == [
        "general", "youth"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"kind": "purpose", "purpose": ""}, "purpose"), ({"kind": "county", "county": "06037"}, "county"),
     ({"kind": "sideways"}, "kind"), ({"code": "general", "kind": "unrestricted"}, "non_field_errors")],
)
def test_create_restriction_bad_input_writes_nothing(setup, admin, payload, field):
    fund = setup["fund"]
    wf.county("Los Angeles")
    before = Restriction.objects.count()
    response = admin.post("/api/restrictions/", {"fund": fund.pk, "code": "youth", "name": "Youth"} | payload,
                          format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert Restriction.objects.count() == before


def test_source_for_a_plan_needs_a_plan_and_another_funds_restriction_is_refused(setup, admin):
    fund, other = setup["fund"], setup["other_fund"]
    plan_kind = admin.post("/api/funding-sources/", {"fund": fund.pk, "code": "p", "name": "P",
                                                     "kind": "plan_contribution"}, format="json")
    assert plan_kind.status_code == 400 and "contributor" in plan_kind.json()["error"]["fields"]
    theirs = admin.post("/api/funding-sources/", {"fund": fund.pk, "code": "x", "name": "X", "kind": "other",
                                                  "restriction": wf.general(other).pk}, format="json")
    assert theirs.status_code == 400 and "restriction" in theirs.json()["error"]["fields"]
    assert FundingSource.objects.count() == 0


def test_another_achs_fund_objects_are_404_or_refused(setup, admin):
    other = setup["other_fund"]
    response = admin.post("/api/restrictions/", {"fund": other.pk, "code": "y", "name": "Y",
                                                 "kind": "unrestricted"}, format="json")
    assert response.status_code == 400 and "fund" in response.json()["error"]["fields"]
    src = wf.source(other)
    assert admin.get(f"/api/funding-sources/{src.pk}/").status_code == 404
    receipt = admin.post("/api/receipts/", {"funding_source": src.pk, "amount": money("1.00"),
                                            "received_on": "2026-03-01", "reference": "R"}, format="json")
    assert receipt.status_code == 400 and "funding_source" in receipt.json()["error"]["fields"]
    assert Restriction.objects.filter(fund=other).count() == 1 and OtherReceipt.objects.count() == 0


def test_board_member_reads_but_does_not_create(setup, board):
    fund = setup["fund"]
    assert board.get("/api/restrictions/").json()["count"] == 1
    response = board.post("/api/restrictions/", {"fund": fund.pk, "code": "y", "name": "Y",
                                                 "kind": "unrestricted"}, format="json")
    assert response.status_code == 403
    assert Restriction.objects.filter(fund=fund).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [({"amount": money("0.00")}, "amount"), ({"amount": {"amount": 10.5, "currency": "USD"}}, "amount"),
     ({"reference": "  "}, "reference"), ({"received_on": "March"}, "received_on")],
)
def test_receipt_bad_input_writes_nothing(setup, admin, change, field):
    src = wf.source(setup["fund"])
    payload = {"funding_source": src.pk, "amount": money("10.00"), "received_on": "2026-03-01", "reference": "R"}
    response = admin.post("/api/receipts/", payload | change, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert OtherReceipt.objects.count() == 0 and LedgerTransaction.objects.count() == 0


def test_receipt_is_idempotent(setup, admin):
    src = wf.source(setup["fund"])
    payload = {"funding_source": src.pk, "amount": money("10.00"), "received_on": "2026-03-01", "reference": "R"}
    first = admin.post("/api/receipts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="rc")
    again = admin.post("/api/receipts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="rc")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert OtherReceipt.objects.count() == 1 and LedgerTransaction.objects.count() == 1


# --- fiscal periods and reversals -----------------------------------------------------------------


def test_close_periods_in_order(setup, admin):
    fund = setup["fund"]
    wf.receive(fund, "100.00", on=dt.date(2026, 1, 15))
    first = admin.post(f"/api/funds/{fund.pk}/close-period/", {"start": "2026-01-01", "end": "2026-01-31"},
                       format="json")
    assert first.status_code == 201, first.content
    gap = admin.post(f"/api/funds/{fund.pk}/close-period/", {"start": "2026-03-01", "end": "2026-03-31"},
                     format="json")
    assert gap.status_code == 400 and "start" in gap.json()["error"]["fields"]
    backwards = admin.post(f"/api/funds/{fund.pk}/close-period/", {"start": "2026-02-01", "end": "2026-01-31"},
                           format="json")
    assert backwards.status_code == 400 and "end" in backwards.json()["error"]["fields"]
    assert FiscalPeriod.objects.filter(fund=fund).count() == 1


def test_close_period_refused_for_board_and_other_ach(setup, admin, board):
    body = {"start": "2026-01-01", "end": "2026-01-31"}
    assert board.post(f"/api/funds/{setup['fund'].pk}/close-period/", body, format="json").status_code == 403
    assert admin.post(f"/api/funds/{setup['other_fund'].pk}/close-period/", body, format="json").status_code == 404
    assert FiscalPeriod.objects.count() == 0


def test_close_period_is_idempotent(setup, admin):
    url, body = f"/api/funds/{setup['fund'].pk}/close-period/", {"start": "2026-01-01", "end": "2026-01-31"}
    first = admin.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="cp")
    again = admin.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="cp")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert FiscalPeriod.objects.count() == 1


def test_reverse_a_transaction(setup, admin):
    receipt = wf.receive(setup["fund"], "100.00")
    response = admin.post(f"/api/ledger-transactions/{receipt.transaction_id}/reverse/",
                          {"on": "2026-02-01", "memo": "keyed twice"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["reverses"] == receipt.transaction_id and response.json()["kind"] == "reversal"
    again = admin.post(f"/api/ledger-transactions/{receipt.transaction_id}/reverse/", {"on": "2026-02-02"},
                       format="json")
    assert again.status_code == 400 and "transaction" in again.json()["error"]["fields"]
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1


def test_reverse_bad_date_or_closed_period_writes_nothing(setup, admin):
    fund = setup["fund"]
    receipt = wf.receive(fund, "100.00", on=dt.date(2026, 1, 15))
    url = f"/api/ledger-transactions/{receipt.transaction_id}/reverse/"
    early = admin.post(url, {"on": "2026-01-01"}, format="json")
    assert early.status_code == 400 and "on" in early.json()["error"]["fields"]
    admin.post(f"/api/funds/{fund.pk}/close-period/", {"start": "2026-01-01", "end": "2026-01-31"}, format="json")
    closed = admin.post(url, {"on": "2026-01-20"}, format="json")
    assert closed.status_code == 400
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 0


def test_reverse_refused_for_board_and_other_ach(setup, admin, board):
    mine = wf.receive(setup["fund"], "100.00")
    theirs = wf.receive(setup["other_fund"], "100.00")
    assert board.post(f"/api/ledger-transactions/{mine.transaction_id}/reverse/", {"on": "2026-02-01"},
                      format="json").status_code == 403
    assert admin.post(f"/api/ledger-transactions/{theirs.transaction_id}/reverse/", {"on": "2026-02-01"},
                      format="json").status_code == 404
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 0
    assert not AuditEvent.objects.filter(action__contains="reverse").exists()


def test_reverse_is_idempotent(setup, admin):
    receipt = wf.receive(setup["fund"], "100.00")
    url = f"/api/ledger-transactions/{receipt.transaction_id}/reverse/"
    first = admin.post(url, {"on": "2026-02-01"}, format="json", HTTP_IDEMPOTENCY_KEY="rv")
    again = admin.post(url, {"on": "2026-02-01"}, format="json", HTTP_IDEMPOTENCY_KEY="rv")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1


def test_list_query_counts_do_not_grow(setup, admin, django_assert_num_queries):
    fund = setup["fund"]
    wf.receive(fund, "1.00")
    admin.get("/api/me/")  # the token is marked used: no last-used write below
    urls = ("/api/restrictions/", "/api/funding-sources/", "/api/receipts/")
    # queries: token, memberships, count, page
    before = {}
    for url in urls:
        with django_assert_num_queries(4):
            before[url] = admin.get(url).json()["count"]
    for n in range(4):
        restriction = Restriction.objects.create(fund=fund, code=f"r{n}", name=f"R{n}", kind="source")
        wf.receive(fund, "1.00", restriction=restriction)
    for url in urls:
        with django_assert_num_queries(4):
            assert admin.get(url).json()["count"] == before[url] + 4
