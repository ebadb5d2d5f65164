"""After the award: tranche release and payment, grantee reports, amendments, close-out, roll-ups.

Each: success, validation error (nothing written), another organization's object (404),
refusals about who acts (403), and idempotent retry for POSTs.
"""

import datetime as dt

import pytest

from audit.models import AuditEvent
from grants import services
from grants.models import Amendment, Award, Disbursement, GranteeReport, ReportSchedule, Tranche
from tests.api.factories import money, token_client
from tests.grants import factories as gf
from wellness_fund.models import LedgerTransaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(w):
    return gf.award(w)


@pytest.fixture
def admin(w):
    return token_client(w.admin)


@pytest.fixture
def grantee(w):
    return token_client(w.staff[0])


@pytest.fixture
def outsider():
    other = gf.world(cbos=1, board=1)
    return {"admin": token_client(other.admin), "staff": token_client(other.staff[0])}


def _pay(tranche, amount=None, ref="ACH-1"):
    return {"paid_on": "2027-01-20", "amount": money(amount or f"{tranche.amount.amount:.2f}"),
            "payment_reference": ref}


# --- tranches --------------------------------------------------------------------------------------


def test_release_and_pay_a_tranche(award, admin, grantee):
    tranche = award.tranches.get(number=1)
    released = admin.post(f"/api/tranches/{tranche.pk}/release/")
    assert released.status_code == 200, released.content
    assert released.json()["status"] == "released"
    paid = admin.post(f"/api/tranches/{tranche.pk}/disburse/", _pay(tranche), format="json")
    assert paid.status_code == 201, paid.content
    assert paid.json()["amount"] == money("10000.00")
    seen = grantee.get(f"/api/tranches/?award={award.pk}").json()["results"]
    assert [(t["number"], t["status"], t["paid_on"]) for t in seen][0] == (1, "paid", "2027-01-20")


def test_tranche_waiting_for_a_report_is_not_released(award, admin):
    tranche = award.tranches.get(number=2)
    response = admin.post(f"/api/tranches/{tranche.pk}/release/")
    assert response.status_code == 400 and "requires_report" in response.json()["error"]["fields"]
    assert Tranche.objects.get(pk=tranche.pk).status == "scheduled"


@pytest.mark.parametrize(
    "change",
    [{"amount": money("10000.01")}, {"amount": {"amount": 10000.0, "currency": "USD"}},
     {"payment_reference": ""}, {"paid_on": "soon"}],
)
def test_bad_payment_writes_nothing(award, admin, change):
    tranche = award.tranches.get(number=1)
    admin.post(f"/api/tranches/{tranche.pk}/release/")
    ledger = LedgerTransaction.objects.count()
    response = admin.post(f"/api/tranches/{tranche.pk}/disburse/", _pay(tranche) | change, format="json")
    assert response.status_code == 400, response.content
    assert Disbursement.objects.count() == 0 and LedgerTransaction.objects.count() == ledger
    assert Tranche.objects.get(pk=tranche.pk).status == "released"


def test_tranche_refusals(award, grantee, outsider):
    tranche = award.tranches.get(number=1)
    events = AuditEvent.objects.count()
    forbidden = grantee.post(f"/api/tranches/{tranche.pk}/release/")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "permission_denied"
    hidden = outsider["admin"].post(f"/api/tranches/{tranche.pk}/release/")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    assert outsider["admin"].get(f"/api/tranches/{tranche.pk}/").status_code == 404
    assert Tranche.objects.get(pk=tranche.pk).status == "scheduled"
    assert AuditEvent.objects.count() == events


