"""Golden scenario on the demo data: generate, attest, file and read back demo-plan's 2024 report."""

import datetime as dt
from decimal import Decimal

import pytest

from organizations.models import Organization, User
from reinvestment.models import Obligation
from reinvestment.selectors import obligation_summary
from reporting.models import ReportArtifact, ReportRun, RunStatus
from reporting.pdf import flowables
from reporting.selectors import artifact_download
from reporting.services import report_attest, report_file
from tests.helpers import load_demo
from tests.reporting import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(media):
    load_demo()


def test_demo_report_matches_the_obligation_and_is_attested_and_filed(demo):
    # given the demo loader generated demo-plan's 2024 report
    run = ReportRun.objects.get(kind="community-reinvestment", organization__code="demo-plan")
    assert run.status == RunStatus.DONE
    draft = run.artifact
    plan = Organization.objects.get(code="demo-plan")
    obligation = Obligation.objects.get(plan=plan, income_year=2024, policy_code="CA-DHCS")
    summary = obligation_summary(obligation, dt.date.fromisoformat(draft.inputs_snapshot["as_of"]))
    finance = User.objects.get(username="finance")
    pdf = artifact_download(user=finance, artifact_id=draft.pk).content
    text = pdf_text.text(pdf)
    squashed = pdf_text.squash(text)
    # then the totals and every county row are those of the obligation
    for label, key in (("Total obligation", "total"), ("Fulfilled", "fulfilled"), ("Remaining", "remaining")):
        assert pdf_text.squash(label + flowables.money(summary[key])) in squashed
    assert len(summary["counties"]) == 3
    for county in summary["counties"]:
        row = (county["county"] + f"{int(county['weight']):,}" + _share(summary, county)
               + flowables.money(county["allocated"]) + flowables.money(county["fulfilled"])
               + flowables.money(county["remaining"]))
        assert pdf_text.squash(row) in squashed
    assert pdf_text.squash("Asociación de Promotores — Niños Sanos") in squashed
    # when the compliance officer attests and files it
    compliance = User.objects.get(username="compliance")
    attestation = report_attest(actor=compliance, artifact=draft, typed_name=compliance.get_full_name(),
                                typed_title=compliance.title)
    report_file(actor=compliance, artifact=attestation.final)
    # then the regulator downloads the final, signed PDF
    regulator = User.objects.get(username="regulator")
    final = artifact_download(user=regulator, artifact_id=attestation.final.pk)
    assert final.sha256 == attestation.final_sha256
    final_text = pdf_text.text(final.content)
    assert "Carlos Ramírez" in final_text and compliance.title in final_text
    assert "DRAFT" not in final_text
    assert ReportArtifact.objects.filter(organization=plan).count() == 2


def _share(summary, county):
    weights = sum(c["weight"] for c in summary["counties"])
    return flowables.percent((county["weight"] / weights).quantize(Decimal("0.0001")))
