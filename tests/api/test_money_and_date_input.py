"""Any text in a money or date field is a 400 that writes nothing, never a server error.

A representative set of endpoints (awards and their amendments, tranche payments, receipts,
statements and payments of contributions, ledger reversals, fiscal periods, financial years,
direct investments, application drafts, meetings) gets random text, and the edges that used to
break arithmetic (``1e30``, forty digits, ``NaN``, 9999-12-31), in each of its money and date
fields; the rest of the request is valid.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.utils.dateparse import parse_date, parse_datetime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import IdempotencyRecord
from audit.models import AuditEvent
from grants import services
from grants.models import Amendment, Application, Disbursement, Meeting
from organizations.models import Role
from reinvestment.models import DirectInvestment, PlanFinancialYear
from tests.api.factories import token_client
from tests.grants import factories as gf
from tests.organizations.factories import member
from tests.reinvestment.factories import CBOFactory, PlanFactory, financial_year
from tests.wellness_fund import factories as wf
from wellness_fund.models import (
    ContributionPayment,
    ContributionStatement,
    FiscalPeriod,
    LedgerLeg,
    LedgerTransaction,
    OtherReceipt,
)

pytestmark = pytest.mark.django_db

AMOUNT = re.compile(r"-?[0-9]{1,14}(\.[0-9]{1,2})?")
EDGES = ["1e30", "1E+2", "1" * 40, "9" * 15, "NaN", "-NaN", "Infinity", "-Infinity", "sNaN", "0x10", "1_000",
         "١٢٣", " 1", "1.", ".5", "1.001", "", "-", "9999-12-31", "0001-01-01", "10000-01-01", "2027-02-30",
         "2027-13-01", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "\x00", "𝟙"]
MODELS = [AuditEvent, LedgerLeg, LedgerTransaction, Amendment, Disbursement, OtherReceipt, ContributionStatement,
          ContributionPayment, FiscalPeriod, PlanFinancialYear, DirectInvestment, Meeting, Application,
          IdempotencyRecord]


def _usable_date(text: str) -> bool:
    """Text a date or date-time field may accept (in 1900 to 2200): left out of the strategy."""
    for parse in (parse_date, parse_datetime):
        try:
            value = parse(text.strip())
        except ValueError:
            continue
        if value is not None:
            day = value.date() if isinstance(value, dt.datetime) else value
            return dt.date(1900, 1, 1) <= day <= dt.date(2200, 12, 31)
    return False


texts = st.one_of(st.sampled_from(EDGES), st.text(max_size=60), st.from_regex(r"-?[0-9eE.+]{1,45}", fullmatch=True))
money_texts = texts.filter(lambda s: not AMOUNT.fullmatch(s))
date_texts = texts.filter(lambda s: not _usable_date(s))


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


@dataclass
class Endpoint:
    """A valid request and where its money and date fields are (paths into the body)."""

    method: str
    url: str
    body: dict[str, Any]
    money: list[tuple[str, ...]]
    dates: list[tuple[str, ...]]


def _with(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = dict(body)
    if len(path) == 1:
        out[path[0]] = value
    else:
        out[path[0]] = _with(out[path[0]], path[1:], value)
    return out


def _written() -> tuple[int, ...]:
    return tuple(model._default_manager.count() for model in MODELS)


@pytest.fixture
def endpoints():
    w = gf.world(cbos=1, board=2)
    award = gf.award(w)
    tranche = services.tranche_release(actor=w.admin, tranche=award.tranches.get(number=1))
    source = wf.source(w.fund)
    plan = PlanFactory(code="fuzz-plan")
    financial_year(plan, income_year=2024)
    agreement = wf.agreement(w.fund, plan)
    draft = gf.draft(w, gf.opportunity(w))
    body = gf.body(w)
    admin = token_client(w.admin)
    finance = token_client(member(Role.PLAN_FINANCE, plan))
    staff = token_client(w.staff[0])
    cbo = CBOFactory(code="fuzz-cbo")
    transaction = wf.receive(w.fund, "1000.00").transaction
    fund_admin_calls = [
        Endpoint("post", f"/api/awards/{award.pk}/extend/", {"period_end": "2028-06-30", "reason": "Delays"},
                 [], [("period_end",)]),
        Endpoint("post", f"/api/awards/{award.pk}/reallocate/",
                 {"lines": {"1": money("12000.00"), "2": money("8000.00")}, "reason": "Shift"},
                 [("lines", "1"), ("lines", "2")], []),
        Endpoint("post", f"/api/awards/{award.pk}/change-amount/",
                 {"amount": money("18000.00"), "lines": {"1": money("9000.00"), "2": money("9000.00")},
                  "reason": "Budget", "on": "2027-02-01"},
                 [("amount",), ("lines", "1")], [("on",)]),
        Endpoint("post", f"/api/tranches/{tranche.pk}/disburse/",
                 {"paid_on": "2027-01-20", "amount": money("10000.00"), "payment_reference": "ACH-1"},
                 [("amount",)], [("paid_on",)]),
        Endpoint("post", "/api/receipts/",
                 {"funding_source": source.pk, "amount": money("100.00"), "received_on": "2026-02-01",
                  "reference": "R-1"},
                 [("amount",)], [("received_on",)]),
        Endpoint("post", f"/api/ledger-transactions/{transaction.pk}/reverse/", {"on": "2026-03-01"},
                 [], [("on",)]),
        Endpoint("post", f"/api/funds/{w.fund.pk}/close-period/", {"start": "2026-01-01", "end": "2026-01-31"},
                 [], [("start",), ("end",)]),
        Endpoint("post", "/api/meetings/",
                 {"body": body.pk, "title": "Special meeting", "scheduled_at": "2027-03-01T18:00:00-08:00"},
                 [], [("scheduled_at",)]),
    ]
    plan_calls = [
        Endpoint("post", "/api/contribution-statements/",
                 {"agreement": agreement.pk, "period_start": "2026-01-01", "shareable_revenue": money("10.00")},
                 [("shareable_revenue",)], [("period_start",)]),
        Endpoint("post", "/api/contribution-payments/",
                 {"agreement": agreement.pk, "amount": money("100.00"), "received_on": "2026-02-01",
                  "bank_reference": "B-1"},
                 [("amount",)], [("received_on",)]),
        Endpoint("post", "/api/financial-years/",
                 {"plan": plan.pk, "income_year": 2025, "total_revenue": money("2000000000.00"),
                  "net_income": money("200000000.00"), "pretax_income": money("1.00")},
                 [("total_revenue",), ("net_income",), ("pretax_income",)], []),
        Endpoint("post", "/api/direct-investments/",
                 {"plan": plan.pk, "payee": cbo.code, "purpose": "Asthma sessions", "county": "06025",
                  "domain": "health_care", "paid_on": "2026-03-01", "amount": money("25000.00"),
                  "cha_chip_aligned": True, "cac_consulted": True},
                 [("amount",)], [("paid_on",)]),
    ]
    cbo_calls = [
        Endpoint("patch", f"/api/applications/{draft.pk}/",
                 {"requested_amount": money("20000.00"), "period_start": "2027-01-01", "period_end": "2027-12-31"},
                 [("requested_amount",)], [("period_start",), ("period_end",)]),
    ]
    return [(admin, e) for e in fund_admin_calls] + [(finance, e) for e in plan_calls] + \
        [(staff, e) for e in cbo_calls]


def _send(client, endpoint: Endpoint, body: dict[str, Any]):
    cache.clear()  # rate limits are not under test
    return getattr(client, endpoint.method)(endpoint.url, body, format="json")


def _assert_refused(client, endpoint, body):
    before = _written()
    response = _send(client, endpoint, body)
    assert 400 <= response.status_code < 500, (endpoint.url, body, response.status_code, response.content[:300])
    assert response.json()["error"]["code"]
    assert _written() == before, (endpoint.url, body)


@pytest.mark.parametrize(
    ("url", "body"),
    [("extend", {"period_end": "9999-12-31", "reason": "Forever"}),
     ("change-amount", {"amount": money("1e30"), "lines": {"1": money("1"), "2": money("1")}, "reason": "x"}),
     ("change-amount", {"amount": money("1" * 40), "lines": {"1": money("1"), "2": money("1")}, "reason": "x"}),
     ("reallocate", {"lines": {"1": money("1e30"), "2": money("1" * 40)}, "reason": "x"})],
)
def test_edges_that_used_to_fail_on_an_award_are_400(url, body):
    w = gf.world(cbos=1, board=2)
    award = gf.award(w)
    admin = token_client(w.admin)
    before = _written()
    response = _send(admin, Endpoint("post", f"/api/awards/{award.pk}/{url}/", {}, [], []), body)
    assert response.status_code == 400, response.content
    assert _written() == before


def test_every_endpoint_accepts_its_valid_request(endpoints):
    """The baseline is valid, so a refusal below is about the one field replaced."""
    for client, endpoint in endpoints:
        response = _send(client, endpoint, endpoint.body)
        assert response.status_code < 300, (endpoint.url, response.content[:500])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_random_text_in_money_and_date_fields_is_refused_and_writes_nothing(endpoints, data):
    client, endpoint = data.draw(st.sampled_from([(c, e) for c, e in endpoints if e.money or e.dates]))
    kind = data.draw(st.sampled_from([k for k in ("money", "dates") if getattr(endpoint, k)]))
    path = data.draw(st.sampled_from(getattr(endpoint, kind)))
    if kind == "money":
        text = data.draw(money_texts)
        value = data.draw(st.sampled_from([money(text), text, {"amount": text}]))
    else:
        value = data.draw(date_texts)
    _assert_refused(client, endpoint, _with(endpoint.body, path, value))