def test_payment_is_idempotent(award, admin):
    tranche = award.tranches.get(number=1)
    admin.post(f"/api/tranches/{tranche.pk}/release/")
    url = f"/api/tranches/{tranche.pk}/disburse/"
    first = admin.post(url, _pay(tranche), format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = admin.post(url, _pay(tranche), format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Disbursement.objects.count() == 1


# --- grantee reports ---------------------------------------------------------------------------------


def _content():
    content = gf.report_content()
    content["expenditures"] = {"1": money("4000.00"), "2": money("1000.00")}
    return content


def test_report_draft_submit_and_accept(award, admin, grantee):
    schedule = award.reports.get(number=1)
    saved = grantee.patch(f"/api/grantee-reports/{schedule.pk}/", _content(), format="json")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["status"] == "due" and body["total_served"] == 120
    assert body["budget"][0]["spent_period"] == money("4000.00")
    submitted = grantee.post(f"/api/grantee-reports/{schedule.pk}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    accepted = admin.post(f"/api/grantee-reports/{schedule.pk}/accept/", {"comment": "Thanks."}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert [e["kind"] for e in accepted.json()["history"]] == ["submitted", "accepted"]
    listed = grantee.get(f"/api/grantee-reports/?award={award.pk}").json()
    assert listed["count"] == award.reports.count()


def test_request_revision_then_resubmit(award, admin, grantee):
    schedule = award.reports.get(number=1)
    grantee.patch(f"/api/grantee-reports/{schedule.pk}/", _content(), format="json")
    grantee.post(f"/api/grantee-reports/{schedule.pk}/submit/")
    blank = admin.post(f"/api/grantee-reports/{schedule.pk}/request-revision/", {"comment": " "}, format="json")
    assert blank.status_code == 400 and "comment" in blank.json()["error"]["fields"]
    assert ReportSchedule.objects.get(pk=schedule.pk).status == "submitted"
    returned = admin.post(f"/api/grantee-reports/{schedule.pk}/request-revision/",
                          {"comment": "Add the language breakdown."}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert grantee.post(f"/api/grantee-reports/{schedule.pk}/submit/").json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"total_served": 12.5}, "total_served"), ({"total_served": -1}, "total_served"),
     ({"people": {"language": {"spanish": 1.0}}}, "people.language.spanish"),
     ({"expenditures": {"1": money("999999.00")}}, "expenditures"),
     ({"expenditures": {"one": money("1.00")}}, "expenditures"),
     ({"narrative": "x"}, "narrative")],
)
def test_bad_report_draft_writes_nothing(award, grantee, change, field):
    schedule = award.reports.get(number=1)
    response = grantee.patch(f"/api/grantee-reports/{schedule.pk}/", {"progress": "p", **change}, format="json")
    assert response.status_code == 400, response.content
    assert any(k.startswith(field) for k in response.json()["error"]["fields"]), response.json()
    assert GranteeReport.objects.count() == 0


def test_incomplete_report_cannot_be_submitted(award, grantee):
    schedule = award.reports.get(number=1)
    grantee.patch(f"/api/grantee-reports/{schedule.pk}/", {"progress": "Started."}, format="json")
    response = grantee.post(f"/api/grantee-reports/{schedule.pk}/submit/")
    assert response.status_code == 400, response.content
    assert ReportSchedule.objects.get(pk=schedule.pk).status == "due"


def test_report_refusals(award, admin, grantee, outsider):
    schedule = award.reports.get(number=1)
    assert admin.patch(f"/api/grantee-reports/{schedule.pk}/", _content(), format="json").status_code == 403
    assert outsider["staff"].patch(f"/api/grantee-reports/{schedule.pk}/", _content(),
                                   format="json").status_code == 404
    assert outsider["staff"].get(f"/api/grantee-reports/{schedule.pk}/").status_code == 404
    assert GranteeReport.objects.count() == 0
    grantee.patch(f"/api/grantee-reports/{schedule.pk}/", _content(), format="json")
    grantee.post(f"/api/grantee-reports/{schedule.pk}/submit/")
    assert grantee.post(f"/api/grantee-reports/{schedule.pk}/accept/", {}, format="json").status_code == 403
    assert outsider["admin"].post(f"/api/grantee-reports/{schedule.pk}/accept/", {},
                                  format="json").status_code == 404
    assert ReportSchedule.objects.get(pk=schedule.pk).status == "submitted"


