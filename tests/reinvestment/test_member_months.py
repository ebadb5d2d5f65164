"""Member-month CSV import: a per-row report; one bad row and nothing is written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment import services
from reinvestment.models import MemberMonth
from tests.organizations.factories import member
from tests.reinvestment.factories import PlanFactory, financial_year

pytestmark = pytest.mark.django_db

GOOD = """plan,county,month,member_months
{plan},Imperial,2024-01,1000
{plan},06065,2024-01,3000
{plan},San Diego,2024-02-01,2000
"""


@pytest.fixture
def plan():
    return PlanFactory(code="csv-plan")


def write(tmp_path, text):
    path = tmp_path / "mm.csv"
    path.write_text(text)
    return path


def test_import_writes_every_row_and_reports_each(plan, tmp_path, capsys):
    call_command("import_member_months", str(write(tmp_path, GOOD.format(plan=plan.code))), plan=plan.code, year=2024)

    out = capsys.readouterr().out
    assert "line 2: OK Imperial 2024-01: 1000" in out
    assert "line 4: OK San Diego 2024-02: 2000" in out
    rows = {(m.county.name, m.month, m.member_months) for m in MemberMonth.objects.select_related("county")}
    assert rows == {("Imperial", datetime.date(2024, 1, 1), 1000), ("Riverside", datetime.date(2024, 1, 1), 3000),
                    ("San Diego", datetime.date(2024, 2, 1), 2000)}
    assert AuditEvent.objects.filter(action="reinvestment.member_months.import").count() == 1


def test_reimport_replaces_counts_and_audits_before_after(plan):
    rows = [{"plan": plan.code, "county": "Imperial", "month": "2024-01", "member_months": "10"}]
    services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=rows)
    rows[0]["member_months"] = "12"
    report = services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=rows)
    assert report.written == 1
    assert MemberMonth.objects.get().member_months == 12
    event = AuditEvent.objects.filter(action="reinvestment.member_months.import").order_by("-id").first()
    assert event.before == {"06025 2024-01": 10} and event.after == {"06025 2024-01": 12}


@pytest.mark.parametrize(("bad_row", "problem"), [
    ("{plan},Imperial,2024-01,5", "duplicate row for Imperial 2024-01"),
    ("{plan},Atlantis,2024-03,5", "unknown county 'Atlantis'"),
    ("{plan},99999,2024-03,5", "unknown county '99999'"),
    ("{plan},Imperial,2024-03,-5", "is negative"),
    ("{plan},Imperial,2024-03,5.5", "not a whole number"),
    ("{plan},Imperial,2024-03,many", "not a whole number"),
    ("{plan},Imperial,2023-12,5", "not in income year 2024"),
    ("{plan},Imperial,2024-13,5", "has no month 13"),
    ("other-plan,Imperial,2024-03,5", "is not csv-plan"),
])
def test_any_bad_row_writes_nothing(plan, tmp_path, capsys, bad_row, problem):
    MemberMonth.objects.create(plan=plan, county_id=1, month=datetime.date(2024, 6, 1), member_months=7)
    before = (list(MemberMonth.objects.values_list("id", "member_months")), AuditEvent.objects.count())
    text = GOOD.format(plan=plan.code) + bad_row.format(plan=plan.code) + "\n"

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_member_months", str(write(tmp_path, text)), plan=plan.code, year=2024)

    err = capsys.readouterr().err
    assert "line 2: OK" in err and "line 5: ERROR" in err and problem in err
    assert (list(MemberMonth.objects.values_list("id", "member_months")), AuditEvent.objects.count()) == before


def test_wrong_header_and_empty_file_are_refused(plan, tmp_path):
    with pytest.raises(CommandError, match="header"):
        call_command("import_member_months", str(write(tmp_path, "a,b\n1,2\n")), plan=plan.code, year=2024)
    with pytest.raises(CommandError):
        call_command("import_member_months", str(write(tmp_path, "plan,county,month,member_months\n")),
                     plan=plan.code, year=2024)
    assert MemberMonth.objects.count() == 0


def test_locked_year_refuses_new_member_months(plan):
    year = financial_year(plan, 2024)
    services.financial_year_submit(actor=SETUP, financial_year=year)
    services.financial_year_lock(actor=SETUP, financial_year=year)
    rows = [{"plan": plan.code, "county": "Imperial", "month": "2024-01", "member_months": "10"}]
    with pytest.raises(ValidationError, match="locked"):
        services.member_months_import(actor=SETUP, plan=plan, year=2024, rows=rows)
    assert MemberMonth.objects.count() == 0


def test_only_plan_finance_imports(plan):
    rows = [{"plan": plan.code, "county": "Imperial", "month": "2024-01", "member_months": "10"}]
    with pytest.raises(AccessDenied):
        services.member_months_import(actor=member("plan_compliance", plan), plan=plan, year=2024, rows=rows)
    assert MemberMonth.objects.count() == 0
