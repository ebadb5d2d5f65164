"""Report runs: request -> Celery task -> immutable artifact; versions, retries, attestation, access."""

import hashlib
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import Http404

from audit.models import AuditEvent
from organizations.access import AccessDenied
from organizations.models import OrganizationKind, Role
from reporting.models import ReportArtifact, ReportAttestation, ReportFiling, ReportRun, RunStatus
from reporting.pdf import flowables
from reporting.selectors import artifact_download, artifact_list, artifact_verify, report_run_list
from reporting.services import report_attest, report_file, report_request
from tests.organizations.factories import OrganizationFactory, member
from tests.reporting import pdf_text
from tests.reporting.factories import attest

pytestmark = pytest.mark.django_db

PARAMS = {"plan": "test-plan", "year": 2024}


def _request(actor, capture, params=PARAMS):
    with capture(execute=True):
        run = report_request(actor=actor, kind="community-reinvestment", params=params)
    run.refresh_from_db()
    return run


def _counts():
    return (ReportRun.objects.count(), ReportArtifact.objects.count(), ReportAttestation.objects.count(),
            ReportFiling.objects.count())


def test_request_generates_one_stored_artifact_with_its_hash(fake_cr, staff, django_capture_on_commit_callbacks):
    run = _request(staff["finance"], django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE and run.progress == 100 and run.error == ""
    artifact = run.artifact
    with artifact.file.open("rb") as fh:
        pdf = fh.read()
    assert hashlib.sha256(pdf).hexdigest() == artifact.sha256
    assert artifact.version == 1 and not artifact.is_final
    assert artifact.inputs_snapshot["total_obligation"] == str(fake_cr.data.total_obligation)
    assert artifact.generator_version
    assert artifact_verify(artifact=artifact)
    assert "DRAFT" in pdf_text.text(pdf)
    assert AuditEvent.objects.filter(action="report_artifact.create").count() == 1


def test_same_inputs_reuse_the_artifact_and_new_inputs_make_a_new_version(
        fake_cr, staff, django_capture_on_commit_callbacks):
    first = _request(staff["finance"], django_capture_on_commit_callbacks)
    again = _request(staff["finance"], django_capture_on_commit_callbacks)
    assert again.pk != first.pk and again.artifact_id == first.artifact_id
    assert ReportArtifact.objects.count() == 1
    # when the data changes
    fake_cr.data = replace(fake_cr.data, status="Met", remaining=Decimal("0.00"))
    changed = _request(staff["finance"], django_capture_on_commit_callbacks)
    assert changed.artifact.version == 2
    assert ReportArtifact.objects.count() == 2
    old = ReportArtifact.objects.get(version=1)
    assert artifact_verify(artifact=old)  # the old version and its file are kept


def test_task_failing_once_then_succeeding_leaves_exactly_one_artifact(
        fake_cr, staff, django_capture_on_commit_callbacks, monkeypatch):
    from config.celery_app import app

    # eager tasks retry in-process only when errors do not propagate (as in a worker)
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)
    fake_cr.fail_next = [OperationalError("connection lost")]
    run = _request(staff["finance"], django_capture_on_commit_callbacks)
    assert fake_cr.calls == 2
    assert run.status == RunStatus.DONE and run.attempts == 2
    assert ReportArtifact.objects.count() == 1