def test_report_submit_and_accept_are_idempotent(award, admin, grantee):
    schedule = award.reports.get(number=1)
    grantee.patch(f"/api/grantee-reports/{schedule.pk}/", _content(), format="json")
    url = f"/api/grantee-reports/{schedule.pk}/"
    first = grantee.post(url + "submit/", HTTP_IDEMPOTENCY_KEY="sub")
    again = grantee.post(url + "submit/", HTTP_IDEMPOTENCY_KEY="sub")
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    a1 = admin.post(url + "accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="acc")
    a2 = admin.post(url + "accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="acc")
    assert a1.status_code == a2.status_code == 200 and a2.json() == a1.json()
    assert GranteeReport.objects.get(schedule=schedule).events.count() == 2


# --- amendments and close-out ------------------------------------------------------------------------


def test_reallocate_and_extend(award, admin):
    moved = admin.post(f"/api/awards/{award.pk}/reallocate/",
                       {"lines": {"1": money("12000.00"), "2": money("8000.00")}, "reason": "More staff time."},
                       format="json")
    assert moved.status_code == 201, moved.content
    assert moved.json()["kind"] == "reallocation" and moved.json()["number"] == 1
    extended = admin.post(f"/api/awards/{award.pk}/extend/", {"period_end": "2028-03-31", "reason": "Late start."},
                          format="json")
    assert extended.status_code == 201, extended.content
    assert Award.objects.get(pk=award.pk).period_end == dt.date(2028, 3, 31)


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [("reallocate", {"lines": {"1": money("12000.00"), "2": money("9000.00")}, "reason": "x"}, "lines"),
     ("reallocate", {"lines": {"x": money("1.00")}, "reason": "x"}, "lines"),
     ("extend", {"period_end": "2027-06-30", "reason": "x"}, "period_end"),
     ("change-amount", {"amount": money("25000.00"), "lines": {"1": money("15000.00"), "2": money("10000.00")},
                        "reason": "More"}, "board_item")],
)
def test_bad_amendments_write_nothing(award, admin, path, payload, field):
    ledger = LedgerTransaction.objects.count()
    response = admin.post(f"/api/awards/{award.pk}/{path}/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert Amendment.objects.count() == 0 and LedgerTransaction.objects.count() == ledger
    assert Award.objects.get(pk=award.pk).amount.amount == 20000


def test_decrease_amount(award, admin):
    response = admin.post(f"/api/awards/{award.pk}/change-amount/",
                          {"amount": money("18000.00"), "lines": {"1": money("9000.00"), "2": money("9000.00")},
                           "reason": "Smaller scope."}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["amount_change"] == money("-2000.00")
    assert Award.objects.get(pk=award.pk).amount.amount == 18000


def test_amendment_refusals_and_idempotency(award, admin, grantee, outsider):
    payload = {"period_end": "2028-03-31", "reason": "Late start."}
    assert grantee.post(f"/api/awards/{award.pk}/extend/", payload, format="json").status_code == 403
    assert outsider["admin"].post(f"/api/awards/{award.pk}/extend/", payload, format="json").status_code == 404
    assert Amendment.objects.count() == 0
    first = admin.post(f"/api/awards/{award.pk}/extend/", payload, format="json", HTTP_IDEMPOTENCY_KEY="ext")
    again = admin.post(f"/api/awards/{award.pk}/extend/", payload, format="json", HTTP_IDEMPOTENCY_KEY="ext")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Amendment.objects.count() == 1


def _ready_to_close(w, award):
    gf.pay(w, award, 1)
    gf.accepted_report(w, award, 1, spend={1: "4000.00", 2: "1000.00"})
    gf.pay(w, award, 2, on=dt.date(2027, 8, 1))
    gf.accepted_report(w, award, 2, spend={1: "3000.00", 2: "2000.00"})


def test_close_out(w, award, admin, outsider, grantee):
    early = admin.post(f"/api/awards/{award.pk}/close-out/", {"on": "2028-03-01"}, format="json")
    assert early.status_code == 400 and "award" in early.json()["error"]["fields"]
    assert Award.objects.get(pk=award.pk).status == "accepted"
    _ready_to_close(w, award)
    assert grantee.post(f"/api/awards/{award.pk}/close-out/", {}, format="json").status_code == 403
    assert outsider["admin"].post(f"/api/awards/{award.pk}/close-out/", {}, format="json").status_code == 404
    first = admin.post(f"/api/awards/{award.pk}/close-out/", {"on": "2028-03-01"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="close")
    again = admin.post(f"/api/awards/{award.pk}/close-out/", {"on": "2028-03-01"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="close")
    assert first.status_code == again.status_code == 200, first.content
    assert first.json()["status"] == "closed" and again.json() == first.json()
    events = AuditEvent.objects.count()
    twice = admin.post(f"/api/awards/{award.pk}/close-out/", {"on": "2028-03-02"}, format="json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "invalid_state"
    assert AuditEvent.objects.count() == events


# --- roll-ups --------------------------------------------------------------------------------------


def test_fund_rollup(w, award, admin, outsider):
    _ready_to_close(w, award)
    body = admin.get(f"/api/funds/{w.fund.pk}/rollup/?period=quarter").json()
    assert body["awarded"] == money("20000.00") and body["spent"] == money("10000.00")
    assert body["disbursed"] == money("16000.00")
    assert [a["award_id"] for a in body["awards"]] == [award.pk]
    assert body["people"]["total"] == 120
    assert {p["period"] for p in body["by_period"]} >= {"2027-Q1"}
    bad = admin.get(f"/api/funds/{w.fund.pk}/rollup/?period=week")
    assert bad.status_code == 400 and "period" in bad.json()["error"]["fields"]
    assert outsider["admin"].get(f"/api/funds/{w.fund.pk}/rollup/").status_code == 404


def test_list_query_counts_do_not_grow(w, admin, django_assert_num_queries):
    def add_award(receive):
        a = gf.award(w, receive=receive)
        gf.accepted_report(w, a, 1)
        services.tranche_release(actor=w.admin, tranche=a.tranches.get(number=1))
        return a

    first = add_award("50000.00")
    admin.get("/api/me/")  # the token is marked used: no last-used write below
    # queries: token, memberships, count, page (+ report events)
    urls = {"/api/tranches/": 4, "/api/grantee-reports/": 5}
    counts = {}
    for url, queries in urls.items():
        with django_assert_num_queries(queries):
            counts[url] = admin.get(url).json()["count"]
    add_award("30000.00")
    assert first.reports.get(number=1).content.events.count() == 2
    for url, queries in urls.items():
        with django_assert_num_queries(queries):
            assert admin.get(url).json()["count"] == 2 * counts[url]


def test_award_history(w, award, admin, grantee, outsider):
    admin.post(f"/api/awards/{award.pk}/extend/", {"period_end": "2028-03-31", "reason": "Late start."},
               format="json")
    gf.pay(w, award, 1)
    events = grantee.get(f"/api/awards/{award.pk}/history/").json()
    kinds = [e["kind"] for e in events]  # the award first, then the rest by date
    assert kinds[0] == "award" and sorted(kinds[1:]) == ["amendment:extension", "payment"]
    assert [e["on"] for e in events[1:]] == sorted(e["on"] for e in events[1:])
    payment = next(e for e in events if e["kind"] == "payment")
    assert payment["amount"] == money("10000.00")
    assert outsider["admin"].get(f"/api/awards/{award.pk}/history/").status_code == 404
