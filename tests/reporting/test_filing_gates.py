"""Attesting and filing need a final income year and a typed confirmation; refusals write nothing."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from organizations.actors import SETUP
from reinvestment import services as reinvestment_services
from reinvestment.applicability import attestation_problems
from reporting.models import ReportArtifact, ReportAttestation, ReportFiling, ReportRun
from reporting.services import report_attest, report_file, report_request
from tests.reinvestment.factories import audited_statement, final_year, financial_year, lock_year
from tests.reporting.factories import attest

pytestmark = pytest.mark.django_db


def _draft(staff, capture):
    with capture(execute=True):
        run = report_request(actor=staff["finance"], kind="community-reinvestment",
                             params={"plan": "test-plan", "year": 2024})
    run.refresh_from_db()
    return run.artifact


def _written():
    return (ReportRun.objects.count(), ReportArtifact.objects.count(), ReportAttestation.objects.count(),
            ReportFiling.objects.count(), AuditEvent.objects.count())


def _typed(officer, **overrides):
    return {"typed_name": officer.get_full_name(), "typed_title": officer.title} | overrides


def test_attesting_a_year_only_submitted_is_refused_and_writes_nothing(
        fake_cr, plan, staff, media, django_capture_on_commit_callbacks):
    # given the income year was submitted, not locked, with no audited statement
    year = financial_year(plan, 2024)
    reinvestment_services.financial_year_submit(actor=SETUP, financial_year=year)
    draft = _draft(staff, django_capture_on_commit_callbacks)
    before = _written()
    # when the compliance officer attests
    with pytest.raises(ValidationError) as err:
        report_attest(actor=staff["compliance"], artifact=draft, **_typed(staff["compliance"]))
    # then it is refused, saying why, and nothing is written
    text = " ".join(err.value.messages)
    assert "is not locked (its status is Submitted)" in text and "no audited financial statement" in text
    assert "submitted" not in text.replace("Submitted", "")  # the status in words, not its code
    assert _written() == before


def test_attesting_a_locked_year_without_its_audited_statement_is_refused(
        fake_cr, plan, staff, media, django_capture_on_commit_callbacks):
    lock_year(financial_year(plan, 2024), statement=False)
    draft = _draft(staff, django_capture_on_commit_callbacks)
    before = _written()
    with pytest.raises(ValidationError, match="no audited financial statement"):
        report_attest(actor=staff["compliance"], artifact=draft, **_typed(staff["compliance"]))
    assert _written() == before


def test_attesting_a_year_with_no_financials_is_refused(fake_cr, staff, media, django_capture_on_commit_callbacks):
    draft = _draft(staff, django_capture_on_commit_callbacks)
    before = _written()
    with pytest.raises(ValidationError, match="has no financials for income year 2024"):
        report_attest(actor=staff["compliance"], artifact=draft, **_typed(staff["compliance"]))
    assert _written() == before


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"typed_name": "", "typed_title": ""}, "typed_name", "Type your full name"),
    ({"typed_name": "   "}, "typed_name", "Type your full name"),
    ({"typed_title": ""}, "typed_title", "Type your job title"),
    ({"typed_name": "Carla Ramírez"}, "typed_name", "not the full name on file"),
    ({"typed_title": "Compliance Officer"}, "typed_title", "not the job title on file"),
])
def test_attesting_without_or_with_a_wrong_typed_confirmation_is_refused(
        fake_cr, staff, year_locked, django_capture_on_commit_callbacks, overrides, field, message):
    draft = _draft(staff, django_capture_on_commit_callbacks)
    before = _written()
    with pytest.raises(ValidationError) as err:
        report_attest(actor=staff["compliance"], artifact=draft, **_typed(staff["compliance"], **overrides))
    assert message in " ".join(err.value.message_dict[field])
    assert _written() == before


def test_attesting_with_no_typed_confirmation_at_all_is_refused(
        fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _draft(staff, django_capture_on_commit_callbacks)
    before = _written()
    with pytest.raises(ValidationError) as err:
        report_attest(actor=staff["compliance"], artifact=draft)
    assert set(err.value.message_dict) == {"typed_name", "typed_title"}
    assert _written() == before


def test_a_second_attestation_of_the_same_version_is_refused_and_writes_nothing(
        fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _draft(staff, django_capture_on_commit_callbacks)
    attest(staff["compliance"], draft)
    before = _written()
    with pytest.raises(ValidationError, match="already attested"):
        attest(staff["compliance"], draft)
    assert _written() == before


def test_attestation_of_a_final_year_states_what_was_attested(
        fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _draft(staff, django_capture_on_commit_callbacks)
    # typed confirmation is compared without regard to case and spacing
    attestation = report_attest(actor=staff["compliance"], artifact=draft, typed_name="  carlos   RAMÍREZ ",
                                typed_title="chief compliance officer")
    event = AuditEvent.objects.get(action="report.attest")
    attested = event.after["attested"]
    assert attested["draft_report_id"] == draft.report_id and attested["version"] == draft.version
    assert attested["draft_sha256"] == draft.sha256
    assert attested["final_sha256"] == attestation.final_sha256 == attestation.final.sha256
    assert attested["income_year"] == 2024 and attested["plan"] == "test-plan"
    [year] = attested["financial_years"]
    assert year["financial_year"] == year_locked.pk and year["status"] == "locked"
    assert year["line_of_business"] == "medi-cal" and year["audited_statement"].endswith(".pdf")
    assert "Carlos Ramírez, Chief Compliance Officer, attests " + draft.report_id in attested["statement"]


def test_the_line_of_business_of_the_report_must_be_final_not_the_others(
        fake_cr, plan, staff, media, django_capture_on_commit_callbacks):
    # A report of the Medi-Cal obligation rests on the Medi-Cal year only (both ways:
    # tests/reporting/test_golden_lines_of_business.py).
    final_year(plan, 2024)  # Medi-Cal: locked, with its statement
    financial_year(plan, 2024, line_of_business="covered-california", gross_premium=D("1000000.00"),
                   source_document=audited_statement())  # still a draft
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(actor=staff["finance"], kind="community-reinvestment",
                             params={"plan": "test-plan", "year": 2024, "line_of_business": "medi-cal"})
    run.refresh_from_db()
    attest(staff["compliance"], run.artifact)
    problems = attestation_problems(plan=plan, income_year=2024)  # every line of the income year
    assert "Income year 2024 (Covered California) is not locked (its status is Draft): lock it before attesting." \
        in problems


def test_filing_is_refused_once_the_year_was_amended_after_attestation(
        fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _draft(staff, django_capture_on_commit_callbacks)
    final = attest(staff["compliance"], draft).final
    reinvestment_services.financial_year_amend(actor=SETUP, financial_year=year_locked, reason="Restated",
                                               net_income=D("1.00"))
    before = _written()
    with pytest.raises(ValidationError, match="cannot be filed yet"):
        report_file(actor=staff["compliance"], artifact=final)
    assert _written() == before


def test_the_refusal_reads_in_the_readers_language(fake_cr, plan, staff, media, django_capture_on_commit_callbacks):
    from django.utils import translation

    financial_year(plan, 2024)  # a draft year without its audited statement
    draft = _draft(staff, django_capture_on_commit_callbacks)
    before = _written()
    with translation.override("es"), pytest.raises(ValidationError) as err:
        attest(staff["compliance"], draft)
    assert err.value.messages[0] == f"Aún no se puede dar fe de {draft.report_id}."
    assert "cannot" not in " ".join(err.value.messages)
    assert _written() == before