def test_non_transient_error_fails_the_run_with_its_message(fake_cr, staff, django_capture_on_commit_callbacks):
    fake_cr.fail_next = [ValidationError({"policy": "No reinvestment policy covers 2024."})]
    run = _request(staff["finance"], django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "No reinvestment policy covers 2024." in run.error
    assert ReportArtifact.objects.count() == 0


def test_bad_request_is_refused_and_nothing_written(fake_cr, staff, django_capture_on_commit_callbacks):
    before = _counts()
    with pytest.raises(ValidationError, match="No plan 'nope'"):
        _request(staff["finance"], django_capture_on_commit_callbacks, {"plan": "nope", "year": 2024})
    with pytest.raises(ValidationError, match="needs --year"):
        _request(staff["finance"], django_capture_on_commit_callbacks, {"plan": "test-plan"})
    with pytest.raises(ValidationError, match="whole number"):
        _request(staff["finance"], django_capture_on_commit_callbacks, {"plan": "test-plan", "year": "x"})
    assert _counts() == before


def test_request_needs_a_role_in_the_plan(fake_cr, plan, django_capture_on_commit_callbacks):
    other_plan = OrganizationFactory(code="other-plan", kind=OrganizationKind.PLAN)
    outsider = member(Role.PLAN_FINANCE, other_plan)
    with pytest.raises(AccessDenied):
        _request(outsider, django_capture_on_commit_callbacks)
    assert ReportRun.objects.count() == 0


def test_attest_stores_signed_final_pdf_and_records_its_hash(fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    attestation = attest(staff["compliance"], draft)
    final = attestation.final
    with final.file.open("rb") as fh:
        pdf = fh.read()
    assert attestation.final_sha256 == final.sha256 == hashlib.sha256(pdf).hexdigest()
    assert final.is_final and final.version == draft.version
    text = pdf_text.text(pdf)
    assert "DRAFT" not in text
    assert "Carlos Ramírez" in text and "Chief Compliance Officer" in text
    assert flowables.moment(attestation.attested_at) in text


def test_attesting_twice_is_refused_and_nothing_written(fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    attest(staff["compliance"], draft)
    before, events = _counts(), AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="already attested"):
        attest(staff["compliance"], draft)
    assert _counts() == before and AuditEvent.objects.count() == events


def test_attest_without_compliance_role_is_refused(fake_cr, staff, django_capture_on_commit_callbacks):
    draft = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    before = _counts()
    with pytest.raises(AccessDenied):
        report_attest(actor=staff["finance"], artifact=draft)
    other = member(Role.PLAN_COMPLIANCE, OrganizationFactory(code="plan-b", kind=OrganizationKind.PLAN))
    with pytest.raises(AccessDenied):
        report_attest(actor=other, artifact=draft)
    assert _counts() == before


def test_attest_refused_when_data_changed_since_the_draft(fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    fake_cr.data = replace(fake_cr.data, status="Met")
    before = _counts()
    with pytest.raises(ValidationError, match="data changed"):
        attest(staff["compliance"], draft)
    assert _counts() == before


def test_regulator_sees_only_filed_reports_of_its_jurisdiction(fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    regulator = member(Role.REGULATOR, OrganizationFactory(code="reg-ca", kind="regulator", jurisdiction="CA"))
    regulator_nv = member(Role.REGULATOR, OrganizationFactory(code="reg-nv", kind="regulator", jurisdiction="NV"))
    final = attest(staff["compliance"], draft).final
    # attested but not filed: invisible to the regulator
    assert list(artifact_list(user=regulator)) == []
    with pytest.raises(Http404):
        artifact_download(user=regulator, artifact_id=final.pk)
    report_file(actor=staff["compliance"], artifact=final)
    assert list(artifact_list(user=regulator)) == [final]
    download = artifact_download(user=regulator, artifact_id=final.pk)
    assert download.sha256 == final.sha256 and download.filename.endswith("-final.pdf")
    with pytest.raises(Http404):
        artifact_download(user=regulator, artifact_id=draft.pk)
    with pytest.raises(Http404):
        artifact_download(user=regulator_nv, artifact_id=final.pk)
    assert list(artifact_list(user=regulator_nv)) == []


def test_downloading_another_plans_report_gives_404(fake_cr, staff, django_capture_on_commit_callbacks):
    draft = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    other = member(Role.PLAN_FINANCE, OrganizationFactory(code="plan-c", kind=OrganizationKind.PLAN))
    with pytest.raises(Http404):
        artifact_download(user=other, artifact_id=draft.pk)
    assert list(report_run_list(user=other)) == []
    assert artifact_download(user=staff["finance"], artifact_id=draft.pk, part="zip").content[:2] == b"PK"


def test_filing_needs_a_final_report_and_happens_once(fake_cr, staff, year_locked, django_capture_on_commit_callbacks):
    draft = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    with pytest.raises(ValidationError, match="attest it before filing"):
        report_file(actor=staff["compliance"], artifact=draft)
    final = attest(staff["compliance"], draft).final
    with pytest.raises(AccessDenied):
        report_file(actor=staff["finance"], artifact=final)
    report_file(actor=staff["compliance"], artifact=final)
    with pytest.raises(ValidationError, match="already filed"):
        report_file(actor=staff["compliance"], artifact=final)
    assert ReportFiling.objects.count() == 1


def test_artifacts_are_append_only_in_the_database(fake_cr, staff, django_capture_on_commit_callbacks):
    from django.db import DatabaseError, connection, transaction

    artifact = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ReportArtifact.objects.filter(pk=artifact.pk).update(sha256="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_reportartifact WHERE id = %s", [artifact.pk])
    artifact.refresh_from_db()
    assert artifact_verify(artifact=artifact)


def test_download_view_checks_permissions(fake_cr, staff, client, django_capture_on_commit_callbacks):
    artifact = _request(staff["finance"], django_capture_on_commit_callbacks).artifact
    url = f"/reports/artifacts/{artifact.pk}/pdf/"
    client.force_login(staff["finance"])
    response = client.get(url)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == artifact.sha256
    assert response["X-Content-SHA256"] == artifact.sha256
    outsider = member(Role.PLAN_FINANCE, OrganizationFactory(code="plan-d", kind=OrganizationKind.PLAN))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
