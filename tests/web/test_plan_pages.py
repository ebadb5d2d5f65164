"""Plan finance pages: obligations dashboard, financial years, member months, direct investments,
contribution statements and payments. Each page: success, refusal (another plan's record or
the wrong role gives 404) and bad input (errors beside the field, nothing written)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from organizations.actors import SETUP
from organizations.models import Role
from reinvestment import services
from reinvestment.models import (
    DirectInvestment,
    MemberMonth,
    Obligation,
    ObligationCredit,
    PlanFinancialYear,
)
from tests.organizations.factories import member
from tests.reinvestment.factories import CBOFactory, PlanFactory, county, financial_year
from tests.reinvestment.factories import member_months as give_member_months
from tests.wellness_fund import factories as wf
from wellness_fund import services as wf_services
from wellness_fund.models import ContributionPayment, LedgerTransaction

pytestmark = pytest.mark.django_db
POLICY = "CA-DHCS"


@pytest.fixture
def plan():
    return PlanFactory(code="plan-web", legal_name="Web Health Plan")


@pytest.fixture
def other_plan():
    return PlanFactory(code="plan-other", legal_name="Other Health Plan")


@pytest.fixture
def finance(plan):
    return member(Role.PLAN_FINANCE, plan)


@pytest.fixture
def compliance(plan):
    return member(Role.PLAN_COMPLIANCE, plan)


def _year_with_obligation(plan, income_year=2024):
    give_member_months(plan, income_year, {"Imperial": 1000, "Riverside": 3000})
    year = financial_year(plan, income_year=income_year)
    services.obligation_compute(actor=SETUP, financial_year=year, policy_code=POLICY)
    return year


def _form_token(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"].initial["form_token"]


# --- obligations dashboard -----------------------------------------------------------------


def test_dashboard_shows_obligation_by_year_and_county_with_chart(client, plan, compliance):
    _year_with_obligation(plan)
    obligation = Obligation.objects.get(plan=plan)
    client.force_login(compliance)

    response = client.get(reverse("reinvestment:dashboard", args=[plan.code]))

    assert response.status_code == 200
    html = response.content.decode()
    total = obligation.total.amount
    assert f"${total:,.2f}" in html
    assert "Imperial" in html and "Riverside" in html
    assert 'role="img"' in html  # the county chart
    assert response.context["summary"]["income_year"] == 2024
    allocated = sum(c["allocated"] for c in response.context["summary"]["counties"])
    assert allocated == total


def test_dashboard_csv_exports_exact_amounts(client, plan, finance):
    _year_with_obligation(plan)
    client.force_login(finance)
    response = client.get(reverse("reinvestment:dashboard", args=[plan.code]) + "?format=csv")
    body = b"".join(response.streaming_content).decode()
    total = Obligation.objects.get(plan=plan).total.amount
    assert str(total) in body
    assert "$" not in body


def test_dashboard_of_another_plan_is_404(client, plan, other_plan, finance):
    _year_with_obligation(other_plan)
    client.force_login(finance)
    assert client.get(reverse("reinvestment:dashboard", args=[other_plan.code])).status_code == 404


def test_dashboard_for_wrong_role_is_404(client, plan):
    cbo_user = member(Role.CBO_STAFF, CBOFactory())
    client.force_login(cbo_user)
    assert client.get(reverse("reinvestment:dashboard", args=[plan.code])).status_code == 404


@pytest.mark.parametrize("years", [1, 3])
def test_dashboard_query_count_does_not_grow_with_years(client, plan, finance, django_assert_num_queries, years):
    for y in range(2023, 2023 + years):
        _year_with_obligation(plan, y)
    client.force_login(finance)
    url = reverse("reinvestment:dashboard", args=[plan.code])
    client.get(url)  # warm the session
    cache.clear()  # the figures are computed, not read from the cache
    # session, user (with the audit link's permission and the memberships, with their organizations: the plan),
    # its figures stamp; obligations with fulfilment (1); the chosen year's county allocations
    # (1) and fulfilment by county (1); the plan's unallocated money (1)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    # Again: the figures come from the cache, kept under the stamp (session, user, stamp)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


# --- financial years -----------------------------------------------------------------------


def _year_post(token, **changes):
    data = {"form_token": token, "income_year": "2024", "total_revenue": "2,000,000,000.00",
            "net_income": "200,000,000.00", "quality_standards_met": "on", "policy": POLICY}
    data.update(changes)
    return data


def test_finance_records_a_year_and_its_obligation_is_computed(client, plan, finance):
    give_member_months(plan, 2024, {"Imperial": 1000})
    client.force_login(finance)
    url = reverse("reinvestment:year_new", args=[plan.code])
    token = _form_token(client, url)
    document = SimpleUploadedFile("audited.pdf", b"%PDF-1.4 audited", content_type="application/pdf")

    response = client.post(url, _year_post(token, source_document=document))

    year = PlanFinancialYear.objects.get(plan=plan, income_year=2024)
    assert response.status_code == 302
    assert response["Location"] == reverse("reinvestment:year_detail", args=[plan.code, year.pk])
    assert year.total_revenue.amount == Decimal("2000000000.00")
    assert year.source_document.name.endswith(".pdf")
    assert Obligation.objects.filter(financial_year=year, policy_code=POLICY).count() == 1
    assert AuditEvent.objects.filter(action="reinvestment.financial_year.create", actor=finance).exists()
    page = client.get(response["Location"]).content.decode()
    obligation = Obligation.objects.get(financial_year=year)
    assert f"${obligation.total.amount:,.2f}" in page


def test_double_submitted_year_form_records_one_year(client, plan, finance):
    client.force_login(finance)
    url = reverse("reinvestment:year_new", args=[plan.code])
    token = _form_token(client, url)
    first = client.post(url, _year_post(token, policy=""))
    second = client.post(url, _year_post(token, policy=""))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert PlanFinancialYear.objects.filter(plan=plan).count() == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("total_revenue", "12.5.0", "Enter an amount"),
    ("total_revenue", "1.001", "at most two decimal places"),
    ("net_income", "3,000,000,000.00", "Net income cannot be greater than total revenue"),
    ("income_year", "1800", "greater than or equal to 1990"),
])
def test_bad_year_input_shows_field_error_and_writes_nothing(client, plan, finance, field, value, message):
    client.force_login(finance)
    url = reverse("reinvestment:year_new", args=[plan.code])
    token = _form_token(client, url)
    events = AuditEvent.objects.count()

    response = client.post(url, _year_post(token, **{field: value}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert PlanFinancialYear.objects.filter(plan=plan).count() == 0
    assert Obligation.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_existing_year_is_refused_beside_the_income_year(client, plan, finance):
    financial_year(plan, income_year=2024)
    client.force_login(finance)
    url = reverse("reinvestment:year_new", args=[plan.code])
    response = client.post(url, _year_post(_form_token(client, url)))
    assert "already has income year 2024" in " ".join(response.context["form"].errors["income_year"])
    assert PlanFinancialYear.objects.filter(plan=plan).count() == 1


def test_compliance_officer_cannot_enter_a_year(client, plan, compliance):
    client.force_login(compliance)
    url = reverse("reinvestment:year_new", args=[plan.code])
    assert client.get(url).status_code == 404
    assert client.post(url, _year_post("x" * 32)).status_code == 404
    assert PlanFinancialYear.objects.count() == 0


def test_submit_lock_and_amend_with_a_reason(client, plan, finance):
    year = _year_with_obligation(plan)
    client.force_login(finance)
    assert client.post(reverse("reinvestment:year_submit", args=[plan.code, year.pk])).status_code == 302
    assert client.post(reverse("reinvestment:year_lock", args=[plan.code, year.pk])).status_code == 302
    year.refresh_from_db()
    assert year.status == "locked"
    assert Obligation.objects.get(financial_year=year).status == "frozen"

    amend_url = reverse("reinvestment:year_amend", args=[plan.code, year.pk])
    response = client.post(amend_url, {"reason": "Restated audit", "total_revenue": "2000000000.00",
                                        "net_income": "150000000.00", "quality_standards_met": "on"})

    new = PlanFinancialYear.objects.get(plan=plan, income_year=2024, status="draft")
    assert response.status_code == 302
    assert new.supersedes_id == year.pk
    assert new.amendment_reason == "Restated audit"
    assert new.net_income.amount == Decimal("150000000.00")


def test_amend_without_reason_shows_error_and_changes_nothing(client, plan, finance):
    year = _year_with_obligation(plan)
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)
    client.force_login(finance)
    response = client.post(reverse("reinvestment:year_amend", args=[plan.code, year.pk]),
                           {"reason": "", "total_revenue": "1.00", "net_income": "1.00"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert PlanFinancialYear.objects.filter(plan=plan).count() == 1
    year.refresh_from_db()
    assert year.status == "locked"


def test_locking_a_draft_is_refused_with_a_message(client, plan, finance):
    year = financial_year(plan)
    client.force_login(finance)
    response = client.post(reverse("reinvestment:year_lock", args=[plan.code, year.pk]))
    assert response.status_code == 400
    assert "Only a submitted year can be locked" in response.content.decode()
    year.refresh_from_db()
    assert year.status == "draft"


def test_upload_audited_statement_to_a_locked_year_is_refused(client, plan, finance):
    year = financial_year(plan)
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)
    client.force_login(finance)
    document = SimpleUploadedFile("audit.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(reverse("reinvestment:year_document", args=[plan.code, year.pk]),
                           {"source_document": document, "form_token": "t" * 32})
    assert response.status_code == 400
    assert "only by amending the year" in response.content.decode()
    year.refresh_from_db()
    assert not year.source_document


def test_another_plans_year_is_404(client, plan, other_plan, finance):
    year = financial_year(other_plan)
    client.force_login(finance)
    assert client.get(reverse("reinvestment:year_detail", args=[plan.code, year.pk])).status_code == 404
    assert client.get(reverse("reinvestment:year_detail", args=[other_plan.code, year.pk])).status_code == 404
    assert client.post(reverse("reinvestment:year_submit", args=[plan.code, year.pk])).status_code == 404
    year.refresh_from_db()
    assert year.status == "draft"


@pytest.mark.parametrize("years", [2, 6])
def test_year_list_query_count(client, plan, finance, django_assert_num_queries, years):
    for y in range(2020, 2020 + years):
        financial_year(plan, income_year=y)
    client.force_login(finance)
    url = reverse("reinvestment:year_list", args=[plan.code])
    client.get(url)
    # session, user (with the audit link's permission and the memberships, with their organizations: the plan),
    # count, page rows
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.context["table"].page.paginator.count == years


# --- member months -------------------------------------------------------------------------


def _csv(*rows):
    return SimpleUploadedFile("mm.csv", ("plan,county,month,member_months\n" + "\n".join(rows)).encode(),
                              content_type="text/csv")


def test_member_month_import_writes_rows(client, plan, finance):
    client.force_login(finance)
    response = client.post(reverse("reinvestment:member_months", args=[plan.code]), {
        "year": "2024", "file": _csv("plan-web,Imperial,2024-01,1200", "plan-web,06065,2024-02,3400")})
    assert response.status_code == 200
    assert response.context["report"].ok
    assert MemberMonth.objects.filter(plan=plan).count() == 2


def test_member_month_import_with_a_bad_row_shows_the_row_and_writes_nothing(client, plan, finance):
    client.force_login(finance)
    response = client.post(reverse("reinvestment:member_months", args=[plan.code]), {
        "year": "2024", "file": _csv("plan-web,Imperial,2024-01,1200", "plan-web,Atlantis,2024-02,3")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "unknown county &#x27;Atlantis&#x27;" in html or "unknown county 'Atlantis'" in html
    assert "nothing was imported" in " ".join(response.context["form"].errors["file"])
    assert MemberMonth.objects.count() == 0


def test_member_month_import_with_wrong_header_is_a_field_error(client, plan, finance):
    client.force_login(finance)
    bad = SimpleUploadedFile("mm.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client.post(reverse("reinvestment:member_months", args=[plan.code]), {"year": "2024", "file": bad})
    assert "The header must be" in " ".join(response.context["form"].errors["file"])
    assert MemberMonth.objects.count() == 0


def test_member_month_import_for_another_plan_is_404(client, other_plan, finance):
    client.force_login(finance)
    response = client.post(reverse("reinvestment:member_months", args=[other_plan.code]), {
        "year": "2024", "file": _csv("plan-other,Imperial,2024-01,1")})
    assert response.status_code == 404
    assert MemberMonth.objects.count() == 0


# --- direct investments --------------------------------------------------------------------


def _investment_post(token, payee, **changes):
    data = {"form_token": token, "payee": str(payee.pk), "purpose": "Promotoras outreach",
            "county": str(county("Imperial").pk), "domain": "food", "paid_on": "2025-03-01",
            "amount": "$25,000.00", "income_year": "2024", "cha_chip_aligned": "on"}
    data.update(changes)
    return data


def test_record_direct_investment_once(client, plan, finance):
    _year_with_obligation(plan)
    cbo = CBOFactory(legal_name="Promotoras Unidas")
    client.force_login(finance)
    url = reverse("reinvestment:investment_new", args=[plan.code])
    token = _form_token(client, url)
    first = client.post(url, _investment_post(token, cbo))
    second = client.post(url, _investment_post(token, cbo))
    assert first.status_code == second.status_code == 302
    investment = DirectInvestment.objects.get(plan=plan)
    assert investment.amount.amount == Decimal("25000.00")
    assert ObligationCredit.objects.filter(plan=plan, source="direct_investment").count() == 1
    listing = client.get(reverse("reinvestment:investment_list", args=[plan.code])).content.decode()
    assert "$25,000.00" in listing and "Promotoras Unidas" in listing


@pytest.mark.parametrize(("field", "value", "message"), [
    ("amount", "-5", "must not be negative"),
    ("amount", "0", "greater than zero"),
    ("purpose", "", "required"),
    ("paid_on", "2025-02-30", "valid date"),
])
def test_bad_investment_input_writes_nothing(client, plan, finance, field, value, message):
    cbo = CBOFactory()
    client.force_login(finance)
    url = reverse("reinvestment:investment_new", args=[plan.code])
    response = client.post(url, _investment_post(_form_token(client, url), cbo, **{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert DirectInvestment.objects.count() == 0
    assert ObligationCredit.objects.count() == 0


def test_investment_pages_refuse_wrong_role_and_other_plan(client, plan, other_plan, compliance):
    client.force_login(compliance)
    assert client.get(reverse("reinvestment:investment_new", args=[plan.code])).status_code == 404
    assert client.get(reverse("reinvestment:investment_list", args=[plan.code])).status_code == 200
    assert client.get(reverse("reinvestment:investment_list", args=[other_plan.code])).status_code == 404


@pytest.mark.parametrize("count", [2, 8])
def test_investment_list_query_count(client, plan, finance, django_assert_num_queries, count):
    cbo = CBOFactory()
    imperial = county("Imperial")
    for i in range(count):
        services.direct_investment_record(
            actor=SETUP, plan=plan, payee=cbo, purpose=f"Item {i}", county=imperial, domain="food",
            paid_on=dt.date(2025, 1, 1 + i), amount=Decimal("100.00"), cha_chip_aligned=False,
            cac_consulted=False, income_year=2024)
    client.force_login(finance)
    url = reverse("reinvestment:investment_list", args=[plan.code])
    client.get(url)
    # session, user (with the audit link's permission and the memberships, with their organizations: the plan),
    # count, page rows (payee and county joined)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.context["table"].page.paginator.count == count


# --- contribution statements and payments --------------------------------------------------


@pytest.fixture
def agreement(plan):
    fund = wf.fund(counties=("Imperial",))
    wf.member_months(plan, "Imperial", dt.date(2026, 1, 1), 1000)
    agr = wf.agreement(fund, plan, pmpm_rate="2.0000")
    wf_services.statement_issue(actor=SETUP, agreement=agr, period_start=dt.date(2026, 1, 1))
    return agr


def test_statements_show_expected_paid_variance_and_overdue(client, plan, finance, agreement):
    client.force_login(finance)
    response = client.get(reverse("wellness_fund:plan_statements", args=[plan.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "$2,000.00" in html  # 1,000 member months x $2.00
    assert "-$2,000.00" in html  # nothing paid yet
    assert "Overdue" in html


def test_statements_of_another_plan_are_404_and_not_listed(client, plan, other_plan, finance, agreement):
    other_finance = member(Role.PLAN_FINANCE, other_plan)
    client.force_login(other_finance)
    assert client.get(reverse("wellness_fund:plan_statements", args=[plan.code])).status_code == 404
    response = client.get(reverse("wellness_fund:plan_statements", args=[other_plan.code]))
    assert response.context["table"].page.paginator.count == 0


def test_compliance_officer_gets_404_on_statements(client, plan, compliance, agreement):
    client.force_login(compliance)
    assert client.get(reverse("wellness_fund:plan_statements", args=[plan.code])).status_code == 404


@pytest.mark.parametrize("months", [1, 4])
def test_statement_list_query_count(client, plan, finance, django_assert_num_queries, months):
    fund = wf.fund(counties=("Imperial",))
    agr = wf.agreement(fund, plan)
    for m in range(1, months + 1):
        wf.member_months(plan, "Imperial", dt.date(2026, m, 1), 100)
        wf_services.statement_issue(actor=SETUP, agreement=agr, period_start=dt.date(2026, m, 1))
    client.force_login(finance)
    url = reverse("wellness_fund:plan_statements", args=[plan.code])
    client.get(url)
    # session, user (with the audit link's permission and the memberships, with their organizations: the plan);
    # statements with payments summed (1)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.context["table"].page.paginator.count == months


def test_double_submitted_payment_records_one_payment(client, plan, finance, agreement):
    financial_year(plan, income_year=2025)
    client.force_login(finance)
    url = reverse("wellness_fund:plan_payment_new", args=[plan.code])
    token = _form_token(client, url)
    data = {"form_token": token, "agreement": str(agreement.pk), "amount": "2,000.00",
            "received_on": "2026-02-20", "bank_reference": "WIRE-1"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302, first.context and first.context["form"].errors
    assert ContributionPayment.objects.count() == 1
    assert ContributionPayment.objects.get().amount.amount == Decimal("2000.00")
    assert ObligationCredit.objects.filter(plan=plan, source="fund_contribution").count() == 1
    html = client.get(reverse("wellness_fund:plan_statements", args=[plan.code])).content.decode()
    assert "$0.00" in html  # variance now zero


def test_bad_payment_shows_field_errors_and_posts_nothing(client, plan, finance, agreement):
    client.force_login(finance)
    url = reverse("wellness_fund:plan_payment_new", args=[plan.code])
    transactions = LedgerTransaction.objects.count()
    response = client.post(url, {"form_token": _form_token(client, url), "agreement": str(agreement.pk),
                                 "amount": "12.345", "received_on": "", "bank_reference": ""})
    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) >= {"amount", "received_on", "bank_reference"}
    assert "at most two decimal places" in " ".join(form.errors["amount"])
    assert ContributionPayment.objects.count() == 0
    assert LedgerTransaction.objects.count() == transactions


def test_payment_without_a_year_to_credit_says_so_beside_income_year(client, plan, finance, agreement):
    client.force_login(finance)
    url = reverse("wellness_fund:plan_payment_new", args=[plan.code])
    response = client.post(url, {"form_token": _form_token(client, url), "agreement": str(agreement.pk),
                                 "amount": "10.00", "received_on": "2026-02-20", "bank_reference": "W-2"})
    assert "no financial year yet" in " ".join(response.context["form"].errors["income_year"])
    assert ContributionPayment.objects.count() == 0
    assert ObligationCredit.objects.count() == 0


def test_payment_to_another_plans_agreement_is_refused(client, plan, other_plan, agreement):
    other_finance = member(Role.PLAN_FINANCE, other_plan)
    client.force_login(other_finance)
    url = reverse("wellness_fund:plan_payment_new", args=[other_plan.code])
    response = client.post(url, {"form_token": _form_token(client, url), "agreement": str(agreement.pk),
                                 "amount": "10.00", "received_on": "2026-02-20", "bank_reference": "X"})
    assert response.status_code == 200
    assert "agreement" in response.context["form"].errors  # not among the choices
    assert client.get(reverse("wellness_fund:plan_payment_new", args=[plan.code])).status_code == 404
    assert ContributionPayment.objects.count() == 0


def test_upload_audited_statement_to_an_open_year(client, plan, finance):
    year = financial_year(plan)
    client.force_login(finance)
    document = SimpleUploadedFile("audit-2024.pdf", b"%PDF-1.4 audited", content_type="application/pdf")
    response = client.post(reverse("reinvestment:year_document", args=[plan.code, year.pk]),
                           {"source_document": document, "form_token": "t" * 32})
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.source_document.name.endswith(".pdf")
    assert AuditEvent.objects.filter(action="reinvestment.financial_year.update", actor=finance).exists()


def test_upload_without_a_file_is_a_field_error(client, plan, finance):
    year = financial_year(plan)
    client.force_login(finance)
    response = client.post(reverse("reinvestment:year_document", args=[plan.code, year.pk]), {})
    assert response.status_code == 400
    assert response.context["document_form"].errors["source_document"]
    year.refresh_from_db()
    assert not year.source_document


def test_regulator_gets_404_on_plan_finance_pages(client, plan):
    from organizations.models import OrganizationKind
    from tests.organizations.factories import OrganizationFactory

    _year_with_obligation(plan)
    regulator = member(Role.REGULATOR, OrganizationFactory(kind=OrganizationKind.REGULATOR, jurisdiction="CA"))
    client.force_login(regulator)
    for name in ("reinvestment:dashboard", "reinvestment:year_list", "reinvestment:investment_list",
                 "wellness_fund:plan_statements"):
        assert client.get(reverse(name, args=[plan.code])).status_code == 404, name
