"""``manage.py generate_report``: a PDF and its data twin from the command line; clear errors."""

import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from reporting.models import ReportArtifact, ReportRun
from tests.reporting import pdf_text
from tests.reporting.factories import plan_year

pytestmark = pytest.mark.django_db


def _rows():
    """What a refused command must not have written: runs, artifacts, audit events."""
    return ReportRun.objects.count(), ReportArtifact.objects.count(), AuditEvent.objects.count()


def test_writes_pdf_json_and_zip(tmp_path):
    plan = plan_year(code="plan-cli", counties=2, credits=2)
    out = tmp_path / "report.pdf"
    call_command("generate_report", "community-reinvestment", "--plan", plan.code, "--year", "2024",
                 "--output", str(out))
    data = json.loads((tmp_path / "report.json").read_text())
    text = pdf_text.squash(pdf_text.text(out.read_bytes()))
    assert data["plan"]["code"] == plan.code
    assert pdf_text.squash("Total obligation") in text
    with zipfile.ZipFile(tmp_path / "report.zip") as archive:
        assert "counties.csv" in archive.namelist()
    assert ReportRun.objects.count() == 0 and ReportArtifact.objects.count() == 0  # nothing archived


@pytest.mark.parametrize(("args", "message"), [
    (["community-reinvestment", "--plan", "nope", "--year", "2024"], "No health plan with code 'nope'"),
    (["community-reinvestment", "--plan", "plan-cli2"], "needs --year"),
    (["community-reinvestment", "--plan", "plan-cli2", "--year", "abc"], "whole number"),
    (["community-reinvestment", "--plan", "plan-cli2", "--year", "2019"], "no financials for income year 2019"),
    (["community-reinvestment", "--plan", "plan-cli2", "--year", "2024", "--fund", "x"], "no parameter 'fund'"),
])
def test_bad_input_exits_with_a_clear_message_and_writes_nothing(tmp_path, args, message):
    plan_year(code="plan-cli2", counties=1, credits=0)
    out = tmp_path / "report.pdf"
    before = _rows()
    with pytest.raises(CommandError, match=message):
        call_command("generate_report", *args, "--output", str(out))
    assert list(tmp_path.iterdir()) == []
    assert _rows() == before


def test_output_must_be_a_pdf_path(tmp_path):
    before = _rows()
    with pytest.raises(CommandError, match=r"\.pdf"):
        call_command("generate_report", "minutes", "--meeting", "1", "--output", str(tmp_path / "x.txt"))
    assert list(tmp_path.iterdir()) == []
    assert _rows() == before
