"""Reinvestment edits: member-month CSV upload, financial-year edit, county financials.

Each: success, validation error (nothing written), another organization's object (404),
and idempotent retry for POSTs.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from reinvestment.models import CountyFinancial, MemberMonth
from tests.api.factories import money
from tests.reinvestment.factories import PlanFactory, financial_year

pytestmark = pytest.mark.django_db

GOOD_CSV = "plan,county,month,member_months\napi-plan,06025,2024-01,1200\napi-plan,Riverside,2024-02,800\n"


@pytest.fixture
def plan():
    return PlanFactory(code="api-plan")


def _upload_url(plan, year=2024):
    return f"/api/member-months/upload/?plan={plan.pk}&year={year}"


# --- member-month CSV upload -----------------------------------------------------------------


def test_upload_csv_body(plan, finance):
    response = finance.post(_upload_url(plan), GOOD_CSV, content_type="text/csv")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["written"] == 2 and [r["line"] for r in body["rows"]] == [2, 3]
    assert sorted(MemberMonth.objects.values_list("county__fips", "member_months")) == [
        ("06025", 1200), ("06065", 800)]


def test_upload_multipart_file(plan, finance):
    upload = SimpleUploadedFile("mm.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = finance.post(_upload_url(plan), {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert MemberMonth.objects.count() == 2


def test_upload_with_a_bad_row_reports_every_row_and_writes_nothing(plan, finance):
    bad = GOOD_CSV + "api-plan,Atlantis,2024-03,5\napi-plan,06025,2024-04,-3\n"
    response = finance.post(_upload_url(plan), bad, content_type="text/csv")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == {"lines.4", "lines.5"}
    assert "Atlantis" in error["fields"]["lines.4"][0]["message"]
    assert "nothing was written" in error["message"]
    assert MemberMonth.objects.count() == 0
    assert not AuditEvent.objects.filter(action="reinvestment.member_months.import").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [("county,month\n06025,2024-01\n", "file"), ("plan,county,month,member_months\n", "file")],
)
def test_upload_bad_header_or_empty_file_writes_nothing(plan, finance, body, field):
    response = finance.post(_upload_url(plan), body, content_type="text/csv")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert MemberMonth.objects.count() == 0


def test_upload_needs_plan_and_year_and_a_file(plan, finance):
    missing = finance.post("/api/member-months/upload/", GOOD_CSV, content_type="text/csv")
    assert missing.status_code == 400 and {"plan", "year"} <= set(missing.json()["error"]["fields"])
    no_file = finance.post(_upload_url(plan), {}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()["error"]["fields"]
    assert MemberMonth.objects.count() == 0


def test_upload_for_another_plan_is_refused(plan, other_plan, finance):
    csv = GOOD_CSV.replace("api-plan", "api-other-plan")
    response = finance.post(_upload_url(other_plan), csv, content_type="text/csv")
    assert response.status_code == 400 and "plan" in response.json()["error"]["fields"]
    assert MemberMonth.objects.count() == 0


def test_upload_is_idempotent(plan, finance):
    first = finance.post(_upload_url(plan), GOOD_CSV, content_type="text/csv", HTTP_IDEMPOTENCY_KEY="mm-1")
    again = finance.post(_upload_url(plan), GOOD_CSV, content_type="text/csv", HTTP_IDEMPOTENCY_KEY="mm-1")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    changed = finance.post(_upload_url(plan), GOOD_CSV.replace("1200", "1300"), content_type="text/csv",
                           HTTP_IDEMPOTENCY_KEY="mm-1")
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
    assert MemberMonth.objects.get(county__fips="06025").member_months == 1200


def test_multipart_retry_fingerprints_the_file_content(plan, finance):
    def post(text):
        upload = SimpleUploadedFile("mm.csv", text.encode(), content_type="text/csv")
        return finance.post(_upload_url(plan), {"file": upload}, format="multipart", HTTP_IDEMPOTENCY_KEY="mm-2")

    assert post(GOOD_CSV).status_code == 200
    assert post(GOOD_CSV)["Idempotent-Replayed"] == "true"
    events = AuditEvent.objects.count()
    changed = post(GOOD_CSV.replace("1200", "1300"))
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
    assert AuditEvent.objects.count() == events
    assert MemberMonth.objects.get(county__fips="06025").member_months == 1200


# --- financial-year edit -----------------------------------------------------------------------


def test_edit_a_draft_year(plan, finance):
    year = financial_year(plan)
    response = finance.patch(f"/api/financial-years/{year.pk}/", {"net_income": money("150000000.00"),
                                                                 "quality_standards_met": True}, format="json")
    assert response.status_code == 200, response.content
    year.refresh_from_db()
    assert year.net_income.amount == 150000000 and year.quality_standards_met is True
    assert AuditEvent.objects.filter(action="reinvestment.financial_year.update").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [({"net_income": money("3000000000.00")}, "net_income"),
     ({"net_income": {"amount": 1.5, "currency": "USD"}}, "net_income"),
     ({"income_year": 2030}, "income_year")],
)
def test_edit_with_bad_figures_writes_nothing(plan, finance, change, field):
    year = financial_year(plan)
    response = finance.patch(f"/api/financial-years/{year.pk}/", change, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    year.refresh_from_db()
    assert year.net_income.amount == 200000000 and year.income_year == 2024
    assert not AuditEvent.objects.filter(action="reinvestment.financial_year.update").exists()


def test_edit_a_locked_year_is_a_state_error(plan, finance):
    year = financial_year(plan)
    finance.post(f"/api/financial-years/{year.pk}/submit/")
    finance.post(f"/api/financial-years/{year.pk}/lock/")
    response = finance.patch(f"/api/financial-years/{year.pk}/", {"net_income": money("1.00")}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"
    year.refresh_from_db()
    assert year.net_income.amount == 200000000


def test_edit_another_plans_year_is_404_and_put_is_not_offered(plan, other_plan, finance):
    theirs = financial_year(other_plan)
    response = finance.patch(f"/api/financial-years/{theirs.pk}/", {"net_income": money("1.00")}, format="json")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.net_income.amount == 200000000
    mine = financial_year(plan)
    assert finance.put(f"/api/financial-years/{mine.pk}/", {}, format="json").status_code == 405


# --- county financials -------------------------------------------------------------------------


def _counties():
    return {"counties": [{"county": "06025", "revenue": money("1500000000.00"), "net_income": money("150000000.00")},
                         {"county": "06065", "revenue": money("500000000.00"), "net_income": money("-5.00")}]}


def test_set_county_financials(plan, finance):
    year = financial_year(plan)
    response = finance.post(f"/api/financial-years/{year.pk}/county-financials/", _counties(), format="json")
    assert response.status_code == 200, response.content
    assert {r["county"]: r["net_income"] for r in response.json()} == {
        "06025": money("150000000.00"), "06065": money("-5.00")}
    assert CountyFinancial.objects.filter(financial_year=year).count() == 2


@pytest.mark.parametrize(
    ("rows", "field"),
    [([{"county": "99999", "revenue": money("1.00"), "net_income": money("1.00")}], "counties.0.county"),
     ([{"county": "06025", "revenue": money("-1.00"), "net_income": money("1.00")}], "counties.0.revenue"),
     ([{"county": "06025", "revenue": money("1.00"), "net_income": money("1.00")}] * 2, "counties")],
)
def test_bad_county_financials_write_nothing(plan, finance, rows, field):
    year = financial_year(plan)
    finance.post(f"/api/financial-years/{year.pk}/county-financials/", _counties(), format="json")
    response = finance.post(f"/api/financial-years/{year.pk}/county-financials/", {"counties": rows},
                            format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert sorted(CountyFinancial.objects.values_list("county__fips", flat=True)) == ["06025", "06065"]


def test_county_financials_of_another_plan_is_404(plan, other_plan, finance):
    theirs = financial_year(other_plan)
    response = finance.post(f"/api/financial-years/{theirs.pk}/county-financials/", _counties(), format="json")
    assert response.status_code == 404
    assert CountyFinancial.objects.count() == 0


def test_county_financials_is_idempotent(plan, finance):
    year = financial_year(plan)
    url = f"/api/financial-years/{year.pk}/county-financials/"
    first = finance.post(url, _counties(), format="json", HTTP_IDEMPOTENCY_KEY="cf")
    again = finance.post(url, _counties(), format="json", HTTP_IDEMPOTENCY_KEY="cf")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="reinvestment.county_financials.set").count() == 1


def test_upload_unreadable_csv_writes_nothing(plan, finance):
    huge = '"' + "x" * 200_000 + '"'  # one field beyond the csv module's field size limit
    response = finance.post(_upload_url(plan), GOOD_CSV + f"api-plan,{huge},2024-03,1\n", content_type="text/csv")
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"], response.content
    assert MemberMonth.objects.count() == 0


def test_county_financials_in_another_currency_write_nothing(plan, finance):
    year = financial_year(plan)
    rows = _counties()
    rows["counties"][1]["revenue"] = {"amount": "5.00", "currency": "EUR"}
    response = finance.post(f"/api/financial-years/{year.pk}/county-financials/", rows, format="json")
    assert response.status_code == 400 and "counties.1.revenue" in response.json()["error"]["fields"]
    assert CountyFinancial.objects.count() == 0
